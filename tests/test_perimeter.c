/* Tests of the nonlocal perimeter: the risk identity of docs/theory.md section 1
 * holds exactly on the grid, a disc's Per_eps converges to 2 pi r (with the
 * right outer and inner parts), an ellipse's Per_eps tends to its perimeter
 * as eps shrinks, and the local estimate measures length. */
#include "testutil.h"

#include <math.h>

#include "advflow/advflow.h"

#define PI 3.14159265358979323846

typedef struct {
    af_grid g;
    size_t cells;
    uint8_t *mask;
    double *rho0, *rho1;
} fixture;

static void fx_init(fixture *f, int n, double lo, double hi, af_edge edge)
{
    assert_int_equal(af_grid_init(&f->g, 2, n, lo, hi, edge, NULL), AF_OK);
    f->cells = af_grid_cells(&f->g);
    f->mask = malloc(f->cells);
    f->rho0 = malloc(f->cells * sizeof(double));
    f->rho1 = malloc(f->cells * sizeof(double));
    for (size_t k = 0; k < f->cells; k++)
        f->rho0[k] = f->rho1[k] = 0.5;
}

static void fx_free(fixture *f)
{
    free(f->mask);
    free(f->rho0);
    free(f->rho1);
}

static af_perimeter_value per_of(fixture *f, const af_shape *s, af_norm norm, double eps)
{
    af_error err;
    assert_int_equal(af_shape_mask(&f->g, s, f->mask, &err), AF_OK);
    af_perimeter *p = af_perimeter_alloc(&f->g, norm, eps, &err);
    assert_non_null(p);
    af_perimeter_value v;
    af_perimeter_eval(p, f->rho0, f->rho1, f->mask, &v);
    af_perimeter_free(p);
    return v;
}

/* E sup_{B(x)} |1_A - y| = E |1_A - y| + w_B Per_eps(A), exactly, with the
 * sup taken by brute force over the digital ball (docs/theory.md section 1). */
static void test_risk_identity(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 11);
    const af_norm norms[] = {AF_NORM_2, AF_NORM_INF, AF_NORM_1};
    for (int t = 0; t < 24; t++) {
        fixture f;
        fx_init(&f, 20 + t % 5, -1, 1, t % 2 ? AF_EDGE_PERIODIC : AF_EDGE_CLAMP);
        tu_random_mask(&r, f.mask, f.cells, 0.2 + 0.6 * tu_uniform(&r));
        for (size_t k = 0; k < f.cells; k++) {
            f.rho0[k] = tu_uniform(&r);
            f.rho1[k] = tu_uniform(&r);
        }
        af_norm norm = norms[t % 3];
        double eps = f.g.dx * (1 + 0.5 * (t % 7));
        af_error err;
        af_perimeter *p = af_perimeter_alloc(&f.g, norm, eps, &err);
        assert_non_null(p);
        af_perimeter_value v;
        af_perimeter_eval(p, f.rho0, f.rho1, f.mask, &v);
        const af_ball *b = af_perimeter_ball(p);
        int n = f.g.n;
        double adv = 0, plain = 0;
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) {
                int sup = 0, inf = 1;
                for (int dj = -b->r; dj <= b->r; dj++)
                    for (int di = -b->half[dj + b->r]; di <= b->half[dj + b->r]; di++) {
                        int ii = i + di, jj = j + dj;
                        if (f.g.edge == AF_EDGE_PERIODIC) {
                            ii = (ii % n + n) % n;
                            jj = (jj % n + n) % n;
                        } else if (ii < 0 || jj < 0 || ii >= n || jj >= n)
                            continue;
                        int a = f.mask[jj * n + ii];
                        sup |= a;
                        inf &= a;
                    }
                size_t x = (size_t)j * n + i;
                int a = f.mask[x];
                /* label 0 data is misclassified where 1_A = 1, label 1 where 1_A = 0 */
                adv += f.rho0[x] * sup + f.rho1[x] * (1 - inf);
                plain += f.rho0[x] * a + f.rho1[x] * (1 - a);
            }
        double vol = f.g.dx * f.g.dx;
        assert_true(fabs(vol * adv - (vol * plain + v.w_B * v.per_eps)) < 1e-12 * (1 + vol * adv));
        af_perimeter_free(p);
        fx_free(&f);
    }
}

