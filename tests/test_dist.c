/* advflow tests: distance transforms and signed distances (dist.h).
 * GPL-3.0-or-later.
 *
 * References are brute force: the EDT is the minimum over every inside cell,
 * the smoothing a direct 2D sum, the sub-cell distance the minimum over
 * every crossing point (found independently from the smoothed field).
 * Geometric tests compare with exact distances to lines and circles and
 * print the accuracy they measure. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <time.h>

#include "advflow/contour.h"
#include "advflow/dist.h"

#define PI 3.14159265358979323846

/* ---- helpers --------------------------------------------------------- */

static void make_grid(af_grid *g, int n, double lo, double hi, af_edge edge)
{
    af_error err;
    assert_int_equal(af_grid_init(g, 2, n, lo, hi, edge, &err), AF_OK);
}

static af_dist_work *make_work(const af_grid *g)
{
    af_error err;
    af_dist_work *w = af_dist_work_alloc(g, &err);
    assert_non_null(w);
    return w;
}

/* 1D separation of two coordinates in cells, on the torus if per. */
static double sep(double a, double b, int n, int per)
{
    double d = fabs(a - b);
    if (per) {
        d = fmod(d, (double)n);
        d = fmin(d, n - d);
    }
    return d;
}

static void brute_edt(int n, int per, const uint8_t *m, double *d2)
{
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            double best = HUGE_VAL;
            for (int jj = 0; jj < n; jj++)
                for (int ii = 0; ii < n; ii++)
                    if (m[ii + n * jj]) {
                        double a = sep(i, ii, n, per), b = sep(j, jj, n, per);
                        if (a * a + b * b < best)
                            best = a * a + b * b;
                    }
            d2[i + n * j] = best;
        }
}

static int wrap_or_clamp(int i, int n, int per)
{
    if (per)
        return ((i % n) + n) % n;
    return i < 0 ? 0 : (i >= n ? n - 1 : i);
}

static void brute_smooth(int n, int per, const uint8_t *m, double *u)
{
    double k[9], s = 0;
    for (int t = -4; t <= 4; t++)
        s += k[t + 4] = exp(-0.5 * t * t);
    for (int t = 0; t < 9; t++)
        k[t] /= s;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            double acc = 0;
            for (int b = -4; b <= 4; b++)
                for (int a = -4; a <= 4; a++)
                    acc += k[a + 4] * k[b + 4]
                           * (m[wrap_or_clamp(i + a, n, per) + n * wrap_or_clamp(j + b, n, per)]
                              != 0);
            u[i + n * j] = acc;
        }
}

/* Crossing points of u = 1/2 on grid edges, in cell coordinates (cell (i, j)
 * at (i, j)); returns their number.  Written independently of dist.c. */
static int crossings(int n, int per, const double *u, double *cx, double *cy)
{
    int nc = 0;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
            for (int dir = 0; dir < 2; dir++) {
                int i2 = i + (dir == 0), j2 = j + (dir == 1);
                if (!per && (i2 >= n || j2 >= n))
                    continue;
                if (n == 1)
                    continue;
                double up = u[i + n * j], uq = u[(i2 % n) + n * (j2 % n)];
                if ((up > 0.5) == (uq > 0.5))
                    continue;
                double t = (up - 0.5) / (up - uq); /* from (i, j) to (i2, j2) */
                cx[nc] = i + t * (i2 - i);
                cy[nc] = j + t * (j2 - j);
                nc++;
            }
    return nc;
}

/* Ellipse with centre (cx, cy), semi-axes (ra, rb), rotation th, all in
 * length units; value 1 inside. */
static void ellipse_mask(const af_grid *g, double cx, double cy, double ra, double rb, double th,
                         uint8_t *m)
{
    const int n = g->n;
    const double c = cos(th), s = sin(th);
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            double x = af_grid_center(g, i) - cx, y = af_grid_center(g, j) - cy;
            double p = (c * x + s * y) / ra, q = (-s * x + c * y) / rb;
            m[i + n * j] = p * p + q * q < 1.0;
        }
}

static double *dalloc(size_t k)
{
    double *p = malloc(k * sizeof *p);
    assert_non_null(p);
    return p;
}

static uint8_t *malloc_mask(size_t k)
{
    uint8_t *p = malloc(k);
    assert_non_null(p);
    return p;
}

/* ---- workspace and names --------------------------------------------- */

static void test_alloc_and_names(void **state)
{
    (void)state;
    af_error err;
    af_error_clear(&err);
    assert_null(af_dist_work_alloc(NULL, &err));
    assert_int_equal(err.status, AF_EINVAL);
    af_grid g;
    make_grid(&g, 8, 0, 1, AF_EDGE_CLAMP);
    g.dim = 3;
    assert_null(af_dist_work_alloc(&g, &err));
    assert_int_equal(err.status, AF_EUNSUP);
    g.dim = 2;
    g.n = 0;
    assert_null(af_dist_work_alloc(&g, NULL));
    af_dist_work_free(NULL);
    assert_string_equal(af_sdist_name(AF_SDIST_SUBCELL), "subcell");
    assert_string_equal(af_sdist_name(AF_SDIST_SIMPLE), "simple");
}

/* ---- exact EDT --------------------------------------------------------- */

static void test_edt_brute(void **state)
{
    (void)state;
    static const int sizes[] = {1, 2, 3, 7, 16, 33, 50};
    static const double dens[] = {0.002, 0.02, 0.2, 0.6, 0.95};
    tu_rng r;
    tu_seed(&r, 11);
    for (int e = 0; e < 2; e++)
        for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++) {
            const int n = sizes[si];
            const size_t nn = (size_t)n * n;
            af_grid g;
            make_grid(&g, n, -1, 1, (af_edge)e);
            af_dist_work *w = make_work(&g);
            uint8_t *m = malloc_mask(nn);
            double *d = dalloc(nn), *ref = dalloc(nn);
            for (size_t di = 0; di < sizeof dens / sizeof *dens; di++)
                for (int rep = 0; rep < 2; rep++) {
                    tu_random_mask(&r, m, nn, dens[di]);
                    af_dist_edt(w, m, d);
                    brute_edt(n, e, m, ref);
                    for (size_t c = 0; c < nn; c++)
                        if (d[c] != ref[c])
                            fail_msg("edt %s n=%d p=%g cell %zu: %g, brute %g",
                                     af_edge_name((af_edge)e), n, dens[di], c, d[c], ref[c]);
                }
            free(m);
            free(d);
            free(ref);
            af_dist_work_free(w);
        }
}

static void test_edt_special(void **state)
{
    (void)state;
    for (int e = 0; e < 2; e++)
        for (int n = 1; n <= 9; n += 4) {
            const size_t nn = (size_t)n * n;
            af_grid g;
            make_grid(&g, n, 0, 1, (af_edge)e);
            af_dist_work *w = make_work(&g);
            uint8_t *m = calloc(nn, 1);
            double *d = dalloc(nn);
            assert_non_null(m);
            af_dist_edt(w, m, d); /* empty */
            for (size_t c = 0; c < nn; c++)
                assert_true(d[c] == HUGE_VAL);
            memset(m, 1, nn); /* full */
            af_dist_edt(w, m, d);
            for (size_t c = 0; c < nn; c++)
                assert_true(d[c] == 0.0);
            memset(m, 0, nn); /* one cell near a corner */
            const int i0 = n > 1 ? 1 : 0, j0 = 0;
            m[i0 + n * j0] = 1;
            af_dist_edt(w, m, d);
            for (int j = 0; j < n; j++)
                for (int i = 0; i < n; i++) {
                    double a = sep(i, i0, n, e), b = sep(j, j0, n, e);
                    assert_true(d[i + n * j] == a * a + b * b);
                }
            free(m);
            free(d);
            af_dist_work_free(w);
        }
}

/* ---- smoothing --------------------------------------------------------- */

