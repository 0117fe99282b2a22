/* advflow: shapes rasterised to masks.  GPL-3.0-or-later.
 *
 * Every kind but the polygon is an inside test at the cell centre after
 * moving the centre into the shape's own frame (translate by -center,
 * rotate by -angle).  The polygon is filled by scanlines (even-odd rule),
 * so its cost is O(n * vertices + cells) rather than O(cells * vertices).
 * Bayes and score regions are thresholds of fields on the grid. */
#include "advflow/shape.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "advflow/array.h"
#include "advflow/png.h"
#include "internal.h"

static const char *const kind_names[] = {
    [AF_SHAPE_CIRCLE] = "circle",       [AF_SHAPE_ELLIPSE] = "ellipse",
    [AF_SHAPE_RECTANGLE] = "rectangle", [AF_SHAPE_STAR] = "star",
    [AF_SHAPE_DUMBBELL] = "dumbbell",   [AF_SHAPE_HALFPLANE] = "halfplane",
    [AF_SHAPE_POLYGON] = "polygon",     [AF_SHAPE_PNG] = "png",
    [AF_SHAPE_BAYES] = "bayes",         [AF_SHAPE_SCORE] = "score",
};
#define NKINDS ((int)(sizeof kind_names / sizeof kind_names[0]))

const char *af_shape_kind_name(af_shape_kind kind)
{
    return (int)kind >= 0 && (int)kind < NKINDS ? kind_names[kind] : NULL;
}

int af_shape_kind_parse(const char *name, af_shape_kind *kind)
{
    for (int k = 0; k < NKINDS; k++)
        if (strcmp(name, kind_names[k]) == 0) {
            *kind = (af_shape_kind)k;
            return 0;
        }
    return -1;
}

static int finite2(const double v[2]) { return isfinite(v[0]) && isfinite(v[1]); }

af_status af_shape_params_check(const af_shape *s, af_error *err)
{
    const char *name = af_shape_kind_name(s->kind);
    if (!name)
        return af_error_set(err, AF_EINVAL, "shape: unknown kind %d", (int)s->kind);
    /* the kinds placed by a centre and an angle */
    int placed = s->kind == AF_SHAPE_CIRCLE || s->kind == AF_SHAPE_ELLIPSE
                 || s->kind == AF_SHAPE_RECTANGLE || s->kind == AF_SHAPE_STAR
                 || s->kind == AF_SHAPE_DUMBBELL;
    if (placed && !finite2(s->center))
        return af_error_set(err, AF_EINVAL, "%s: center must be finite", name);
    if (placed && !isfinite(s->angle))
        return af_error_set(err, AF_EINVAL, "%s: angle must be finite", name);
    switch (s->kind) {
    case AF_SHAPE_CIRCLE:
        if (!(s->radius > 0) || !isfinite(s->radius))
            return af_error_set(err, AF_EINVAL, "circle: radius must be > 0, got %g", s->radius);
        break;
    case AF_SHAPE_ELLIPSE:
        if (!(s->axes[0] > 0 && s->axes[1] > 0) || !finite2(s->axes))
            return af_error_set(err, AF_EINVAL, "ellipse: axes must be > 0, got %g %g",
                                s->axes[0], s->axes[1]);
        break;
    case AF_SHAPE_RECTANGLE:
        if (!(s->size[0] > 0 && s->size[1] > 0) || !finite2(s->size))
            return af_error_set(err, AF_EINVAL, "rectangle: size must be > 0, got %g %g",
                                s->size[0], s->size[1]);
        break;
    case AF_SHAPE_STAR:
        if (!(s->radius > 0) || !isfinite(s->radius))
            return af_error_set(err, AF_EINVAL, "star: radius must be > 0, got %g", s->radius);
        if (s->points < 2)
            return af_error_set(err, AF_EINVAL, "star: points must be >= 2, got %d", s->points);
        if (!(s->amplitude >= 0 && s->amplitude < s->radius))
            return af_error_set(err, AF_EINVAL, "star: amplitude must be in [0, radius), got %g",
                                s->amplitude);
        break;
    case AF_SHAPE_DUMBBELL:
        if (!(s->radius > 0) || !isfinite(s->radius))
            return af_error_set(err, AF_EINVAL, "dumbbell: radius must be > 0, got %g", s->radius);
        if (!(s->length > 0) || !isfinite(s->length))
            return af_error_set(err, AF_EINVAL, "dumbbell: length must be > 0, got %g", s->length);
        if (!(s->neck > 0 && s->neck <= 2 * s->radius))
            return af_error_set(err, AF_EINVAL, "dumbbell: neck must be in (0, 2 radius], got %g",
                                s->neck);
        break;
    case AF_SHAPE_HALFPLANE:
        if (!finite2(s->normal) || (s->normal[0] == 0 && s->normal[1] == 0))
            return af_error_set(err, AF_EINVAL, "halfplane: normal must be finite and non-zero");
        if (!isfinite(s->offset))
            return af_error_set(err, AF_EINVAL, "halfplane: offset must be finite");
        break;
    case AF_SHAPE_POLYGON:
        if (s->nvertices < 3 || !s->vertices)
            return af_error_set(err, AF_EINVAL, "polygon: needs at least 3 vertices, got %d",
                                s->nvertices);
        for (int k = 0; k < 2 * s->nvertices; k++)
            if (!isfinite(s->vertices[k]))
                return af_error_set(err, AF_EINVAL, "polygon: vertex %d is not finite", k / 2 + 1);
        break;
    case AF_SHAPE_PNG:
        if (!s->file || !s->file[0])
            return af_error_set(err, AF_EINVAL, "png: file is missing");
        if (!(s->threshold >= 0 && s->threshold <= 1))
            return af_error_set(err, AF_EINVAL, "png: threshold must be in [0, 1], got %g",
                                s->threshold);
        break;
    case AF_SHAPE_BAYES:
        if (!s->rho0 || !s->rho1)
            return af_error_set(err, AF_EINVAL, "bayes: the class densities are missing");
        break;
    case AF_SHAPE_SCORE:
        if (!s->file || !s->file[0])
            return af_error_set(err, AF_EINVAL, "score: file is missing");
        if (!isfinite(s->level))
            return af_error_set(err, AF_EINVAL, "score: level must be finite, got %g", s->level);
        break;
    }
    return AF_OK;
}

