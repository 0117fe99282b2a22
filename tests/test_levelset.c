/* Tests of the level-set step (af_mm_plan_step_levelset): its zero level
 * set is the mask step's cut; brute force over every set of tiny grids at a
 * fine grid of thresholds confirms every value to the stated resolution;
 * band == full grid; nested level sets stay nested; bad input. */
#include "testutil.h"

#include <math.h>

#include "advflow/advflow.h"
#include "mm_internal.h"

static af_mm_plan *plan_for(const af_grid *g, const af_mm_params *prm, const double *rho0,
                            const double *rho1)
{
    af_error err;
    af_mm_plan *p = af_mm_plan_create(g, prm, rho0, rho1, &err);
    if (!p)
        fail_msg("plan: %s", err.msg);
    return p;
}

static void step_ls(af_mm_plan *p, const double *u, double *v, af_mm_stats *st)
{
    af_error err;
    af_status s = af_mm_plan_step_levelset(p, u, v, st, &err);
    if (s != AF_OK)
        fail_msg("level-set step: %s", err.msg);
}

/* Smooth positive densities, different for the two classes. */
static void densities(const af_grid *g, double *rho0, double *rho1, double a)
{
    int n = g->n;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            double x = g->lo + (i + 0.5) * g->dx, y = g->lo + (j + 0.5) * g->dx;
            rho0[j * n + i] = 1 + a * x;
            rho1[j * n + i] = 1 + 0.5 * a * y * y;
        }
}

/* u = a smooth non-distance function of an ellipse, negative inside. */
static void ellipse_field(const af_grid *g, double *u, double cx, double cy)
{
    int n = g->n;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            double x = g->lo + (i + 0.5) * g->dx - cx, y = g->lo + (j + 0.5) * g->dx - cy;
            double q = sqrt(x * x / 0.36 + y * y / 0.16) - 1;
            u[j * n + i] = 0.45 * q * (1 + 0.3 * q);
        }
}

/* The zero level set of the step is the cut of Per_eps(A) + sum c 1_A with
 * c = (dx^2 / h) rho u_k (the mask step's problem with s_k = u_k, p = 1):
 * band and full grid, both selections, every norm. */
static void test_zero_level_is_the_cut(void **state)
{
    (void)state;
    af_grid g;
    int n = 64;
    assert_int_equal(af_grid_init(&g, 2, n, -1, 1, AF_EDGE_CLAMP, NULL), AF_OK);
    size_t N = (size_t)n * n;
    double *rho0 = malloc(N * 8), *rho1 = malloc(N * 8), *u = malloc(N * 8), *v = malloc(N * 8),
           *c = malloc(N * 8);
    uint8_t *zero = calloc(N, 1), *cut = malloc(N);
    densities(&g, rho0, rho1, 0.6);
    ellipse_field(&g, u, 0.05, -0.02);
    for (int norm = 0; norm < 3; norm++)
        for (int sel = 0; sel < 2; sel++)
            for (int full = 0; full < 2; full++) {
                af_mm_params prm;
                af_mm_params_default(&prm);
                prm.norm = (af_norm)norm;
                prm.eps = 3 * g.dx;
                prm.h = 2 * g.dx;
                prm.selection = (af_selection)sel;
                prm.full_grid = full;
                af_mm_plan *p = plan_for(&g, &prm, rho0, rho1);
                af_mm_stats st;
                step_ls(p, u, v, &st);
                af_mm_params q = prm;
                q.full_grid = 1;
                af_mm_plan *pf = plan_for(&g, &q, rho0, rho1);
                for (size_t x = 0; x < N; x++)
                    c[x] = g.dx * g.dx / prm.h * (rho0[x] + rho1[x]) * u[x];
                af_error err;
                assert_int_equal(af_mm_plan_solve_linear(pf, c, zero, cut, NULL, &err), AF_OK);
                size_t moved = 0;
                for (size_t x = 0; x < N; x++) {
                    if ((v[x] < 0) != (cut[x] != 0))
                        fail_msg("norm %d sel %d full %d: cell %zu: u_out %g, cut %d", norm, sel,
                                 full, x, v[x], cut[x]);
                    moved += (v[x] < 0) != (u[x] < 0);
                }
                assert_true(moved > 20); /* the test sees motion */
                assert_int_equal((int)moved, st.changed);
                af_mm_plan_free(p);
                af_mm_plan_free(pf);
            }
    free(rho0), free(rho1), free(u), free(v), free(c), free(zero), free(cut);
}

