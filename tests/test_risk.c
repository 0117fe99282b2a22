/* Tests of the risks: the grid identity risk_adv = risk_clean + w_B Per_eps / M
 * on random regions and densities (every norm, both edge modes), the
 * adversarial risk against brute-force morphology, the point risks against
 * their geometric definition, and the conflict-graph bound against brute
 * force over every vertex cover of small point sets. */
#include "testutil.h"

#include <math.h>

#include "advflow/advflow.h"

static const af_norm norms[] = {AF_NORM_2, AF_NORM_INF, AF_NORM_1};

/* The identity that the project rests on, to 1e-12 relative. */
static void test_identity(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 31);
    for (int trial = 0; trial < 36; trial++) {
        int n = 24 + (int)(40 * tu_uniform(&r));
        af_edge edge = (af_edge)(trial % 2);
        af_norm norm = norms[(trial / 2) % 3];
        double eps_cells = 1 + 5 * tu_uniform(&r);
        af_grid g;
        assert_int_equal(af_grid_init(&g, 2, n, -1, 1 + tu_uniform(&r), edge, NULL), AF_OK);
        size_t cells = af_grid_cells(&g);
        double *r0 = malloc(cells * sizeof *r0), *r1 = malloc(cells * sizeof *r1);
        uint8_t *m = malloc(cells), *d = malloc(cells), *e = malloc(cells);
        for (size_t x = 0; x < cells; x++) {
            r0[x] = tu_uniform(&r) < 0.1 ? 0 : tu_uniform(&r) * 3;
            r1[x] = tu_uniform(&r) < 0.1 ? 0 : tu_uniform(&r);
        }
        /* blobs rather than noise, so that strips are strips */
        tu_random_mask(&r, m, cells, 0.02);
        af_error err;
        af_ball *ball = af_ball_alloc(norm, eps_cells, &err);
        af_morph_dilate_brute(&g, ball, m, d);
        memcpy(m, d, cells);
        if (trial % 3 == 0)
            tu_random_mask(&r, m, cells, 0.5); /* and plain noise */
        af_risk *rk = af_risk_alloc(&g, norm, eps_cells * g.dx, &err);
        af_perimeter *per = af_perimeter_alloc(&g, norm, eps_cells * g.dx, &err);
        assert_non_null(rk);
        assert_non_null(per);
        af_risk_value v;
        af_risk_eval(rk, r0, r1, m, &v);
        af_perimeter_value pv;
        af_perimeter_eval(per, r0, r1, m, &pv);
        double rhs = v.clean + v.w_B * pv.per_eps / v.mass;
        if (!(fabs(v.adv - rhs) <= 1e-12 * v.adv))
            fail_msg("trial %d: adv %.17g, clean + w_B Per / M %.17g", trial, v.adv, rhs);
        assert_true(v.w_B == pv.w_B);
        assert_true(fabs(v.per_eps - pv.per_eps) <= 1e-12 * pv.per_eps + 1e-300);
        assert_true(v.area == pv.area);
        /* adv against brute-force dilation and erosion */
        af_morph_dilate_brute(&g, ball, m, d);
        af_morph_erode_brute(&g, ball, m, e);
        double adv = 0, clean = 0, mass = 0;
        for (size_t x = 0; x < cells; x++) {
            adv += r0[x] * d[x] + r1[x] * (1 - e[x]);
            clean += m[x] ? r0[x] : r1[x];
            mass += r0[x] + r1[x];
        }
        assert_true(fabs(v.adv - adv / mass) <= 1e-12 * v.adv);
        assert_true(fabs(v.clean - clean / mass) <= 1e-12 * v.clean);
        assert_true(fabs(v.mass - mass * g.dx * g.dx) <= 1e-12 * v.mass);
        assert_true(v.adv >= v.clean && v.adv <= 1 + 1e-15);
        af_ball_free(ball);
        af_risk_free(rk);
        af_perimeter_free(per);
        free(r0);
        free(r1);
        free(m);
        free(d);
        free(e);
    }
}

