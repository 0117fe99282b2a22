/* advflow tests: MBO threshold dynamics (mbo.h).  GPL-3.0-or-later.
 *
 * The convolution is checked against a brute-force sum with the sampled
 * Gaussian (periodic images, or mirror images on clamped grids), with and
 * without a density, and clamped grids against periodic ones through the
 * mirror symmetry.  The flow is checked against the laws of the scheme
 * notes (section 3): straight fronts stay, circles and stars
 * lose area at rate 2 pi, a Gaussian density's circle r = sigma is an
 * unstable equilibrium, exp(a . x) drifts circles with velocity -a.  The
 * step's structure: translation invariance, monotonicity, complement
 * duality.  Figures measured along the way are printed. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>

#include <unistd.h>

#include "advflow/density.h"
#include "advflow/gauss.h"
#include "advflow/mbo.h"
#include "advflow/shape.h"

#define PI 3.14159265358979323846

/* ---- helpers --------------------------------------------------------- */

static void make_grid(af_grid *g, int n, double lo, double hi, af_edge edge)
{
    af_error err;
    assert_int_equal(af_grid_init(g, 2, n, lo, hi, edge, &err), AF_OK);
}

/* h for a Gaussian of sigma = `cells` cells: sigma^2 = 2 h. */
static double h_for(const af_grid *g, double cells)
{
    double s = cells * g->dx;
    return 0.5 * s * s;
}

static af_mbo *make_mbo(const af_grid *g, double h, const double *rho)
{
    af_error err;
    af_mbo *m = af_mbo_alloc(g, h, rho, &err);
    if (!m)
        fail_msg("af_mbo_alloc: %s", err.msg);
    return m;
}

static void circle(const af_grid *g, double cx, double cy, double r, uint8_t *mask)
{
    af_shape s = {0};
    af_error err;
    s.kind = AF_SHAPE_CIRCLE;
    s.center[0] = cx;
    s.center[1] = cy;
    s.radius = r;
    assert_int_equal(af_shape_mask(g, &s, mask, &err), AF_OK);
}

static void density(const af_grid *g, const af_density *d, double *rho)
{
    af_error err;
    if (af_density_fill(g, d, rho, &err) != AF_OK)
        fail_msg("af_density_fill: %s", err.msg);
}

/* Spread (max - min), in cells, of the distances from the centroid to the
 * centres of the boundary cells (inside cells with an outside 4-neighbour).
 * A digital disc has about 0.9. */
static double roundness_cells(const af_grid *g, const uint8_t *m)
{
    int n = g->n;
    double c[2], rmin = HUGE_VAL, rmax = 0;
    assert_true(af_grid_mask_centroid(g, m, c) > 0);
    for (int j = 1; j < n - 1; j++)
        for (int i = 1; i < n - 1; i++) {
            size_t k = i + (size_t)n * j;
            if (m[k] && (!m[k - 1] || !m[k + 1] || !m[k - n] || !m[k + n])) {
                double r = hypot(af_grid_center(g, i) - c[0], af_grid_center(g, j) - c[1]);
                rmin = fmin(rmin, r);
                rmax = fmax(rmax, r);
            }
        }
    return (rmax - rmin) / g->dx;
}

/* Union of `k` random discs, radii in [rmin, rmax] cells, anywhere. */
static void blobs(tu_rng *r, int n, uint8_t *m, int k, double rmin, double rmax)
{
    for (int b = 0; b < k; b++) {
        double cx = tu_uniform(r) * n, cy = tu_uniform(r) * n;
        double rr = rmin + (rmax - rmin) * tu_uniform(r);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                if ((i - cx) * (i - cx) + (j - cy) * (j - cy) <= rr * rr)
                    m[i + (size_t)n * j] = 1;
    }
}

/* ---- error paths and tiny grids -------------------------------------- */

