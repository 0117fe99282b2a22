/* advflow tests: Gaussian convolution (gauss.h) and kernel density
 * estimation (kde.h).  GPL-3.0-or-later.
 *
 * gauss: mass is preserved, sigma = 0 is the identity, a delta becomes the
 * sampled Gaussian with its periodic or mirror images, the operator is
 * symmetric and (periodic) commutes with translations.  kde: each class
 * keeps its mass W_c / W, also with points on the box edge and corners; a
 * point at a cell centre gives the (reflected) Gaussian; the estimate of a
 * known Gaussian mixture converges in L1 as the sample grows (errors are
 * printed); Silverman's rule on a hand-computed set; errors. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>

#include "advflow/gauss.h"
#include "advflow/kde.h"

#define PI 3.14159265358979323846

/* ---- helpers --------------------------------------------------------- */

static void make_grid(af_grid *g, int n, double lo, double hi, af_edge edge)
{
    af_error err;
    assert_int_equal(af_grid_init(g, 2, n, lo, hi, edge, &err), AF_OK);
}

static af_gauss *make_gauss(const af_grid *g, double sigma)
{
    af_error err;
    af_gauss *p = af_gauss_alloc(g, 0, &err);
    if (!p)
        fail_msg("af_gauss_alloc: %s", err.msg);
    if (af_gauss_set_sigma(p, sigma, &err) != AF_OK)
        fail_msg("af_gauss_set_sigma: %s", err.msg);
    return p;
}

static af_kde *make_kde(const af_grid *g)
{
    af_error err;
    af_kde *k = af_kde_alloc(g, &err);
    if (!k)
        fail_msg("af_kde_alloc: %s", err.msg);
    return k;
}

/* count points at the origin with label 0 and weights 1, to be set. */
static af_points *pts_alloc(size_t count)
{
    af_points *p = af_points_alloc(count, NULL);
    assert_non_null(p);
    return p;
}

static void fill(af_kde *k, const af_points *p, int label, double b, double *rho)
{
    af_error err;
    if (af_kde_fill(k, p, label, b, rho, &err) != AF_OK)
        fail_msg("af_kde_fill: %s", err.msg);
}

/* Standard normal pair by Box-Muller. */
static void normal2(tu_rng *r, double *a, double *b)
{
    double u = 1.0 - tu_uniform(r); /* (0, 1]: log(u) finite */
    double v = tu_uniform(r);
    double rad = sqrt(-2.0 * log(u));
    *a = rad * cos(2 * PI * v);
    *b = rad * sin(2 * PI * v);
}

static double phi(double x, double s)
{
    return exp(-0.5 * x * x / (s * s)) / (sqrt(2 * PI) * s);
}

/* 1D Gaussian of sigma s centred at c, seen from x through the grid's
 * edge: periodic images c + k L, or mirror images c + 2 k L and
 * 2 lo - c + 2 k L (the even extension about the box edges). */
static double phi_images(const af_grid *g, double x, double c, double s)
{
    double L = g->hi - g->lo, v = 0;
    for (int k = -4; k <= 4; k++) {
        if (g->edge == AF_EDGE_PERIODIC)
            v += phi(x - c - k * L, s);
        else
            v += phi(x - c - 2 * k * L, s) + phi(x - (2 * g->lo - c) - 2 * k * L, s);
    }
    return v;
}

static double sum(const double *f, size_t cells)
{
    double s = 0;
    for (size_t i = 0; i < cells; i++)
        s += f[i];
    return s;
}

static double max_abs(const double *f, size_t cells)
{
    double m = 0;
    for (size_t i = 0; i < cells; i++)
        if (fabs(f[i]) > m)
            m = fabs(f[i]);
    return m;
}

/* ---- gauss ----------------------------------------------------------- */