/* From a mask's sub-cell signed distance, the zero level set of the step
 * is the mask step's result (same problem: s_k = u_k, p = 1), wherever the
 * mask step makes no global move (it does not here: nothing vanishes). */
static void check_agrees_with_mask_step(const double *avg_cells)
{
    af_grid g;
    int n = 96;
    assert_int_equal(af_grid_init(&g, 2, n, -1, 1, AF_EDGE_CLAMP, NULL), AF_OK);
    size_t N = (size_t)n * n;
    double *rho0 = malloc(N * 8), *rho1 = malloc(N * 8), *u = malloc(N * 8), *v = malloc(N * 8);
    uint8_t *ak = malloc(N), *out = malloc(N);
    densities(&g, rho0, rho1, 0.4);
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            double x = g.lo + (i + 0.5) * g.dx, y = g.lo + (j + 0.5) * g.dx;
            double th = atan2(y, x), rr = 0.55 + 0.12 * cos(5 * th);
            ak[j * n + i] = hypot(x, y) < rr;
        }
    af_error err;
    af_dist_work *dw = af_dist_work_alloc(&g, &err);
    assert_non_null(dw);
    for (int edge = 0; edge < 2; edge++) {
        af_mm_params prm;
        af_mm_params_default(&prm);
        prm.eps = 4 * g.dx;
        for (int k = 0; k < 3 && avg_cells; k++)
            prm.eps_avg[k] = avg_cells[k] * g.dx;
        prm.h = g.dx;
        af_mm_plan *pm = plan_for(&g, &prm, rho0, rho1), *pl = plan_for(&g, &prm, rho0, rho1);
        uint8_t *cur = malloc(N);
        memcpy(cur, ak, N);
        for (int k = 0; k < 4; k++) { /* several steps: the bands adapt */
            af_dist_signed(dw, AF_SDIST_SUBCELL, cur, u);
            af_mm_stats sm, sl;
            assert_int_equal(af_mm_plan_step(pm, cur, out, &sm, &err), AF_OK);
            assert_int_equal(sm.global_moves, 0);
            step_ls(pl, u, v, &sl);
            for (size_t x = 0; x < N; x++)
                if ((v[x] < 0) != (out[x] != 0))
                    fail_msg("step %d cell %zu: level set %g, mask %d", k, x, v[x], out[x]);
            /* (energies differ by a constant where the distance's sign
             * and the mask's disagree: a different A_k in the fidelity) */
            assert_close(sl.per_eps, sm.per_eps, 1e-9 * fabs(sm.per_eps));
            memcpy(cur, out, N);
        }
        free(cur);
        af_mm_plan_free(pm);
        af_mm_plan_free(pl);
        (void)edge;
    }
    af_dist_work_free(dw);
    free(rho0), free(rho1), free(u), free(v), free(ak), free(out);
}

static void test_agrees_with_mask_step(void **state)
{
    (void)state;
    check_agrees_with_mask_step(NULL);
}

/* The same with the averaged perimeter ({4, 3.25, 2.5} cells). */
static void test_agrees_with_mask_step_avg(void **state)
{
    (void)state;
    const double avg[3] = {3.25, 0, 2.5};
    check_agrees_with_mask_step(avg);
}

/* Brute force: on a 4 x 4 grid, every one of the 65536 sets at 2049
 * thresholds t in [-T, T]; the minimal (maximal) minimiser M_t must
 * contain x when u_out(x) < t - tol/2 and not when u_out(x) > t + tol/2
 * (u_{k+1}(x) lies within tol/2 of u_out(x): x in M_t iff u_{k+1}(x) <= t). */
