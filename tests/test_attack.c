/* advflow tests: attack paths (attack.h).  GPL-3.0-or-later.
 *
 * Exact laws on half-planes (straight moves of tau per step, the first flip
 * at the predicted step), the budget and the box on every path, convergence
 * of the paths as tau -> 0 on a disc (the measured ratios are printed), the
 * score field against an independent computation, and the errors. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>

#include "advflow/attack.h"
#include "advflow/dist.h"

/* ---- helpers --------------------------------------------------------- */

static void make_grid(af_grid *g, int n, double lo, double hi, af_edge edge)
{
    af_error err;
    assert_int_equal(af_grid_init(g, 2, n, lo, hi, edge, &err), AF_OK);
}

static uint8_t *mask_alloc(const af_grid *g)
{
    uint8_t *m = calloc(af_grid_cells(g), 1);
    assert_non_null(m);
    return m;
}

static double *path_alloc(int steps)
{
    double *p = malloc(2 * ((size_t)steps + 1) * sizeof *p);
    assert_non_null(p);
    return p;
}

static af_attack *attack_of(const af_grid *g, const uint8_t *m)
{
    af_error err;
    af_attack *a = af_attack_alloc(g, m, &err);
    if (!a)
        fprintf(stderr, "af_attack_alloc: %s\n", err.msg);
    assert_non_null(a);
    return a;
}

/* Disc of centre (cx, cy) and radius r (length units): cell centres inside. */
static void disc_mask(const af_grid *g, double cx, double cy, double r, uint8_t *m)
{
    const int n = g->n;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            double x = af_grid_center(g, i) - cx, y = af_grid_center(g, j) - cy;
            m[i + n * j] = x * x + y * y <= r * r;
        }
}

static double norm_of(af_norm norm, double vx, double vy)
{
    switch (norm) {
    case AF_NORM_INF: return fmax(fabs(vx), fabs(vy));
    case AF_NORM_1: return fabs(vx) + fabs(vy);
    default: return hypot(vx, vy);
    }
}

/* Every point of the path lies in B_eps(x_0) (up to rounding) and, on a
 * clamped grid, in the box. */
static void check_feasible(const af_grid *g, const af_attack_params *prm, const double *path)
{
    const double x0 = path[0], y0 = path[1];
    for (int k = 0; k <= prm->steps; k++) {
        const double x = path[2 * k], y = path[2 * k + 1];
        assert_true(isfinite(x) && isfinite(y));
        assert_true(norm_of(prm->norm, x - x0, y - y0) <= prm->eps * (1 + 1e-12));
        if (g->edge == AF_EDGE_CLAMP) {
            assert_true(x >= g->lo && x <= g->hi);
            assert_true(y >= g->lo && y <= g->hi);
        }
    }
}

static const af_norm all_norms[3] = {AF_NORM_INF, AF_NORM_2, AF_NORM_1};

/* ---- half-planes: exact laws ----------------------------------------- */

/* Mask {x <= 0} (axis 0) or {y <= 0} (axis 1) on [-2, 2]^2, dx = 0.05: the
 * boundary lies on cell edges, where the sub-cell distance is exact and the
 * blur leaves a linear function unchanged.  A start point at distance
 * d = 3.5 tau (tau = 2 cells) moves along the normal by exactly tau per step
 * (l-inf, l2, and l1, the gradient being axis-aligned) until the budget
 * eps = 0.5 stops it, and flips first at step ceil(3.5) = 4. */
static void test_halfplane_axis(void **state)
{
    (void)state;
    af_grid g;
    make_grid(&g, 80, -2, 2, AF_EDGE_CLAMP);
    const int n = g.n;
    const double tau = 2 * g.dx, d = 3.5 * tau, eps = 0.5, other = 0.123;
    for (int axis = 0; axis < 2; axis++) {
        uint8_t *m = mask_alloc(&g);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                m[i + n * j] = (axis ? j : i) < n / 2;
        af_attack *a = attack_of(&g, m);
        free(m);
        for (int label = 0; label <= 1; label++)
            for (int q = 0; q < 3; q++) {
                af_attack_params prm = {all_norms[q], eps, tau, 10};
                const double start = label ? -d : d, dir = label ? 1 : -1;
                double x0 = axis ? other : start, y0 = axis ? start : other;
                double *path = path_alloc(prm.steps);
                int flipped = -2;
                af_error err;
                assert_int_equal(af_attack_path(a, &prm, x0, y0, label, path, &flipped, &err), AF_OK);
                check_feasible(&g, &prm, path);
                for (int k = 0; k <= prm.steps; k++) {
                    double along = path[2 * k + axis], across = path[2 * k + 1 - axis];
                    double want = start + dir * fmin(k * tau, eps);
                    assert_true(fabs(along - want) <= 1e-12);
                    assert_true(across == other);
                }
                assert_int_equal(flipped, (int)ceil(d / tau));
                free(path);
            }
        af_attack_free(a);
    }
}

