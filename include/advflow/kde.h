/* advflow: class densities from labelled points by kernel density
 * estimation on the grid.
 *
 * rho_c(x) = (W_c / W) * (1 / (2 pi b_c^2)) sum_{k in class c} w_k exp(-|x - x_k|^2 / (2 b_c^2)) / W_c
 *
 * with W_c the total weight of class c and W that of both classes: each
 * class keeps its mass, Int rho_c = W_c / W (its prior), and rho0 + rho1
 * integrates to 1 over the box.  For labelled data the ratio of the two
 * masses matters (it moves the Bayes boundary), so the classes are not
 * normalised separately.
 *
 * Computed on the grid: the points are binned to the cell centres by linear
 * (cloud-in-cell) weights, then convolved with the Gaussian by FFT
 * (gauss.h).  At a clamped box edge both steps reflect: binning weight and
 * kernel mass that would leave the box are mirrored back in, so no mass is
 * lost (the estimate is the reflection estimator: its bias at the edge is
 * O(b) instead of O(1), and vanishes to that order where the density's
 * normal derivative does).  On a periodic grid both wrap.  The sum
 * dx^2 sum_x rho_c(x) equals W_c / W to rounding.  FFT rounding leaves
 * values of about 1e-17 of the peak where the estimate is zero; they are
 * set to 0, so rho_c >= 0 everywhere.
 *
 * Plan, then execute: af_kde_alloc makes the FFT plan (FFTW_ESTIMATE) and
 * buffers once, af_kde_fill allocates nothing.  GPL-3.0-or-later.
 */
#ifndef ADVFLOW_KDE_H
#define ADVFLOW_KDE_H

#include "advflow/grid.h"
#include "advflow/points.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct af_kde af_kde;

af_kde *af_kde_alloc(const af_grid *g, af_error *err);
void af_kde_free(af_kde *k); /* accepts NULL */

/* Silverman's rule of thumb for the points of class `label` in 2D,
 * b = sigma * m^(-1/6), with sigma^2 the mean of the two coordinates'
 * sample variances (denominator m - 1; every point of a class has the same
 * weight, so weighting them changes nothing) and m the number of the
 * class's points; in length units.  0 when the class has fewer than two points or no spread. */
double af_kde_silverman(const af_points *p, int label);

/* rho (af_grid_cells doubles, caller-owned) = rho_label above, with
 * bandwidth b_label = bandwidth (length units, finite and > 0).  Every point
 * must lie in the closed box (AF_EINVAL names the first that does not: crop
 * first); a class without points gives AF_EINVAL. */
af_status af_kde_fill(af_kde *k, const af_points *p, int label, double bandwidth, double *rho,
                      af_error *err);

#ifdef __cplusplus
}
#endif
#endif