static void test_gauss_mass(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 11);
    const int ns[] = {1, 7, 45, 64};
    const double cells_sigma[] = {0.3, 1.0, 3.0, 20.0, 1e4};
    for (int e = 0; e < 2; e++)
        for (size_t a = 0; a < sizeof ns / sizeof ns[0]; a++)
            for (size_t b = 0; b < sizeof cells_sigma / sizeof cells_sigma[0]; b++) {
                af_grid g;
                make_grid(&g, ns[a], -1.5, 0.7, e ? AF_EDGE_PERIODIC : AF_EDGE_CLAMP);
                af_gauss *p = make_gauss(&g, cells_sigma[b] * g.dx);
                size_t cells = af_grid_cells(&g);
                double *f = af_gauss_buffer(p);
                for (size_t i = 0; i < cells; i++)
                    f[i] = tu_uniform(&r) < 0.3 ? 10 * tu_uniform(&r) : 0.0;
                f[cells / 2] = 1.0; /* never all zero */
                double s0 = sum(f, cells);
                af_gauss_convolve(p);
                double s1 = sum(f, cells);
                if (fabs(s1 - s0) > 1e-12 * s0)
                    fail_msg("%s n = %d sigma = %g cells: sum %.17g -> %.17g",
                             af_edge_name(g.edge), g.n, cells_sigma[b], s0, s1);
                af_gauss_free(p);
            }
}

static void test_gauss_identity(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 12);
    for (int e = 0; e < 2; e++) {
        af_grid g;
        make_grid(&g, 30, 0, 1, e ? AF_EDGE_PERIODIC : AF_EDGE_CLAMP);
        size_t cells = af_grid_cells(&g);
        double *ref = malloc(cells * sizeof *ref);
        assert_non_null(ref);
        for (size_t i = 0; i < cells; i++)
            ref[i] = tu_uniform(&r) - 0.5;
        /* A fresh plan, then one set back to 0 after another sigma. */
        af_error err;
        af_gauss *p = af_gauss_alloc(&g, 0, &err);
        assert_non_null(p);
        for (int pass = 0; pass < 2; pass++) {
            if (pass) {
                assert_int_equal(af_gauss_set_sigma(p, 0.1, &err), AF_OK);
                assert_int_equal(af_gauss_set_sigma(p, 0.0, &err), AF_OK);
            }
            double *f = af_gauss_buffer(p);
            memcpy(f, ref, cells * sizeof *f);
            af_gauss_convolve(p);
            assert_memory_equal(f, ref, cells * sizeof *f);
        }
        af_gauss_free(p);
        free(ref);
    }
}

/* A unit delta at cell (ci, cj) becomes dx^2 G(x - c) with the edge's
 * images, up to the aliasing exp(-pi^2 sigma^2 / (2 dx^2)) of the spectral
 * kernel (gauss.h).  Returns the largest error relative to the peak. */
static double delta_error(const af_grid *g, int ci, int cj, double sigma_cells)
{
    double s = sigma_cells * g->dx;
    af_gauss *p = make_gauss(g, s);
    int n = g->n;
    size_t cells = af_grid_cells(g);
    double *f = af_gauss_buffer(p);
    memset(f, 0, cells * sizeof *f);
    f[(size_t)ci + (size_t)n * cj] = 1.0;
    af_gauss_convolve(p);
    double cx = af_grid_center(g, ci), cy = af_grid_center(g, cj), err = 0, peak = 0;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            double ref = g->dx * g->dx * phi_images(g, af_grid_center(g, i), cx, s) *
                         phi_images(g, af_grid_center(g, j), cy, s);
            double d = fabs(f[i + (size_t)n * j] - ref);
            if (d > err)
                err = d;
            if (ref > peak)
                peak = ref;
        }
    af_gauss_free(p);
    return err / peak;
}

static void test_gauss_delta(void **state)
{
    (void)state;
    const double sig[] = {2.0, 2.5, 3.0, 5.0, 12.0};
    for (int e = 0; e < 2; e++) {
        af_grid g;
        make_grid(&g, 64, -1, 1, e ? AF_EDGE_PERIODIC : AF_EDGE_CLAMP);
        for (size_t k = 0; k < sizeof sig / sizeof sig[0]; k++) {
            /* The centre, and a cell near a corner (mirror or wrapped images
             * matter there). */
            double e1 = delta_error(&g, 32, 32, sig[k]);
            double e2 = delta_error(&g, 2, 60, sig[k]);
            print_message("gauss delta %s sigma = %4.1f cells: error / peak %.1e (centre), "
                          "%.1e (corner)\n",
                          af_edge_name(g.edge), sig[k], e1, e2);
            /* The aliasing bound, with a margin of 10 and a floor for
             * rounding. */
            double tol = fmax(10 * exp(-PI * PI * sig[k] * sig[k] / 2), 1e-13);
            assert_true(e1 <= tol && e2 <= tol);
            assert_true(e1 <= 1e-10 || sig[k] < 2.5);
        }
    }
}

