/* advflow tests: level lines by marching squares (contour.h).
 * GPL-3.0-or-later.
 *
 * Exact laws of the rule (straight lines, squares and diamonds through
 * cell centres, the clamped strips, Green's theorem tying the segments to
 * the area, shared endpoints), convergence to circles, monotonicity and the
 * periodic seam.  Each test prints what it measures. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>

#include "advflow/contour.h"

#define PI 3.14159265358979323846

/* ---- helpers --------------------------------------------------------- */

static void make_grid(af_grid *g, int n, double lo, double hi, af_edge edge)
{
    af_error err;
    assert_int_equal(af_grid_init(g, 2, n, lo, hi, edge, &err), AF_OK);
}

static af_contour *make_contour(const af_grid *g)
{
    af_error err;
    af_contour *c = af_contour_alloc(g, &err);
    assert_non_null(c);
    return c;
}

static double *dalloc(size_t k)
{
    double *p = malloc(k * sizeof *p);
    assert_non_null(p);
    return p;
}

static void trace_ok(af_contour *c, const double *u, double level)
{
    af_error err;
    af_error_clear(&err);
    if (af_contour_trace(c, u, level, &err) != AF_OK)
        fail_msg("trace: %s", err.msg);
}

/* Torus difference a - b folded into [-L/2, L/2] (or plain if !per). */
static double fold(double d, double L, int per)
{
    return per ? d - L * nearbyint(d / L) : d;
}

/* u = |x - c| - R, on the torus the nearest image. */
static void circle_field(const af_grid *g, double cx, double cy, double R, double *u)
{
    const int n = g->n, per = g->edge == AF_EDGE_PERIODIC;
    const double L = g->hi - g->lo;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            const double x = fold(af_grid_center(g, i) - cx, L, per);
            const double y = fold(af_grid_center(g, j) - cy, L, per);
            u[i + n * j] = sqrt(x * x + y * y) - R;
        }
}

/* Smooth random field: a few random cosines (periodic on the box). */
static void smooth_field(const af_grid *g, tu_rng *r, double *u)
{
    const int n = g->n;
    double amp[6], kx[6], ky[6], ph[6];
    for (int k = 0; k < 6; k++) {
        amp[k] = tu_uniform(r) - 0.5;
        kx[k] = (double)(tu_next(r) % 7) - 3;
        ky[k] = (double)(tu_next(r) % 7) - 3;
        ph[k] = 2 * PI * tu_uniform(r);
    }
    const double L = g->hi - g->lo;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            const double x = af_grid_center(g, i), y = af_grid_center(g, j);
            double v = 0.05;
            for (int k = 0; k < 6; k++)
                v += amp[k] * cos(2 * PI * (kx[k] * x + ky[k] * y) / L + ph[k]);
            u[i + n * j] = v;
        }
}

/* ---- workspace, bad input, trivial fields ----------------------------- */

static void test_alloc_and_input(void **state)
{
    (void)state;
    af_error err;
    af_error_clear(&err);
    assert_null(af_contour_alloc(NULL, &err));
    assert_int_equal(err.status, AF_EINVAL);
    af_contour_free(NULL);
    af_grid g;
    make_grid(&g, 6, -1, 1, AF_EDGE_CLAMP);
    af_contour *c = make_contour(&g);
    assert_int_equal(af_contour_count(c), 0);
    assert_true(af_contour_length(c) == 0);
    double u[36];
    for (int k = 0; k < 36; k++)
        u[k] = k % 6 - 2.5;
    trace_ok(c, u, 0);
    assert_true(af_contour_count(c) > 0);
    u[14] = NAN;
    assert_int_equal(af_contour_trace(c, u, 0, &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "(2, 2)"));
    assert_int_equal(af_contour_count(c), 0); /* emptied */
    assert_true(isnan(af_contour_area(&g, u, 0)));
    u[14] = 1;
    assert_int_equal(af_contour_trace(c, u, INFINITY, &err), AF_EINVAL);
    assert_int_equal(af_contour_trace(c, u, NAN, NULL), AF_EINVAL);
    assert_true(isnan(af_contour_area(&g, u, INFINITY)));
    af_contour_free(c);

    /* Constant fields: no line, area 0 or the box, on both edges and n = 1, 2. */
    for (int e = 0; e < 2; e++)
        for (int n = 1; n <= 3; n++) {
            af_grid h;
            make_grid(&h, n, 2, 5, (af_edge)e);
            c = make_contour(&h);
            double f[9];
            for (int k = 0; k < n * n; k++)
                f[k] = 1;
            trace_ok(c, f, 0);
            assert_int_equal(af_contour_count(c), 0);
            assert_true(af_contour_area(&h, f, 0) == 0);
            assert_true(af_contour_area(&h, f, 1) == 0); /* u = level is outside */
            assert_true(af_contour_area(&h, f, 2) == 9);
            trace_ok(c, f, 2);
            assert_int_equal(af_contour_count(c), 0);
            af_contour_free(c);
        }
}