static void test_smooth(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 5);
    for (int e = 0; e < 2; e++)
        for (int n = 1; n <= 25; n += 6) {
            const size_t nn = (size_t)n * n;
            af_grid g;
            make_grid(&g, n, 0, 1, (af_edge)e);
            af_dist_work *w = make_work(&g);
            uint8_t *m = malloc_mask(nn);
            double *u = dalloc(nn), *ref = dalloc(nn);
            tu_random_mask(&r, m, nn, 0.4);
            af_dist_smooth(w, m, u);
            brute_smooth(n, e, m, ref);
            double mass = 0, umass = 0;
            for (size_t c = 0; c < nn; c++) {
                assert_true(u[c] >= 0.0 && u[c] <= 1.0);
                assert_true(fabs(u[c] - ref[c]) < 1e-13); /* weights rounded to 2^-48 */
                mass += m[c];
                umass += u[c];
            }
            if (e == AF_EDGE_PERIODIC) /* a torus convolution keeps the mass */
                assert_true(fabs(mass - umass) < 1e-11);
            memset(m, 1, nn);
            af_dist_smooth(w, m, u);
            for (size_t c = 0; c < nn; c++)
                assert_true(u[c] == 1.0); /* replicated edge: a full mask stays 1 */
            memset(m, 0, nn);
            af_dist_smooth(w, m, u);
            for (size_t c = 0; c < nn; c++)
                assert_true(u[c] == 0.0);
            free(m);
            free(u);
            free(ref);
            af_dist_work_free(w);
        }

    /* Clamped half-plane: every row alike and u(i) + u(n-1-i) = 1. */
    const int n = 20;
    af_grid g;
    make_grid(&g, n, 0, 1, AF_EDGE_CLAMP);
    af_dist_work *w = make_work(&g);
    uint8_t m[400];
    double u[400];
    for (int c = 0; c < n * n; c++)
        m[c] = c % n < n / 2;
    af_dist_smooth(w, m, u);
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            assert_true(u[i + n * j] == u[i]);
            assert_true(fabs(u[i] + u[n - 1 - i] - 1.0) < 1e-15);
        }
    /* One cell: the kernel, exp(-1/2) ratio to the first neighbour. */
    memset(m, 0, sizeof m);
    m[10 + n * 10] = 1;
    af_dist_smooth(w, m, u);
    assert_true(fabs(u[11 + n * 10] / u[10 + n * 10] - exp(-0.5)) < 1e-14);
    assert_true(fabs(u[11 + n * 11] / u[10 + n * 10] - exp(-1.0)) < 1e-14);
    af_dist_work_free(w);
}

/* ---- sub-cell form against brute force --------------------------------- */

static void check_subcell_brute(af_dist_work *w, const af_grid *g, const uint8_t *m, double *s,
                                double *u, double *cx, double *cy)
{
    const int n = g->n, per = g->edge == AF_EDGE_PERIODIC;
    af_dist_signed(w, AF_SDIST_SUBCELL, m, s);
    af_dist_smooth(w, m, u);
    const int nc = crossings(n, per, u, cx, cy);
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            double best = HUGE_VAL;
            for (int c = 0; c < nc; c++) {
                double a = sep(i, cx[c], n, per), b = sep(j, cy[c], n, per);
                if (a * a + b * b < best)
                    best = a * a + b * b;
            }
            const double ref = (u[i + n * j] > 0.5 ? -1 : 1) * sqrt(best) * g->dx;
            const double got = s[i + n * j];
            if (isinf(ref)) {
                if (got != ref)
                    fail_msg("subcell n=%d (%d,%d): %g, brute %g", n, i, j, got, ref);
            } else if (!(fabs(got - ref) <= 1e-10 * g->dx)) {
                fail_msg("subcell %s n=%d (%d,%d): %.17g, brute %.17g", af_edge_name(g->edge), n, i,
                         j, got, ref);
            }
        }
}

static void test_subcell_brute(void **state)
{
    (void)state;
    static const int sizes[] = {1, 2, 5, 7, 16, 33, 50};
    tu_rng r;
    tu_seed(&r, 3);
    for (int e = 0; e < 2; e++)
        for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++) {
            const int n = sizes[si];
            const size_t nn = (size_t)n * n;
            af_grid g;
            make_grid(&g, n, -1, 1, (af_edge)e);
            af_dist_work *w = make_work(&g);
            uint8_t *m = malloc_mask(nn);
            double *s = dalloc(nn), *u = dalloc(nn), *cx = dalloc(2 * nn + 1),
                   *cy = dalloc(2 * nn + 1);
            static const double dens[] = {0.0, 0.05, 0.3, 0.5, 0.8, 1.0};
            for (size_t di = 0; di < sizeof dens / sizeof *dens; di++) {
                tu_random_mask(&r, m, nn, dens[di]);
                check_subcell_brute(w, &g, m, s, u, cx, cy);
            }
            for (int rep = 0; rep < 4; rep++) {
                ellipse_mask(&g, 2 * tu_uniform(&r) - 1, 2 * tu_uniform(&r) - 1,
                             0.1 + tu_uniform(&r), 0.1 + 0.6 * tu_uniform(&r), PI * tu_uniform(&r),
                             m);
                check_subcell_brute(w, &g, m, s, u, cx, cy);
            }
            free(m);
            free(s);
            free(u);
            free(cx);
            free(cy);
            af_dist_work_free(w);
        }
}

/* ---- empty, full, signs --------------------------------------------------- */

static void test_empty_full_signs(void **state)
{
    (void)state;
    for (int e = 0; e < 2; e++)
        for (int kind = 0; kind < 2; kind++) {
            const int n = 24;
            const size_t nn = (size_t)n * n;
            af_grid g;
            make_grid(&g, n, -1, 1, (af_edge)e);
            af_dist_work *w = make_work(&g);
            uint8_t *m = calloc(nn, 1);
            double *s = dalloc(nn);
            assert_non_null(m);
            af_dist_signed(w, (af_sdist_kind)kind, m, s);
            for (size_t c = 0; c < nn; c++)
                assert_true(s[c] == HUGE_VAL);
            memset(m, 1, nn);
            af_dist_signed(w, (af_sdist_kind)kind, m, s);
            for (size_t c = 0; c < nn; c++)
                assert_true(s[c] == -HUGE_VAL);
            /* A disc: negative inside, positive outside. */
            ellipse_mask(&g, 0.05, -0.1, 0.5, 0.5, 0, m);
            af_dist_signed(w, (af_sdist_kind)kind, m, s);
            const int ic = n / 2, jc = n / 2 - 2;
            assert_true(s[ic + n * jc] < 0);
            assert_true(s[0] > 0 && s[nn - 1] > 0);
            for (size_t c = 0; c < nn; c++) {
                assert_true(isfinite(s[c]));
                if (kind == AF_SDIST_SIMPLE)
                    assert_true(m[c] ? s[c] <= -0.5 * g.dx : s[c] >= 0.5 * g.dx);
                else
                    assert_true(m[c] ? s[c] < 0.5 * g.dx : s[c] > -0.5 * g.dx);
            }
            free(m);
            free(s);
            af_dist_work_free(w);
        }
}

/* Features thinner than about two cells do not survive the smoothing: a
 * single cell, or a line one cell wide, never lifts u above 1/2, so the
 * sub-cell form sees no boundary at all (+HUGE_VAL everywhere), while the
 * simple form sees them.  The same holds for a one-cell hole (-HUGE_VAL). */
