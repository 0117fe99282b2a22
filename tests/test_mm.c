/* Tests of the exact minimizing-movements step: brute force over every set
 * on tiny grids (energy, minimal and maximal minimiser), band == full grid,
 * monotonicity, translation invariance, energy decrease along a flow. */
#include "testutil.h"

#include <math.h>

#include "advflow/advflow.h"

/* Which max-flow the tests run: both, in turn. */
static af_mm_solver solvers[] = {AF_MM_SOLVER_OWN, AF_MM_SOLVER_BK};

/* Brute force on an n x n grid (n*n <= 25): the energy of every set, from
 * per-cell data, E(A) = sum psi_fid (u - ak) + kper sum (rho0 max_B u -
 * rho1 min_B u + (rho1 - rho0) u) (Per_eps with its constant-free form). */
typedef struct {
    int cells;
    uint32_t ball[25]; /* cells of B(x) within the grid (or wrapped) */
    double psi[25];    /* fidelity coefficient of u_x (from the plan's energy) */
    double a[25], b[25], lin[25];
} brute;

static double brute_energy(const brute *B, uint32_t set)
{
    double e = 0;
    for (int x = 0; x < B->cells; x++) {
        uint32_t m = set & B->ball[x];
        e += B->a[x] * (m != 0) - B->b[x] * (m == B->ball[x]);
        if (set >> x & 1)
            e += B->psi[x] + B->lin[x];
    }
    return e;
}

static uint32_t to_bits(const uint8_t *m, int cells)
{
    uint32_t s = 0;
    for (int x = 0; x < cells; x++)
        s |= (uint32_t)(m[x] != 0) << x;
    return s;
}

static void from_bits(uint32_t s, uint8_t *m, int cells)
{
    for (int x = 0; x < cells; x++)
        m[x] = s >> x & 1;
}