/* Infinite values are allowed: the crossing sits on the finite corner, or
 * mid-edge between -inf and +inf. */
static void test_infinite_values(void **state)
{
    (void)state;
    af_grid g;
    make_grid(&g, 2, 0, 2, AF_EDGE_PERIODIC);
    af_contour *c = make_contour(&g);
    /* columns: x = 0.5 holds -1, x = 1.5 holds +inf: crossings at the -1 side */
    double u[4] = {-1, HUGE_VAL, -1, HUGE_VAL};
    trace_ok(c, u, 0);
    assert_true(fabs(af_contour_area(&g, u, 0) - 0.0) < 1e-300); /* both lines at x = 0.5 */
    u[0] = u[2] = -HUGE_VAL;
    assert_true(af_contour_area(&g, u, 0) == 2.0); /* mid-edge: half the torus */
    trace_ok(c, u, 0);
    assert_true(fabs(af_contour_length(c) - 4.0) < 1e-15);
    u[1] = u[3] = 3;
    assert_true(af_contour_area(&g, u, 0) == 4.0); /* at the finite corners: all of it */
    af_contour_free(c);
}

/* ---- exact laws -------------------------------------------------------- */

/* Half-plane a x + b y < c on a clamped grid.  The rule's region is the
 * half-plane's trace on the centres' square C = [x_0, x_(n-1)]^2, extended
 * constantly across the strips: area = |H cap C| + (dx/2) (the four side
 * intervals of C inside H) + (dx/2)^2 (corners of C inside H); length =
 * the chord in C + dx/2 per side of C that the line crosses. */
static void halfplane_law(const af_grid *g, double a, double b, double c, double *area,
                          double *len)
{
    const double p = af_grid_center(g, 0), q = af_grid_center(g, g->n - 1), h = 0.5 * g->dx;
    /* Clip the square C by the half-plane (Sutherland-Hodgman). */
    double px[8] = {p, q, q, p}, py[8] = {p, p, q, q}, ox[8], oy[8];
    int k = 0;
    double cx[2], cy[2];
    int nc = 0;
    for (int e = 0; e < 4; e++) {
        const int f = (e + 1) % 4;
        const double se = a * px[e] + b * py[e] - c, sf = a * px[f] + b * py[f] - c;
        if (se < 0) {
            ox[k] = px[e];
            oy[k++] = py[e];
        }
        if ((se < 0) != (sf < 0)) {
            const double t = se / (se - sf);
            ox[k] = px[e] + t * (px[f] - px[e]);
            oy[k++] = py[e] + t * (py[f] - py[e]);
            if (nc < 2) {
                cx[nc] = ox[k - 1];
                cy[nc++] = oy[k - 1];
            }
        }
    }
    double A = 0;
    for (int i = 0; i < k; i++)
        A += ox[i] * oy[(i + 1) % k] - ox[(i + 1) % k] * oy[i];
    A = fabs(A) / 2;
    /* Side intervals of C inside the half-plane: each side from corner e to f. */
    double side = 0;
    int crossings = 0;
    for (int e = 0; e < 4; e++) {
        const int f = (e + 1) % 4;
        const double se = a * px[e] + b * py[e] - c, sf = a * px[f] + b * py[f] - c;
        const double L = q - p;
        if (se < 0 && sf < 0)
            side += L;
        else if (se < 0 || sf < 0) {
            side += L * (se < 0 ? se / (se - sf) : sf / (sf - se));
            crossings++;
        }
        if (se < 0)
            A += h * h; /* the corner square of the box at corner e */
    }
    *area = A + h * side;
    *len = (nc == 2 ? hypot(cx[1] - cx[0], cy[1] - cy[0]) : 0) + h * crossings;
}