static void test_alloc_errors(void **state)
{
    (void)state;
    af_error err;
    af_grid g;
    make_grid(&g, 8, -1, 1, AF_EDGE_CLAMP);

    af_error_clear(&err);
    assert_null(af_mbo_alloc(NULL, 1e-3, NULL, &err));
    assert_int_equal(err.status, AF_EINVAL);
    assert_non_null(strstr(err.msg, "NULL"));

    af_grid g3 = g;
    g3.dim = 3;
    af_error_clear(&err);
    assert_null(af_mbo_alloc(&g3, 1e-3, NULL, &err));
    assert_int_equal(err.status, AF_EUNSUP);
    assert_true(strlen(err.msg) > 0);

    af_grid g1 = g;
    g1.dim = 1;
    af_error_clear(&err);
    assert_null(af_mbo_alloc(&g1, 1e-3, NULL, &err));
    assert_int_equal(err.status, AF_EINVAL);

    af_grid gb = g;
    gb.n = 0;
    af_error_clear(&err);
    assert_null(af_mbo_alloc(&gb, 1e-3, NULL, &err));
    assert_int_equal(err.status, AF_EINVAL);

    gb = g;
    gb.hi = NAN;
    af_error_clear(&err);
    assert_null(af_mbo_alloc(&gb, 1e-3, NULL, &err));
    assert_int_equal(err.status, AF_EINVAL);

    const double bad_h[] = {0.0, -1e-3, NAN, INFINITY, -INFINITY};
    for (size_t k = 0; k < sizeof bad_h / sizeof bad_h[0]; k++) {
        af_error_clear(&err);
        assert_null(af_mbo_alloc(&g, bad_h[k], NULL, &err));
        assert_int_equal(err.status, AF_EINVAL);
        assert_non_null(strstr(err.msg, "h"));
    }

    double rho[64];
    for (int i = 0; i < 64; i++)
        rho[i] = 1.0;
    const double bad_rho[] = {NAN, -0.5, INFINITY};
    const char *word[] = {"NaN", "negative", "infinite"};
    for (int k = 0; k < 3; k++) {
        rho[3 + 8 * 2] = bad_rho[k];
        rho[5 + 8 * 6] = NAN; /* a later bad cell: the first is named */
        af_error_clear(&err);
        assert_null(af_mbo_alloc(&g, 1e-3, rho, &err));
        assert_int_equal(err.status, AF_EINVAL);
        assert_non_null(strstr(err.msg, word[k]));
        assert_non_null(strstr(err.msg, "cell (3, 2)"));
    }

    /* A NULL err is allowed. */
    assert_null(af_mbo_alloc(NULL, 1e-3, NULL, NULL));
    assert_null(af_mbo_alloc(&g, -1, NULL, NULL));

    af_mbo_free(NULL);
}

/* Sizes 1..5 (odd and even, FFTW's small cases): empty and full sets are
 * fixed points, and in == out works. */
static void test_tiny_grids(void **state)
{
    (void)state;
    for (int e = 0; e < 2; e++)
        for (int n = 1; n <= 5; n++) {
            af_grid g;
            make_grid(&g, n, 0, 1, e ? AF_EDGE_PERIODIC : AF_EDGE_CLAMP);
            double rho[25];
            for (int i = 0; i < n * n; i++)
                rho[i] = 0.5 + i;
            for (int d = 0; d < 2; d++) {
                af_mbo *m = make_mbo(&g, 0.01, d ? rho : NULL);
                uint8_t a[25], b[25];
                memset(a, 1, sizeof a);
                af_mbo_step(m, a, a);
                assert_int_equal(af_grid_mask_count(&g, a), n * n);
                memset(a, 0, sizeof a);
                af_mbo_step(m, a, b);
                assert_int_equal(af_grid_mask_count(&g, b), 0);
                af_mbo_free(m);
            }
        }
}

/* ---- the convolution against brute force ------------------------------ */

/* Per-axis kernel matrix K[i][i'] (n x n) of the sampled Gaussian with
 * periodic images (period L) or, clamped, with mirror images (even
 * extension about lo, period 2 L). */
static void axis_kernel(const af_grid *g, double sigma, double *K)
{
    int n = g->n;
    double L = g->hi - g->lo, c = g->dx / (sqrt(2 * PI) * sigma);
    for (int i = 0; i < n; i++)
        for (int ip = 0; ip < n; ip++) {
            double xi = af_grid_center(g, i) - g->lo, xp = af_grid_center(g, ip) - g->lo;
            double s = 0;
            for (int mm = -3; mm <= 3; mm++) {
                if (g->edge == AF_EDGE_PERIODIC) {
                    double d = xi - xp + mm * L;
                    s += exp(-d * d / (2 * sigma * sigma));
                } else {
                    double d1 = xi - xp + 2 * mm * L, d2 = xi + xp + 2 * mm * L;
                    s += exp(-d1 * d1 / (2 * sigma * sigma)) + exp(-d2 * d2 / (2 * sigma * sigma));
                }
            }
            K[i * n + ip] = c * s;
        }
}

/* out = K f K (K symmetric), f and out n x n, x fastest. */
static void conv_brute(int n, const double *K, const double *f, double *tmp, double *out)
{
    for (int j = 0; j < n; j++) /* tmp[j][i] = sum_i' f[j][i'] K[i][i'] */
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int ip = 0; ip < n; ip++)
                s += f[j * n + ip] * K[i * n + ip];
            tmp[j * n + i] = s;
        }
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int jp = 0; jp < n; jp++)
                s += K[j * n + jp] * tmp[jp * n + i];
            out[j * n + i] = s;
        }
}

/* Random masks (p = 1/2, so that G * 1_A is close to 1/2 everywhere and
 * the threshold is sensitive to the kernel's width: 1% on sigma flips
 * cells), random densities; n odd and even, sigma 2.5 and 4 cells (where
 * the spectral kernel equals the sampled Gaussian to 1e-13 or better). */
