/* Tests of the max-flow / min-cut solver (mf.h): flow values and the
 * maximal minimum-cut source set, against brute force over every cut on
 * small graphs and against Boykov-Kolmogorov (bk.h) on medium random
 * graphs and on coverage graphs shaped like advflow's step graphs.
 *
 * Maximality is checked by brute force (every minimum source set is a
 * subset of ours), against BK's maximal source set, and against BK on the
 * reversed problem, whose minimal source set is the complement of the
 * original's maximal one. */
#include "testutil.h"

#include <math.h>

#include "bk.h"
#include "mf.h"

/* A problem kept beside the solver, to recompute cut capacities. */
typedef struct {
    int n;
    af_cap *cs, *ct;
    size_t m, room;
    int *tail, *head;
    af_cap *cap, *rev;
} problem;

static void pb_init(problem *p, int n)
{
    memset(p, 0, sizeof *p);
    p->n = n;
    p->cs = calloc((size_t)n + 1, sizeof(af_cap));
    p->ct = calloc((size_t)n + 1, sizeof(af_cap));
    assert_non_null(p->cs);
    assert_non_null(p->ct);
}

static void pb_arc(problem *p, int i, int j, af_cap cap, af_cap rev)
{
    if (p->m == p->room) {
        p->room = p->room ? 2 * p->room : 64;
        p->tail = realloc(p->tail, p->room * sizeof(int));
        p->head = realloc(p->head, p->room * sizeof(int));
        p->cap = realloc(p->cap, p->room * sizeof(af_cap));
        p->rev = realloc(p->rev, p->room * sizeof(af_cap));
        assert_true(p->tail && p->head && p->cap && p->rev);
    }
    p->tail[p->m] = i;
    p->head[p->m] = j;
    p->cap[p->m] = cap;
    p->rev[p->m] = rev;
    p->m++;
}

static void pb_free(problem *p)
{
    free(p->cs);
    free(p->ct);
    free(p->tail);
    free(p->head);
    free(p->cap);
    free(p->rev);
}

static af_cap sat(af_cap a, af_cap b)
{
    af_cap s = a + b;
    return s < AF_MF_INF ? s : AF_MF_INF;
}

/* Capacity of the cut with source set in[] (saturated at AF_MF_INF). */
static af_cap cut_capacity(const problem *p, const uint8_t *in)
{
    af_cap c = 0;
    for (int i = 0; i < p->n; i++)
        c = sat(c, in[i] ? p->ct[i] : p->cs[i]);
    for (size_t k = 0; k < p->m; k++) {
        int a = in[p->tail[k]], b = in[p->head[k]];
        if (a && !b)
            c = sat(c, p->cap[k]);
        else if (b && !a)
            c = sat(c, p->rev[k]);
    }
    return c;
}

/* How solve_mf builds the graph: 0 = af_mf_begin(n), terminals, arcs;
 * 1 = af_mf_begin(n / 2), the terminals of those nodes, the arcs (ends up
 * to n - 1), af_mf_set_nodes(n), the other terminals. */
static int late_nodes;

/* af_mf_arcs and af_mf_arc_caps give back the pairs of p, in order. */
static void check_arcs(const af_mf *g, const problem *p)
{
    const int32_t *tail, *head;
    size_t m;
    af_mf_arcs(g, &tail, &head, &m);
    assert_int_equal(m, p->m);
    for (size_t k = 0; k < m; k++) {
        af_cap c, r;
        af_mf_arc_caps(g, k, &c, &r);
        assert_int_equal(tail[k], p->tail[k]);
        assert_int_equal(head[k], p->head[k]);
        assert_true(c == (p->cap[k] < AF_MF_INF ? p->cap[k] : AF_MF_INF));
        assert_true(r == (p->rev[k] < AF_MF_INF ? p->rev[k] : AF_MF_INF));
    }
}

