/* Tests: a status does not depend on whether the caller asked for a message.
 * Each error path below (bad arguments, NaN, bad files for the readers of
 * case files, PNG, .npy and CSV fields and points, sizes beyond the limits)
 * is called once with an af_error and once with err == NULL: both calls must
 * fail, with the same status, and nothing may crash; the first must leave a
 * message.  Calls that return a pointer must return NULL both times.  A real
 * allocation failure (the address space limited) gives AF_ENOMEM, a size
 * beyond the limits AF_ETOOBIG.  GPL-3.0-or-later. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <sys/resource.h>

#include "advflow/advflow.h"
#include "testfiles.h"

/* AddressSanitizer reserves terabytes of address space: an RLIMIT_AS below
 * that breaks it, so the real out-of-memory test is skipped under it. */
#if defined(__SANITIZE_ADDRESS__)
#define TE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TE_ASAN 1
#endif
#endif

static void same_at(af_status with, af_status without, const char *msg, int want, const char *what,
                    int line)
{
    if (with == AF_OK || with != without || (want >= 0 && with != (af_status)want) || !msg[0])
        fail_msg("line %d: %s: with an af_error %d (%s), with NULL %d, want %d", line, what,
                 (int)with, msg, (int)without, want);
}

/* Evaluate the af_status expression X, which names its af_error E, with an
 * af_error and with E = NULL: the same failure both times, the status want
 * (-1: any failure). */
