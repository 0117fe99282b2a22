/* advflow: the nonlocal (supremal) perimeter Per_eps and a local perimeter.
 *
 * Per_eps(A; rho0, rho1) = (dx^d / w_B) sum_x [ rho0 (D1_A - 1_A) + rho1 (1_A - E1_A) ]
 * (docs/theory.md section 1): the rho0-mass of the outer strip plus the rho1-mass
 * of the inner strip, D and E the dilation and erosion by the digital ball of
 * radius eps.  It is normalised by w_B = eps * (mean width of the digital
 * ball) / (mean width of the continuous ball), so that a disc's l2 Per_eps is
 * 2 pi r (times rho) up to O(dx) although digital balls are not round; the
 * value normalised by eps itself is reported too.
 *
 * Plan, then evaluate: af_perimeter_alloc builds the ball, the morphology
 * workspace and scratch masks once; af_perimeter_eval allocates nothing.
 * GPL-3.0-or-later.
 */
#ifndef ADVFLOW_PERIMETER_H
#define ADVFLOW_PERIMETER_H

#include <stdint.h>

#include "advflow/ball.h"
#include "advflow/grid.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct af_perimeter af_perimeter;

typedef struct {
    double eps;          /* budget, length units */
    double eps_cells;    /* eps / dx */
    double w_B;          /* normalising width, length units: eps * width_ratio */
    double width_ratio;  /* mean width of the digital ball / of the continuous ball */
    double anisotropy;   /* max / min of h_B / h_C over directions (1 = exact) */
    double normal_gap;   /* af_ball_normal_gap: widest cone of normals without
                            curvature, radians (0 = round) */
    double per_eps;      /* outer + inner, normalised by w_B */
    double outer;        /* (dx^d / w_B) sum rho0 (D1_A - 1_A) */
    double inner;        /* (dx^d / w_B) sum rho1 (1_A - E1_A) */
    double per_eps_raw;  /* per_eps * w_B / eps: the value normalised by eps */
    double area;         /* dx^d * number of cells in A */
} af_perimeter_value;

/* Plan for one grid, norm and budget eps (length units; eps >= dx, so that
 * the digital ball is more than one point; the ball must fit in the grid:
 * 2 eps/dx < n for periodic grids). */
af_perimeter *af_perimeter_alloc(const af_grid *g, af_norm norm, double eps, af_error *err);

/* The budget condition of af_perimeter_alloc (and of every module whose
 * terms pair with Per_eps): eps finite and at least one cell, up to a
 * relative 1e-9.  `who` starts the message. */
af_status af_perimeter_eps_check(const af_grid *g, double eps, const char *who, af_error *err);
void af_perimeter_free(af_perimeter *p); /* accepts NULL */

/* The digital ball the plan uses (owned by the plan). */
const af_ball *af_perimeter_ball(const af_perimeter *p);

/* Evaluate Per_eps of mask for densities rho0, rho1 (caller checks them). */
void af_perimeter_eval(af_perimeter *p, const double *rho0, const double *rho1,
                       const uint8_t *mask, af_perimeter_value *out);

/* Local perimeter estimate: the length of the 1/2-level line of the mask
 * smoothed by a Gaussian of two cells (marching squares on
 * the cell centres), each segment weighted by rho0 + rho1 at its midpoint
 * (bilinear); rho0 and rho1 may both be NULL for plain length.  Estimates
 * Int_{boundary A} (rho0 + rho1) dH^1: measured within 0.2% for circles and
 * ellipses of radius >= 40 cells (a level line of a smoothed staircase is
 * slightly wiggly, and smoothing shrinks curved lines); used in
 * histories.  Lines are cut at a clamp box edge and followed across a
 * periodic one.  The first call allocates its buffers (a distance
 * workspace and one field); NaN if that fails.  Later calls allocate
 * nothing. */
double af_perimeter_local(af_perimeter *p, const double *rho0, const double *rho1,
                          const uint8_t *mask);

#ifdef __cplusplus
}
#endif
#endif
