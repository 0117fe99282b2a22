/* Tests of the reference solutions: the exact laws, the radial ODE against
 * the closed forms, front tracking against the circle law, Gage-Hamilton's
 * area loss and the Gaussian law, mask-to-curve distances on discs, and the
 * error paths.  Measured accuracies are printed (tests may print). */
#include "testutil.h"

#include <math.h>
#include <stdio.h>

#include "advflow/ref.h"

#define PI 3.14159265358979323846

static af_grid grid_of(int n)
{
    af_grid g;
    assert_int_equal(af_grid_init(&g, 2, n, -1, 1, AF_EDGE_CLAMP, NULL), AF_OK);
    return g;
}

/* Mean distance of the markers from (cx, cy), and the largest deviation. */
static double mean_radius(const af_ref_curve *c, double cx, double cy, double *spread)
{
    double sum = 0, lo = INFINITY, hi = 0;
    for (int i = 0; i < c->n; i++) {
        double r = hypot(c->x[i] - cx, c->y[i] - cy);
        sum += r;
        lo = r < lo ? r : lo;
        hi = r > hi ? r : hi;
    }
    if (spread)
        *spread = hi - lo;
    return sum / c->n;
}

static void test_laws(void **state)
{
    (void)state;
    assert_true(fabs(af_ref_circle_radius(0.6, 0.1) - 0.4) < 1e-15);
    assert_true(af_ref_circle_radius(0.6, 0.18) == 0);
    assert_true(af_ref_circle_radius(0.6, 1) == 0);
    assert_true(fabs(af_ref_sphere_radius(0.6, 0.05) - 0.4) < 1e-15);
    assert_true(af_ref_sphere_radius(0.6, 0.2) == 0);
    assert_true(fabs(af_ref_area_loss(1, 0.1) - (1 - 0.2 * PI)) < 1e-15);
    assert_true(af_ref_area_loss(1, 1) == 0);
    /* r = sigma is an equilibrium; inside it shrinks, outside it grows. */
    assert_true(fabs(af_ref_gaussian_radius(0.4, 0.4, 0.3) - 0.4) < 1e-15);
    assert_true(af_ref_gaussian_radius(0.3, 0.4, 0.01) < 0.3);
    assert_true(af_ref_gaussian_radius(0.5, 0.4, 0.01) > 0.5);
    assert_true(af_ref_gaussian_radius(0.3, 0.4, 1) == 0);
    /* A wide Gaussian is almost uniform. */
    assert_true(fabs(af_ref_gaussian_radius(0.6, 100, 0.1) - 0.4) < 1e-5);
    double c0[2] = {0.1, -0.2}, a[2] = {1, 2}, c[2];
    af_ref_exp_center(c0, a, 0.5, c);
    assert_true(fabs(c[0] + 0.4) < 1e-15 && fabs(c[1] + 1.2) < 1e-15);
    af_ref_exp_center(c0, a, 0.5, c0); /* aliasing allowed */
    assert_true(fabs(c0[0] + 0.4) < 1e-15 && fabs(c0[1] + 1.2) < 1e-15);
    /* Implicit step: r_new solves r_new (r - r_new) = h, i.e. the circle
     * moves by h times its new curvature. */
    double r = 0.6, h = 1e-3, rn = af_ref_circle_implicit_step(r, h);
    assert_true(fabs(rn * (r - rn) - h) < 1e-15);
    assert_true(fabs((r - rn) / h - 1 / rn) < 1e-9);
    assert_true(af_ref_circle_implicit_step(0.01, 1e-3) == 0);
    /* Iterated, it converges to the exact law at first order in h. */
    double e_prev = 1;
    for (int k = 1; k <= 3; k++) {
        int steps = 100 << (2 * k);
        double hh = 0.1 / steps, rr = 0.6;
        for (int s = 0; s < steps; s++)
            rr = af_ref_circle_implicit_step(rr, hh);
        double e = fabs(rr - 0.4);
        assert_true(e < e_prev / 3);
        e_prev = e;
    }
}

