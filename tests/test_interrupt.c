/* Interrupting a step, and a plan's state carried into a new plan
 * (af_mm_params.interrupt, af_mm_plan_get_state / _set_state): what
 * `advflow run` relies on to stop within a second and to resume a run bit
 * for bit.  GPL-3.0-or-later. */
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include "testutil.h"
#include "fixtures.h"
#include "mf.h"

static volatile sig_atomic_t flag;

/* Raise the flag after `ms` milliseconds (a stand-in for a signal). */
static void *raise_later(void *arg)
{
    long ms = *(const long *)arg;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    flag = 1;
    return NULL;
}

/* A raised flag stops the max-flow itself. */
static void test_mf_interrupt(void **state)
{
    (void)state;
    af_error err;
    af_mf *g = af_mf_alloc(4, 4, &err);
    assert_non_null(g);
    af_mf_set_interrupt(g, &flag);
    /* a long chain, so that the solve takes more than INTR_EVERY iterations */
    int n = 200000;
    assert_int_equal(af_mf_begin(g, n, &err), AF_OK);
    for (int i = 0; i + 1 < n; i++)
        assert_int_equal(af_mf_arc(g, i, i + 1, 1 + i % 7, 1 + i % 5, &err), AF_OK);
    for (int i = 0; i < n; i += 2)
        af_mf_tweight(g, i, 3, 0);
    for (int i = 1; i < n; i += 2)
        af_mf_tweight(g, i, 0, 3);
    flag = 1;
    af_cap f;
    assert_int_equal(af_mf_solve(g, &f, &err), AF_EINTR);
    assert_int_equal(af_mf_solve(g, &f, NULL), AF_EINTR);
    flag = 0;
    assert_int_equal(af_mf_solve(g, &f, &err), AF_OK);
    af_mf_free(g);
}

typedef struct {
    int ls;          /* level set (else mask) */
    int n;
    double eps_cells, h_cells;
} setup;

/* Step a circle-ish star until `steps` steps, the flag raised after
 * delay_ms (< 0: never); returns the status of the step interrupted (or of
 * the last). */
static af_status run_steps(const setup *su, af_mm_plan *pl, fx_field *f, double *u, double *v,
                           af_dist_work *dw, int steps, af_mm_stats *st)
{
    af_error err;
    for (int k = 0; k < steps; k++) {
        af_status s;
        if (su->ls) {
            s = af_mm_plan_step_levelset(pl, u, v, st, &err);
            if (s == AF_OK)
                s = af_dist_redistance(dw, v, u, &err);
        } else {
            s = af_mm_plan_step(pl, f->a, f->b, st, &err);
            if (s == AF_OK) {
                uint8_t *t = f->a;
                f->a = f->b;
                f->b = t;
            }
        }
        if (s != AF_OK)
            return s;
    }
    return AF_OK;
}

static void star(fx_field *f, double *u, af_dist_work *dw, int ls)
{
    af_shape s = {.kind = AF_SHAPE_STAR, .center = {0.3, -0.2}, .radius = 0.4, .points = 5,
                  .amplitude = 0.1};
    fx_field_shape(f, &s);
    if (ls) {
        double *w = malloc(f->cells * sizeof *w);
        assert_int_equal(af_shape_field(&f->g, &s, w, NULL), AF_OK);
        assert_int_equal(af_dist_redistance(dw, w, u, NULL), AF_OK);
        free(w);
    }
}

/* A flag raised during a long step makes it return AF_EINTR, whether or
 * not the caller asked for a message; the plan stays usable: with the flag
 * lowered its next step from the same input equals a fresh plan's (given
 * the same state). */
