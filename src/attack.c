/* advflow: attack paths against a grid classifier (iterated FGSM).
 *
 * The score field lives at cell centres: s (the sub-cell signed distance
 * blurred by one cell) and its gradient by central differences, both
 * computed once by af_attack_alloc.  Between centres they are interpolated
 * bilinearly.  A path step is the steepest ascent step of the threat
 * model's norm followed by the projection P (onto the budget ball, then the
 * box).  GPL-3.0-or-later. */
#include "advflow/attack.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "advflow/dist.h"

#define AF_ATTACK_MAX_STEPS 1000000
/* Components below this fraction of the largest count as 0 (sign, ties). */
#define AF_ATTACK_SIGN_TOL 1e-9

struct af_attack {
    af_grid g;
    int n, per;
    uint8_t *mask; /* 0 / 1 */
    double *s;     /* score at the centres, n * n */
    double *grad;  /* gradient at the centres, interleaved (gx, gy), 2 n * n */
};

void af_attack_free(af_attack *a)
{
    if (!a)
        return;
    free(a->mask);
    free(a->s);
    free(a->grad);
    free(a);
}

/* Neighbour index along an axis for the central differences: wrapped on a
 * periodic grid, else clamped (the difference then becomes one-sided). */
static int af_nb(int i, int n, int per)
{
    if (per)
        return i < 0 ? i + n : (i >= n ? i - n : i);
    return i < 0 ? 0 : (i >= n ? n - 1 : i);
}

/* Gradient of s at the centres, 1/length units: (s[i+1] - s[i-1]) / (2 dx),
 * one-sided (s[1] - s[0]) / dx at a clamped edge, wrapped on a periodic
 * grid.  Zero along an axis of a single cell (and on a periodic grid of two
 * cells, where both neighbours are the same cell). */
static void af_gradient_field(af_attack *a)
{
    const int n = a->n, per = a->per;
    const double dx = a->g.dx;
    const double *s = a->s;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            const int im = af_nb(i - 1, n, per), ip = af_nb(i + 1, n, per);
            const int jm = af_nb(j - 1, n, per), jp = af_nb(j + 1, n, per);
            const double hx = (per ? 2 : ip - im) * dx, hy = (per ? 2 : jp - jm) * dx;
            double *gr = a->grad + 2 * ((size_t)j * n + i);
            gr[0] = ip == im ? 0 : (s[(size_t)j * n + ip] - s[(size_t)j * n + im]) / hx;
            gr[1] = jp == jm ? 0 : (s[(size_t)jp * n + i] - s[(size_t)jm * n + i]) / hy;
        }
}

af_attack *af_attack_alloc(const af_grid *g, const uint8_t *mask, af_error *err)
{
    if (af_grid_check(g, "attack", err) != AF_OK)
        return NULL;
    if (!mask) {
        af_error_set(err, AF_EINVAL, "attack: the classifier mask is NULL");
        return NULL;
    }
    const size_t cells = af_grid_cells(g);
    size_t inside = 0;
    for (size_t c = 0; c < cells; c++)
        inside += mask[c] != 0;
    if (inside == 0 || inside == cells) {
        af_error_set(err, AF_EINVAL,
                     "attack: the classifier mask is %s (no boundary to attack towards)",
                     inside == 0 ? "empty" : "full");
        return NULL;
    }
    af_attack *a = calloc(1, sizeof *a);
    if (!a) {
        af_error_set(err, AF_ENOMEM, "attack: out of memory");
        return NULL;
    }
    a->g = *g;
    a->n = g->n;
    a->per = g->edge == AF_EDGE_PERIODIC;
    a->mask = malloc(cells);
    a->s = malloc(cells * sizeof *a->s);
    a->grad = malloc(2 * cells * sizeof *a->grad);
    if (!a->mask || !a->s || !a->grad) {
        af_attack_free(a);
        af_error_set(err, AF_ENOMEM, "attack: out of memory for the score field (%zu cells)", cells);
        return NULL;
    }
    for (size_t c = 0; c < cells; c++)
        a->mask[c] = mask[c] != 0;

    af_dist_work *w = af_dist_work_alloc(g, err);
    if (!w) {
        af_attack_free(a);
        return NULL;
    }
    af_dist_signed(w, AF_SDIST_SUBCELL, a->mask, a->s);
    /* The sub-cell distance loses features thinner than about two cells: a
     * mask made only of those gives infinities everywhere. */
    for (size_t c = 0; c < cells; c++)
        if (!isfinite(a->s[c])) {
            const int outside = a->s[c] < 0; /* -inf: no visible outside part */
            af_dist_work_free(w);
            af_attack_free(a);
            af_error_set(err, AF_EINVAL,
                         "attack: the classifier mask has no %s part thick enough for the "
                         "sub-cell distance (features thinner than about two cells vanish)",
                         outside ? "outside" : "inside");
            return NULL;
        }
    af_dist_blur(w, a->s, 1.0);
    af_dist_work_free(w);
    af_gradient_field(a);
    return a;
}