static void test_halfplanes(void **state)
{
    (void)state;
    /* slopes of the line 0, 1/3, 1/2, 1, the golden ratio, and steep ones */
    static const double slope[][2] = {{0, 1}, {1, 3}, {1, 2}, {1, 1}, {1.6180339887498949, 1},
                                      {3, 1}, {1, 0}, {-1, 2}, {-2.718281828459045, 1}};
    double worst_a = 0, worst_l = 0;
    for (int n = 7; n <= 64; n += 57)
        for (size_t s = 0; s < sizeof slope / sizeof *slope; s++)
            for (int off = 0; off < 5; off++) {
                af_grid g;
                make_grid(&g, n, -1, 1, AF_EDGE_CLAMP);
                af_contour *c = make_contour(&g);
                double *u = dalloc((size_t)n * n);
                /* line dy * x - dx * y = c0 (its direction (dx, dy)), both orientations */
                const double a = slope[s][1], b = -slope[s][0];
                const double c0 = 0.37 * (off - 2) + 0.011;
                for (int sign = -1; sign <= 1; sign += 2) {
                    for (int j = 0; j < n; j++)
                        for (int i = 0; i < n; i++)
                            u[i + n * j] = sign * (a * af_grid_center(&g, i)
                                                   + b * af_grid_center(&g, j) - c0);
                    double A, L;
                    halfplane_law(&g, sign * a, sign * b, sign * c0, &A, &L);
                    trace_ok(c, u, 0);
                    const double area = af_contour_area(&g, u, 0);
                    worst_a = fmax(worst_a, fabs(area - A));
                    worst_l = fmax(worst_l, fabs(af_contour_length(c) - L));
                    if (!(fabs(area - A) < 1e-13 && fabs(af_contour_length(c) - L) < 1e-13))
                        fail_msg("half-plane n=%d slope %g/%g c=%g: area %.17g law %.17g, "
                                 "length %.17g law %.17g",
                                 n, slope[s][0], slope[s][1], c0, area, A, af_contour_length(c), L);
                }
                free(u);
                af_contour_free(c);
            }
    print_message("half-planes: largest |area - law| %.2g, |length - law| %.2g\n", worst_a,
                  worst_l);
}

/* Polygons through cell centres are traced exactly: a diamond with its
 * vertices on centres (u = |x - c|_1 - r), and the outside of an
 * axis-parallel square whose corners are centres (u = r - |x - c|_inf: on
 * the square u = 0, which is outside the region {u < 0}, so the region
 * {u < 0} is the open outside and the crossings sit on the centres). */
static void test_polygons_through_centres(void **state)
{
    (void)state;
    for (int e = 0; e < 2; e++) {
        const int n = 40;
        af_grid g;
        make_grid(&g, n, -1, 1, (af_edge)e);
        af_contour *c = make_contour(&g);
        double *u = dalloc((size_t)n * n);
        const double dx = g.dx, box = (g.hi - g.lo) * (g.hi - g.lo);
        for (int k = 3; k <= 15; k += 4) {
            const int ic = 17 + k % 3, jc = 19;
            const double cx = af_grid_center(&g, ic), cy = af_grid_center(&g, jc), r = k * dx;
            for (int j = 0; j < n; j++)
                for (int i = 0; i < n; i++)
                    u[i + n * j] = (abs(i - ic) + abs(j - jc)) * dx - r;
            trace_ok(c, u, 0);
            assert_close(af_contour_area(&g, u, 0), 2 * r * r, 1e-13);
            assert_close(af_contour_length(c), 4 * sqrt(2.0) * r, 1e-13);
            (void)cx;
            (void)cy;
            for (int j = 0; j < n; j++)
                for (int i = 0; i < n; i++)
                    u[i + n * j] = r - (abs(i - ic) > abs(j - jc) ? abs(i - ic) : abs(j - jc)) * dx;
            trace_ok(c, u, 0);
            assert_close(af_contour_area(&g, u, 0), box - 4 * r * r, 1e-12);
            assert_close(af_contour_length(c), 8 * r, 1e-13);
        }
        free(u);
        af_contour_free(c);
    }
}