/* Mask {i + j <= 79} (cells), a staircase along the anti-diagonal.  On
 * lines with (x - lo)/dx - (y - lo)/dx = 1/2 (mod 1) the cell prediction
 * changes exactly at x + y = lo + lo + 80.5 dx (floor(t) + floor(t + 1/2) =
 * floor(2t)), so the distance d from the start to the prediction boundary
 * is known exactly.  l-inf: sign(g) = (1, 1), each step moves tau sqrt 2
 * along the normal, the first flip is at ceil(d / (tau sqrt 2)). */
static void test_halfplane_diagonal(void **state)
{
    (void)state;
    af_grid g;
    make_grid(&g, 80, -2, 2, AF_EDGE_CLAMP);
    const int n = g.n;
    const double dx = g.dx, tau = 2 * dx, eps = 0.6;
    uint8_t *m = mask_alloc(&g);
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
            m[i + n * j] = i + j <= 79;
    af_attack *a = attack_of(&g, m);
    free(m);
    /* start points in cell units (ux - uy = 1/2): sums 67 (inside, label 1)
     * and 95 (outside, label 0); the boundary is at sum 80.5 */
    const double starts[2][2] = {{47.75, 47.25}, {33.75, 33.25}};
    for (int label = 0; label <= 1; label++) {
        const double ux = starts[label][0], uy = starts[label][1];
        const double x0 = g.lo + ux * dx, y0 = g.lo + uy * dx, dir = label ? 1 : -1;
        const double d = fabs(80.5 - ux - uy) * dx / sqrt(2.0);
        for (int q = 0; q < 3; q++) {
            af_attack_params prm = {all_norms[q], eps, tau, 12};
            double *path = path_alloc(prm.steps);
            int flipped;
            af_error err;
            assert_int_equal(af_attack_path(a, &prm, x0, y0, label, path, &flipped, &err), AF_OK);
            check_feasible(&g, &prm, path);
            if (prm.norm == AF_NORM_INF) {
                for (int k = 0; k <= prm.steps; k++) {
                    double s = dir * fmin(k * tau, eps);
                    assert_true(fabs(path[2 * k] - (x0 + s)) <= 1e-12);
                    assert_true(fabs(path[2 * k + 1] - (y0 + s)) <= 1e-12);
                }
                assert_int_equal(flipped, (int)ceil(d / (tau * sqrt(2.0))));
                assert_int_equal(flipped, 4);
            } else {
                /* l2 and l1 move towards the boundary; l2 reaches it (eps
                 * > d), l1 cannot: a unit of l1 budget buys at most 1 of
                 * x + y, and the boundary is 13.5 or 14.5 cells of x + y
                 * away, more than eps = 12 cells */
                assert_int_equal(flipped > 0, prm.norm == AF_NORM_2);
                for (int k = 1; k <= prm.steps; k++) {
                    double prog = dir * ((path[2 * k] + path[2 * k + 1])
                                         - (path[2 * k - 2] + path[2 * k - 1]));
                    assert_true(prog >= -1e-12);
                }
            }
            free(path);
        }
        /* l1 from a point of the diagonal x = y, where the gradient's two
         * components tie: the tie splits evenly, each step moves (tau/2,
         * tau/2), tau / sqrt 2 along the normal.  On x = y the prediction
         * changes at (x - lo)/dx + (y - lo)/dx = 80 (floor(t) + floor(t) <= 79
         * iff t < 40). */
        const double u = label ? 33.25 : 47.25, xd = g.lo + u * dx;
        const double dd = fabs(80 - 2 * u) * dx / sqrt(2.0);
        af_attack_params prm = {AF_NORM_1, 1.0, tau, 12};
        double *path = path_alloc(prm.steps);
        int flipped;
        af_error err;
        assert_int_equal(af_attack_path(a, &prm, xd, xd, label, path, &flipped, &err), AF_OK);
        check_feasible(&g, &prm, path);
        for (int k = 0; k <= prm.steps; k++) {
            double s = dir * fmin(k * tau / 2, prm.eps / 2);
            assert_true(fabs(path[2 * k] - (xd + s)) <= 1e-12);
            assert_true(fabs(path[2 * k + 1] - (xd + s)) <= 1e-12);
        }
        assert_int_equal(flipped, (int)ceil(dd / (tau / sqrt(2.0))));
        assert_int_equal(flipped, label ? 7 : 8);
        free(path);
    }
    af_attack_free(a);
}

