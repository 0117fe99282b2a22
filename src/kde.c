/* advflow: class densities from labelled points by kernel density
 * estimation on the grid.  GPL-3.0-or-later.
 *
 * rho_c = (1 / W) sum_{k in class c} w_c G_b(x - x_k), W = w_0 m_0 + w_1 m_1,
 * which is kde.h's formula with every point of class c weighing w_c =
 * p->weight[c] (m_c the class's count, W_c = w_c m_c).
 *
 * Binning (linear, cloud-in-cell).  In cell-centre coordinates
 * u = (x - lo) / dx - 1/2, cell i's centre is u = i; a point at u puts
 * weight 1 - f on cell floor(u) and f on floor(u) + 1, f = u - floor(u),
 * and the same along y (4 cells, product weights): the overlap of a
 * cell-sized square centred on the point with each cell.  The binned
 * weights' mean position is the point's position; their variance is
 * f (1 - f) dx^2 <= dx^2 / 4 per axis, a bias of order dx^2 that is small
 * beside the kernel's b^2 for b of a few cells.  A point of the
 * closed box has u in [-1/2, n - 1/2], so the cells touched are -1 .. n:
 *   clamped: ghost cell -1 is centred at lo - dx/2, whose mirror image
 *     about the box edge lo is cell 0's centre, so its weight goes to
 *     cell 0 (and n to n - 1).  A point between the last centre and the
 *     edge thus keeps all its weight in the last cell(s).  This is the
 *     reflection the DCT convolution continues: binning then convolving is
 *     the reflection estimator (mirror every point across each edge), and
 *     no weight leaves the box;
 *   periodic: -1 is cell n - 1 and n is cell 0 (the torus).
 *
 * Clipping.  Where the estimate is zero (far from every point) the FFT
 * leaves round-off of either sign, about 1e-17 of the peak.  Values below
 * AF_KDE_CLIP times the maximum, negatives included, are set to 0, so that
 * rho_c >= 0 and empty regions are exactly empty.  Below about 2 cells the
 * spectral kernel itself rings (gauss.h) and the clip also removes its
 * negative lobes: measured on a delta, 4e-10 of the mass at b = 2 cells,
 * 4e-6 at 1.5, 3e-3 at 1, 12% at 0.5.  Such a bandwidth resolves nothing
 * the binning does not, so we accept that (the rescale below puts the
 * clipped mass back, spread in proportion) rather than refuse it.
 *
 * Normalisation.  Binning puts exactly 1 per point up to rounding and the
 * convolution keeps the sum (gauss.h), so after division by dx^2 the field
 * would integrate to m_c; rather than trusting that, the result is scaled
 * by (W_c / W) / (dx^2 S) with S its actual sum after clipping, so that
 * dx^2 sum rho_c = W_c / W holds to the rounding of the final product
 * whatever the clip removed.  The scale equals w_c / (W dx^2), the
 * formula's, to 1e-9 at a bandwidth of 2 cells and to rounding from 2.5
 * cells up.
 *
 * Threads: the per-cell maps (clearing, clipping, scaling) run on threads
 * (threads_internal.h); the binning (points add into shared cells in point
 * order), the FFTs (mbo.c says why) and the sum S (in cell order, so that
 * it does not depend on the thread count) are serial.
 */
#include "advflow/kde.h"

#include <math.h>
#include <stdlib.h>

#include "advflow/gauss.h"
#include "threads_internal.h"

/* Relative level under which a value is FFT round-off (see above). */
#define AF_KDE_CLIP 1e-15

struct af_kde {
    af_grid g;       /* validated copy of the caller's grid */
    af_gauss *gauss; /* FFTW_ESTIMATE plan; its buffer is the binning scratch */
};

void af_kde_free(af_kde *k)
{
    if (!k)
        return;
    af_gauss_free(k->gauss);
    free(k);
}

