/* advflow: level lines by marching squares (contour.h).  GPL-3.0-or-later.
 *
 * Squares are addressed by their lower-left corner cell (a, b): corners
 * (a, b), (a + 1, b), (a + 1, b + 1), (a, b + 1), and in cell units from
 * the box corner (lo, lo) the square covers [a + 1/2, a + 3/2] x
 * [b + 1/2, b + 3/2].  On a torus a and b run over 0 .. n - 1 and a + 1
 * wraps.  On a clamped grid they run over -1 .. n - 1 and corner indices
 * are clamped to 0 .. n - 1: the squares with a = -1 or a = n - 1 (b
 * likewise) are the strips of ghost cells that repeat the outer values,
 * half inside the box.  In such a square two opposite corners are equal
 * pairwise, so u does not vary across the box edge: the piece of level
 * line is perpendicular to it (no saddle can occur), and the part inside
 * the box is the half of the square nearer the centre -- clipping the
 * piece's coordinate to that half is exact, and the inside area is half
 * the square's (a quarter at the corners, where u is constant).
 */
#include "advflow/contour.h"

#include <math.h>
#include <stdlib.h>

#include "contour_internal.h"

struct af_contour {
    af_grid grid;
    af_segment *seg; /* cap entries, count used */
    size_t count, cap;
    double length;   /* length units */
};

af_contour *af_contour_alloc(const af_grid *g, af_error *err)
{
    if (af_grid_check(g, "contour", err) != AF_OK)
        return NULL;
    af_contour *c = calloc(1, sizeof *c);
    if (!c) {
        af_error_set(err, AF_ENOMEM, "contour: out of memory");
        return NULL;
    }
    c->grid = *g;
    c->cap = 4 * (size_t)g->n;
    c->seg = malloc(c->cap * sizeof *c->seg);
    if (!c->seg) {
        free(c);
        af_error_set(err, AF_ENOMEM, "contour: out of memory for %zu segments", 4 * (size_t)g->n);
        return NULL;
    }
    return c;
}

void af_contour_free(af_contour *c)
{
    if (!c)
        return;
    free(c->seg);
    free(c);
}

size_t af_contour_count(const af_contour *c) { return c->count; }

const af_segment *af_contour_segments(const af_contour *c) { return c->seg; }

double af_contour_length(const af_contour *c) { return c->length; }

/* Append a segment given in cell units from the box corner. */
static af_status af_push(af_contour *c, double x0, double y0, double x1, double y1, af_error *err)
{
    if (c->count == c->cap) {
        const size_t cap = c->cap ? 2 * c->cap : 16;
        af_segment *p = cap > ((size_t)-1) / sizeof *p ? NULL : realloc(c->seg, cap * sizeof *p);
        if (!p)
            return af_error_set(err, AF_ENOMEM, "contour: out of memory for %zu segments", cap);
        c->seg = p;
        c->cap = cap;
    }
    const double lo = c->grid.lo, dx = c->grid.dx;
    c->seg[c->count++] = (af_segment){lo + x0 * dx, lo + y0 * dx, lo + x1 * dx, lo + y1 * dx};
    return AF_OK;
}

/* A torus segment in cell units, coordinates in [0, n + 1): split where it
 * crosses x = n, then y = n (axis 0, then 1), and move the parts beyond
 * back by n.  The split point is n on one part and exactly 0 on the other. */
static af_status af_push_wrapped(af_contour *c, double p[4], int axis, af_error *err)
{
    if (axis == 2)
        return af_push(c, p[0], p[1], p[2], p[3], err);
    const double N = c->grid.n, a0 = p[axis], a1 = p[axis + 2];
    if (a0 <= N && a1 <= N)
        return af_push_wrapped(c, p, axis + 1, err);
    if (a0 >= N && a1 >= N) {
        p[axis] -= N;
        p[axis + 2] -= N;
        return af_push_wrapped(c, p, axis + 1, err);
    }
    const int o = 1 - axis;
    const double f = (N - a0) / (a1 - a0), m = p[o] + f * (p[o + 2] - p[o]);
    double q0[4], q1[4];
    q0[axis] = a0; q0[o] = p[o]; q0[axis + 2] = N; q0[o + 2] = m;
    q1[axis] = N; q1[o] = m; q1[axis + 2] = a1; q1[o + 2] = p[o + 2];
    /* the part beyond n moves back */
    double *far = a0 > N ? q0 : q1;
    far[axis] -= N;
    far[axis + 2] -= N;
    af_status st = af_push_wrapped(c, q0, axis + 1, err);
    return st != AF_OK ? st : af_push_wrapped(c, q1, axis + 1, err);
}