/* Solve p with g; returns the flow value, fills side[] with our cut. */
static af_cap solve_mf(af_mf *g, const problem *p, uint8_t *side)
{
    af_error err;
    af_cap flow = -1;
    int n0 = late_nodes ? p->n / 2 : p->n;
    assert_int_equal(af_mf_begin(g, n0, &err), AF_OK);
    for (int i = 0; i < n0; i++)
        af_mf_tweight(g, i, p->cs[i], p->ct[i]);
    for (size_t k = 0; k < p->m; k++)
        assert_int_equal(af_mf_arc(g, p->tail[k], p->head[k], p->cap[k], p->rev[k], &err), AF_OK);
    if (late_nodes) {
        assert_int_equal(af_mf_set_nodes(g, p->n, &err), AF_OK);
        for (int i = n0; i < p->n; i++)
            af_mf_tweight(g, i, p->cs[i], p->ct[i]);
    }
    check_arcs(g, p);
    assert_int_equal(af_mf_solve(g, &flow, &err), AF_OK);
    for (int i = 0; i < p->n; i++)
        side[i] = (uint8_t)af_mf_source_side(g, i);
    return flow;
}

static double dcap(af_cap c) { return c >= AF_MF_INF ? ldexp(1, 60) : (double)c; }

/* BK on p, or on the reversed problem (terminals swapped, arcs turned);
 * returns the flow value and fills side[] with BK's minimal source set and
 * maxside[] (if not NULL) with its maximal one. */
static double solve_bk(const problem *p, int reversed, uint8_t *side, uint8_t *maxside)
{
    af_bk *b = af_bk_alloc(p->n, (int)p->m + 1);
    assert_non_null(b);
    assert_int_equal(af_bk_add_nodes(b, p->n), 0);
    for (int i = 0; i < p->n; i++)
        if (reversed)
            af_bk_add_tweights(b, i, dcap(p->ct[i]), dcap(p->cs[i]));
        else
            af_bk_add_tweights(b, i, dcap(p->cs[i]), dcap(p->ct[i]));
    for (size_t k = 0; k < p->m; k++)
        if (reversed)
            af_bk_add_edge(b, p->tail[k], p->head[k], dcap(p->rev[k]), dcap(p->cap[k]));
        else
            af_bk_add_edge(b, p->tail[k], p->head[k], dcap(p->cap[k]), dcap(p->rev[k]));
    double f;
    assert_int_equal(af_bk_solve(b, &f), 0);
    for (int i = 0; i < p->n; i++)
    {
        side[i] = (uint8_t)af_bk_in_source(b, i, 0);
        if (maxside)
            maxside[i] = (uint8_t)af_bk_in_source(b, i, 1);
    }
    af_bk_free(b);
    return f;
}

/* Checks of a finite problem against BK: equal values, our cut has the
 * flow's capacity, and it is the maximal minimum source set (the
 * complement of BK's minimal set on the reversed problem, and a superset
 * of BK's minimal set on the problem itself). */
static void check_against_bk(af_mf *g, const problem *p)
{
    uint8_t *ours = malloc((size_t)p->n + 1), *bk = malloc((size_t)p->n + 1);
    uint8_t *bkmax = malloc((size_t)p->n + 1);
    assert_true(ours && bk && bkmax);
    af_cap flow = solve_mf(g, p, ours);
    assert_true(flow >= 0 && flow < AF_MF_INF);
    double fb = solve_bk(p, 0, bk, bkmax);
    assert_true(fb == (double)flow);
    assert_true(cut_capacity(p, ours) == flow);
    for (int i = 0; i < p->n; i++) {
        assert_true(!bk[i] || ours[i]);
        assert_int_equal(ours[i], bkmax[i]);
    }
    double fr = solve_bk(p, 1, bk, NULL);
    assert_true(fr == (double)flow);
    for (int i = 0; i < p->n; i++)
        assert_int_equal(ours[i], !bk[i]);
    free(ours);
    free(bk);
    free(bkmax);
}

/* ------------------------------------------------------ small, brute force */

static af_cap small_cap(tu_rng *r, double p_inf)
{
    double u = tu_uniform(r);
    if (u < p_inf)
        return AF_MF_INF;
    if (u < 0.4)
        return 0;
    return (af_cap)(tu_next(r) % 7); /* small integers: many tied cuts */
}

