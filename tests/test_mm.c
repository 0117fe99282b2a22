/* Tests of the exact minimizing-movements step: brute force over every set
 * on tiny grids (energy, minimal and maximal minimiser), band == full grid,
 * monotonicity, translation invariance, energy decrease along a flow. */
#include "testutil.h"

#include <math.h>

#include "advflow/advflow.h"

/* Which max-flow the tests run: both, in turn. */
static af_mm_solver solvers[] = {AF_MM_SOLVER_OWN, AF_MM_SOLVER_BK};

/* Brute force on an n x n grid (n*n <= 25): the energy of every set, from
 * per-cell data, E(A) = sum psi_fid (u - ak) + sum_b kper_b sum (rho0
 * max_{B_b} u - rho1 min_{B_b} u + (rho1 - rho0) u) (Per_eps with its
 * constant-free form; with eps_avg one term per ball b, kper_b = dx^2 /
 * (eps_b w_b m)). */
#define BRUTE_BALLS 4
typedef struct {
    int cells, nb;
    uint32_t ball[BRUTE_BALLS][25]; /* cells of B_b(x) within the grid (or wrapped) */
    double psi[25];                 /* fidelity coefficient of u_x (from the plan's energy) */
    double a[BRUTE_BALLS][25], b[BRUTE_BALLS][25], lin[25];
} brute;