af_kde *af_kde_alloc(const af_grid *g, af_error *err)
{
    if (!g) {
        af_error_set(err, AF_EINVAL, "kde: grid is NULL");
        return NULL;
    }
    af_grid gg;
    af_error gerr;
    af_status st = af_grid_init(&gg, g->dim, g->n, g->lo, g->hi, g->edge, &gerr);
    if (st != AF_OK) {
        af_error_set(err, st, "kde: %s", gerr.msg);
        return NULL;
    }
    af_kde *k = calloc(1, sizeof *k);
    if (!k) {
        af_error_set(err, AF_ENOMEM, "kde: out of memory");
        return NULL;
    }
    k->g = gg;
    /* ESTIMATE: a KDE is filled twice (two classes) per data set, so
     * FFTW_MEASURE's planning time would not pay back. */
    k->gauss = af_gauss_alloc(&gg, 0, &gerr);
    if (!k->gauss) {
        af_error_set(err, gerr.status, "kde: %s", gerr.msg);
        af_kde_free(k);
        return NULL;
    }
    return k;
}

double af_kde_silverman(const af_points *p, int label)
{
    if (!p || (label != 0 && label != 1) || (p->count > 0 && (!p->x || !p->y || !p->label)))
        return 0.0;
    /* Every point of a class has the same weight, so the weighted variances
     * are the plain ones; we take the unbiased (m - 1) denominator.  Two
     * passes (mean, then squared deviations) for accuracy. */
    size_t m = 0;
    double sx = 0, sy = 0;
    for (size_t k = 0; k < p->count; k++)
        if (p->label[k] == label) {
            m++;
            sx += p->x[k];
            sy += p->y[k];
        }
    if (m < 2)
        return 0.0;
    double mx = sx / (double)m, my = sy / (double)m, vx = 0, vy = 0;
    for (size_t k = 0; k < p->count; k++)
        if (p->label[k] == label) {
            double ex = p->x[k] - mx, ey = p->y[k] - my;
            vx += ex * ex;
            vy += ey * ey;
        }
    double var = 0.5 * (vx + vy) / (double)(m - 1);
    if (!(var > 0) || !isfinite(var))
        return 0.0;
    /* Silverman in d dimensions: sigma (4 / ((d + 2) m))^(1 / (d + 4)),
     * which for d = 2 is sigma m^(-1/6). */
    return sqrt(var) * pow((double)m, -1.0 / 6.0);
}

/* Cell and weight of the lower neighbour along one axis, for coordinate
 * v in the closed box: *i0 in -1 .. n - 1, *f in [0, 1] the weight of
 * *i0 + 1 (see the top of the file). */
static void af_kde_axis(const af_grid *g, double v, int *i0, double *f)
{
    double u = (v - g->lo) / g->dx - 0.5;
    /* Rounding may push u of a point on the edge just past -1/2 or
     * n - 1/2; the point is on the edge, so put it there. */
    if (u < -0.5)
        u = -0.5;
    if (u > g->n - 0.5)
        u = g->n - 0.5;
    double fl = floor(u);
    *i0 = (int)fl;
    *f = u - fl;
}

/* Map a cell index in -1 .. n to the grid (see the top of the file). */
static int af_kde_fold(int i, int n, int periodic)
{
    if (i < 0)
        return periodic ? n - 1 : 0;
    if (i >= n)
        return periodic ? 0 : n - 1;
    return i;
}