static void check_small(af_mf *g, tu_rng *r, int n, double p_inf_arc, double p_inf_term)
{
    problem p;
    pb_init(&p, n);
    for (int i = 0; i < n; i++) {
        p.cs[i] = small_cap(r, p_inf_term);
        p.ct[i] = small_cap(r, p_inf_term);
    }
    int arcs = (int)(tu_next(r) % (size_t)(2 * n * n + 1));
    for (int k = 0; k < arcs; k++)
        pb_arc(&p, (int)(tu_next(r) % (size_t)n), (int)(tu_next(r) % (size_t)n), small_cap(r, p_inf_arc),
               small_cap(r, p_inf_arc));
    uint8_t ours[16], in[16];
    af_cap flow = solve_mf(g, &p, ours);

    af_cap best = AF_MF_INF + 1;
    for (int s = 0; s < 1 << n; s++) {
        for (int i = 0; i < n; i++)
            in[i] = (uint8_t)(s >> i & 1);
        af_cap c = cut_capacity(&p, in);
        if (c < best)
            best = c;
    }
    assert_true(flow == best);
    if (best < AF_MF_INF) {
        assert_true(cut_capacity(&p, ours) == best);
        /* maximal: every minimum source set lies inside ours */
        for (int s = 0; s < 1 << n; s++) {
            for (int i = 0; i < n; i++)
                in[i] = (uint8_t)(s >> i & 1);
            if (cut_capacity(&p, in) == best)
                for (int i = 0; i < n; i++)
                    assert_true(!in[i] || ours[i]);
        }
    }
    pb_free(&p);
}

static void test_small_brute_force(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 11);
    af_error err;
    af_mf *g = af_mf_alloc(4, 4, &err);
    assert_non_null(g);
    for (int k = 0; k < 3000; k++) {
        int n = 1 + k % 10;
        double p_inf_arc = k % 3 == 0 ? 0.0 : 0.1;
        double p_inf_term = k % 5 == 0 ? 0.05 : 0.0;
        check_small(g, &r, n, p_inf_arc, p_inf_term);
    }
    af_mf_free(g);
}

/* ---------------------------------------------------- medium random, BK */

static void make_medium(problem *p, tu_rng *r, int n)
{
    pb_init(p, n);
    for (int i = 0; i < n; i++) {
        double u = tu_uniform(r);
        af_cap c = (af_cap)(tu_next(r) >> 28); /* < 2^36 */
        if (u < 0.3)
            p->cs[i] = c;
        else if (u < 0.6)
            p->ct[i] = c;
        else if (u < 0.7) {
            p->cs[i] = c;
            p->ct[i] = (af_cap)(tu_next(r) >> 28);
        }
    }
    int arcs = 4 * n;
    for (int k = 0; k < arcs; k++) {
        int i = (int)(tu_next(r) % (size_t)n);
        /* mostly local arcs, some long ones */
        int j = tu_uniform(r) < 0.8 ? (i + 1 + (int)(tu_next(r) % 20)) % n : (int)(tu_next(r) % (size_t)n);
        if (i == j)
            continue; /* BK refuses self-loops */
        double u = tu_uniform(r);
        af_cap c = (af_cap)(tu_next(r) >> (28 + tu_next(r) % 20));
        af_cap b = u < 0.5 ? 0 : (af_cap)(tu_next(r) >> 30);
        if (u < 0.15)
            c = AF_MF_INF;
        else if (u < 0.2)
            b = AF_MF_INF;
        pb_arc(p, i, j, c, b);
    }
}

static void test_medium_vs_bk(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 23);
    af_error err;
    af_mf *g = af_mf_alloc(100, 100, &err);
    assert_non_null(g);
    for (int k = 0; k < 40; k++) {
        problem p;
        make_medium(&p, &r, 1000 + (int)(tu_next(&r) % 4000));
        check_against_bk(g, &p);
        pb_free(&p);
    }
    af_mf_free(g);
}

/* ------------------------------------------------------ coverage graphs */

/* An n x n grid of cells with random signed unary costs; for every cell x
 * an auxiliary z_x >= u_y for y in the digital disc B(x) of radius rad
 * (infinite arcs y -> z_x, cost a(x) on z_x -> t) and w_x <= u_y (infinite
 * arcs w_x -> y, capacity b(x) on s -> w_x).  Cell ids 0..n^2-1, then the
 * z and w nodes. */