static void check_interrupt(const setup *su)
{
    fx_field f;
    fx_field_init(&f, su->n);
    af_mm_params prm = fx_params(&f.g, su->eps_cells, su->h_cells * f.g.dx);
    prm.interrupt = &flag;
    af_error err;
    af_dist_work *dw = af_dist_work_alloc(&f.g, &err);
    double *u = malloc(f.cells * sizeof *u), *v = malloc(f.cells * sizeof *v);
    double *u0 = malloc(f.cells * sizeof *u0);
    uint8_t *a0 = malloc(f.cells);
    star(&f, u, dw, su->ls);
    memcpy(u0, u, f.cells * sizeof *u);
    memcpy(a0, f.a, f.cells);

    af_mm_plan *pl = fx_plan(&f, &prm);
    af_mm_stats st;
    /* raised before the step: nothing is done */
    flag = 1;
    assert_int_equal(run_steps(su, pl, &f, u, v, dw, 1, &st), AF_EINTR);
    flag = 1;
    af_status s = su->ls ? af_mm_plan_step_levelset(pl, u, v, &st, NULL)
                         : af_mm_plan_step(pl, f.a, f.b, &st, NULL);
    assert_int_equal(s, AF_EINTR);
    /* raised during the step (the step takes far longer than 20 ms) */
    flag = 0;
    pthread_t th;
    long ms = 20;
    assert_int_equal(pthread_create(&th, NULL, raise_later, &ms), 0);
    double t0 = fx_now();
    s = run_steps(su, pl, &f, u, v, dw, 50, &st);
    double took = fx_now() - t0;
    pthread_join(th, NULL);
    print_message("%s n = %d, eps = %g cells: interrupted after %.3f s\n", su->ls ? "level set" : "mask",
                  su->n, su->eps_cells, took);
    assert_int_equal(s, AF_EINTR);

    /* the plan is usable: from the initial set, with the state it had at
     * the start (none), it steps as a fresh plan does */
    flag = 0;
    af_mm_plan_state zero = {0, 0, 0};
    assert_int_equal(af_mm_plan_set_state(pl, &zero, &err), AF_OK);
    af_mm_plan *fresh = fx_plan(&f, &prm);
    uint8_t *o1 = malloc(f.cells), *o2 = malloc(f.cells);
    double *w1 = malloc(f.cells * sizeof *w1), *w2 = malloc(f.cells * sizeof *w2);
    af_mm_stats s1, s2;
    if (su->ls) {
        assert_int_equal(af_mm_plan_step_levelset(pl, u0, w1, &s1, &err), AF_OK);
        assert_int_equal(af_mm_plan_step_levelset(fresh, u0, w2, &s2, &err), AF_OK);
        assert_memory_equal(w1, w2, f.cells * sizeof *w1);
    } else {
        assert_int_equal(af_mm_plan_step(pl, a0, o1, &s1, &err), AF_OK);
        assert_int_equal(af_mm_plan_step(fresh, a0, o2, &s2, &err), AF_OK);
        assert_memory_equal(o1, o2, f.cells);
    }
    assert_int_equal(s1.nodes, s2.nodes);
    assert_int_equal(s1.band_cells, s2.band_cells);
    af_mm_plan_free(pl);
    af_mm_plan_free(fresh);
    af_dist_work_free(dw);
    free(u), free(v), free(u0), free(a0), free(o1), free(o2), free(w1), free(w2);
    fx_field_free(&f);
}

static void test_interrupt_mask(void **state)
{
    (void)state;
    setup su = {0, 256, 8, 3};
    check_interrupt(&su);
}

static void test_interrupt_levelset(void **state)
{
    (void)state;
    setup su = {1, 160, 5, 1.5};
    check_interrupt(&su);
}

/* A run resumed after k steps with a new plan and the old plan's state
 * goes on exactly as the old plan: same sets (or level sets) and same
 * statistics, on a clamped grid (the window) and a periodic one. */