static void check_brute(tu_rng *r, int n, af_norm norm, double eps_cells, double p, af_edge edge,
                        af_mm_solver solver)
{
    af_grid g;
    assert_int_equal(af_grid_init(&g, 2, n, 0, 1, edge, NULL), AF_OK);
    int cells = n * n;
    double rho0[25], rho1[25];
    uint8_t ak[25], out[25], cand[25];
    for (int x = 0; x < cells; x++) {
        rho0[x] = 0.2 + tu_uniform(r);
        rho1[x] = 0.2 + tu_uniform(r);
    }
    tu_random_mask(r, ak, (size_t)cells, 0.5);
    af_mm_params prm;
    af_mm_params_default(&prm);
    prm.norm = norm;
    prm.eps = eps_cells * g.dx;
    prm.h = prm.eps * (0.5 + tu_uniform(r));
    prm.p = p;
    prm.full_grid = 1;
    prm.solver = solver;
    prm.sdist = tu_uniform(r) < 0.5 ? AF_SDIST_SUBCELL : AF_SDIST_SIMPLE;
    af_error err;
    af_mm_plan *plan = af_mm_plan_create(&g, &prm, rho0, rho1, &err);
    if (!plan)
        fail_msg("plan: %s", err.msg);

    /* per-cell data of the brute force, read off the plan */
    brute B = {.cells = cells};
    const af_ball *ball = af_mm_plan_ball(plan);
    double kper = g.dx * g.dx / (prm.eps * af_ball_width_ratio(ball));
    double fid0;
    af_mm_plan_energy(plan, ak, ak, NULL, &fid0);
    assert_true(fid0 == 0);
    for (int x = 0; x < cells; x++) {
        memcpy(cand, ak, (size_t)cells);
        cand[x] ^= 1;
        double fid;
        af_mm_plan_energy(plan, ak, cand, NULL, &fid);
        B.psi[x] = ak[x] ? -fid : fid; /* coefficient of u_x */
        B.a[x] = kper * rho0[x];
        B.b[x] = kper * rho1[x];
        B.lin[x] = kper * (rho1[x] - rho0[x]);
        int i = x % n, j = x / n;
        for (int dj = -ball->r; dj <= ball->r; dj++)
            for (int di = -ball->half[dj + ball->r]; di <= ball->half[dj + ball->r]; di++) {
                int ii = i + di, jj = j + dj;
                if (edge == AF_EDGE_PERIODIC) {
                    ii = (ii % n + n) % n;
                    jj = (jj % n + n) % n;
                } else if (ii < 0 || jj < 0 || ii >= n || jj >= n)
                    continue;
                B.ball[x] |= 1u << (jj * n + ii);
            }
    }
    /* the brute-force energy agrees with the plan's, up to the constant */
    uint32_t sk = to_bits(ak, cells);
    double c0 = af_mm_plan_energy(plan, ak, ak, NULL, NULL) - brute_energy(&B, sk);
    double best = INFINITY;
    uint32_t full = cells == 32 ? 0xffffffffu : (1u << cells) - 1;
    for (uint32_t s = 0;; s++) {
        double e = brute_energy(&B, s);
        if (e < best)
            best = e;
        if (s == full)
            break;
    }
    double tol = 1e-9 * (1 + fabs(best));
    uint32_t inter = full, uni = 0;
    for (uint32_t s = 0;; s++) {
        if (brute_energy(&B, s) <= best + tol) {
            inter &= s;
            uni |= s;
        }
        if (s == full)
            break;
    }
    for (int sel = 0; sel < 2; sel++) {
        af_mm_plan_free(plan);
        prm.selection = sel ? AF_SELECT_MAXIMAL : AF_SELECT_MINIMAL;
        plan = af_mm_plan_create(&g, &prm, rho0, rho1, &err);
        assert_non_null(plan);
        af_mm_stats st;
        assert_int_equal(af_mm_plan_step(plan, ak, out, &st, &err), AF_OK);
        uint32_t got = to_bits(out, cells);
        double e = af_mm_plan_energy(plan, ak, out, NULL, NULL) - c0;
        if (fabs(e - best) > tol || fabs(st.energy - c0 - best) > tol)
            fail_msg("n %d norm %d eps %g p %g: energy %.12g (stats %.12g), brute force %.12g", n,
                     (int)norm, eps_cells, p, e, st.energy - c0, best);
        uint32_t want = sel ? uni : inter;
        if (got != want) {
            from_bits(want, cand, cells);
            fail_msg("n %d norm %d eps %g p %g %s: got set %#x, want %#x (energies %.15g vs %.15g)",
                     n, (int)norm, eps_cells, p, sel ? "maximal" : "minimal", got, want,
                     brute_energy(&B, got), brute_energy(&B, want));
        }
    }
    af_mm_plan_free(plan);
}

static void test_brute_4x4(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 4);
    const af_norm norms[] = {AF_NORM_2, AF_NORM_INF, AF_NORM_1};
    const double ps[] = {0, 1, 2};
    for (int s = 0; s < 2; s++)
        for (int k = 0; k < 36; k++)
        {
            /* periodic 4 x 4 grids hold balls of r = 1 only (2r < n) */
            int per = k % 5 == 4;
            double eps = per ? 1 + 0.5 * (k % 2) : 1 + (k / 3) % 2 + 0.5 * (k % 2);
            check_brute(&r, 4, norms[k % 3], eps, ps[(k / 6) % 3],
                        per ? AF_EDGE_PERIODIC : AF_EDGE_CLAMP, solvers[s]);
        }
    /* balls larger than the clamped grid: the graph cuts them to
     * [-(n-1), n-1]^2, which must change nothing */
    for (int k = 0; k < 6; k++)
        check_brute(&r, 4, norms[k % 3], k < 3 ? 3.5 : 9.0, 1, AF_EDGE_CLAMP, solvers[k % 2]);
}

