/* advflow: Merriman-Bence-Osher threshold dynamics (the classical baseline).
 *
 * One step with time step h: convolve the region's indicator with the heat
 * kernel of time h (a Gaussian of sigma = sqrt(2 h), in length units) and
 * keep the cells where the result is at least 1/2.  Fronts move by mean
 * curvature V = kappa to first order in h.  With a density rho, the step
 * thresholds G * (sqrt(rho) 1_A) >= (1/2) G * sqrt(rho), which moves fronts
 * by V = kappa + d_nu log rho to first order (docs/design.md derives it;
 * for rho = exp(a . x) the step is exactly the uniform step translated by
 * -h a), the law advflow's exact scheme approximates.  Weighting by rho
 * instead of sqrt(rho) would double the drift.
 *
 * Convolutions are done by FFTW: r2c / c2r on periodic grids; on clamped
 * grids a DCT-II / DCT-III pair (REDFT10 / REDFT01), i.e. the box is
 * mirrored at its edges (Neumann: fronts meet the box edge at right angles).
 * The multiplier is the Gaussian's Fourier transform, which for sigma of a
 * few cells equals convolving with the sampled Gaussian (to 1e-13 at 2.5
 * cells).  Plan, then execute: all FFTW plans (FFTW_MEASURE: 0.1 to 0.8 s
 * the first time a size is planned in a process) and buffers are made in
 * af_mbo_alloc; af_mbo_step allocates nothing.  FFTW's planner is not
 * thread-safe: do not call af_mbo_alloc while another thread plans with
 * FFTW; one af_mbo may be stepped by one thread at a time.
 *
 * Pinning: a front moves only when its displacement per step h V is a good
 * fraction of a cell.  A straight front moves by exactly round(h V / dx)
 * cells per step (zero below dx / 2); a circle of radius r stops shrinking
 * once h / r is under about 0.1 dx.  GPL-3.0-or-later.
 */
#ifndef ADVFLOW_MBO_H
#define ADVFLOW_MBO_H

#include <stdint.h>

#include "advflow/grid.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct af_mbo af_mbo;

/* Plan for a grid, time step h > 0 (length^2 units), and density rho
 * (af_grid_cells values, finite and >= 0, copied; NULL = uniform).  Warns
 * nothing: the caller checks that sqrt(2 h) spans a few cells (else fronts
 * are pinned, the well-known MBO pinning).  NULL with err set on bad input:
 * AF_EINVAL (NULL grid, bad grid fields, h not finite and > 0, rho NaN,
 * infinite or negative: the message names the first bad cell), AF_EUNSUP
 * (dim 3), AF_ENOMEM, AF_EFAILED (FFTW could not plan). */
af_mbo *af_mbo_alloc(const af_grid *g, double h, const double *rho, af_error *err);
void af_mbo_free(af_mbo *m); /* accepts NULL */

/* One step: out = { G * (w 1_in) >= (1/2) G * w }, w = sqrt(rho) or 1.
 * Where rho vanishes over a region, G * w there is below FFT rounding and
 * the ratio is noise: cells whose G * w is under 1e-9 of its maximum (all
 * cells if rho = 0) keep their value from in.  in and out may be the same
 * array. */
void af_mbo_step(af_mbo *m, const uint8_t *in, uint8_t *out);

#ifdef __cplusplus
}
#endif
#endif
