/* Tests of the robust-optimal classifier: brute force over every region of
 * tiny grids (the minimum of the adversarial risk, and the minimal and
 * maximal selections as the intersection and union of all minimisers),
 * for every norm and both edge modes; the reported risk against its
 * definition; invariance under swapping the classes. */
#include "testutil.h"

#include <math.h>

#include "advflow/advflow.h"

/* R_eps(A) = dx^2 sum [rho0 D1_A + rho1 (1 - E1_A)] by brute-force morphology. */
static double adv_risk(const af_grid *g, const af_ball *b, const double *rho0, const double *rho1,
                       const uint8_t *m, uint8_t *d, uint8_t *e)
{
    af_morph_dilate_brute(g, b, m, d);
    af_morph_erode_brute(g, b, m, e);
    double s = 0;
    for (size_t x = 0; x < af_grid_cells(g); x++)
        s += rho0[x] * d[x] + rho1[x] * (1 - e[x]);
    return g->dx * g->dx * s;
}

static void check_brute(tu_rng *r, int n, af_norm norm, double eps_cells, af_edge edge, int zeros)
{
    af_grid g;
    assert_int_equal(af_grid_init(&g, 2, n, 0, 1, edge, NULL), AF_OK);
    int cells = n * n;
    double rho0[16], rho1[16];
    for (int x = 0; x < cells; x++) {
        rho0[x] = tu_uniform(r);
        rho1[x] = tu_uniform(r);
        if (zeros && tu_uniform(r) < 0.3) /* cells without data: ties */
            rho0[x] = rho1[x] = 0;
    }
    af_error err;
    af_ball *ball = af_ball_alloc(norm, eps_cells, &err);
    assert_non_null(ball);
    uint8_t m[16], d[16], e[16], lo[16], hi[16];
    /* every region: the minimum, and the intersection / union of minimisers */
    double best = INFINITY;
    uint32_t inter = 0, uni = 0;
    for (uint32_t set = 0; set < (1u << cells); set++) {
        for (int x = 0; x < cells; x++)
            m[x] = set >> x & 1;
        double v = adv_risk(&g, ball, rho0, rho1, m, d, e);
        double tol = 1e-12 * (fabs(v) + (set ? fabs(best) : 0) + 1e-300);
        if (set == 0 || v < best - tol) {
            best = v;
            inter = uni = set;
        } else if (v <= best + tol) {
            inter &= set;
            uni |= set;
        }
    }
    for (int sel = 0; sel < 2; sel++) {
        af_robust *rb = af_robust_alloc(&g, norm, eps_cells * g.dx, (af_selection)sel, rho0, rho1, &err);
        if (!rb)
            fail_msg("robust: %s", err.msg);
        af_robust_stats st;
        assert_int_equal(af_robust_solve(rb, sel ? hi : lo, &st, &err), AF_OK);
        uint8_t *got = sel ? hi : lo;
        double v = adv_risk(&g, ball, rho0, rho1, got, d, e);
        assert_true(fabs(v - best) <= 1e-12 * fabs(best) + 1e-15);
        assert_true(fabs(st.risk_adv - v) <= 1e-12 * fabs(v) + 1e-15);
        uint32_t want = sel ? uni : inter, bits = 0;
        for (int x = 0; x < cells; x++)
            bits |= (uint32_t)(got[x] != 0) << x;
        if (bits != want)
            fail_msg("n = %d norm %s eps %g edge %s %s: got %#x, want %#x", n, af_norm_name(norm),
                     eps_cells, af_edge_name(edge), sel ? "maximal" : "minimal", bits, want);
        af_robust_free(rb);
    }
    af_ball_free(ball);
}

static void test_brute(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 8);
    static const af_norm norms[] = {AF_NORM_2, AF_NORM_INF, AF_NORM_1};
    for (int rep = 0; rep < 3; rep++)
        for (int k = 0; k < 3; k++)
            for (int edge = 0; edge < 2; edge++) {
                check_brute(&r, 4, norms[k], 1.0, (af_edge)edge, rep == 2);
                check_brute(&r, 3, norms[k], 1.5, AF_EDGE_CLAMP, rep == 2);
                /* balls beyond the grid (cut to it in the graph) */
                check_brute(&r, 3, norms[k], 2.5 + 4 * rep, AF_EDGE_CLAMP, rep == 2);
            }
}

/* Swapping the classes swaps the region with its complement: the minimal
 * minimiser for (rho1, rho0) is the complement of the maximal one for
 * (rho0, rho1) (the risk of A for the swapped classes is the risk of the
 * complement, since D(A^c) = E(A)^c). */
