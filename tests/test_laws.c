/* Exact laws (docs/theory.md section 2) reproduced by the exact scheme:
 * the implicit Euler step of a circle, area loss 2 pi for a circle and an
 * ellipse, the unstable Gaussian equilibrium, the drift in exp(a . x) (these
 * two also with the perimeter averaged over two balls), and the stall of
 * p = 0.
 * Box [-1, 1]^2, uniform rho split evenly unless said (the standard field
 * of fixtures.h). */
#include "testutil.h"
#include "fixtures.h"

#include <math.h>

#include "advflow/advflow.h"

#define PI 3.14159265358979323846

/* The standard field of fixtures.h (n^2 cells on [-1, 1]^2, rho0 = rho1 =
 * 0.5) and a plan with eps and h in cells. */
static af_mm_plan *plan(const fx_field *f, double eps_cells, double h_cells, double p)
{
    af_mm_params prm = fx_params(&f->g, eps_cells, h_cells * f->g.dx);
    prm.p = p;
    return fx_plan(f, &prm);
}

/* The same with an averaged perimeter: budgets eps_cells and avg_cells
 * (NULL: none; 0 entries unused). */
static af_mm_plan *plan_avg(const fx_field *f, double eps_cells, const double *avg_cells,
                            double h_cells, double p)
{
    af_mm_params prm = fx_params(&f->g, eps_cells, h_cells * f->g.dx);
    prm.p = p;
    for (int k = 0; k < 3 && avg_cells; k++)
        prm.eps_avg[k] = avg_cells[k] * f->g.dx;
    return fx_plan(f, &prm);
}

/* The averaged option the laws are checked with: {5, 4.25} cells (normal
 * gap 18.4 degrees against 36.9) scaled to a ball of 3 cells. */
static const double avg_3[3] = {2.55, 0, 0};

static double area(const fx_field *f, const uint8_t *m)
{
    return af_grid_mask_area(&f->g, m);
}

/* One step in place; returns the area after it. */
static double step(af_mm_plan *pl, fx_field *f)
{
    fx_step(pl, f, NULL);
    return area(f, f->a);
}

/* A circle under h = eps = 3 dx at n = 256 follows the implicit Euler step
 * of r' = -1/r, r_{k+1} = (r_k + sqrt(r_k^2 - 4h)) / 2, within 1.5 cells
 * while r >= 0.4, and jumps to the empty set where the global minimiser
 * is the empty set. */
static void test_circle_recursion(void **state)
{
    (void)state;
    fx_field f;
    fx_field_init(&f, 256);
    af_mm_plan *pl = plan(&f, 3, 3, 1);
    fx_field_circle(&f);
    double h = 3 * f.g.dx, r = sqrt(area(&f, f.a) / PI);
    int k = 0;
    while (r * r - 4 * h > 0) {
        double rr = (r + sqrt(r * r - 4 * h)) / 2;
        double req = sqrt(step(pl, &f) / PI);
        k++;
        print_message("step %d: radius %.5f, recursion %.5f, difference %+.3f cells\n", k, req, rr,
                      (req - rr) / f.g.dx);
        if (rr >= 0.4)
            assert_true(fabs(req - rr) <= 1.5 * f.g.dx);
        r = rr;
        if (req == 0)
            break;
    }
    /* the set vanishes within a few steps of the recursion's end */
    for (int q = 0; q < 3 && area(&f, f.a) > 0; q++)
        step(pl, &f);
    assert_true(area(&f, f.a) == 0);
    af_mm_plan_free(pl);
    fx_field_free(&f);
}

/* Aspect ratio of a mask from its second moments: sqrt(lambda_max / lambda_min). */
static double aspect(const fx_field *f, const uint8_t *m)
{
    double s0 = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    int n = f->g.n;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
            if (m[(size_t)j * n + i]) {
                double x = af_grid_center(&f->g, i), y = af_grid_center(&f->g, j);
                s0 += 1;
                sx += x;
                sy += y;
                sxx += x * x;
                syy += y * y;
                sxy += x * y;
            }
    double cxx = sxx / s0 - (sx / s0) * (sx / s0), cyy = syy / s0 - (sy / s0) * (sy / s0);
    double cxy = sxy / s0 - (sx / s0) * (sy / s0);
    double tr = cxx + cyy, det = cxx * cyy - cxy * cxy, d = sqrt(tr * tr / 4 - det);
    return sqrt((tr / 2 + d) / (tr / 2 - d));
}