static int af_has_nan(const double *u, size_t cells, size_t *at)
{
    for (size_t k = 0; k < cells; k++)
        if (isnan(u[k])) {
            *at = k;
            return 1;
        }
    return 0;
}

/* Clamped: index of a square's corner column (or row) a + d, d in {0, 1}. */
static inline int af_clampi(int i, int n) { return i < 0 ? 0 : (i >= n ? n - 1 : i); }

af_status af_contour_trace(af_contour *c, const double *u, double level, af_error *err)
{
    const int n = c->grid.n, per = c->grid.edge == AF_EDGE_PERIODIC;
    c->count = 0;
    c->length = 0;
    if (!isfinite(level))
        return af_error_set(err, AF_EINVAL, "contour: level must be finite, got %g", level);
    size_t at;
    if (af_has_nan(u, (size_t)n * n, &at))
        return af_error_set(err, AF_EINVAL, "contour: u is NaN at cell (%zu, %zu)", at % n, at / n);
    const int first = per ? 0 : -1, last = n - 1; /* squares first .. last per axis */
    double len = 0;
    af_status st = AF_OK;
    for (int b = first; b <= last && st == AF_OK; b++) {
        const int j0 = per ? b : af_clampi(b, n), j1 = per ? (b + 1) % n : af_clampi(b + 1, n);
        const double *r0 = u + (size_t)j0 * n, *r1 = u + (size_t)j1 * n;
        /* clamped: clip the unit frame to the box's half of a ghost strip */
        const double ylo = !per && b == -1 ? 0.5 : 0.0, yhi = !per && b == n - 1 ? 0.5 : 1.0;
        for (int a = first; a <= last; a++) {
            const int i0 = per ? a : af_clampi(a, n), i1 = per ? (a + 1) % n : af_clampi(a + 1, n);
            const double v[4] = {r0[i0], r0[i1], r1[i1], r1[i0]};
            const int code = af_ms_code(v, level);
            if (code == 0 || code == 15)
                continue;
            af_segment s[2];
            const int k = af_ms_square(v, level, code, s);
            const double xlo = !per && a == -1 ? 0.5 : 0.0, xhi = !per && a == n - 1 ? 0.5 : 1.0;
            for (int q = 0; q < k; q++) {
                double p[4] = {fmin(fmax(s[q].x0, xlo), xhi), fmin(fmax(s[q].y0, ylo), yhi),
                               fmin(fmax(s[q].x1, xlo), xhi), fmin(fmax(s[q].y1, ylo), yhi)};
                len += hypot(p[2] - p[0], p[3] - p[1]);
                p[0] += a + 0.5;
                p[2] += a + 0.5;
                p[1] += b + 0.5;
                p[3] += b + 0.5;
                st = per ? af_push_wrapped(c, p, 0, err) : af_push(c, p[0], p[1], p[2], p[3], err);
                if (st != AF_OK)
                    break;
            }
            if (st != AF_OK)
                break;
        }
    }
    c->length = len * c->grid.dx;
    return st;
}

double af_contour_area(const af_grid *g, const double *u, double level)
{
    const int n = g->n, per = g->edge == AF_EDGE_PERIODIC;
    size_t at;
    if (!isfinite(level) || af_has_nan(u, (size_t)n * n, &at))
        return NAN;
    const int first = per ? 0 : -1, last = n - 1;
    double total = 0;
    for (int b = first; b <= last; b++) {
        const int j0 = per ? b : af_clampi(b, n), j1 = per ? (b + 1) % n : af_clampi(b + 1, n);
        const double *r0 = u + (size_t)j0 * n, *r1 = u + (size_t)j1 * n;
        const double wy = !per && (b == -1 || b == n - 1) ? 0.5 : 1.0;
        double row = 0;
        for (int a = first; a <= last; a++) {
            const int i0 = per ? a : af_clampi(a, n), i1 = per ? (a + 1) % n : af_clampi(a + 1, n);
            const double v[4] = {r0[i0], r0[i1], r1[i1], r1[i0]};
            const int code = af_ms_code(v, level);
            const double wx = !per && (a == -1 || a == n - 1) ? 0.5 : 1.0;
            if (code == 15)
                row += wx;
            else if (code != 0)
                row += wx * af_ms_area(v, level, code);
        }
        total += wy * row;
    }
    return total * g->dx * g->dx;
}
