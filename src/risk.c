/* advflow: clean and adversarial risks, on the grid and on points, and the
 * lower bound of the conflict graph (risk.h).  GPL-3.0-or-later.
 *
 * Threads (threads_internal.h): the grid's sums are taken row by row and
 * the rows' sums added in row order; the points are counted per class
 * (integers, exact in any order) and weighed after.  Both give the same
 * values for every thread count. */
#include "advflow/risk.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "advflow/morph.h"
#include "advflow/perimeter.h"
#include "mf.h"
#include "threads_internal.h"

struct af_risk {
    af_grid g;
    af_norm norm;
    double eps;
    af_ball *ball;
    double w_B;
    af_morph_work *morph;
    uint8_t *dil, *ero;
    double *rows; /* 5 n: each row's sums (mass, clean, adv, outer, inner strip) */
    size_t *rowc; /* n: each row's cells inside the mask */
};

void af_risk_free(af_risk *r)
{
    if (!r)
        return;
    af_ball_free(r->ball);
    af_morph_work_free(r->morph);
    free(r->dil);
    free(r->ero);
    free(r->rows);
    free(r->rowc);
    free(r);
}

af_risk *af_risk_alloc(const af_grid *g, af_norm norm, double eps, af_error *err)
{
    if (af_grid_check(g, "risk", err) != AF_OK)
        return NULL;
    /* the perimeter's condition: the risks pair with Per_eps */
    if (af_perimeter_eps_check(g, eps, "risk", err) != AF_OK)
        return NULL;
    af_risk *r = calloc(1, sizeof *r);
    if (!r) {
        af_error_set(err, AF_ENOMEM, "risk: out of memory");
        return NULL;
    }
    r->g = *g;
    r->norm = norm;
    r->eps = eps;
    size_t cells = af_grid_cells(g);
    if (!(r->ball = af_ball_alloc(norm, eps / g->dx, err))
        || !(r->morph = af_morph_work_alloc(g, r->ball, err)))
        goto fail;
    r->w_B = eps * af_ball_width_ratio(r->ball);
    r->dil = malloc(cells);
    r->ero = malloc(cells);
    r->rows = malloc(5 * (size_t)g->n * sizeof *r->rows);
    r->rowc = malloc((size_t)g->n * sizeof *r->rowc);
    if (!r->dil || !r->ero || !r->rows || !r->rowc) {
        af_error_set(err, AF_ENOMEM, "risk: out of memory for %zu cells", cells);
        goto fail;
    }
    return r;
fail:
    af_risk_free(r);
    return NULL;
}

void af_risk_eval(af_risk *r, const double *rho0, const double *rho1, const uint8_t *mask,
                  af_risk_value *out)
{
    const int n = r->g.n;
    af_morph_dilate(r->morph, mask, r->dil);
    af_morph_erode(r->morph, mask, r->ero);
    /* Each sum is over non-negative terms: no cancellation, so the
     * identity adv = clean + w_B Per_eps / M holds to a few ulps. */
#pragma omp parallel for num_threads(af_threads_for_cells(af_grid_cells(&r->g))) schedule(dynamic, 8)
    for (int j = 0; j < n; j++) {
        double mass = 0, clean = 0, adv = 0, so = 0, si = 0;
        size_t count = 0;
        for (size_t x = (size_t)j * n; x < (size_t)(j + 1) * n; x++) {
            int a = mask[x] != 0;
            count += (size_t)a;
            mass += rho0[x] + rho1[x];
            clean += a ? rho0[x] : rho1[x];
            adv += (r->dil[x] ? rho0[x] : 0) + (r->ero[x] ? 0 : rho1[x]);
            so += r->dil[x] && !a ? rho0[x] : 0; /* the strips, as perimeter.c sums them */
            si += a && !r->ero[x] ? rho1[x] : 0;
        }
        double *rs = r->rows + 5 * (size_t)j;
        rs[0] = mass;
        rs[1] = clean;
        rs[2] = adv;
        rs[3] = so;
        rs[4] = si;
        r->rowc[j] = count;
    }
    double mass = 0, clean = 0, adv = 0, so = 0, si = 0;
    size_t count = 0;
    for (int j = 0; j < n; j++) {
        const double *rs = r->rows + 5 * (size_t)j;
        mass += rs[0];
        clean += rs[1];
        adv += rs[2];
        so += rs[3];
        si += rs[4];
        count += r->rowc[j];
    }
    double vol = r->g.dx * r->g.dx;
    out->per_eps = vol * so / r->w_B + vol * si / r->w_B;
    out->area = vol * (double)count;
    out->mass = vol * mass;
    out->clean = mass > 0 ? clean / mass : 0;
    out->adv = mass > 0 ? adv / mass : 0;
    out->w_B = r->w_B;
}