/* Area rate over t in [0, 0.1] at n = 512, h = eps = 4 dx: within 8% of
 * 2 pi for a circle of radius 0.6 and for an ellipse 0.7 x 0.5, whose
 * isoperimetric ratio 4 pi A / Per_eps^2 rises and whose aspect ratio falls.
 * (Measured with the local length instead of Per_eps the ratio stays flat:
 * the minimisers are slightly faceted, as the digital ball of radius 4 is
 * an octagon whose support function varies by 13%, and the facets add
 * length that Per_eps, measuring with that same ball, does not count.) */
static double area_rate(fx_field *f, af_mm_plan *pl, const af_shape *s, double *iso0,
                        double *iso1, double *asp0, double *asp1)
{
    assert_int_equal(af_shape_mask(&f->g, s, f->a, NULL), AF_OK);
    *asp0 = aspect(f, f->a);
    af_perimeter *per = af_perimeter_alloc(&f->g, AF_NORM_2, 4 * f->g.dx, NULL);
    double a0 = area(f, f->a), h = 4 * f->g.dx, t = 0, a = a0;
    af_perimeter_value v;
    af_perimeter_eval(per, f->rho0, f->rho1, f->a, &v);
    *iso0 = 4 * PI * a0 / (v.per_eps * v.per_eps);
    while (t < 0.1 - 1e-12) {
        a = step(pl, f);
        t += h;
    }
    af_perimeter_eval(per, f->rho0, f->rho1, f->a, &v);
    *iso1 = 4 * PI * a / (v.per_eps * v.per_eps);
    *asp1 = aspect(f, f->a);
    af_perimeter_free(per);
    return (a0 - a) / t;
}

static void test_area_rate(void **state)
{
    (void)state;
    fx_field f;
    fx_field_init(&f, 512);
    af_mm_plan *pl = plan(&f, 4, 4, 1);
    double i0, i1, a0, a1;
    af_shape c = fx_circle();
    double rate = area_rate(&f, pl, &c, &i0, &i1, &a0, &a1);
    print_message("circle: area rate / 2 pi = %.4f\n", rate / (2 * PI));
    assert_true(fabs(rate / (2 * PI) - 1) < 0.08);
    af_shape e = {.kind = AF_SHAPE_ELLIPSE, .axes = {0.7, 0.5}};
    rate = area_rate(&f, pl, &e, &i0, &i1, &a0, &a1);
    print_message("ellipse: area rate / 2 pi = %.4f, isoperimetric ratio %.4f -> %.4f, "
                  "aspect ratio %.4f -> %.4f\n",
                  rate / (2 * PI), i0, i1, a0, a1);
    assert_true(fabs(rate / (2 * PI) - 1) < 0.08);
    assert_true(i1 > i0);
    assert_true(a1 < a0 - 0.02); /* it becomes rounder */
    af_mm_plan_free(pl);
    fx_field_free(&f);
}

/* Gaussian rho of width sigma = 0.5 centred on the circle: r = sigma is an
 * unstable equilibrium.  r0 = sigma stays within 2 cells for 10 steps,
 * 0.8 sigma shrinks, 1.2 sigma grows.  n = 256, h = eps = 3 dx; the same
 * with the perimeter averaged over balls of 3 and 2.55 cells. */
static void check_gaussian_equilibrium(const double *avg_cells)
{
    const double sigma = 0.5, factors[] = {1.0, 0.8, 1.2};
    for (int q = 0; q < 3; q++) {
        fx_field f;
        fx_field_init(&f, 256);
        af_density d = {.kind = AF_DENSITY_GAUSSIAN, .value = 1, .sigma = sigma};
        fx_field_density(&f, &d);
        af_mm_plan *pl = avg_cells ? plan_avg(&f, 3, avg_cells, 3, 1) : plan(&f, 3, 3, 1);
        af_shape s = {.kind = AF_SHAPE_CIRCLE, .radius = factors[q] * sigma};
        assert_int_equal(af_shape_mask(&f.g, &s, f.a, NULL), AF_OK);
        double r0 = sqrt(area(&f, f.a) / PI), r = r0;
        for (int k = 0; k < 10; k++) {
            r = sqrt(step(pl, &f) / PI);
            if (q == 0)
                assert_true(fabs(r - r0) <= 2 * f.g.dx);
        }
        print_message("%sr0 = %.2f sigma: radius %.4f -> %.4f (%+.2f cells)\n",
                      avg_cells ? "averaged: " : "", factors[q], r0, r, (r - r0) / f.g.dx);
        if (q == 1)
            assert_true(r < r0 - 2 * f.g.dx);
        if (q == 2)
            assert_true(r > r0 + 2 * f.g.dx);
        af_mm_plan_free(pl);
        fx_field_free(&f);
    }
}