/* Disc of radius 0.6, rho0 = rho1 = 1/2: Per_eps -> 2 pi r; outer part
 * pi r + pi eps / 2 and inner pi r - pi eps / 2 in the continuum (the digital
 * strips differ by the digital ball's area over 2 w_B, close to pi eps / 2). */
static void test_disc(void **state)
{
    (void)state;
    const double r = 0.6, eps = 0.02, L = 2 * PI * r;
    double err_prev = 1;
    for (int n = 256; n <= 1024; n *= 2) {
        fixture f;
        fx_init(&f, n, -1, 1, AF_EDGE_CLAMP);
        af_shape s = {.kind = AF_SHAPE_CIRCLE, .radius = r};
        af_perimeter_value v = per_of(&f, &s, AF_NORM_2, eps);
        double e = fabs(v.per_eps - L) / L;
        print_message("disc n = %d, eps = %.2f cells: per_eps / 2 pi r - 1 = %+.5f, raw %+.5f, "
                      "outer - (pi r + pi eps/2) = %+.5f, inner - (pi r - pi eps/2) = %+.5f\n",
                      n, v.eps_cells, v.per_eps / L - 1, v.per_eps_raw / L - 1,
                      v.outer - (PI * r + PI * eps / 2), v.inner - (PI * r - PI * eps / 2));
        assert_true(e < 0.006);          /* within 0.6% from eps = 2.56 cells on */
        if (n >= 512)
            assert_true(e < 0.005);      /* acceptance: n = 512, eps = 0.02: 0.5% */
        assert_true(e <= err_prev + 1e-4); /* no worse as dx shrinks */
        assert_true(fabs(v.outer - (PI * r + PI * eps / 2)) < 0.01 * L);
        assert_true(fabs(v.inner - (PI * r - PI * eps / 2)) < 0.01 * L);
        err_prev = e;
        fx_free(&f);
    }
}

/* Ramanujan's second approximation of an ellipse's perimeter (relative
 * error below 1e-9 for axes 0.7 and 0.35). */
static double ellipse_perimeter(double a, double b)
{
    double h = (a - b) * (a - b) / ((a + b) * (a + b));
    return PI * (a + b) * (1 + 3 * h / (10 + sqrt(4 - 3 * h)));
}

/* For a convex set whose boundary curvature radius exceeds eps, the
 * continuum Per_eps is exactly the perimeter (Steiner: outer strip
 * L eps + pi eps^2, inner L eps - pi eps^2); for larger eps the inner strip
 * loses more.  So for the ellipse 0.7 x 0.35 (smallest curvature radius
 * b^2 / a = 0.175) Per_eps tends to L as eps shrinks, reaching it for
 * eps < 0.175 up to the digital error. */
static void test_ellipse_eps_to_zero(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f, 1024, -1, 1, AF_EDGE_CLAMP);
    af_shape s = {.kind = AF_SHAPE_ELLIPSE, .axes = {0.7, 0.35}, .angle = 20};
    double L = ellipse_perimeter(0.7, 0.35), prev = 1;
    const double eps[] = {0.6, 0.4, 0.3, 0.15, 0.05, 0.02};
    for (int k = 0; k < 6; k++) {
        af_perimeter_value v = per_of(&f, &s, AF_NORM_2, eps[k]);
        double e = fabs(v.per_eps / L - 1);
        print_message("ellipse eps = %g (%g cells): per_eps / L - 1 = %+.5f\n", eps[k], v.eps_cells,
                      v.per_eps / L - 1);
        if (eps[k] > 0.175)
            assert_true(e < prev);      /* strictly better while the inner strip is cut */
        else
            assert_true(e < 0.001);     /* then the digital error only */
        prev = e;
    }
    fx_free(&f);
}

/* l-inf and l1 balls: Per_eps tends to the anisotropic perimeter
 * Int rho ||nu||_1 (l-inf) or ||nu||_inf (l1).  For an axis-aligned square
 * of side s the l-inf value is 4 s rho exactly up to the corners. */