/* Inside test in the shape's own frame (u, v) for the analytic kinds. */
static int inside_local(const af_shape *s, double u, double v)
{
    switch (s->kind) {
    case AF_SHAPE_CIRCLE:
        return u * u + v * v <= s->radius * s->radius;
    case AF_SHAPE_ELLIPSE: {
        double a = u / s->axes[0], b = v / s->axes[1];
        return a * a + b * b <= 1.0;
    }
    case AF_SHAPE_RECTANGLE:
        return fabs(u) <= 0.5 * s->size[0] && fabs(v) <= 0.5 * s->size[1];
    case AF_SHAPE_STAR: {
        /* (u, v) is already rotated by -angle, so the first tip is on +u. */
        double r = hypot(u, v);
        double theta = atan2(v, u);
        return r <= s->radius + s->amplitude * cos(s->points * theta);
    }
    case AF_SHAPE_DUMBBELL: {
        double h = 0.5 * s->length, r2 = s->radius * s->radius;
        if ((u - h) * (u - h) + v * v <= r2 || (u + h) * (u + h) + v * v <= r2)
            return 1;
        return fabs(u) <= h && fabs(v) <= 0.5 * s->neck;
    }
    default:
        return 0;
    }
}

/* Visit every cell centre in the shape's frame: (u, v) relative to its
 * centre, rotated by -angle (so that the shape's own axes are u and v). */
static void each_local(const af_grid *g, const af_shape *s,
                       void (*visit)(void *out, size_t x, const af_shape *s, double u, double v),
                       void *out)
{
    int n = g->n;
    double th = s->angle * (AF_PI / 180.0), c = cos(th), sn = sin(th);
    for (int j = 0; j < n; j++) {
        double py = af_grid_center(g, j) - s->center[1];
        for (int i = 0; i < n; i++) {
            double px = af_grid_center(g, i) - s->center[0];
            visit(out, (size_t)j * n + i, s, c * px + sn * py, -sn * px + c * py);
        }
    }
}

/* The half-plane at cell (i, j): n . x - offset with n normalised, its
 * signed distance; the cell is inside where n . x <= offset. */
static double halfplane_dot(const af_grid *g, const af_shape *s, int i, int j)
{
    double len = hypot(s->normal[0], s->normal[1]);
    return s->normal[0] / len * af_grid_center(g, i) + s->normal[1] / len * af_grid_center(g, j);
}

/* A function of (u, v), in local coordinates, negative inside and zero
 * exactly on the boundary: the signed distance where it is simple (circle,
 * rectangle), else a smooth implicit function of about unit slope. */
static double field_local(const af_shape *s, double u, double v)
{
    switch (s->kind) {
    case AF_SHAPE_CIRCLE:
        return hypot(u, v) - s->radius;
    case AF_SHAPE_ELLIPSE: {
        double a = u / s->axes[0], b = v / s->axes[1];
        return (sqrt(a * a + b * b) - 1) * fmin(s->axes[0], s->axes[1]);
    }
    case AF_SHAPE_RECTANGLE: {
        double qx = fabs(u) - 0.5 * s->size[0], qy = fabs(v) - 0.5 * s->size[1];
        return hypot(fmax(qx, 0), fmax(qy, 0)) + fmin(fmax(qx, qy), 0);
    }
    case AF_SHAPE_STAR:
        return hypot(u, v) - (s->radius + s->amplitude * cos(s->points * atan2(v, u)));
    case AF_SHAPE_DUMBBELL: {
        double h = 0.5 * s->length;
        double lobe = fmin(hypot(u - h, v), hypot(u + h, v)) - s->radius;
        double qx = fabs(u) - h, qy = fabs(v) - 0.5 * s->neck;
        double bar = hypot(fmax(qx, 0), fmax(qy, 0)) + fmin(fmax(qx, qy), 0);
        return fmin(lobe, bar); /* the union's zero set */
    }
    default:
        return 0;
    }
}