static void test_brute_convolution(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 11);
    const int sizes[] = {31, 32};
    const double sig_cells[] = {2.5, 4.0};
    for (int e = 0; e < 2; e++)
        for (int si = 0; si < 2; si++)
            for (int ki = 0; ki < 2; ki++)
                for (int d = 0; d < 2; d++) {
                    int n = sizes[si];
                    size_t cells = (size_t)n * n;
                    af_grid g;
                    make_grid(&g, n, -0.7, 1.9, e ? AF_EDGE_PERIODIC : AF_EDGE_CLAMP);
                    double sigma = sig_cells[ki] * g.dx, h = 0.5 * sigma * sigma;
                    double *K = malloc(cells * sizeof *K), *f = malloc(cells * sizeof *f);
                    double *tmp = malloc(cells * sizeof *tmp), *num = malloc(cells * sizeof *num);
                    double *den = malloc(cells * sizeof *den), *rho = malloc(cells * sizeof *rho);
                    uint8_t *a = malloc(cells), *out = malloc(cells);
                    assert_true(K && f && tmp && num && den && rho && a && out);
                    axis_kernel(&g, sigma, K);
                    for (size_t i = 0; i < cells; i++)
                        rho[i] = d ? 0.1 + 3.0 * tu_uniform(&r) : 1.0;
                    af_mbo *m = make_mbo(&g, h, d ? rho : NULL);
                    int compared = 0;
                    for (int trial = 0; trial < 4; trial++) {
                        tu_random_mask(&r, a, cells, 0.5);
                        for (size_t i = 0; i < cells; i++)
                            f[i] = a[i] ? sqrt(rho[i]) : 0.0;
                        conv_brute(n, K, f, tmp, num);
                        for (size_t i = 0; i < cells; i++)
                            f[i] = sqrt(rho[i]);
                        conv_brute(n, K, f, tmp, den);
                        af_mbo_step(m, a, out);
                        for (size_t i = 0; i < cells; i++) {
                            double margin = num[i] - 0.5 * den[i];
                            if (fabs(margin) <= 1e-9 * den[i])
                                continue; /* a tie to rounding: either answer */
                            compared++;
                            if ((margin >= 0) != (out[i] != 0))
                                fail_msg("%s n=%d sigma=%.1f cells density=%d: cell %zu: brute "
                                         "ratio %.12f, mbo says %d",
                                         af_edge_name(g.edge), n, sig_cells[ki], d, i,
                                         num[i] / den[i], out[i]);
                        }
                    }
                    assert_true(compared >= (int)(4 * cells) - 4);
                    af_mbo_free(m);
                    free(K);
                    free(f);
                    free(tmp);
                    free(num);
                    free(den);
                    free(rho);
                    free(a);
                    free(out);
                }
}

/* Clamped (DCT) against periodic (r2c): a circle centred on the left edge
 * of a clamped box [0, 2]^2 must evolve exactly as the right half of the
 * same circle centred in a periodic box [-1, 1]^2 (same dx, cell faces
 * aligned), since mirroring the half disc gives the whole disc; a quarter
 * disc in the corner likewise.  This ties the DCT's frequencies and
 * normalisation to the r2c path's, independently of the brute force. */
static void test_mirror_matches_periodic(void **state)
{
    (void)state;
    const int n = 256, K = 40;
    af_grid gp, gc;
    make_grid(&gp, n, -1, 1, AF_EDGE_PERIODIC);
    make_grid(&gc, n, 0, 2, AF_EDGE_CLAMP);
    double h = h_for(&gp, 5.0);
    af_mbo *mp = make_mbo(&gp, h, NULL), *mc = make_mbo(&gc, h, NULL);
    size_t cells = (size_t)n * n;
    uint8_t *p = malloc(cells), *c = malloc(cells), *q = malloc(cells);
    assert_true(p && c && q);
    circle(&gp, 0, 0, 0.5, p);
    circle(&gc, 0, 1, 0.5, c); /* half disc on the left edge */
    circle(&gc, 0, 0, 0.5, q); /* quarter disc in the lower left corner */
    size_t a0 = af_grid_mask_count(&gc, c);
    for (int k = 0; k < K; k++) {
        af_mbo_step(mp, p, p);
        af_mbo_step(mc, c, c);
        af_mbo_step(mc, q, q);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) {
                uint8_t half = i < n / 2 ? p[(i + n / 2) + (size_t)n * j] : 0;
                uint8_t quarter = i < n / 2 && j < n / 2 ? p[(i + n / 2) + (size_t)n * (j + n / 2)] : 0;
                if (c[i + (size_t)n * j] != half)
                    fail_msg("half disc: step %d, cell (%d, %d): clamped %d, periodic %d", k + 1, i,
                             j, c[i + (size_t)n * j], half);
                if (q[i + (size_t)n * j] != quarter)
                    fail_msg("quarter disc: step %d, cell (%d, %d): clamped %d, periodic %d", k + 1,
                             i, j, q[i + (size_t)n * j], quarter);
            }
    }
    assert_true(af_grid_mask_count(&gc, c) < a0); /* it did move */
    af_mbo_free(mp);
    af_mbo_free(mc);
    free(p);
    free(c);
    free(q);
}

/* ---- (a) straight fronts stay ------------------------------------------ */