static void test_thin_features(void **state)
{
    (void)state;
    for (int e = 0; e < 2; e++) {
        const int n = 20;
        const size_t nn = (size_t)n * n;
        af_grid g;
        make_grid(&g, n, 0, 1, (af_edge)e);
        af_dist_work *w = make_work(&g);
        uint8_t *m = calloc(nn, 1);
        double *s = dalloc(nn);
        assert_non_null(m);
        m[7 + n * 9] = 1;
        af_dist_signed(w, AF_SDIST_SUBCELL, m, s);
        for (size_t c = 0; c < nn; c++)
            assert_true(s[c] == HUGE_VAL);
        af_dist_signed(w, AF_SDIST_SIMPLE, m, s);
        assert_true(s[7 + n * 9] == -0.5 * g.dx);
        assert_true(s[8 + n * 9] == 0.5 * g.dx);
        for (int j = 0; j < n; j++) /* a full-width line one cell thick */
            m[5 + n * j] = 1;
        af_dist_signed(w, AF_SDIST_SUBCELL, m, s);
        for (size_t c = 0; c < nn; c++)
            assert_true(s[c] == HUGE_VAL);
        for (int j = 0; j < n; j++) /* two cells thick: seen */
            m[6 + n * j] = 1;
        af_dist_signed(w, AF_SDIST_SUBCELL, m, s);
        assert_true(s[5 + n * 3] < 0 && s[0 + n * 3] > 0 && isfinite(s[0]));
        memset(m, 1, nn); /* a one-cell hole */
        m[3 + n * 4] = 0;
        af_dist_signed(w, AF_SDIST_SUBCELL, m, s);
        for (size_t c = 0; c < nn; c++)
            assert_true(s[c] == -HUGE_VAL);
        free(m);
        free(s);
        af_dist_work_free(w);
    }
}

/* ---- half-planes ------------------------------------------------------------ */

/* Axis-parallel half-planes {x < c} (and {x > c}, {y < c}), c on a cell edge:
 * the simple form is exact, and so is the sub-cell form (the smoothed field
 * is antisymmetric about the edge, so the crossings sit on it). */
static void test_axis_halfplane(void **state)
{
    (void)state;
    const int n = 32;
    const size_t nn = (size_t)n * n;
    af_grid g;
    make_grid(&g, n, -1, 1, AF_EDGE_CLAMP);
    af_dist_work *w = make_work(&g);
    uint8_t *m = malloc_mask(nn);
    double *s = dalloc(nn);
    double worst[2] = {0, 0};
    for (int kind = 0; kind < 2; kind++)
        for (int cut = 1; cut < n; cut += 5)
            for (int orient = 0; orient < 4; orient++) {
                const double line = g.lo + cut * g.dx;
                for (int j = 0; j < n; j++)
                    for (int i = 0; i < n; i++) {
                        const int k = orient < 2 ? i : j;
                        m[i + n * j] = (orient % 2 == 0) ? k < cut : k >= cut;
                    }
                af_dist_signed(w, (af_sdist_kind)kind, m, s);
                for (int j = 0; j < n; j++)
                    for (int i = 0; i < n; i++) {
                        const double x = af_grid_center(&g, orient < 2 ? i : j);
                        const double exact = (orient % 2 == 0) ? x - line : line - x;
                        const double err = fabs(s[i + n * j] - exact) / g.dx;
                        worst[kind] = fmax(worst[kind], err);
                    }
            }
    print_message("axis half-plane: max |s - exact| = %.2e cells (subcell), %.2e (simple)\n",
                  worst[0], worst[1]);
    assert_true(worst[AF_SDIST_SIMPLE] < 1e-12);
    assert_true(worst[AF_SDIST_SUBCELL] < 1e-9);

    /* On a torus a stripe has two boundaries; distances are to the nearer one. */
    af_dist_work_free(w);
    make_grid(&g, n, -1, 1, AF_EDGE_PERIODIC);
    w = make_work(&g);
    for (int kind = 0; kind < 2; kind++) {
        const int c0 = 5, c1 = 19; /* inside: c0 <= i < c1 */
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                m[i + n * j] = i >= c0 && i < c1;
        af_dist_signed(w, (af_sdist_kind)kind, m, s);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) {
                const double x = i + 0.5;
                double d = fmin(sep(x, c0, n, 1), sep(x, c1, n, 1));
                const double exact = (m[i + n * j] ? -d : d) * g.dx;
                assert_true(fabs(s[i + n * j] - exact) < 1e-9 * g.dx);
            }
    }
    free(m);
    free(s);
    af_dist_work_free(w);
}

/* Sloped half-plane x . nu <= c, nu at angle th, grid n = 64 on [-1, 1]:
 * error of the signed distance against the line, in cells, over the central
 * 32 x 32 cells within 10 cells of the line; max and sum of squares.
 *
 * What limits the accuracy: the mask only records which cell centres lie
 * on which side, so near-axis lines (long runs of one step) and the 45
 * degree line (many offsets c give the same mask) are known only to within
 * up to 0.5 and 0.35 cells; and a Gaussian of one cell does not smooth the
 * staircase completely (at 30 degrees the crossing points themselves lie up
 * to 0.21 cells off the line).  The distance to the crossing points adds
 * little to that: the distance to the polyline through them was measured
 * 0.205 max / 0.090 rms at 30 degrees against 0.237 / 0.094 here. */
static void sloped_error(af_dist_work *w, const af_grid *g, double th, double c0,
                         af_sdist_kind kind, uint8_t *m, double *s, double *emax, double *esum2,
                         long *cnt)
{
    const int n = g->n;
    const double nx = cos(th), ny = sin(th);
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
            m[i + n * j] = af_grid_center(g, i) * nx + af_grid_center(g, j) * ny <= c0;
    af_dist_signed(w, kind, m, s);
    for (int j = n / 4; j < 3 * n / 4; j++)
        for (int i = n / 4; i < 3 * n / 4; i++) {
            const double exact = af_grid_center(g, i) * nx + af_grid_center(g, j) * ny - c0;
            if (fabs(exact) > 10 * g->dx)
                continue;
            const double err = fabs(s[i + n * j] - exact) / g->dx;
            *emax = fmax(*emax, err);
            *esum2 += err * err;
            (*cnt)++;
        }
}

static void test_sloped_halfplane(void **state)
{
    (void)state;
    const int n = 64;
    const size_t nn = (size_t)n * n;
    af_grid g;
    make_grid(&g, n, -1, 1, AF_EDGE_CLAMP);
    af_dist_work *w = make_work(&g);
    uint8_t *m = malloc_mask(nn);
    double *s = dalloc(nn);
    /* Normal at 30 degrees, 16 offsets of the line across one cell. */
    double e30[2] = {0, 0}, s30[2] = {0, 0};
    long c30[2] = {0, 0};
    for (int k = 0; k < 16; k++)
        for (int kind = 0; kind < 2; kind++)
            sloped_error(w, &g, PI / 6, (k / 16.0 - 0.5) * g.dx + 0.01, (af_sdist_kind)kind, m, s,
                         &e30[kind], &s30[kind], &c30[kind]);
    /* Every angle 0..89 degrees, 4 offsets each. */
    double eall[2] = {0, 0}, sall[2] = {0, 0};
    long call[2] = {0, 0};
    for (int a = 0; a < 90; a++)
        for (int k = 0; k < 4; k++)
            for (int kind = 0; kind < 2; kind++)
                sloped_error(w, &g, a * PI / 180, (k / 4.0 - 0.5) * g.dx + 0.003,
                             (af_sdist_kind)kind, m, s, &eall[kind], &sall[kind], &call[kind]);
    const double r30 = sqrt(s30[0] / c30[0]), r30s = sqrt(s30[1] / c30[1]);
    const double rall = sqrt(sall[0] / call[0]), ralls = sqrt(sall[1] / call[1]);
    print_message("half-plane at 30 deg, within 10 cells: subcell max %.3f rms %.3f cells;"
                  " simple max %.3f rms %.3f\n",
                  e30[0], r30, e30[1], r30s);
    print_message(
        "half-planes at 0..89 deg: subcell max %.3f rms %.3f cells; simple max %.3f rms %.3f\n",
        eall[0], rall, eall[1], ralls);
    /* Measured 0.237 / 0.094 at 30 degrees, 0.462 / 0.140 over all angles. */
    assert_true(e30[0] < 0.3);
    assert_true(r30 < 0.12);
    assert_true(eall[0] < 0.5);
    assert_true(rall < 0.16);
    assert_true(r30 < 0.5 * r30s); /* the sub-cell form is much closer than the simple one */
    assert_true(rall < ralls);
    free(m);
    free(s);
    af_dist_work_free(w);
}

/* ---- disc ----------------------------------------------------------------- */