/* Periodic grid, mask the strip [-2, -0.4) of [-2, 2): a point at 1.65
 * (outside, label 0) is 0.35 = 3.5 tau from the wrapped boundary at 2 = -2.
 * The path stays unwrapped in the plane (it passes x = 2), moves by tau per
 * step and flips at step 4; only the prediction and the score wrap. */
static void test_periodic_unwrapped(void **state)
{
    (void)state;
    af_grid g;
    make_grid(&g, 80, -2, 2, AF_EDGE_PERIODIC);
    const int n = g.n;
    const double tau = 2 * g.dx, eps = 0.5, x0 = 1.65, y0 = -0.7;
    uint8_t *m = mask_alloc(&g);
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
            m[i + n * j] = i < 32;
    af_attack *a = attack_of(&g, m);
    free(m);
    for (int q = 0; q < 3; q++) {
        af_attack_params prm = {all_norms[q], eps, tau, 8};
        double *path = path_alloc(prm.steps);
        int flipped;
        af_error err;
        assert_int_equal(af_attack_path(a, &prm, x0, y0, 0, path, &flipped, &err), AF_OK);
        check_feasible(&g, &prm, path);
        for (int k = 0; k <= prm.steps; k++) {
            assert_true(fabs(path[2 * k] - (x0 + fmin(k * tau, eps))) <= 1e-12);
            assert_true(path[2 * k + 1] == y0);
        }
        assert_true(path[2 * prm.steps] > g.hi);
        assert_int_equal(flipped, 4);
        free(path);
    }
    /* the wrapped copies agree */
    assert_int_equal(af_attack_predict(a, 2.05, y0), af_attack_predict(a, -1.95, y0));
    assert_true(fabs(af_attack_score(a, 2.07, 0.3) - af_attack_score(a, -1.93, 0.3)) <= 1e-12);
    af_attack_free(a);
}

/* ---- convergence as tau -> 0 ----------------------------------------- */

/* Disc of radius 0.45 centred at (0.3, 0) on [-1, 1]^2, 128 cells.  Paths
 * that bend: l-inf diagonal moves that turn into sliding along an axis
 * (the sign of g_y chatters around y = 0) or along the box edge, l2 paths
 * that slide along the box edge or stop at the score's maximum, an l1 path
 * sliding along a diagonal.  For tau = tau0 / 2^L, steps = steps0 2^L
 * (fixed time T = steps tau), D_L = max over common times t = k tau_L of
 * |path_L(t) - path_{L+1}(t)|_2.  Explicit Euler with a projection: D_L
 * should halve; assert D_{L+1} <= 0.75 D_L. */
typedef struct {
    af_norm norm;
    int label;
    double x0, y0, eps, T;
    int exact; /* the paths sample the limit curve exactly */
} conv_case;