static void put_field(void *out, size_t x, const af_shape *s, double u, double v)
{
    ((double *)out)[x] = field_local(s, u, v);
}

static void put_inside(void *out, size_t x, const af_shape *s, double u, double v)
{
    ((uint8_t *)out)[x] = (uint8_t)inside_local(s, u, v);
}

af_status af_shape_field(const af_grid *g, const af_shape *s, double *u, af_error *err)
{
    af_status st = af_shape_params_check(s, err);
    if (st != AF_OK)
        return st;
    if (s->kind == AF_SHAPE_PNG || s->kind == AF_SHAPE_POLYGON)
        return af_error_set(err, AF_EUNSUP, "%s: no field, only a mask", af_shape_kind_name(s->kind));
    size_t cells = af_grid_cells(g);
    if (s->kind == AF_SHAPE_BAYES) {
        for (size_t x = 0; x < cells; x++)
            u[x] = s->rho0[x] - s->rho1[x];
        return AF_OK;
    }
    if (s->kind == AF_SHAPE_SCORE) {
        st = af_array_read(s->file, g, u, err);
        for (size_t x = 0; st == AF_OK && x < cells; x++)
            u[x] = s->level - u[x];
        return st;
    }
    int n = g->n;
    if (s->kind == AF_SHAPE_HALFPLANE) {
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                u[(size_t)j * n + i] = halfplane_dot(g, s, i, j) - s->offset;
        return AF_OK;
    }
    each_local(g, s, put_field, u);
    return AF_OK;
}

/* Even-odd scanline fill: for row j, the polygon edges crossing y = y_j
 * (half-open rule: an edge counts when y is in [min y, max y)) give sorted
 * x crossings, and cells whose centres lie between pairs are inside. */
static af_status fill_polygon(const af_grid *g, const af_shape *s, uint8_t *mask, af_error *err)
{
    int nv = s->nvertices, n = g->n;
    double *xs = malloc((size_t)nv * sizeof *xs);
    if (!xs)
        return af_error_set(err, AF_ENOMEM, "polygon: out of memory");
    for (int j = 0; j < n; j++) {
        double y = af_grid_center(g, j);
        int m = 0;
        for (int k = 0; k < nv; k++) {
            const double *p = s->vertices + 2 * k, *q = s->vertices + 2 * ((k + 1) % nv);
            if ((p[1] <= y && y < q[1]) || (q[1] <= y && y < p[1]))
                xs[m++] = p[0] + (y - p[1]) * (q[0] - p[0]) / (q[1] - p[1]);
        }
        /* insertion sort: m is small and usually 2 */
        for (int a = 1; a < m; a++)
            for (int b = a; b > 0 && xs[b - 1] > xs[b]; b--) {
                double t = xs[b];
                xs[b] = xs[b - 1];
                xs[b - 1] = t;
            }
        uint8_t *row = mask + (size_t)j * n;
        memset(row, 0, (size_t)n);
        for (int a = 0; a + 1 < m; a += 2) {
            /* cells with xs[a] <= centre <= xs[a+1] */
            double i0 = ceil((xs[a] - g->lo) / g->dx - 0.5);
            double i1 = floor((xs[a + 1] - g->lo) / g->dx - 0.5);
            /* clamp to the row before converting: a span far outside the box
             * (vertices at 1e10) would overflow the conversion to int */
            if (i0 < 0) i0 = 0;
            if (i1 > n - 1) i1 = n - 1;
            if (!(i0 <= i1))
                continue;
            for (int i = (int)i0; i <= (int)i1; i++)
                row[i] = 1;
        }
    }
    free(xs);
    return AF_OK;
}

af_status af_shape_mask(const af_grid *g, const af_shape *s, uint8_t *mask, af_error *err)
{
    af_status st = af_shape_params_check(s, err);
    if (st != AF_OK)
        return st;
    if (s->kind == AF_SHAPE_PNG)
        return af_png_read_mask(s->file, g, s->threshold, mask, err);
    if (s->kind == AF_SHAPE_POLYGON)
        return fill_polygon(g, s, mask, err);
    size_t cells = af_grid_cells(g);
    if (s->kind == AF_SHAPE_BAYES) {
        for (size_t x = 0; x < cells; x++)
            mask[x] = s->rho1[x] > s->rho0[x];
        return AF_OK;
    }
    if (s->kind == AF_SHAPE_SCORE) {
        double *score = malloc(cells * sizeof *score);
        if (!score)
            return af_error_set(err, AF_ENOMEM, "score: out of memory for %zu cells", cells);
        st = af_array_read(s->file, g, score, err);
        for (size_t x = 0; st == AF_OK && x < cells; x++)
            mask[x] = score[x] > s->level;
        free(score);
        return st;
    }

    int n = g->n;
    if (s->kind == AF_SHAPE_HALFPLANE) {
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                mask[(size_t)j * n + i] = halfplane_dot(g, s, i, j) <= s->offset;
        return AF_OK;
    }
    each_local(g, s, put_inside, mask);
    return AF_OK;
}