static void test_straight_fronts(void **state)
{
    (void)state;
    const int n = 128, K = 20;
    size_t cells = (size_t)n * n;
    uint8_t *a = malloc(cells), *b = malloc(cells);
    double *rho = malloc(cells * sizeof *rho);
    assert_true(a && b && rho);
    af_grid gc, gp;
    make_grid(&gc, n, -1, 1, AF_EDGE_CLAMP);
    make_grid(&gp, n, -1, 1, AF_EDGE_PERIODIC);
    double h = h_for(&gc, 5.0);

    /* Clamped half-planes x <= 0.13 and y <= -0.31 (fronts meet the box
     * edge at right angles: nothing to do), uniform, and with a density
     * that varies only along the front (d_nu log rho = 0: the ratio is the
     * uniform 1D one exactly, mirror images included). */
    for (int axis = 0; axis < 2; axis++)
        for (int d = 0; d < 2; d++) {
            for (int j = 0; j < n; j++)
                for (int i = 0; i < n; i++) {
                    double x = af_grid_center(&gc, i), y = af_grid_center(&gc, j);
                    a[i + (size_t)n * j] = axis ? y <= -0.31 : x <= 0.13;
                    rho[i + (size_t)n * j] = exp(axis ? 1.7 * x : -2.3 * y) * (1.2 + sin(axis ? 5 * x : 4 * y));
                }
            af_mbo *m = make_mbo(&gc, h, d ? rho : NULL);
            memcpy(b, a, cells);
            for (int k = 0; k < K; k++)
                af_mbo_step(m, b, b);
            assert_int_equal(tu_first_diff(a, b, cells), -1);
            af_mbo_free(m);
        }

    /* Periodic stripes: horizontal |y - 0.1| <= 0.4, and diagonal
     * (i + j) mod n < n / 2 (a staircase that a point reflection maps to its
     * complement: G * 1_A = 1/2 on the front by symmetry, so nothing moves). */
    af_mbo *m = make_mbo(&gp, h, NULL);
    for (int kind = 0; kind < 2; kind++) {
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                a[i + (size_t)n * j] = kind ? (i + j) % n < n / 2
                                            : fabs(af_grid_center(&gp, j) - 0.1) <= 0.4;
        memcpy(b, a, cells);
        for (int k = 0; k < K; k++)
            af_mbo_step(m, b, b);
        assert_int_equal(tu_first_diff(a, b, cells), -1);
    }
    af_mbo_free(m);
    free(a);
    free(b);
    free(rho);
}

/* ---- (b) area rate 2 pi, roundness -------------------------------------- */

typedef struct {
    double rate;     /* (A0 - A(T)) / (2 pi T) */
    double worst;    /* max over steps of |A_k - (A0 - 2 pi k h)| / (2 pi k h) */
    double round;    /* roundness_cells at T */
    double drift;    /* centroid displacement at T, cells */
} flow_stats;

/* Run K steps from mask a0 (kept), uniform density. */
static flow_stats run_area(const af_grid *g, double sig_cells, const uint8_t *a0, int K)
{
    size_t cells = af_grid_cells(g);
    double h = h_for(g, sig_cells);
    af_mbo *m = make_mbo(g, h, NULL);
    uint8_t *a = malloc(cells);
    assert_non_null(a);
    memcpy(a, a0, cells);
    double A0 = af_grid_mask_area(g, a), c0[2], c1[2];
    assert_true(af_grid_mask_centroid(g, a, c0) > 0);
    flow_stats st = {0, 0, 0, 0};
    for (int k = 1; k <= K; k++) {
        af_mbo_step(m, a, a);
        double lost = 2 * PI * k * h;
        double e = fabs(af_grid_mask_area(g, a) - (A0 - lost)) / lost;
        /* skip the first few steps, where one row of cells is a large
         * fraction of what should have been lost */
        if (k >= 10)
            st.worst = fmax(st.worst, e);
    }
    st.rate = (A0 - af_grid_mask_area(g, a)) / (2 * PI * K * h);
    st.round = roundness_cells(g, a);
    assert_true(af_grid_mask_centroid(g, a, c1) > 0);
    st.drift = hypot(c1[0] - c0[0], c1[1] - c0[1]) / g->dx;
    af_mbo_free(m);
    free(a);
    return st;
}