static void check_brute_ls_avg(tu_rng *r, af_norm norm, double eps_cells, const double *avg_cells,
                               af_selection sel, af_edge edge, double h0, double h1)
{
    enum { n = 4, N = 16, SETS = 1 << 16 };
    af_grid g;
    assert_int_equal(af_grid_init(&g, 2, n, 0, 1, edge, NULL), AF_OK);
    double rho0[N], rho1[N], u[N], v[N];
    for (int x = 0; x < N; x++) {
        double z = tu_uniform(r);
        rho0[x] = z < 0.1 ? 0 : 0.2 + tu_uniform(r); /* some empty cells */
        rho1[x] = 0.2 + tu_uniform(r);
        u[x] = (tu_uniform(r) - 0.5) * 3 * g.dx;
    }
    af_mm_params prm;
    af_mm_params_default(&prm);
    prm.norm = norm;
    prm.eps = eps_cells * g.dx;
    int nb = 1; /* budgets averaged (eps_avg) */
    for (int k = 0; k < 3 && avg_cells; k++)
        if ((prm.eps_avg[k] = avg_cells[k] * g.dx) != 0)
            nb++;
    prm.h = prm.eps * (h0 + h1 * tu_uniform(r));
    prm.selection = sel;
    prm.full_grid = 1;
    af_mm_plan *p = plan_for(&g, &prm, rho0, rho1);
    step_ls(p, u, v, NULL);
    double T = 2 * g.dx, tol = g.dx / 64;
    af_error err;
    af_perimeter *per = af_perimeter_alloc(&g, norm, prm.eps, &err), *pers[3] = {NULL, NULL, NULL};
    assert_non_null(per);
    for (int k = 0, q = 0; k < 3; k++)
        if (prm.eps_avg[k] != 0)
            assert_non_null(pers[q++] = af_perimeter_alloc(&g, norm, prm.eps_avg[k], &err));
    double *P = malloc(SETS * sizeof *P), *W = malloc(SETS * sizeof *W), *U = malloc(SETS * sizeof *U);
    uint8_t m[N];
    double kfid = g.dx * g.dx / prm.h;
    for (uint32_t s = 0; s < SETS; s++) {
        W[s] = U[s] = 0;
        for (int x = 0; x < N; x++) {
            m[x] = s >> x & 1;
            if (m[x]) {
                W[s] += kfid * (rho0[x] + rho1[x]);
                U[s] += kfid * (rho0[x] + rho1[x]) * u[x];
            }
        }
        af_perimeter_value pv;
        af_perimeter_eval(per, rho0, rho1, m, &pv);
        P[s] = pv.per_eps;
        if (nb > 1) { /* the average of the balls' Per_eps */
            P[s] /= nb;
            for (int k = 0; k < nb - 1; k++) {
                af_perimeter_eval(pers[k], rho0, rho1, m, &pv);
                P[s] += pv.per_eps / nb;
            }
        }
    }
    int decisive = 0;
    for (int k = 0; k <= 2048; k++) {
        double t = -T + k * (2 * T / 2048);
        double best = INFINITY;
        for (uint32_t s = 0; s < SETS; s++) {
            double e = P[s] + U[s] - t * W[s];
            best = e < best ? e : best;
        }
        double slack = 1e-10 * (1 + fabs(best));
        uint32_t meet = SETS - 1, join = 0;
        for (uint32_t s = 0; s < SETS; s++)
            if (P[s] + U[s] - t * W[s] <= best + slack) {
                meet &= s;
                join |= s;
            }
        uint32_t M = sel == AF_SELECT_MINIMAL ? meet : join;
        for (int x = 0; x < N; x++) {
            int in = M >> x & 1;
            if (v[x] < t - tol / 2 - 1e-12 && v[x] > -T) {
                decisive++;
                if (!in)
                    fail_msg("t = %g: cell %d (u_out %g) not in the minimiser", t, x, v[x]);
            }
            if (v[x] > t + tol / 2 + 1e-12 && v[x] < T) {
                decisive++;
                if (in)
                    fail_msg("t = %g: cell %d (u_out %g) in the minimiser", t, x, v[x]);
            }
            /* a value cut to -T (T) means u_{k+1} <= -T (> T) */
            if (v[x] <= -T && !in)
                fail_msg("t = %g: cell %d cut to -T but not in the minimiser", t, x);
            if (v[x] >= T && in)
                fail_msg("t = %g: cell %d cut to +T but in the minimiser", t, x);
        }
    }
    assert_true(decisive > 1000);
    free(P), free(W), free(U);
    af_perimeter_free(per);
    for (int k = 0; k < 3; k++)
        af_perimeter_free(pers[k]);
    af_mm_plan_free(p);
}