/* Disc of radius R = 20 cells, n = 64 on [-1, 1]: error against |x| - R
 * within 3 cells of the circle.  First centred on a grid vertex (where the
 * mask meets the circle at the four axis points), then at offsets, where
 * the mask cannot place the flat top and sides to better than half a cell
 * (max errors there are digitisation, not method).  The sub-cell form has
 * no systematic bias; the simple form is too close on both sides. */
static void disc_error(af_dist_work *w, const af_grid *g, double cx, double cy, uint8_t *m,
                       double *s, double emax[2], double esum2[2], double bias[2], long cnt[2])
{
    const int n = g->n;
    const double R = 20 * g->dx;
    ellipse_mask(g, cx, cy, R, R, 0, m);
    for (int kind = 0; kind < 2; kind++) {
        af_dist_signed(w, (af_sdist_kind)kind, m, s);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) {
                const double x = af_grid_center(g, i) - cx, y = af_grid_center(g, j) - cy;
                const double exact = sqrt(x * x + y * y) - R;
                if (fabs(exact) > 3 * g->dx)
                    continue;
                const double err = (s[i + n * j] - exact) / g->dx;
                emax[kind] = fmax(emax[kind], fabs(err));
                esum2[kind] += err * err;
                bias[kind] += exact >= 0 ? err : -err; /* > 0: |s| too large */
                cnt[kind]++;
            }
    }
}

static void test_disc(void **state)
{
    (void)state;
    const int n = 64;
    const size_t nn = (size_t)n * n;
    af_grid g;
    make_grid(&g, n, -1, 1, AF_EDGE_CLAMP);
    af_dist_work *w = make_work(&g);
    uint8_t *m = malloc_mask(nn);
    double *s = dalloc(nn);
    double e0[2] = {0, 0}, q0[2] = {0, 0}, b0[2] = {0, 0};
    long c0[2] = {0, 0};
    disc_error(w, &g, 0, 0, m, s, e0, q0, b0, c0);
    double e1[2] = {0, 0}, q1[2] = {0, 0}, b1[2] = {0, 0};
    long c1[2] = {0, 0};
    tu_rng r;
    tu_seed(&r, 29);
    for (int rep = 0; rep < 16; rep++)
        disc_error(w, &g, tu_uniform(&r) * g.dx, tu_uniform(&r) * g.dx, m, s, e1, q1, b1, c1);
    print_message("disc R = 20 cells, centred on a vertex: subcell max %.3f rms %.3f bias %+.3f;"
                  " simple max %.3f rms %.3f bias %+.3f cells\n",
                  e0[0], sqrt(q0[0] / c0[0]), b0[0] / c0[0], e0[1], sqrt(q0[1] / c0[1]),
                  b0[1] / c0[1]);
    print_message("disc R = 20 cells, random centres: subcell max %.3f rms %.3f bias %+.3f;"
                  " simple max %.3f rms %.3f bias %+.3f cells\n",
                  e1[0], sqrt(q1[0] / c1[0]), b1[0] / c1[0], e1[1], sqrt(q1[1] / c1[1]),
                  b1[1] / c1[1]);
    /* Measured: vertex-centred 0.284 / 0.114 / +0.019, random 0.50 / 0.16 / +0.025
     * (simple: 0.49 / 0.24 / -0.084 and 0.50 / 0.25 / -0.074). */
    assert_true(e0[0] < 0.3);
    assert_true(sqrt(q0[0] / c0[0]) < 0.13);
    assert_true(sqrt(q1[0] / c1[0]) < 0.2);
    assert_true(e1[0] <= 0.5 + 1e-9);
    assert_true(fabs(b0[0] / c0[0]) < 0.04 && fabs(b1[0] / c1[0]) < 0.04);
    assert_true(sqrt(q1[0] / c1[0]) < 0.8 * sqrt(q1[1] / c1[1]));
    assert_true(b0[1] / c0[1] < -0.05 && b1[1] / c1[1] < -0.05); /* the simple form's known bias */
    free(m);
    free(s);
    af_dist_work_free(w);
}

/* ---- monotonicity in the mask ------------------------------------------------- */

static void test_nesting(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 17);
    double worst[2] = {0, 0};
    for (int e = 0; e < 2; e++)
        for (int n = 16; n <= 176; n += 80) { /* 16, 96, 176 */
            const size_t nn = (size_t)n * n;
            af_grid g;
            make_grid(&g, n, -1, 1, (af_edge)e);
            af_dist_work *w = make_work(&g);
            uint8_t *a = malloc_mask(nn), *b = malloc_mask(nn), *tmp = malloc_mask(nn);
            double *sa = dalloc(nn), *sb = dalloc(nn);
            for (int rep = 0; rep < 60; rep++) {
                /* A = union of up to three ellipses, A' = A grown (each ellipse
                 * scaled up), or A plus another ellipse, or plus random cells. */
                memset(a, 0, nn);
                memset(b, 0, nn);
                const int ne = 1 + rep % 3;
                for (int k = 0; k < ne; k++) {
                    double cx = 1.6 * tu_uniform(&r) - 0.8, cy = 1.6 * tu_uniform(&r) - 0.8;
                    double ra = 0.05 + 0.5 * tu_uniform(&r), rb = 0.05 + 0.5 * tu_uniform(&r);
                    double th = PI * tu_uniform(&r), grow = 1 + 0.3 * tu_uniform(&r);
                    ellipse_mask(&g, cx, cy, ra, rb, th, tmp);
                    for (size_t c = 0; c < nn; c++)
                        a[c] |= tmp[c];
                    ellipse_mask(&g, cx, cy, ra * grow, rb * grow, th, tmp);
                    for (size_t c = 0; c < nn; c++)
                        b[c] |= tmp[c];
                }
                if (rep % 4 == 1) {
                    ellipse_mask(&g, 2 * tu_uniform(&r) - 1, 2 * tu_uniform(&r) - 1, 0.2, 0.1, 1.0,
                                 tmp);
                    for (size_t c = 0; c < nn; c++)
                        b[c] = a[c] | tmp[c];
                } else if (rep % 4 == 2) {
                    tu_random_mask(&r, tmp, nn, 0.05);
                    for (size_t c = 0; c < nn; c++)
                        b[c] = a[c] | tmp[c];
                } else if (rep % 4 == 3) {
                    for (size_t c = 0; c < nn; c++)
                        b[c] = a[c];
                    b[tu_next(&r) % nn] = 1; /* one cell more */
                }
                for (int kind = 0; kind < 2; kind++) {
                    af_dist_signed(w, (af_sdist_kind)kind, a, sa);
                    af_dist_signed(w, (af_sdist_kind)kind, b, sb);
                    for (size_t c = 0; c < nn; c++) {
                        if (sa[c] == sb[c])
                            continue;
                        const double v = (sb[c] - sa[c]) / g.dx; /* > 0 violates */
                        if (v > worst[kind])
                            worst[kind] = v;
                        if (v > 1e-12)
                            fail_msg(
                                "nesting %s %s n=%d rep %d cell (%zu,%zu): s_A=%.17g s_A'=%.17g",
                                af_sdist_name((af_sdist_kind)kind), af_edge_name((af_edge)e), n,
                                rep, c % n, c / n, sa[c], sb[c]);
                    }
                }
            }
            free(a);
            free(b);
            free(tmp);
            free(sa);
            free(sb);
            af_dist_work_free(w);
        }
    print_message(
        "nesting: largest s_A' - s_A over nested pairs: subcell %.3g, simple %.3g cells\n",
        worst[0], worst[1]);
}

/* ---- periodic shift ----------------------------------------------------------- */

