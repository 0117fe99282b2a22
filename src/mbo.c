/* advflow: Merriman-Bence-Osher threshold dynamics.  GPL-3.0-or-later.
 *
 * One step is a Gaussian convolution and a threshold:
 *
 *     out = { x : (G * (w 1_in))(x) >= (1/2) (G * w)(x) },  w = sqrt(rho) or 1,
 *
 * with G the heat kernel of time h, a Gaussian of standard deviation
 * sigma = sqrt(2 h) in length units.  The convolution is the gauss module's
 * (gauss.h, gauss.c has the maths): spectral, r2c / c2r on periodic grids,
 * DCT-II / DCT-III on clamped ones, i.e. the field is mirrored at the box
 * edges and convolving it is the Neumann heat flow on the box: fronts meet
 * the box edge at right angles.
 *
 * The spectral kernel is the sampled Gaussian up to aliasing terms of size
 * exp(-pi^2 sigma^2 / (2 dx^2)): 1e-19 at sigma = 3 cells, so for the
 * sigmas MBO needs (several cells, else fronts pin) it is a positive kernel
 * to rounding and the step is monotone.  Below about 2 cells the spectral
 * kernel rings: negative lobes of 4e-4 of its peak at sigma = 1 cell, 1e-6
 * at 1.5 cells (monotonicity can then fail by that much).
 *
 * Density: with w = sqrt(rho) = exp(b . x) locally, the weighted kernel
 * w(y) G(x - y) / (G * w)(x) is G shifted by sigma^2 b, so the step is the
 * uniform step followed by a translation by -sigma^2 b = -h grad log rho:
 * V = kappa + d_nu log rho to first order (exactly so for an exponential
 * density).  Weighting by rho itself would double the drift.
 *
 * Where rho vanishes over a region, G * w there is below FFT rounding and
 * the ratio G * (w 1_in) / G * w is noise.  Cells whose G * w is below
 * AF_MBO_FLOOR times its maximum keep their input value (there is no data to
 * move them); elsewhere the threshold is the plain >= of the formula.
 *
 * Threads: the per-cell loops around the convolution run on threads
 * (threads_internal.h); the FFTs do not.  FFTW's threaded plans are
 * planned per thread count, and FFTW_MEASURE picks among them by timing:
 * measured on a 512^2 DCT-II, the plans for 2 and 3 threads gave 96% of
 * the values different from 1 thread's (by up to 7e-12), which would make
 * a step depend on the thread count.
 */
#include "advflow/mbo.h"

#include <math.h>
#include <stdlib.h>

#include "advflow/density.h"
#include "advflow/gauss.h"
#include "internal.h"
#include "threads_internal.h"

/* Relative floor on G * w below which a cell is frozen (see above).  FFT
 * rounding is about 1e-16 of the maximum, so above the floor the ratio is
 * good to about 1e-7. */
#define AF_MBO_FLOOR 1e-9

/* Planner effort, af_gauss_alloc's `measure`.  1 (FFTW_MEASURE) times
 * candidate algorithms at alloc (0.1-0.25 s at 256^2, 0.2-0.4 s at 512^2,
 * 0.6-0.8 s at 1024^2 the first time a size and kind is planned in a
 * process; FFTW remembers it) for steps up to 2.2x faster (clamped 1024^2:
 * 17 ms instead of 38 ms).  Build with -DAF_MBO_MEASURE=0 (FFTW_ESTIMATE;
 * this replaces the former -DAF_MBO_FFTW_FLAGS=FFTW_ESTIMATE) for instant,
 * reproducible plans (MEASURE may pick different algorithms from run to
 * run, which can flip a cell whose value ties 1/2 to rounding). */
#ifndef AF_MBO_MEASURE
#define AF_MBO_MEASURE 1
#endif

struct af_mbo {
    size_t cells;     /* n * n */
    af_gauss *gauss;  /* plans and multipliers for sigma^2 = 2 h */
    double *buf;      /* the gauss plan's buffer: field in, convolution out */
    double *w;        /* density only: sqrt(rho) per cell */
    double *half;     /* density only: (1/2) G * w per cell, or -1 where G * w is
                         below the floor (cell keeps its input) */
};