/* Distance from 0 to the nearest point of [a, b] (a <= b). */
static double gap(double a, double b) { return a > 0 ? a : b < 0 ? -b : 0; }

/* The norm of (u, v). */
static double norm2d(af_norm norm, double u, double v)
{
    u = fabs(u);
    v = fabs(v);
    return norm == AF_NORM_2 ? hypot(u, v) : norm == AF_NORM_1 ? u + v : (u > v ? u : v);
}

/* Does the closed ball of radius eps around (x, y) meet a cell labelled
 * other than `label`?  Cells beyond a clamped box edge do not exist; on a
 * periodic grid the cells wrap (the ball lives on the torus). */
static int attacked(const af_risk *r, const uint8_t *mask, double x, double y, int label)
{
    const af_grid *g = &r->g;
    int n = g->n, per = g->edge == AF_EDGE_PERIODIC;
    double dx = g->dx, eps = r->eps;
    long i0 = (long)floor((x - eps - g->lo) / dx), i1 = (long)floor((x + eps - g->lo) / dx);
    long j0 = (long)floor((y - eps - g->lo) / dx), j1 = (long)floor((y + eps - g->lo) / dx);
    if (!per) {
        i0 = i0 < 0 ? 0 : i0;
        j0 = j0 < 0 ? 0 : j0;
        i1 = i1 > n - 1 ? n - 1 : i1;
        j1 = j1 > n - 1 ? n - 1 : j1;
    }
    for (long j = j0; j <= j1; j++) {
        /* offset of the point from the cell's y-interval (unwrapped) */
        double vy = gap(g->lo + j * dx - y, g->lo + (j + 1) * dx - y);
        long jj = per ? ((j % n) + n) % n : j;
        for (long i = i0; i <= i1; i++) {
            long ii = per ? ((i % n) + n) % n : i;
            if ((mask[(size_t)jj * n + ii] != 0) == label)
                continue;
            double vx = gap(g->lo + i * dx - x, g->lo + (i + 1) * dx - x);
            if (norm2d(r->norm, vx, vy) <= eps)
                return 1;
        }
    }
    return 0;
}

/* Cells af_risk_points looks at for `count` points, about (a ball's
 * bounding box each): the size of the pass, for af_threads_for_cells. */
static inline size_t points_work(const af_risk *r, size_t count)
{
    const double side = 2 * r->eps / r->g.dx + 2;
    return (size_t)fmin(1e18, side * side * (double)count);
}

static af_status points_in_box(const af_grid *g, const af_points *p, af_error *err)
{
    for (size_t k = 0; k < p->count; k++)
        if (!(p->x[k] >= g->lo && p->x[k] <= g->hi && p->y[k] >= g->lo && p->y[k] <= g->hi))
            return af_error_set(err, AF_EINVAL, "risk: point %zu (%g, %g) is outside the box [%g, %g]^2",
                                k, p->x[k], p->y[k], g->lo, g->hi);
    return AF_OK;
}

af_status af_risk_points(const af_risk *r, const af_points *p, const uint8_t *mask,
                         af_risk_points_value *out, af_error *err)
{
    if (!r || !p || !mask || !out)
        return af_error_set(err, AF_EINVAL, "risk: points: NULL argument");
    af_status s = points_in_box(&r->g, p, err);
    if (s != AF_OK)
        return s;
    memset(out, 0, sizeof *out);
    /* per class: points, misclassified, attacked (counts: exact in any
     * order, so the points may be shared among threads) */
    size_t m0 = 0, m1 = 0, c0 = 0, c1 = 0, a0 = 0, a1 = 0;
    const long np = (long)p->count;
#pragma omp parallel for num_threads(af_threads_for_cells(points_work(r, p->count))) \
    schedule(dynamic, 64) reduction(+ : m0, m1, c0, c1, a0, a1)
    for (long k = 0; k < np; k++) {
        int y = p->label[k] != 0;
        int wrong = (mask[af_points_cell(p, &r->g, (size_t)k)] != 0) != y;
        int att = wrong || attacked(r, mask, p->x[k], p->y[k], y);
        m0 += !y;
        m1 += y;
        c0 += !y && wrong;
        c1 += y && wrong;
        a0 += !y && att;
        a1 += y && att;
    }
    /* only ratios of the weights matter: relative to the larger, no overflow */
    double wmax = fmax(p->weight[0], p->weight[1]);
    double w0 = p->weight[0] / wmax, w1 = p->weight[1] / wmax;
    out->weight = (double)m0 * w0 + (double)m1 * w1;
    out->n_clean = c0 + c1;
    out->n_adv = a0 + a1;
    double wc = (double)c0 * w0 + (double)c1 * w1, wa = (double)a0 * w0 + (double)a1 * w1;
    out->clean = out->weight > 0 ? wc / out->weight : 0;
    out->adv = out->weight > 0 ? wa / out->weight : 0;
    return AF_OK;
}

