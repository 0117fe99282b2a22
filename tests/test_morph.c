/* advflow tests: morphology by digital balls (morph.h).  The four methods
 * must agree exactly; brute force is the definition.  GPL-3.0-or-later. */
#include "testutil.h"

#include <stdio.h>

#include "advflow/morph.h"

static const af_norm norms[3] = {AF_NORM_2, AF_NORM_INF, AF_NORM_1};
static const af_edge edges[2] = {AF_EDGE_CLAMP, AF_EDGE_PERIODIC};
static const double radii[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 2.5, 3.9, 5.12};
#define NRADII ((int)(sizeof radii / sizeof *radii))

/* Masks of one size: random ones of several densities, then structured. */
#define NMASKS 10
static const char *mask_names[NMASKS] = {
    "random 0.05", "random 0.3", "random 0.7", "random 0.95", "empty", "full",
    "single cell", "corner (0,0)", "corner (n-1,n-1)", "rectangle"};

static void make_mask(int k, int n, uint64_t seed, uint8_t *m)
{
    const size_t cells = (size_t)n * (size_t)n;
    const double dens[4] = {0.05, 0.3, 0.7, 0.95};
    tu_rng rng;
    tu_seed(&rng, seed * 131 + (uint64_t)k);
    memset(m, 0, cells);
    if (k < 4)
        tu_random_mask(&rng, m, cells, dens[k]);
    else if (k == 5)
        memset(m, 1, cells);
    else if (k == 6)
        m[n / 3 + (size_t)n * (size_t)(n / 2)] = 1;
    else if (k == 7)
        m[0] = 1;
    else if (k == 8)
        m[cells - 1] = 1;
    else if (k == 9)
        for (int j = n / 4; j < n - n / 5; j++)
            for (int i = n / 5; i < n / 2 + 1; i++)
                m[i + (size_t)n * j] = 7; /* any non-zero value is inside */
}

static af_grid grid_of(int n, af_edge edge)
{
    af_grid g;
    af_error err;
    assert_int_equal(af_grid_init(&g, 2, n, 0.0, 1.0, edge, &err), AF_OK);
    return g;
}

static af_ball *ball_of(af_norm norm, double R)
{
    af_error err;
    af_ball *b = af_ball_alloc(norm, R, &err);
    assert_non_null(b);
    return b;
}

/* Fails with the configuration when two results differ. */
static void expect_same(const uint8_t *a, const uint8_t *b, size_t cells, const char *what,
                        int n, af_norm norm, af_edge edge, double R, const char *mask)
{
    long d = tu_first_diff(a, b, cells);
    if (d >= 0)
        fail_msg("%s differ at cell (%ld, %ld): n = %d, norm %s, %s, R = %g, mask %s",
                 what, d % n, d / n, n, af_norm_name(norm), af_edge_name(edge), R,
                 mask);
    for (size_t k = 0; k < cells; k++)
        if (a[k] > 1)
            fail_msg("%s: output value %d is not 0 or 1", what, a[k]);
}

/* count[x] by the definition: offsets z with x + z in the grid (or
 * wrapped) and inside the mask. */
static void brute_count(const af_grid *g, const af_ball *b, const uint8_t *m, double *count)
{
    const int n = g->n, r = b->r;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            int c = 0;
            for (int dj = -r; dj <= r; dj++)
                for (int di = -b->half[dj + r]; di <= b->half[dj + r]; di++) {
                    int x = i + di, y = j + dj;
                    if (g->edge == AF_EDGE_PERIODIC) {
                        x = ((x % n) + n) % n;
                        y = ((y % n) + n) % n;
                    } else if (x < 0 || x >= n || y < 0 || y >= n) {
                        continue;
                    }
                    c += m[x + (size_t)n * y] != 0;
                }
            count[i + (size_t)n * j] = c;
        }
}

/* fast == chord == brute == FFT, dilation and erosion, every mask; FFT
 * counts == brute counts on two masks. */
