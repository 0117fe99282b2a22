/* advflow tests: digital balls and their geometry (ball.h).  GPL-3.0-or-later. */
#include "testutil.h"

#include <math.h>

#include "advflow/ball.h"

#define TB_PI 3.14159265358979323846

/* cmocka's assert_float_equal works in float; these checks need double. */
#define assert_near(a, b, tol)                                                     \
    do {                                                                           \
        double a_ = (a), b_ = (b);                                                 \
        if (!(fabs(a_ - b_) <= (tol)))                                             \
            fail_msg("%s = %.17g, expected %.17g +- %g", #a, a_, b_, (double)(tol)); \
    } while (0)

static const af_norm norms[3] = {AF_NORM_2, AF_NORM_INF, AF_NORM_1};

/* Membership straight from the header's definition (same expressions, so
 * the tolerance is applied identically). */
static int in_def(af_norm norm, double R, int i, int j)
{
    int ai = abs(i), aj = abs(j);
    switch (norm) {
    case AF_NORM_2: return (double)ai * ai + (double)aj * aj <= R * R * (1.0 + 2e-9);
    case AF_NORM_INF: return (ai > aj ? ai : aj) <= R * (1.0 + 1e-9);
    case AF_NORM_1: return ai + aj <= R * (1.0 + 1e-9);
    }
    return 0;
}

static af_ball *ball_ok(af_norm norm, double R)
{
    af_error err;
    af_error_clear(&err);
    af_ball *b = af_ball_alloc(norm, R, &err);
    assert_non_null(b);
    assert_int_equal(err.status, AF_OK);
    return b;
}

static void test_membership(void **state)
{
    (void)state;
    const double radii[] = {0, 0.5, 0.999999999999, 1, 1.4142135623730951, 1.5, 2, 2.5,
                            2.9999999999, 3, 3.9, 4, 5, 5.12, 5.5, 7.07, 10, 12.3, 20, 33.3};
    for (int k = 0; k < 3; k++)
        for (size_t q = 0; q < sizeof radii / sizeof *radii; q++) {
            const double R = radii[q];
            af_ball *b = ball_ok(norms[k], R);
            size_t count = 0;
            int maxj = 0;
            for (int j = -b->r - 3; j <= b->r + 3; j++)
                for (int i = -b->r - 3; i <= b->r + 3; i++) {
                    int want = in_def(norms[k], R, i, j);
                    assert_int_equal(af_ball_contains(b, i, j), want);
                    count += (size_t)want;
                    if (want && abs(j) > maxj)
                        maxj = abs(j);
                }
            assert_int_equal(b->count, count);
            assert_int_equal(b->r, maxj);
            assert_int_equal(b->norm, norms[k]);
            /* half[] is symmetric and non-increasing in |j|, and r is also
             * the widest chord's half-width */
            assert_int_equal(b->half[b->r], b->r);
            for (int j = 0; j <= b->r; j++) {
                assert_int_equal(b->half[b->r + j], b->half[b->r - j]);
                if (j > 0)
                    assert_true(b->half[b->r + j] <= b->half[b->r + j - 1]);
            }
            af_ball_free(b);
        }
}

static void test_tolerance(void **state)
{
    (void)state;
    /* R that came out of a division slightly below a whole number */
    for (int k = 0; k < 3; k++) {
        af_ball *b = ball_ok(norms[k], 2.9999999999);
        assert_int_equal(b->r, 3);
        assert_true(af_ball_contains(b, 3, 0));
        assert_true(af_ball_contains(b, 0, -3));
        af_ball_free(b);
    }
    af_ball *b = ball_ok(AF_NORM_2, 5.0);
    assert_true(af_ball_contains(b, 3, 4)); /* 9 + 16 = 25 exactly */
    assert_true(af_ball_contains(b, -4, 3));
    assert_false(af_ball_contains(b, 4, 4));
    af_ball_free(b);
}

static void test_counts(void **state)
{
    (void)state;
    /* closed forms: square (2r+1)^2, diamond 2r^2 + 2r + 1; disc R = 5: 81 */
    for (int R = 0; R <= 15; R++) {
        af_ball *s = ball_ok(AF_NORM_INF, R), *d = ball_ok(AF_NORM_1, R);
        assert_int_equal(s->count, (size_t)((2 * R + 1) * (2 * R + 1)));
        assert_int_equal(d->count, (size_t)(2 * R * R + 2 * R + 1));
        af_ball_free(s);
        af_ball_free(d);
    }
    af_ball *c = ball_ok(AF_NORM_2, 5.0);
    assert_int_equal(c->count, 81);
    af_ball_free(c);
}

static void test_radius_zero(void **state)
{
    (void)state;
    for (int k = 0; k < 3; k++) {
        const double radii[] = {0.0, 0.7};
        for (int q = 0; q < 2; q++) {
            af_ball *b = ball_ok(norms[k], radii[q]);
            assert_int_equal(b->r, 0);
            assert_int_equal(b->half[0], 0);
            assert_int_equal(b->count, 1);
            assert_true(af_ball_contains(b, 0, 0));
            assert_false(af_ball_contains(b, 1, 0));
            assert_true(af_ball_width_ratio(b) == 0.0);
            assert_true(isinf(af_ball_anisotropy(b)) && af_ball_anisotropy(b) > 0);
            assert_true(af_ball_mean_width(b) == 0.0);
            assert_true(af_ball_support(b, 0.3) == 0.0);
            af_ball_free(b);
        }
    }
}

/* Measured values of the mean width relative to 2R (docs/design.md, digital balls). */
static void test_l2_geometry(void **state)
{
    (void)state;
    const struct { double R, ratio, aniso; } t[] = {
        {3, 0.949, 1.12}, {4, 0.937, 1.13}, {5, 0.985, 1.05}, {10, 0.990, -1}, {20, 0.994, -1},
    };
    for (size_t k = 0; k < sizeof t / sizeof *t; k++) {
        af_ball *b = ball_ok(AF_NORM_2, t[k].R);
        assert_near(af_ball_mean_width_continuous(b), 2 * t[k].R, 1e-12);
        assert_near(af_ball_mean_width(b) / (2 * t[k].R), t[k].ratio, 0.005);
        assert_near(af_ball_width_ratio(b), t[k].ratio, 0.005);
        if (t[k].aniso > 0)
            assert_near(af_ball_anisotropy(b), t[k].aniso, 0.005);
        assert_true(af_ball_anisotropy(b) >= 1.0);
        af_ball_free(b);
    }
    /* R = 3 by hand: hull octagon (3,0), (2,2), (0,3), ... with eight edges
     * of length sqrt 5; narrowest along the normal (2,1)/sqrt 5: 6/sqrt 5. */
    af_ball *b = ball_ok(AF_NORM_2, 3);
    assert_near(af_ball_mean_width(b), 8 * sqrt(5.0) / TB_PI, 1e-12);
    assert_near(af_ball_anisotropy(b), 3 / (6 / sqrt(5.0)), 1e-12);
    assert_near(af_ball_support(b, 0), 3, 1e-12);
    assert_near(af_ball_support(b, atan2(1, 2)), 6 / sqrt(5.0), 1e-12);
    assert_near(af_ball_support(b, TB_PI / 4), 4 / sqrt(2.0), 1e-12);
    assert_near(af_ball_support_continuous(b, 1.234), 3, 1e-12);
    af_ball_free(b);
}

/* The support function is the max over every offset, in every direction. */
static void test_support_brute(void **state)
{
    (void)state;
    const double radii[] = {1, 2.5, 3.9, 5.12, 7};
    for (int k = 0; k < 3; k++)
        for (size_t q = 0; q < sizeof radii / sizeof *radii; q++) {
            af_ball *b = ball_ok(norms[k], radii[q]);
            for (int t = 0; t < 97; t++) {
                double th = 2 * TB_PI * t / 97 + 0.01, c = cos(th), s = sin(th), best = -1e300;
                for (int j = -b->r; j <= b->r; j++)
                    for (int i = -b->r; i <= b->r; i++)
                        if (af_ball_contains(b, i, j) && i * c + j * s > best)
                            best = i * c + j * s;
                assert_near(af_ball_support(b, th), best, 1e-12);
                /* the digital ball lies inside the continuous one */
                assert_true(af_ball_support(b, th) <= af_ball_support_continuous(b, th) * (1 + 1e-9) + 1e-12);
            }
            af_ball_free(b);
        }
}

static void test_exact_norms(void **state)
{
    (void)state;
    for (int R = 1; R <= 25; R++) {
        af_ball *s = ball_ok(AF_NORM_INF, R), *d = ball_ok(AF_NORM_1, R);
        assert_near(af_ball_width_ratio(s), 1.0, 1e-12);
        assert_near(af_ball_anisotropy(s), 1.0, 1e-12);
        assert_near(af_ball_width_ratio(d), 1.0, 1e-12);
        assert_near(af_ball_anisotropy(d), 1.0, 1e-12);
        assert_near(af_ball_mean_width_continuous(s), 8.0 * R / TB_PI, 1e-12);
        assert_near(af_ball_mean_width_continuous(d), 4.0 * sqrt(2.0) * R / TB_PI, 1e-12);
        assert_near(af_ball_support_continuous(s, TB_PI / 4), R * sqrt(2.0), 1e-12);
        assert_near(af_ball_support_continuous(d, TB_PI / 4), R / sqrt(2.0), 1e-12);
        af_ball_free(s);
        af_ball_free(d);
    }
    af_ball *s = ball_ok(AF_NORM_INF, 5.5);
    assert_int_equal(s->r, 5);
    assert_near(af_ball_width_ratio(s), 5 / 5.5, 1e-12);
    assert_near(af_ball_anisotropy(s), 1.0, 1e-12); /* a smaller square is still a square */
    af_ball_free(s);
}

/* Large radii: ratio tends to 1, anisotropy stays small, and the gift
 * wrapping copes with r in the thousands. */
/* Normal gap by brute force: sweep directions theta and find, for each, the
 * offset that maximises z . nu (a hull vertex).  A vertex wins over the arc
 * between its two edges' normals, so the longest run of one winner is the
 * widest gap, to the sweep's resolution.  The sweep starts off every
 * rational direction, so no two offsets tie.  A linear function is largest
 * at an end of some chord, so only chord ends (+-i_max(j), j) are tried:
 * every one of them, not just the hull's. */
static double gap_brute(const af_ball *b)
{
    const int S = 40000;
    int r = b->r, wi = 0, wj = 0, first_i = 0, first_j = 0, run = 0, best = 0, first_run = -1;
    for (int s = 0; s < S; s++) {
        double th = 2.0 * TB_PI * (s + 0.3183) / S, c = cos(th), sn = sin(th);
        int bi = 0, bj = 0;
        double bv = -HUGE_VAL;
        for (int j = -r; j <= r; j++)
            for (int e = -1; e <= 1; e += 2) {
                int i = e * b->half[j + r];
                if (i * c + j * sn > bv) {
                    bv = i * c + j * sn;
                    bi = i;
                    bj = j;
                }
            }
        if (s == 0) {
            first_i = bi;
            first_j = bj;
        }
        if (s > 0 && (bi != wi || bj != wj)) {
            if (first_run < 0)
                first_run = run;
            else if (run > best)
                best = run;
            run = 0;
        }
        wi = bi;
        wj = bj;
        run++;
    }
    /* the last run wraps around into the first one when they share a winner */
    if (first_run < 0)
        return 2.0 * TB_PI;
    if (wi == first_i && wj == first_j)
        run += first_run;
    else if (first_run > best)
        best = first_run;
    if (run > best)
        best = run;
    return 2.0 * TB_PI * best / S;
}

static void test_normal_gap(void **state)
{
    (void)state;
    /* by hand: R = 5 has hull vertices (5,0), (4,3), (3,4), (0,5), so the gap
     * around (0, 5) spans the normals (-1, 3) to (1, 3) */
    af_ball *b = ball_ok(AF_NORM_2, 5);
    assert_near(af_ball_normal_gap(b), 2 * atan(1.0 / 3.0), 1e-12);
    af_ball_free(b);
    b = ball_ok(AF_NORM_2, 20); /* (0,20), (6,19): normal (1, 6) */
    assert_near(af_ball_normal_gap(b), 2 * atan(1.0 / 6.0), 1e-12);
    af_ball_free(b);
    for (int k = 0; k < 3; k++) {
        for (double R = 1; R <= 24; R += (R < 8 ? 0.25 : 1.5)) {
            b = ball_ok(norms[k], R);
            double g = af_ball_normal_gap(b);
            if (norms[k] != AF_NORM_2)
                assert_near(g, TB_PI / 2, 1e-12);
            assert_near(g, gap_brute(b), 4 * TB_PI / 40000);
            af_ball_free(b);
        }
    }
    b = ball_ok(AF_NORM_2, 0.5);
    assert_near(af_ball_normal_gap(b), 2 * TB_PI, 1e-12);
    af_ball_free(b);
}

/* The widest run of sampled directions over which every ball keeps its
 * supporting vertex (the union's gap, as gap_brute for one ball; the
 * vertex tuple is compared as a whole). */
static double gap_brute_union(const af_ball *const *bs, int m)
{
    const int S = 40000;
    int cur[4][2], first[4][2], run = 0, best = 0, first_run = -1;
    for (int s = 0; s < S; s++) {
        double th = 2.0 * TB_PI * (s + 0.3183) / S, c = cos(th), sn = sin(th);
        int now[4][2], changed = 0;
        for (int q = 0; q < m; q++) {
            const af_ball *b = bs[q];
            int r = b->r, bi = 0, bj = 0;
            double bv = -HUGE_VAL;
            for (int j = -r; j <= r; j++)
                for (int e = -1; e <= 1; e += 2) {
                    int i = e * b->half[j + r];
                    if (i * c + j * sn > bv) {
                        bv = i * c + j * sn;
                        bi = i;
                        bj = j;
                    }
                }
            now[q][0] = bi;
            now[q][1] = bj;
            if (s > 0 && (bi != cur[q][0] || bj != cur[q][1]))
                changed = 1;
        }
        if (s == 0)
            memcpy(first, now, sizeof now);
        if (changed) {
            if (first_run < 0)
                first_run = run;
            else if (run > best)
                best = run;
            run = 0;
        }
        memcpy(cur, now, sizeof now);
        run++;
    }
    if (first_run < 0)
        return 2.0 * TB_PI;
    int same = 1;
    for (int q = 0; q < m; q++)
        same &= cur[q][0] == first[q][0] && cur[q][1] == first[q][1];
    if (same)
        run += first_run;
    else if (first_run > best)
        best = first_run;
    if (run > best)
        best = run;
    return 2.0 * TB_PI * best / S;
}

/* The gap of several balls' union of edge normals (the averaged
 * perimeter's): the numbers of mm.h and docs/theory.md, one ball equal to
 * af_ball_normal_gap, and the sampled gap of random sets of two and three. */
static void test_normal_gap_union(void **state)
{
    (void)state;
    const struct {
        double R[3];
        int m;
        double gap; /* radians */
    } known[] = {
        {{5, 4.25}, 2, atan(1.0 / 3.0)},         /* 18.4 degrees */
        {{13, 12.25}, 2, atan(1.0 / 5.0)},       /* 11.3 */
        {{20, 17, 12.75}, 3, atan(1.0 / 6.0)},   /* 9.5 */
    };
    const double deg[] = {18.4, 11.3, 9.5};
    for (int k = 0; k < 3; k++) {
        af_ball *bs[3];
        for (int q = 0; q < known[k].m; q++)
            bs[q] = ball_ok(AF_NORM_2, known[k].R[q]);
        double g = af_ball_normal_gap_union((const af_ball *const *)bs, known[k].m);
        assert_near(g, known[k].gap, 1e-12);
        assert_near(g * 180 / TB_PI, deg[k], 0.05);
        /* the order of the balls does not matter */
        af_ball *t = bs[0];
        bs[0] = bs[1];
        bs[1] = t;
        assert_near(af_ball_normal_gap_union((const af_ball *const *)bs, known[k].m), g, 1e-15);
        for (int q = 0; q < known[k].m; q++)
            af_ball_free(bs[q]);
    }
    /* one ball: af_ball_normal_gap; the same ball twice too */
    for (int k = 0; k < 3; k++)
        for (double R = 0.5; R <= 24; R += (R < 8 ? 0.25 : 1.5)) {
            af_ball *b = ball_ok(norms[k], R);
            const af_ball *two[2] = {b, b};
            assert_near(af_ball_normal_gap_union(two, 1), af_ball_normal_gap(b), 1e-15);
            assert_near(af_ball_normal_gap_union(two, 2), af_ball_normal_gap(b), 1e-15);
            af_ball_free(b);
        }
    /* random l2 sets against the sampled gap */
    tu_rng r;
    tu_seed(&r, 12);
    for (int t = 0; t < 24; t++) {
        int m = 2 + t % 2;
        af_ball *bs[3];
        for (int q = 0; q < m; q++)
            bs[q] = ball_ok(AF_NORM_2, 1 + 0.25 * (double)(tu_next(&r) % 80));
        double g = af_ball_normal_gap_union((const af_ball *const *)bs, m);
        assert_near(g, gap_brute_union((const af_ball *const *)bs, m), 4 * TB_PI / 40000);
        for (int q = 0; q < m; q++)
            assert_true(g <= af_ball_normal_gap(bs[q]) + 1e-15);
        for (int q = 0; q < m; q++)
            af_ball_free(bs[q]);
    }
    /* a point adds no normal; bad arguments */
    af_ball *p = ball_ok(AF_NORM_2, 0.5), *b5 = ball_ok(AF_NORM_2, 5);
    const af_ball *pb[2] = {p, b5}, *pp[2] = {p, p}, *pn[2] = {b5, NULL};
    assert_near(af_ball_normal_gap_union(pb, 2), af_ball_normal_gap(b5), 1e-15);
    assert_near(af_ball_normal_gap_union(pp, 2), 2 * TB_PI, 1e-12);
    assert_true(isnan(af_ball_normal_gap_union(NULL, 1)));
    assert_true(isnan(af_ball_normal_gap_union(pb, 0)));
    assert_true(isnan(af_ball_normal_gap_union(pn, 2)));
    af_ball_free(p);
    af_ball_free(b5);
}

static void test_large(void **state)
{
    (void)state;
    af_ball *b = ball_ok(AF_NORM_2, 1000.3);
    assert_near(af_ball_width_ratio(b), 1.0, 2e-3);
    assert_true(af_ball_anisotropy(b) < 1.01);
    af_ball_free(b);
    b = ball_ok(AF_NORM_2, AF_BALL_MAX_RADIUS);
    assert_int_equal(b->r, (int)AF_BALL_MAX_RADIUS);
    assert_near(af_ball_width_ratio(b), 1.0, 1e-3);
    af_ball_free(b);
}

static void test_errors(void **state)
{
    (void)state;
    const double bad[] = {-1.0, -1e-300, NAN, AF_BALL_MAX_RADIUS * 1.0001, INFINITY};
    for (int k = 0; k < 3; k++)
        for (size_t q = 0; q < sizeof bad / sizeof *bad; q++) {
            af_error err;
            af_error_clear(&err);
            assert_null(af_ball_alloc(norms[k], bad[q], &err));
            assert_int_equal(err.status, AF_EINVAL);
            assert_true(strlen(err.msg) > 0);
            assert_null(af_ball_alloc(norms[k], bad[q], NULL)); /* err is optional */
        }
    af_error err;
    af_error_clear(&err);
    assert_null(af_ball_alloc((af_norm)7, 3.0, &err));
    assert_int_equal(err.status, AF_EINVAL);
    af_ball_free(NULL);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(af_norm_name(AF_NORM_2), "2");
    assert_string_equal(af_norm_name(AF_NORM_INF), "inf");
    assert_string_equal(af_norm_name(AF_NORM_1), "1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_membership),
        cmocka_unit_test(test_tolerance),
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_radius_zero),
        cmocka_unit_test(test_l2_geometry),
        cmocka_unit_test(test_support_brute),
        cmocka_unit_test(test_exact_norms),
        cmocka_unit_test(test_normal_gap),
        cmocka_unit_test(test_normal_gap_union),
        cmocka_unit_test(test_large),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests_name("ball", tests, NULL, NULL);
}