static void test_circle_area_rate(void **state)
{
    (void)state;
    /* Headline: n = 256, r0 = 0.5, sigma = 5 cells, t in [0, 0.1] (r from
     * 0.5 to 0.22), clamped and periodic.  sigma = 3.5 cells pins this
     * circle (h kappa = 0.1 cell per step); see the table printed below. */
    for (int e = 0; e < 2; e++) {
        af_grid g;
        make_grid(&g, 256, -1, 1, e ? AF_EDGE_PERIODIC : AF_EDGE_CLAMP);
        uint8_t *a = malloc(af_grid_cells(&g));
        assert_non_null(a);
        circle(&g, 0, 0, 0.5, a);
        int K = (int)(0.1 / h_for(&g, 5.0));
        flow_stats st = run_area(&g, 5.0, a, K);
        printf("    circle n=256 sigma=5 cells %s: area rate / 2 pi = %.4f, worst step %.3f, "
               "roundness %.2f cells, centroid drift %.2f cells\n",
               af_edge_name(g.edge), st.rate, st.worst, st.round, st.drift);
        assert_true(fabs(st.rate - 1) < 0.05);
        assert_true(st.worst < 0.10);
        assert_true(st.round < 1.5);
        assert_true(st.drift < 0.01);
        free(a);
    }

    /* Table: area rate / 2 pi for a few n and sigma (cells), clamped, same
     * physical run.  Bound: within 10% where the front is not pinned. */
    const struct { int n; double s; } runs[] = {
        {128, 4.0}, {128, 6.0}, {256, 4.0}, {256, 8.0}, {512, 5.0}, {512, 8.0},
    };
    for (size_t k = 0; k < sizeof runs / sizeof runs[0]; k++) {
        af_grid g;
        make_grid(&g, runs[k].n, -1, 1, AF_EDGE_CLAMP);
        uint8_t *a = malloc(af_grid_cells(&g));
        assert_non_null(a);
        circle(&g, 0, 0, 0.5, a);
        int K = (int)(0.1 / h_for(&g, runs[k].s));
        flow_stats st = run_area(&g, runs[k].s, a, K);
        printf("    circle n=%d sigma=%.0f cells (%d steps): area rate / 2 pi = %.4f, roundness %.2f "
               "cells\n",
               runs[k].n, runs[k].s, K, st.rate, st.round);
        assert_true(fabs(st.rate - 1) < 0.10);
        assert_true(st.round < 1.5);
        free(a);
    }
}

/* Any closed curve: a five-pointed star (non-convex) also loses area at
 * rate 2 pi, and turns round. */
static void test_star_area_rate(void **state)
{
    (void)state;
    af_grid g;
    make_grid(&g, 256, -1, 1, AF_EDGE_CLAMP);
    uint8_t *a = malloc(af_grid_cells(&g));
    assert_non_null(a);
    af_shape s = {0};
    af_error err;
    s.kind = AF_SHAPE_STAR;
    s.radius = 0.6;
    s.points = 5;
    s.amplitude = 0.2;
    s.angle = 10;
    assert_int_equal(af_shape_mask(&g, &s, a, &err), AF_OK);
    int K = (int)(0.12 / h_for(&g, 5.0));
    flow_stats st = run_area(&g, 5.0, a, K);
    printf("    star n=256 sigma=5 cells: area rate / 2 pi = %.4f, worst step %.3f, roundness at "
           "t = 0.12: %.2f cells\n",
           st.rate, st.worst, st.round);
    assert_true(fabs(st.rate - 1) < 0.05);
    assert_true(st.worst < 0.10);
    assert_true(st.round < 2.0);
    free(a);
}

/* ---- (c) translation invariance on a torus ------------------------------ */

static void shift(int n, const uint8_t *a, uint8_t *b, int dx, int dy)
{
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
            b[(i + dx) % n + (size_t)n * ((j + dy) % n)] = a[i + (size_t)n * j];
}

static void shiftd(int n, const double *a, double *b, int dx, int dy)
{
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
            b[(i + dx) % n + (size_t)n * ((j + dy) % n)] = a[i + (size_t)n * j];
}

static void test_translation(void **state)
{
    (void)state;
    const int n = 128;
    size_t cells = (size_t)n * n;
    af_grid g;
    make_grid(&g, n, -1, 1, AF_EDGE_PERIODIC);
    double h = h_for(&g, 4.0);
    tu_rng r;
    tu_seed(&r, 3);
    uint8_t *a = calloc(cells, 1), *as = malloc(cells), *o = malloc(cells), *os = malloc(cells),
            *t = malloc(cells);
    double *rho = malloc(cells * sizeof *rho), *rhos = malloc(cells * sizeof *rhos);
    assert_true(a && as && o && os && t && rho && rhos);
    blobs(&r, n, a, 25, 3, 20);
    af_density dd = {0};
    dd.kind = AF_DENSITY_GAUSSIAN;
    dd.value = 1;
    dd.center[0] = 0.2;
    dd.center[1] = -0.1;
    dd.sigma = 0.6;
    density(&g, &dd, rho);
    shift(n, a, as, 7, 3);
    shiftd(n, rho, rhos, 7, 3);
    for (int d = 0; d < 2; d++) {
        af_mbo *m = make_mbo(&g, h, d ? rho : NULL), *ms = make_mbo(&g, h, d ? rhos : NULL);
        memcpy(o, a, cells);
        memcpy(os, as, cells);
        for (int k = 0; k < 5; k++) {
            af_mbo_step(m, o, o);
            af_mbo_step(ms, os, os);
            shift(n, o, t, 7, 3);
            assert_int_equal(tu_first_diff(t, os, cells), -1);
        }
        assert_true(tu_first_diff(a, o, cells) != -1); /* it moved */
        af_mbo_free(m);
        af_mbo_free(ms);
    }
    free(a);
    free(as);
    free(o);
    free(os);
    free(t);
    free(rho);
    free(rhos);
}

/* ---- (d) monotone; complement duality ----------------------------------- */