static void test_periodic_shift(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 23);
    const int n = 40;
    const size_t nn = (size_t)n * n;
    af_grid g;
    make_grid(&g, n, -1, 1, AF_EDGE_PERIODIC);
    af_dist_work *w = make_work(&g);
    uint8_t *m = malloc_mask(nn), *ms = malloc_mask(nn);
    double *s = dalloc(nn), *ss = dalloc(nn);
    double worst = 0;
    for (int rep = 0; rep < 12; rep++) {
        if (rep % 3 == 2)
            tu_random_mask(&r, m, nn, 0.3);
        else
            ellipse_mask(&g, 0.3, -0.2, 0.3 + 0.5 * tu_uniform(&r), 0.2 + 0.3 * tu_uniform(&r),
                         PI * tu_uniform(&r), m);
        const int di = (int)(tu_next(&r) % n), dj = (int)(tu_next(&r) % n);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                ms[(i + di) % n + n * ((j + dj) % n)] = m[i + n * j];
        for (int kind = 0; kind < 3; kind++) {
            if (kind == 2) {
                af_dist_edt(w, m, s);
                af_dist_edt(w, ms, ss);
            } else {
                af_dist_signed(w, (af_sdist_kind)kind, m, s);
                af_dist_signed(w, (af_sdist_kind)kind, ms, ss);
            }
            for (int j = 0; j < n; j++)
                for (int i = 0; i < n; i++) {
                    const double a = s[i + n * j], b = ss[(i + di) % n + n * ((j + dj) % n)];
                    if (kind != AF_SDIST_SUBCELL)
                        assert_true(a == b); /* integer arithmetic: exact */
                    else
                        worst = fmax(worst, fabs(a - b) / g.dx);
                }
        }
    }
    print_message(
        "periodic shift: largest sub-cell difference %.3g cells (EDT and simple: exact)\n", worst);
    assert_true(worst <= 1e-12);
    free(m);
    free(ms);
    free(s);
    free(ss);
    af_dist_work_free(w);
}

/* af_dist_blur: equals a direct 2D sum with the same edge rule, keeps
 * constants, and keeps the total on a torus. */
static void test_blur(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 99);
    for (int per = 0; per < 2; per++) {
        af_grid g;
        assert_int_equal(af_grid_init(&g, 2, 23, -1, 1, per ? AF_EDGE_PERIODIC : AF_EDGE_CLAMP, NULL), AF_OK);
        int n = g.n;
        af_dist_work *w = af_dist_work_alloc(&g, NULL);
        double *u = malloc((size_t)n * n * sizeof *u), *ref = malloc((size_t)n * n * sizeof *ref);
        double total = 0;
        for (int k = 0; k < n * n; k++)
            total += u[k] = tu_uniform(&r);
        const double sigma = 1.7;
        int R = (int)ceil(4 * sigma);
        double ksum = 0;
        for (int t = -R; t <= R; t++)
            ksum += exp(-0.5 * t * t / (sigma * sigma));
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) {
                double acc = 0;
                for (int b = -R; b <= R; b++)
                    for (int a = -R; a <= R; a++) {
                        int ii = i + a, jj = j + b;
                        if (per) {
                            ii = (ii % n + n) % n;
                            jj = (jj % n + n) % n;
                        } else {
                            ii = ii < 0 ? 0 : ii >= n ? n - 1 : ii;
                            jj = jj < 0 ? 0 : jj >= n ? n - 1 : jj;
                        }
                        acc += exp(-0.5 * (a * a + b * b) / (sigma * sigma)) * u[jj * n + ii];
                    }
                ref[j * n + i] = acc / (ksum * ksum);
            }
        af_dist_blur(w, u, sigma);
        double after = 0;
        for (int k = 0; k < n * n; k++) {
            assert_true(fabs(u[k] - ref[k]) < 1e-12);
            after += u[k];
        }
        if (per)
            assert_true(fabs(after - total) < 1e-9);
        for (int k = 0; k < n * n; k++)
            u[k] = 0.25;
        af_dist_blur(w, u, 3.0);
        for (int k = 0; k < n * n; k++)
            assert_true(fabs(u[k] - 0.25) < 1e-14);
        /* NaN, 0 and negative sigma leave u alone; huge ones are cut to
         * the widest kernel (no overflow converting 4 sigma to int) */
        const double odd[] = {NAN, 0, -1, 1e300, INFINITY};
        for (int q = 0; q < 5; q++) {
            af_dist_blur(w, u, odd[q]);
            for (int k = 0; k < n * n; k++)
                assert_true(fabs(u[k] - 0.25) < 1e-12);
        }
        free(u);
        free(ref);
        af_dist_work_free(w);
    }
}

/* ---- redistancing ------------------------------------------------------------ */

/* Tolerance of the far field, in cells, at distance d cells (dist.h):
 * 1 / (4 AF_REDIST_SUB^2 d); it applies only beyond AF_REDIST_NEAR. */
static double far_bound(double d)
{
    return 1.0 / (4.0 * AF_REDIST_SUB * AF_REDIST_SUB * fmax(d, AF_REDIST_NEAR));
}

static void redistance_ok(af_dist_work *w, const double *u, double *s)
{
    af_error err;
    af_error_clear(&err);
    if (af_dist_redistance(w, u, s, &err) != AF_OK)
        fail_msg("redistance: %s", err.msg);
}

/* Distance in cells from the point (px, py) (cell units from lo) to the
 * segment (box coordinates) on the torus of side n if per. */
static double seg_dist(const af_grid *g, const af_segment *sg, double px, double py, int per)
{
    const double x0 = (sg->x0 - g->lo) / g->dx, y0 = (sg->y0 - g->lo) / g->dx;
    const double x1 = (sg->x1 - g->lo) / g->dx, y1 = (sg->y1 - g->lo) / g->dx;
    double best = HUGE_VAL;
    for (int ky = -per; ky <= per; ky++)
        for (int kx = -per; kx <= per; kx++) {
            const double qx = px - x0 - kx * g->n, qy = py - y0 - ky * g->n;
            const double ex = x1 - x0, ey = y1 - y0, l2 = ex * ex + ey * ey;
            double t = l2 > 0 ? (qx * ex + qy * ey) / l2 : 0;
            t = fmin(fmax(t, 0), 1);
            best = fmin(best, hypot(qx - t * ex, qy - t * ey));
        }
    return best;
}

/* Checks s against the brute-force distance, in cells, to the segments
 * af_contour_trace draws: exact within AF_REDIST_NEAR cells, within the far
 * bound (never below) beyond, signs cell by cell.  Returns the largest
 * error near and the largest far error relative to its bound. */
static void check_redist_brute(const af_grid *g, const double *u, const double *s,
                               const af_contour *c, double *enear, double *efar)
{
    const int n = g->n, per = g->edge == AF_EDGE_PERIODIC;
    const af_segment *sg = af_contour_segments(c);
    const size_t ns = af_contour_count(c);
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            const double uc = u[i + n * j], sc = s[i + n * j];
            if (uc == 0) {
                if (sc != 0)
                    fail_msg("n=%d (%d,%d): u = 0 but s = %g", n, i, j, sc);
                continue;
            }
            if (!(uc < 0 ? sc < 0 : sc > 0))
                fail_msg("n=%d (%d,%d): u = %g but s = %g", n, i, j, uc, sc);
            double d = HUGE_VAL;
            for (size_t k = 0; k < ns; k++)
                d = fmin(d, seg_dist(g, &sg[k], i + 0.5, j + 0.5, per));
            const double got = fabs(sc) / g->dx;
            if (isinf(d)) {
                if (!isinf(sc))
                    fail_msg("n=%d (%d,%d): no line but s = %g", n, i, j, sc);
                continue;
            }
            if (d <= AF_REDIST_NEAR) {
                *enear = fmax(*enear, fabs(got - d));
                if (!(fabs(got - d) <= 1e-10 * fmax(1, d)))
                    fail_msg("%s n=%d (%d,%d): near: %.17g cells, brute %.17g",
                             af_edge_name(g->edge), n, i, j, got, d);
            } else {
                *efar = fmax(*efar, (got - d) / far_bound(d));
                if (!(got >= d - 1e-10 && got - d <= far_bound(d) + 1e-10))
                    fail_msg("%s n=%d (%d,%d): far: %.17g cells, brute %.17g, bound %.3g",
                             af_edge_name(g->edge), n, i, j, got, d, far_bound(d));
            }
        }
}