static void check_config(int n, af_norm norm, af_edge edge, double R)
{
    const size_t cells = (size_t)n * (size_t)n;
    af_grid g = grid_of(n, edge);
    af_ball *b = ball_of(norm, R);
    af_error err;
    af_morph_work *w = af_morph_work_alloc(&g, b, &err);
    af_morph_fft *f = af_morph_fft_alloc(&g, b, &err);
    assert_non_null(w);
    assert_non_null(f);
    uint8_t *m = malloc(cells), *ref = malloc(cells), *out = malloc(cells);
    double *c1 = malloc(cells * sizeof *c1), *c2 = malloc(cells * sizeof *c2);
    assert_true(m && ref && out && c1 && c2);

    for (int k = 0; k < NMASKS; k++) {
        make_mask(k, n, (uint64_t)n, m);

        af_morph_dilate_brute(&g, b, m, ref);
        memset(out, 0xAA, cells);
        af_morph_dilate(w, m, out);
        expect_same(out, ref, cells, "dilate fast/brute", n, norm, edge, R, mask_names[k]);
        memset(out, 0xAA, cells);
        af_morph_dilate_chords(w, m, out);
        expect_same(out, ref, cells, "dilate chords/brute", n, norm, edge, R, mask_names[k]);
        memset(out, 0xAA, cells);
        af_morph_fft_dilate(f, m, out);
        expect_same(out, ref, cells, "dilate fft/brute", n, norm, edge, R, mask_names[k]);

        af_morph_erode_brute(&g, b, m, ref);
        memset(out, 0xAA, cells);
        af_morph_erode(w, m, out);
        expect_same(out, ref, cells, "erode fast/brute", n, norm, edge, R, mask_names[k]);
        memset(out, 0xAA, cells);
        af_morph_erode_chords(w, m, out);
        expect_same(out, ref, cells, "erode chords/brute", n, norm, edge, R, mask_names[k]);
        memset(out, 0xAA, cells);
        af_morph_fft_erode(f, m, out);
        expect_same(out, ref, cells, "erode fft/brute", n, norm, edge, R, mask_names[k]);

        if (k == 1 || k == 9) {
            af_morph_fft_count(f, m, c1);
            brute_count(&g, b, m, c2);
            for (size_t x = 0; x < cells; x++)
                if (c1[x] != c2[x])
                    fail_msg("fft count %g != brute %g at (%zu, %zu): n = %d, norm %s, %s, R = %g",
                             c1[x], c2[x], x % (size_t)n, x / (size_t)n, n, af_norm_name(norm),
                             af_edge_name(edge), R);
        }
    }
    free(m);
    free(ref);
    free(out);
    free(c1);
    free(c2);
    af_morph_fft_free(f);
    af_morph_work_free(w);
    af_ball_free(b);
}

static void run_size(int n)
{
    for (int e = 0; e < 2; e++)
        for (int k = 0; k < 3; k++)
            for (int q = 0; q < NRADII; q++) {
                af_ball *b = ball_of(norms[k], radii[q]);
                int fits = edges[e] == AF_EDGE_CLAMP || 2 * b->r < n;
                af_ball_free(b);
                if (fits)
                    check_config(n, norms[k], edges[e], radii[q]);
            }
}

static void test_agree_17(void **state) { (void)state; run_size(17); }
static void test_agree_32(void **state) { (void)state; run_size(32); }
static void test_agree_40(void **state) { (void)state; run_size(40); }
/* Tiny grids: clamped balls far larger than the grid, n = 1. */
static void test_agree_tiny(void **state)
{
    (void)state;
    run_size(1);
    run_size(2);
    run_size(5);
}

/* Larger grids with blobs: long runs of inside and of far-away cells, as
 * in real masks (the fast method treats such runs blockwise). */
static void blob_mask(tu_rng *rng, int n, uint8_t *m)
{
    memset(m, 0, (size_t)n * (size_t)n);
    for (int k = 0; k < 12; k++) {
        double cx = tu_uniform(rng) * n, cy = tu_uniform(rng) * n, rr = 2 + tu_uniform(rng) * n / 5;
        uint8_t v = tu_uniform(rng) < 0.75; /* some blobs are holes */
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                if ((i - cx) * (i - cx) + (j - cy) * (j - cy) <= rr * rr)
                    m[i + (size_t)n * j] = v;
    }
}

