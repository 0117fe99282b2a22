/* advflow: Gaussian convolution of fields on a grid, by FFT.
 * GPL-3.0-or-later.
 *
 * The convolution is spectral: transform, multiply by G's Fourier
 * transform, transform back.  G is separable, so its transform is a product
 * of one multiplier per axis, and the table holds n of them.
 *
 * Periodic grids (box side L, n cells): the DFT frequency index k (wrapped
 * to |k| <= n/2) is the frequency xi = k / L, and G's transform is
 * exp(-2 pi^2 sigma^2 xi^2) per axis.  FFTW's r2c then c2r multiplies by n
 * per axis, so the table holds the multiplier / n.
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
 * flow on the box: whatever the kernel carries past an edge is folded back
 * in, so no mass leaves the box.
 *
 * Mass: the zero frequency's multiplier is exactly 1 / n (periodic) or
 * 1 / (2 n) (clamped), the normalisation alone, so the sum of the field is
 * preserved up to the transforms' rounding (about 1e-16 relative).
 *
 * The spectral kernel is the sampled Gaussian up to aliasing terms of size
 * exp(-pi^2 sigma^2 / (2 dx^2)): 3e-9 at sigma = 2 cells, 4e-14 at 2.5,
 * 1e-19 at 3, so from a few cells up it is a positive kernel to rounding.
 * Below about 2 cells the spectral kernel rings: negative lobes of 4e-4 of
 * its peak at sigma = 1 cell, 1e-6 at 1.5 cells.
 *
 * sigma = 0 skips the transforms (the exact identity, not the identity up
 * to the round trip's rounding).
 */
#include "advflow/gauss.h"

#include <fftw3.h>
#include <math.h>
#include <stdlib.h>

#include "advflow/file.h"
#include "internal.h"

struct af_gauss {
    int n;
    af_edge edge;
    double L;           /* box side hi - lo */
    size_t cells;       /* n * n */
    double *buf;        /* n * n reals: field in, convolution out (in place for DCTs) */
    fftw_complex *spec; /* periodic only: n * (n / 2 + 1) coefficients */
    double *mult;       /* n per-axis multipliers, normalisation included; the 2D
                           multiplier at (kx, ky) is mult[kx] * mult[ky] */
    int identity;       /* sigma = 0: af_gauss_convolve leaves buf alone */
    fftw_plan fwd, bwd;
};

void af_gauss_free(af_gauss *p)
{
    if (!p)
        return;
    if (p->fwd)
        fftw_destroy_plan(p->fwd);
    if (p->bwd)
        fftw_destroy_plan(p->bwd);
    fftw_free(p->buf);
    fftw_free(p->spec);
    free(p->mult);
    free(p);
}

af_gauss *af_gauss_alloc(const af_grid *g, int measure, af_error *err)
{
    if (!g) {
        af_error_set(err, AF_EINVAL, "gauss: grid is NULL");
        return NULL;
    }
    /* Re-check the grid (it is a plain struct the caller may have filled):
     * the multipliers need a finite box, the plans a valid n. */
    af_grid gg;
    af_error gerr;
    af_status st = af_grid_init(&gg, g->dim, g->n, g->lo, g->hi, g->edge, &gerr);
    if (st != AF_OK) {
        af_error_set(err, st, "gauss: %s", gerr.msg);
        return NULL;
    }

    af_gauss *p = calloc(1, sizeof *p);
    if (!p) {
        af_error_set(err, AF_ENOMEM, "gauss: out of memory");
        return NULL;
    }
    int n = gg.n;
    p->n = n;
    p->edge = gg.edge;
    p->L = gg.hi - gg.lo;
    p->cells = (size_t)n * (size_t)n;
    int periodic = gg.edge == AF_EDGE_PERIODIC;
    p->buf = fftw_malloc(p->cells * sizeof *p->buf);
    p->mult = malloc((size_t)n * sizeof *p->mult);
    if (periodic)
        p->spec = fftw_malloc((size_t)n * (size_t)(n / 2 + 1) * sizeof *p->spec);
    if (!p->buf || !p->mult || (periodic && !p->spec)) {
        af_error_set(err, AF_ENOMEM, "gauss: out of memory for a %d x %d grid", n, n);
        af_gauss_free(p);
        return NULL;
    }

    /* Plans.  FFTW_MEASURE overwrites the buffers, which hold nothing yet.
     * (The FFTW planner is not thread-safe: do not plan concurrently.) */
    unsigned flags = measure ? FFTW_MEASURE : FFTW_ESTIMATE;
    if (periodic) {
        /* n0 = rows (y), n1 = columns (x): x is fastest, as in our layout. */
        p->fwd = fftw_plan_dft_r2c_2d(n, n, p->buf, p->spec, flags);
        p->bwd = fftw_plan_dft_c2r_2d(n, n, p->spec, p->buf, flags);
    } else {
        p->fwd = fftw_plan_r2r_2d(n, n, p->buf, p->buf, FFTW_REDFT10, FFTW_REDFT10, flags);
        p->bwd = fftw_plan_r2r_2d(n, n, p->buf, p->buf, FFTW_REDFT01, FFTW_REDFT01, flags);
    }
    if (!p->fwd || !p->bwd) {
        af_error_set(err, AF_EFAILED, "gauss: FFTW could not plan a %d x %d transform", n, n);
        af_gauss_free(p);
        return NULL;
    }
    /* A fresh plan is the identity (sigma = 0) until the caller sets sigma. */
    af_gauss_set_variance(p, 0.0);
    return p;
}