static void test_gauss_symmetry(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 13);
    for (int e = 0; e < 2; e++) {
        /* Odd n: the centre cell is the box's centre. */
        af_grid g;
        make_grid(&g, 41, 0, 3, e ? AF_EDGE_PERIODIC : AF_EDGE_CLAMP);
        int n = g.n;
        size_t cells = af_grid_cells(&g);
        af_gauss *p = make_gauss(&g, 2.7 * g.dx);
        double *f = af_gauss_buffer(p);
        memset(f, 0, cells * sizeof *f);
        f[20 + (size_t)n * 20] = 1.0;
        af_gauss_convolve(p);
        double peak = max_abs(f, cells);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) {
                double v = f[i + (size_t)n * j];
                assert_true(fabs(v - f[(n - 1 - i) + (size_t)n * j]) <= 1e-14 * peak);
                assert_true(fabs(v - f[i + (size_t)n * (n - 1 - j)]) <= 1e-14 * peak);
                assert_true(fabs(v - f[j + (size_t)n * i]) <= 1e-14 * peak);
            }

        /* Self-adjoint: <G a, b> = <a, G b> for random a, b. */
        double *a = malloc(cells * sizeof *a), *b = malloc(cells * sizeof *b);
        double *ga = malloc(cells * sizeof *ga);
        assert_true(a && b && ga);
        for (size_t i = 0; i < cells; i++) {
            a[i] = tu_uniform(&r);
            b[i] = tu_uniform(&r);
        }
        memcpy(f, a, cells * sizeof *f);
        af_gauss_convolve(p);
        memcpy(ga, f, cells * sizeof *f);
        memcpy(f, b, cells * sizeof *f);
        af_gauss_convolve(p);
        double s1 = 0, s2 = 0;
        for (size_t i = 0; i < cells; i++) {
            s1 += ga[i] * b[i];
            s2 += a[i] * f[i];
        }
        assert_true(fabs(s1 - s2) <= 1e-13 * fabs(s1));
        free(a);
        free(b);
        free(ga);
        af_gauss_free(p);
    }
}

static void test_gauss_translation(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 14);
    af_grid g;
    make_grid(&g, 48, -2, 2, AF_EDGE_PERIODIC);
    int n = g.n, sx = 5, sy = 31;
    size_t cells = af_grid_cells(&g);
    af_gauss *p = make_gauss(&g, 3.3 * g.dx);
    double *f = af_gauss_buffer(p);
    double *a = malloc(cells * sizeof *a), *ga = malloc(cells * sizeof *ga);
    assert_true(a && ga);
    for (size_t i = 0; i < cells; i++)
        a[i] = tu_uniform(&r) < 0.2 ? 1.0 : 0.0;
    memcpy(f, a, cells * sizeof *f);
    af_gauss_convolve(p);
    memcpy(ga, f, cells * sizeof *f);
    /* Shift a by (sx, sy) cells, with wrap-around, and convolve. */
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
            f[(i + sx) % n + (size_t)n * ((j + sy) % n)] = a[i + (size_t)n * j];
    af_gauss_convolve(p);
    double peak = max_abs(ga, cells);
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
            assert_true(fabs(f[(i + sx) % n + (size_t)n * ((j + sy) % n)] -
                             ga[i + (size_t)n * j]) <= 1e-13 * peak);
    free(a);
    free(ga);
    af_gauss_free(p);
}

static void test_gauss_errors(void **state)
{
    (void)state;
    af_error err;
    af_grid g;
    make_grid(&g, 8, 0, 1, AF_EDGE_CLAMP);

    af_error_clear(&err);
    assert_null(af_gauss_alloc(NULL, 0, &err));
    assert_int_equal(err.status, AF_EINVAL);
    af_grid g3 = g;
    g3.dim = 3;
    assert_null(af_gauss_alloc(&g3, 0, &err));
    assert_int_equal(err.status, AF_EUNSUP);
    af_grid gb = g;
    gb.lo = INFINITY;
    assert_null(af_gauss_alloc(&gb, 0, &err));
    assert_int_equal(err.status, AF_EINVAL);

    af_gauss *p = make_gauss(&g, 0.1);
    const double bad[] = {NAN, -1e-3, INFINITY, -INFINITY};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        af_error_clear(&err);
        assert_int_equal(af_gauss_set_sigma(p, bad[k], &err), AF_EINVAL);
        assert_int_equal(err.status, AF_EINVAL);
        assert_non_null(strstr(err.msg, "sigma"));
    }
    assert_int_equal(af_gauss_set_sigma(p, NAN, NULL), AF_EINVAL);
    af_gauss_free(p);
    af_gauss_free(NULL);
}

