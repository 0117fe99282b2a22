/* advflow: the robust-optimal grid classifier, what adversarial training
 * converges to, computed exactly.
 *
 * Among all regions A of the grid, the minimisers of the adversarial risk
 *
 *   R_eps(A) = E sup_{B_eps(x)} |1_A - y| = sum_x dx^d [ rho0 D1_A + rho1 (1 - E1_A) ]
 *            = R(A) + w_B Per_eps(A)                          (risk.h, perimeter.h)
 *
 * (unnormalised here; risk.h divides by the mass).  R_eps is submodular in
 * 1_A and has the form of a step of the minimizing-movements scheme (mm.h)
 * with the clean risk's linear term in place of the fidelity, so one
 * minimum cut of the same graph, over the whole grid (no band: the optimum
 * can be anywhere), gives it exactly (up to the 62-bit rounding of the
 * costs, mm.h).  Its minimisers form a lattice; the selection picks the
 * smallest or the largest.  Where rho0 = rho1 = 0 nothing costs anything,
 * and the minimal selection predicts 0 there, the maximal one 1.
 *
 * Plan, then execute, as mm.h: the densities are kept by reference.
 * GPL-3.0-or-later.
 */
#ifndef ADVFLOW_ROBUST_H
#define ADVFLOW_ROBUST_H

#include <stdint.h>

#include "advflow/ball.h"
#include "advflow/grid.h"
#include "advflow/mm.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct af_robust af_robust;

typedef struct {
    int nodes;        /* graph nodes */
    long long arcs;   /* graph arcs */
    double risk_adv;  /* R_eps of the result, unnormalised: dx^d sum [rho0 D1_A + rho1 (1 - E1_A)] */
    double ms;        /* wall time, milliseconds */
} af_robust_stats;

/* Bytes a plan and its solve need, estimated (af_mm_plan_bytes of a
 * full-grid plan): for the caller's memory check before af_robust_alloc. */
double af_robust_bytes(const af_grid *g, af_norm norm, double eps);

/* Plan for grid g, norm, budget eps (length units, >= dx), selection and
 * densities rho0, rho1 (finite, >= 0, checked; kept by reference until
 * af_robust_free). */
af_robust *af_robust_alloc(const af_grid *g, af_norm norm, double eps, af_selection selection,
                           const double *rho0, const double *rho1, af_error *err);
void af_robust_free(af_robust *r); /* accepts NULL */

/* mask (af_grid_cells bytes, caller-owned) = the selected minimiser of
 * R_eps; stats may be NULL. */
af_status af_robust_solve(af_robust *r, uint8_t *mask, af_robust_stats *stats, af_error *err);

#ifdef __cplusplus
}
#endif
#endif