double *af_gauss_buffer(af_gauss *p)
{
    return p->buf;
}

void af_gauss_set_variance(af_gauss *p, double s2)
{
    int n = p->n, periodic = p->edge == AF_EDGE_PERIODIC;
    double L = p->L;
    p->identity = s2 == 0;
    /* Per-axis multipliers (see the top of the file).  The expression is
     * evaluated in the same order as MBO's original table, so that MBO's
     * steps are bit-for-bit those it made before this module existed. */
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
        p->mult[k] = exp(-2.0 * AF_PI * AF_PI * s2 * xi * xi) * norm;
    }
}

af_status af_gauss_set_sigma(af_gauss *p, double sigma, af_error *err)
{
    if (!isfinite(sigma) || !(sigma >= 0))
        return af_error_set(err, AF_EINVAL, "gauss: sigma must be finite and >= 0, got %g", sigma);
    af_gauss_set_variance(p, sigma * sigma);
    return AF_OK;
}

void af_gauss_convolve(af_gauss *p)
{
    if (p->identity)
        return;
    int n = p->n;
    const double *g = p->mult;
    fftw_execute(p->fwd);
    if (p->edge == AF_EDGE_PERIODIC) {
        /* r2c layout: n rows (ky = 0..n-1, wrapped: frequency min(ky, n - ky),
         * which mult[] already accounts for) of n/2 + 1 columns kx. */
        int nc = n / 2 + 1;
        for (int ky = 0; ky < n; ky++) {
            fftw_complex *row = p->spec + (size_t)ky * nc;
            double gy = g[ky];
            for (int kx = 0; kx < nc; kx++) {
                double s = gy * g[kx];
                row[kx][0] *= s;
                row[kx][1] *= s;
            }
        }
    } else {
        for (int ky = 0; ky < n; ky++) {
            double *row = p->buf + (size_t)ky * n;
            double gy = g[ky];
            for (int kx = 0; kx < n; kx++)
                row[kx] *= gy * g[kx];
        }
    }
    fftw_execute(p->bwd);
}

af_status af_gauss_wisdom_export(const char *path, af_error *err)
{
    af_file f;
    af_status s = af_file_open(&f, path, "fftw wisdom", err);
    if (s != AF_OK)
        return s;
    fftw_export_wisdom_to_file(f.fp);
    return af_file_commit(&f, err);
}

af_status af_gauss_wisdom_import(const char *path, af_error *err)
{
    if (!path)
        return af_error_set(err, AF_EINVAL, "fftw wisdom: no path");
    if (!fftw_import_wisdom_from_filename(path))
        return af_error_set(err, AF_EIO, "fftw wisdom: cannot read '%s' (missing, or not FFTW "
                                         "wisdom of this FFTW)", path);
    return AF_OK;
}