/* Smooth random field: a few random cosines (periodic on the box). */
static void smooth_field(const af_grid *g, tu_rng *r, double *u)
{
    const int n = g->n;
    double amp[5], kx[5], ky[5], ph[5];
    for (int k = 0; k < 5; k++) {
        amp[k] = tu_uniform(r) - 0.5;
        kx[k] = (double)(tu_next(r) % 5) - 2;
        ky[k] = (double)(tu_next(r) % 5) - 2;
        ph[k] = 2 * PI * tu_uniform(r);
    }
    const double L = g->hi - g->lo;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            double v = 0.1;
            for (int k = 0; k < 5; k++)
                v += amp[k] * cos(2 * PI
                                      * (kx[k] * af_grid_center(g, i) + ky[k] * af_grid_center(g, j))
                                      / L + ph[k]);
            u[i + n * j] = v;
        }
}

static void test_redist_brute(void **state)
{
    (void)state;
    static const int sizes[] = {1, 2, 3, 5, 8, 17, 33, 48};
    tu_rng r;
    tu_seed(&r, 31);
    double enear = 0, efar = 0;
    for (int e = 0; e < 2; e++)
        for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++) {
            const int n = sizes[si];
            const size_t nn = (size_t)n * n;
            af_grid g;
            make_grid(&g, n, -1, 1.5, (af_edge)e);
            af_dist_work *w = make_work(&g);
            af_contour *c = af_contour_alloc(&g, NULL);
            assert_non_null(c);
            double *u = dalloc(nn), *s = dalloc(nn);
            for (int rep = 0; rep < 8; rep++) {
                if (rep < 3) { /* noise, with exact zeros and levels of all signs */
                    for (size_t k = 0; k < nn; k++) {
                        const double p = tu_uniform(&r);
                        u[k] = p < 0.1 ? 0.0 : tu_uniform(&r) - (rep == 0 ? 0.5 : 0.3);
                    }
                } else if (rep < 6) {
                    smooth_field(&g, &r, u);
                } else { /* a disc and a square of integers (zeros on the line) */
                    for (int j = 0; j < n; j++)
                        for (int i = 0; i < n; i++)
                            u[i + n * j] = rep == 6 ? hypot(i - 0.3 * n, j - 0.6 * n) - 0.25 * n
                                                    : (double)(abs(i - n / 2) > abs(j - n / 3)
                                                                   ? abs(i - n / 2)
                                                                   : abs(j - n / 3))
                                                          - n / 4;
                }
                redistance_ok(w, u, s);
                assert_int_equal(af_contour_trace(c, u, 0, NULL), AF_OK);
                check_redist_brute(&g, u, s, c, &enear, &efar);
            }
            free(u);
            free(s);
            af_contour_free(c);
            af_dist_work_free(w);
        }
    print_message("redistance vs brute force over the traced segments: near max error %.2g cells,"
                  " far max error %.3f of its bound\n",
                  enear, efar);
}

/* No zero line: +-HUGE_VAL with the sign of u, 0 where u = 0; NaN refused. */
static void test_redist_no_line(void **state)
{
    (void)state;
    for (int e = 0; e < 2; e++) {
        const int n = 9;
        af_grid g;
        make_grid(&g, n, 0, 1, (af_edge)e);
        af_dist_work *w = make_work(&g);
        double u[81], s[81];
        for (int k = 0; k < 81; k++)
            u[k] = 1 + k;
        redistance_ok(w, u, s);
        for (int k = 0; k < 81; k++)
            assert_true(s[k] == HUGE_VAL);
        for (int k = 0; k < 81; k++)
            u[k] = -1e-300 * (k + 1);
        redistance_ok(w, u, s);
        for (int k = 0; k < 81; k++)
            assert_true(s[k] == -HUGE_VAL);
        for (int k = 0; k < 81; k++)
            u[k] = k % 3 ? 0.0 : 2.0; /* zeros are outside: still no line */
        redistance_ok(w, u, s);
        for (int k = 0; k < 81; k++)
            assert_true(s[k] == (k % 3 ? 0.0 : HUGE_VAL));
        u[40] = NAN;
        af_error err;
        assert_int_equal(af_dist_redistance(w, u, s, &err), AF_EINVAL);
        assert_non_null(strstr(err.msg, "(4, 4)"));
        /* tiny values of both signs: the line passes close, s keeps the sign */
        for (int k = 0; k < 81; k++)
            u[k] = (k % 2 ? 1e-310 : -1e-310);
        redistance_ok(w, u, s);
        for (int k = 0; k < 81; k++)
            assert_true(k % 2 ? s[k] > 0 : s[k] < 0);
        af_dist_work_free(w);
    }
}

/* Straight lines: u linear gives the exact line (no saddles, crossings on
 * it), so s is the exact distance near it and within the sampling bound far
 * from it.  On a clamped grid the line is the chord of the centres' square
 * C plus its strips; cells whose foot on the line lies outside C are left
 * out (their nearest point is an end of the chord). */
static void test_redist_lines(void **state)
{
    (void)state;
    static const double slope[][2] = {{0, 1}, {1, 3}, {1, 2}, {1, 1}, {1.6180339887498949, 1},
                                      {1, 0}, {-2, 7}};
    const int n = 64;
    const size_t nn = (size_t)n * n;
    af_grid g;
    make_grid(&g, n, -1, 1, AF_EDGE_CLAMP);
    af_dist_work *w = make_work(&g);
    double *u = dalloc(nn), *s = dalloc(nn);
    double enear = 0, efar = 0, efar_rel = 0;
    long cnt_near = 0, cnt_far = 0;
    const double p = af_grid_center(&g, 0), q = af_grid_center(&g, n - 1);
    for (size_t k = 0; k < sizeof slope / sizeof *slope; k++)
        for (int off = 0; off < 4; off++) {
            /* unit normal (nx, ny) of the line with direction slope[k] */
            const double len = hypot(slope[k][0], slope[k][1]);
            const double nx = slope[k][1] / len, ny = -slope[k][0] / len;
            const double c0 = 0.3 * (off - 1.5) + 0.0123;
            for (int j = 0; j < n; j++)
                for (int i = 0; i < n; i++) /* a scaled copy: u need not be a distance */
                    u[i + n * j] =
                        3.7 * (nx * af_grid_center(&g, i) + ny * af_grid_center(&g, j) - c0);
            redistance_ok(w, u, s);
            for (int j = 0; j < n; j++)
                for (int i = 0; i < n; i++) {
                    const double x = af_grid_center(&g, i), y = af_grid_center(&g, j);
                    const double sd = nx * x + ny * y - c0;
                    const double fx = x - sd * nx, fy = y - sd * ny; /* foot */
                    if (fx < p || fx > q || fy < p || fy > q)
                        continue;
                    const double d = fabs(sd) / g.dx, got = fabs(s[i + n * j]) / g.dx;
                    assert_true((s[i + n * j] < 0) == (sd < 0));
                    if (d <= AF_REDIST_NEAR) {
                        enear = fmax(enear, fabs(got - d));
                        cnt_near++;
                    } else {
                        efar = fmax(efar, got - d);
                        efar_rel = fmax(efar_rel, (got - d) / far_bound(d));
                        assert_true(got >= d - 1e-9);
                        cnt_far++;
                    }
                }
        }
    print_message("straight lines: %ld cells near, max error %.2g cells; %ld far, max error %.2g "
                  "cells = %.3f of the bound\n",
                  cnt_near, enear, cnt_far, efar, efar_rel);
    assert_true(enear < 1e-9);
    assert_true(efar_rel <= 1.0);
    free(u);
    free(s);
    af_dist_work_free(w);
}

/* Circles R = 20 cells from u = g(|x - c| - R) with g increasing and
 * nonlinear.  The polyline differs from the circle by at most
 * 0.5 dx^2 / R: its chords (up to sqrt(2) dx) sag by l^2 / (8 R) <=
 * dx^2 / (4 R), and linear interpolation of g(r - R) along an edge places a
 * crossing off the circle by at most dx^2 (1 / R + |g''/g'|) / 8 along the
 * normal, with |g''/g'| <= 1 / R for the g below.  Far from the line the
 * sampling bound adds to it. */
