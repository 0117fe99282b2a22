/* advflow: Merriman-Bence-Osher threshold dynamics.  GPL-3.0-or-later.
 *
 * One step is a Gaussian convolution and a threshold:
 *
 *     out = { x : (G * (w 1_in))(x) >= (1/2) (G * w)(x) },  w = sqrt(rho) or 1,
 *
 * with G the heat kernel of time h, a Gaussian of standard deviation
 * sigma = sqrt(2 h) in length units.  The convolution is spectral: transform,
 * multiply by G's Fourier transform, transform back.
 *
 * Periodic grids (box side L, n cells): the DFT frequency index k (wrapped
 * to |k| <= n/2) is the frequency xi = k / L, and G's transform is
 * exp(-2 pi^2 sigma^2 xi^2) = exp(-4 pi^2 h xi^2) per axis.  FFTW's r2c then
 * c2r multiplies by n per axis, so the table holds the multiplier / n.
 *
 * Clamped grids: the field is mirrored at the box edges (even extension
 * about the outer cell faces), which gives a 2L-periodic field whose DFT is,
 * up to a phase that cancels, the DCT-II (FFTW's REDFT10).  DCT index k is
 * the frequency xi = k / (2 L) of the mirrored box, so the multiplier is
 * exp(-2 pi^2 sigma^2 (k / 2L)^2) = exp(-(pi k / L)^2 sigma^2 / 2) per axis.
 * The 2L-periodic DFT's component k = n vanishes for an even extension, so
 * the n DCT coefficients carry everything.  REDFT01 (DCT-III) brings it
 * back; REDFT10 then REDFT01 multiplies by 2 n per axis, so the table holds
 * the multiplier / (2 n).  Convolving the mirrored field is the Neumann heat
 * flow on the box: fronts meet the box edge at right angles.
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
 */
#include "advflow/mbo.h"

#include <fftw3.h>
#include <math.h>
#include <stdlib.h>

#include "advflow/density.h"
#include "internal.h"

/* Relative floor on G * w below which a cell is frozen (see above).  FFT
 * rounding is about 1e-16 of the maximum, so above the floor the ratio is
 * good to about 1e-7. */
#define AF_MBO_FLOOR 1e-9

/* Planner effort.  FFTW_MEASURE times candidate algorithms at alloc
 * (0.1-0.25 s at 256^2, 0.2-0.4 s at 512^2, 0.6-0.8 s at 1024^2 the first
 * time a size and kind is planned in a process; FFTW remembers it) for
 * steps up to 2.2x faster (clamped 1024^2: 17 ms instead of 38 ms).  Build
 * with -DAF_MBO_FFTW_FLAGS=FFTW_ESTIMATE for instant, reproducible plans
 * (MEASURE may pick different algorithms from run to run, which can flip
 * a cell whose value ties 1/2 to rounding). */
#ifndef AF_MBO_FFTW_FLAGS
#define AF_MBO_FFTW_FLAGS FFTW_MEASURE
#endif

struct af_mbo {
    int n;
    af_edge edge;
    size_t cells;  /* n * n */
    double *buf;   /* n * n reals: field in, convolution out (in place for DCTs) */
    fftw_complex *spec; /* periodic only: n * (n / 2 + 1) coefficients */
    double *mult;  /* n per-axis multipliers, normalisation included; the 2D
                      multiplier at (kx, ky) is mult[kx] * mult[ky] */
    double *w;     /* density only: sqrt(rho) per cell */
    double *half;  /* density only: (1/2) G * w per cell, or -1 where G * w is
                      below the floor (cell keeps its input) */
    fftw_plan fwd, bwd;
};

void af_mbo_free(af_mbo *m)
{
    if (!m)
        return;
    if (m->fwd)
        fftw_destroy_plan(m->fwd);
    if (m->bwd)
        fftw_destroy_plan(m->bwd);
    fftw_free(m->buf);
    fftw_free(m->spec);
    free(m->mult);
    free(m->w);
    free(m->half);
    free(m);
}

/* buf = G * buf, through the plans and the multiplier table.  Allocates
 * nothing. */