static void test_monotone_and_complement(void **state)
{
    (void)state;
    const int n = 96;
    size_t cells = (size_t)n * n;
    tu_rng r;
    tu_seed(&r, 5);
    uint8_t *a = malloc(cells), *b = malloc(cells), *c = malloc(cells), *oc = malloc(cells);
    double *rho = malloc(cells * sizeof *rho);
    assert_true(a && b && c && oc && rho);
    for (int e = 0; e < 2; e++) {
        af_grid g;
        make_grid(&g, n, -1, 1, e ? AF_EDGE_PERIODIC : AF_EDGE_CLAMP);
        af_density dd = {0};
        dd.kind = AF_DENSITY_MIXTURE;
        const double comp[] = {1.0, -0.4, 0.3, 0.3, 0.5, 0.5, -0.2, 0.4, 0.2, 0.0, 0.0, 1.0};
        dd.components = comp;
        dd.ncomponents = 3;
        density(&g, &dd, rho);
        for (int d = 0; d < 2; d++) {
            af_mbo *m = make_mbo(&g, h_for(&g, 3.0), d ? rho : NULL);
            for (int trial = 0; trial < 5; trial++) {
                memset(a, 0, cells);
                blobs(&r, n, a, 12, 2, 15);
                memcpy(b, a, cells);
                blobs(&r, n, b, 6, 1, 8); /* b contains a */
                for (int k = 0; k < 6; k++) {
                    /* complement duality: step(A^c) = step(A)^c off ties */
                    for (size_t i = 0; i < cells; i++)
                        c[i] = !a[i];
                    af_mbo_step(m, c, oc);
                    af_mbo_step(m, a, a);
                    af_mbo_step(m, b, b);
                    for (size_t i = 0; i < cells; i++) {
                        if (a[i] && !b[i])
                            fail_msg("%s density=%d trial %d step %d: nesting broken at cell %zu",
                                     af_edge_name(g.edge), d, trial, k, i);
                        if (oc[i] == a[i])
                            fail_msg("%s density=%d trial %d step %d: complement broken at cell %zu",
                                     af_edge_name(g.edge), d, trial, k, i);
                    }
                }
            }
            af_mbo_free(m);
        }
    }
    free(a);
    free(b);
    free(c);
    free(oc);
    free(rho);
}

/* ---- (e) Gaussian density: r = sigma is an unstable equilibrium --------- */

static void test_gaussian_density(void **state)
{
    (void)state;
    const int n = 256, K = 10;
    const double s = 0.5;
    af_grid g;
    make_grid(&g, n, -1, 1, AF_EDGE_CLAMP);
    size_t cells = af_grid_cells(&g);
    double *rho = malloc(cells * sizeof *rho);
    uint8_t *a = malloc(cells);
    assert_true(rho && a);
    af_density dd = {0};
    dd.kind = AF_DENSITY_GAUSSIAN;
    dd.value = 1;
    dd.sigma = s;
    density(&g, &dd, rho);
    double h = h_for(&g, 8.0), t = K * h;
    af_mbo *m = make_mbo(&g, h, rho);
    const double r0s[] = {0.8 * s, 1.2 * s};
    for (int k = 0; k < 2; k++) {
        double r0 = r0s[k];
        circle(&g, 0, 0, r0, a);
        double A0 = af_grid_mask_area(&g, a), req0 = sqrt(A0 / PI);
        for (int step = 0; step < K; step++)
            af_mbo_step(m, a, a);
        double req = sqrt(af_grid_mask_area(&g, a) / PI);
        /* law from the digital disc's equivalent radius */
        double r2 = s * s + (req0 * req0 - s * s) * exp(2 * t / (s * s));
        double want = sqrt(r2);
        printf("    gaussian rho sigma=%.2f, r0 = %.1f sigma, t = %.4f: r %.4f -> %.4f, law %.4f "
               "(change measured / law = %.3f)\n",
               s, r0 / s, t, req0, req, want, (req - req0) / (want - req0));
        if (k == 0)
            assert_true(req < req0 - 2 * g.dx);
        else
            assert_true(req > req0 + g.dx);
        assert_true(fabs((req - req0) / (want - req0) - 1) < 0.25);
        assert_true(roundness_cells(&g, a) < 1.5);
    }
    af_mbo_free(m);
    free(rho);
    free(a);
}

/* ---- (f) exp(a . x): drift with velocity -a ------------------------------ */

/* With w = sqrt(rho) = exp(a . x / 2), G * (w 1_A) / G * w at x is exactly
 * (G * 1_A)(x + h a): the step is the uniform step moved by -h a.  A
 * straight front x <= c in rho = exp(a x) is therefore the set of cell
 * centres <= c - h a: it moves by round(h a / dx) cells per step, exactly --
 * zero when h a < dx / 2 (MBO's pinning).  Sensitive to the drift's size to
 * 2% here (h a / dx = 2.45 must give 2 cells, 2.55 must give 3). */
