/* advflow benchmark: threads (threads.h).  Each figure is measured with one
 * thread and with every core, alternately on the same data (so that a
 * change in the machine's load falls on both), the median of several
 * repeats; the results are checked equal bit for bit.  One `name = value`
 * line per figure:
 *
 *   threads_cores                   cores (af_threads_cores)
 *   threads_step_ms_2048_1          one exact step of the circle r0 = 0.6 at
 *   threads_step_ms_2048_all        n = 2048, eps = h = 4 cells (the step of
 *   threads_speedup_2048            mm_step_ms_2048 in bench_mm), one thread,
 *                                   every core, and the ratio
 *   threads_step_maxflow_share      the step's share in its max-flow (serial)
 *   threads_PASS_ms_2048_1 / _all / threads_PASS_speedup_2048 for the grid
 *   passes at n = 2048: sdist (sub-cell signed distance), redist
 *   (redistancing), morph (dilation and erosion, eps = 4 cells), risk
 *   (af_risk_eval: both and the sums), frame (af_png_write_frame of a mask
 *   over a density, 2048^2 pixels, PNG compression included)
 *
 * and the cuts of independent pieces of a step's graph (mm_solve.c):
 *
 *   levelset_step_ms_1024_1         one level-set step of the circle r0 = 0.6
 *   levelset_step_ms_1024_all       at n = 1024, eps = 4 cells, h = 1 cell
 *   levelset_threads_speedup        (its second step, as bench_levelset),
 *                                   one thread, every core, and the ratio
 *   mm_pieces_step_ms_1024_1        one mask step of four separate circles
 *   mm_pieces_step_ms_1024_all      (radii 0.35, 0.3, 0.25, 0.2 about
 *   mm_pieces_threads_speedup       (+-0.5, +-0.5)) at n = 1024, eps = h =
 *                                   4 cells, from A_1; the same three figures
 *
 * `bench_threads pieces` runs the last two only.
 *
 * On a machine shared with other jobs the figures move by 10-20% between
 * runs; the speedups are ratios of medians taken side by side.
 * GPL-3.0-or-later. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "advflow/advflow.h"
#include "../tests/fixtures.h"
#include "benchutil.h"
#include "mm_internal.h"

#define REPS 5

/* A pass to time: run it once (into the buffers of slot k: 0 for one
 * thread, 1 for every core). */
typedef void (*pass_fn)(void *ctx, int k);

/* Median times (ms) of f with one thread and with every core, REPS each,
 * alternating; then the two results are compared with `same`. */
static void time_both(pass_fn f, void *ctx, double ms[2])
{
    int cores = af_threads_cores();
    double t[2][REPS];
    for (int r = 0; r < REPS; r++)
        for (int k = 0; k < 2; k++) {
            af_threads_set(k ? cores : 1);
            double t0 = bu_now();
            f(ctx, k);
            t[k][r] = 1e3 * (bu_now() - t0);
        }
    af_threads_set(0);
    ms[0] = bu_median(t[0], REPS);
    ms[1] = bu_median(t[1], REPS);
}

static void report(const char *pass, const double ms[2])
{
    char name[96];
    snprintf(name, sizeof name, "threads_%s_ms_2048_1", pass);
    bu_print(name, ms[0]);
    snprintf(name, sizeof name, "threads_%s_ms_2048_all", pass);
    bu_print(name, ms[1]);
    snprintf(name, sizeof name, "threads_%s_speedup_2048", pass);
    bu_print(name, ms[0] / ms[1]);
}

static void check_same(const void *a, const void *b, size_t bytes, const char *what)
{
    if (memcmp(a, b, bytes) != 0) {
        fprintf(stderr, "bench_threads: %s differs between 1 thread and every core\n", what);
        exit(1);
    }
}

/* ---- the step ---------------------------------------------------------- */

typedef struct {
    fx_field s;
    af_mm_plan *p;
    uint8_t *a1;        /* A_1: every timed step starts from it */
    uint8_t *out[2];    /* A_2 of each thread count */
    af_mm_stats st[2];
} step_ctx;

static void step_pass(void *v, int k)
{
    step_ctx *c = v;
    af_error err;
    if (af_mm_plan_step(c->p, c->a1, c->out[k], &c->st[k], &err) != AF_OK) {
        fprintf(stderr, "bench_threads: step: %s\n", err.msg);
        exit(1);
    }
}