static void test_brute_5x5(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 5);
    const af_norm norms[] = {AF_NORM_2, AF_NORM_INF, AF_NORM_1};
    for (int k = 0; k < 3; k++)
        check_brute(&r, 5, norms[k], 1 + k % 2, (double)k, AF_EDGE_CLAMP, solvers[k % 2]);
}

/* Smooth random shape: a star with random parameters. */
static void random_star(tu_rng *r, const af_grid *g, uint8_t *m, double scale)
{
    af_shape s = {.kind = AF_SHAPE_STAR,
                  .center = {0.1 * (tu_uniform(r) - 0.5), 0.1 * (tu_uniform(r) - 0.5)},
                  .radius = scale * (0.35 + 0.2 * tu_uniform(r)),
                  .points = 2 + (int)(tu_next(r) % 5),
                  .angle = 360 * tu_uniform(r)};
    s.amplitude = 0.3 * s.radius * tu_uniform(r);
    assert_int_equal(af_shape_mask(g, &s, m, NULL), AF_OK);
}

static af_mm_plan *plan_for(const af_grid *g, double eps_cells, double h_cells, int full,
                            af_selection sel, af_mm_solver solver, const double *rho0,
                            const double *rho1)
{
    af_mm_params prm;
    af_mm_params_default(&prm);
    prm.eps = eps_cells * g->dx;
    prm.h = h_cells * g->dx;
    prm.full_grid = full;
    prm.selection = sel;
    prm.solver = solver;
    af_error err;
    af_mm_plan *p = af_mm_plan_create(g, &prm, rho0, rho1, &err);
    if (!p)
        fail_msg("plan: %s", err.msg);
    return p;
}

static double *uniform_field(size_t cells, double v)
{
    double *f = malloc(cells * sizeof *f);
    for (size_t k = 0; k < cells; k++)
        f[k] = v;
    return f;
}

/* The band solver returns exactly what the full-grid solver returns. */
static void test_band_equals_full(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 17);
    af_grid g;
    assert_int_equal(af_grid_init(&g, 2, 64, -1, 1, AF_EDGE_CLAMP, NULL), AF_OK);
    size_t cells = af_grid_cells(&g);
    double *rho0 = uniform_field(cells, 0.5), *rho1 = uniform_field(cells, 0.5);
    uint8_t *a = malloc(cells), *o1 = malloc(cells), *o2 = malloc(cells);
    for (int t = 0; t < 8; t++) {
        random_star(&r, &g, a, 1);
        if (t % 2) /* a non-uniform density too */
            for (size_t k = 0; k < cells; k++)
                rho1[k] = 0.5 + 0.4 * sin(0.1 * (double)k);
        af_selection sel = t % 4 < 2 ? AF_SELECT_MINIMAL : AF_SELECT_MAXIMAL;
        af_mm_plan *band = plan_for(&g, 3, 1 + t % 4, 0, sel, solvers[t % 2], rho0, rho1);
        af_mm_plan *full = plan_for(&g, 3, 1 + t % 4, 1, sel, solvers[t % 2], rho0, rho1);
        for (int k = 0; k < 3; k++) {
            af_mm_stats sb, sf;
            assert_int_equal(af_mm_plan_step(band, a, o1, &sb, NULL), AF_OK);
            assert_int_equal(af_mm_plan_step(full, a, o2, &sf, NULL), AF_OK);
            long d = tu_first_diff(o1, o2, cells);
            if (d >= 0) {
                int nd = 0;
                for (size_t x = 0; x < cells; x++)
                    nd += o1[x] != o2[x];
                fail_msg("shape %d step %d: band and full grid differ in %d cells (first %ld); "
                         "band %d cells, width %g, widened %d; energies %.15g %.15g",
                         t, k, nd, d, sb.band_cells, sb.band_width, sb.band_widenings, sb.energy,
                         sf.energy);
            }
            assert_true(sb.band_cells < sf.band_cells);
            memcpy(a, o1, cells);
        }
        af_mm_plan_free(band);
        af_mm_plan_free(full);
    }
    free(rho0);
    free(rho1);
    free(a);
    free(o1);
    free(o2);
}

