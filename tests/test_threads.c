/* advflow tests: threads (threads.h).  GPL-3.0-or-later.
 *
 * Every threaded computation gives the same bytes for 1, 2 and 3 threads:
 * distance transforms, signed distances, smoothing, blur and redistancing
 * (clamped and periodic, an odd n so that the threads' parts differ in
 * size), morphology (three norms, two radii), the mask step and the
 * level-set step with its redistancing (results and statistics; a circle,
 * three circles and a data-like set of discs, whose graphs fall apart into
 * pieces that are cut on threads), MBO
 * steps, kernel density estimates, Per_eps, the local perimeter, the risks
 * on the grid and on points, and frame PNGs (mask, two hues with points,
 * level set, density alone, overview lines).  Each computation is run once
 * per thread count from scratch (its workspaces allocated under that
 * count), and once more on workspaces allocated under one thread and used
 * under three.  Three threads on a two-core machine share cores: the
 * results must not care.  Grids are large enough (AF_PAR_MIN_CELLS) for
 * the passes to split.  Also the setting itself: the default is every
 * core, n <= 0 restores it. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>

#include "advflow/advflow.h"
#include "fixtures.h"
#include "mm_internal.h"
#include "testfiles.h"

/* One computation's outputs, as bytes, appended by the computation. */
typedef struct {
    unsigned char *b;
    size_t n, cap;
} bytes;

static void put(bytes *o, const void *p, size_t k)
{
    if (o->n + k > o->cap) {
        o->cap = 2 * (o->n + k);
        o->b = realloc(o->b, o->cap);
        assert_non_null(o->b);
    }
    memcpy(o->b + o->n, p, k);
    o->n += k;
}

/* The file's bytes. */
static void put_file(bytes *o, const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char buf[4096];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, f)) > 0)
        put(o, buf, k);
    fclose(f);
    remove(path);
}

typedef void (*compute_fn)(bytes *out, int reuse);

/* Workspaces kept between runs for the `reuse` runs (allocated under one
 * thread, used under three). */
static af_dist_work *kept_dist[2];

/* Run f under 1, 2 and 3 threads and compare the bytes. */
static void same_for_all_counts(compute_fn f, const char *what)
{
    bytes ref = {0};
    af_threads_set(1);
    f(&ref, 0);
    assert_true(ref.n > 0);
    for (int t = 2; t <= 4; t++) {
        bytes o = {0};
        /* t = 4: workspaces made under 1 thread, run under 3 */
        int reuse = t == 4;
        af_threads_set(reuse ? 1 : t);
        if (reuse)
            f(NULL, 1); /* allocate */
        af_threads_set(reuse ? 3 : t);
        f(&o, reuse);
        if (o.n != ref.n || memcmp(o.b, ref.b, ref.n) != 0) {
            size_t k = 0;
            while (k < o.n && k < ref.n && o.b[k] == ref.b[k])
                k++;
            fail_msg("%s: %d threads%s differ from 1 thread at byte %zu of %zu", what,
                     reuse ? 3 : t, reuse ? " (workspaces of 1 thread)" : "", k, ref.n);
        }
        free(o.b);
    }
    free(ref.b);
    af_threads_set(0);
}

static void make_grid(af_grid *g, int n, af_edge edge)
{
    af_error err;
    assert_int_equal(af_grid_init(g, 2, n, -1, 1, edge, &err), AF_OK);
}

/* A star-like blob with scattered cells (so that the morphology and the
 * distances see isolated points too). */
static void blob(const af_grid *g, uint8_t *m, double r0)
{
    int n = g->n;
    tu_rng rng;
    tu_seed(&rng, 5);
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            double x = af_grid_center(g, i) - 0.1, y = af_grid_center(g, j) + 0.05;
            double r = sqrt(x * x + y * y) * (1 + 0.25 * sin(5 * atan2(y, x)));
            m[(size_t)j * n + i] = r < r0 || tu_uniform(&rng) < 0.01;
        }
}

/* Two smooth class densities. */
static void densities(const af_grid *g, double *rho0, double *rho1)
{
    int n = g->n;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            double x = af_grid_center(g, i), y = af_grid_center(g, j);
            rho0[(size_t)j * n + i] = 0.2 + exp(-3 * (x - 0.3) * (x - 0.3) - y * y);
            rho1[(size_t)j * n + i] = 0.2 + exp(-2 * (y + 0.2) * (y + 0.2));
        }
}

/* ---- the setting ------------------------------------------------------ */