#define SAME(want, X)                                                                              \
    do {                                                                                           \
        af_error e_, *E = &e_;                                                                     \
        af_error_clear(E);                                                                         \
        af_status s1_ = (X);                                                                       \
        E = NULL;                                                                                  \
        af_status s2_ = (X);                                                                       \
        same_at(s1_, s2_, e_.msg, (int)(want), #X, __LINE__);                                      \
    } while (0)

/* The same for a call returning a pointer: NULL both times, want in the
 * af_error of the first. */
#define SAME_NULL(want, X)                                                                         \
    do {                                                                                           \
        af_error e_, *E = &e_;                                                                     \
        af_error_clear(E);                                                                         \
        void *p1_ = (void *)(X);                                                                   \
        E = NULL;                                                                                  \
        void *p2_ = (void *)(X);                                                                   \
        if (p1_ || p2_)                                                                            \
            fail_msg("line %d: %s did not fail", __LINE__, #X);                                    \
        same_at(e_.status, e_.status, e_.msg, (int)(want), #X, __LINE__);                          \
    } while (0)

#define N 8
static af_grid G;

static int setup(void **state)
{
    (void)state;
    if (af_grid_init(&G, 2, N, -1, 1, AF_EDGE_CLAMP, NULL) != AF_OK)
        return -1;
    return tu_setup_dir("errnull");
}

static const char *put(const char *name, const char *text)
{
    static char path[8][256];
    static int k;
    char *p = path[k++ % 8];
    tpath(p, sizeof path[0], name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

/* Read, override (set: one "section.key=value" or NULL) and finish a case
 * in a fresh af_case. */
static af_status load_case(const char *path, const char *set, af_error *err)
{
    af_case *c = af_case_alloc();
    assert_non_null(c);
    af_status st = af_case_read(c, path, err);
    if (st == AF_OK && set)
        st = af_case_set(c, set, err);
    if (st == AF_OK)
        st = af_case_finish(c, err);
    af_case_free(c);
    return st;
}

static void test_grid_and_arguments(void **state)
{
    (void)state;
    af_grid g;
    SAME(AF_EINVAL, af_grid_init(&g, 2, 0, -1, 1, AF_EDGE_CLAMP, E));
    SAME(AF_EINVAL, af_grid_init(&g, 2, 8, NAN, 1, AF_EDGE_CLAMP, E));
    SAME(AF_EUNSUP, af_grid_init(&g, 3, 8, -1, 1, AF_EDGE_CLAMP, E));
    SAME(AF_ETOOBIG, af_grid_init(&g, 2, 40000, -1, 1, AF_EDGE_CLAMP, E));
    SAME(AF_EINVAL, af_grid_check(NULL, "test", E));
    af_grid bad = G;
    bad.n = 0;
    SAME(AF_EINVAL, af_grid_check(&bad, "test", E));

    SAME_NULL(AF_EINVAL, af_ball_alloc(AF_NORM_2, NAN, E));
    SAME_NULL(AF_EINVAL, af_ball_alloc(AF_NORM_2, -1, E));
    SAME_NULL(-1, af_perimeter_alloc(&G, AF_NORM_2, NAN, E));
    SAME_NULL(-1, af_perimeter_alloc(&G, AF_NORM_2, 1e-9, E));
    SAME(-1, af_perimeter_eps_check(&G, NAN, "test", E));
    SAME_NULL(-1, af_risk_alloc(&G, AF_NORM_2, NAN, E));
    SAME_NULL(-1, af_kde_alloc(&bad, E));
    SAME_NULL(-1, af_contour_alloc(&bad, E));
    SAME_NULL(-1, af_dist_work_alloc(&bad, E));
    SAME_NULL(-1, af_gauss_alloc(&bad, 0, E));
    SAME_NULL(-1, af_mbo_alloc(&G, NAN, NULL, E));
    SAME_NULL(-1, af_attack_alloc(&bad, NULL, E));

    af_gauss *gs = af_gauss_alloc(&G, 0, NULL);
    assert_non_null(gs);
    SAME(AF_EINVAL, af_gauss_set_sigma(gs, NAN, E));
    SAME(AF_EINVAL, af_gauss_set_sigma(gs, -1, E));
    af_gauss_free(gs);
}

static void test_nan_and_values(void **state)
{
    (void)state;
    double rho[N * N], u[N * N], s[N * N];
    uint8_t mask[N * N];
    memset(mask, 0, sizeof mask);
    for (int x = 0; x < N * N; x++)
        rho[x] = u[x] = 1;

    af_density d = {.kind = AF_DENSITY_UNIFORM, .value = NAN};
    SAME(AF_EINVAL, af_density_fill(&G, &d, rho, E));
    SAME(AF_EINVAL, af_density_params_check(&d, E));
    rho[3] = NAN;
    SAME(AF_EINVAL, af_density_check(&G, rho, "rho0", E));
    rho[3] = -1;
    SAME(AF_EINVAL, af_density_check(&G, rho, "rho0", E));
    rho[3] = 1;

    af_shape sh = {.kind = AF_SHAPE_CIRCLE, .radius = NAN};
    SAME(AF_EINVAL, af_shape_mask(&G, &sh, mask, E));
    SAME(AF_EINVAL, af_shape_field(&G, &sh, u, E));
    SAME(AF_EINVAL, af_shape_params_check(&sh, E));

    af_dist_work *w = af_dist_work_alloc(&G, NULL);
    assert_non_null(w);
    u[5] = NAN;
    SAME(-1, af_dist_redistance(w, u, s, E));
    af_dist_work_free(w);
    af_contour *c = af_contour_alloc(&G, NULL);
    assert_non_null(c);
    SAME(-1, af_contour_trace(c, u, NAN, E));
    af_contour_free(c);
    u[5] = 1;

    af_mm_params prm;
    af_mm_params_default(&prm);
    prm.eps = 2 * G.dx;
    prm.h = NAN;
    SAME_NULL(AF_EINVAL, af_mm_plan_create(&G, &prm, rho, rho, E));
    prm.h = G.dx;
    af_mm_plan *plan = af_mm_plan_create(&G, &prm, rho, rho, NULL);
    assert_non_null(plan);
    u[7] = NAN;
    SAME(AF_EINVAL, af_mm_plan_step_levelset(plan, u, s, NULL, E));
    af_mm_plan_free(plan);
    u[7] = 1;

    SAME_NULL(-1, af_robust_alloc(&G, AF_NORM_2, NAN, AF_SELECT_MINIMAL, rho, rho, E));

    af_points *p = af_points_alloc(2, NULL);
    assert_non_null(p);
    p->x[0] = p->y[0] = p->x[1] = p->y[1] = 0;
    p->label[0] = 0;
    p->label[1] = 1;
    double bound;
    size_t conflicts;
    SAME(-1, af_risk_points_bound(&G, AF_NORM_2, NAN, p, &bound, &conflicts, E));
    af_kde *k = af_kde_alloc(&G, NULL);
    assert_non_null(k);
    SAME(-1, af_kde_fill(k, p, 0, -1, rho, E));
    af_kde_free(k);
    af_data_gen gen = {.kind = AF_DATA_MOONS, .count = 1, .noise = 0.1, .seed = 1};
    SAME_NULL(-1, af_points_generate(&G, &gen, E));
    gen.count = 10;
    gen.noise = NAN;
    SAME_NULL(-1, af_points_generate(&G, &gen, E));

    for (int j = 2; j < 6; j++)
        for (int i = 2; i < 6; i++)
            mask[j * N + i] = 1;
    af_attack *a = af_attack_alloc(&G, mask, NULL);
    assert_non_null(a);
    af_attack_params ap = {.norm = AF_NORM_2, .eps = NAN, .tau = 0.1, .steps = 3};
    double path[8];
    int flipped;
    SAME(AF_EINVAL, af_attack_path(a, &ap, 0, 0, 1, path, &flipped, E));
    af_attack_free(a);
    af_points_free(p);

    af_plot_series ser = {.x = rho, .y = rho, .count = 4, .label = "a"};
    af_plot_axes ax = {.width = -5};
    char out[256];
    SAME(-1, af_plot_write(tpath(out, sizeof out, "p.png"), &ax, &ser, 1, E));
    af_ref_curve *rc = NULL;
    SAME(-1, af_ref_curve_alloc(-1, &rc, E));
    assert_null(rc);
}

static void test_files(void **state)
{
    (void)state;
    char missing[256], folder[256];
    tpath(missing, sizeof missing, "no-such-file");
    tpath(folder, sizeof folder, "");
    double f[N * N], rho[N * N];
    uint8_t mask[N * N];
    memset(mask, 0, sizeof mask);

    /* case files: missing, malformed, bad values, too big, bad overrides */
    SAME(AF_EIO, load_case(missing, NULL, E));
    SAME(AF_EFORMAT, load_case(put("bad.ini", "[grid\nn = 8\n"), NULL, E));
    SAME(AF_EINVAL, load_case(put("val.ini", "[grid]\nn = abc\n"), NULL, E));
    SAME(AF_EINVAL, load_case(put("dup.ini", "[grid]\nn = 8\nn = 9\n"), NULL, E));
    SAME(AF_ETOOBIG,
         load_case(put("big.ini", "[grid]\nn = 40000\n[initial]\nshape = circle\nradius = 1\n"),
                   NULL, E));
    const char *ok = put("ok.ini", "[initial]\nshape = circle\nradius = 0.5\n");
    assert_int_equal(load_case(ok, NULL, NULL), AF_OK);
    SAME(-1, load_case(ok, "no equals sign", E));
    SAME(-1, load_case(ok, "grid.n=nan", E));
    SAME(AF_ETOOBIG, load_case(ok, "grid.n=40000", E));
    af_case *c;
    /* a case whose data file is missing: its points fail to load */
    c = af_case_alloc();
    assert_non_null(c);
    assert_int_equal(af_case_read(c, put("data.ini", "[grid]\nn = 8\n[data]\nfile = none.csv\n"
                                                     "[scheme]\nepsilon = 0.5\n"),
                                  NULL),
                     AF_OK);
    assert_int_equal(af_case_finish(c, NULL), AF_OK);
    af_points *pts = NULL;
    size_t outside;
    SAME(-1, af_case_points(c, &pts, &outside, E));
    assert_null(pts);
    af_case_free(c);

    /* PNG: missing, not a PNG, a NaN threshold, a negative scale */
    SAME(AF_EIO, af_png_read_mask(missing, &G, 0.5, mask, E));
    const char *text = put("text.png", "this is not a PNG file\n");
    SAME(AF_EFORMAT, af_png_read_mask(text, &G, 0.5, mask, E));
    SAME(AF_EFORMAT, af_png_read_density(text, &G, 1, rho, E));
    af_grid g4;
    assert_int_equal(af_grid_init(&g4, 2, 4, -1, 1, AF_EDGE_CLAMP, NULL), AF_OK);
    char small[256];
    assert_int_equal(af_png_write_mask(tpath(small, sizeof small, "small.png"), &g4, mask, NULL), AF_OK);
    SAME(AF_EINVAL, af_png_read_mask(small, &G, NAN, mask, E));
    SAME(AF_EINVAL, af_png_read_density(small, &G, -1, rho, E));
    /* writers: a folder is no file name */
    SAME(AF_EINVAL, af_png_write_mask(folder, &G, mask, E));
    SAME(AF_EINVAL, af_file_check(folder, "test", E));
    SAME(AF_EINVAL, af_file_check("", "test", E));

    /* .npy and CSV fields: missing, malformed, another shape */
    SAME(-1, af_array_read(missing, &G, f, E));
    SAME(-1, af_array_read_npy(missing, &G, f, E));
    SAME(AF_EFORMAT, af_array_read_npy(put("bad.npy", "NOT NUMPY AT ALL"), &G, f, E));
    char npy[256];
    assert_int_equal(af_array_write_npy(tpath(npy, sizeof npy, "small.npy"), &g4, f, AF_DTYPE_F64, NULL),
                     AF_OK);
    SAME(-1, af_array_read_npy(npy, &G, f, E));
    SAME(-1, af_array_read_csv(put("bad.csv", "1,2,x\n"), &G, f, E));
    SAME(AF_EINVAL, af_array_write_npy(folder, &G, f, AF_DTYPE_F64, E));

    /* points: missing, a bad label, NaN, a short row */
    SAME_NULL(AF_EIO, af_points_read_csv(missing, E));
    SAME_NULL(-1, af_points_read_csv(put("label.csv", "x,y,label\n0,0,2\n"), E));
    SAME_NULL(-1, af_points_read_csv(put("nan.csv", "x,y,label\nnan,0,1\n"), E));
    SAME_NULL(-1, af_points_read_csv(put("short.csv", "x,y,label\n1,2\n"), E));
    af_points *p = af_points_alloc(1, NULL);
    assert_non_null(p);
    p->x[0] = p->y[0] = 0;
    p->label[0] = 1;
    SAME(AF_EINVAL, af_points_write_csv(folder, p, E));
    af_points_free(p);
}

/* A real allocation failure is AF_ENOMEM, with or without a message: the
 * address space is limited to what the process has and 64 MiB more, and a
 * perimeter plan of a 8192^2 grid needs far more. */
static void test_real_out_of_memory(void **state)
{
    (void)state;
#ifdef TE_ASAN
    skip();
#else
    af_grid g;
    assert_int_equal(af_grid_init(&g, 2, 8192, -1, 1, AF_EDGE_CLAMP, NULL), AF_OK);
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long pages = 0;
    if (!f || fscanf(f, "%lu", &pages) != 1)
        pages = 0;
    if (f)
        fclose(f);
    struct rlimit old, lim;
    if (pages == 0 || getrlimit(RLIMIT_AS, &old) != 0)
        skip();
    lim = old;
    lim.rlim_cur = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + ((rlim_t)64 << 20);
    if (old.rlim_cur != RLIM_INFINITY && old.rlim_cur < lim.rlim_cur)
        lim.rlim_cur = old.rlim_cur;
    af_error e;
    af_error_clear(&e);
    assert_int_equal(setrlimit(RLIMIT_AS, &lim), 0);
    af_perimeter *p1 = af_perimeter_alloc(&g, AF_NORM_2, 4 * g.dx, &e);
    af_perimeter *p2 = af_perimeter_alloc(&g, AF_NORM_2, 4 * g.dx, NULL);
    af_dist_work *w = af_dist_work_alloc(&g, NULL);
    assert_int_equal(setrlimit(RLIMIT_AS, &old), 0);
    assert_null(p1);
    assert_null(p2);
    assert_null(w);
    assert_int_equal(e.status, AF_ENOMEM);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grid_and_arguments),
        cmocka_unit_test(test_nan_and_values),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_real_out_of_memory),
    };
    return cmocka_run_group_tests_name("errnull", tests, setup, teardown_dir);
}