/* ---- kde ------------------------------------------------------------- */

/* Checks dx^2 sum rho_c = W_c / W and rho_c >= 0 for both classes. */
static void check_mass(af_kde *k, const af_grid *g, const af_points *p, double b)
{
    size_t cells = af_grid_cells(g), m[2] = {0, 0};
    for (size_t q = 0; q < p->count; q++)
        m[p->label[q]]++;
    /* W_c / W, with the weights taken relative to the larger (their ratio
     * is what counts, and 1e306 * m would overflow) */
    double wm = fmax(p->weight[0], p->weight[1]);
    double W = p->weight[0] / wm * (double)m[0] + p->weight[1] / wm * (double)m[1];
    double *rho = malloc(cells * sizeof *rho);
    assert_non_null(rho);
    double total = 0;
    for (int c = 0; c < 2; c++) {
        fill(k, p, c, b, rho);
        double mass = g->dx * g->dx * sum(rho, cells), want = p->weight[c] / wm * (double)m[c] / W;
        if (fabs(mass - want) > 1e-12 * want)
            fail_msg("%s b = %g: class %d mass %.17g, want %.17g", af_edge_name(g->edge), b, c,
                     mass, want);
        for (size_t i = 0; i < cells; i++)
            assert_true(rho[i] >= 0);
        total += mass;
    }
    assert_true(fabs(total - 1) <= 1e-12);
    free(rho);
}

static void test_kde_mass(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 21);
    for (int e = 0; e < 2; e++) {
        af_grid g;
        make_grid(&g, 50, -1, 2, e ? AF_EDGE_PERIODIC : AF_EDGE_CLAMP);
        double lo = g.lo, hi = g.hi;
        /* Corners, points on each edge (x = hi among them), a point
         * between the last centre and the edge, then random points. */
        const double fixed[][2] = {{lo, lo}, {hi, hi}, {lo, hi}, {hi, lo}, {hi, 0.3},
                                   {0.1, hi}, {lo, 1.234}, {0.7, lo}, {hi - 0.2 * g.dx, 0.5},
                                   {lo + 0.1 * g.dx, hi - 0.3 * g.dx}};
        size_t nf = sizeof fixed / sizeof fixed[0], count = 2 * nf + 300;
        af_points *p = pts_alloc(count);
        for (size_t q = 0; q < count; q++) {
            if (q < 2 * nf) {
                p->x[q] = fixed[q % nf][0];
                p->y[q] = fixed[q % nf][1];
            } else {
                p->x[q] = lo + (hi - lo) * tu_uniform(&r);
                p->y[q] = lo + (hi - lo) * tu_uniform(&r);
            }
            /* Classes of different sizes: 1 in 3 points is class 1. */
            p->label[q] = q % 3 == 0;
        }
        p->weight[0] = 0.7;
        p->weight[1] = 2.5;
        af_kde *k = make_kde(&g);
        /* Below a cell (the spectral kernel rings: the clip matters),
         * a few cells, Silverman's, and wider than the box. */
        check_mass(k, &g, p, 0.4 * g.dx);
        check_mass(k, &g, p, 3 * g.dx);
        check_mass(k, &g, p, af_kde_silverman(p, 1));
        check_mass(k, &g, p, 5 * (hi - lo));
        /* Only the weights' ratio counts: no overflow at 1e306. */
        p->weight[0] = 0.7e306;
        p->weight[1] = 2.5e306;
        check_mass(k, &g, p, 3 * g.dx);
        p->weight[0] = 0.7;
        p->weight[1] = 2.5;
        /* Only edge points in class 0. */
        for (size_t q = 0; q < count; q++)
            p->label[q] = q >= nf;
        check_mass(k, &g, p, 2 * g.dx);
        af_kde_free(k);
        af_points_free(p);
    }
}

/* One point at a cell centre is binned to that cell alone, so its estimate
 * is the sampled Gaussian with the edge's images, scaled to W_c / W; a
 * point halfway between two centres gives the mean of two. */
