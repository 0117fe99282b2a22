/* advflow: distance transforms and signed distances of masks.
 *
 * af_dist_edt: exact squared Euclidean distance, in cells^2, from every cell
 *   centre to the nearest centre of a cell with mask != 0 (Felzenszwalb and
 *   Huttenlocher's lower envelope of parabolas, linear time).  HUGE_VAL where
 *   the mask is empty.  AF_EDGE_PERIODIC measures distance on the torus.
 *
 * Signed distance to the boundary of a mask A, in units of length (box
 * units, not cells), negative inside (docs/design.md, "Distance transforms"):
 *   AF_SDIST_SIMPLE  s = d(x, A) - dx/2 outside, -(d(x, A^c) - dx/2) inside,
 *                    from the EDT of cell centres: exact for axis-parallel
 *                    boundaries; on sloped staircases both sides come out
 *                    too close (measured on a disc of radius 20 cells:
 *                    mean -0.08 cells, rms error 0.25 cells).
 *   AF_SDIST_SUBCELL the mask is smoothed by a Gaussian of sigma = 1 cell,
 *                    the smoothed field u crosses 1/2 at points on grid edges
 *                    (linear interpolation), and s = -+distance to the nearest
 *                    crossing point, negative where u > 1/2.  The distance to
 *                    the crossing points is exact at every cell (a separable
 *                    transform: crossings on horizontal edges lie on rows,
 *                    those on vertical edges on columns).  Measured on a disc
 *                    of radius 20 cells: mean +0.02 cells, rms 0.11-0.16 cells;
 *                    a straight line is known from its staircase only to
 *                    about 0.2-0.5 cells, depending on its slope.
 *                    Nested masks give ordered distances (s_A >= s_A' for
 *                    A subset A', up to the last bits): the step stays monotone.
 *                    Features thinner than about two cells do not reach
 *                    u > 1/2 and vanish: a lone cell gives +HUGE_VAL
 *                    everywhere, a one-cell hole -HUGE_VAL.
 * An empty mask gives +HUGE_VAL everywhere, a full mask -HUGE_VAL; callers
 * must expect infinities in general.
 *
 * af_dist_redistance: the signed distance of a level-set field's own zero
 *   line, the piecewise-linear line that af_contour_trace draws (contour.h):
 *   near the line exact, farther out the exact distance to a dense sampling
 *   of it (docs/design.md, "Distance transforms").
 * A workspace serves one caller at a time; each call runs its passes on
 * the library's threads (threads.h), with the same result for every
 * thread count.
 * GPL-3.0-or-later.
 */
#ifndef ADVFLOW_DIST_H
#define ADVFLOW_DIST_H

#include <stdint.h>

#include "advflow/grid.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    AF_SDIST_SUBCELL = 0, /* sub-cell form (default) */
    AF_SDIST_SIMPLE = 1   /* centre-based form */
} af_sdist_kind;

/* Workspace: buffers and the Gaussian kernel for one grid. */
typedef struct af_dist_work af_dist_work;

af_dist_work *af_dist_work_alloc(const af_grid *g, af_error *err);
void af_dist_work_free(af_dist_work *w); /* accepts NULL */

/* Squared distance in cells^2 to the nearest cell with mask != 0. */
void af_dist_edt(af_dist_work *w, const uint8_t *mask, double *d2);

/* Signed distance in length units, negative inside. */
void af_dist_signed(af_dist_work *w, af_sdist_kind kind, const uint8_t *mask, double *s);

/* The Gaussian-smoothed mask (sigma = 1 cell, same edge mode as the grid)
 * that the sub-cell form thresholds at 1/2; values in [0, 1]. */
void af_dist_smooth(af_dist_work *w, const uint8_t *mask, double *u);

/* Blur a double field in place by a Gaussian of sigma cells (0 < sigma,
 * truncated at 4 sigma, at most 24 cells), same edge rule as
 * af_dist_smooth.  Uses the workspace's scratch field: not re-entrant. */
void af_dist_blur(af_dist_work *w, double *u, double sigma);

const char *af_sdist_name(af_sdist_kind kind); /* "subcell" or "simple" */

/* Redistancing: cells within AF_REDIST_NEAR cells of the zero line get
 * their exact distance; the rest the distance to its samples on the lines
 * x = i + k / AF_REDIST_SUB and y = j + k / AF_REDIST_SUB (cell units, cell
 * (i, j) at (i, j), k = 0 .. AF_REDIST_SUB - 1). */
#define AF_REDIST_NEAR 4
#define AF_REDIST_SUB 4

/* Signed distance, length units, to the zero line of u (n x n values, not
 * NaN) as af_contour_trace draws it at level 0: the region is {u < 0} and s
 * is negative there.  s has the sign of u at every cell, s = 0 exactly where
 * u = 0 (so the zero level set does not move; a cell with u = 0 that no
 * negative cell touches is not on the line, but still gets 0), and |s| > 0
 * elsewhere.  Without a zero line (u >= 0 everywhere, or u < 0 everywhere)
 * s = +-HUGE_VAL with the sign of u (0 where u = 0).  Distances are
 * Euclidean in the box (clamped) or on the torus (periodic); on a clamped
 * grid the line includes its pieces across the half-cell strips, which
 * never change a cell's distance.  s must not alias u.
 *
 * Accuracy, with d the exact distance to the line in cells:
 *   d <= AF_REDIST_NEAR: exact up to rounding (brute force over the pieces
 *     of the squares around the cell);
 *   beyond: d <= |s| / dx <= d + 1 / (4 AF_REDIST_SUB^2 d), that is at
 *     most 1/256 cell at d = 4 and a relative error below 1 / (64 d^2)
 *     (0.1% at d = 4).  The samples include every vertex of the line and
 *     split it into pieces of at most l = sqrt(2) / AF_REDIST_SUB cells;
 *     the foot of the perpendicular on such a piece is within l / 2 of a
 *     sample, which is then sqrt(d^2 + l^2 / 4) <= d + l^2 / (8 d) away.
 *     The far field is the exact distance to a point set, so |grad s| = 1
 *     wherever it is differentiable, and its direction is off by at most
 *     about l / (2 d) radians (measured by central differences on circles
 *     and an ellipse of radii 15 to 40 cells: ||grad s| - 1| < 0.8%, of
 *     which 0.65% is the central difference's own error on curved level
 *     lines).
 *   Both are distances to parts of the line, so |s| never underestimates d
 *   (up to rounding), and nested regions give ordered s up to the far
 *   field's bound.
 * Cost: O(n^2 AF_REDIST_SUB) for the far field (2 AF_REDIST_SUB separable
 * transforms like af_dist_edt's), then, for each cell within about
 * AF_REDIST_NEAR + 1 cells of the line, the distances to the pieces of the
 * squares around it.  Measured on one thread at 512^2: a circle 26 ms
 * (clamped) and 34 ms (periodic), noise (a line through most squares)
 * 90-115 ms.  Uses the workspace's scratch fields (not re-entrant);
 * allocates only when the line has more pieces than any before on this
 * workspace (room for 4n at first): AF_ENOMEM if that fails.  NaN in u:
 * AF_EINVAL. */
af_status af_dist_redistance(af_dist_work *w, const double *u, double *s, af_error *err);

#ifdef __cplusplus
}
#endif
#endif
