/* Tests of shapes and densities: rasterised masks follow the geometry
 * (areas, symmetries, equivalences between kinds); densities take the
 * documented values; every bad parameter is rejected with a message. */
#include "testutil.h"

#include <math.h>

#include "advflow/advflow.h"

#define PI 3.14159265358979323846

static af_grid grid_of(int n)
{
    af_grid g;
    assert_int_equal(af_grid_init(&g, 2, n, -1, 1, AF_EDGE_CLAMP, NULL), AF_OK);
    return g;
}

static void test_grid(void **state)
{
    (void)state;
    af_grid g;
    af_error err;
    assert_int_equal(af_grid_init(&g, 2, 4, -1, 1, AF_EDGE_PERIODIC, &err), AF_OK);
    assert_true(g.dx == 0.5);
    assert_true(af_grid_center(&g, 0) == -0.75);
    assert_true(af_grid_center(&g, 3) == 0.75);
    assert_int_equal(af_grid_cells(&g), 16);
    assert_int_equal(af_grid_init(&g, 2, 0, -1, 1, AF_EDGE_CLAMP, &err), AF_EINVAL);
    assert_int_equal(af_grid_init(&g, 1, 8, -1, 1, AF_EDGE_CLAMP, &err), AF_EINVAL);
    assert_int_equal(af_grid_init(&g, 3, 8, -1, 1, AF_EDGE_CLAMP, &err), AF_EUNSUP);
    assert_int_equal(af_grid_init(&g, 2, 8, 1, 1, AF_EDGE_CLAMP, &err), AF_EINVAL);
    assert_int_equal(af_grid_init(&g, 2, 8, NAN, 1, AF_EDGE_CLAMP, &err), AF_EINVAL);
    assert_int_equal(af_grid_init(&g, 2, 40000, -1, 1, AF_EDGE_CLAMP, &err), AF_ETOOBIG);
    assert_true(strlen(err.msg) > 0);
}

/* The bounding box against its definition: a cell is inside the box iff
 * its row and its column each hold a set cell. */
static void test_mask_bbox(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 3);
    for (int trial = 0; trial < 200; trial++) {
        int n = 1 + trial % 13;
        af_grid g = grid_of(n);
        uint8_t m[13 * 13] = {0};
        int sparse = trial % 4; /* 0: empty, else a cell is set with p = 4^-sparse */
        tu_random_mask(&r, m, (size_t)n * n, sparse ? pow(0.25, sparse) : 0);
        int box[4], rows[13] = {0}, cols[13] = {0}, any = 0;
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                if (m[i + n * j])
                    rows[j] = cols[i] = any = 1;
        assert_int_equal(af_grid_mask_bbox(&g, m, box), any);
        if (!any) {
            assert_true(box[0] == n && box[1] == -1 && box[2] == n && box[3] == -1);
            continue;
        }
        for (int i = 0; i < n; i++)
            assert_int_equal(cols[i] && !(i >= box[0] && i <= box[1]), 0);
        for (int j = 0; j < n; j++)
            assert_int_equal(rows[j] && !(j >= box[2] && j <= box[3]), 0);
        assert_true(cols[box[0]] && cols[box[1]] && rows[box[2]] && rows[box[3]]);
    }
}

/* Count, area and centroid of a mask against their definitions: any
 * nonzero byte is inside; an empty mask has area 0 and no centroid. */
static void test_mask_area_centroid(void **state)
{
    (void)state;
    af_grid g = grid_of(4); /* dx = 0.5, centres -0.75, -0.25, 0.25, 0.75 */
    uint8_t m[16] = {0};
    double c[2];
    assert_int_equal(af_grid_mask_count(&g, m), 0);
    assert_true(af_grid_mask_area(&g, m) == 0);
    assert_int_equal(af_grid_mask_centroid(&g, m, c), 0);
    assert_true(isnan(c[0]) && isnan(c[1]));
    m[0] = 1;       /* (i, j) = (0, 0): (-0.75, -0.75) */
    m[1 + 4] = 7;   /* (1, 1): (-0.25, -0.25), any nonzero byte counts */
    m[3 + 4 * 2] = 255; /* (3, 2): (0.75, 0.25) */
    assert_int_equal(af_grid_mask_count(&g, m), 3);
    assert_true(af_grid_mask_area(&g, m) == 0.75);
    assert_int_equal(af_grid_mask_centroid(&g, m, c), 3);
    assert_close(c[0], -0.25 / 3, 1e-15);
    assert_close(c[1], -0.75 / 3, 1e-15);
    /* a circle off the cell centres: the centroid is its centre within a
     * fiftieth of a cell (digitisation: 0.007 cells here), the area pi r^2
     * within 0.1% */
    g = grid_of(512);
    uint8_t *big = malloc(af_grid_cells(&g));
    af_shape s = {.kind = AF_SHAPE_CIRCLE, .center = {0.3, -0.2}, .radius = 0.4};
    assert_int_equal(af_shape_mask(&g, &s, big, NULL), AF_OK);
    assert_int_equal(af_grid_mask_centroid(&g, big, c), af_grid_mask_count(&g, big));
    assert_close(c[0], 0.3, 0.02 * g.dx);
    assert_close(c[1], -0.2, 0.02 * g.dx);
    assert_close(af_grid_mask_area(&g, big), PI * 0.16, 1e-3 * PI * 0.16);
    free(big);
}