/* A point is attacked when some cell of the other label has a point within
 * eps: checked against a fine sampling of the ball. */
static int attacked_sampled(const af_grid *g, af_norm norm, double eps, const uint8_t *m, double x,
                            double y, int label)
{
    int per = g->edge == AF_EDGE_PERIODIC, n = g->n;
    for (int a = -200; a <= 200; a++)
        for (int b = -200; b <= 200; b++) {
            double u = eps * a / 200.0, v = eps * b / 200.0;
            double nn = norm == AF_NORM_2 ? hypot(u, v) : norm == AF_NORM_1 ? fabs(u) + fabs(v)
                                                                           : fmax(fabs(u), fabs(v));
            if (nn > eps)
                continue;
            double px = x + u, py = y + v;
            long i = (long)floor((px - g->lo) / g->dx), j = (long)floor((py - g->lo) / g->dx);
            if (per) {
                i = ((i % n) + n) % n;
                j = ((j % n) + n) % n;
            } else if (i < 0 || j < 0 || i >= n || j >= n) {
                continue;
            }
            if ((m[j * n + i] != 0) != label)
                return 1;
        }
    return 0;
}

static void test_points_risk(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 5);
    size_t only_attacked = 0; /* the test must see points attacked but not misclassified */
    for (int trial = 0; trial < 12; trial++) {
        af_grid g;
        af_edge edge = (af_edge)(trial % 2);
        af_norm norm = norms[trial % 3];
        assert_int_equal(af_grid_init(&g, 2, 16, 0, 1, edge, NULL), AF_OK);
        uint8_t m[256];
        tu_random_mask(&r, m, 256, 0.3);
        af_points *p = af_points_alloc(60, NULL);
        for (size_t k = 0; k < p->count; k++) {
            p->x[k] = tu_uniform(&r);
            p->y[k] = tu_uniform(&r);
            p->label[k] = tu_uniform(&r) < 0.5;
        }
        p->weight[1] = 2.5;
        double eps = (1.2 + 2 * tu_uniform(&r)) * g.dx;
        af_error err;
        af_risk *rk = af_risk_alloc(&g, norm, eps, &err);
        assert_non_null(rk);
        af_risk_points_value v;
        assert_int_equal(af_risk_points(rk, p, m, &v, &err), AF_OK);
        size_t nc = 0, na = 0;
        double wc = 0, wa = 0, w = 0;
        for (size_t k = 0; k < p->count; k++) {
            int y = p->label[k];
            double wk = p->weight[y];
            w += wk;
            int wrong = (m[af_points_cell(p, &g, k)] != 0) != y;
            int att = wrong || attacked_sampled(&g, norm, eps, m, p->x[k], p->y[k], y);
            nc += (size_t)wrong;
            na += (size_t)att;
            wc += wrong ? wk : 0;
            wa += att ? wk : 0;
        }
        /* sampling can only miss a sliver of a cell at the ball's rim */
        assert_int_equal(v.n_clean, nc);
        assert_true(v.n_adv >= na && v.n_adv <= na + 1);
        assert_true(fabs(v.clean - wc / w) < 1e-12);
        assert_true(v.adv >= v.clean);
        /* any classifier is at least as attacked as the bound says */
        double bound;
        assert_int_equal(af_risk_points_bound(&g, norm, eps, p, &bound, NULL, &err), AF_OK);
        assert_true(v.adv >= bound - 1e-12);
        (void)wa;
        only_attacked += na - nc;
        af_risk_free(rk);
        af_points_free(p);
    }
    assert_true(only_attacked > 20);
}