/* The local band (thinner where the boundary's curvature predicts less
 * motion) returns what the full grid returns, also where its prediction
 * falls short: the flat sides of a rectangle move although they have no
 * curvature (the digital perimeter is crystalline), and a density's
 * gradient adds a drift.  Periodic, so that no window is involved. */
static void test_local_band_equals_full(void **state)
{
    (void)state;
    af_grid g;
    assert_int_equal(af_grid_init(&g, 2, 96, -1, 1, AF_EDGE_PERIODIC, NULL), AF_OK);
    size_t cells = af_grid_cells(&g);
    double *rho0 = uniform_field(cells, 0.5), *rho1 = uniform_field(cells, 0.5);
    uint8_t *a = malloc(cells), *o1 = malloc(cells), *o2 = malloc(cells);
    double *s_k = malloc(cells * sizeof *s_k);
    af_dist_work *dw = af_dist_work_alloc(&g, NULL);
    assert_non_null(dw);
    int thinner = 0;
    for (int t = 0; t < 6; t++) {
        af_shape s = {.kind = t % 3 == 0 ? AF_SHAPE_ELLIPSE : t % 3 == 1 ? AF_SHAPE_RECTANGLE
                                                                         : AF_SHAPE_STAR,
                      .axes = {0.7, 0.3}, .size = {1.2, 0.5}, .radius = 0.5, .points = 4,
                      .amplitude = 0.15};
        assert_int_equal(af_shape_mask(&g, &s, a, NULL), AF_OK);
        for (size_t k = 0; k < cells; k++) /* exp(x) for t >= 3 */
            rho0[k] = rho1[k] = t < 3 ? 0.5 : 0.5 * exp(g.lo + g.dx * (k % 96 + 0.5));
        af_selection sel = t % 2 ? AF_SELECT_MAXIMAL : AF_SELECT_MINIMAL;
        af_mm_plan *band = plan_for(&g, 3, 0.5, 0, sel, AF_MM_SOLVER_OWN, rho0, rho1);
        af_mm_plan *full = plan_for(&g, 3, 0.5, 1, sel, AF_MM_SOLVER_OWN, rho0, rho1);
        for (int k = 0; k < 4; k++) {
            af_mm_stats sb, sf;
            af_mm_plan_state ps; /* the uniform band this step starts from (after the first) */
            af_mm_plan_get_state(band, &ps);
            assert_int_equal(af_mm_plan_step(band, a, o1, &sb, NULL), AF_OK);
            assert_int_equal(af_mm_plan_step(full, a, o2, &sf, NULL), AF_OK);
            long d = tu_first_diff(o1, o2, cells);
            if (d >= 0)
                fail_msg("shape %d step %d: local band and full grid differ at cell %ld "
                         "(band %d cells, width %g, widened %d)",
                         t, k, d, sb.band_cells, sb.band_width, sb.band_widenings);
            /* the local band holds fewer cells than the uniform one,
             * -band_in <= s_k <= band_out cells */
            if (k > 0 && sb.band_widenings == 0) {
                af_dist_signed(dw, AF_SDIST_SUBCELL, a, s_k);
                int uni = 0;
                for (size_t x = 0; x < cells; x++)
                    uni += s_k[x] >= -ps.band_in * g.dx && s_k[x] <= ps.band_out * g.dx;
                assert_true(sb.band_cells <= uni);
                thinner += sb.band_cells < uni;
            }
            memcpy(a, o1, cells);
        }
        af_mm_plan_free(band);
        af_mm_plan_free(full);
    }
    assert_true(thinner > 0);
    af_dist_work_free(dw);
    free(s_k);
    free(rho0);
    free(rho1);
    free(a);
    free(o1);
    free(o2);
}