static void test_anisotropic_square(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f, 256, -1, 1, AF_EDGE_CLAMP);
    af_shape s = {.kind = AF_SHAPE_RECTANGLE, .size = {1, 1}};
    af_perimeter_value v = per_of(&f, &s, AF_NORM_INF, 4 * f.g.dx);
    assert_true(fabs(v.width_ratio - 1) < 1e-12);
    assert_true(fabs(v.per_eps - 4.0) < 1e-9); /* corners: outer gains what inner loses */
    /* The same square turned by 45 degrees is a diamond |x| + |y| <= a,
     * a = 1/sqrt 2, with l-inf perimeter 8a.  Dilated by the square
     * [-e, e]^2 it gains 8ae + 4e^2, eroded it loses 8ae - 8e^2, so
     * Per_eps = 8a - 2e: it tends to the anisotropic perimeter as e -> 0. */
    af_shape d = {.kind = AF_SHAPE_RECTANGLE, .size = {1, 1}, .angle = 45};
    for (int R = 4; R <= 16; R *= 2) {
        double e = R * f.g.dx;
        v = per_of(&f, &d, AF_NORM_INF, e);
        assert_true(fabs(v.per_eps / (4 * sqrt(2.0) - 2 * e) - 1) < 0.005);
    }
    fx_free(&f);
}

/* Periodic grids: Per_eps is invariant under shifts of the mask. */
static void test_translation(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f, 64, 0, 1, AF_EDGE_PERIODIC);
    af_shape s = {.kind = AF_SHAPE_STAR, .center = {0.5, 0.5}, .radius = 0.3, .points = 5, .amplitude = 0.1};
    af_perimeter_value v = per_of(&f, &s, AF_NORM_2, 3 * f.g.dx);
    uint8_t *shifted = malloc(f.cells);
    int n = f.g.n;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
            shifted[((j + 29) % n) * n + (i + 41) % n] = f.mask[j * n + i];
    af_perimeter *p = af_perimeter_alloc(&f.g, AF_NORM_2, 3 * f.g.dx, NULL);
    af_perimeter_value w;
    af_perimeter_eval(p, f.rho0, f.rho1, shifted, &w);
    assert_true(fabs(v.per_eps - w.per_eps) < 1e-12);
    af_perimeter_free(p);
    free(shifted);
    fx_free(&f);
}

static void test_local(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f, 256, -1, 1, AF_EDGE_CLAMP);
    af_shape s = {.kind = AF_SHAPE_CIRCLE, .radius = 0.6};
    af_error err;
    assert_int_equal(af_shape_mask(&f.g, &s, f.mask, &err), AF_OK);
    af_perimeter *p = af_perimeter_alloc(&f.g, AF_NORM_2, 4 * f.g.dx, &err);
    double len = af_perimeter_local(p, NULL, NULL, f.mask);
    double w = af_perimeter_local(p, f.rho0, f.rho1, f.mask);
    print_message("local: length / 2 pi r - 1 = %+.5f\n", len / (2 * PI * 0.6) - 1);
    assert_true(fabs(len / (2 * PI * 0.6) - 1) < 0.002);
    assert_true(fabs(w - len) < 1e-9 * len); /* rho0 + rho1 = 1 */
    for (size_t k = 0; k < f.cells; k++)
        f.rho1[k] = 1.5;
    w = af_perimeter_local(p, f.rho0, f.rho1, f.mask);
    assert_true(fabs(w - 2 * len) < 1e-9 * len);
    af_perimeter_free(p);
    fx_free(&f);
}

static void test_errors(void **state)
{
    (void)state;
    af_grid g;
    af_error err;
    assert_int_equal(af_grid_init(&g, 2, 32, -1, 1, AF_EDGE_PERIODIC, NULL), AF_OK);
    assert_null(af_perimeter_alloc(&g, AF_NORM_2, 0.5 * g.dx, &err));
    assert_int_equal(err.status, AF_EINVAL);
    assert_null(af_perimeter_alloc(&g, AF_NORM_2, NAN, &err));
    assert_null(af_perimeter_alloc(&g, AF_NORM_2, 20 * g.dx, &err)); /* ball wider than the torus */
    assert_int_equal(err.status, AF_EINVAL);
    af_perimeter_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_risk_identity),   cmocka_unit_test(test_disc),
        cmocka_unit_test(test_ellipse_eps_to_zero), cmocka_unit_test(test_anisotropic_square),
        cmocka_unit_test(test_translation),     cmocka_unit_test(test_local),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests_name("perimeter", tests, NULL, NULL);
}