static void test_circle_area_converges(void **state)
{
    (void)state;
    double prev = 1;
    for (int n = 64; n <= 1024; n *= 4) {
        af_grid g = grid_of(n);
        uint8_t *m = malloc(af_grid_cells(&g));
        af_shape s = {.kind = AF_SHAPE_CIRCLE, .center = {0.1, -0.05}, .radius = 0.6};
        assert_int_equal(af_shape_mask(&g, &s, m, NULL), AF_OK);
        double e = fabs(af_grid_mask_area(&g, m) - PI * 0.36) / (PI * 0.36);
        assert_true(e < prev);
        prev = e;
        free(m);
    }
    assert_true(prev < 1e-3);
}

static void assert_same(const af_grid *g, const af_shape *a, const af_shape *b)
{
    size_t cells = af_grid_cells(g);
    uint8_t *ma = malloc(cells), *mb = malloc(cells);
    assert_int_equal(af_shape_mask(g, a, ma, NULL), AF_OK);
    assert_int_equal(af_shape_mask(g, b, mb, NULL), AF_OK);
    assert_int_equal(tu_first_diff(ma, mb, cells), -1);
    free(ma);
    free(mb);
}

static void test_equivalences(void **state)
{
    (void)state;
    af_grid g = grid_of(128); /* centres at odd multiples of 1/128: no corner lies on one */
    /* an ellipse with equal axes is a circle; a star without amplitude too */
    af_shape circle = {.kind = AF_SHAPE_CIRCLE, .center = {0.03, 0.01}, .radius = 0.47};
    af_shape ell = {.kind = AF_SHAPE_ELLIPSE, .center = {0.03, 0.01}, .axes = {0.47, 0.47}, .angle = 33};
    af_shape star = {.kind = AF_SHAPE_STAR, .center = {0.03, 0.01}, .radius = 0.47, .points = 5};
    assert_same(&g, &circle, &ell);
    assert_same(&g, &circle, &star);
    /* a polygon with the corners of an axis-aligned rectangle is that rectangle
     * (corners chosen off the cell centres) */
    double v[] = {-0.51, -0.31, 0.41, -0.31, 0.41, 0.29, -0.51, 0.29};
    af_shape poly = {.kind = AF_SHAPE_POLYGON, .vertices = v, .nvertices = 4};
    af_shape rect = {.kind = AF_SHAPE_RECTANGLE, .center = {-0.05, -0.01}, .size = {0.92, 0.6}};
    assert_same(&g, &poly, &rect);
    /* a rectangle turned by 90 degrees with swapped sides is the same set
     * (up to rounding exactly on cell centres, avoided by the sizes) */
    af_shape r2 = {.kind = AF_SHAPE_RECTANGLE, .center = {-0.05, -0.01}, .size = {0.6, 0.92}, .angle = 90};
    assert_same(&g, &rect, &r2);
    /* a half-plane with normal (1, 0) and offset c is {x <= c} */
    af_shape hp = {.kind = AF_SHAPE_HALFPLANE, .normal = {2, 0}, .offset = 0.105};
    uint8_t *m = malloc(af_grid_cells(&g));
    assert_int_equal(af_shape_mask(&g, &hp, m, NULL), AF_OK);
    for (int j = 0; j < g.n; j++)
        for (int i = 0; i < g.n; i++)
            assert_int_equal(m[j * g.n + i], af_grid_center(&g, i) <= 0.105);
    free(m);
}