static void make_coverage(problem *p, tu_rng *r, int n, int rad)
{
    int cells = n * n;
    pb_init(p, 3 * cells);
    for (int x = 0; x < cells; x++) {
        af_cap c = (af_cap)(tu_uniform(r) * 4000);
        if (tu_uniform(r) < 0.5)
            p->cs[x] = c;
        else
            p->ct[x] = c;
        p->ct[cells + x] = (af_cap)(tu_uniform(r) * 300);
        p->cs[2 * cells + x] = (af_cap)(tu_uniform(r) * 300);
    }
    for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++)
            for (int dy = -rad; dy <= rad; dy++)
                for (int dx = -rad; dx <= rad; dx++) {
                    int xx = x + dx, yy = y + dy;
                    if (dx * dx + dy * dy > rad * rad || xx < 0 || yy < 0 || xx >= n || yy >= n)
                        continue;
                    int cell = y * n + x, other = yy * n + xx;
                    pb_arc(p, other, cells + cell, AF_MF_INF, 0);
                    pb_arc(p, 2 * cells + cell, other, AF_MF_INF, 0);
                }
}

/* Coverage graphs with large capacities where a third of the cells have an
 * infinite source or sink capacity (as when a graph builder pins cells):
 * those and the auxiliary nodes tied to them by infinite arcs are fixed. */
static void test_coverage_fixed_vs_bk(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 17);
    af_error err;
    af_mf *g = af_mf_alloc(0, 0, &err);
    assert_non_null(g);
    for (int k = 0; k < 8; k++) {
        problem p;
        int n = 24 + (int)(tu_next(&r) % 17);
        make_coverage(&p, &r, n, 1 + k % 4);
        for (int i = 0; i < p.n; i++) {
            p.cs[i] <<= 28; /* sums stay below 2^53, exact for BK's doubles */
            p.ct[i] <<= 28;
        }
        for (int x = 0; x < n * n; x++) {
            double u = tu_uniform(&r);
            if (u < 0.15)
                p.cs[x] = AF_MF_INF;
            else if (u < 0.3)
                p.ct[x] = AF_MF_INF;
        }
        check_against_bk(g, &p);
        pb_free(&p);
    }
    af_mf_free(g);
}

static void test_coverage_vs_bk(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 5);
    af_error err;
    af_mf *g = af_mf_alloc(0, 0, &err);
    assert_non_null(g);
    for (int k = 0; k < 12; k++) {
        problem p;
        make_coverage(&p, &r, 24 + (int)(tu_next(&r) % 41), 1 + k % 4);
        check_against_bk(g, &p);
        pb_free(&p);
    }
    af_mf_free(g);
}

/* ------------------------------------------------ reuse, edges, errors */

static void test_reuse_sizes(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 99);
    af_error err;
    af_mf *g = af_mf_alloc(10, 10, &err);
    assert_non_null(g);
    static const int sizes[] = {10, 3000, 50, 6000, 1, 2000, 8000, 100, 0, 5000};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        problem p;
        make_medium(&p, &r, sizes[k]);
        if (sizes[k] > 0)
            check_against_bk(g, &p);
        else {
            af_cap flow = -1;
            assert_int_equal(af_mf_begin(g, 0, &err), AF_OK);
            assert_int_equal(af_mf_solve(g, &flow, &err), AF_OK);
            assert_true(flow == 0);
        }
        pb_free(&p);
        /* a coverage graph in between: the same object, other shapes */
        make_coverage(&p, &r, 20 + (int)k, 2);
        check_against_bk(g, &p);
        pb_free(&p);
    }
    af_mf_stats st;
    af_mf_get_stats(g, &st);
    assert_true(st.pushes > 0 && st.global_updates > 0);
    af_mf_free(g);
    af_mf_free(NULL);
}