/* ---- the level-set step -------------------------------------------------- */

typedef struct {
    af_mm_plan *p;
    const double *u;    /* u_1: every timed step starts from it */
    double *out[2];     /* u_2 of each thread count */
    af_mm_stats st[2];
} ls_ctx;

static void ls_pass(void *v, int k)
{
    ls_ctx *c = v;
    af_error err;
    if (af_mm_plan_step_levelset(c->p, c->u, c->out[k], &c->st[k], &err) != AF_OK) {
        fprintf(stderr, "bench_threads: level-set step: %s\n", err.msg);
        exit(1);
    }
}

/* The statistics of the two thread counts' steps agree (but the times). */
static void check_stats(const af_mm_stats st[2], const char *what)
{
    if (st[0].energy != st[1].energy || st[0].flow != st[1].flow || st[0].nodes != st[1].nodes
        || st[0].arcs != st[1].arcs || st[0].changed != st[1].changed)
        check_same("a", "b", 1, what);
}

static void report_step(const char *name, const char *speedup, const double ms[2],
                        const af_mm_stats *st, const af_mm_plan *p)
{
    char key[96];
    snprintf(key, sizeof key, "%s_ms_1024_1", name);
    bu_print(key, ms[0]);
    snprintf(key, sizeof key, "%s_ms_1024_all", name);
    bu_print(key, ms[1]);
    bu_print(speedup, ms[0] / ms[1]);
    long solves;
    int most;
    af_mm_plan_pieces(p, &solves, &most);
    printf("# %s: %d nodes, %.0f ms max-flow of %.0f ms (every core); %ld solves by pieces so far,"
           " at most %d batches\n", name, st->nodes, st->solve_ms, st->ms, solves, most);
}

/* A level-set step of the circle (bench_levelset's case at n = 1024). */
static void levelset_pieces(void)
{
    const int n = 1024;
    fx_field f;
    fx_field_init(&f, n);
    fx_field_circle(&f);
    af_error err;
    double *u = malloc(f.cells * sizeof *u), *v = malloc(f.cells * sizeof *v);
    ls_ctx c = {.u = u};
    c.out[0] = malloc(f.cells * sizeof(double));
    c.out[1] = malloc(f.cells * sizeof(double));
    af_dist_work *dw = af_dist_work_alloc(&f.g, &err);
    af_shape circ = fx_circle();
    if (!u || !v || !c.out[0] || !c.out[1] || !dw || af_shape_field(&f.g, &circ, v, &err) != AF_OK
        || af_dist_redistance(dw, v, u, &err) != AF_OK)
        exit(1);
    af_mm_params prm = fx_params(&f.g, 4, f.g.dx);
    c.p = fx_plan(&f, &prm);
    af_mm_stats st;
    /* the first step (the band learns how far the boundary moves), then
     * the second from u_1 again and again */
    if (af_mm_plan_step_levelset(c.p, u, v, &st, &err) != AF_OK
        || af_dist_redistance(dw, v, u, &err) != AF_OK)
        exit(1);
    double ms[2];
    time_both(ls_pass, &c, ms);
    check_same(c.out[0], c.out[1], f.cells * sizeof(double), "the level-set step");
    check_stats(c.st, "the level-set step's statistics");
    report_step("levelset_step", "levelset_threads_speedup", ms, &c.st[1], c.p);
    af_mm_plan_free(c.p);
    af_dist_work_free(dw);
    free(u), free(v), free(c.out[0]), free(c.out[1]);
    fx_field_free(&f);
}