static void test_radial_gaussian(void **state)
{
    (void)state;
    double center[2] = {0.1, -0.05}, sigma = 0.4;
    af_density d = {.kind = AF_DENSITY_GAUSSIAN, .value = 2, .center = {0.1, -0.05}, .sigma = sigma};
    enum { NT = 101 };
    double t[NT], r[NT], worst = 0;
    af_error err;
    /* Outside the equilibrium: grows. */
    assert_int_equal(af_ref_radial_radius(&d, center, 0.5, 0.2, NT, t, r, &err), AF_OK);
    assert_true(t[0] == 0 && t[NT - 1] == 0.2 && r[0] == 0.5);
    for (int k = 0; k < NT; k++) {
        double e = fabs(r[k] - af_ref_gaussian_radius(0.5, sigma, t[k])) / r[k];
        worst = e > worst ? e : worst;
    }
    /* Inside: shrinks and vanishes at t* = sigma^2/2 ln(sigma^2 / (sigma^2 - r0^2)). */
    double r0 = 0.3, text = 0.5 * sigma * sigma * log(sigma * sigma / (sigma * sigma - r0 * r0));
    assert_int_equal(af_ref_radial_radius(&d, center, r0, 0.1, NT, t, r, &err), AF_OK);
    for (int k = 0; k < NT; k++) {
        double ex = af_ref_gaussian_radius(r0, sigma, t[k]);
        if (ex > 0.02) {
            double e = fabs(r[k] - ex) / ex;
            worst = e > worst ? e : worst;
        } else if (t[k] > text + 1e-6) {
            assert_true(r[k] == 0);
        }
    }
    print_message("radial ODE vs gaussian law: max relative error %.2e\n", worst);
    assert_true(worst < 1e-8);
}

static void test_radial_uniform_mixture(void **state)
{
    (void)state;
    double center[2] = {0, 0}, t[41], r[41], worst = 0;
    af_density u = {.kind = AF_DENSITY_UNIFORM, .value = 1};
    assert_int_equal(af_ref_radial_radius(&u, center, 0.6, 0.25, 41, t, r, NULL), AF_OK);
    for (int k = 0; k < 41; k++) {
        double ex = af_ref_circle_radius(0.6, t[k]);
        if (ex > 0.02)
            worst = fmax(worst, fabs(r[k] - ex) / ex);
        else if (t[k] > 0.18 + 1e-9)
            assert_true(r[k] == 0);
    }
    assert_true(r[40] == 0); /* vanished at t = 0.18 */
    assert_true(worst < 1e-9);
    /* exp with a = 0 is uniform. */
    af_density e0 = {.kind = AF_DENSITY_EXP, .value = 3};
    assert_int_equal(af_ref_radial_radius(&e0, center, 0.6, 0.1, 2, NULL, r, NULL), AF_OK);
    assert_true(fabs(r[1] - 0.4) < 1e-9);
    /* A mixture of two Gaussians of one width at one centre is that Gaussian;
     * a zero-weight component elsewhere is ignored. */
    double comps[12] = {0.5, 0, 0, 0.4, 1.5, 0, 0, 0.4, 0, 0.7, 0.7, 0.1};
    af_density m = {.kind = AF_DENSITY_MIXTURE, .components = comps, .ncomponents = 3};
    assert_int_equal(af_ref_radial_radius(&m, center, 0.5, 0.1, 2, NULL, r, NULL), AF_OK);
    assert_true(fabs(r[1] - af_ref_gaussian_radius(0.5, 0.4, 0.1)) < 1e-9);
    /* Two widths: r' lies between the two single-width laws' rates. */
    double comps2[8] = {1, 0, 0, 0.3, 1, 0, 0, 0.6};
    af_density m2 = {.kind = AF_DENSITY_MIXTURE, .components = comps2, .ncomponents = 2};
    assert_int_equal(af_ref_radial_radius(&m2, center, 0.5, 0.01, 2, NULL, r, NULL), AF_OK);
    double ra = af_ref_gaussian_radius(0.5, 0.3, 0.01), rb = af_ref_gaussian_radius(0.5, 0.6, 0.01);
    assert_true(r[1] > fmin(ra, rb) && r[1] < fmax(ra, rb));
}