/* Green's theorem ties the segments to the area: with the region on the
 * left of every segment, area = sum (x0 + x1)(y1 - y0)/2 over segments plus,
 * on a clamped grid, the box edges' parts inside (hi * their length on the
 * right edge, traversed upwards; -lo * on the left edge).  The edges' parts
 * are computed here from the outer columns alone (linear between centres,
 * constant beyond).  On a torus the sum is the area modulo whole box
 * heights times widths where lines wrap, so it is checked on a field whose
 * lines do not wrap. */
static double edge_inside(const af_grid *g, const double *u, int col, double level)
{
    const int n = g->n;
    double len = 0;
    for (int j = -1; j < n; j++) {
        const double a = u[col + n * (j < 0 ? 0 : j)], b = u[col + n * (j + 1 < n ? j + 1 : n - 1)];
        const double w = (j < 0 || j == n - 1) ? 0.5 * g->dx : g->dx;
        if (a < level && b < level)
            len += w;
        else if (a < level || b < level) {
            const double t = (level - a) / (b - a); /* from a */
            const double f = a < level ? t : 1 - t;
            len += g->dx * f;                       /* interior edge: w = dx */
        }
    }
    return len;
}

static double green_sum(const af_contour *c)
{
    const af_segment *s = af_contour_segments(c);
    double sum = 0;
    for (size_t k = 0; k < af_contour_count(c); k++)
        sum += 0.5 * (s[k].x0 + s[k].x1) * (s[k].y1 - s[k].y0);
    return sum;
}

static void test_green(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 41);
    double worst = 0;
    for (int n = 2; n <= 50; n += 12) {
        af_grid g;
        make_grid(&g, n, -0.7, 1.3, AF_EDGE_CLAMP);
        af_contour *c = make_contour(&g);
        double *u = dalloc((size_t)n * n);
        for (int rep = 0; rep < 20; rep++) {
            if (rep % 2)
                for (int k = 0; k < n * n; k++)
                    u[k] = tu_uniform(&r) - 0.5; /* saddles everywhere */
            else
                smooth_field(&g, &r, u);
            const double level = 0.1 * (tu_uniform(&r) - 0.5);
            trace_ok(c, u, level);
            const double green = green_sum(c) + g.hi * edge_inside(&g, u, n - 1, level)
                                 - g.lo * edge_inside(&g, u, 0, level);
            const double area = af_contour_area(&g, u, level);
            worst = fmax(worst, fabs(green - area));
            if (!(fabs(green - area) < 1e-12))
                fail_msg("green n=%d rep %d: segments give %.17g, area %.17g", n, rep, green, area);
        }
        free(u);
        af_contour_free(c);
    }
    print_message("Green's theorem, clamped random fields: largest |sum - area| %.2g\n", worst);
}

/* Segments meet end to start, bit for bit, and a closed line's segments
 * add up to a loop: on a torus (a field whose lines may wrap) every end is
 * the start of exactly as many segments as ends there, the seam's two
 * sides (x = hi and x = lo) identified. */
static void test_endpoints_shared(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 7);
    for (int e = 0; e < 2; e++) {
        const int n = 24;
        af_grid g;
        make_grid(&g, n, -1, 1, (af_edge)e);
        af_contour *c = make_contour(&g);
        double *u = dalloc((size_t)n * n);
        for (int rep = 0; rep < 6; rep++) {
            smooth_field(&g, &r, u);
            if (e == AF_EDGE_CLAMP) /* keep the lines off the box edge: all closed */
                for (int j = 0; j < n; j++)
                    for (int i = 0; i < n; i++)
                        if (i < 2 || j < 2 || i >= n - 2 || j >= n - 2)
                            u[i + n * j] = 1;
            trace_ok(c, u, 0);
            const af_segment *s = af_contour_segments(c);
            const size_t ns = af_contour_count(c);
            assert_true(ns > 0);
            for (size_t k = 0; k < ns; k++) {
                double x = s[k].x1, y = s[k].y1;
                int ends = 0, starts = 0;
                for (size_t l = 0; l < ns; l++) {
                    double dxs = s[l].x0 - x, dys = s[l].y0 - y;
                    double dxe = s[l].x1 - x, dye = s[l].y1 - y;
                    if (e == AF_EDGE_PERIODIC) {
                        dxs = fold(dxs, 2, 1);
                        dys = fold(dys, 2, 1);
                        dxe = fold(dxe, 2, 1);
                        dye = fold(dye, 2, 1);
                        starts += fabs(dxs) < 1e-14 && fabs(dys) < 1e-14;
                        ends += fabs(dxe) < 1e-14 && fabs(dye) < 1e-14;
                    } else {
                        starts += dxs == 0 && dys == 0;
                        ends += dxe == 0 && dye == 0;
                    }
                }
                if (starts != ends)
                    fail_msg("%s rep %d: end (%g, %g) of segment %zu: %d ends, %d starts",
                             af_edge_name((af_edge)e), rep, x, y, k, ends, starts);
            }
            if (e == AF_EDGE_PERIODIC)
                for (size_t k = 0; k < ns; k++)
                    assert_true(s[k].x0 >= g.lo && s[k].x0 <= g.hi && s[k].y1 >= g.lo
                                && s[k].y1 <= g.hi); /* split at the seam */
            else /* closed lines inside the box: Green's theorem alone */
                assert_close(green_sum(c), af_contour_area(&g, u, 0), 1e-13);
        }
        free(u);
        af_contour_free(c);
    }
}