static void af_mbo_convolve(af_mbo *m)
{
    int n = m->n;
    const double *g = m->mult;
    fftw_execute(m->fwd);
    if (m->edge == AF_EDGE_PERIODIC) {
        /* r2c layout: n rows (ky = 0..n-1, wrapped: frequency min(ky, n - ky),
         * which mult[] already accounts for) of n/2 + 1 columns kx. */
        int nc = n / 2 + 1;
        for (int ky = 0; ky < n; ky++) {
            fftw_complex *row = m->spec + (size_t)ky * nc;
            double gy = g[ky];
            for (int kx = 0; kx < nc; kx++) {
                double s = gy * g[kx];
                row[kx][0] *= s;
                row[kx][1] *= s;
            }
        }
    } else {
        for (int ky = 0; ky < n; ky++) {
            double *row = m->buf + (size_t)ky * n;
            double gy = g[ky];
            for (int kx = 0; kx < n; kx++)
                row[kx] *= gy * g[kx];
        }
    }
    fftw_execute(m->bwd);
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
    m->n = n;
    m->edge = gg.edge;
    m->cells = (size_t)n * (size_t)n;
    int periodic = gg.edge == AF_EDGE_PERIODIC;
    m->buf = fftw_malloc(m->cells * sizeof *m->buf);
    m->mult = malloc((size_t)n * sizeof *m->mult);
    if (periodic)
        m->spec = fftw_malloc((size_t)n * (size_t)(n / 2 + 1) * sizeof *m->spec);
    if (rho) {
        m->w = malloc(m->cells * sizeof *m->w);
        m->half = malloc(m->cells * sizeof *m->half);
    }
    if (!m->buf || !m->mult || (periodic && !m->spec) || (rho && (!m->w || !m->half))) {
        af_error_set(err, AF_ENOMEM, "mbo: out of memory for a %d x %d grid", n, n);
        af_mbo_free(m);
        return NULL;
    }

    /* Plans.  FFTW_MEASURE overwrites the buffers, which hold nothing yet.
     * (The FFTW planner is not thread-safe: do not plan concurrently.) */
    unsigned flags = AF_MBO_FFTW_FLAGS;
    if (periodic) {
        /* n0 = rows (y), n1 = columns (x): x is fastest, as in our layout. */
        m->fwd = fftw_plan_dft_r2c_2d(n, n, m->buf, m->spec, flags);
        m->bwd = fftw_plan_dft_c2r_2d(n, n, m->spec, m->buf, flags);
    } else {
        m->fwd = fftw_plan_r2r_2d(n, n, m->buf, m->buf, FFTW_REDFT10, FFTW_REDFT10, flags);
        m->bwd = fftw_plan_r2r_2d(n, n, m->buf, m->buf, FFTW_REDFT01, FFTW_REDFT01, flags);
    }
    if (!m->fwd || !m->bwd) {
        af_error_set(err, AF_EFAILED, "mbo: FFTW could not plan a %d x %d transform", n, n);
        af_mbo_free(m);
        return NULL;
    }

    /* Per-axis multipliers (see the top of the file).  sigma^2 = 2 h. */
    double L = gg.hi - gg.lo, s2 = 2.0 * h;
    for (int k = 0; k < n; k++) {
        double xi, norm;
        if (periodic) {
            int kw = k <= n / 2 ? k : n - k; /* |wrapped index| */
            xi = kw / L;
            norm = 1.0 / n;
        } else {
            xi = k / (2.0 * L);
            norm = 1.0 / (2.0 * n);
        }
        m->mult[k] = exp(-2.0 * AF_PI * AF_PI * s2 * xi * xi) * norm;
    }

    /* Density: w = sqrt(rho) and the fixed half-denominator (1/2) G * w. */
    if (rho) {
        for (size_t i = 0; i < m->cells; i++) {
            m->w[i] = sqrt(rho[i]);
            m->buf[i] = m->w[i];
        }
        af_mbo_convolve(m);
        double mx = 0;
        for (size_t i = 0; i < m->cells; i++)
            if (m->buf[i] > mx)
                mx = m->buf[i];
        double tiny = AF_MBO_FLOOR * mx;
        for (size_t i = 0; i < m->cells; i++)
            m->half[i] = mx > 0 && m->buf[i] >= tiny ? 0.5 * m->buf[i] : -1.0;
    }
    return m;
}

void af_mbo_step(af_mbo *m, const uint8_t *in, uint8_t *out)
{
    size_t cells = m->cells;
    double *buf = m->buf;
    if (m->w) {
        for (size_t i = 0; i < cells; i++)
            buf[i] = in[i] ? m->w[i] : 0.0;
    } else {
        for (size_t i = 0; i < cells; i++)
            buf[i] = in[i] ? 1.0 : 0.0;
    }
    af_mbo_convolve(m);
    /* in[i] is read before out[i] is written, so in == out is fine. */
    if (m->half) {
        const double *half = m->half;
        for (size_t i = 0; i < cells; i++)
            out[i] = half[i] >= 0 ? (uint8_t)(buf[i] >= half[i]) : (uint8_t)(in[i] != 0);
    } else {
        for (size_t i = 0; i < cells; i++)
            out[i] = (uint8_t)(buf[i] >= 0.5);
    }
}