static void test_star_and_dumbbell(void **state)
{
    (void)state;
    af_grid g = grid_of(200);
    uint8_t *m = malloc(af_grid_cells(&g));
    /* star: tip on the angle's ray at radius + amplitude, notch between tips */
    af_shape star = {.kind = AF_SHAPE_STAR, .radius = 0.5, .points = 5, .amplitude = 0.2, .angle = 90};
    assert_int_equal(af_shape_mask(&g, &star, m, NULL), AF_OK);
    int ic = g.n / 2; /* centre x = +dx/2 */
    int jtip = (int)floor((0.66 + 1) / g.dx), jout = (int)floor((0.72 + 1) / g.dx);
    assert_int_equal(m[jtip * g.n + ic], 1);
    assert_int_equal(m[jout * g.n + ic], 0);
    int jnotch = (int)floor((1 - 0.4) / g.dx); /* y = -0.4 lies in a notch (theta = -90) */
    assert_int_equal(m[jnotch * g.n + ic], 0);
    /* dumbbell: both lobe centres and the middle of the neck are inside,
     * points just above the neck are not */
    af_shape db = {.kind = AF_SHAPE_DUMBBELL, .radius = 0.3, .length = 1.0, .neck = 0.1};
    assert_int_equal(af_shape_mask(&g, &db, m, NULL), AF_OK);
    int j0 = g.n / 2, i_left = (int)floor((-0.5 + 1) / g.dx), i_right = (int)floor((0.5 + 1) / g.dx);
    assert_int_equal(m[j0 * g.n + i_left], 1);
    assert_int_equal(m[j0 * g.n + i_right], 1);
    assert_int_equal(m[j0 * g.n + g.n / 2], 1);
    int j_above = (int)floor((0.15 + 1) / g.dx);
    assert_int_equal(m[j_above * g.n + g.n / 2], 0);
    free(m);
}

static void test_shape_errors(void **state)
{
    (void)state;
    af_grid g = grid_of(16);
    uint8_t m[256];
    af_error err;
    double v2[] = {0, 0, 1, 1};
    double vnan[] = {0, 0, 1, NAN, 0, 1};
    af_shape bad[] = {
        {.kind = AF_SHAPE_CIRCLE, .radius = 0},
        {.kind = AF_SHAPE_CIRCLE, .radius = NAN},
        {.kind = AF_SHAPE_CIRCLE, .radius = 1, .center = {INFINITY, 0}},
        {.kind = AF_SHAPE_ELLIPSE, .axes = {1, -1}},
        {.kind = AF_SHAPE_RECTANGLE, .size = {0, 1}},
        {.kind = AF_SHAPE_STAR, .radius = 1, .points = 1},
        {.kind = AF_SHAPE_STAR, .radius = 1, .points = 5, .amplitude = 1},
        {.kind = AF_SHAPE_DUMBBELL, .radius = 1, .length = 1, .neck = 3},
        {.kind = AF_SHAPE_HALFPLANE, .normal = {0, 0}},
        {.kind = AF_SHAPE_POLYGON, .vertices = v2, .nvertices = 2},
        {.kind = AF_SHAPE_POLYGON, .vertices = vnan, .nvertices = 3},
        {.kind = AF_SHAPE_PNG, .file = NULL},
        {.kind = AF_SHAPE_PNG, .file = "x.png", .threshold = 2},
        {.kind = (af_shape_kind)99},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        af_error_clear(&err);
        if (af_shape_mask(&g, &bad[k], m, &err) != AF_EINVAL)
            fail_msg("bad shape %zu accepted", k);
        assert_true(strlen(err.msg) > 0);
    }
}