/* ---- circles ----------------------------------------------------------- */

/* u = |x - c| - R: the polygon through the crossing points is inscribed up
 * to the interpolation error, area and length converge at O(dx^2).
 * Relative errors against pi R^2 and 2 pi R stay below C (dx / R)^2. */
static void test_circles(void **state)
{
    (void)state;
    static const double centres[][2] = {{0, 0}, {0.013, -0.021}, {-0.2, 0.31}, {0.1234, 0.0777}};
    static const double radii[] = {0.3, 0.55, 0.8};
    double ca = 0, cl = 0; /* largest relative error times n^2 */
    double err_a[3] = {0, 0, 0}, err_l[3] = {0, 0, 0};
    int ni = 0;
    for (int n = 64; n <= 256; n *= 2, ni++) {
        af_grid g;
        make_grid(&g, n, -1.1, 1.1, AF_EDGE_CLAMP);
        af_contour *c = make_contour(&g);
        double *u = dalloc((size_t)n * n);
        for (size_t ci = 0; ci < sizeof centres / sizeof *centres; ci++)
            for (size_t ri = 0; ri < sizeof radii / sizeof *radii; ri++) {
                const double R = radii[ri] * (ci == 2 ? 0.7 : 1);
                circle_field(&g, centres[ci][0], centres[ci][1], R, u);
                trace_ok(c, u, 0);
                const double ea = fabs(af_contour_area(&g, u, 0) / (PI * R * R) - 1);
                const double el = fabs(af_contour_length(c) / (2 * PI * R) - 1);
                const double k = (R / g.dx) * (R / g.dx);
                ca = fmax(ca, ea * k);
                cl = fmax(cl, el * k);
                err_a[ni] += ea;
                err_l[ni] += el;
            }
        free(u);
        af_contour_free(c);
    }
    const double order_a = log2(err_a[0] / err_a[2]) / 2, order_l = log2(err_l[0] / err_l[2]) / 2;
    print_message("circles n = 64, 128, 256: mean relative area error %.2e %.2e %.2e (order %.2f), "
                  "length %.2e %.2e %.2e (order %.2f); max error / (dx/R)^2: area %.3f "
                  "length %.3f\n",
                  err_a[0] / 12, err_a[1] / 12, err_a[2] / 12, order_a, err_l[0] / 12,
                  err_l[1] / 12, err_l[2] / 12, order_l, ca, cl);
    assert_true(order_a > 1.8 && order_a < 2.2);
    assert_true(order_l > 1.8 && order_l < 2.2);
    /* measured 0.211 and 0.061 (the polygon is inscribed: both too small) */
    assert_true(ca < 0.25 && cl < 0.08);
}

/* The torus: a circle across the seam (a corner even) is the same circle
 * as one in the middle: the field rolled by whole cells gives the same area
 * and length up to rounding, and both converge to pi R^2. */