static void test_exp_density_flat_front(void **state)
{
    (void)state;
    const int n = 128, K = 6;
    af_grid g;
    make_grid(&g, n, -1, 1, AF_EDGE_CLAMP);
    size_t cells = af_grid_cells(&g);
    double *rho = malloc(cells * sizeof *rho);
    uint8_t *a = malloc(cells);
    assert_true(rho && a);
    double h = h_for(&g, 5.0);
    const double per_step[] = {0.45, 0.55, 1.45, 2.45, 2.55};
    const int want[] = {0, 1, 1, 2, 3};
    for (int v = 0; v < 5; v++)
        for (int sgn = -1; sgn <= 1; sgn += 2) {
            /* a > 0: the front x <= c moves left; a < 0: right (use the
             * front c = 0, at a cell face, well inside the box). */
            double ax = sgn * per_step[v] * g.dx / h;
            for (int j = 0; j < n; j++)
                for (int i = 0; i < n; i++) {
                    rho[i + (size_t)n * j] = exp(ax * af_grid_center(&g, i));
                    a[i + (size_t)n * j] = i < n / 2;
                }
            af_mbo *m = make_mbo(&g, h, rho);
            for (int k = 1; k <= K; k++) {
                af_mbo_step(m, a, a);
                int front = n / 2 - sgn * want[v] * k; /* first outside column */
                for (int j = 0; j < n; j++)
                    for (int i = 0; i < n; i++)
                        if (a[i + (size_t)n * j] != (i < front))
                            fail_msg("h a / dx = %+.2f, step %d: cell (%d, %d) is %d, front "
                                     "should be at column %d",
                                     sgn * per_step[v], k, i, j, a[i + (size_t)n * j], front);
            }
            af_mbo_free(m);
        }
    free(rho);
    free(a);
}

/* A circle in exp(a . x) keeps r^2 = r0^2 - 2 t and drifts with velocity
 * -a.  MBO gets the drift right on average but quantises it: near-flat
 * stretches of the front move by whole cells per step (see the flat-front
 * test), so where h V / dx is small on some side of the circle (V = 1/r
 * + a . nu, as low as 1/r - |a|), the drift comes out several % off.
 * Measured along -a / |a| (least-squares centroid velocity, t in [0,
 * 0.07]): 1.18, 1.00, 1.09 at sigma = 5 cells; 1.01, 1.00, 1.11 at 8;
 * 1.00, 1.00, 0.98 at 12, for the three a below.  Bounds: 25%, 15%, 4%. */
static void test_exp_density_drift(void **state)
{
    (void)state;
    const int n = 256;
    af_grid g;
    make_grid(&g, n, -1, 1, AF_EDGE_CLAMP);
    size_t cells = af_grid_cells(&g);
    double *rho = malloc(cells * sizeof *rho);
    uint8_t *a = malloc(cells);
    assert_true(rho && a);
    const double avec[][2] = {{1.5, 1.0}, {-3.0, 0.5}, {1.0, 0.0}};
    const double sig_cells[] = {5.0, 8.0, 12.0};
    const double T = 0.07; /* r from 0.45 to 0.24 */
    for (int v = 0; v < 3; v++) {
        af_density dd = {0};
        dd.kind = AF_DENSITY_EXP;
        dd.value = 1;
        dd.a[0] = avec[v][0];
        dd.a[1] = avec[v][1];
        density(&g, &dd, rho);
        for (int si = 0; si < 3; si++) {
            double h = h_for(&g, sig_cells[si]);
            int K = (int)(T / h);
            double t = K * h;
            af_mbo *m = make_mbo(&g, h, rho);
            circle(&g, 0, 0, 0.45, a);
            double A0 = af_grid_mask_area(&g, a);
            /* least-squares velocity of the centroid over all steps (the
             * centroid of a digital disc wobbles by a tenth of a cell) */
            double st = 0, stt = 0, sx = 0, sy = 0, stx = 0, sty = 0, c[2];
            for (int k = 0; k <= K; k++) {
                if (k > 0)
                    af_mbo_step(m, a, a);
                assert_true(af_grid_mask_centroid(&g, a, c) > 0);
                double tk = k * h;
                st += tk;
                stt += tk * tk;
                sx += c[0];
                sy += c[1];
                stx += tk * c[0];
                sty += tk * c[1];
            }
            double det = (K + 1) * stt - st * st;
            double vx = ((K + 1) * stx - st * sx) / det, vy = ((K + 1) * sty - st * sy) / det;
            double an = hypot(avec[v][0], avec[v][1]);
            double along = -(vx * avec[v][0] + vy * avec[v][1]) / (an * an);
            double across = (vx * avec[v][1] - vy * avec[v][0]) / (an * an);
            double rate = (A0 - af_grid_mask_area(&g, a)) / (2 * PI * t);
            printf("    exp rho a=(%4.1f, %3.1f), sigma=%2.0f cells, %2d steps to t = %.4f: drift "
                   "along -a / |a| = %.4f, across / |a| = %+.4f, area rate / 2 pi = %.4f\n",
                   avec[v][0], avec[v][1], sig_cells[si], K, t, along, across, rate);
            double tol = si == 0 ? 0.25 : si == 1 ? 0.15 : 0.04;
            assert_true(fabs(along - 1) < tol);
            assert_true(fabs(across) < 0.05);
            assert_true(fabs(rate - 1) < 0.10);
            af_mbo_free(m);
        }
    }
    free(rho);
    free(a);
}