static void test_swap(void **state)
{
    (void)state;
    af_grid g;
    assert_int_equal(af_grid_init(&g, 2, 48, -1, 1, AF_EDGE_CLAMP, NULL), AF_OK);
    size_t cells = af_grid_cells(&g);
    double *r0 = malloc(cells * sizeof *r0), *r1 = malloc(cells * sizeof *r1);
    uint8_t *a = malloc(cells), *b = malloc(cells);
    for (int j = 0; j < 48; j++)
        for (int i = 0; i < 48; i++) {
            double x = af_grid_center(&g, i), y = af_grid_center(&g, j);
            r0[i + 48 * j] = exp(-((x + 0.3) * (x + 0.3) + y * y) / 0.1);
            r1[i + 48 * j] = 0.8 * exp(-((x - 0.3) * (x - 0.3) + y * y) / 0.1);
        }
    af_error err;
    af_robust *p = af_robust_alloc(&g, AF_NORM_2, 3 * g.dx, AF_SELECT_MAXIMAL, r0, r1, &err);
    af_robust *q = af_robust_alloc(&g, AF_NORM_2, 3 * g.dx, AF_SELECT_MINIMAL, r1, r0, &err);
    assert_non_null(p);
    assert_non_null(q);
    assert_int_equal(af_robust_solve(p, a, NULL, &err), AF_OK);
    assert_int_equal(af_robust_solve(q, b, NULL, &err), AF_OK);
    size_t inside = 0;
    for (size_t x = 0; x < cells; x++) {
        assert_int_equal(a[x] != 0, b[x] == 0);
        inside += a[x] != 0;
    }
    assert_true(inside > 0 && inside < cells); /* a real boundary */
    af_robust_free(p);
    af_robust_free(q);
    free(r0);
    free(r1);
    free(a);
    free(b);
}

/* The robust classifier is the global minimiser: no region that a flow
 * visits on the same densities has a smaller adversarial risk. */
static void test_below_flow(void **state)
{
    (void)state;
    af_grid g;
    int n = 64;
    assert_int_equal(af_grid_init(&g, 2, n, -1, 1, AF_EDGE_CLAMP, NULL), AF_OK);
    size_t cells = af_grid_cells(&g);
    double *r0 = malloc(cells * sizeof *r0), *r1 = malloc(cells * sizeof *r1);
    uint8_t *a = malloc(cells), *b = malloc(cells), *rob = malloc(cells);
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            double x = af_grid_center(&g, i), y = af_grid_center(&g, j);
            r0[i + n * j] = exp(-((x + 0.25) * (x + 0.25) + y * y) / 0.08) + 1e-3;
            r1[i + n * j] = 0.7 * exp(-((x - 0.25) * (x - 0.25) + (y - 0.1) * (y - 0.1)) / 0.05) + 1e-3;
            a[i + n * j] = r1[i + n * j] > r0[i + n * j]; /* Bayes */
        }
    af_error err;
    for (int k = 0; k < 2; k++) {
        af_norm norm = k ? AF_NORM_INF : AF_NORM_2;
        double eps = 3 * g.dx;
        af_robust *rb = af_robust_alloc(&g, norm, eps, AF_SELECT_MINIMAL, r0, r1, &err);
        af_risk *rk = af_risk_alloc(&g, norm, eps, &err);
        af_mm_params prm;
        af_mm_params_default(&prm);
        prm.norm = norm;
        prm.eps = eps;
        prm.h = 2 * g.dx;
        af_mm_plan *mm = af_mm_plan_create(&g, &prm, r0, r1, &err);
        assert_non_null(rb);
        assert_non_null(rk);
        assert_non_null(mm);
        assert_int_equal(af_robust_solve(rb, rob, NULL, &err), AF_OK);
        af_risk_value best, v;
        af_risk_eval(rk, r0, r1, rob, &best);
        int strictly = 0;
        for (int step = 0; step < 12; step++) {
            af_risk_eval(rk, r0, r1, a, &v);
            assert_true(best.adv <= v.adv + 1e-12 * v.adv);
            strictly += best.adv < v.adv - 1e-6;
            assert_int_equal(af_mm_plan_step(mm, a, b, NULL, &err), AF_OK);
            memcpy(a, b, cells);
        }
        assert_true(strictly > 0); /* the flow's regions are not all optimal */
        af_robust_free(rb);
        af_risk_free(rk);
        af_mm_plan_free(mm);
    }
    free(r0);
    free(r1);
    free(a);
    free(b);
    free(rob);
}

static void test_errors(void **state)
{
    (void)state;
    af_grid g;
    assert_int_equal(af_grid_init(&g, 2, 16, 0, 1, AF_EDGE_CLAMP, NULL), AF_OK);
    double rho[256];
    for (int x = 0; x < 256; x++)
        rho[x] = 1;
    af_error err;
    assert_null(af_robust_alloc(&g, AF_NORM_2, 0.1 * g.dx, AF_SELECT_MINIMAL, rho, rho, &err));
    assert_int_equal(err.status, AF_EINVAL);
    rho[7] = -1;
    assert_null(af_robust_alloc(&g, AF_NORM_2, 2 * g.dx, AF_SELECT_MINIMAL, rho, rho, &err));
    assert_int_equal(err.status, AF_EINVAL);
    assert_int_equal(af_robust_solve(NULL, NULL, NULL, &err), AF_EINVAL);
    af_robust_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_brute),
        cmocka_unit_test(test_swap),
        cmocka_unit_test(test_below_flow),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests_name("robust", tests, NULL, NULL);
}
