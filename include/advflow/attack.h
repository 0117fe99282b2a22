/* advflow: attack paths against a grid classifier (iterated FGSM).
 *
 * A classifier is a region A (a mask: predict 1 on A).  Its mask has no
 * useful gradient, so the attack climbs a smooth function of the region
 * instead: the score s(x) = the sub-cell signed distance of A (dist.h,
 * negative inside, length units) blurred by a Gaussian of one cell.  Its
 * gradient has length about 1 everywhere, like a trained margin, and the
 * blur removes the kinks of the staircase (docs/design.md says why this
 * choice).  Between cell centres s and its gradient (central differences at
 * the centres) are interpolated bilinearly.
 *
 * The loss of a point with label y is the signed margin L(x) = (2y - 1) s(x)
 * (large when x is misclassified).  Any loss that is an increasing function
 * of it (cross-entropy of sigmoid(-s / T), say) has gradients in the same
 * direction, so the attack below is the same for all of them.
 *
 * One step from x_k, with g = grad L(x_k), is the steepest ascent step of
 * length tau in the threat model's norm, projected back onto the budget:
 *
 *   x_{k+1} = P( x_k + tau d ),  d = sign(g)            (l-inf: FGSM)
 *                                d = g / |g|_2          (l2: normalised gradient)
 *                                d = sign(g_m) e_m      (l1: m = argmax |g_m|)
 *
 * where P projects onto the ball B_eps(x_0) of the same norm (l-inf: clamp
 * each coordinate to [x0 - eps, x0 + eps]; l2: radial scaling; l1: the exact
 * Euclidean projection) and then clamps to the box; the clamp never leaves
 * the ball.  sign() treats a component smaller than 1e-9 of the largest
 * as 0 (an axis-aligned boundary gives a gradient of exactly (1, 0) up to
 * rounding, and FGSM should not wander sideways on rounding noise); by the
 * same rule an l1 tie (|g_1| and |g_2| within 1e-9 of the larger) splits
 * evenly, d = (sign g_1, sign g_2) / 2, which is also a steepest ascent
 * direction.  A zero gradient gives d = 0: the point stays.  On a periodic
 * grid the path is not clamped nor wrapped: it stays in the plane, where the
 * budget is measured, and only the score and the prediction wrap.  As tau
 * -> 0 these paths converge to the curve of maximal slope of L in the
 * threat model's geometry (Weigand, Roith, Burger, "Adversarial flows",
 * 2024; docs/theory.md).
 *
 * Plan, then execute: af_attack_alloc computes the score field once; paths
 * allocate nothing.  GPL-3.0-or-later.
 */
#ifndef ADVFLOW_ATTACK_H
#define ADVFLOW_ATTACK_H

#include <stdint.h>

#include "advflow/ball.h"
#include "advflow/grid.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct af_attack af_attack;

typedef struct {
    af_norm norm; /* threat model */
    double eps;   /* budget, length units, finite and > 0 */
    double tau;   /* step length, length units, finite and > 0 */
    int steps;    /* number of steps, 0 .. 1000000 */
} af_attack_params;

/* Score field of the classifier mask (af_grid_cells bytes, non-zero =
 * inside; copied, so the caller may change it afterwards).  AF_EINVAL when
 * the mask is empty or full (no boundary: nothing to attack towards), or
 * has no part thick enough for the sub-cell distance (dist.h). */
af_attack *af_attack_alloc(const af_grid *g, const uint8_t *mask, af_error *err);
void af_attack_free(af_attack *a); /* accepts NULL */

/* The score s at (x, y) (length units; negative inside the region), and
 * its gradient.  Points outside the box take the value at the nearest
 * point of the box (clamp) or wrap (periodic).  Within half a cell of a
 * clamped box edge, beyond the outermost centres, the values are those of
 * the outermost centres. */
double af_attack_score(const af_attack *a, double x, double y);
void af_attack_gradient(const af_attack *a, double x, double y, double grad[2]);

/* The classifier's prediction at (x, y): the mask value of the cell that
 * holds the point (0 or 1); points outside the box count in the nearest cell
 * (clamp) or wrap (periodic). */
int af_attack_predict(const af_attack *a, double x, double y);

/* Attack the point (x0, y0) (inside the box) of label 0 or 1: path gets
 * 2 (steps + 1) doubles x_0, y_0, x_1, y_1, ... (caller-owned); *flipped (may
 * be NULL) the first k with af_attack_predict(x_k) != label, or -1 if none
 * (0 when the start is already misclassified).  The path always takes all
 * its steps.  AF_EINVAL (nothing written) on a bad parameter, label or
 * start point. */
af_status af_attack_path(const af_attack *a, const af_attack_params *prm, double x0, double y0,
                         int label, double *path, int *flipped, af_error *err);

#ifdef __cplusplus
}
#endif
#endif