/* A mask step of four separate circles: four pieces. */
static void mask_pieces(void)
{
    const int n = 1024;
    step_ctx c;
    memset(&c, 0, sizeof c);
    fx_field_init(&c.s, n);
    const double disc[4][3] = {{-0.5, -0.5, 0.35}, {0.5, -0.5, 0.3}, {-0.5, 0.5, 0.25}, {0.5, 0.5, 0.2}};
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            double x = af_grid_center(&c.s.g, i), y = af_grid_center(&c.s.g, j);
            for (int k = 0; k < 4; k++) {
                double dx = x - disc[k][0], dy = y - disc[k][1];
                if (dx * dx + dy * dy < disc[k][2] * disc[k][2])
                    c.s.a[(size_t)j * n + i] = 1;
            }
        }
    af_mm_params prm = fx_params(&c.s.g, 4, 4 * c.s.g.dx);
    c.p = fx_plan(&c.s, &prm);
    fx_step(c.p, &c.s, NULL);
    c.a1 = malloc(c.s.cells);
    c.out[0] = malloc(c.s.cells);
    c.out[1] = malloc(c.s.cells);
    if (!c.a1 || !c.out[0] || !c.out[1])
        exit(1);
    memcpy(c.a1, c.s.a, c.s.cells);
    double ms[2];
    time_both(step_pass, &c, ms);
    check_same(c.out[0], c.out[1], c.s.cells, "the four circles' step");
    check_stats(c.st, "the four circles' statistics");
    report_step("mm_pieces_step", "mm_pieces_threads_speedup", ms, &c.st[1], c.p);
    af_mm_plan_free(c.p);
    fx_field_free(&c.s);
    free(c.a1), free(c.out[0]), free(c.out[1]);
}

/* ---- grid passes ---------------------------------------------------------- */

typedef struct {
    af_grid g;
    size_t cells;
    uint8_t *mask;
    double *rho0, *rho1, *u;
    af_dist_work *dist;
    af_morph_work *morph;
    af_risk *risk;
    double *d[2];
    uint8_t *m[2];
    af_risk_value rv[2];
    char path[2][64];
} grid_ctx;

static void sdist_pass(void *v, int k)
{
    grid_ctx *c = v;
    af_dist_signed(c->dist, AF_SDIST_SUBCELL, c->mask, c->d[k]);
}

static void redist_pass(void *v, int k)
{
    grid_ctx *c = v;
    af_error err;
    if (af_dist_redistance(c->dist, c->u, c->d[k], &err) != AF_OK) {
        fprintf(stderr, "bench_threads: redistance: %s\n", err.msg);
        exit(1);
    }
}

static void morph_pass(void *v, int k)
{
    grid_ctx *c = v;
    af_morph_dilate(c->morph, c->mask, c->m[k]);
    af_morph_erode(c->morph, c->mask, c->m[k] + c->cells);
}

static void risk_pass(void *v, int k)
{
    grid_ctx *c = v;
    af_risk_eval(c->risk, c->rho0, c->rho1, c->mask, &c->rv[k]);
}

static void frame_pass(void *v, int k)
{
    grid_ctx *c = v;
    af_png_frame f = {.grid = &c->g, .density = c->rho0, .mask = c->mask, .scale = 1};
    af_error err;
    if (af_png_write_frame(c->path[k], &f, &err) != AF_OK) {
        fprintf(stderr, "bench_threads: frame: %s\n", err.msg);
        exit(1);
    }
}

/* The file's bytes (malloc'd), its length in *len. */
static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp || fseek(fp, 0, SEEK_END) != 0)
        exit(1);
    long n = ftell(fp);
    rewind(fp);
    unsigned char *b = malloc((size_t)n + 1);
    if (!b || fread(b, 1, (size_t)n, fp) != (size_t)n)
        exit(1);
    fclose(fp);
    *len = (size_t)n;
    return b;
}