/* Minimum-weight vertex cover of the conflict graph by brute force. */
static double cover_brute(const af_grid *g, af_norm norm, double eps, const af_points *p)
{
    int np = (int)p->count;
    double best = INFINITY, total = 0;
    for (int k = 0; k < np; k++)
        total += p->weight[p->label[k]];
    for (uint32_t set = 0; set < (1u << np); set++) {
        int ok = 1;
        for (int a = 0; a < np && ok; a++)
            for (int b = 0; b < np && ok; b++) {
                if (p->label[a] != 0 || p->label[b] != 1 || (set >> a & 1) || (set >> b & 1))
                    continue;
                double u = fabs(p->x[a] - p->x[b]), v = fabs(p->y[a] - p->y[b]);
                if (g->edge == AF_EDGE_PERIODIC) {
                    double L = g->hi - g->lo;
                    u = fmin(u, L - u);
                    v = fmin(v, L - v);
                }
                double d = norm == AF_NORM_2 ? hypot(u, v) : norm == AF_NORM_1 ? u + v : fmax(u, v);
                ok = d > 2 * eps;
            }
        if (!ok)
            continue;
        double w = 0;
        for (int k = 0; k < np; k++)
            if (set >> k & 1)
                w += p->weight[p->label[k]];
        best = fmin(best, w);
    }
    return best / total;
}

static void test_bound_brute(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 77);
    int positive = 0;
    for (int trial = 0; trial < 60; trial++) {
        af_grid g;
        assert_int_equal(af_grid_init(&g, 2, 8, -1, 1, (af_edge)(trial % 2), NULL), AF_OK);
        af_norm norm = norms[trial % 3];
        af_points *p = af_points_alloc(4 + trial % 10, NULL);
        for (size_t k = 0; k < p->count; k++) {
            p->x[k] = -1 + 2 * tu_uniform(&r);
            p->y[k] = -1 + 2 * tu_uniform(&r);
            p->label[k] = tu_uniform(&r) < 0.5;
        }
        p->weight[0] = 1 + 3 * tu_uniform(&r);
        p->weight[1] = trial % 4 ? 1 : 0.3;
        double eps = 0.1 + 0.4 * tu_uniform(&r), bound;
        size_t edges;
        af_error err;
        assert_int_equal(af_risk_points_bound(&g, norm, eps, p, &bound, &edges, &err), AF_OK);
        double want = cover_brute(&g, norm, eps, p);
        if (!(fabs(bound - want) <= 1e-12))
            fail_msg("trial %d: bound %.17g, brute force %.17g", trial, bound, want);
        positive += bound > 0;
        af_points_free(p);
    }
    assert_true(positive > 30);
}

/* Hand examples: one conflict pair (1/2), a chain 0-1-0 (1/3), weights. */
static void test_bound_examples(void **state)
{
    (void)state;
    af_grid g;
    assert_int_equal(af_grid_init(&g, 2, 10, 0, 1, AF_EDGE_CLAMP, NULL), AF_OK);
    af_points *p = af_points_alloc(3, NULL);
    double xs[3] = {0.2, 0.4, 0.6};
    for (int k = 0; k < 3; k++) {
        p->x[k] = xs[k];
        p->y[k] = 0.5;
        p->label[k] = k == 1;
    }
    double b;
    size_t e;
    af_error err;
    assert_int_equal(af_risk_points_bound(&g, AF_NORM_2, 0.11, p, &b, &e, &err), AF_OK);
    assert_int_equal(e, 2);
    assert_true(fabs(b - 1.0 / 3) < 1e-15);
    assert_int_equal(af_risk_points_bound(&g, AF_NORM_2, 0.09, p, &b, &e, &err), AF_OK);
    assert_int_equal(e, 0);
    assert_true(b == 0);
    p->count = 2;
    p->weight[0] = 3;
    assert_int_equal(af_risk_points_bound(&g, AF_NORM_INF, 0.1, p, &b, &e, &err), AF_OK);
    assert_true(fabs(b - 1.0 / 4) < 1e-15); /* cover the class-1 point: 1 of 3 + 1 */
    /* only the ratio of the weights counts: no overflow at 1e306 */
    p->weight[0] = 3e306;
    p->weight[1] = 1e306;
    assert_int_equal(af_risk_points_bound(&g, AF_NORM_INF, 0.1, p, &b, &e, &err), AF_OK);
    assert_true(fabs(b - 1.0 / 4) < 1e-15);
    p->weight[1] = 1;
    /* on the torus, points near opposite edges conflict */
    af_grid gp;
    assert_int_equal(af_grid_init(&gp, 2, 10, 0, 1, AF_EDGE_PERIODIC, NULL), AF_OK);
    p->x[0] = 0.02;
    p->x[1] = 0.97;
    p->weight[0] = 1;
    assert_int_equal(af_risk_points_bound(&gp, AF_NORM_2, 0.03, p, &b, &e, &err), AF_OK);
    assert_true(fabs(b - 0.5) < 1e-15);
    assert_int_equal(af_risk_points_bound(&g, AF_NORM_2, 0.03, p, &b, &e, &err), AF_OK);
    assert_true(b == 0);
    af_points_free(p);
}