/* ---- the conflict graph's minimum vertex cover ------------------------- */

/* Distance between two points in the norm, on the torus for a periodic grid. */
static double point_dist(const af_grid *g, af_norm norm, double x0, double y0, double x1, double y1)
{
    double u = fabs(x1 - x0), v = fabs(y1 - y0);
    if (g->edge == AF_EDGE_PERIODIC) {
        double L = g->hi - g->lo;
        u = fmin(u, L - u);
        v = fmin(v, L - v);
    }
    return norm2d(norm, u, v);
}

/* Points sorted into square buckets of side >= 2 eps (af_risk_points_bound). */
typedef struct {
    const af_grid *g;
    af_norm norm;
    double eps;
    const af_points *p;
    int nb;                 /* buckets per axis */
    const size_t *start;    /* bucket b holds order[start[b] .. start[b + 1]) */
    const size_t *order;    /* point indices, sorted by bucket */
    const int32_t *bucket;  /* bucket of each point */
} buckets;

/* Visit the pairs (class 0, class 1) within 2 eps of each other: a class-0
 * point's partners lie in its bucket or the 8 around it (every norm's
 * 2 eps-ball is inside the l-inf one).  With mf, add an infinite arc for
 * each; stop after `limit` pairs.  Returns the pairs visited, or a smaller
 * number when an arc could not be added (out of memory). */
static size_t conflict_pairs(const buckets *B, af_mf *mf, size_t limit)
{
    const af_points *p = B->p;
    int nb = B->nb, per = B->g->edge == AF_EDGE_PERIODIC;
    size_t edges = 0;
    for (size_t k = 0; k < p->count && edges < limit; k++) {
        if (p->label[k])
            continue;
        int bi = B->bucket[k] % nb, bj = B->bucket[k] / nb;
        int seen[9], nseen = 0;
        for (int dj = -1; dj <= 1; dj++)
            for (int di = -1; di <= 1; di++) {
                int ii = bi + di, jj = bj + dj;
                if (per) {
                    ii = (ii + nb) % nb;
                    jj = (jj + nb) % nb;
                } else if (ii < 0 || ii >= nb || jj < 0 || jj >= nb) {
                    continue;
                }
                int b = jj * nb + ii, dup = 0;
                for (int q = 0; q < nseen; q++)
                    dup |= seen[q] == b; /* fewer than 3 buckets wrap onto themselves */
                if (dup)
                    continue;
                seen[nseen++] = b;
                for (size_t q = B->start[b]; q < B->start[b + 1] && edges < limit; q++) {
                    size_t m = B->order[q];
                    if (!p->label[m]
                        || point_dist(B->g, B->norm, p->x[k], p->y[k], p->x[m], p->y[m]) > 2 * B->eps)
                        continue;
                    if (mf && af_mf_arc(mf, (int)k, (int)m, AF_MF_INF, 0, NULL) != AF_OK)
                        return edges;
                    edges++;
                }
            }
    }
    return edges;
}