static void test_radial_errors(void **state)
{
    (void)state;
    double center[2] = {0, 0}, r[4];
    af_error err;
    af_density g = {.kind = AF_DENSITY_GAUSSIAN, .value = 1, .center = {0.2, 0}, .sigma = 0.4};
    af_error_clear(&err);
    assert_int_equal(af_ref_radial_radius(&g, center, 0.5, 0.1, 4, NULL, r, &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "not radial"));
    double comps[8] = {1, 0, 0, 0.3, 1, 0.1, 0, 0.6};
    af_density m = {.kind = AF_DENSITY_MIXTURE, .components = comps, .ncomponents = 2};
    assert_int_equal(af_ref_radial_radius(&m, center, 0.5, 0.1, 4, NULL, r, &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "component 2"));
    af_density e = {.kind = AF_DENSITY_EXP, .value = 1, .a = {1, 0}};
    assert_int_equal(af_ref_radial_radius(&e, center, 0.5, 0.1, 4, NULL, r, &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "exp"));
    af_density p = {.kind = AF_DENSITY_PNG, .file = "x.png", .scale = 1};
    assert_int_equal(af_ref_radial_radius(&p, center, 0.5, 0.1, 4, NULL, r, &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "png"));
    af_density u = {.kind = AF_DENSITY_UNIFORM, .value = 1};
    af_density u0 = {.kind = AF_DENSITY_UNIFORM, .value = 0};
    assert_int_equal(af_ref_radial_radius(&u0, center, 0.5, 0.1, 4, NULL, r, &err), AF_EINVAL);
    assert_int_equal(af_ref_radial_radius(&u, center, 0, 0.1, 4, NULL, r, &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "r0"));
    assert_int_equal(af_ref_radial_radius(&u, center, 0.5, -1, 4, NULL, r, &err), AF_EINVAL);
    assert_int_equal(af_ref_radial_radius(&u, center, 0.5, NAN, 4, NULL, r, &err), AF_EINVAL);
    assert_int_equal(af_ref_radial_radius(&u, center, 0.5, 0.1, 1, NULL, r, &err), AF_EINVAL);
    assert_int_equal(af_ref_radial_radius(&u, center, 0.5, 0.1, 4, NULL, NULL, &err), AF_EINVAL);
    assert_int_equal(af_ref_radial_radius(&u, NULL, 0.5, 0.1, 4, NULL, r, &err), AF_EINVAL);
    assert_int_equal(af_ref_radial_radius(NULL, center, 0.5, 0.1, 4, NULL, r, &err), AF_EINVAL);
    assert_true(strlen(err.msg) > 0);
}