/* On a clamped grid much larger than the set the step runs on a window
 * around it; the result equals the full-grid solver's, step by step, up to
 * the set's vanishing, also for a set near the box edge. */
static void test_window_equals_full(void **state)
{
    (void)state;
    af_grid g;
    assert_int_equal(af_grid_init(&g, 2, 256, -1, 1, AF_EDGE_CLAMP, NULL), AF_OK);
    size_t cells = af_grid_cells(&g);
    double *rho0 = uniform_field(cells, 0.5), *rho1 = uniform_field(cells, 0.5);
    for (size_t k = 0; k < cells; k++)
        rho1[k] = 0.5 + 0.3 * sin(0.013 * (double)k); /* not uniform: no symmetry */
    uint8_t *a = malloc(cells), *b = malloc(cells), *o1 = malloc(cells), *o2 = malloc(cells);
    const double centers[2][2] = {{0.1, -0.2}, {-0.82, 0.75}};
    for (int t = 0; t < 2; t++) {
        af_shape s = {.kind = AF_SHAPE_STAR, .center = {centers[t][0], centers[t][1]},
                      .radius = 0.22, .points = 5, .amplitude = 0.05};
        assert_int_equal(af_shape_mask(&g, &s, a, NULL), AF_OK);
        memcpy(b, a, cells);
        af_mm_plan *win = plan_for(&g, 3, 0.5, 0, AF_SELECT_MINIMAL, AF_MM_SOLVER_OWN, rho0, rho1);
        af_mm_plan *full = plan_for(&g, 3, 0.5, 1, AF_SELECT_MINIMAL, AF_MM_SOLVER_OWN, rho0, rho1);
        int steps = 0;
        for (int k = 0; k < 40; k++) {
            af_mm_stats sw, sf;
            assert_int_equal(af_mm_plan_step(win, a, o1, &sw, NULL), AF_OK);
            assert_int_equal(af_mm_plan_step(full, b, o2, &sf, NULL), AF_OK);
            long d = tu_first_diff(o1, o2, cells);
            if (d >= 0)
                fail_msg("shape %d step %d: window and full grid differ at cell %ld", t, k, d);
            assert_true(sw.band_cells < sf.band_cells);
            assert_true(fabs(sw.energy - sf.energy) < 1e-9 * (1 + fabs(sf.energy)));
            memcpy(a, o1, cells);
            memcpy(b, o2, cells);
            steps++;
            if (sf.area == 0)
                break;
        }
        print_message("window test %d: %d steps until the set vanished\n", t, steps);
        assert_true(steps > 3 && steps < 40); /* it moved, and it vanished */
        af_mm_plan_free(win);
        af_mm_plan_free(full);
    }
    free(rho0);
    free(rho1);
    free(a);
    free(b);
    free(o1);
    free(o2);
}

/* Monotone: nested sets stay nested for 20 steps, with either selection;
 * and Per_eps never increases along a flow (A_k is a competitor). */
static void test_monotone_and_energy(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 23);
    af_grid g;
    assert_int_equal(af_grid_init(&g, 2, 48, -1, 1, AF_EDGE_CLAMP, NULL), AF_OK);
    size_t cells = af_grid_cells(&g);
    double *rho0 = uniform_field(cells, 0.5), *rho1 = uniform_field(cells, 0.5);
    uint8_t *a = malloc(cells), *b = malloc(cells), *t = malloc(cells);
    for (int sel = 0; sel < 2; sel++) {
        random_star(&r, &g, a, 1);
        af_shape big = {.kind = AF_SHAPE_CIRCLE, .radius = 0.5};
        assert_int_equal(af_shape_mask(&g, &big, b, NULL), AF_OK);
        for (size_t k = 0; k < cells; k++)
            b[k] |= a[k]; /* a subset of b */
        af_mm_plan *p = plan_for(&g, 3, 3, 0, sel ? AF_SELECT_MAXIMAL : AF_SELECT_MINIMAL,
                                 solvers[sel], rho0, rho1);
        double per_prev = INFINITY;
        for (int k = 0; k < 20; k++) {
            af_mm_stats st;
            assert_int_equal(af_mm_plan_step(p, a, t, &st, NULL), AF_OK);
            memcpy(a, t, cells);
            assert_true(st.per_eps <= per_prev + 1e-12);
            /* E(A_{k+1}) <= E(A_k) = Per_eps(A_k) */
            per_prev = st.per_eps;
            assert_int_equal(af_mm_plan_step(p, b, t, NULL, NULL), AF_OK);
            memcpy(b, t, cells);
            for (size_t x = 0; x < cells; x++)
                if (a[x] && !b[x])
                    fail_msg("step %d: nesting broken at cell %zu", k, x);
        }
        af_mm_plan_free(p);
    }
    free(rho0);
    free(rho1);
    free(a);
    free(b);
    free(t);
}