static void test_setting(void **state)
{
    (void)state;
    int cores = af_threads_cores();
    assert_true(cores >= 1);
    af_threads_set(0);
    assert_int_equal(af_threads_get(), cores);
    af_threads_set(3);
#ifdef _OPENMP
    assert_int_equal(af_threads_get(), 3);
#else
    assert_int_equal(af_threads_get(), 1);
#endif
    af_threads_set(-2);
    assert_int_equal(af_threads_get(), cores);
    af_threads_set(0);
}

/* ---- distances --------------------------------------------------------- */

static void dist_all(bytes *out, int reuse)
{
    for (int per = 0; per < 2; per++) {
        af_grid g;
        make_grid(&g, 203, per ? AF_EDGE_PERIODIC : AF_EDGE_CLAMP);
        size_t cells = af_grid_cells(&g);
        af_error err;
        af_dist_work *w = reuse ? kept_dist[per] : NULL;
        if (!w && !(w = af_dist_work_alloc(&g, &err)))
            fail_msg("%s", err.msg);
        if (reuse && !out) { /* allocate only */
            kept_dist[per] = w;
            continue;
        }
        uint8_t *m = malloc(cells);
        double *d = malloc(cells * sizeof *d), *u = malloc(cells * sizeof *u);
        assert_true(m && d && u);
        blob(&g, m, 0.5);
        af_dist_edt(w, m, d);
        put(out, d, cells * sizeof *d);
        af_dist_signed(w, AF_SDIST_SIMPLE, m, d);
        put(out, d, cells * sizeof *d);
        af_dist_signed(w, AF_SDIST_SUBCELL, m, d);
        put(out, d, cells * sizeof *d);
        af_dist_smooth(w, m, u);
        put(out, u, cells * sizeof *u);
        af_dist_blur(w, u, 1.7);
        put(out, u, cells * sizeof *u);
        for (size_t x = 0; x < cells; x++) /* a field that is no distance */
            u[x] = 1.3 * d[x] + 0.01 * sin(0.37 * (double)x);
        assert_int_equal(af_dist_redistance(w, u, d, &err), AF_OK);
        put(out, d, cells * sizeof *d);
        free(m);
        free(d);
        free(u);
        af_dist_work_free(w);
        kept_dist[per] = NULL;
    }
}

static void test_dist(void **state)
{
    (void)state;
    same_for_all_counts(dist_all, "distances");
}

/* ---- morphology ------------------------------------------------------- */

static void morph_all(bytes *out, int reuse)
{
    if (!out) /* the workspaces are made per ball below; nothing to keep */
        return;
    (void)reuse;
    for (int per = 0; per < 2; per++) {
        af_grid g;
        make_grid(&g, 203, per ? AF_EDGE_PERIODIC : AF_EDGE_CLAMP);
        size_t cells = af_grid_cells(&g);
        uint8_t *m = malloc(cells), *o = malloc(cells);
        assert_true(m && o);
        blob(&g, m, 0.5);
        const af_norm norms[3] = {AF_NORM_2, AF_NORM_INF, AF_NORM_1};
        const double radii[2] = {2.5, 9};
        for (int k = 0; k < 3; k++)
            for (int q = 0; q < 2; q++) {
                af_error err;
                af_ball *b = af_ball_alloc(norms[k], radii[q], &err);
                assert_non_null(b);
                af_morph_work *w = af_morph_work_alloc(&g, b, &err);
                assert_non_null(w);
                af_morph_dilate(w, m, o);
                put(out, o, cells);
                af_morph_erode(w, m, o);
                put(out, o, cells);
                af_morph_work_free(w);
                af_ball_free(b);
            }
        free(m);
        free(o);
    }
}

static void test_morph(void **state)
{
    (void)state;
    same_for_all_counts(morph_all, "morphology");
}

/* ---- the steps ---------------------------------------------------------- */

/* The statistics a run records (not the times). */
static void put_stats(bytes *out, const af_mm_stats *st)
{
    put(out, &st->energy, sizeof st->energy);
    put(out, &st->per_eps, sizeof st->per_eps);
    put(out, &st->fidelity, sizeof st->fidelity);
    put(out, &st->area, sizeof st->area);
    put(out, &st->flow, sizeof st->flow);
    put(out, &st->max_shift, sizeof st->max_shift);
    put(out, &st->band_cells, sizeof st->band_cells);
    put(out, &st->nodes, sizeof st->nodes);
    put(out, &st->arcs, sizeof st->arcs);
    put(out, &st->changed, sizeof st->changed);
    put(out, &st->band_widenings, sizeof st->band_widenings);
    put(out, &st->global_moves, sizeof st->global_moves);
}