static void test_curve_shapes(void **state)
{
    (void)state;
    af_ref_curve *c = NULL;
    af_error err;
    af_shape s = {.kind = AF_SHAPE_CIRCLE, .center = {0.1, 0.2}, .radius = 0.5};
    assert_int_equal(af_ref_curve_from_shape(&s, 200, &c, &err), AF_OK);
    assert_int_equal(c->n, 200);
    double spread, rm = mean_radius(c, 0.1, 0.2, &spread);
    assert_true(fabs(rm - 0.5) < 1e-9 && spread < 1e-9);
    /* Inscribed regular 200-gon. */
    assert_true(fabs(af_ref_curve_area(c) - 100 * 0.25 * sin(2 * PI / 200)) < 1e-9);
    assert_true(fabs(af_ref_curve_length(c) - 200 * 2 * 0.5 * sin(PI / 200)) < 1e-9);
    af_ref_curve_free(c);
    /* Ellipse, rotated: area and even spacing. */
    af_shape e = {.kind = AF_SHAPE_ELLIPSE, .center = {0, 0}, .axes = {0.7, 0.35}, .angle = 30};
    assert_int_equal(af_ref_curve_from_shape(&e, 400, &c, &err), AF_OK);
    assert_true(fabs(af_ref_curve_area(c) - PI * 0.7 * 0.35) < 1e-4);
    double lo = INFINITY, hi = 0;
    for (int i = 0; i < c->n; i++) {
        int j = (i + 1) % c->n;
        double l = hypot(c->x[j] - c->x[i], c->y[j] - c->y[i]);
        lo = fmin(lo, l);
        hi = fmax(hi, l);
    }
    assert_true(hi < 1.01 * lo);
    /* Rotation by 30 degrees: the tip of the long axis. */
    double best = 0;
    for (int i = 0; i < c->n; i++)
        best = fmax(best, c->x[i] * cos(PI / 6) + c->y[i] * sin(PI / 6));
    assert_true(fabs(best - 0.7) < 1e-4);
    af_ref_curve_free(c);
    /* Star: area = pi R^2 + pi A^2 / 2. */
    af_shape st = {.kind = AF_SHAPE_STAR, .center = {0, 0}, .radius = 0.5, .points = 5,
                   .amplitude = 0.1};
    assert_int_equal(af_ref_curve_from_shape(&st, 800, &c, &err), AF_OK);
    assert_true(fabs(af_ref_curve_area(c) - PI * (0.25 + 0.005)) < 1e-4);
    af_ref_curve_free(c);
    af_ref_curve_free(NULL);

    /* Errors. */
    af_shape rect = {.kind = AF_SHAPE_RECTANGLE, .size = {1, 1}};
    af_error_clear(&err);
    assert_int_equal(af_ref_curve_from_shape(&rect, 100, &c, &err), AF_EUNSUP);
    assert_non_null(strstr(err.msg, "rectangle"));
    assert_null(c);
    assert_int_equal(af_ref_curve_from_shape(&s, 4, &c, &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "markers"));
    af_shape bad = s;
    bad.radius = -1;
    assert_int_equal(af_ref_curve_from_shape(&bad, 100, &c, &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "radius"));
    bad = e;
    bad.axes[1] = 0;
    assert_int_equal(af_ref_curve_from_shape(&bad, 100, &c, &err), AF_EINVAL);
    bad = st;
    bad.amplitude = 0.5;
    assert_int_equal(af_ref_curve_from_shape(&bad, 100, &c, &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "amplitude"));
    bad = s;
    bad.center[0] = NAN;
    assert_int_equal(af_ref_curve_from_shape(&bad, 100, &c, &err), AF_EINVAL);
    assert_int_equal(af_ref_curve_from_shape(NULL, 100, &c, &err), AF_EINVAL);
    assert_int_equal(af_ref_curve_from_shape(&s, 100, NULL, &err), AF_EINVAL);
    assert_int_equal(af_ref_curve_alloc(2, &c, &err), AF_EINVAL);
    assert_int_equal(af_ref_curve_alloc(10, &c, &err), AF_OK);
    assert_int_equal(c->n, 10);
    af_ref_curve_free(c);
}

static void test_flow_circle(void **state)
{
    (void)state;
    af_ref_curve *c = NULL;
    af_shape s = {.kind = AF_SHAPE_CIRCLE, .center = {0.1, -0.2}, .radius = 0.6};
    af_density u = {.kind = AF_DENSITY_UNIFORM, .value = 1};
    assert_int_equal(af_ref_curve_from_shape(&s, 256, &c, NULL), AF_OK);
    /* Clockwise input is reversed by the flow. */
    for (int i = 0, j = c->n - 1; i < j; i++, j--) {
        double tx = c->x[i], ty = c->y[i];
        c->x[i] = c->x[j], c->y[i] = c->y[j];
        c->x[j] = tx, c->y[j] = ty;
    }
    assert_true(af_ref_curve_area(c) < 0);
    af_error err;
    assert_int_equal(af_ref_curve_flow(c, &u, 0.1, &err), AF_OK);
    assert_true(af_ref_curve_area(c) > 0);
    double spread, rm = mean_radius(c, 0.1, -0.2, &spread);
    double e = fabs(rm - 0.4) / 0.4;
    print_message("front tracking circle r0 0.6 -> t 0.1: radius %.10f, relative error %.2e, "
                  "spread %.1e, %d markers\n",
                  rm, e, spread, c->n);
    assert_true(e < 1e-4);
    assert_true(spread < 1e-6);
    /* Flow on to extinction (t = 0.18): the curve vanishes. */
    assert_int_equal(af_ref_curve_flow(c, &u, 0.1, &err), AF_OK);
    assert_int_equal(c->n, 0);
    assert_true(af_ref_curve_area(c) == 0 && af_ref_curve_length(c) == 0);
    assert_int_equal(af_ref_curve_flow(c, &u, 0.1, &err), AF_OK); /* no-op */
    af_ref_curve_free(c);
}

