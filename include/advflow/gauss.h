/* advflow: Gaussian convolution of fields on a grid, by FFT.
 *
 * G_sigma * f for a field f on the grid, with the grid's edge mode:
 * AF_EDGE_PERIODIC convolves on the torus (FFTW r2c / c2r); AF_EDGE_CLAMP
 * mirrors the field at the box edges (DCT-II / DCT-III, FFTW's REDFT10 /
 * REDFT01), i.e. the Neumann heat flow on the box, so that no mass leaves
 * the box.  Either way the sum of the field is preserved exactly (up to
 * rounding): the zero frequency is multiplied by 1.
 *
 * The kernel is the Gaussian's Fourier transform exp(-2 pi^2 sigma^2 xi^2)
 * per axis, which equals convolving with the sampled Gaussian up to aliasing
 * terms of size exp(-pi^2 sigma^2 / (2 dx^2)): negligible from two cells
 * up; below about two cells the result rings (negative lobes of 4e-4 of
 * the peak at one cell, which callers that need signs must clip).
 *
 * Plan, then execute: af_gauss_alloc makes the FFTW plans and buffers;
 * af_gauss_set_sigma fills the n per-axis multipliers (no allocation);
 * af_gauss_convolve transforms the buffer in place.  FFTW's planner is not
 * thread-safe: do not allocate while another thread plans with FFTW.
 * GPL-3.0-or-later.
 */
#ifndef ADVFLOW_GAUSS_H
#define ADVFLOW_GAUSS_H

#include "advflow/grid.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct af_gauss af_gauss;

/* Plan for grid g.  measure = 1 lets FFTW time candidate algorithms
 * (FFTW_MEASURE: slower to plan, faster to run; worth it for many
 * convolutions of one size), 0 plans at once (FFTW_ESTIMATE).  NULL with
 * err set: AF_EINVAL / AF_EUNSUP for a bad grid, AF_ENOMEM, AF_EFAILED
 * when FFTW cannot plan. */
af_gauss *af_gauss_alloc(const af_grid *g, int measure, af_error *err);
void af_gauss_free(af_gauss *p); /* accepts NULL */

/* The plan's field buffer (af_grid_cells doubles, layout as grid.h): the
 * caller fills it, af_gauss_convolve replaces it by the convolution. */
double *af_gauss_buffer(af_gauss *p);

/* Set the kernel's standard deviation, in length units (finite, >= 0;
 * 0 is the identity).  AF_EINVAL otherwise. */
af_status af_gauss_set_sigma(af_gauss *p, double sigma, af_error *err);

/* buffer = G_sigma * buffer.  Allocates nothing. */
void af_gauss_convolve(af_gauss *p);

/* FFTW's wisdom: the algorithms measure = 1 chose, for every plan this
 * process made.  A process that imports it before planning gets the same
 * algorithms, so the same roundings: measured plans are otherwise chosen
 * by timing, and may differ from run to run (and a cell whose value ties
 * 1/2 to rounding flip).  advflow run keeps it with an MBO run, for
 * --resume.  Export writes the file atomically (file.h); AF_EIO when it
 * cannot be written, or read, or (import) FFTW does not accept it. */
af_status af_gauss_wisdom_export(const char *path, af_error *err);
af_status af_gauss_wisdom_import(const char *path, af_error *err);

#ifdef __cplusplus
}
#endif
#endif