af_status af_kde_fill(af_kde *k, const af_points *p, int label, double bandwidth, double *rho,
                      af_error *err)
{
    if (!k || !p || !rho)
        return af_error_set(err, AF_EINVAL, "kde: NULL argument");
    if (label != 0 && label != 1)
        return af_error_set(err, AF_EINVAL, "kde: label must be 0 or 1, got %d", label);
    if (!isfinite(bandwidth) || !(bandwidth > 0))
        return af_error_set(err, AF_EINVAL, "kde: bandwidth must be finite and > 0, got %g",
                            bandwidth);
    for (int c = 0; c < 2; c++)
        if (!isfinite(p->weight[c]) || !(p->weight[c] > 0))
            return af_error_set(err, AF_EINVAL,
                                "kde: weight of class %d must be finite and > 0, got %g", c,
                                p->weight[c]);
    if (p->count > 0 && (!p->x || !p->y || !p->label))
        return af_error_set(err, AF_EINVAL, "kde: points have NULL arrays");

    /* Check every point (not only the class's), so that both classes'
     * calls accept or refuse the same data, and count the classes. */
    const af_grid *g = &k->g;
    size_t count[2] = {0, 0};
    for (size_t q = 0; q < p->count; q++) {
        double x = p->x[q], y = p->y[q];
        if (!(x >= g->lo && x <= g->hi && y >= g->lo && y <= g->hi))
            return af_error_set(err, AF_EINVAL,
                                "kde: point %zu (%.17g, %.17g) is outside the box [%g, %g]^2"
                                " (crop first)",
                                q, x, y, g->lo, g->hi);
        if (p->label[q] > 1)
            return af_error_set(err, AF_EINVAL, "kde: point %zu has label %d (not 0 or 1)", q,
                                (int)p->label[q]);
        count[p->label[q]]++;
    }
    if (count[label] == 0)
        return af_error_set(err, AF_EINVAL, "kde: class %d has no points", label);

    af_status st = af_gauss_set_sigma(k->gauss, bandwidth, err);
    if (st != AF_OK)
        return st;

    /* Bin: 1 per point, spread over up to 4 cells. */
    int n = g->n, periodic = g->edge == AF_EDGE_PERIODIC;
    size_t cells = af_grid_cells(g);
    double *buf = af_gauss_buffer(k->gauss);
#pragma omp parallel for num_threads(af_threads_for_cells(cells)) schedule(static)
    for (size_t i = 0; i < cells; i++)
        buf[i] = 0.0;
    for (size_t q = 0; q < p->count; q++) {
        if (p->label[q] != label)
            continue;
        int i0, j0;
        double fx, fy;
        af_kde_axis(g, p->x[q], &i0, &fx);
        af_kde_axis(g, p->y[q], &j0, &fy);
        size_t ia = (size_t)af_kde_fold(i0, n, periodic);
        size_t ib = (size_t)af_kde_fold(i0 + 1, n, periodic);
        size_t ja = (size_t)af_kde_fold(j0, n, periodic);
        size_t jb = (size_t)af_kde_fold(j0 + 1, n, periodic);
        buf[ia + (size_t)n * ja] += (1 - fx) * (1 - fy);
        buf[ib + (size_t)n * ja] += fx * (1 - fy);
        buf[ia + (size_t)n * jb] += (1 - fx) * fy;
        buf[ib + (size_t)n * jb] += fx * fy;
    }

    af_gauss_convolve(k->gauss);

    /* Clip round-off, then scale to the class's mass (see the top). */
    double mx = 0; /* a maximum: exact in any order */
#pragma omp parallel for num_threads(af_threads_for_cells(cells)) schedule(static) reduction(max : mx)
    for (size_t i = 0; i < cells; i++)
        if (buf[i] > mx)
            mx = buf[i];
    double tiny = AF_KDE_CLIP * mx, sum = 0;
#pragma omp parallel for num_threads(af_threads_for_cells(cells)) schedule(static)
    for (size_t i = 0; i < cells; i++)
        rho[i] = buf[i] >= tiny ? buf[i] : 0.0;
    for (size_t i = 0; i < cells; i++)
        sum += rho[i];
    /* sum > 0: the binned field is >= 0 with total m_c >= 1, and the
     * convolution keeps the total, so its maximum is positive and at least
     * that value survives the clip.  Checked all the same, as a guard
     * against a broken transform (no division by 0). */
    if (!(sum > 0) || !isfinite(sum))
        return af_error_set(err, AF_EFAILED, "kde: the convolution of class %d has sum %g", label,
                            sum);
    /* only the ratio of the class weights matters: taken relative to the
     * larger, so that weights of 1e306 do not overflow the sums */
    double wmax = fmax(p->weight[0], p->weight[1]);
    double wc = p->weight[label] / wmax * (double)count[label];
    double W = wc + p->weight[1 - label] / wmax * (double)count[1 - label];
    double scale = (wc / W) / (g->dx * g->dx * sum);
#pragma omp parallel for num_threads(af_threads_for_cells(cells)) schedule(static)
    for (size_t i = 0; i < cells; i++)
        rho[i] *= scale;
    return AF_OK;
}