/* ---- zero density: cells where G * sqrt(rho) is unresolved keep their input */

static void test_zero_density(void **state)
{
    (void)state;
    const int n = 128;
    af_grid g;
    make_grid(&g, n, -1, 1, AF_EDGE_CLAMP);
    size_t cells = af_grid_cells(&g);
    double *rho = malloc(cells * sizeof *rho);
    uint8_t *a = malloc(cells), *b = malloc(cells);
    assert_true(rho && a && b);
    tu_rng r;
    tu_seed(&r, 9);
    tu_random_mask(&r, a, cells, 0.5);

    /* rho = 0 everywhere: nothing is resolved, nothing moves. */
    for (size_t i = 0; i < cells; i++)
        rho[i] = 0;
    af_mbo *m = make_mbo(&g, h_for(&g, 3.0), rho);
    af_mbo_step(m, a, b);
    assert_int_equal(tu_first_diff(a, b, cells), -1);
    af_mbo_free(m);

    /* rho = 1 for x > 0, 0 for x < 0: far left (more than 7 sigma from the
     * density, where G * sqrt(rho) < 1e-9 of its maximum) keeps the random
     * noise; the right half is smoothed (noise dies). */
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
            rho[i + (size_t)n * j] = i >= n / 2 ? 1.0 : 0.0;
    m = make_mbo(&g, h_for(&g, 3.0), rho);
    af_mbo_step(m, a, b);
    size_t kept_left = 0, left = 0, changed_right = 0;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            size_t k = i + (size_t)n * j;
            if (i < n / 2 - 21) {
                left++;
                kept_left += a[k] == b[k];
            } else if (i >= n / 2) {
                changed_right += a[k] != b[k];
            }
        }
    assert_int_equal(kept_left, left);
    assert_true(changed_right > (size_t)n * n / 8);
    af_mbo_free(m);
    free(rho);
    free(a);
    free(b);
}

/* FFTW wisdom: exported after a measured plan, imported back; a file
 * that is not wisdom, a missing one and an unwritable path are AF_EIO or
 * AF_EINVAL, with or without a message.  Plans made after the import give
 * the same convolution, bit for bit. */
static void test_wisdom(void **state)
{
    (void)state;
    af_grid g;
    assert_int_equal(af_grid_init(&g, 2, 48, -1, 1, AF_EDGE_CLAMP, NULL), AF_OK);
    size_t cells = af_grid_cells(&g);
    af_error err;
    af_gauss *a = af_gauss_alloc(&g, 1, &err);
    assert_non_null(a);
    char path[] = "/tmp/advflow-wisdom-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(af_gauss_wisdom_export(path, &err), AF_OK);
    assert_int_equal(af_gauss_wisdom_import(path, &err), AF_OK);
    af_gauss *b = af_gauss_alloc(&g, 1, &err);
    assert_non_null(b);
    assert_int_equal(af_gauss_set_sigma(a, 0.07, NULL), AF_OK);
    assert_int_equal(af_gauss_set_sigma(b, 0.07, NULL), AF_OK);
    for (size_t x = 0; x < cells; x++)
        af_gauss_buffer(a)[x] = af_gauss_buffer(b)[x] = (x * 7919 % 101) / 100.0;
    af_gauss_convolve(a);
    af_gauss_convolve(b);
    assert_memory_equal(af_gauss_buffer(a), af_gauss_buffer(b), cells * sizeof(double));
    FILE *fp = fopen(path, "w");
    fputs("not wisdom\n", fp);
    fclose(fp);
    assert_int_equal(af_gauss_wisdom_import(path, &err), AF_EIO);
    assert_int_equal(af_gauss_wisdom_import(path, NULL), AF_EIO);
    unlink(path);
    assert_int_equal(af_gauss_wisdom_import(path, NULL), AF_EIO);
    assert_int_equal(af_gauss_wisdom_import(NULL, NULL), AF_EINVAL);
    assert_int_equal(af_gauss_wisdom_export("/nonexistent-dir/wisdom", &err), AF_EIO);
    assert_int_equal(af_gauss_wisdom_export("/nonexistent-dir/wisdom", NULL), AF_EIO);
    af_gauss_free(a);
    af_gauss_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc_errors),
        cmocka_unit_test(test_wisdom),
        cmocka_unit_test(test_tiny_grids),
        cmocka_unit_test(test_brute_convolution),
        cmocka_unit_test(test_mirror_matches_periodic),
        cmocka_unit_test(test_straight_fronts),
        cmocka_unit_test(test_circle_area_rate),
        cmocka_unit_test(test_star_area_rate),
        cmocka_unit_test(test_translation),
        cmocka_unit_test(test_monotone_and_complement),
        cmocka_unit_test(test_gaussian_density),
        cmocka_unit_test(test_exp_density_flat_front),
        cmocka_unit_test(test_exp_density_drift),
        cmocka_unit_test(test_zero_density),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