/* The sets the steps start from, under a non-uniform density.  The
 * circle's graph is one piece; the others' fall apart (separate bands, and
 * in the level-set step separate thresholds too), and with more than one
 * thread their pieces are cut on threads (mm_solve.c): the comparison with
 * one thread, which cuts every graph whole, then checks that cutting the
 * pieces apart changes nothing. */
static void set_circle(fx_field *s) { fx_field_circle(s); }

static void put_disc(fx_field *s, double cx, double cy, double r)
{
    int n = s->g.n;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            double x = af_grid_center(&s->g, i) - cx, y = af_grid_center(&s->g, j) - cy;
            if (x * x + y * y < r * r)
                s->a[(size_t)j * n + i] = 1;
        }
}

/* three circles far apart: three bands */
static void set_circles(fx_field *s)
{
    put_disc(s, -0.5, -0.5, 0.28);
    put_disc(s, 0.5, -0.45, 0.3);
    put_disc(s, 0.05, 0.5, 0.25);
}

/* a classifier's set on data: discs of many sizes, some overlapping, the
 * smallest about to vanish */
static void set_discs(fx_field *s)
{
    tu_rng rng;
    tu_seed(&rng, 11);
    for (int k = 0; k < 12; k++) {
        double cx = -0.8 + 1.6 * tu_uniform(&rng), cy = -0.8 + 1.6 * tu_uniform(&rng);
        put_disc(s, cx, cy, 0.06 + 0.16 * tu_uniform(&rng));
    }
}

typedef struct {
    const char *name;
    void (*set)(fx_field *s);
    double h_mask, h_ls; /* time steps of the mask and level-set steps, cells
                          * (a disc of radius r vanishes at once when 4h > r^2) */
    int pieces;          /* its graphs fall apart */
} step_case;

static const step_case step_cases[] = {
    {"circle", set_circle, 4, 3, 0},
    {"three circles", set_circles, 1, 1, 1},
    {"discs", set_discs, 0.5, 0.5, 1},
};
#define NCASES (int)(sizeof step_cases / sizeof *step_cases)

static void step_field(fx_field *s, int n, const step_case *c, int per)
{
    fx_field_init(s, n);
    s->g.edge = per ? AF_EDGE_PERIODIC : AF_EDGE_CLAMP;
    densities(&s->g, s->rho0, s->rho1);
    c->set(s);
}

/* One thread cuts every graph whole (the reference); more than one cut the
 * pieces of a case that has them on threads, or the comparison would not
 * test it. */
static void check_pieces(const af_mm_plan *p, const char *name, int pieces)
{
    long solves;
    af_mm_plan_pieces(p, &solves, NULL);
    if (af_threads_get() == 1)
        assert_int_equal(solves, 0);
    else if (pieces && solves == 0)
        fail_msg("%s: no graph was cut by pieces under %d threads", name, af_threads_get());
}

/* The clamped cases' plans for the `reuse` runs, made under one thread. */
static fx_field kept_field[NCASES];
static af_mm_plan *kept_plan[NCASES];

/* Mask steps, on a window (clamped) and on the whole grid (periodic). */
static void mask_steps(bytes *out, int reuse)
{
    int make_only = reuse && !out; /* make the kept plans, step nothing */
    for (int c = 0; c < NCASES; c++)
        for (int per = 0; per < 2; per++) {
            if (make_only && per)
                continue;
            fx_field s;
            af_mm_plan *p;
            if (reuse && !make_only && per == 0) {
                s = kept_field[c];
                p = kept_plan[c];
                kept_plan[c] = NULL;
            } else {
                step_field(&s, 192, &step_cases[c], per);
                af_mm_params prm = fx_params(&s.g, 4, step_cases[c].h_mask * s.g.dx);
                p = fx_plan(&s, &prm);
            }
            if (make_only) {
                kept_field[c] = s;
                kept_plan[c] = p;
                continue;
            }
            for (int k = 0; k < 3; k++) {
                af_mm_stats st;
                fx_step(p, &s, &st);
                put(out, s.a, s.cells);
                put_stats(out, &st);
            }
            check_pieces(p, step_cases[c].name, step_cases[c].pieces);
            af_mm_plan_free(p);
            fx_field_free(&s);
        }
}

static void test_mask_step(void **state)
{
    (void)state;
    same_for_all_counts(mask_steps, "mask step");
}

/* Level-set steps with their redistancing (from each case's sub-cell
 * distance, clamped). */