static void test_flow_ellipse_area(void **state)
{
    (void)state;
    af_ref_curve *c = NULL;
    af_shape s = {.kind = AF_SHAPE_ELLIPSE, .center = {0, 0}, .axes = {0.7, 0.35}, .angle = 20};
    af_density u = {.kind = AF_DENSITY_UNIFORM, .value = 1};
    assert_int_equal(af_ref_curve_from_shape(&s, 400, &c, NULL), AF_OK);
    double a0 = af_ref_curve_area(c), l0 = af_ref_curve_length(c);
    af_error err;
    assert_int_equal(af_ref_curve_flow(c, &u, 0.05, &err), AF_OK);
    double loss = a0 - af_ref_curve_area(c), e = fabs(loss - 2 * PI * 0.05) / (2 * PI * 0.05);
    print_message("front tracking ellipse 0.7 x 0.35, t 0.05: area loss %.8f vs %.8f, relative "
                  "error %.2e\n",
                  loss, 2 * PI * 0.05, e);
    assert_true(e < 1e-3);
    assert_true(af_ref_curve_length(c) < l0);
    af_ref_curve_free(c);

    /* Second order in the marker spacing: the error falls ~4x per doubling. */
    double e_prev = 0;
    for (int n = 100; n <= 400; n *= 2) {
        assert_int_equal(af_ref_curve_from_shape(&s, n, &c, NULL), AF_OK);
        a0 = af_ref_curve_area(c);
        assert_int_equal(af_ref_curve_flow(c, &u, 0.05, &err), AF_OK);
        double en = fabs(a0 - af_ref_curve_area(c) - 2 * PI * 0.05);
        if (n > 100)
            assert_true(en < e_prev / 3);
        e_prev = en;
        af_ref_curve_free(c);
    }

    /* A non-convex star loses area at the same rate. */
    af_shape st = {.kind = AF_SHAPE_STAR, .center = {0, 0}, .radius = 0.5, .points = 5,
                   .amplitude = 0.1};
    assert_int_equal(af_ref_curve_from_shape(&st, 400, &c, NULL), AF_OK);
    a0 = af_ref_curve_area(c);
    assert_int_equal(af_ref_curve_flow(c, &u, 0.02, &err), AF_OK);
    loss = a0 - af_ref_curve_area(c);
    e = fabs(loss - 2 * PI * 0.02) / (2 * PI * 0.02);
    print_message("front tracking star, t 0.02: area loss relative error %.2e\n", e);
    assert_true(e < 1e-3);
    af_ref_curve_free(c);

    /* Close to extinction (markers coarsened on the way): still 2 pi t. */
    assert_int_equal(af_ref_curve_from_shape(&st, 400, &c, NULL), AF_OK);
    a0 = af_ref_curve_area(c);
    double tend = a0 / (2 * PI) - 0.002;
    assert_int_equal(af_ref_curve_flow(c, &u, tend, &err), AF_OK);
    assert_true(c->n >= 16 && c->n < 400);
    e = fabs(af_ref_curve_area(c) - 2 * PI * 0.002) / (2 * PI * 0.002);
    print_message("front tracking star near extinction: remaining area relative error %.2e, %d "
                  "markers\n",
                  e, c->n);
    assert_true(e < 0.02);
    af_ref_curve_free(c);
}