static void check_brute_ls(tu_rng *r, af_norm norm, double eps_cells, af_selection sel, af_edge edge)
{
    check_brute_ls_avg(r, norm, eps_cells, NULL, sel, edge, 0.3, 1);
}

static void test_brute_force(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 9);
    for (int trial = 0; trial < 12; trial++) {
        af_norm norm = (af_norm)(trial % 3);
        double eps = trial % 2 ? 1.0 : 1.5;
        af_selection sel = (af_selection)(trial / 3 % 2);
        af_edge edge = trial / 6 % 2 ? AF_EDGE_PERIODIC : AF_EDGE_CLAMP;
        if (edge == AF_EDGE_PERIODIC && eps > 1)
            eps = 1; /* the ball must fit the 4-cell torus */
        check_brute_ls(&r, norm, eps, sel, edge);
    }
}

/* The same with the averaged perimeter: two and three balls (term classes
 * per ball), clamped and periodic.  Short time steps (0.02 to 0.12 eps),
 * so that the values spread: with longer ones most cells share one value,
 * and a term given another ball's class went unseen. */
static void test_brute_force_avg(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 19);
    const double two[3] = {1.5, 0, 0}, three[3] = {1, 0, 1.5}, per[3] = {1, 0, 0};
    for (int trial = 0; trial < 8; trial++) {
        af_selection sel = (af_selection)(trial % 2);
        af_edge edge = trial / 2 % 2 ? AF_EDGE_PERIODIC : AF_EDGE_CLAMP;
        /* periodic 4 x 4: r = 1 only, l2 radii 1.5 (a square) and 1 (a cross) */
        if (edge == AF_EDGE_PERIODIC)
            check_brute_ls_avg(&r, AF_NORM_2, 1.5, per, sel, edge, 0.02, 0.1);
        else
            check_brute_ls_avg(&r, trial < 4 ? AF_NORM_2 : AF_NORM_INF, 2,
                               trial < 4 ? three : two, sel, edge, 0.02, 0.1);
    }
}

/* The band gives the full grid's values, cut to [-T, T]: on a set that
 * fills the box, and on a small set in a large box, which the band plan
 * steps through a window (mm_band.c). */
static void check_band_equals_full(int n, int small, const double *avg_cells)
{
    af_grid g;
    assert_int_equal(af_grid_init(&g, 2, n, -1, 1, AF_EDGE_CLAMP, NULL), AF_OK);
    size_t N = (size_t)n * n;
    double *rho0 = malloc(N * 8), *rho1 = malloc(N * 8), *u = malloc(N * 8), *v = malloc(N * 8),
           *w = malloc(N * 8);
    densities(&g, rho0, rho1, 0.5);
    ellipse_field(&g, u, -0.1, 0.07);
    if (small) /* an ellipse of semi-axes 0.15 x 0.1 around (0.06, -0.08) */
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) {
                double x = g.lo + (i + 0.5) * g.dx, y = g.lo + (j + 0.5) * g.dx;
                u[(size_t)j * n + i] = 0.25 * (hypot(x / 0.3 - 0.2, y / 0.2 + 0.4) - 0.5);
            }
    af_mm_params prm;
    af_mm_params_default(&prm);
    prm.eps = 3 * g.dx;
    for (int k = 0; k < 3 && avg_cells; k++)
        prm.eps_avg[k] = avg_cells[k] * g.dx;
    prm.h = 1.5 * g.dx;
    af_mm_plan *pb = plan_for(&g, &prm, rho0, rho1);
    prm.full_grid = 1;
    af_mm_plan *pf = plan_for(&g, &prm, rho0, rho1);
    step_ls(pb, u, v, NULL);
    step_ls(pf, u, w, NULL);
    double T = 2 * g.dx;
    for (size_t x = 0; x < N; x++) {
        double a = fmax(-T, fmin(T, v[x])), b = fmax(-T, fmin(T, w[x]));
        if (a != b)
            fail_msg("cell %zu: band %g, full grid %g", x, v[x], w[x]);
    }
    af_mm_plan_free(pb);
    af_mm_plan_free(pf);
    free(rho0), free(rho1), free(u), free(v), free(w);
}