static void test_kde_single_point(void **state)
{
    (void)state;
    for (int e = 0; e < 2; e++) {
        af_grid g;
        make_grid(&g, 40, 0, 4, e ? AF_EDGE_PERIODIC : AF_EDGE_CLAMP);
        int n = g.n;
        size_t cells = af_grid_cells(&g);
        af_points *p = pts_alloc(3);
        /* Class 0: one point near a corner (the images matter).  Class 1:
         * two points, so W_0 / W = 1 / (1 + 2 * 3). */
        p->x[0] = af_grid_center(&g, 2);
        p->y[0] = af_grid_center(&g, 37);
        p->x[1] = 0.5 * (af_grid_center(&g, 10) + af_grid_center(&g, 11));
        p->y[1] = af_grid_center(&g, 39);
        p->x[2] = p->x[1];
        p->y[2] = p->y[1];
        p->label[1] = p->label[2] = 1;
        p->weight[1] = 3.0;
        double b = 3 * g.dx;
        af_kde *k = make_kde(&g);
        double *rho = malloc(cells * sizeof *rho);
        assert_non_null(rho);
        for (int c = 0; c < 2; c++) {
            fill(k, p, c, b, rho);
            double mass = c ? 6.0 / 7.0 : 1.0 / 7.0, err = 0, peak = 0;
            for (int j = 0; j < n; j++)
                for (int i = 0; i < n; i++) {
                    double x = af_grid_center(&g, i), y = af_grid_center(&g, j), ref;
                    if (c == 0)
                        ref = phi_images(&g, x, p->x[0], b) * phi_images(&g, y, p->y[0], b);
                    else
                        ref = 0.5 *
                              (phi_images(&g, x, af_grid_center(&g, 10), b) +
                               phi_images(&g, x, af_grid_center(&g, 11), b)) *
                              phi_images(&g, y, p->y[1], b);
                    ref *= mass;
                    err = fmax(err, fabs(rho[i + (size_t)n * j] - ref));
                    peak = fmax(peak, ref);
                }
            if (err > 1e-12 * peak)
                fail_msg("%s class %d: error / peak %.2e", af_edge_name(g.edge), c, err / peak);
        }
        free(rho);
        af_kde_free(k);
        af_points_free(p);
    }
}

/* The acceptance test: a KDE of samples from a known density converges.
 * Class 0 is drawn from the mixture below, class 1 from one Gaussian
 * (class weights 1 and 1.5), both truncated to the box by rejection (so
 * the true density is the mixture restricted to the box; the components
 * sit 5 sigma or more from the edge, so little is rejected anyway).  The
 * L1 error dx^2 sum |rho_hat - rho_true|, rho_true sampled at the cell
 * centres and normalised to the same mass W_0 / W, is averaged over seeds
 * for three sample sizes with Silverman's bandwidth. */
#define MIX_K 2
static const double mix_w[MIX_K] = {0.6, 0.4};
static const double mix_c[MIX_K][2] = {{-0.3, -0.15}, {0.35, 0.3}};
static const double mix_s[MIX_K] = {0.12, 0.09};

static double mix_pdf(double x, double y)
{
    double v = 0;
    for (int c = 0; c < MIX_K; c++)
        v += mix_w[c] * phi(x - mix_c[c][0], mix_s[c]) * phi(y - mix_c[c][1], mix_s[c]);
    return v;
}

static void draw_in_box(tu_rng *r, const af_grid *g, double cx, double cy, double s, double *x,
                        double *y)
{
    for (;;) {
        double a, b;
        normal2(r, &a, &b);
        *x = cx + s * a;
        *y = cy + s * b;
        if (*x >= g->lo && *x <= g->hi && *y >= g->lo && *y <= g->hi)
            return;
    }
}