static void test_periodic_seam(void **state)
{
    (void)state;
    const int n = 96;
    af_grid g;
    make_grid(&g, n, -1, 1, AF_EDGE_PERIODIC);
    af_contour *c = make_contour(&g);
    double *u = dalloc((size_t)n * n), *v = dalloc((size_t)n * n);
    const double R = 0.37;
    circle_field(&g, 0.0123, -0.0456, R, u);
    trace_ok(c, u, 0);
    const double a0 = af_contour_area(&g, u, 0), l0 = af_contour_length(c);
    static const int shifts[][2] = {{48, 0}, {0, 47}, {45, 50}, {13, 71}};
    for (size_t k = 0; k < sizeof shifts / sizeof *shifts; k++) {
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                v[(i + shifts[k][0]) % n + n * ((j + shifts[k][1]) % n)] = u[i + n * j];
        trace_ok(c, v, 0);
        assert_close(af_contour_area(&g, v, 0), a0, 1e-13);
        assert_close(af_contour_length(c), l0, 1e-13);
        const af_segment *s = af_contour_segments(c);
        for (size_t q = 0; q < af_contour_count(c); q++)
            assert_true(s[q].x0 >= g.lo && s[q].x0 <= g.hi && s[q].x1 >= g.lo && s[q].x1 <= g.hi
                        && s[q].y0 >= g.lo && s[q].y0 <= g.hi && s[q].y1 >= g.lo
                        && s[q].y1 <= g.hi);
        /* with the segments' own lengths, too (the split keeps the total) */
        double sum = 0;
        for (size_t q = 0; q < af_contour_count(c); q++)
            sum += hypot(s[q].x1 - s[q].x0, s[q].y1 - s[q].y0);
        assert_close(sum, l0, 1e-12);
    }
    /* an off-grid centre on the corner of the torus */
    circle_field(&g, 0.9876, 0.99, R, v);
    trace_ok(c, v, 0);
    print_message("torus circle R = 0.37, n = 96: area %.6f (centre), %.6f (corner), pi R^2 = %.6f;"
                  " length %.6f, %.6f, 2 pi R = %.6f\n",
                  a0, af_contour_area(&g, v, 0), PI * R * R, l0, af_contour_length(c), 2 * PI * R);
    assert_close(af_contour_area(&g, v, 0), PI * R * R, 2 * g.dx * g.dx);
    assert_close(af_contour_length(c), 2 * PI * R, 2 * g.dx * g.dx);
    free(u);
    free(v);
    af_contour_free(c);
}

/* ---- monotonicity -------------------------------------------------------- */

static void test_monotone(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 13);
    double worst = 0;
    long pairs = 0;
    for (int e = 0; e < 2; e++)
        for (int n = 3; n <= 60; n += 19) {
            af_grid g;
            make_grid(&g, n, -1, 1, (af_edge)e);
            double *u = dalloc((size_t)n * n), *v = dalloc((size_t)n * n);
            for (int rep = 0; rep < 200; rep++) {
                if (rep % 3 == 0)
                    for (int k = 0; k < n * n; k++)
                        u[k] = tu_uniform(&r) - 0.5;
                else
                    smooth_field(&g, &r, u);
                /* v >= u: raise random cells, some to exactly the level, some a lot */
                for (int k = 0; k < n * n; k++) {
                    const double p = tu_uniform(&r);
                    v[k] = p < 0.5 ? u[k] : p < 0.6 && u[k] < 0 ? 0.0 : u[k] + 0.2 * tu_uniform(&r);
                }
                const double au = af_contour_area(&g, u, 0), av = af_contour_area(&g, v, 0);
                worst = fmax(worst, av - au);
                pairs++;
                if (!(av <= au + 1e-14))
                    fail_msg("monotone %s n=%d rep %d: area(u) = %.17g < area(u') = %.17g",
                             af_edge_name((af_edge)e), n, rep, au, av);
            }
            free(u);
            free(v);
        }
    print_message("monotone: %ld ordered pairs, largest area(u') - area(u) = %.2g (> 0 would be "
                  "a violation)\n",
                  pairs, worst);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc_and_input),
        cmocka_unit_test(test_infinite_values),
        cmocka_unit_test(test_halfplanes),
        cmocka_unit_test(test_polygons_through_centres),
        cmocka_unit_test(test_green),
        cmocka_unit_test(test_endpoints_shared),
        cmocka_unit_test(test_circles),
        cmocka_unit_test(test_periodic_seam),
        cmocka_unit_test(test_monotone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