static void levelset_steps(bytes *out, int reuse)
{
    if (!out)
        return;
    (void)reuse;
    for (int c = 0; c < NCASES; c++) {
        fx_field s;
        step_field(&s, 160, &step_cases[c], 0);
        af_error err;
        af_dist_work *w = af_dist_work_alloc(&s.g, &err);
        assert_non_null(w);
        double *u = malloc(s.cells * sizeof *u), *v = malloc(s.cells * sizeof *v);
        assert_true(u && v);
        af_dist_signed(w, AF_SDIST_SUBCELL, s.a, v);
        assert_int_equal(af_dist_redistance(w, v, u, &err), AF_OK);
        af_mm_params prm = fx_params(&s.g, 4, step_cases[c].h_ls * s.g.dx);
        af_mm_plan *p = fx_plan(&s, &prm);
        for (int k = 0; k < 2; k++) {
            af_mm_stats st;
            if (af_mm_plan_step_levelset(p, u, v, &st, &err) != AF_OK)
                fail_msg("%s", err.msg);
            put(out, v, s.cells * sizeof *v);
            put_stats(out, &st);
            assert_int_equal(af_dist_redistance(w, v, u, &err), AF_OK);
            put(out, u, s.cells * sizeof *u);
        }
        /* rounds after the first cut several thresholds: pieces even for
         * the circle */
        check_pieces(p, step_cases[c].name, 1);
        af_mm_plan_free(p);
        af_dist_work_free(w);
        free(u);
        free(v);
        fx_field_free(&s);
    }
}

static void test_levelset_step(void **state)
{
    (void)state;
    same_for_all_counts(levelset_steps, "level-set step");
}

/* MBO steps, with and without a density, clamped and periodic. */
static void mbo_steps(bytes *out, int reuse)
{
    if (!out)
        return;
    (void)reuse;
    for (int per = 0; per < 2; per++)
        for (int dens = 0; dens < 2; dens++) {
            fx_field s;
            fx_field_init(&s, 192);
            s.g.edge = per ? AF_EDGE_PERIODIC : AF_EDGE_CLAMP;
            densities(&s.g, s.rho0, s.rho1);
            blob(&s.g, s.a, 0.6);
            for (size_t x = 0; x < s.cells; x++)
                s.rho0[x] += s.rho1[x];
            af_error err;
            double sigma = 5 * s.g.dx;
            af_mbo *m = af_mbo_alloc(&s.g, sigma * sigma / 2, dens ? s.rho0 : NULL, &err);
            assert_non_null(m);
            for (int k = 0; k < 3; k++) {
                af_mbo_step(m, s.a, s.a);
                put(out, s.a, s.cells);
            }
            af_mbo_free(m);
            fx_field_free(&s);
        }
}

static void test_mbo(void **state)
{
    (void)state;
    same_for_all_counts(mbo_steps, "MBO");
}

/* ---- data, perimeters, risks -------------------------------------------- */

static af_points *moons(const af_grid *g)
{
    af_data_gen d = {.kind = AF_DATA_MOONS, .count = 400, .seed = 3};
    d.noise = af_data_default_noise(d.kind);
    af_error err;
    af_points *p = af_points_generate(g, &d, &err);
    if (!p)
        fail_msg("%s", err.msg);
    return p;
}

static void kde_fill(bytes *out, int reuse)
{
    if (!out)
        return;
    (void)reuse;
    for (int per = 0; per < 2; per++) {
        af_grid g;
        make_grid(&g, 160, per ? AF_EDGE_PERIODIC : AF_EDGE_CLAMP);
        af_points *p = moons(&g);
        size_t cells = af_grid_cells(&g);
        double *rho = malloc(cells * sizeof *rho);
        af_error err;
        af_kde *k = af_kde_alloc(&g, &err);
        assert_true(rho && k);
        for (int c = 0; c < 2; c++) {
            assert_int_equal(af_kde_fill(k, p, c, af_kde_silverman(p, c), rho, &err), AF_OK);
            put(out, rho, cells * sizeof *rho);
        }
        af_kde_free(k);
        af_points_free(p);
        free(rho);
    }
}

static void test_kde(void **state)
{
    (void)state;
    same_for_all_counts(kde_fill, "KDE");
}