int main(int argc, char **argv)
{
    const int n = 2048;
    bu_print("threads_cores", af_threads_cores());
    if (argc > 1 && strcmp(argv[1], "pieces") == 0) {
        levelset_pieces();
        mask_pieces();
        return 0;
    }

    /* 1. the step, as bench_mm's mm_step_ms_2048: one step from the circle
     * (the band learns how far the boundary moves), then the next step
     * from A_1 again and again */
    {
        step_ctx c;
        memset(&c, 0, sizeof c);
        fx_field_init(&c.s, n);
        fx_field_circle(&c.s);
        af_mm_params prm = fx_params(&c.s.g, 4, 4 * c.s.g.dx);
        c.p = fx_plan(&c.s, &prm);
        fx_step(c.p, &c.s, NULL);
        c.a1 = malloc(c.s.cells);
        c.out[0] = malloc(c.s.cells);
        c.out[1] = malloc(c.s.cells);
        if (!c.a1 || !c.out[0] || !c.out[1])
            return 1;
        memcpy(c.a1, c.s.a, c.s.cells);
        double ms[2];
        time_both(step_pass, &c, ms);
        check_same(c.out[0], c.out[1], c.s.cells, "the step's mask");
        if (c.st[0].energy != c.st[1].energy || c.st[0].nodes != c.st[1].nodes)
            check_same("a", "b", 1, "the step's energy or graph");
        bu_print("threads_step_ms_2048_1", ms[0]);
        bu_print("threads_step_ms_2048_all", ms[1]);
        bu_print("threads_speedup_2048", ms[0] / ms[1]);
        bu_print("threads_step_maxflow_share", c.st[1].solve_ms / c.st[1].ms);
        printf("# step: %d nodes, %lld arcs, %.0f ms max-flow of %.0f ms (every core)\n",
               c.st[1].nodes, c.st[1].arcs, c.st[1].solve_ms, c.st[1].ms);
        af_mm_plan_free(c.p);
        fx_field_free(&c.s);
        free(c.a1);
        free(c.out[0]);
        free(c.out[1]);
    }

    /* 2. the grid passes on the same circle and a density */
    {
        grid_ctx c;
        memset(&c, 0, sizeof c);
        af_error err;
        if (af_grid_init(&c.g, 2, n, -1, 1, AF_EDGE_CLAMP, &err) != AF_OK)
            return 1;
        c.cells = af_grid_cells(&c.g);
        c.mask = malloc(c.cells);
        c.rho0 = malloc(c.cells * sizeof(double));
        c.rho1 = malloc(c.cells * sizeof(double));
        c.u = malloc(c.cells * sizeof(double));
        for (int k = 0; k < 2; k++) {
            c.d[k] = malloc(c.cells * sizeof(double));
            c.m[k] = malloc(2 * c.cells);
            snprintf(c.path[k], sizeof c.path[k], "/tmp/bench_threads_%ld_%d.png", (long)getpid(),
                     k);
        }
        af_shape circle = fx_circle();
        if (af_shape_mask(&c.g, &circle, c.mask, &err) != AF_OK)
            return 1;
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) {
                double x = af_grid_center(&c.g, i), y = af_grid_center(&c.g, j);
                c.rho0[(size_t)j * n + i] = exp(-2 * (x * x + y * y));
                c.rho1[(size_t)j * n + i] = 0.5;
            }
        af_ball *b = af_ball_alloc(AF_NORM_2, 4, &err);
        if (!b || !(c.dist = af_dist_work_alloc(&c.g, &err))
            || !(c.morph = af_morph_work_alloc(&c.g, b, &err))
            || !(c.risk = af_risk_alloc(&c.g, AF_NORM_2, 4 * c.g.dx, &err)))
            return 1;
        af_dist_signed(c.dist, AF_SDIST_SUBCELL, c.mask, c.u);
        double ms[2];
        time_both(sdist_pass, &c, ms);
        check_same(c.d[0], c.d[1], c.cells * sizeof(double), "the signed distance");
        report("sdist", ms);
        time_both(redist_pass, &c, ms);
        check_same(c.d[0], c.d[1], c.cells * sizeof(double), "the redistancing");
        report("redist", ms);
        time_both(morph_pass, &c, ms);
        check_same(c.m[0], c.m[1], 2 * c.cells, "the morphology");
        report("morph", ms);
        time_both(risk_pass, &c, ms);
        check_same(&c.rv[0], &c.rv[1], sizeof c.rv[0], "the risks");
        report("risk", ms);
        time_both(frame_pass, &c, ms);
        size_t l0, l1;
        unsigned char *f0 = slurp(c.path[0], &l0), *f1 = slurp(c.path[1], &l1);
        if (l0 != l1)
            check_same("a", "b", 1, "the frame");
        check_same(f0, f1, l0, "the frame");
        report("frame", ms);
        free(f0);
        free(f1);
        for (int k = 0; k < 2; k++) {
            remove(c.path[k]);
            free(c.d[k]);
            free(c.m[k]);
        }
        af_ball_free(b);
        af_dist_work_free(c.dist);
        af_morph_work_free(c.morph);
        af_risk_free(c.risk);
        free(c.mask);
        free(c.rho0);
        free(c.rho1);
        free(c.u);
    }

    /* 3. independent pieces of a step's graph on threads */
    levelset_pieces();
    mask_pieces();
    return 0;
}