static void test_infinite_and_errors(void **state)
{
    (void)state;
    af_error err;
    af_cap flow = -1;
    assert_null(af_mf_alloc(-1, 0, &err));
    assert_int_equal(err.status, AF_EINVAL);
    af_mf *g = af_mf_alloc(0, 0, &err);
    assert_non_null(g);

    /* a chain s -INF-> 0 -5-> 1 -INF-> 2 -> t (7): cut 5, source set {0} */
    assert_int_equal(af_mf_begin(g, 3, &err), AF_OK);
    af_mf_tweight(g, 0, AF_MF_INF, 0);
    af_mf_tweight(g, 2, 0, 7);
    assert_int_equal(af_mf_arc(g, 0, 1, 5, 0, &err), AF_OK);
    assert_int_equal(af_mf_arc(g, 1, 2, AF_MF_INF, 0, &err), AF_OK);
    assert_int_equal(af_mf_solve(g, &flow, &err), AF_OK);
    assert_true(flow == 5);
    assert_int_equal(af_mf_source_side(g, 0), 1);
    assert_int_equal(af_mf_source_side(g, 1), 0);
    assert_int_equal(af_mf_source_side(g, 2), 0);
    assert_int_equal(af_mf_source_side(g, 3), 0); /* out of range */

    /* infinite both ways: an infinite cut is reported as AF_MF_INF */
    assert_int_equal(af_mf_begin(g, 2, &err), AF_OK);
    af_mf_tweight(g, 0, AF_MF_INF, 0);
    af_mf_tweight(g, 1, 0, AF_MF_INF);
    assert_int_equal(af_mf_arc(g, 0, 1, AF_MF_INF, 0, &err), AF_OK);
    assert_int_equal(af_mf_solve(g, &flow, &err), AF_OK);
    assert_true(flow == AF_MF_INF);

    /* 64 infinite sources feed node 0 through infinite arcs: node 0 is
     * fixed to the source side, nothing overflows */
    assert_int_equal(af_mf_begin(g, 65, &err), AF_OK);
    af_mf_tweight(g, 0, 0, ((af_cap)1 << 59) - 1);
    for (int k = 1; k <= 64; k++) {
        af_mf_tweight(g, k, AF_MF_INF, 0);
        assert_int_equal(af_mf_arc(g, k, 0, AF_MF_INF, 0, &err), AF_OK);
    }
    assert_int_equal(af_mf_solve(g, &flow, &err), AF_OK);
    assert_true(flow == ((af_cap)1 << 59) - 1);
    for (int k = 0; k <= 64; k++)
        assert_int_equal(af_mf_source_side(g, k), 1);

    /* terminal capacities add up; a node with both sends min(cs, ct)
     * straight through */
    assert_int_equal(af_mf_begin(g, 1, &err), AF_OK);
    af_mf_tweight(g, 0, 3, 1);
    af_mf_tweight(g, 0, 2, 8);
    assert_int_equal(af_mf_solve(g, &flow, &err), AF_OK);
    assert_true(flow == 5);
    assert_int_equal(af_mf_source_side(g, 0), 0);

    /* errors; arc ends are checked by the solve */
    assert_int_equal(af_mf_begin(g, -1, &err), AF_EINVAL);
    assert_int_equal(af_mf_begin(g, 2, &err), AF_OK);
    assert_int_equal(af_mf_set_nodes(g, -1, &err), AF_EINVAL);
    assert_int_equal(af_mf_arc(g, 0, 1, -1, 1, &err), AF_EINVAL);
    assert_int_equal(af_mf_arc(g, 0, 1, 1, -1, &err), AF_EINVAL);
    assert_int_equal(af_mf_arc(g, 0, 2, 1, 1, &err), AF_OK);
    assert_int_equal(af_mf_solve(g, &flow, &err), AF_EINVAL);
    assert_int_equal(af_mf_source_side(g, 0), 0);
    assert_int_equal(af_mf_set_nodes(g, 3, &err), AF_OK); /* now 2 exists */
    af_mf_tweight(g, 0, 4, 0);
    af_mf_tweight(g, 2, 0, 3);
    assert_int_equal(af_mf_solve(g, &flow, &err), AF_OK);
    assert_true(flow == 1);
    assert_int_equal(af_mf_arc(g, -1, 0, 1, 1, &err), AF_OK);
    assert_int_equal(af_mf_solve(g, &flow, &err), AF_EINVAL);
    assert_int_equal(af_mf_begin(g, 2, &err), AF_OK);
    af_mf_tweight(g, 5, 1, 1);
    assert_int_equal(af_mf_solve(g, &flow, &err), AF_EINVAL);
    assert_int_equal(af_mf_source_side(g, 0), 0);
    af_mf_free(g);
}

/* ------------------------------------------- late node counts, accessors */