static void test_agree_blobs(void **state)
{
    (void)state;
    const int sizes[2] = {67, 100};
    const double rs[4] = {3, 7.5, 16, 30};
    tu_rng rng;
    tu_seed(&rng, 2024);
    for (int s = 0; s < 2; s++) {
        const int n = sizes[s];
        const size_t cells = (size_t)n * (size_t)n;
        uint8_t *m = malloc(cells), *ref = malloc(cells), *o1 = malloc(cells), *o2 = malloc(cells);
        assert_true(m && ref && o1 && o2);
        for (int e = 0; e < 2; e++)
            for (int k = 0; k < 3; k++)
                for (int q = 0; q < 4; q++) {
                    af_grid g = grid_of(n, edges[e]);
                    af_ball *b = ball_of(norms[k], rs[q]);
                    af_morph_work *w = af_morph_work_alloc(&g, b, NULL);
                    if (!w) { /* periodic ball too large for the torus */
                        assert_true(edges[e] == AF_EDGE_PERIODIC && 2 * b->r >= n);
                        af_ball_free(b);
                        continue;
                    }
                    blob_mask(&rng, n, m);
                    af_morph_dilate_brute(&g, b, m, ref);
                    af_morph_dilate(w, m, o1);
                    af_morph_dilate_chords(w, m, o2);
                    expect_same(o1, ref, cells, "blobs dilate fast/brute", n, norms[k], edges[e], rs[q], "blobs");
                    expect_same(o2, ref, cells, "blobs dilate chords/brute", n, norms[k], edges[e], rs[q], "blobs");
                    af_morph_erode_brute(&g, b, m, ref);
                    af_morph_erode(w, m, o1);
                    af_morph_erode_chords(w, m, o2);
                    expect_same(o1, ref, cells, "blobs erode fast/brute", n, norms[k], edges[e], rs[q], "blobs");
                    expect_same(o2, ref, cells, "blobs erode chords/brute", n, norms[k], edges[e], rs[q], "blobs");
                    af_morph_work_free(w);
                    af_ball_free(b);
                }
        free(m);
        free(ref);
        free(o1);
        free(o2);
    }
}

/* Extensive / anti-extensive, duality, monotonicity, translation
 * invariance on a torus. */
static void test_properties(void **state)
{
    (void)state;
    const int n = 37;
    const size_t cells = (size_t)n * (size_t)n;
    uint8_t *a = malloc(cells), *a2 = malloc(cells), *na = malloc(cells), *d = malloc(cells),
            *d2 = malloc(cells), *e = malloc(cells), *e2 = malloc(cells), *t = malloc(cells),
            *s = malloc(cells);
    assert_true(a && a2 && na && d && d2 && e && e2 && t && s);
    tu_rng rng;
    tu_seed(&rng, 99);
    const double rs[] = {1, 3, 4.5, 7, 12};
    for (int ed = 0; ed < 2; ed++)
        for (int k = 0; k < 3; k++)
            for (int q = 0; q < 5; q++) {
                af_grid g = grid_of(n, edges[ed]);
                af_ball *b = ball_of(norms[k], rs[q]);
                af_morph_work *w = af_morph_work_alloc(&g, b, NULL);
                assert_non_null(w);
                for (int rep = 0; rep < 4; rep++) {
                    tu_random_mask(&rng, a, cells, 0.1 + 0.25 * rep);
                    /* a2 = a plus some more cells */
                    for (size_t x = 0; x < cells; x++)
                        a2[x] = a[x] || tu_uniform(&rng) < 0.05;
                    af_morph_dilate(w, a, d);
                    af_morph_erode(w, a, e);
                    af_morph_dilate(w, a2, d2);
                    af_morph_erode(w, a2, e2);
                    for (size_t x = 0; x < cells; x++) {
                        assert_true(!a[x] || d[x]);  /* A subset D(A) */
                        assert_true(!e[x] || a[x]);  /* E(A) subset A */
                        assert_true(!d[x] || d2[x]); /* monotone */
                        assert_true(!e[x] || e2[x]);
                        na[x] = !a[x];
                    }
                    /* E(A) = not D(not A), with the brute-force min/max */
                    af_morph_dilate_brute(&g, b, na, t);
                    af_morph_erode_brute(&g, b, a, s);
                    for (size_t x = 0; x < cells; x++)
                        assert_int_equal(s[x], !t[x]);
                    if (edges[ed] == AF_EDGE_PERIODIC) {
                        /* shift by (3, 5): D(shift A) = shift D(A) */
                        for (int j = 0; j < n; j++)
                            for (int i = 0; i < n; i++)
                                t[(i + 3) % n + (size_t)n * ((j + 5) % n)] = a[i + (size_t)n * j];
                        af_morph_dilate(w, t, s);
                        for (int j = 0; j < n; j++)
                            for (int i = 0; i < n; i++)
                                assert_int_equal(s[(i + 3) % n + (size_t)n * ((j + 5) % n)],
                                                 d[i + (size_t)n * j]);
                        af_morph_erode(w, t, s);
                        for (int j = 0; j < n; j++)
                            for (int i = 0; i < n; i++)
                                assert_int_equal(s[(i + 3) % n + (size_t)n * ((j + 5) % n)],
                                                 e[i + (size_t)n * j]);
                    }
                }
                af_morph_work_free(w);
                af_ball_free(b);
            }
    free(a);
    free(a2);
    free(na);
    free(d);
    free(d2);
    free(e);
    free(e2);
    free(t);
    free(s);
}