static void test_redist_circle(void **state)
{
    (void)state;
    const int n = 128;
    const size_t nn = (size_t)n * n;
    double worst_near[3] = {0, 0, 0}, worst_far[3] = {0, 0, 0};
    for (int e = 0; e < 2; e++) {
        af_grid g;
        make_grid(&g, n, -1, 1, (af_edge)e);
        af_dist_work *w = make_work(&g);
        double *u = dalloc(nn), *s = dalloc(nn);
        const double R = 20 * g.dx, tol = 0.5 / 20; /* 0.5 dx^2 / R, in cells */
        static const double centres[][2] = {{0, 0}, {0.0071, -0.0033}, {0.5, -0.3}, {0.97, 0.99}};
        for (size_t ci = 0; ci < sizeof centres / sizeof *centres; ci++) {
            if (e == AF_EDGE_CLAMP && ci == 3)
                continue; /* across the seam: torus only */
            for (int kind = 0; kind < 3; kind++) {
                for (int j = 0; j < n; j++)
                    for (int i = 0; i < n; i++) {
                        double x = af_grid_center(&g, i) - centres[ci][0];
                        double y = af_grid_center(&g, j) - centres[ci][1];
                        if (e == AF_EDGE_PERIODIC) {
                            x -= 2 * nearbyint(x / 2);
                            y -= 2 * nearbyint(y / 2);
                        }
                        const double rr = hypot(x, y), t = rr - R;
                        u[i + n * j] = kind == 0 ? t
                                       : kind == 1 ? t * (1 + (t / R) * (t / R))
                                                   : x * x + y * y - R * R;
                    }
                redistance_ok(w, u, s);
                for (int j = 0; j < n; j++)
                    for (int i = 0; i < n; i++) {
                        double x = af_grid_center(&g, i) - centres[ci][0];
                        double y = af_grid_center(&g, j) - centres[ci][1];
                        if (e == AF_EDGE_PERIODIC) {
                            x -= 2 * nearbyint(x / 2);
                            y -= 2 * nearbyint(y / 2);
                        }
                        /* on the torus the circle's images are nearer beyond 0.5 box */
                        const double ex = (hypot(x, y) - R) / g.dx;
                        if (e == AF_EDGE_PERIODIC && hypot(x, y) > 1 - R)
                            continue;
                        const double err = fabs(s[i + n * j] / g.dx - ex);
                        if (fabs(ex) <= AF_REDIST_NEAR) {
                            worst_near[kind] = fmax(worst_near[kind], err);
                            if (!(err <= tol))
                                fail_msg("circle %s centre %zu kind %d (%d,%d): near error %.4g",
                                         af_edge_name((af_edge)e), ci, kind, i, j, err);
                        } else {
                            worst_far[kind] = fmax(worst_far[kind], err);
                            if (!(err <= tol + far_bound(fabs(ex) - tol)))
                                fail_msg("circle %s centre %zu kind %d (%d,%d): far error %.4g",
                                         af_edge_name((af_edge)e), ci, kind, i, j, err);
                        }
                    }
            }
        }
        free(u);
        free(s);
        af_dist_work_free(w);
    }
    print_message("circle R = 20 cells, n = 128, |s - (|x - c| - R)| in cells, near / far: "
                  "u = r - R %.4f / %.4f; (r - R)(1 + ((r - R)/R)^2) %.4f / %.4f; r^2 - R^2 "
                  "%.4f / %.4f (analysis: near <= 0.5 dx/R = %.4f)\n",
                  worst_near[0], worst_far[0], worst_near[1], worst_far[1], worst_near[2],
                  worst_far[2], 0.5 / 20);
}

/* |grad s| = 1 by central differences.  Excluded: cells within 2 cells of
 * the line (the stencil would straddle it), within 2 cells of a straight
 * part of the medial axis (it would straddle the kink), and within 6
 * cells of a point where level lines focus (a circle's centre, the ends
 * of an ellipse's medial segment): there the level lines have a radius of
 * a few cells and the central difference of even the exact distance is
 * short by 1 - sin(h/rho)/(h/rho)-like terms (6% at 2 cells, 0.7% at 6;
 * the test measures the exact distance's own error where it is known). */
typedef struct {
    int kind;           /* 0 circle, 1 ellipse, 2 two circles */
    double cx, cy;      /* centre (of the first circle) */
    double a, b;        /* radii / semi-axes, length units */
    double cx2;         /* second circle's centre x (kind 2; same y, same radius) */
} grad_shape;

static double grad_field(const grad_shape *sh, double x, double y)
{
    const double X = x - sh->cx, Y = y - sh->cy;
    if (sh->kind == 0)
        return X * X + Y * Y - sh->a * sh->a;
    if (sh->kind == 1)
        return (X / sh->a) * (X / sh->a) + (Y / sh->b) * (Y / sh->b) - 1;
    const double X2 = x - sh->cx2;
    return fmin(X * X + Y * Y, X2 * X2 + Y * Y) - sh->a * sh->a;
}

/* Distance (length units) to the parts excluded, and the exact signed
 * distance where known (NAN for the ellipse). */
static void grad_exclusion(const grad_shape *sh, double x, double y, double *dmed,
                           double *dfocus, double *exact)
{
    const double X = x - sh->cx, Y = y - sh->cy;
    if (sh->kind == 0) {
        *dfocus = hypot(X, Y);
        *dmed = *dfocus;
        *exact = *dfocus - sh->a;
    } else if (sh->kind == 1) {
        const double e = (sh->a * sh->a - sh->b * sh->b) / sh->a; /* half the medial segment */
        *dmed = fabs(X) <= e ? fabs(Y) : hypot(fabs(X) - e, Y);
        *dfocus = fmin(hypot(X - e, Y), hypot(X + e, Y));
        *exact = NAN;
    } else {
        const double X2 = x - sh->cx2, r1 = hypot(X, Y), r2 = hypot(X2, Y);
        *dfocus = fmin(r1, r2);
        *exact = *dfocus - sh->a;
        *dmed = fmin(*dfocus, fabs(x - 0.5 * (sh->cx + sh->cx2))); /* the bisector */
    }
}

static void test_redist_gradient(void **state)
{
    (void)state;
    const int n = 128;
    const size_t nn = (size_t)n * n;
    af_grid g;
    make_grid(&g, n, -1, 1, AF_EDGE_CLAMP);
    const double dx = g.dx;
    const grad_shape shapes[] = {
        {0, 0.0071, -0.0033, 20 * dx, 20 * dx, 0},
        {1, 0.013, 0.021, 40 * dx, 22 * dx, 0},
        {2, -21 * dx + 0.004, 0.011, 15 * dx, 15 * dx, 21 * dx + 0.004},
    };
    static const char *names[] = {"circle R = 20", "ellipse 40 x 22", "two circles R = 15"};
    af_dist_work *w = make_work(&g);
    double *u = dalloc(nn), *s = dalloc(nn);
    for (size_t k = 0; k < sizeof shapes / sizeof *shapes; k++) {
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                u[i + n * j] = grad_field(&shapes[k], af_grid_center(&g, i), af_grid_center(&g, j));
        redistance_ok(w, u, s);
        double worst = 0, worst_exact = 0;
        long cnt = 0;
        for (int j = 1; j < n - 1; j++)
            for (int i = 1; i < n - 1; i++) {
                const double x = af_grid_center(&g, i), y = af_grid_center(&g, j);
                double dmed, dfocus, exact;
                grad_exclusion(&shapes[k], x, y, &dmed, &dfocus, &exact);
                if (fabs(s[i + n * j]) < 2 * dx || dmed < 2 * dx || dfocus < 6 * dx)
                    continue;
                const double gx = (s[i + 1 + n * j] - s[i - 1 + n * j]) / (2 * dx);
                const double gy = (s[i + n * (j + 1)] - s[i + n * (j - 1)]) / (2 * dx);
                const double e = fabs(hypot(gx, gy) - 1);
                worst = fmax(worst, e);
                cnt++;
                if (!(e <= 0.01))
                    fail_msg("%s (%d,%d): |grad s| = %.5f", names[k], i, j, hypot(gx, gy));
                if (!isnan(exact)) {
                    double ex[4];
                    const double xs[4] = {x + dx, x - dx, x, x}, ys[4] = {y, y, y + dx, y - dx};
                    for (int q = 0; q < 4; q++) {
                        double d1, d2;
                        grad_exclusion(&shapes[k], xs[q], ys[q], &d1, &d2, &ex[q]);
                    }
                    worst_exact = fmax(worst_exact,
                                       fabs(hypot(ex[0] - ex[1], ex[2] - ex[3]) / (2 * dx) - 1));
                }
            }
        if (shapes[k].kind == 1)
            print_message("|grad s| by central differences, %s cells, n = 128: %ld cells, max "
                          "||grad s| - 1| = %.4f\n",
                          names[k], cnt, worst);
        else
            print_message("|grad s| by central differences, %s cells, n = 128: %ld cells, max "
                          "||grad s| - 1| = %.4f (the exact distance's own: %.4f)\n",
                          names[k], cnt, worst, worst_exact);
    }
    free(u);
    free(s);
    af_dist_work_free(w);
}

