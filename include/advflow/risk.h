/* advflow: classification risks of a grid classifier, clean and under
 * attack, on the class densities and on data points, and the smallest
 * adversarial risk any classifier can have on the points.
 *
 * A classifier is a region A (a mask: predict 1 on A); rho0, rho1 are the
 * class densities.  With M = dx^d sum_x (rho0 + rho1) the total mass,
 *
 *   clean = E |1_A(x) - y|            = (dx^d / M) sum_x [ rho0 1_A + rho1 (1 - 1_A) ]
 *   adv   = E sup_{B_eps(x)} |1_A - y| = (dx^d / M) sum_x [ rho0 D1_A + rho1 (1 - E1_A) ]
 *
 * with D and E the dilation and erosion by the digital ball (morph.h), the
 * same ball as the perimeter's.  The identity the whole project rests on
 * (docs/theory.md) is then exact on the grid:
 *
 *   adv = clean + w_B Per_eps(A) / M          (Per_eps, w_B as in perimeter.h)
 *
 * af_risk_eval computes adv from the morphology directly, not from the
 * identity, so that the tests can check it.
 *
 * Data points (points.h) are not cell centres: a point counts as attacked
 * when its closed eps-ball, in the chosen norm and taken exactly (not the
 * digital ball), meets a cell whose label differs from the point's, within
 * the box (clamp) or on the torus (periodic); it is misclassified when its
 * own cell's label differs.  Risks on points are weighted fractions (class
 * weights of points.h).
 *
 * Lower bound.  Two points of different labels whose eps-balls meet (at
 * distance <= 2 eps in the norm; on the torus for a periodic grid) cannot
 * both be classified robustly: the point halfway between is in both balls.
 * So every classifier's adversarial risk on the points is at least the
 * minimum weight of a vertex cover of this "conflict graph", which for a
 * bipartite graph equals the maximum matching (Konig; with weights,
 * Egervary: the maximum flow with the point weights as capacities; Bhagoji,
 * Cullina, Mittal 2019; Pydi, Jog 2020), divided by the total weight.  It
 * is computed exactly as one minimum cut.
 * GPL-3.0-or-later.
 */
#ifndef ADVFLOW_RISK_H
#define ADVFLOW_RISK_H

#include <stdint.h>

#include "advflow/ball.h"
#include "advflow/grid.h"
#include "advflow/points.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct af_risk af_risk;

typedef struct {
    double mass;  /* M = dx^d sum (rho0 + rho1) */
    double clean; /* E |1_A - y|, in [0, 1] */
    double adv;   /* E sup_{B_eps} |1_A - y|, in [clean, 1] */
    double w_B;   /* the perimeter's normalising width (perimeter.h), length units */
    double per_eps; /* Per_eps(A; rho0, rho1) as af_perimeter_eval gives it, from the
                       same dilation and erosion (the strips' sums, not the identity) */
    double area;  /* dx^d times the cells of A */
} af_risk_value;

typedef struct {
    double weight;    /* total weight of the points, in units of the larger class weight */
    double clean;     /* weighted fraction misclassified */
    double adv;       /* weighted fraction attacked (includes the misclassified) */
    size_t n_clean;   /* number misclassified */
    size_t n_adv;     /* number attacked */
} af_risk_points_value;

/* Plan for a grid, norm and budget eps (length units, as
 * af_perimeter_alloc: eps >= dx, and the ball must fit a periodic grid). */
af_risk *af_risk_alloc(const af_grid *g, af_norm norm, double eps, af_error *err);
void af_risk_free(af_risk *r); /* accepts NULL */

/* Grid risks of mask for densities rho0, rho1 (finite, >= 0; the caller
 * checks them), and its Per_eps and area, so that a caller needing both
 * pays one dilation and one erosion.  M = 0 gives clean = adv = 0.
 * Allocates nothing. */
void af_risk_eval(af_risk *r, const double *rho0, const double *rho1, const uint8_t *mask,
                  af_risk_value *out);

/* Risks of mask on the points (which must lie in the box: AF_EINVAL
 * otherwise).  Allocates nothing. */
af_status af_risk_points(const af_risk *r, const af_points *p, const uint8_t *mask,
                         af_risk_points_value *out, af_error *err);

/* Largest conflict graph af_risk_points_bound builds, in edges (about 40
 * bytes each in the max-flow): a million points whose budget reaches
 * thousands of others would need tens of gigabytes. */
#define AF_RISK_MAX_CONFLICTS ((size_t)1 << 24)

/* The smallest adversarial risk on the points over all classifiers, as a
 * weighted fraction (the minimum-weight vertex cover of the conflict graph
 * over the total weight); 0 for no points.  *conflicts (may be NULL) gets
 * the number of edges of the conflict graph.  Allocates its graph (AF_ENOMEM
 * possible); AF_EUNSUP when the graph would have more than
 * AF_RISK_MAX_CONFLICTS edges (the message says how to shrink it). */
af_status af_risk_points_bound(const af_grid *g, af_norm norm, double eps, const af_points *p,
                               double *bound, size_t *conflicts, af_error *err);

#ifdef __cplusplus
}
#endif
#endif