static void test_flow_densities(void **state)
{
    (void)state;
    af_ref_curve *c = NULL;
    af_error err;
    double sigma = 0.4, cx = 0.1, cy = -0.05;
    af_density g = {.kind = AF_DENSITY_GAUSSIAN, .value = 1, .center = {cx, cy}, .sigma = sigma};
    double worst = 0;
    for (int k = 0; k < 2; k++) {
        double r0 = k == 0 ? 0.5 : 0.3, t = 0.05;
        af_shape s = {.kind = AF_SHAPE_CIRCLE, .center = {cx, cy}, .radius = r0};
        assert_int_equal(af_ref_curve_from_shape(&s, 256, &c, NULL), AF_OK);
        assert_int_equal(af_ref_curve_flow(c, &g, t, &err), AF_OK);
        double ex = af_ref_gaussian_radius(r0, sigma, t);
        double e = fabs(mean_radius(c, cx, cy, NULL) - ex) / ex;
        worst = fmax(worst, e);
        af_ref_curve_free(c);
    }
    print_message("front tracking gaussian circle vs law: max relative error %.2e\n", worst);
    assert_true(worst < 1e-3);

    /* The same Gaussian as a one-component mixture gives the same curve. */
    double comps[4] = {3, cx, cy, sigma};
    af_density m = {.kind = AF_DENSITY_MIXTURE, .components = comps, .ncomponents = 1};
    af_shape s = {.kind = AF_SHAPE_CIRCLE, .center = {cx, cy}, .radius = 0.5};
    assert_int_equal(af_ref_curve_from_shape(&s, 128, &c, NULL), AF_OK);
    assert_int_equal(af_ref_curve_flow(c, &m, 0.02, &err), AF_OK);
    double rm = mean_radius(c, cx, cy, NULL);
    assert_true(fabs(rm - af_ref_gaussian_radius(0.5, sigma, 0.02)) / rm < 1e-3);
    af_ref_curve_free(c);

    /* rho = exp(a.x): the circle shrinks by the circle law and drifts by -a t. */
    af_density e = {.kind = AF_DENSITY_EXP, .value = 1, .a = {1.5, -0.5}};
    double c0[2] = {0, 0}, cc[2];
    s.center[0] = s.center[1] = 0;
    s.radius = 0.5;
    assert_int_equal(af_ref_curve_from_shape(&s, 256, &c, NULL), AF_OK);
    assert_int_equal(af_ref_curve_flow(c, &e, 0.05, &err), AF_OK);
    af_ref_exp_center(c0, e.a, 0.05, cc);
    /* Centre = area centroid of the polygon (markers slide along the
     * translating circle, so their plain mean is biased). */
    double mx = 0, my = 0, a6 = 6 * af_ref_curve_area(c);
    for (int i = 0; i < c->n; i++) {
        int j = (i + 1) % c->n;
        double w = c->x[i] * c->y[j] - c->x[j] * c->y[i];
        mx += (c->x[i] + c->x[j]) * w / a6;
        my += (c->y[i] + c->y[j]) * w / a6;
    }
    double spread, re = mean_radius(c, mx, my, &spread);
    print_message("front tracking exp density: centre error %.2e, radius error %.2e\n",
                  hypot(mx - cc[0], my - cc[1]), fabs(re - af_ref_circle_radius(0.5, 0.05)));
    assert_true(hypot(mx - cc[0], my - cc[1]) < 1e-3);
    assert_true(fabs(re - af_ref_circle_radius(0.5, 0.05)) < 1e-3);
    af_ref_curve_free(c);
}

static void test_flow_errors(void **state)
{
    (void)state;
    af_ref_curve *c = NULL;
    af_error err;
    af_shape s = {.kind = AF_SHAPE_CIRCLE, .radius = 0.5};
    assert_int_equal(af_ref_curve_from_shape(&s, 64, &c, NULL), AF_OK);
    af_density p = {.kind = AF_DENSITY_PNG, .file = "x.png", .scale = 1};
    af_error_clear(&err);
    assert_int_equal(af_ref_curve_flow(c, &p, 0.1, &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "png"));
    af_density u = {.kind = AF_DENSITY_UNIFORM, .value = 1};
    assert_int_equal(af_ref_curve_flow(c, &u, -0.1, &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "t_end"));
    assert_int_equal(af_ref_curve_flow(c, NULL, 0.1, &err), AF_EINVAL);
    assert_int_equal(af_ref_curve_flow(NULL, &u, 0.1, &err), AF_EINVAL);
    double comps[4] = {0, 0, 0, 0.3};
    af_density m = {.kind = AF_DENSITY_MIXTURE, .components = comps, .ncomponents = 1};
    assert_int_equal(af_ref_curve_flow(c, &m, 0.1, &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "weights"));
    c->x[3] = NAN;
    assert_int_equal(af_ref_curve_flow(c, &u, 0.1, &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "marker 3"));
    /* Two coincident markers cannot be redistributed. */
    c->x[3] = c->x[4];
    c->y[3] = c->y[4];
    assert_int_equal(af_ref_curve_flow(c, &u, 0.1, &err), AF_EFAILED);
    assert_non_null(strstr(err.msg, "coincide"));
    af_ref_curve_free(c);
}