static void test_densities(void **state)
{
    (void)state;
    af_grid g = grid_of(64);
    size_t cells = af_grid_cells(&g);
    double *rho = malloc(cells * sizeof *rho);
    af_error err;
    af_density u = {.kind = AF_DENSITY_UNIFORM, .value = 2.5};
    assert_int_equal(af_density_fill(&g, &u, rho, &err), AF_OK);
    for (size_t k = 0; k < cells; k++)
        assert_true(rho[k] == 2.5);
    af_density ga = {.kind = AF_DENSITY_GAUSSIAN, .value = 1, .center = {0.2, -0.1}, .sigma = 0.3};
    assert_int_equal(af_density_fill(&g, &ga, rho, &err), AF_OK);
    for (int j = 0; j < g.n; j++)
        for (int i = 0; i < g.n; i++) {
            double x = af_grid_center(&g, i) - 0.2, y = af_grid_center(&g, j) + 0.1;
            assert_true(fabs(rho[j * g.n + i] - exp(-(x * x + y * y) / 0.18)) < 1e-14);
        }
    double comp[] = {1, 0.2, -0.1, 0.3, 0.5, -0.5, 0.5, 0.2};
    af_density mix = {.kind = AF_DENSITY_MIXTURE, .components = comp, .ncomponents = 2};
    assert_int_equal(af_density_fill(&g, &mix, rho, &err), AF_OK);
    for (int j = 0; j < g.n; j++)
        for (int i = 0; i < g.n; i++) {
            double x = af_grid_center(&g, i), y = af_grid_center(&g, j);
            double e = exp(-((x - 0.2) * (x - 0.2) + (y + 0.1) * (y + 0.1)) / 0.18)
                       + 0.5 * exp(-((x + 0.5) * (x + 0.5) + (y - 0.5) * (y - 0.5)) / 0.08);
            assert_true(fabs(rho[j * g.n + i] - e) < 1e-14);
        }
    af_density ex = {.kind = AF_DENSITY_EXP, .value = 1, .a = {1.5, -0.5}};
    assert_int_equal(af_density_fill(&g, &ex, rho, &err), AF_OK);
    double x0 = af_grid_center(&g, 3), y0 = af_grid_center(&g, 7);
    assert_true(fabs(rho[7 * g.n + 3] - exp(1.5 * x0 - 0.5 * y0)) < 1e-14);

    /* bad parameters and bad values */
    af_density bad[] = {
        {.kind = AF_DENSITY_UNIFORM, .value = -1},
        {.kind = AF_DENSITY_UNIFORM, .value = NAN},
        {.kind = AF_DENSITY_GAUSSIAN, .value = 1, .sigma = 0},
        {.kind = AF_DENSITY_MIXTURE, .ncomponents = 0},
        {.kind = AF_DENSITY_EXP, .value = 1, .a = {1e6, 0}}, /* overflows */
        {.kind = AF_DENSITY_PNG, .file = NULL, .scale = 1},
        {.kind = AF_DENSITY_PNG, .file = "x.png", .scale = -1},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        af_error_clear(&err);
        if (af_density_fill(&g, &bad[k], rho, &err) != AF_EINVAL)
            fail_msg("bad density %zu accepted", k);
        assert_true(strlen(err.msg) > 0);
    }
    for (size_t k = 0; k < cells; k++)
        rho[k] = 1;
    rho[100] = -0.5;
    assert_int_equal(af_density_check(&g, rho, "rho0", &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "negative"));
    assert_non_null(strstr(err.msg, "rho0"));
    rho[100] = NAN;
    assert_int_equal(af_density_check(&g, rho, "rho1", &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "NaN"));
    free(rho);
}

/* af_shape_field: negative exactly where the mask is inside (away from
 * ties on the boundary), the exact signed distance where promised, and the
 * fields of bayes and score maps. */
static void test_fields(void **state)
{
    (void)state;
    af_grid g;
    assert_int_equal(af_grid_init(&g, 2, 96, -1, 1, AF_EDGE_CLAMP, NULL), AF_OK);
    size_t cells = af_grid_cells(&g);
    double *u = malloc(cells * sizeof *u);
    uint8_t *m = malloc(cells);
    const af_shape shapes[] = {
        {.kind = AF_SHAPE_CIRCLE, .center = {0.1, -0.05}, .radius = 0.5},
        {.kind = AF_SHAPE_ELLIPSE, .center = {0, 0.1}, .axes = {0.7, 0.3}, .angle = 25},
        {.kind = AF_SHAPE_RECTANGLE, .center = {-0.1, 0}, .size = {0.9, 0.5}, .angle = -10},
        {.kind = AF_SHAPE_STAR, .radius = 0.5, .points = 5, .amplitude = 0.15, .angle = 7},
        {.kind = AF_SHAPE_DUMBBELL, .radius = 0.25, .length = 0.9, .neck = 0.2, .angle = 30},
        {.kind = AF_SHAPE_HALFPLANE, .normal = {1, 2}, .offset = 0.1},
    };
    for (size_t k = 0; k < sizeof shapes / sizeof *shapes; k++) {
        assert_int_equal(af_shape_field(&g, &shapes[k], u, NULL), AF_OK);
        assert_int_equal(af_shape_mask(&g, &shapes[k], m, NULL), AF_OK);
        for (size_t x = 0; x < cells; x++)
            if (fabs(u[x]) > 1e-9 && (u[x] < 0) != (m[x] != 0))
                fail_msg("shape %zu cell %zu: field %g, mask %d", k, x, u[x], m[x]);
    }
    /* exact distances: circle, rectangle, half-plane */
    int n = g.n;
    for (int j = 0; j < n; j += 7)
        for (int i = 0; i < n; i += 5) {
            double x = af_grid_center(&g, i), y = af_grid_center(&g, j);
            size_t c = (size_t)j * n + i;
            af_shape_field(&g, &shapes[0], u, NULL);
            assert_close(u[c], hypot(x - 0.1, y + 0.05) - 0.5, 1e-12);
            af_shape_field(&g, &shapes[5], u, NULL);
            assert_close(u[c], (x + 2 * y) / sqrt(5.0) - 0.1, 1e-12);
            af_shape r = {.kind = AF_SHAPE_RECTANGLE, .size = {0.8, 0.4}};
            af_shape_field(&g, &r, u, NULL);
            double qx = fabs(x) - 0.4, qy = fabs(y) - 0.2;
            double d = qx > 0 && qy > 0 ? hypot(qx, qy) : fmax(qx, qy);
            assert_close(u[c], d, 1e-12);
        }
    /* bayes: rho0 - rho1; masks only: unsupported */
    double *r0 = malloc(cells * sizeof *r0), *r1 = malloc(cells * sizeof *r1);
    for (size_t x = 0; x < cells; x++) {
        r0[x] = (double)(x % 7);
        r1[x] = (double)(x % 5);
    }
    af_shape b = {.kind = AF_SHAPE_BAYES, .rho0 = r0, .rho1 = r1};
    assert_int_equal(af_shape_field(&g, &b, u, NULL), AF_OK);
    for (size_t x = 0; x < cells; x++)
        assert_true(u[x] == r0[x] - r1[x]);
    double v[6] = {0, 0, 1, 0, 0, 1};
    af_shape poly = {.kind = AF_SHAPE_POLYGON, .vertices = v, .nvertices = 3};
    af_error err;
    assert_int_equal(af_shape_field(&g, &poly, u, &err), AF_EUNSUP);
    free(u), free(m), free(r0), free(r1);
}

