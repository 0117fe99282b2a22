/* advflow: digital balls and their geometry.
 *
 * The digital ball of radius R cells in the q-norm is the set of integer
 * offsets z = (i, j) with ||z||_q <= R (docs/theory.md section 1).  R need not be
 * an integer (eps / dx rarely is).  Membership is decided with a relative
 * tolerance of 1e-9 on R, so that R = 3 exactly contains (3, 0) even when R
 * came out of a division as 2.9999999999.
 *
 * In 2D every such ball is a union of horizontal chords: row j (|j| <= r)
 * holds the offsets i = -half[j + r] .. +half[j + r].  half[] is symmetric
 * in j and non-increasing in |j|; the morphology and the min-cut graphs rely
 * on both facts.
 *
 * Geometry (for the perimeter's normalisation): the convex hull of the
 * offsets has support function h_B(nu).  A strip measured by Per_eps has
 * width h_B(nu) in direction nu, so advflow normalises by the digital ball's
 * mean width instead of 2R.  GPL-3.0-or-later.
 */
#ifndef ADVFLOW_BALL_H
#define ADVFLOW_BALL_H

#include <stddef.h>

#include "advflow/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    AF_NORM_2 = 2,   /* Euclidean ball (disc) */
    AF_NORM_INF = 0, /* l-infinity ball (axis-aligned square), FGSM threat model */
    AF_NORM_1 = 1    /* l1 ball (diamond) */
} af_norm;

typedef struct {
    af_norm norm;
    double radius; /* R in cells, 0 <= R <= AF_BALL_MAX_RADIUS */
    int r;         /* largest |i| or |j| in the ball: floor(R) (with tolerance) */
    int *half;     /* half[j + r], j = -r..r: chord half-widths, 2r + 1 entries */
    size_t count;  /* number of offsets, sum over j of (2 half[j + r] + 1) */
} af_ball;

#define AF_BALL_MAX_RADIUS 4096.0

/* Allocate the digital ball; NULL on bad arguments (err says why) or no memory. */
af_ball *af_ball_alloc(af_norm norm, double radius_cells, af_error *err);
/* Free; accepts NULL. */
void af_ball_free(af_ball *b);

/* 1 if offset (i, j) is in the ball, else 0. */
int af_ball_contains(const af_ball *b, int i, int j);

/* Support function of the digital ball's convex hull in direction theta
 * (radians): max over offsets z of z . (cos theta, sin theta), in cells. */
double af_ball_support(const af_ball *b, double theta);

/* Support function of the continuous ball of the same norm and radius R. */
double af_ball_support_continuous(const af_ball *b, double theta);

/* Mean width of the digital ball's convex hull, in cells: its perimeter / pi
 * (exact, from the hull).  For a continuous l2 ball this would be 2R. */
double af_ball_mean_width(const af_ball *b);

/* Mean width of the continuous ball of the same norm and radius, in cells:
 * 2R (l2), 8R/pi (l-inf), 4 sqrt(2) R / pi (l1). */
double af_ball_mean_width_continuous(const af_ball *b);

/* Mean-width ratio, digital / continuous; 1 for the continuum.  Per_eps is
 * normalised by w_B = eps * this ratio.  0 when the ball is one point
 * (r = 0, i.e. R < 1 after the tolerance: R = 0.9999999999 has r = 1). */
double af_ball_width_ratio(const af_ball *b);

/* Anisotropy: max over theta of h_B / h_C divided by its min, where h_C is
 * the continuous ball's support function.  1 means the digital strip widths
 * are exact in every direction; +inf when the ball is one point (r = 0). */
double af_ball_anisotropy(const af_ball *b);

/* Widest gap, in radians, between the outer normals of consecutive edges of
 * the digital ball's convex hull.  Over such a gap h_B is linear (it is
 * z . nu for the one hull vertex z the two edges share), so the grid's limit
 * perimeter Int h_B(nu) dH has no curvature there: an arc whose normals stay
 * inside the gap has the Per_eps of the straight segment between its ends,
 * and the flow leaves it in place until the neighbouring directions eat it
 * (a crystalline perimeter; docs/validation.md measures it on the ellipse).
 * l2 balls: 2 atan(1/3) = 0.644 (36.9 degrees) for R = 5, 0.490 for R = 10,
 * 0.330 for R = 20; it falls slowly and unevenly with R, like the
 * anisotropy.  pi/2 for l-inf and l1 balls; 2 pi for one point (r = 0). */
double af_ball_normal_gap(const af_ball *b);

/* The widest gap, in radians, between consecutive outer normals of the
 * UNION of the hull edges of m balls: the normal gap of the averaged
 * perimeter (1/m) sum_i Per_{eps_i} (mm.h, eps_avg), whose limit support
 * function is the average of the balls' h_B / w_B: it is linear only where
 * every h_B is, so its cones without curvature are the gaps of the union.
 * With m = 1 it equals af_ball_normal_gap.  l2 balls of 5 and 4.25 cells:
 * 0.321 (18.4 degrees, against 36.9 for 5 alone and 18.9 for 20); 13 and
 * 12.25: 11.3 degrees; 20, 17 and 12.75: 9.5 degrees.  Balls of one point
 * add no normals (2 pi when all are).  NaN for balls NULL, m < 1, a NULL
 * ball, or no memory (it allocates 16 bytes a ball). */
double af_ball_normal_gap_union(const af_ball *const *balls, int m);

/* Name of a norm: "2", "inf" or "1". */
const char *af_norm_name(af_norm norm);

#ifdef __cplusplus
}
#endif
#endif