/* u <= u' at every cell: nested regions, so the exact signed distances are
 * ordered; s(u) <= s(u') holds exactly (up to rounding) where both are
 * within AF_REDIST_NEAR cells, and up to the far bound beyond. */
static void test_redist_monotone(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 37);
    double worst_near = 0, worst_far = 0;
    for (int e = 0; e < 2; e++) {
        const int n = 72;
        const size_t nn = (size_t)n * n;
        af_grid g;
        make_grid(&g, n, -1, 1, (af_edge)e);
        af_dist_work *w = make_work(&g);
        double *u = dalloc(nn), *v = dalloc(nn), *su = dalloc(nn), *sv = dalloc(nn);
        for (int rep = 0; rep < 12; rep++) {
            smooth_field(&g, &r, u);
            for (size_t k = 0; k < nn; k++) {
                const double p = tu_uniform(&r);
                v[k] = p < 0.5 ? u[k] : (p < 0.6 && u[k] < 0 ? 0.0 : u[k] + 0.1 * tu_uniform(&r));
            }
            if (rep % 3 == 2) /* a uniform raise: a smaller region with the same shape */
                for (size_t k = 0; k < nn; k++)
                    v[k] = u[k] + 0.02;
            redistance_ok(w, u, su);
            redistance_ok(w, v, sv);
            for (size_t k = 0; k < nn; k++) {
                const double viol = (su[k] - sv[k]) / g.dx; /* > 0 violates */
                const double m = fmin(fabs(su[k]), fabs(sv[k])) / g.dx;
                if (fmax(fabs(su[k]), fabs(sv[k])) / g.dx <= AF_REDIST_NEAR) {
                    worst_near = fmax(worst_near, viol);
                    if (!(viol <= 1e-12))
                        fail_msg("monotone %s rep %d cell %zu: s(u) = %.17g > s(u') = %.17g",
                                 af_edge_name((af_edge)e), rep, k, su[k], sv[k]);
                } else {
                    worst_far = fmax(worst_far, viol);
                    if (!(viol <= far_bound(m - 0.2) + 1e-12))
                        fail_msg("monotone far %s rep %d cell %zu: s(u) = %.17g > s(u') = %.17g",
                                 af_edge_name((af_edge)e), rep, k, su[k], sv[k]);
                }
            }
        }
        free(u);
        free(v);
        free(su);
        free(sv);
        af_dist_work_free(w);
    }
    print_message("redistance monotone: largest s(u) - s(u') within %d cells %.2g cells, beyond "
                  "%.2g cells (bound %.2g)\n",
                  AF_REDIST_NEAR, worst_near, worst_far, far_bound(AF_REDIST_NEAR));
}

/* On the torus a circle across the seam (and the corner) is the circle in
 * the middle moved: the field rolled by whole cells gives s rolled, up to
 * rounding. */
static void test_redist_periodic_shift(void **state)
{
    (void)state;
    const int n = 80;
    const size_t nn = (size_t)n * n;
    af_grid g;
    make_grid(&g, n, -1, 1, AF_EDGE_PERIODIC);
    af_dist_work *w = make_work(&g);
    double *u = dalloc(nn), *v = dalloc(nn), *s = dalloc(nn), *sv = dalloc(nn);
    tu_rng r;
    tu_seed(&r, 43);
    double worst = 0;
    for (int rep = 0; rep < 4; rep++) {
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) {
                const double x = af_grid_center(&g, i) - 0.011, y = af_grid_center(&g, j) + 0.023;
                u[i + n * j] = rep < 2 ? x * x + 0.5 * y * y - 0.16 : 0;
            }
        if (rep >= 2)
            smooth_field(&g, &r, u);
        redistance_ok(w, u, s);
        const int di = rep % 2 ? n / 2 : 13 + rep, dj = rep % 2 ? n / 2 + 1 : 77 - rep;
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                v[(i + di) % n + n * ((j + dj) % n)] = u[i + n * j];
        redistance_ok(w, v, sv);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                worst = fmax(worst,
                             fabs(s[i + n * j] - sv[(i + di) % n + n * ((j + dj) % n)]) / g.dx);
    }
    print_message("redistance periodic shift: largest difference %.2g cells\n", worst);
    assert_true(worst <= 1e-12);
    free(u);
    free(v);
    free(s);
    free(sv);
    af_dist_work_free(w);
}

/* The cost at 512^2 (printed, not asserted): a circle, and noise (a line
 * through nearly every square). */
static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static void test_redist_timing(void **state)
{
    (void)state;
    const int n = 512;
    const size_t nn = (size_t)n * n;
    tu_rng r;
    tu_seed(&r, 47);
    for (int e = 0; e < 2; e++) {
        af_grid g;
        make_grid(&g, n, -1, 1, (af_edge)e);
        af_dist_work *w = make_work(&g);
        double *u = dalloc(nn), *s = dalloc(nn);
        double best[2] = {HUGE_VAL, HUGE_VAL};
        for (int kind = 0; kind < 2; kind++) {
            for (int j = 0; j < n; j++)
                for (int i = 0; i < n; i++) {
                    const double x = af_grid_center(&g, i) - 0.0123;
                    const double y = af_grid_center(&g, j) + 0.031;
                    u[i + n * j] = kind ? tu_uniform(&r) - 0.5 : x * x + y * y - 0.36;
                }
            for (int rep = 0; rep < 3; rep++) {
                const double t0 = now_s();
                redistance_ok(w, u, s);
                best[kind] = fmin(best[kind], now_s() - t0);
            }
        }
        print_message("redistance %s 512^2: circle R = 0.6 %.1f ms, noise %.1f ms (best of 3)\n",
                      af_edge_name((af_edge)e), 1e3 * best[0], 1e3 * best[1]);
        free(u);
        free(s);
        af_dist_work_free(w);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc_and_names),
        cmocka_unit_test(test_edt_brute),
        cmocka_unit_test(test_edt_special),
        cmocka_unit_test(test_smooth),
        cmocka_unit_test(test_subcell_brute),
        cmocka_unit_test(test_empty_full_signs),
        cmocka_unit_test(test_thin_features),
        cmocka_unit_test(test_axis_halfplane),
        cmocka_unit_test(test_sloped_halfplane),
        cmocka_unit_test(test_disc),
        cmocka_unit_test(test_nesting),
        cmocka_unit_test(test_periodic_shift),
        cmocka_unit_test(test_blur),
        cmocka_unit_test(test_redist_brute),
        cmocka_unit_test(test_redist_no_line),
        cmocka_unit_test(test_redist_lines),
        cmocka_unit_test(test_redist_circle),
        cmocka_unit_test(test_redist_gradient),
        cmocka_unit_test(test_redist_monotone),
        cmocka_unit_test(test_redist_periodic_shift),
        cmocka_unit_test(test_redist_timing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