static double brute_energy(const brute *B, uint32_t set)
{
    double e = 0;
    for (int x = 0; x < B->cells; x++) {
        for (int k = 0; k < B->nb; k++) {
            uint32_t m = set & B->ball[k][x];
            e += B->a[k][x] * (m != 0) - B->b[k][x] * (m == B->ball[k][x]);
        }
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

/* The brute force of the step with budgets eps_cells[0 .. nb) (eps, then
 * eps_avg), densities rho0, rho1 (zero_frac of the cells without density,
 * drawn only when > 0, so that the single-ball tests draw as before). */
static int brute_nontrivial; /* minimisers neither empty nor full nor A_k */

static void check_brute_avg(tu_rng *r, int n, af_norm norm, const double *eps_cells, int nb,
                            double p, af_edge edge, af_mm_solver solver, double zero_frac,
                            double h0, double h1, int adapt)
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
    if (zero_frac > 0)
        for (int x = 0; x < cells; x++) {
            if (tu_uniform(r) < zero_frac)
                rho0[x] = 0;
            if (tu_uniform(r) < zero_frac)
                rho1[x] = 0;
        }
    tu_random_mask(r, ak, (size_t)cells, 0.5);
    af_mm_params prm;
    af_mm_params_default(&prm);
    prm.norm = norm;
    prm.eps = eps_cells[0] * g.dx;
    for (int k = 1; k < nb; k++)
        prm.eps_avg[k - 1] = eps_cells[k] * g.dx;
    prm.h = prm.eps * (h0 + h1 * tu_uniform(r));
    prm.p = p;
    prm.full_grid = 1;
    prm.solver = solver;
    prm.sdist = tu_uniform(r) < 0.5 ? AF_SDIST_SUBCELL : AF_SDIST_SIMPLE;
    af_error err;
    int attempts = 0;
again:;
    af_mm_plan *plan = af_mm_plan_create(&g, &prm, rho0, rho1, &err);
    if (!plan)
        fail_msg("plan: %s", err.msg);

    /* per-cell data of the brute force, read off the plan (its fidelity)
     * and the balls */
    brute B = {.cells = cells, .nb = nb};
    af_ball *balls[BRUTE_BALLS];
    double kper[BRUTE_BALLS];
    for (int k = 0; k < nb; k++) {
        balls[k] = af_ball_alloc(norm, (k ? prm.eps_avg[k - 1] : prm.eps) / g.dx, NULL);
        assert_non_null(balls[k]);
        kper[k] = g.dx * g.dx / (eps_cells[k] * g.dx * af_ball_width_ratio(balls[k]) * nb);
    }
    /* the plan's ball is the first budget's */
    const af_ball *pb = af_mm_plan_ball(plan);
    assert_int_equal(pb->r, balls[0]->r);
    if (nb == 1) /* as the plan computes it */
        kper[0] = g.dx * g.dx / (prm.eps * af_ball_width_ratio(pb));
    double fid0;
    af_mm_plan_energy(plan, ak, ak, NULL, &fid0);
    assert_true(fid0 == 0);
    for (int x = 0; x < cells; x++) {
        memcpy(cand, ak, (size_t)cells);
        cand[x] ^= 1;
        double fid;
        af_mm_plan_energy(plan, ak, cand, NULL, &fid);
        B.psi[x] = ak[x] ? -fid : fid; /* coefficient of u_x */
        B.lin[x] = 0;
        int i = x % n, j = x / n;
        for (int k = 0; k < nb; k++) {
            const af_ball *ball = balls[k];
            B.a[k][x] = kper[k] * rho0[x];
            B.b[k][x] = kper[k] * rho1[x];
            B.lin[x] += kper[k] * (rho1[x] - rho0[x]);
            B.ball[k][x] = 0;
            for (int dj = -ball->r; dj <= ball->r; dj++)
                for (int di = -ball->half[dj + ball->r]; di <= ball->half[dj + ball->r]; di++) {
                    int ii = i + di, jj = j + dj;
                    if (edge == AF_EDGE_PERIODIC) {
                        ii = (ii % n + n) % n;
                        jj = (jj % n + n) % n;
                    } else if (ii < 0 || jj < 0 || ii >= n || jj >= n)
                        continue;
                    B.ball[k][x] |= 1u << (jj * n + ii);
                }
        }
    }
    for (int k = 0; k < nb; k++)
        af_ball_free(balls[k]);
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
    /* adapt: a trivial minimiser (A_k: h longer; empty or full: shorter)
     * tests little, so h changes up to five times until one is not */
    int triv_i = inter == 0 || inter == full || inter == sk, triv_u = uni == 0 || uni == full || uni == sk;
    if (adapt && triv_i && triv_u && attempts < 5) {
        prm.h *= inter == sk ? 3 : 1.0 / 3;
        attempts++;
        af_mm_plan_free(plan);
        goto again;
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
        /* the plan's energy of a set other than A_k agrees too */
        double e2 = af_mm_plan_energy(plan, ak, cand, NULL, NULL) - c0;
        if (fabs(e2 - brute_energy(&B, to_bits(cand, cells))) > tol)
            fail_msg("n %d norm %d eps %g (%d balls): plan energy %.12g, brute force %.12g", n,
                     (int)norm, eps_cells[0], nb, e2, brute_energy(&B, to_bits(cand, cells)));
        if (fabs(e - best) > tol || fabs(st.energy - c0 - best) > tol)
            fail_msg("n %d norm %d eps %g (%d balls) p %g: energy %.12g (stats %.12g), brute "
                     "force %.12g", n, (int)norm, eps_cells[0], nb, p, e, st.energy - c0, best);
        uint32_t want = sel ? uni : inter;
        brute_nontrivial += want != 0 && want != full && want != sk;
        if (got != want) {
            from_bits(want, cand, cells);
            fail_msg("n %d norm %d eps %g (%d balls) p %g %s: got set %#x, want %#x (energies "
                     "%.15g vs %.15g)", n, (int)norm, eps_cells[0], nb, p,
                     sel ? "maximal" : "minimal", got, want, brute_energy(&B, got),
                     brute_energy(&B, want));
        }
    }
    af_mm_plan_free(plan);
}

static void check_brute(tu_rng *r, int n, af_norm norm, double eps_cells, double p, af_edge edge,
                        af_mm_solver solver)
{
    check_brute_avg(r, n, norm, &eps_cells, 1, p, edge, solver, 0, 0.5, 1, 0);
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

/* A plan with budgets eps_cells and, averaged with it, avg_cells[0 .. 3)
 * (0: unused; avg_cells may be NULL). */
static af_mm_plan *plan_for_avg(const af_grid *g, double eps_cells, const double *avg_cells,
                                double h_cells, int full, af_selection sel, af_mm_solver solver,
                                const double *rho0, const double *rho1)
{
    af_mm_params prm;
    af_mm_params_default(&prm);
    prm.eps = eps_cells * g->dx;
    for (int k = 0; k < 3 && avg_cells; k++)
        prm.eps_avg[k] = avg_cells[k] * g->dx;
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

static af_mm_plan *plan_for(const af_grid *g, double eps_cells, double h_cells, int full,
                            af_selection sel, af_mm_solver solver, const double *rho0,
                            const double *rho1)
{
    return plan_for_avg(g, eps_cells, NULL, h_cells, full, sel, solver, rho0, rho1);
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

/* The averaged perimeter (eps_avg): brute force over every set with two
 * and three balls, clamped and periodic, densities with empty cells. */
static void test_brute_avg(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 41);
    const double two[2] = {2, 1.5}, three[3] = {2, 1.5, 1}, per2[2] = {1.5, 1};
    const af_norm norms[] = {AF_NORM_2, AF_NORM_INF, AF_NORM_1};
    const double ps[] = {1, 0, 2};
    /* time steps adapted until the minimisers are not empty, full or A_k
     * (h = eps / 2 .. 3 eps / 2 leaves most of them trivial, where a wrong
     * ball goes unseen) */
    brute_nontrivial = 0;
    for (int k = 0; k < 24; k++) {
        int per = k % 4 == 3, nb = per ? 2 : 2 + k % 2;
        /* periodic 4 x 4 grids hold r = 1 only: 1.5 and 1 (l2: square, cross) */
        const double *eps = per ? per2 : nb == 2 ? two : three;
        af_norm norm = per ? AF_NORM_2 : norms[(k / 2) % 3];
        check_brute_avg(&r, 4, norm, eps, nb, ps[(k / 6) % 3],
                        per ? AF_EDGE_PERIODIC : AF_EDGE_CLAMP, solvers[k % 2],
                        k % 3 == 0 ? 0.3 : 0, 0.02, 0.2, 1);
    }
    /* 5 x 5, three balls, clamped and periodic (2r < 5) */
    check_brute_avg(&r, 5, AF_NORM_2, three, 3, 1, AF_EDGE_CLAMP, AF_MM_SOLVER_OWN, 0.2, 0.02, 0.1, 0);
    check_brute_avg(&r, 5, AF_NORM_2, three, 3, 1, AF_EDGE_PERIODIC, AF_MM_SOLVER_BK, 0, 0.02, 0.1, 0);
    print_message("averaged brute force: %d of 52 minimisers not trivial\n", brute_nontrivial);
    assert_true(brute_nontrivial > 26);
}

/* eps_avg = {eps}: the same ball twice is the single ball, bit for bit
 * (budgets with the same digital ball share its terms: the two halves of
 * its weight add up to the whole exactly), and four times too; budgets of
 * another radius but the same digital ball (4.3 and 4.25 cells) give the
 * same sets, and energies equal up to rounding. */
static void test_avg_same_ball(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 43);
    af_grid g;
    assert_int_equal(af_grid_init(&g, 2, 64, -1, 1, AF_EDGE_CLAMP, NULL), AF_OK);
    size_t cells = af_grid_cells(&g);
    double *rho0 = uniform_field(cells, 0.5), *rho1 = uniform_field(cells, 0.5);
    for (size_t k = 0; k < cells; k++)
        rho1[k] = 0.5 + 0.3 * sin(0.07 * (double)k);
    uint8_t *a = malloc(cells), *b = malloc(cells), *o1 = malloc(cells), *o2 = malloc(cells);
    const double same[3][3] = {{4.25, 0, 0}, {4.25, 4.25, 4.25}, {0, 4.25, 0}};
    for (int t = 0; t < 3; t++) {
        random_star(&r, &g, a, 1);
        memcpy(b, a, cells);
        af_mm_plan *one = plan_for(&g, 4.25, 2, 0, AF_SELECT_MINIMAL, AF_MM_SOLVER_OWN, rho0, rho1);
        af_mm_plan *two = plan_for_avg(&g, t < 2 ? 4.25 : 4.3, same[t], 2, 0, AF_SELECT_MINIMAL,
                                       AF_MM_SOLVER_OWN, rho0, rho1);
        for (int k = 0; k < 4; k++) {
            af_mm_stats s1, s2;
            assert_int_equal(af_mm_plan_step(one, a, o1, &s1, NULL), AF_OK);
            assert_int_equal(af_mm_plan_step(two, b, o2, &s2, NULL), AF_OK);
            assert_true(tu_first_diff(o1, o2, cells) < 0);
            if (t < 2)
                assert_true(s1.energy == s2.energy && s1.per_eps == s2.per_eps);
            else
                if (!(fabs(s1.energy - s2.energy) <= 1e-12 * fabs(s1.energy)))
                    fail_msg("energies %.17g %.17g", s1.energy, s2.energy);
            assert_true(s1.nodes == s2.nodes && s1.arcs == s2.arcs);
            memcpy(a, o1, cells);
            memcpy(b, o2, cells);
        }
        af_mm_plan_free(one);
        af_mm_plan_free(two);
    }
    free(rho0);
    free(rho1);
    free(a);
    free(b);
    free(o1);
    free(o2);
}

/* With averaging: the band (and the window) give the full grid's sets, nested
 * sets stay nested, and Per_eps (averaged) never increases along a flow. */
static void test_avg_band_monotone(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 47);
    af_grid g;
    assert_int_equal(af_grid_init(&g, 2, 64, -1, 1, AF_EDGE_CLAMP, NULL), AF_OK);
    size_t cells = af_grid_cells(&g);
    double *rho0 = uniform_field(cells, 0.5), *rho1 = uniform_field(cells, 0.5);
    uint8_t *a = malloc(cells), *b = malloc(cells), *o1 = malloc(cells), *o2 = malloc(cells);
    const double avg[3][3] = {{3.25, 0, 0}, {2.5, 0, 3}, {3.25, 2.5, 1.5}};
    for (int t = 0; t < 6; t++) {
        random_star(&r, &g, a, t < 4 ? 1 : 0.5); /* small ones run in a window */
        if (t % 2)
            for (size_t k = 0; k < cells; k++)
                rho1[k] = 0.5 + 0.4 * sin(0.1 * (double)k);
        af_selection sel = t % 4 < 2 ? AF_SELECT_MINIMAL : AF_SELECT_MAXIMAL;
        af_mm_plan *band = plan_for_avg(&g, 4, avg[t % 3], 1 + t % 4, 0, sel, solvers[t % 2],
                                        rho0, rho1);
        af_mm_plan *full = plan_for_avg(&g, 4, avg[t % 3], 1 + t % 4, 1, sel, solvers[t % 2],
                                        rho0, rho1);
        for (int k = 0; k < 3; k++) {
            af_mm_stats sb, sf;
            assert_int_equal(af_mm_plan_step(band, a, o1, &sb, NULL), AF_OK);
            assert_int_equal(af_mm_plan_step(full, a, o2, &sf, NULL), AF_OK);
            long d = tu_first_diff(o1, o2, cells);
            if (d >= 0)
                fail_msg("averaged, shape %d step %d: band and full grid differ at cell %ld", t,
                         k, d);
            assert_true(fabs(sb.energy - sf.energy) < 1e-9 * (1 + fabs(sf.energy)));
            memcpy(a, o1, cells);
        }
        af_mm_plan_free(band);
        af_mm_plan_free(full);
    }
    /* A fixed band narrower than the large ball but wider than the small
     * ones, and a circle that shrinks by about two cells a step without
     * reaching the band's edge: terms of the small balls whose large ball
     * meets a fixed cell vary (each ball's skip bit must be its own). */
    for (int t = 0; t < 4; t++) {
        af_mm_params prm;
        af_mm_params_default(&prm);
        prm.eps = 6 * g.dx;
        prm.eps_avg[0] = 1.5 * g.dx;
        prm.eps_avg[1] = (t < 2 ? 2.5 : 3) * g.dx;
        prm.h = (20 + 4 * t) * g.dx * g.dx;
        prm.selection = t % 2 ? AF_SELECT_MAXIMAL : AF_SELECT_MINIMAL;
        af_shape c = {.kind = AF_SHAPE_CIRCLE, .radius = 0.6 + 0.02 * t};
        assert_int_equal(af_shape_mask(&g, &c, a, NULL), AF_OK);
        prm.band_cells = 3;
        af_mm_plan *band = af_mm_plan_create(&g, &prm, rho0, rho1, NULL);
        prm.band_cells = 0;
        prm.full_grid = 1;
        af_mm_plan *full = af_mm_plan_create(&g, &prm, rho0, rho1, NULL);
        assert_non_null(band);
        assert_non_null(full);
        af_mm_stats sb, sf;
        assert_int_equal(af_mm_plan_step(band, a, o1, &sb, NULL), AF_OK);
        assert_int_equal(af_mm_plan_step(full, a, o2, &sf, NULL), AF_OK);
        print_message("narrow %d: widened %d moved %g\n", t, sb.band_widenings, sf.max_shift / g.dx);
        if (tu_first_diff(o1, o2, cells) >= 0 || sb.band_widenings)
            fail_msg("averaged, narrow band %d: band and full grid differ (band %d cells, "
                     "widened %d, moved %g cells)", t, sb.band_cells, sb.band_widenings,
                     sf.max_shift / g.dx);
        assert_true(sf.max_shift > 1.5 * g.dx);
        af_mm_plan_free(band);
        af_mm_plan_free(full);
    }
    for (size_t k = 0; k < cells; k++)
        rho1[k] = 0.5;
    for (int sel = 0; sel < 2; sel++) {
        random_star(&r, &g, a, 1);
        af_shape big = {.kind = AF_SHAPE_CIRCLE, .radius = 0.5};
        assert_int_equal(af_shape_mask(&g, &big, b, NULL), AF_OK);
        for (size_t k = 0; k < cells; k++)
            b[k] |= a[k]; /* a subset of b */
        af_mm_plan *p = plan_for_avg(&g, 4, avg[2], 3, 0, sel ? AF_SELECT_MAXIMAL : AF_SELECT_MINIMAL,
                                     solvers[sel], rho0, rho1);
        double per_prev = INFINITY;
        for (int k = 0; k < 12; k++) {
            af_mm_stats st;
            assert_int_equal(af_mm_plan_step(p, a, o1, &st, NULL), AF_OK);
            memcpy(a, o1, cells);
            assert_true(st.per_eps <= per_prev + 1e-12);
            per_prev = st.per_eps;
            assert_int_equal(af_mm_plan_step(p, b, o1, NULL, NULL), AF_OK);
            memcpy(b, o1, cells);
            for (size_t x = 0; x < cells; x++)
                if (a[x] && !b[x])
                    fail_msg("averaged, step %d: nesting broken at cell %zu", k, x);
        }
        af_mm_plan_free(p);
    }
    free(rho0);
    free(rho1);
    free(a);
    free(b);
    free(o1);
    free(o2);
}

/* Bad further budgets are refused by name. */
static void test_avg_errors(void **state)
{
    (void)state;
    af_grid g;
    assert_int_equal(af_grid_init(&g, 2, 16, -1, 1, AF_EDGE_CLAMP, NULL), AF_OK);
    double *rho = uniform_field(af_grid_cells(&g), 0.5);
    af_mm_params prm;
    af_mm_params_default(&prm);
    prm.eps = 3 * g.dx;
    prm.h = prm.eps;
    const struct {
        double v;
        const char *word;
    } bad[] = {{NAN, "NaN"}, {-g.dx, "negative"}, {0.5 * g.dx, "smaller than one cell"},
               {3.5 * g.dx, "exceeds eps"}, {INFINITY, "exceeds eps"}};
    af_error err;
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++)
        for (int slot = 0; slot < 3; slot++) {
            memset(prm.eps_avg, 0, sizeof prm.eps_avg);
            prm.eps_avg[slot] = bad[k].v;
            assert_null(af_mm_plan_create(&g, &prm, rho, rho, &err));
            assert_int_equal(err.status, AF_EINVAL);
            char name[32];
            snprintf(name, sizeof name, "eps_avg[%d]", slot);
            if (!strstr(err.msg, name) || !strstr(err.msg, bad[k].word))
                fail_msg("eps_avg[%d] = %g: message '%s'", slot, bad[k].v, err.msg);
        }
    /* eps and one cell are the bounds, and accepted */
    prm.eps_avg[0] = prm.eps;
    prm.eps_avg[1] = g.dx;
    prm.eps_avg[2] = 0;
    af_mm_plan *p = af_mm_plan_create(&g, &prm, rho, rho, &err);
    assert_non_null(p);
    af_mm_plan_free(p);
    free(rho);
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
        cmocka_unit_test(test_brute_avg),        cmocka_unit_test(test_avg_same_ball),
        cmocka_unit_test(test_avg_band_monotone), cmocka_unit_test(test_avg_errors),
    };
    return cmocka_run_group_tests_name("mm", tests, NULL, NULL);
}