/* Graphs built with af_mf_set_nodes after the arcs, on a solver that
 * starts with room for one node and one arc (so that set_nodes grows the
 * node arrays while terminal capacities are set): small ones against brute
 * force, mostly infinite or mixed arcs; medium and coverage ones against
 * BK. */
static void test_late_nodes(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 31);
    af_error err;
    late_nodes = 1;
    for (int k = 0; k < 1500; k++) {
        af_mf *g = af_mf_alloc(1, 1, &err);
        assert_non_null(g);
        check_small(g, &r, 1 + k % 10, k % 2 ? 0.7 : 0.1, k % 5 == 0 ? 0.05 : 0.0);
        af_mf_free(g);
    }
    for (int k = 0; k < 12; k++) {
        af_mf *g = af_mf_alloc(1, 1, &err);
        assert_non_null(g);
        problem p;
        if (k % 2)
            make_medium(&p, &r, 500 + (int)(tu_next(&r) % 3000));
        else
            make_coverage(&p, &r, 20 + (int)(tu_next(&r) % 20), 1 + k % 3);
        check_against_bk(g, &p);
        pb_free(&p);
        af_mf_free(g);
    }
    late_nodes = 0;
}

/* af_mf_set_nodes shrinking and growing again: dropped nodes come back
 * without terminal capacities. */
static void test_set_nodes(void **state)
{
    (void)state;
    af_error err;
    af_cap flow = -1, c = -1, rv = -1;
    af_mf *g = af_mf_alloc(0, 0, &err);
    assert_non_null(g);
    assert_int_equal(af_mf_begin(g, 0, &err), AF_OK);
    assert_int_equal(af_mf_arc(g, 0, 1, AF_MF_INF, 0, &err), AF_OK);
    assert_int_equal(af_mf_arc(g, 1, 2, 9, 0, &err), AF_OK);
    assert_int_equal(af_mf_arc(g, 2, 0, 2 * AF_MF_INF, 3, &err), AF_OK);
    assert_int_equal(af_mf_set_nodes(g, 3, &err), AF_OK);
    af_mf_tweight(g, 0, 20, 0);
    af_mf_tweight(g, 2, 0, 20);
    assert_int_equal(af_mf_set_nodes(g, 2, &err), AF_OK);
    assert_int_equal(af_mf_solve(g, &flow, &err), AF_EINVAL); /* arc to node 2 */
    assert_int_equal(af_mf_set_nodes(g, 100000, &err), AF_OK);
    af_mf_tweight(g, 99999, 0, 1);
    assert_int_equal(af_mf_solve(g, &flow, &err), AF_OK);
    assert_true(flow == 0); /* node 2 lost its sink capacity */
    af_mf_tweight(g, 2, 0, 20);
    assert_int_equal(af_mf_solve(g, &flow, &err), AF_OK);
    assert_true(flow == 12); /* 9 along 0 -> 1 -> 2, 3 along 0 -> 2 */
    assert_int_equal(af_mf_source_side(g, 0), 1);
    assert_int_equal(af_mf_source_side(g, 1), 1);
    assert_int_equal(af_mf_source_side(g, 2), 0);
    const int32_t *t, *h;
    size_t m = 0;
    af_mf_arcs(g, &t, &h, &m);
    assert_int_equal(m, 3);
    assert_true(t[2] == 2 && h[2] == 0);
    af_mf_arc_caps(g, 0, &c, &rv);
    assert_true(c == AF_MF_INF && rv == 0);
    af_mf_arc_caps(g, 1, &c, &rv);
    assert_true(c == 9 && rv == 0);
    af_mf_arc_caps(g, 2, &c, &rv);
    assert_true(c == AF_MF_INF && rv == 3);
    assert_int_equal(af_mf_begin(g, 1, &err), AF_OK);
    af_mf_arcs(g, NULL, NULL, &m);
    assert_int_equal(m, 0);
    af_mf_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_brute_force), cmocka_unit_test(test_medium_vs_bk),
        cmocka_unit_test(test_coverage_vs_bk),    cmocka_unit_test(test_coverage_fixed_vs_bk),
        cmocka_unit_test(test_reuse_sizes),
        cmocka_unit_test(test_infinite_and_errors), cmocka_unit_test(test_late_nodes),
        cmocka_unit_test(test_set_nodes),
    };
    return cmocka_run_group_tests_name("mf", tests, NULL, NULL);
}