/* The workspace is reusable: calls do not depend on earlier calls. */
static void test_reuse(void **state)
{
    (void)state;
    const int n = 32;
    const size_t cells = (size_t)n * (size_t)n;
    af_grid g = grid_of(n, AF_EDGE_PERIODIC);
    af_ball *b = ball_of(AF_NORM_2, 5.12);
    af_morph_work *w = af_morph_work_alloc(&g, b, NULL);
    af_morph_fft *f = af_morph_fft_alloc(&g, b, NULL);
    af_ball_free(b); /* the workspace copied it */
    uint8_t m[32 * 32], o1[32 * 32], o2[32 * 32];
    tu_rng rng;
    tu_seed(&rng, 5);
    tu_random_mask(&rng, m, cells, 0.2);
    af_morph_dilate(w, m, o1);
    af_morph_erode_chords(w, m, o2);
    af_morph_fft_erode(f, m, o2);
    af_morph_dilate_chords(w, m, o2);
    assert_int_equal(tu_first_diff(o1, o2, cells), -1);
    af_morph_dilate(w, m, o2);
    assert_int_equal(tu_first_diff(o1, o2, cells), -1);
    af_morph_fft_dilate(f, m, o2);
    assert_int_equal(tu_first_diff(o1, o2, cells), -1);
    af_morph_fft_free(f);
    af_morph_work_free(w);
}

static void test_errors(void **state)
{
    (void)state;
    af_error err;
    /* periodic: 2r < n required */
    const struct { int n; double R; int ok; } t[] = {
        {16, 7, 1}, {16, 7.9, 1}, {16, 8, 0}, {17, 8, 1}, {17, 9, 0}, {5, 3, 0}, {1, 0, 1}, {1, 1, 0}};
    for (size_t k = 0; k < sizeof t / sizeof *t; k++) {
        af_grid g = grid_of(t[k].n, AF_EDGE_PERIODIC);
        af_ball *b = ball_of(AF_NORM_2, t[k].R);
        af_error_clear(&err);
        af_morph_work *w = af_morph_work_alloc(&g, b, &err);
        af_morph_fft *f = af_morph_fft_alloc(&g, b, &err);
        if (t[k].ok) {
            assert_non_null(w);
            assert_non_null(f);
            assert_int_equal(err.status, AF_OK);
        } else {
            assert_null(w);
            assert_null(f);
            assert_int_equal(err.status, AF_EINVAL);
            assert_true(strlen(err.msg) > 0);
        }
        af_morph_work_free(w);
        af_morph_fft_free(f);
        /* clamp accepts any radius */
        g = grid_of(t[k].n, AF_EDGE_CLAMP);
        w = af_morph_work_alloc(&g, b, &err);
        assert_non_null(w);
        af_morph_work_free(w);
        af_ball_free(b);
    }
    af_grid g = grid_of(8, AF_EDGE_CLAMP);
    af_error_clear(&err);
    assert_null(af_morph_work_alloc(&g, NULL, &err));
    assert_int_equal(err.status, AF_EINVAL);
    af_morph_work_free(NULL);
    af_morph_fft_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_agree_tiny),
        cmocka_unit_test(test_agree_17),
        cmocka_unit_test(test_agree_32),
        cmocka_unit_test(test_agree_40),
        cmocka_unit_test(test_agree_blobs),
        cmocka_unit_test(test_properties),
        cmocka_unit_test(test_reuse),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests_name("morph", tests, NULL, NULL);
}