/* Polygons far outside the box (or spanning it by far) fill exactly the
 * cells their edges say, without overflowing an index. */
static void test_polygon_far(void **state)
{
    (void)state;
    af_grid g;
    assert_int_equal(af_grid_init(&g, 2, 64, -1, 1, AF_EDGE_CLAMP, NULL), AF_OK);
    uint8_t m[64 * 64];
    const double right[] = {1e10, -0.5, 2e10, -0.5, 2e10, 0.5, 1e10, 0.5};
    const double left[] = {-2e10, -0.5, -1e10, -0.5, -1e10, 0.5, -2e10, 0.5};
    const double across[] = {-1e300, -0.5, 1e300, -0.5, 1e300, 0.5, -1e300, 0.5};
    const double *vs[3] = {right, left, across};
    for (int q = 0; q < 3; q++) {
        af_shape s = {.kind = AF_SHAPE_POLYGON, .vertices = vs[q], .nvertices = 4};
        assert_int_equal(af_shape_mask(&g, &s, m, NULL), AF_OK);
        for (int j = 0; j < 64; j++)
            for (int i = 0; i < 64; i++) {
                double y = af_grid_center(&g, j);
                int want = q == 2 && y >= -0.5 && y < 0.5;
                if (m[j * 64 + i] != want)
                    fail_msg("polygon %d: cell (%d, %d) = %d", q, i, j, m[j * 64 + i]);
            }
    }
}

/* Densities above AF_DENSITY_MAX are refused (their sums would overflow);
 * AF_DENSITY_MAX itself is accepted. */
static void test_density_max(void **state)
{
    (void)state;
    af_grid g;
    assert_int_equal(af_grid_init(&g, 2, 8, -1, 1, AF_EDGE_CLAMP, NULL), AF_OK);
    double rho[64];
    for (int k = 0; k < 64; k++)
        rho[k] = AF_DENSITY_MAX;
    af_error err;
    assert_int_equal(af_density_check(&g, rho, "rho", &err), AF_OK);
    rho[37] = 1e306;
    assert_int_equal(af_density_check(&g, rho, "rho", &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "scale them down"));
    assert_non_null(strstr(err.msg, "cell (5, 4)"));
    af_density d = {.kind = AF_DENSITY_UNIFORM, .value = 1e200};
    assert_int_equal(af_density_fill(&g, &d, rho, &err), AF_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grid),           cmocka_unit_test(test_mask_bbox),
        cmocka_unit_test(test_mask_area_centroid),
        cmocka_unit_test(test_circle_area_converges),
        cmocka_unit_test(test_equivalences),   cmocka_unit_test(test_star_and_dumbbell),
        cmocka_unit_test(test_shape_errors),   cmocka_unit_test(test_densities),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_polygon_far),
        cmocka_unit_test(test_density_max),
    };
    return cmocka_run_group_tests_name("shape", tests, NULL, NULL);
}