static void test_gaussian_equilibrium(void **state)
{
    (void)state;
    check_gaussian_equilibrium(NULL);
    check_gaussian_equilibrium(avg_3);
}

/* rho = exp(a . x), a = (1.5, 0): a circle keeps r^2 = r0^2 - 2 t and
 * drifts with velocity -a.  r0 = 0.4 at n = 256, eps = 3 dx, h = dx, to
 * t = 0.05 (r from 0.4 to 0.25; with h = 3 dx the circle would vanish
 * below 0.35, its r^2 < 16 h / 3): the centroid stays within CENTRE_TOL of
 * the law, and the radius within RADIUS_TOL of the implicit step's
 * recursion; the same with the averaged perimeter, same tolerances. */
#define CENTRE_TOL 1.0 /* cells */
#define RADIUS_TOL 1.5 /* cells */
static void check_exp_translation(const double *avg_cells)
{
    fx_field f;
    fx_field_init(&f, 256);
    af_density d = {.kind = AF_DENSITY_EXP, .value = 1, .a = {1.5, 0}};
    fx_field_density(&f, &d);
    af_shape s = {.kind = AF_SHAPE_CIRCLE, .radius = 0.4};
    fx_field_shape(&f, &s);
    af_mm_plan *pl = avg_cells ? plan_avg(&f, 3, avg_cells, 1, 1) : plan(&f, 3, 1, 1);
    double h = f.g.dx, c0[2], c[2];
    af_grid_mask_centroid(&f.g, f.a, c0);
    double r0 = sqrt(area(&f, f.a) / PI), rrec = r0, cerr = 0, rerr = 0;
    int K = (int)floor(0.05 / h);
    for (int k = 1; k <= K; k++) {
        double r = sqrt(step(pl, &f) / PI);
        assert_true(r > 0);
        af_grid_mask_centroid(&f.g, f.a, c);
        rrec = af_ref_circle_implicit_step(rrec, h);
        double t = k * h;
        cerr = fmax(cerr, hypot(c[0] - (c0[0] - 1.5 * t), c[1] - c0[1]) / f.g.dx);
        rerr = fmax(rerr, fabs(r - rrec) / f.g.dx);
    }
    print_message("%sexp(1.5 x): %d steps to t = %.4f, centre error <= %.2f cells, radius error "
                  "<= %.2f cells\n", avg_cells ? "averaged: " : "", K, K * h, cerr, rerr);
    assert_true(cerr <= CENTRE_TOL);
    assert_true(rerr <= RADIUS_TOL);
    af_mm_plan_free(pl);
    fx_field_free(&f);
}

static void test_exp_translation(void **state)
{
    (void)state;
    check_exp_translation(NULL);
    check_exp_translation(avg_3);
}

/* p = 0 (iterated adversarial training): a circle of radius 0.6 does not
 * move at all. */
static void test_p0_stalls(void **state)
{
    (void)state;
    fx_field f;
    fx_field_init(&f, 256);
    af_mm_plan *pl = plan(&f, 3, 3, 0);
    fx_field_circle(&f);
    uint8_t *a0 = malloc(f.cells);
    memcpy(a0, f.a, f.cells);
    for (int k = 0; k < 5; k++) {
        step(pl, &f);
        assert_int_equal(tu_first_diff(a0, f.a, f.cells), -1);
    }
    free(a0);
    af_mm_plan_free(pl);
    fx_field_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_circle_recursion),
        cmocka_unit_test(test_area_rate),
        cmocka_unit_test(test_gaussian_equilibrium),
        cmocka_unit_test(test_exp_translation),
        cmocka_unit_test(test_p0_stalls),
    };
    return cmocka_run_group_tests_name("laws", tests, NULL, NULL);
}