static void test_convergence(void **state)
{
    (void)state;
    af_grid g;
    make_grid(&g, 128, -1, 1, AF_EDGE_CLAMP);
    uint8_t *m = mask_alloc(&g);
    disc_mask(&g, 0.3, 0.0, 0.45, m);
    af_attack *a = attack_of(&g, m);
    free(m);
    const conv_case cases[] = {
        {AF_NORM_INF, 0, -0.5, 0.45, 0.7, 1.0, 0}, /* diagonal, then along y = 0 */
        {AF_NORM_INF, 0, 0.9, 0.3, 0.7, 1.0, 0},   /* diagonal, along y = 0, the maximum */
        {AF_NORM_INF, 1, 0.5, 0.1, 0.7, 1.0, 1},   /* diagonal, then along the box edge */
        {AF_NORM_2, 1, 0.6, 0.15, 0.8, 1.5, 0},    /* straight, then along the box edge */
        {AF_NORM_2, 0, -0.4, 0.5, 1.0, 1.25, 0},   /* straight to the maximum, stays there */
        {AF_NORM_1, 0, -0.5, 0.45, 1.0, 1.25, 0},  /* along x, then the diagonal */
    };
    const int ncases = (int)(sizeof cases / sizeof cases[0]);
    enum { LEVELS = 5 };
    const double tau0 = 2 * g.dx;
    for (int c = 0; c < ncases; c++) {
        const conv_case *cc = &cases[c];
        double *paths[LEVELS];
        int steps[LEVELS];
        for (int L = 0; L < LEVELS; L++) {
            steps[L] = (int)lround(cc->T / tau0) << L;
            af_attack_params prm = {cc->norm, cc->eps, tau0 / (1 << L), steps[L]};
            paths[L] = path_alloc(steps[L]);
            af_error err;
            assert_int_equal(af_attack_path(a, &prm, cc->x0, cc->y0, cc->label, paths[L], NULL, &err),
                             AF_OK);
            check_feasible(&g, &prm, paths[L]);
        }
        double D[LEVELS - 1];
        for (int L = 0; L + 1 < LEVELS; L++) {
            D[L] = 0;
            for (int k = 0; k <= steps[L]; k++)
                D[L] = fmax(D[L], hypot(paths[L][2 * k] - paths[L + 1][4 * k],
                                        paths[L][2 * k + 1] - paths[L + 1][4 * k + 1]));
        }
        printf("convergence l%s label %d from (%g, %g): D/dx =", af_norm_name(cc->norm), cc->label,
               cc->x0, cc->y0);
        for (int L = 0; L + 1 < LEVELS; L++)
            printf(" %.4f", D[L] / g.dx);
        if (cc->exact) {
            /* constant sign(g): the steps are the limit curve sampled */
            printf("; exact\n");
            for (int L = 0; L + 1 < LEVELS; L++)
                assert_true(D[L] <= 1e-12);
        } else {
            printf("; ratios");
            for (int L = 1; L + 1 < LEVELS; L++)
                printf(" %.3f", D[L] / D[L - 1]);
            printf("\n");
            assert_true(D[0] >= g.dx / 4); /* the case does bend */
            for (int L = 1; L + 1 < LEVELS; L++)
                assert_true(D[L] <= 0.75 * D[L - 1]);
        }
        for (int L = 0; L < LEVELS; L++)
            free(paths[L]);
    }
    af_attack_free(a);
}

/* ---- the score field ------------------------------------------------- */

static double *score_reference(const af_grid *g, const uint8_t *m)
{
    af_error err;
    af_dist_work *w = af_dist_work_alloc(g, &err);
    assert_non_null(w);
    double *s = malloc(af_grid_cells(g) * sizeof *s);
    assert_non_null(s);
    af_dist_signed(w, AF_SDIST_SUBCELL, m, s);
    af_dist_blur(w, s, 1.0);
    af_dist_work_free(w);
    return s;
}

/* Against an independent computation: the values at the centres, central
 * (one-sided at the edge) differences there, bilinear interpolation between
 * them; the sign away from the boundary; |grad s| close to 1 away from the
 * boundary, the centre (the score's kink, blurred) and the box edge. */
