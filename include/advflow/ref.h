/* advflow: reference solutions for the validation study.
 *
 * Everything the scheme is compared with lives here:
 *   1. the exact laws of docs/theory.md section 2 as plain functions;
 *   2. radial densities: the ODE r' = -1/r - rho'(r)/rho(r) integrated with
 *      GSL (rk8pd, tolerances 1e-12);
 *   3. front tracking: weighted curve-shortening flow of a closed plane curve
 *      by marker points (V = kappa + d_nu log rho, V the inward normal
 *      velocity, nu the outer normal);
 *   4. distances, in cells, between a grid mask and a reference curve.
 *
 * The flow is the limit law of the scheme, so t is the scheme's time and
 * lengths are in box units.  Densities are read analytically from the
 * af_density descriptor (not from a grid), which is why only the analytic
 * kinds are accepted; they must be > 0 where evaluated since the flow sees
 * log rho.  GSL's error handler is switched off during each GSL call and
 * restored afterwards (not thread-safe, like GSL's handler itself).
 * GPL-3.0-or-later.
 */
#ifndef ADVFLOW_REF_H
#define ADVFLOW_REF_H

#include <stdint.h>

#include "advflow/density.h"
#include "advflow/grid.h"
#include "advflow/shape.h"
#include "advflow/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- 1. Exact laws (uniform rho unless said).  Radii are 0 after
 * extinction; no argument checks (NaN in, NaN out). ---- */

/* Circle: r^2 = r0^2 - 2t. */
double af_ref_circle_radius(double r0, double t);
/* Sphere: r^2 = r0^2 - 4t. */
double af_ref_sphere_radius(double r0, double t);
/* Any simple closed plane curve: area a0 - 2 pi t, floored at 0. */
double af_ref_area_loss(double a0, double t);
/* Circle centred on a Gaussian density of width sigma:
 * r^2 = sigma^2 + (r0^2 - sigma^2) exp(2t / sigma^2); r = sigma is an
 * unstable equilibrium, smaller circles vanish, larger ones grow. */
double af_ref_gaussian_radius(double r0, double sigma, double t);
/* rho = exp(a . x): the centre moves with velocity -a, c = c0 - a t (the
 * radius follows af_ref_circle_radius).  c may alias c0. */
void af_ref_exp_center(const double c0[2], const double a[2], double t, double c[2]);
/* One implicit Euler step of the scheme for a circle of radius r and time
 * step h: the root of r_new^2 - r r_new + h = 0 nearest r,
 * (r + sqrt(r^2 - 4h)) / 2, and 0 when r^2 < 4h (the circle vanishes). */
double af_ref_circle_implicit_step(double r, double h);

/* ---- 2. Radial densities ---- */

/* Radius of a circle centred at `center` under a density radial about that
 * centre: uniform, exp with a = 0, gaussian centred there, or mixture whose
 * components all have that centre (other kinds or centres: AF_EINVAL).
 * Integrates u = r^2, u' = -2 - 2 r rho'(r) / rho(r), which is smooth
 * through u = 0, so extinction is found without the 1/r singularity; after
 * it r = 0.  Writes nt >= 2 samples at t_k = t_end k / (nt - 1),
 * k = 0 .. nt-1, into r_out and (if not NULL) t_out.  r0 > 0, t_end >= 0. */
af_status af_ref_radial_radius(const af_density *d, const double center[2], double r0,
                               double t_end, int nt, double *t_out, double *r_out,
                               af_error *err);

/* ---- 3. Front tracking ---- */

/* A closed polygon: markers (x[k], y[k]), k = 0 .. n-1, the last joined to
 * the first, counter-clockwise for the flow.  Allocated by the module
 * (af_ref_curve_alloc / af_ref_curve_from_shape) and freed with
 * af_ref_curve_free; the caller may read and write the n markers.
 * 0 <= n <= cap; n = 0 means the curve has vanished. */
typedef struct af_ref_curve {
    int n;          /* number of markers */
    int cap;        /* room in x and y */
    double *x, *y;  /* marker coordinates, box units */
} af_ref_curve;

/* A curve with room for n >= 3 markers, n set, coordinates 0. */
af_status af_ref_curve_alloc(int n, af_ref_curve **out, af_error *err);
void af_ref_curve_free(af_ref_curve *c);

/* npoints >= 8 markers, evenly spaced by arclength, counter-clockwise, on
 * the boundary of a circle, ellipse or star (the kinds with a parametric
 * boundary; others: AF_EUNSUP).  Parameters are checked like af_shape_mask. */
af_status af_ref_curve_from_shape(const af_shape *s, int npoints, af_ref_curve **out,
                                  af_error *err);

/* Advance c in place by weighted curve-shortening flow to time t_end >= 0.
 * Markers move with x' = kvec - (grad log rho . nu) nu, kvec the curvature
 * vector of the circle through three neighbours (exact on circles), nu the
 * normal of the chord; classical RK4 with dt = 0.2 (min spacing)^2 (also
 * capped by the density's gradient), markers redistributed evenly by
 * arclength along a periodic cubic spline whenever the spacings drift more
 * than 5% apart.  When the mean spacing halves the number of markers is
 * halved (down to 16) to keep dt reasonable; when the length falls below
 * 1e-4 of its start the curve has vanished and n becomes 0.
 * A clockwise curve is reversed first.  Scratch memory is allocated per
 * call.  Topology changes (pinching) are not handled: if markers collide the
 * call fails with AF_EFAILED.  Density kinds: uniform, gaussian, mixture,
 * exp (not png). */
af_status af_ref_curve_flow(af_ref_curve *c, const af_density *d, double t_end, af_error *err);

/* Signed area (shoelace, > 0 counter-clockwise) and length of the polygon. */
double af_ref_curve_area(const af_ref_curve *c);
double af_ref_curve_length(const af_ref_curve *c);

/* ---- 4. Mask vs curve, in cells (units of g->dx) ---- */

/* Hausdorff distance between the mask's boundary and the curve's polygon.
 * The mask's boundary is represented by the midpoints of the cell edges
 * separating an inside cell from an outside neighbour (cells beyond the box
 * count as outside), i.e. points of the boundary of the union of closed
 * inside cells, one per boundary edge.  Distances from those points to the
 * polygon are exact; the polygon is sampled every dx/8 for the other
 * direction (error <= 1/16 cell).  A mask with no boundary or a curve with
 * n < 3 is AF_EINVAL.  Cost O(boundary edges x (markers + samples)). */
af_status af_ref_hausdorff(const af_grid *g, const uint8_t *mask, const af_ref_curve *c,
                           double *dist, af_error *err);

/* Number of cells whose membership differs between the mask and the
 * polygon's interior (cell centre inside, even-odd rule): the area of the
 * symmetric difference in cells^2, with cells judged by their centre. */
af_status af_ref_symdiff_area(const af_grid *g, const uint8_t *mask, const af_ref_curve *c,
                              double *cells, af_error *err);

#ifdef __cplusplus
}
#endif
#endif