af_status af_risk_points_bound(const af_grid *g, af_norm norm, double eps, const af_points *p,
                               double *bound, size_t *conflicts, af_error *err)
{
    if (!g || !p || !bound)
        return af_error_set(err, AF_EINVAL, "risk: bound: NULL argument");
    if (!(eps > 0) || !isfinite(eps))
        return af_error_set(err, AF_EINVAL, "risk: bound: epsilon must be finite and > 0, got %g", eps);
    if (!(p->weight[0] > 0 && p->weight[1] > 0 && isfinite(p->weight[0]) && isfinite(p->weight[1])))
        return af_error_set(err, AF_EINVAL, "risk: bound: class weights must be finite and > 0");
    af_status s = points_in_box(g, p, err);
    if (s != AF_OK)
        return s;
    *bound = 0;
    if (conflicts)
        *conflicts = 0;
    size_t np = p->count;
    if (np == 0)
        return AF_OK;
    if (np > (size_t)INT32_MAX / 2)
        return af_error_set(err, AF_EINVAL, "risk: bound: too many points (%zu)", np);

    /* Buckets of side >= 2 eps: a conflict partner of a point lies in its
     * bucket or one of the 8 around it (every norm's 2 eps-ball is inside
     * the l-inf one).  At most 1024 buckets per axis. */
    double L = g->hi - g->lo;
    int nb = (int)fmin(1024.0, floor(L / (2 * eps)));
    if (nb < 1)
        nb = 1;
    double side = L / nb;
    size_t nbk = (size_t)nb * nb;
    size_t *start = calloc(nbk + 1, sizeof *start);
    size_t *order = malloc(np * sizeof *order);
    int32_t *bucket = malloc(np * sizeof *bucket);
    af_mf *mf = NULL;
    af_status st = AF_OK;
    if (!start || !order || !bucket) {
        st = af_error_set(err, AF_ENOMEM, "risk: bound: out of memory for %zu points", np);
        goto done;
    }
    /* counting sort of the points by bucket */
    for (size_t k = 0; k < np; k++) {
        int bi = (int)((p->x[k] - g->lo) / side), bj = (int)((p->y[k] - g->lo) / side);
        bi = bi < 0 ? 0 : bi >= nb ? nb - 1 : bi;
        bj = bj < 0 ? 0 : bj >= nb ? nb - 1 : bj;
        bucket[k] = bj * nb + bi;
        start[bucket[k] + 1]++;
    }
    for (size_t b = 0; b < nbk; b++)
        start[b + 1] += start[b];
    {
        size_t *fill = calloc(nbk, sizeof *fill);
        if (!fill) {
            st = af_error_set(err, AF_ENOMEM, "risk: bound: out of memory");
            goto done;
        }
        for (size_t k = 0; k < np; k++)
            order[start[bucket[k]] + fill[bucket[k]]++] = k;
        free(fill);
    }

    /* The conflicts are counted first, so that a graph too large to build
     * is refused before anything is allocated for it. */
    buckets bk = {g, norm, eps, p, nb, start, order, bucket};
    size_t edges = conflict_pairs(&bk, NULL, AF_RISK_MAX_CONFLICTS + 1);
    if (edges > AF_RISK_MAX_CONFLICTS) {
        st = af_error_set(err, AF_EUNSUP,
                          "risk: the conflict graph of %zu points within 2 eps = %g of each other "
                          "has more than %zu edges: the bound is not computed (use fewer points "
                          "or a smaller eps)",
                          np, 2 * eps, AF_RISK_MAX_CONFLICTS);
        goto done;
    }

    /* Graph: node k = point k; source -> class 0 (capacity its weight),
     * class 1 -> sink, infinite arcs class 0 -> class 1 for each conflict.
     * A minimum cut is a minimum-weight vertex cover.  Weights are scaled to
     * integers with the sum of capacities below 2^59; the scale is a power
     * of two, so weights that are integers or short binary fractions (1 by
     * default) stay exact, and others are rounded by at most 2^-60 np
     * relative to the total. */
    af_error local, *e = err ? err : &local; /* the status, also without err */
    if (!(mf = af_mf_alloc((int)np, edges + 1, e))) {
        st = e->status;
        goto done;
    }
    if ((st = af_mf_begin(mf, 0, err)) != AF_OK || (st = af_mf_set_nodes(mf, (int)np, err)) != AF_OK)
        goto done;
    /* weights relative to the larger (only their ratio matters; no overflow) */
    double wmax = fmax(p->weight[0], p->weight[1]), total = 0;
    double scale = ldexp(1.0, 59) / (double)np;
    scale = ldexp(1.0, (int)floor(log2(scale))); /* a power of two: w * scale is exact */
    for (size_t k = 0; k < np; k++) {
        int y = p->label[k] != 0;
        double w = p->weight[y] / wmax;
        total += w;
        af_cap c = (af_cap)llround(w * scale);
        af_mf_tweight(mf, (int)k, y ? 0 : c, y ? c : 0);
    }
    if (conflict_pairs(&bk, mf, edges) != edges) {
        st = af_error_set(err, AF_ENOMEM, "risk: bound: out of memory for %zu conflicts", edges);
        goto done;
    }
    af_cap flow;
    if ((st = af_mf_solve(mf, &flow, err)) != AF_OK)
        goto done;
    *bound = (double)flow / scale / total;
    if (conflicts)
        *conflicts = edges;
done:
    af_mf_free(mf);
    free(start);
    free(order);
    free(bucket);
    return st;
}