/* Bilinear stencil at (x, y): cells (i0, i1) x (j0, j1) with weights
 * (1 - tx, tx) and (1 - ty, ty) between their centres.  Clamped grids take
 * the nearest point of the box, and within half a cell of the box edge the
 * value of the outermost centres (constant extrapolation); periodic grids
 * wrap.  Non-finite coordinates land on cell 0 (no undefined conversion). */
static void af_axis(const af_attack *a, double x, int *i0, int *i1, double *t)
{
    const int n = a->n;
    double u = (x - a->g.lo) / a->g.dx - 0.5;
    if (a->per) {
        u -= n * floor(u / n);
        if (!(u >= 0 && u < n))
            u = 0;
        double f = floor(u);
        *i0 = (int)f;
        *i1 = *i0 + 1 < n ? *i0 + 1 : 0;
        *t = u - f;
        return;
    }
    if (!(u > 0))
        u = 0;
    if (u > n - 1)
        u = n - 1;
    double f = floor(u);
    if (f > n - 2)
        f = n > 1 ? n - 2 : 0;
    *i0 = (int)f;
    *i1 = n > 1 ? *i0 + 1 : 0;
    *t = u - f;
}

/* Interpolate `comps` interleaved components of field f at (x, y). */
static void af_interp(const af_attack *a, const double *f, int comps, double x, double y, double *out)
{
    int i0, i1, j0, j1;
    double tx, ty;
    af_axis(a, x, &i0, &i1, &tx);
    af_axis(a, y, &j0, &j1, &ty);
    const size_t n = (size_t)a->n;
    const double *p00 = f + comps * (j0 * n + i0), *p10 = f + comps * (j0 * n + i1);
    const double *p01 = f + comps * (j1 * n + i0), *p11 = f + comps * (j1 * n + i1);
    for (int c = 0; c < comps; c++)
        out[c] = (1 - ty) * ((1 - tx) * p00[c] + tx * p10[c]) + ty * ((1 - tx) * p01[c] + tx * p11[c]);
}

double af_attack_score(const af_attack *a, double x, double y)
{
    double v;
    af_interp(a, a->s, 1, x, y, &v);
    return v;
}

void af_attack_gradient(const af_attack *a, double x, double y, double grad[2])
{
    af_interp(a, a->grad, 2, x, y, grad);
}


int af_attack_predict(const af_attack *a, double x, double y)
{
    return a->mask[(size_t)af_grid_cell_of(&a->g, y) * a->n + af_grid_cell_of(&a->g, x)];
}

/* Steepest ascent direction of the norm for the gradient g: the unit vector
 * d of that norm that maximises g . d.  Components below
 * AF_ATTACK_SIGN_TOL of the largest count as 0; a zero gradient gives d = 0
 * (stay). */
static void af_direction(af_norm norm, const double g[2], double d[2])
{
    const double ax = fabs(g[0]), ay = fabs(g[1]), m = ax > ay ? ax : ay;
    d[0] = d[1] = 0;
    if (!(m > 0) || !isfinite(m))
        return;
    const double thr = AF_ATTACK_SIGN_TOL * m;
    switch (norm) {
    case AF_NORM_INF: /* d = sign(g) */
        d[0] = ax > thr ? copysign(1.0, g[0]) : 0;
        d[1] = ay > thr ? copysign(1.0, g[1]) : 0;
        break;
    case AF_NORM_2: { /* d = g / |g|_2 */
        const double h = hypot(g[0], g[1]);
        d[0] = g[0] / h;
        d[1] = g[1] / h;
        break;
    }
    case AF_NORM_1: /* d = sign(g_m) e_m, m = argmax |g_m|; a tie splits evenly */
        if (m - (ax < ay ? ax : ay) <= thr) {
            d[0] = copysign(0.5, g[0]);
            d[1] = copysign(0.5, g[1]);
        } else if (ax > ay) {
            d[0] = copysign(1.0, g[0]);
        } else {
            d[1] = copysign(1.0, g[1]);
        }
        break;
    }
}

/* Euclidean projection of v onto the l1 ball {|v1| + |v2| <= eps}: the
 * soft threshold v_i -> sign(v_i) max(|v_i| - theta, 0) with theta >= 0 such
 * that the result has l1 norm eps.  In 2D with |v|'s sorted (u1 >= u2):
 * theta = (u1 + u2 - eps) / 2 when that leaves u2 - theta > 0, otherwise
 * the result is the vertex eps e_1 (theta = u1 - eps). */
static void af_project_l1(double v[2], double eps)
{
    const double a0 = fabs(v[0]), a1 = fabs(v[1]);
    if (a0 + a1 <= eps)
        return;
    const int big = a0 >= a1 ? 0 : 1;
    const double u1 = big ? a1 : a0, u2 = big ? a0 : a1;
    const double theta = 0.5 * (u1 + u2 - eps);
    double r1, r2;
    if (theta < u2) {
        r1 = u1 - theta;
        r2 = u2 - theta;
    } else {
        r1 = eps;
        r2 = 0;
    }
    v[big] = copysign(r1, v[big]);
    v[1 - big] = copysign(r2, v[1 - big]);
}