static void test_mask_distances(void **state)
{
    (void)state;
    af_error err;
    int n = 256;
    af_grid g = grid_of(n);
    uint8_t *mask = malloc(af_grid_cells(&g));
    af_ref_curve *c = NULL;
    af_shape s = {.kind = AF_SHAPE_CIRCLE, .center = {0.013, -0.021}, .radius = 0.6};
    assert_int_equal(af_shape_mask(&g, &s, mask, NULL), AF_OK);
    assert_int_equal(af_ref_curve_from_shape(&s, 2048, &c, NULL), AF_OK);
    double hd, sd, perim = 2 * PI * 0.6 / g.dx;
    assert_int_equal(af_ref_hausdorff(&g, mask, c, &hd, &err), AF_OK);
    assert_int_equal(af_ref_symdiff_area(&g, mask, c, &sd, &err), AF_OK);
    print_message("disc r 0.6 on n = %d: Hausdorff %.3f cells, symmetric difference %.0f cells "
                  "(perimeter %.0f cells)\n",
                  n, hd, sd, perim);
    assert_true(hd < 0.75);
    assert_true(hd >= 0.5 - 1e-9); /* a midpoint sits half a cell from a straight run */
    assert_true(sd < 0.01 * perim);

    /* A disc 3 cells larger: Hausdorff about 3 cells, symmetric difference
     * about the annulus area 2 pi r 3 cells. */
    af_shape big = s;
    big.radius = 0.6 + 3 * g.dx;
    assert_int_equal(af_shape_mask(&g, &big, mask, NULL), AF_OK);
    assert_int_equal(af_ref_hausdorff(&g, mask, c, &hd, &err), AF_OK);
    assert_int_equal(af_ref_symdiff_area(&g, mask, c, &sd, &err), AF_OK);
    assert_true(hd > 3 && hd < 3.75);
    double annulus = PI * (big.radius * big.radius - 0.36) / (g.dx * g.dx);
    assert_true(fabs(sd - annulus) < 0.05 * annulus);

    /* A full mask: boundary on the box edge. */
    memset(mask, 1, af_grid_cells(&g));
    assert_int_equal(af_ref_hausdorff(&g, mask, c, &hd, &err), AF_OK);
    /* The farthest box corner, (-1, 1), is about sqrt(1.013^2 + 1.021^2) - 0.6 away. */
    double far = hypot(1.013, 1.021) - 0.6;
    assert_true(fabs(hd - far / g.dx) < 1);

    /* Errors. */
    memset(mask, 0, af_grid_cells(&g));
    af_error_clear(&err);
    assert_int_equal(af_ref_hausdorff(&g, mask, c, &hd, &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "empty"));
    assert_int_equal(af_ref_hausdorff(&g, NULL, c, &hd, &err), AF_EINVAL);
    assert_int_equal(af_ref_hausdorff(&g, mask, c, NULL, &err), AF_EINVAL);
    assert_int_equal(af_ref_symdiff_area(NULL, mask, c, &sd, &err), AF_EINVAL);
    assert_int_equal(af_ref_symdiff_area(&g, mask, c, &sd, &err), AF_OK);
    assert_true(sd > 0); /* empty mask vs the disc */
    c->n = 2;
    assert_int_equal(af_ref_symdiff_area(&g, mask, c, &sd, &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "markers"));
    af_ref_curve_free(c);
    free(mask);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_laws),
        cmocka_unit_test(test_radial_gaussian),
        cmocka_unit_test(test_radial_uniform_mixture),
        cmocka_unit_test(test_radial_errors),
        cmocka_unit_test(test_curve_shapes),
        cmocka_unit_test(test_flow_circle),
        cmocka_unit_test(test_flow_ellipse_area),
        cmocka_unit_test(test_flow_densities),
        cmocka_unit_test(test_flow_errors),
        cmocka_unit_test(test_mask_distances),
    };
    return cmocka_run_group_tests_name("ref", tests, NULL, NULL);
}