static void test_kde_consistency(void **state)
{
    (void)state;
    af_grid g;
    make_grid(&g, 128, -1, 1, AF_EDGE_CLAMP);
    int n = g.n;
    size_t cells = af_grid_cells(&g);
    double *truth = malloc(cells * sizeof *truth), *rho = malloc(cells * sizeof *rho);
    assert_true(truth && rho);
    double tsum = 0;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
            tsum += truth[i + (size_t)n * j] = mix_pdf(af_grid_center(&g, i), af_grid_center(&g, j));
    af_kde *k = make_kde(&g);

    const size_t sizes[] = {200, 2000, 20000};
    const int nsize = 3, seeds = 5;
    double mean[3];
    for (int a = 0; a < nsize; a++) {
        size_t m0 = sizes[a], m1 = sizes[a] / 2, count = m0 + m1;
        double mass = (double)m0 / ((double)m0 + 1.5 * (double)m1);
        double scale = mass / (g.dx * g.dx * tsum); /* truth's normalisation */
        mean[a] = 0;
        double bsum = 0;
        for (int s = 0; s < seeds; s++) {
            tu_rng r;
            tu_seed(&r, 1000 * (uint64_t)a + (uint64_t)s + 1);
            af_points *p = pts_alloc(count);
            p->weight[1] = 1.5;
            for (size_t q = 0; q < count; q++) {
                if (q < m0) {
                    /* Pick a component, then draw from it. */
                    int c = tu_uniform(&r) < mix_w[0] ? 0 : 1;
                    draw_in_box(&r, &g, mix_c[c][0], mix_c[c][1], mix_s[c], &p->x[q], &p->y[q]);
                } else {
                    draw_in_box(&r, &g, 0.2, -0.4, 0.2, &p->x[q], &p->y[q]);
                    p->label[q] = 1;
                }
            }
            double b = af_kde_silverman(p, 0);
            assert_true(b > 0);
            bsum += b;
            fill(k, p, 0, b, rho);
            double l1 = 0;
            for (size_t i = 0; i < cells; i++)
                l1 += fabs(rho[i] - scale * truth[i]);
            mean[a] += g.dx * g.dx * l1 / seeds;
            af_points_free(p);
        }
        double mass0 = (double)m0 / ((double)m0 + 1.5 * (double)m1);
        print_message("kde L1 error, %5zu points of class 0 (mean of %d seeds, Silverman b = "
                      "%.4f = %.1f cells): %.4f (%.4f of the class mass %.3f)\n",
                      m0, seeds, bsum / seeds, bsum / seeds / g.dx, mean[a], mean[a] / mass0,
                      mass0);
    }
    /* Strictly decreasing, and by a clear factor per tenfold sample
     * (measured 0.59 and 0.54; Silverman's b shrinks like m^(-1/6), so
     * the bias b^2 like m^(-1/3), 0.46 per decade). */
    for (int a = 1; a < nsize; a++) {
        assert_true(mean[a] < mean[a - 1]);
        assert_true(mean[a] < 0.75 * mean[a - 1]);
    }
    af_kde_free(k);
    free(truth);
    free(rho);
}

static void test_silverman(void **state)
{
    (void)state;
    /* Class 0: (0, 0), (1, 0), (0, 2), (3, 2).  x: mean 1, squared
     * deviations 1 + 0 + 1 + 4 = 6, variance 6 / 3 = 2; y: mean 1, 4 / 3.
     * sigma^2 = (2 + 4/3) / 2 = 5/3, b = sqrt(5/3) 4^(-1/6)
     * = 1.0246629730041619.  Class 1 points in between must be ignored. */
    af_points *p = pts_alloc(7);
    const double pts[7][3] = {{0, 0, 0}, {5, 5, 1}, {1, 0, 0}, {0, 2, 0},
                              {-7, 1, 1}, {3, 2, 0}, {2, 9, 1}};
    for (int q = 0; q < 7; q++) {
        p->x[q] = pts[q][0];
        p->y[q] = pts[q][1];
        p->label[q] = (uint8_t)pts[q][2];
    }
    p->weight[0] = 3.0; /* uniform within the class: no effect */
    assert_true(fabs(af_kde_silverman(p, 0) - 1.0246629730041619) <= 1e-15);
    /* Class 1: x 5, -7, 2 (mean 0, squares 25 + 49 + 4 = 78, var 39);
     * y 5, 1, 9 (mean 5, 0 + 16 + 16 = 32, var 16); sigma^2 = 27.5. */
    assert_true(fabs(af_kde_silverman(p, 1) - sqrt(27.5) * pow(3.0, -1.0 / 6.0)) <= 1e-14);

    /* One point of class 1, none, all at one place: 0. */
    p->label[1] = p->label[4] = 0;
    assert_true(af_kde_silverman(p, 1) == 0.0);
    for (int q = 0; q < 7; q++)
        p->label[q] = 0;
    assert_true(af_kde_silverman(p, 1) == 0.0);
    for (int q = 0; q < 7; q++) {
        p->x[q] = 0.25;
        p->y[q] = -1.5;
    }
    assert_true(af_kde_silverman(p, 0) == 0.0);
    /* A bad label or NULL: 0. */
    assert_true(af_kde_silverman(p, 2) == 0.0);
    assert_true(af_kde_silverman(NULL, 0) == 0.0);
    af_points_free(p);
}