/* P: project p onto the ball B_eps(x0) of the norm, then (clamped grids)
 * clamp each coordinate to [lo, hi].
 *
 * The clamp keeps the point inside the ball: x0 lies in the box, so clamping
 * coordinate i to [lo, hi] moves p_i towards an interval that contains
 * x0_i and cannot increase |p_i - x0_i|; the l1, l2 and l-inf norms grow
 * with each |component| (monotone norms), so ||P(p) - x0|| <= eps still.
 * (The same holds in floating point: rounding is monotone.)  For l-inf the
 * composition is the exact projection onto ball and box; for l1 and l2 it is
 * a feasible point but not always the nearest one.
 *
 * Periodic grids do not clamp: the path stays unwrapped in the plane (the
 * budget is measured there) and only the score and prediction wrap. */
static void af_project(const af_attack *a, af_norm norm, double eps, double x0, double y0, double p[2])
{
    double v[2] = {p[0] - x0, p[1] - y0};
    switch (norm) {
    case AF_NORM_INF:
        p[0] = p[0] < x0 - eps ? x0 - eps : (p[0] > x0 + eps ? x0 + eps : p[0]);
        p[1] = p[1] < y0 - eps ? y0 - eps : (p[1] > y0 + eps ? y0 + eps : p[1]);
        break;
    case AF_NORM_2: {
        const double r = hypot(v[0], v[1]);
        if (r > eps) {
            p[0] = x0 + v[0] * (eps / r);
            p[1] = y0 + v[1] * (eps / r);
        }
        break;
    }
    case AF_NORM_1:
        af_project_l1(v, eps);
        p[0] = x0 + v[0];
        p[1] = y0 + v[1];
        break;
    }
    if (!a->per) {
        const double lo = a->g.lo, hi = a->g.hi;
        for (int c = 0; c < 2; c++)
            p[c] = p[c] < lo ? lo : (p[c] > hi ? hi : p[c]);
    }
}

af_status af_attack_path(const af_attack *a, const af_attack_params *prm, double x0, double y0,
                         int label, double *path, int *flipped, af_error *err)
{
    if (!a || !prm || !path)
        return af_error_set(err, AF_EINVAL, "attack path: %s is NULL",
                            !a ? "the attack" : !prm ? "the parameters" : "the path buffer");
    if (prm->norm != AF_NORM_INF && prm->norm != AF_NORM_2 && prm->norm != AF_NORM_1)
        return af_error_set(err, AF_EINVAL, "attack path: unknown norm %d (2, inf or 1)",
                            (int)prm->norm);
    if (!(prm->eps > 0) || !isfinite(prm->eps))
        return af_error_set(err, AF_EINVAL, "attack path: eps must be finite and > 0, got %g",
                            prm->eps);
    if (!(prm->tau > 0) || !isfinite(prm->tau))
        return af_error_set(err, AF_EINVAL, "attack path: tau must be finite and > 0, got %g",
                            prm->tau);
    if (prm->steps < 0 || prm->steps > AF_ATTACK_MAX_STEPS)
        return af_error_set(err, AF_EINVAL, "attack path: steps must be in 0 .. %d, got %d",
                            AF_ATTACK_MAX_STEPS, prm->steps);
    if (label != 0 && label != 1)
        return af_error_set(err, AF_EINVAL, "attack path: label must be 0 or 1, got %d", label);
    const double lo = a->g.lo, hi = a->g.hi;
    if (!(x0 >= lo && x0 <= hi && y0 >= lo && y0 <= hi))
        return af_error_set(err, AF_EINVAL,
                            "attack path: start point (%g, %g) is not inside the box [%g, %g]^2",
                            x0, y0, lo, hi);

    /* Loss L = (2 label - 1) s: ascend s for label 1, descend it for label 0. */
    const double sgn = label ? 1.0 : -1.0;
    int flip = af_attack_predict(a, x0, y0) != label ? 0 : -1;
    double x[2] = {x0, y0};
    path[0] = x0;
    path[1] = y0;
    for (int k = 1; k <= prm->steps; k++) {
        double g[2], d[2];
        af_attack_gradient(a, x[0], x[1], g);
        g[0] *= sgn;
        g[1] *= sgn;
        af_direction(prm->norm, g, d);
        x[0] += prm->tau * d[0];
        x[1] += prm->tau * d[1];
        af_project(a, prm->norm, prm->eps, x0, y0, x);
        path[2 * (size_t)k] = x[0];
        path[2 * (size_t)k + 1] = x[1];
        if (flip < 0 && af_attack_predict(a, x[0], x[1]) != label)
            flip = k;
    }
    if (flipped)
        *flipped = flip;
    return AF_OK;
}