/* A conflict graph beyond AF_RISK_MAX_CONFLICTS is refused (counted before
 * it is built), and one just below is solved. */
static void test_bound_too_large(void **state)
{
    (void)state;
    af_grid g;
    assert_int_equal(af_grid_init(&g, 2, 16, 0, 1, AF_EDGE_CLAMP, NULL), AF_OK);
    size_t m = 4097; /* 4097^2 > 2^24 pairs, all within 2 eps */
    af_points *p = af_points_alloc(2 * m, NULL);
    for (size_t k = 0; k < 2 * m; k++) {
        p->x[k] = 0.5 + 1e-6 * (double)(k % 7);
        p->y[k] = 0.5;
        p->label[k] = k >= m;
    }
    double b;
    size_t e;
    af_error err;
    assert_int_equal(af_risk_points_bound(&g, AF_NORM_2, 0.1, p, &b, &e, &err), AF_EUNSUP);
    assert_non_null(strstr(err.msg, "smaller eps"));
    p->count = 2 * 1000; /* 1000 of each class: one million conflicts, every point in one */
    for (size_t k = 0; k < p->count; k++)
        p->label[k] = k >= 1000;
    assert_int_equal(af_risk_points_bound(&g, AF_NORM_2, 0.1, p, &b, &e, &err), AF_OK);
    assert_int_equal(e, 1000000);
    assert_true(fabs(b - 0.5) < 1e-15); /* cover one whole class */
    af_points_free(p);
}

static void test_errors(void **state)
{
    (void)state;
    af_grid g;
    assert_int_equal(af_grid_init(&g, 2, 16, 0, 1, AF_EDGE_CLAMP, NULL), AF_OK);
    af_error err;
    assert_null(af_risk_alloc(&g, AF_NORM_2, 0.5 * g.dx, &err));
    assert_int_equal(err.status, AF_EINVAL);
    assert_null(af_risk_alloc(&g, AF_NORM_2, NAN, &err));
    af_risk *rk = af_risk_alloc(&g, AF_NORM_2, 2 * g.dx, &err);
    af_points *p = af_points_alloc(1, NULL);
    p->x[0] = 1.5;
    uint8_t m[256] = {0};
    af_risk_points_value v;
    assert_int_equal(af_risk_points(rk, p, m, &v, &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "outside the box"));
    double b;
    assert_int_equal(af_risk_points_bound(&g, AF_NORM_2, 0.1, p, &b, NULL, &err), AF_EINVAL);
    assert_int_equal(af_risk_points_bound(&g, AF_NORM_2, -1, p, &b, NULL, &err), AF_EINVAL);
    af_risk_free(rk);
    af_risk_free(NULL);
    af_points_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identity),       cmocka_unit_test(test_points_risk),
        cmocka_unit_test(test_bound_brute),    cmocka_unit_test(test_bound_examples),
        cmocka_unit_test(test_bound_too_large), cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests_name("risk", tests, NULL, NULL);
}