static void test_score(void **state)
{
    (void)state;
    af_grid g;
    make_grid(&g, 128, -1, 1, AF_EDGE_CLAMP);
    const int n = g.n;
    const double dx = g.dx, cx = 0.3, cy = 0.0, R = 0.45;
    uint8_t *m = mask_alloc(&g);
    disc_mask(&g, cx, cy, R, m);
    af_attack *a = attack_of(&g, m);
    double *s = score_reference(&g, m);
    double worst_grad = 0, worst_dist = 0;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            const double x = af_grid_center(&g, i), y = af_grid_center(&g, j);
            const double v = af_attack_score(a, x, y);
            assert_true(fabs(v - s[i + n * j]) <= 1e-12);
            double gr[2];
            af_attack_gradient(a, x, y, gr);
            const int ip = i + 1 < n ? i + 1 : i, im = i > 0 ? i - 1 : i;
            const int jp = j + 1 < n ? j + 1 : j, jm = j > 0 ? j - 1 : j;
            assert_true(fabs(gr[0] - (s[ip + n * j] - s[im + n * j]) / ((ip - im) * dx)) <= 1e-9);
            assert_true(fabs(gr[1] - (s[i + n * jp] - s[i + n * jm]) / ((jp - jm) * dx)) <= 1e-9);
            const double r = hypot(x - cx, y - cy), sd = r - R; /* exact signed distance */
            if (fabs(sd) >= 2 * dx)
                assert_true((v < 0) == (sd < 0));
            const double edge = fmin(fmin(i, n - 1 - i), fmin(j, n - 1 - j));
            if (fabs(sd) >= 3 * dx && r >= 5 * dx && edge >= 5) {
                worst_grad = fmax(worst_grad, fabs(hypot(gr[0], gr[1]) - 1));
                worst_dist = fmax(worst_dist, fabs(v - sd) / dx);
            }
            assert_int_equal(af_attack_predict(a, x, y), m[i + n * j]);
        }
    printf("score on a disc of radius %g cells: max ||grad s| - 1| = %.4f, max |s - sd| = %.3f "
           "cells (>= 3 cells from the boundary, >= 5 from the centre and the box edge)\n",
           R / dx, worst_grad, worst_dist);
    /* |grad s| dips near the centre, where the distance has its kink (the
     * blurred cone: 0.89 at 3 cells, 0.94 at 5); |s - sd| is the digital
     * disc's own offset from the circle (up to half a cell along its flat
     * runs) that the sub-cell distance carries outwards */
    assert_true(worst_grad <= 0.1);
    assert_true(worst_dist <= 0.5);

    /* bilinear between centres, clamped to the box outside it */
    tu_rng rng;
    tu_seed(&rng, 7);
    for (int t = 0; t < 2000; t++) {
        const double x = g.lo - 0.1 + 2.2 * tu_uniform(&rng), y = g.lo - 0.1 + 2.2 * tu_uniform(&rng);
        double ux = (fmin(fmax(x, g.lo), g.hi) - g.lo) / dx - 0.5;
        double uy = (fmin(fmax(y, g.lo), g.hi) - g.lo) / dx - 0.5;
        ux = fmin(fmax(ux, 0), n - 1);
        uy = fmin(fmax(uy, 0), n - 1);
        int i0 = (int)fmin(floor(ux), n - 2), j0 = (int)fmin(floor(uy), n - 2);
        double tx = ux - i0, ty = uy - j0;
        double want = (1 - tx) * (1 - ty) * s[i0 + n * j0] + tx * (1 - ty) * s[i0 + 1 + n * j0]
                      + (1 - tx) * ty * s[i0 + n * (j0 + 1)] + tx * ty * s[i0 + 1 + n * (j0 + 1)];
        assert_true(fabs(af_attack_score(a, x, y) - want) <= 1e-12);
    }
    assert_true(af_attack_score(a, -1.5, 0.2) == af_attack_score(a, g.lo, 0.2));
    assert_int_equal(af_attack_predict(a, g.hi, 0.0), m[n - 1 + n * (n / 2)]);
    assert_int_equal(af_attack_predict(a, g.lo, g.lo), m[0]);
    free(s);
    free(m);
    af_attack_free(a);
}

/* ---- errors and edge cases ------------------------------------------- */

static void expect_alloc_fails(const af_grid *g, const uint8_t *m, const char *what)
{
    af_error err;
    af_error_clear(&err);
    af_attack *a = af_attack_alloc(g, m, &err);
    assert_null(a);
    assert_int_equal(err.status, AF_EINVAL);
    assert_true(strlen(err.msg) > 0);
    if (what)
        assert_non_null(strstr(err.msg, what));
}