static void check_state(const setup *su, af_edge edge)
{
    fx_field f;
    fx_field_init(&f, su->n);
    af_error err;
    assert_int_equal(af_grid_init(&f.g, 2, su->n, -1, 1, edge, &err), AF_OK);
    af_mm_params prm = fx_params(&f.g, su->eps_cells, su->h_cells * f.g.dx);
    af_dist_work *dw = af_dist_work_alloc(&f.g, &err);
    double *u = malloc(f.cells * sizeof *u), *v = malloc(f.cells * sizeof *v);
    star(&f, u, dw, su->ls);
    af_mm_plan *old = fx_plan(&f, &prm);
    af_mm_stats st;
    assert_int_equal(run_steps(su, old, &f, u, v, dw, 4, &st), AF_OK);
    af_mm_plan_state ps;
    af_mm_plan_get_state(old, &ps);
    assert_true(ps.band_in > 0 && ps.band_out > 0);
    if (edge == AF_EDGE_CLAMP)
        assert_true(ps.window > 0 && ps.window < su->n); /* the window is in use */
    af_mm_plan *resumed = fx_plan(&f, &prm);
    assert_int_equal(af_mm_plan_set_state(resumed, &ps, &err), AF_OK);
    for (int k = 0; k < 4; k++) {
        af_mm_stats s1, s2;
        uint8_t *o1 = malloc(f.cells), *o2 = malloc(f.cells);
        if (su->ls) {
            double *w2 = malloc(f.cells * sizeof *w2);
            assert_int_equal(af_mm_plan_step_levelset(old, u, v, &s1, &err), AF_OK);
            assert_int_equal(af_mm_plan_step_levelset(resumed, u, w2, &s2, &err), AF_OK);
            assert_memory_equal(v, w2, f.cells * sizeof *v);
            assert_int_equal(af_dist_redistance(dw, v, u, &err), AF_OK);
            free(w2);
        } else {
            assert_int_equal(af_mm_plan_step(old, f.a, o1, &s1, &err), AF_OK);
            assert_int_equal(af_mm_plan_step(resumed, f.a, o2, &s2, &err), AF_OK);
            assert_memory_equal(o1, o2, f.cells);
            memcpy(f.a, o1, f.cells);
        }
        assert_int_equal(s1.band_cells, s2.band_cells);
        assert_int_equal(s1.nodes, s2.nodes);
        assert_true(s1.arcs == s2.arcs);
        assert_int_equal(s1.band_widenings, s2.band_widenings);
        assert_int_equal(s1.global_moves, s2.global_moves);
        assert_true(s1.energy == s2.energy);
        free(o1);
        free(o2);
    }
    /* bad states are refused, with or without a message */
    af_mm_plan_state bad = ps;
    bad.window = su->n + 1;
    assert_int_equal(af_mm_plan_set_state(resumed, &bad, &err), AF_EINVAL);
    assert_int_equal(af_mm_plan_set_state(resumed, &bad, NULL), AF_EINVAL);
    bad = ps;
    bad.band_in = NAN;
    assert_int_equal(af_mm_plan_set_state(resumed, &bad, NULL), AF_EINVAL);
    bad = ps;
    bad.band_out = -1;
    assert_int_equal(af_mm_plan_set_state(resumed, &bad, &err), AF_EINVAL);
    af_mm_plan_free(old);
    af_mm_plan_free(resumed);
    af_dist_work_free(dw);
    free(u), free(v);
    fx_field_free(&f);
}

static void test_state_mask(void **state)
{
    (void)state;
    setup su = {0, 256, 4, 2};
    check_state(&su, AF_EDGE_CLAMP);
    check_state(&su, AF_EDGE_PERIODIC);
}

static void test_state_levelset(void **state)
{
    (void)state;
    setup su = {1, 192, 3, 1};
    check_state(&su, AF_EDGE_CLAMP);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mf_interrupt),     cmocka_unit_test(test_interrupt_mask),
        cmocka_unit_test(test_interrupt_levelset), cmocka_unit_test(test_state_mask),
        cmocka_unit_test(test_state_levelset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