static void test_kde_errors(void **state)
{
    (void)state;
    af_error err;
    af_grid g;
    make_grid(&g, 16, 0, 2, AF_EDGE_CLAMP);

    af_error_clear(&err);
    assert_null(af_kde_alloc(NULL, &err));
    assert_int_equal(err.status, AF_EINVAL);
    af_grid gb = g;
    gb.n = 0;
    assert_null(af_kde_alloc(&gb, &err));
    assert_int_equal(err.status, AF_EINVAL);
    af_kde_free(NULL);

    af_kde *k = make_kde(&g);
    size_t cells = af_grid_cells(&g);
    double *rho = malloc(cells * sizeof *rho);
    assert_non_null(rho);
    af_points *p = pts_alloc(6);
    for (int q = 0; q < 6; q++) {
        p->x[q] = 0.3 * q;
        p->y[q] = 1.0;
        p->label[q] = q % 2;
    }
    fill(k, p, 0, 0.3, rho);

    /* Points outside the closed box, the first named with its coordinates. */
    const double bad[][2] = {{2 + 1e-12, 1.0}, {1.0, -1e-300}, {NAN, 1.0}, {0.5, INFINITY}};
    for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
        p->x[3] = bad[b][0];
        p->y[3] = bad[b][1];
        p->x[5] = -1; /* a later bad point */
        for (int c = 0; c < 2; c++) {
            af_error_clear(&err);
            assert_int_equal(af_kde_fill(k, p, c, 0.3, rho, &err), AF_EINVAL);
            assert_int_equal(err.status, AF_EINVAL);
            assert_non_null(strstr(err.msg, "point 3 ("));
            assert_non_null(strstr(err.msg, "outside"));
        }
        p->x[3] = 0.9;
        p->y[3] = 1.0;
        p->x[5] = 1.5;
    }
    assert_int_equal(af_kde_fill(k, p, 0, 0.3, rho, NULL), AF_OK);

    /* Bandwidth. */
    const double badb[] = {NAN, 0.0, -0.1, INFINITY};
    for (size_t b = 0; b < sizeof badb / sizeof badb[0]; b++) {
        af_error_clear(&err);
        assert_int_equal(af_kde_fill(k, p, 0, badb[b], rho, &err), AF_EINVAL);
        assert_non_null(strstr(err.msg, "bandwidth"));
    }

    /* A class without points; a bad label; a bad weight. */
    for (int q = 0; q < 6; q++)
        p->label[q] = 0;
    assert_int_equal(af_kde_fill(k, p, 0, 0.3, rho, &err), AF_OK);
    af_error_clear(&err);
    assert_int_equal(af_kde_fill(k, p, 1, 0.3, rho, &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "class 1 has no points"));
    af_error_clear(&err);
    assert_int_equal(af_kde_fill(k, p, 2, 0.3, rho, &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "label"));
    p->label[4] = 7;
    af_error_clear(&err);
    assert_int_equal(af_kde_fill(k, p, 0, 0.3, rho, &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "point 4"));
    p->label[4] = 1;
    p->weight[1] = 0.0;
    af_error_clear(&err);
    assert_int_equal(af_kde_fill(k, p, 0, 0.3, rho, &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "weight"));
    p->weight[1] = 1.0;

    /* No points at all. */
    af_points *none = pts_alloc(0);
    af_error_clear(&err);
    assert_int_equal(af_kde_fill(k, none, 0, 0.3, rho, &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "no points"));

    af_points_free(none);
    af_points_free(p);
    free(rho);
    af_kde_free(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gauss_mass),
        cmocka_unit_test(test_gauss_identity),
        cmocka_unit_test(test_gauss_delta),
        cmocka_unit_test(test_gauss_symmetry),
        cmocka_unit_test(test_gauss_translation),
        cmocka_unit_test(test_gauss_errors),
        cmocka_unit_test(test_kde_mass),
        cmocka_unit_test(test_kde_single_point),
        cmocka_unit_test(test_kde_consistency),
        cmocka_unit_test(test_silverman),
        cmocka_unit_test(test_kde_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