static void test_errors(void **state)
{
    (void)state;
    af_grid g;
    make_grid(&g, 32, 0, 1, AF_EDGE_CLAMP);
    const int n = g.n;
    uint8_t *m = mask_alloc(&g);
    expect_alloc_fails(&g, m, "empty");
    memset(m, 1, af_grid_cells(&g));
    expect_alloc_fails(&g, m, "full");
    memset(m, 0, af_grid_cells(&g));
    m[5 + n * 7] = 1; /* a lone cell: the sub-cell distance does not see it */
    expect_alloc_fails(&g, m, "thick");
    memset(m, 1, af_grid_cells(&g));
    m[5 + n * 7] = 0; /* a lone hole */
    expect_alloc_fails(&g, m, "thick");
    expect_alloc_fails(&g, NULL, "NULL");
    expect_alloc_fails(NULL, m, NULL);
    af_attack_free(NULL);

    disc_mask(&g, 0.5, 0.5, 0.25, m);
    af_attack *a = attack_of(&g, m);
    double path[2 * 11];
    const af_attack_params good = {AF_NORM_INF, 0.1, 0.02, 10};
    af_error err;
    assert_int_equal(af_attack_path(a, &good, 0.1, 0.1, 0, path, NULL, &err), AF_OK);
    const double bad_pos[] = {-1e-9, 1 + 1e-9, NAN, INFINITY};
    for (int t = 0; t < 4; t++) {
        assert_int_equal(af_attack_path(a, &good, bad_pos[t], 0.5, 0, path, NULL, &err), AF_EINVAL);
        assert_non_null(strstr(err.msg, "box"));
        assert_int_equal(af_attack_path(a, &good, 0.5, bad_pos[t], 0, path, NULL, &err), AF_EINVAL);
    }
    const double bad_len[] = {0, -0.1, NAN, INFINITY};
    for (int t = 0; t < 4; t++) {
        af_attack_params p = good;
        p.eps = bad_len[t];
        assert_int_equal(af_attack_path(a, &p, 0.5, 0.5, 1, path, NULL, &err), AF_EINVAL);
        assert_non_null(strstr(err.msg, "eps"));
        p = good;
        p.tau = bad_len[t];
        assert_int_equal(af_attack_path(a, &p, 0.5, 0.5, 1, path, NULL, &err), AF_EINVAL);
        assert_non_null(strstr(err.msg, "tau"));
    }
    af_attack_params p = good;
    p.steps = -1;
    assert_int_equal(af_attack_path(a, &p, 0.5, 0.5, 1, path, NULL, &err), AF_EINVAL);
    p.steps = 1000001;
    assert_int_equal(af_attack_path(a, &p, 0.5, 0.5, 1, path, NULL, &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "steps"));
    p = good;
    p.norm = (af_norm)7;
    assert_int_equal(af_attack_path(a, &p, 0.5, 0.5, 1, path, NULL, &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "norm"));
    assert_int_equal(af_attack_path(a, &good, 0.5, 0.5, 2, path, NULL, &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "label"));
    assert_int_equal(af_attack_path(a, &good, 0.5, 0.5, -1, path, NULL, &err), AF_EINVAL);
    assert_int_equal(af_attack_path(a, NULL, 0.5, 0.5, 1, path, NULL, &err), AF_EINVAL);
    assert_int_equal(af_attack_path(a, &good, 0.5, 0.5, 1, NULL, NULL, &err), AF_EINVAL);
    assert_int_equal(af_attack_path(NULL, &good, 0.5, 0.5, 1, path, NULL, &err), AF_EINVAL);

    /* steps = 0: just the start; flipped is 0 when it starts misclassified */
    p = good;
    p.steps = 0;
    int flipped = -2;
    assert_int_equal(af_attack_path(a, &p, 0.5, 0.5, 1, path, &flipped, &err), AF_OK);
    assert_true(path[0] == 0.5 && path[1] == 0.5);
    assert_int_equal(flipped, -1);
    assert_int_equal(af_attack_path(a, &p, 0.5, 0.5, 0, path, &flipped, &err), AF_OK);
    assert_int_equal(flipped, 0);
    /* the box corners are valid starts, and paths stay in the box */
    p = good;
    p.eps = 0.3;
    for (int q = 0; q < 3; q++) {
        p.norm = all_norms[q];
        assert_int_equal(af_attack_path(a, &p, 1.0, 0.0, 1, path, &flipped, &err), AF_OK);
        check_feasible(&g, &p, path);
    }
    af_attack_free(a);
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_halfplane_axis),
        cmocka_unit_test(test_halfplane_diagonal),
        cmocka_unit_test(test_periodic_unwrapped),
        cmocka_unit_test(test_convergence),
        cmocka_unit_test(test_score),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