static void risks(bytes *out, int reuse)
{
    if (!out)
        return;
    (void)reuse;
    for (int per = 0; per < 2; per++) {
        af_grid g;
        make_grid(&g, 203, per ? AF_EDGE_PERIODIC : AF_EDGE_CLAMP);
        size_t cells = af_grid_cells(&g);
        uint8_t *m = malloc(cells);
        double *rho0 = malloc(cells * sizeof *rho0), *rho1 = malloc(cells * sizeof *rho1);
        assert_true(m && rho0 && rho1);
        blob(&g, m, 0.5);
        densities(&g, rho0, rho1);
        af_error err;
        double eps = 6.5 * g.dx;
        af_perimeter *pe = af_perimeter_alloc(&g, AF_NORM_2, eps, &err);
        af_risk *r = af_risk_alloc(&g, AF_NORM_2, eps, &err);
        assert_true(pe && r);
        af_perimeter_value pv;
        af_perimeter_eval(pe, rho0, rho1, m, &pv);
        put(out, &pv.per_eps, sizeof pv.per_eps);
        put(out, &pv.outer, sizeof pv.outer);
        put(out, &pv.inner, sizeof pv.inner);
        put(out, &pv.area, sizeof pv.area);
        double local = af_perimeter_local(pe, rho0, rho1, m);
        put(out, &local, sizeof local);
        af_risk_value rv;
        af_risk_eval(r, rho0, rho1, m, &rv);
        put(out, &rv, sizeof rv);
        af_points *p = moons(&g);
        p->weight[1] = 0.3; /* unequal weights: the weighted sums too */
        af_risk_points_value qv;
        assert_int_equal(af_risk_points(r, p, m, &qv, &err), AF_OK);
        put(out, &qv, sizeof qv);
        af_points_free(p);
        af_perimeter_free(pe);
        af_risk_free(r);
        free(m);
        free(rho0);
        free(rho1);
    }
}

static void test_risks(void **state)
{
    (void)state;
    same_for_all_counts(risks, "perimeters and risks");
}

/* ---- frames ------------------------------------------------------------- */

static void frames(bytes *out, int reuse)
{
    if (!out)
        return;
    (void)reuse;
    for (int per = 0; per < 2; per++) {
        af_grid g;
        make_grid(&g, 160, per ? AF_EDGE_PERIODIC : AF_EDGE_CLAMP);
        size_t cells = af_grid_cells(&g);
        uint8_t *m = malloc(cells), *m2 = malloc(cells);
        double *rho0 = malloc(cells * sizeof *rho0), *rho1 = malloc(cells * sizeof *rho1);
        double *u = malloc(cells * sizeof *u);
        assert_true(m && m2 && rho0 && rho1 && u);
        blob(&g, m, 0.55);
        blob(&g, m2, 0.35);
        densities(&g, rho0, rho1);
        af_error err;
        af_dist_work *w = af_dist_work_alloc(&g, &err);
        assert_non_null(w);
        af_dist_signed(w, AF_SDIST_SUBCELL, m, u);
        af_dist_work_free(w);
        af_points *p = moons(&g);
        double *xy = malloc(2 * p->count * sizeof *xy);
        assert_non_null(xy);
        for (size_t k = 0; k < p->count; k++) {
            xy[2 * k] = p->x[k];
            xy[2 * k + 1] = p->y[k];
        }
        const uint8_t *lines[2] = {m, m2};
        const double times[2] = {0, 0.05};
        for (int kind = 0; kind < 5; kind++)
            for (int scale = 1; scale <= 3; scale += 2) {
                af_png_frame f;
                memset(&f, 0, sizeof f);
                f.grid = &g;
                f.density = rho0;
                f.scale = scale;
                f.show_time = 1;
                f.time = 0.125;
                f.step = 7;
                if (kind == 0) { /* a mask over gray */
                    f.mask = m;
                } else if (kind == 1) { /* two hues, points */
                    f.mask = m;
                    f.density1 = rho1;
                    f.points = xy;
                    f.point_labels = p->label;
                    f.npoints = p->count;
                } else if (kind == 2) { /* a level set */
                    f.levelset = u;
                } else if (kind == 4) { /* an overview's lines */
                    f.contours = lines;
                    f.ncontours = 2;
                    f.line_values = times;
                } /* kind 3: the density alone */
                char path[256];
                tpath(path, sizeof path, "frame.png");
                if (af_png_write_frame(path, &f, &err) != AF_OK)
                    fail_msg("%s", err.msg);
                put_file(out, path);
            }
        af_points_free(p);
        free(xy);
        free(m);
        free(m2);
        free(rho0);
        free(rho1);
        free(u);
    }
}

static void test_frames(void **state)
{
    (void)state;
    same_for_all_counts(frames, "frames");
}

static int setup(void **state)
{
    (void)state;
    return tu_setup_dir("threads");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_setting),   cmocka_unit_test(test_dist),
        cmocka_unit_test(test_morph),     cmocka_unit_test(test_mask_step),
        cmocka_unit_test(test_levelset_step), cmocka_unit_test(test_mbo),
        cmocka_unit_test(test_kde),       cmocka_unit_test(test_risks),
        cmocka_unit_test(test_frames),
    };
    return cmocka_run_group_tests(tests, setup, teardown_dir);
}
