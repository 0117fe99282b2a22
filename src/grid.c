/* advflow: regular grids on a box.  GPL-3.0-or-later. */
#include "advflow/grid.h"

#include <math.h>

af_status af_grid_init(af_grid *g, int dim, int n, double lo, double hi,
                       af_edge edge, af_error *err)
{
    if (dim == 3)
        return af_error_set(err, AF_EUNSUP, "grid: dim = 3 is not implemented yet (use dim = 2)");
    if (dim != 2)
        return af_error_set(err, AF_EINVAL, "grid: dim must be 2, got %d", dim);
    if (n < 1 || n > AF_GRID_MAX_N)
        return af_error_set(err, AF_EINVAL, "grid: n must be in 1..%d, got %d", AF_GRID_MAX_N, n);
    if ((size_t)n * (size_t)n > AF_GRID_MAX_CELLS)
        return af_error_set(err, AF_ETOOBIG, "grid: %d^%d cells exceed the limit of %zu cells",
                            n, dim, (size_t)AF_GRID_MAX_CELLS);
    if (!isfinite(lo) || !isfinite(hi) || !(lo < hi))
        return af_error_set(err, AF_EINVAL, "grid: box must be finite with lo < hi, got [%g, %g]", lo, hi);
    /* hi - lo must be finite too (it overflows for [-1e308, 1e308]), and
     * cells must be wide enough for their centres to be distinct numbers */
    if (!isfinite(hi - lo) || !((hi - lo) / n > 1e-12 * fmax(fabs(lo), fabs(hi))))
        return af_error_set(err, AF_EINVAL,
                            "grid: box [%g, %g] with n = %d: its width overflows, or its cells are "
                            "too narrow for their position",
                            lo, hi, n);
    if (edge != AF_EDGE_CLAMP && edge != AF_EDGE_PERIODIC)
        return af_error_set(err, AF_EINVAL, "grid: unknown edge mode %d", (int)edge);
    g->dim = dim;
    g->n = n;
    g->lo = lo;
    g->hi = hi;
    g->dx = (hi - lo) / n;
    g->edge = edge;
    return AF_OK;
}

size_t af_grid_cells(const af_grid *g)
{
    size_t c = 1;
    for (int d = 0; d < g->dim; d++)
        c *= (size_t)g->n;
    return c;
}

int af_grid_cell_of(const af_grid *g, double x)
{
    double f = floor((x - g->lo) / g->dx);
    if (g->edge == AF_EDGE_PERIODIC)
        f -= g->n * floor(f / g->n);
    if (!(f >= 0))
        return 0;
    return f > g->n - 1 ? g->n - 1 : (int)f;
}

double af_grid_center(const af_grid *g, int i)
{
    return g->lo + (i + 0.5) * g->dx;
}

const char *af_edge_name(af_edge edge)
{
    return edge == AF_EDGE_PERIODIC ? "periodic" : "clamp";
}

af_status af_grid_check(const af_grid *g, const char *who, af_error *err)
{
    if (!g)
        return af_error_set(err, AF_EINVAL, "%s: grid must not be NULL", who);
    if (g->dim != 2)
        return af_error_set(err, AF_EUNSUP, "%s: only dim = 2 is implemented, got %d", who, g->dim);
    if (g->n < 1 || g->n > AF_GRID_MAX_N || (size_t)g->n * (size_t)g->n > AF_GRID_MAX_CELLS)
        return af_error_set(err, AF_EINVAL, "%s: grid size n = %d out of range", who, g->n);
    return AF_OK;
}

int af_grid_mask_bbox(const af_grid *g, const uint8_t *mask, int box[4])
{
    int n = g->n, i0 = n, i1 = -1, j0 = n, j1 = -1;
    for (int j = 0; j < n; j++) {
        const uint8_t *row = mask + (size_t)j * n;
        for (int i = 0; i < n; i++)
            if (row[i]) {
                if (i < i0) i0 = i;
                if (i > i1) i1 = i;
                if (j < j0) j0 = j;
                j1 = j;
            }
    }
    box[0] = i0;
    box[1] = i1;
    box[2] = j0;
    box[3] = j1;
    return i1 >= 0;
}

size_t af_grid_mask_count(const af_grid *g, const uint8_t *mask)
{
    size_t c = 0, cells = af_grid_cells(g);
    for (size_t x = 0; x < cells; x++)
        c += mask[x] != 0;
    return c;
}

double af_grid_mask_area(const af_grid *g, const uint8_t *mask)
{
    return (double)af_grid_mask_count(g, mask) * g->dx * g->dx;
}

size_t af_grid_mask_centroid(const af_grid *g, const uint8_t *mask, double c[2])
{
    int n = g->n;
    size_t k = 0;
    double sx = 0, sy = 0;
    for (int j = 0; j < n; j++) {
        const uint8_t *row = mask + (size_t)j * n;
        for (int i = 0; i < n; i++)
            if (row[i]) {
                k++;
                sx += af_grid_center(g, i);
                sy += af_grid_center(g, j);
            }
    }
    c[0] = k ? sx / (double)k : NAN;
    c[1] = k ? sy / (double)k : NAN;
    return k;
}