void af_mbo_free(af_mbo *m)
{
    if (!m)
        return;
    af_gauss_free(m->gauss);
    free(m->w);
    free(m->half);
    free(m);
}

af_mbo *af_mbo_alloc(const af_grid *g, double h, const double *rho, af_error *err)
{
    if (!g) {
        af_error_set(err, AF_EINVAL, "mbo: grid is NULL");
        return NULL;
    }
    /* Re-check the grid (it is a plain struct the caller may have filled). */
    af_grid gg;
    af_error gerr;
    af_status st = af_grid_init(&gg, g->dim, g->n, g->lo, g->hi, g->edge, &gerr);
    if (st != AF_OK) {
        af_error_set(err, st, "mbo: %s", gerr.msg);
        return NULL;
    }
    if (!(h > 0) || !isfinite(h)) {
        af_error_set(err, AF_EINVAL, "mbo: time step h must be finite and > 0, got %g", h);
        return NULL;
    }
    if (rho && af_density_check(&gg, rho, "mbo: rho", err) != AF_OK)
        return NULL;

    af_mbo *m = calloc(1, sizeof *m);
    if (!m) {
        af_error_set(err, AF_ENOMEM, "mbo: out of memory");
        return NULL;
    }
    int n = gg.n;
    m->cells = (size_t)n * (size_t)n;
    m->gauss = af_gauss_alloc(&gg, AF_MBO_MEASURE, &gerr);
    if (!m->gauss) {
        af_error_set(err, gerr.status, "mbo: %s", gerr.msg);
        af_mbo_free(m);
        return NULL;
    }
    m->buf = af_gauss_buffer(m->gauss);
    if (rho) {
        m->w = malloc(m->cells * sizeof *m->w);
        m->half = malloc(m->cells * sizeof *m->half);
        if (!m->w || !m->half) {
            af_error_set(err, AF_ENOMEM, "mbo: out of memory for a %d x %d grid", n, n);
            af_mbo_free(m);
            return NULL;
        }
    }
    /* sigma^2 = 2 h, passed as the variance itself (internal.h says why). */
    af_gauss_set_variance(m->gauss, 2.0 * h);

    /* Density: w = sqrt(rho) and the fixed half-denominator (1/2) G * w. */
    if (rho) {
        const size_t cells = m->cells;
#pragma omp parallel for num_threads(af_threads_for_cells(cells)) schedule(static)
        for (size_t i = 0; i < cells; i++) {
            m->w[i] = sqrt(rho[i]);
            m->buf[i] = m->w[i];
        }
        af_gauss_convolve(m->gauss);
        double mx = 0; /* a maximum: exact in any order */
#pragma omp parallel for num_threads(af_threads_for_cells(cells)) schedule(static) \
    reduction(max : mx)
        for (size_t i = 0; i < cells; i++)
            if (m->buf[i] > mx)
                mx = m->buf[i];
        double tiny = AF_MBO_FLOOR * mx;
#pragma omp parallel for num_threads(af_threads_for_cells(cells)) schedule(static)
        for (size_t i = 0; i < cells; i++)
            m->half[i] = mx > 0 && m->buf[i] >= tiny ? 0.5 * m->buf[i] : -1.0;
    }
    return m;
}

void af_mbo_step(af_mbo *m, const uint8_t *in, uint8_t *out)
{
    size_t cells = m->cells;
    double *buf = m->buf;
    const double *w = m->w;
#pragma omp parallel for num_threads(af_threads_for_cells(cells)) schedule(static)
    for (size_t i = 0; i < cells; i++)
        buf[i] = !in[i] ? 0.0 : w ? w[i] : 1.0;
    af_gauss_convolve(m->gauss);
    /* in[i] is read before out[i] is written, so in == out is fine. */
    const double *half = m->half;
#pragma omp parallel for num_threads(af_threads_for_cells(cells)) schedule(static)
    for (size_t i = 0; i < cells; i++)
        out[i] = !half ? (uint8_t)(buf[i] >= 0.5)
                 : half[i] >= 0 ? (uint8_t)(buf[i] >= half[i]) : (uint8_t)(in[i] != 0);
}