static void test_band_equals_full(void **state)
{
    (void)state;
    check_band_equals_full(80, 0, NULL);
    check_band_equals_full(192, 1, NULL); /* a small ellipse: the window */
    const double avg[3] = {2, 1.5, 0};    /* averaged over three balls */
    check_band_equals_full(80, 0, avg);
    check_band_equals_full(192, 1, avg);
}

/* u <= u' gives u_out <= u'_out (cut to [-T, T]): the step is monotone, so
 * nested level sets stay nested. */
static void test_nested(void **state)
{
    (void)state;
    af_grid g;
    int n = 64;
    assert_int_equal(af_grid_init(&g, 2, n, -1, 1, AF_EDGE_CLAMP, NULL), AF_OK);
    size_t N = (size_t)n * n;
    double *rho0 = malloc(N * 8), *rho1 = malloc(N * 8), *u = malloc(N * 8), *u2 = malloc(N * 8),
           *v = malloc(N * 8), *v2 = malloc(N * 8);
    densities(&g, rho0, rho1, 0.3);
    ellipse_field(&g, u, 0, 0);
    tu_rng r;
    tu_seed(&r, 4);
    for (size_t x = 0; x < N; x++)
        u2[x] = u[x] + 0.7 * g.dx * tu_uniform(&r); /* u2 >= u: {u2 < t} inside {u < t} */
    af_mm_params prm;
    af_mm_params_default(&prm);
    prm.eps = 3 * g.dx;
    prm.h = 2 * g.dx;
    double T = 2 * g.dx;
    for (int sel = 0; sel < 2; sel++) {
        prm.selection = (af_selection)sel;
        af_mm_plan *p = plan_for(&g, &prm, rho0, rho1), *q = plan_for(&g, &prm, rho0, rho1);
        step_ls(p, u, v, NULL);
        step_ls(q, u2, v2, NULL);
        for (size_t x = 0; x < N; x++)
            if (fmax(-T, fmin(T, v[x])) > fmax(-T, fmin(T, v2[x])))
                fail_msg("cell %zu: %g > %g", x, v[x], v2[x]);
        af_mm_plan_free(p);
        af_mm_plan_free(q);
    }
    free(rho0), free(rho1), free(u), free(u2), free(v), free(v2);
}

static void test_errors(void **state)
{
    (void)state;
    af_grid g;
    assert_int_equal(af_grid_init(&g, 2, 16, 0, 1, AF_EDGE_CLAMP, NULL), AF_OK);
    double rho[256], u[256], v[256];
    for (int x = 0; x < 256; x++) {
        rho[x] = 1;
        u[x] = x < 128 ? -0.1 : 0.1;
    }
    af_mm_params prm;
    af_mm_params_default(&prm);
    prm.eps = 2 * g.dx;
    prm.h = g.dx;
    af_mm_plan *p = plan_for(&g, &prm, rho, rho);
    u[77] = NAN;
    af_error err;
    assert_int_equal(af_mm_plan_step_levelset(p, u, v, NULL, &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "NaN"));
    assert_int_equal(af_mm_plan_step_levelset(p, NULL, v, NULL, &err), AF_EINVAL);
    u[77] = -INFINITY; /* infinities are capped */
    assert_int_equal(af_mm_plan_step_levelset(p, u, v, NULL, &err), AF_OK);
    af_mm_plan_free(p);
    prm.ls_tol = NAN;
    assert_null(af_mm_plan_create(&g, &prm, rho, rho, &err));
    assert_int_equal(err.status, AF_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zero_level_is_the_cut),
        cmocka_unit_test(test_agrees_with_mask_step),
        cmocka_unit_test(test_brute_force),
        cmocka_unit_test(test_band_equals_full),
        cmocka_unit_test(test_nested),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_agrees_with_mask_step_avg),
        cmocka_unit_test(test_brute_force_avg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