/* Periodic grids: shifting the input shifts the output. */
static void test_translation(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 31);
    af_grid g;
    assert_int_equal(af_grid_init(&g, 2, 48, -1, 1, AF_EDGE_PERIODIC, NULL), AF_OK);
    size_t cells = af_grid_cells(&g);
    int n = g.n;
    double *rho0 = uniform_field(cells, 0.5), *rho1 = uniform_field(cells, 0.5);
    uint8_t *a = malloc(cells), *as = malloc(cells), *o = malloc(cells), *os = malloc(cells);
    random_star(&r, &g, a, 1);
    af_mm_plan *p = plan_for(&g, 3, 3, 0, AF_SELECT_MINIMAL, AF_MM_SOLVER_OWN, rho0, rho1);
    for (int k = 0; k < 4; k++) {
        const int si = 13 + k, sj = 29 - 3 * k;
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                as[((j + sj) % n) * n + (i + si) % n] = a[j * n + i];
        assert_int_equal(af_mm_plan_step(p, a, o, NULL, NULL), AF_OK);
        assert_int_equal(af_mm_plan_step(p, as, os, NULL, NULL), AF_OK);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                assert_int_equal(os[((j + sj) % n) * n + (i + si) % n], o[j * n + i]);
        memcpy(a, o, cells);
    }
    af_mm_plan_free(p);
    free(rho0);
    free(rho1);
    free(a);
    free(as);
    free(o);
    free(os);
}

static void test_errors(void **state)
{
    (void)state;
    af_grid g;
    assert_int_equal(af_grid_init(&g, 2, 16, -1, 1, AF_EDGE_CLAMP, NULL), AF_OK);
    double *rho = uniform_field(af_grid_cells(&g), 0.5);
    af_mm_params prm;
    af_mm_params_default(&prm);
    af_error err;
    prm.eps = 2 * g.dx;
    prm.h = 0;
    assert_null(af_mm_plan_create(&g, &prm, rho, rho, &err));
    assert_int_equal(err.status, AF_EINVAL);
    prm.h = prm.eps;
    prm.p = -1;
    assert_null(af_mm_plan_create(&g, &prm, rho, rho, &err));
    prm.p = 1;
    prm.eps = 0.1 * g.dx;
    assert_null(af_mm_plan_create(&g, &prm, rho, rho, &err));
    prm.eps = 2 * g.dx;
    rho[3] = NAN;
    assert_null(af_mm_plan_create(&g, &prm, rho, rho, &err));
    assert_int_equal(err.status, AF_EINVAL);
    af_mm_plan_free(NULL);
    free(rho);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_brute_4x4),        cmocka_unit_test(test_brute_5x5),
        cmocka_unit_test(test_band_equals_full), cmocka_unit_test(test_window_equals_full),
        cmocka_unit_test(test_local_band_equals_full),
        cmocka_unit_test(test_monotone_and_energy),
        cmocka_unit_test(test_translation),      cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests_name("mm", tests, NULL, NULL);
}
