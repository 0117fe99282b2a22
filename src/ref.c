/* advflow: reference solutions for the validation study (exact laws, radial
 * ODE, front tracking, mask-to-curve distances).  GPL-3.0-or-later. */
#include "advflow/ref.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include <gsl/gsl_spline.h>

#include "internal.h"

/* ------------------------------------------------------------------ */
/* 1. Exact laws                                                       */

double af_ref_circle_radius(double r0, double t)
{
    double u = r0 * r0 - 2 * t;
    return u > 0 ? sqrt(u) : 0;
}

double af_ref_sphere_radius(double r0, double t)
{
    double u = r0 * r0 - 4 * t;
    return u > 0 ? sqrt(u) : 0;
}

double af_ref_area_loss(double a0, double t)
{
    double a = a0 - 2 * AF_PI * t;
    return a > 0 ? a : 0;
}

double af_ref_gaussian_radius(double r0, double sigma, double t)
{
    double s2 = sigma * sigma;
    double u = s2 + (r0 * r0 - s2) * exp(2 * t / s2);
    return u > 0 ? sqrt(u) : 0;
}

void af_ref_exp_center(const double c0[2], const double a[2], double t, double c[2])
{
    double x = c0[0] - a[0] * t, y = c0[1] - a[1] * t;
    c[0] = x;
    c[1] = y;
}

double af_ref_circle_implicit_step(double r, double h)
{
    double disc = r * r - 4 * h;
    return disc >= 0 ? 0.5 * (r + sqrt(disc)) : 0;
}

/* ------------------------------------------------------------------ */
/* Densities, read analytically                                        */

/* rho must be > 0 where the flow looks, because it sees log rho. */
static af_status check_density(const af_density *d, af_error *err)
{
    if (!d)
        return af_error_set(err, AF_EINVAL, "ref: density is NULL");
    if (d->kind == AF_DENSITY_PNG)
        return af_error_set(err, AF_EINVAL,
                            "ref: png density has no analytic form; use uniform, gaussian, "
                            "mixture or exp");
    af_status st = af_density_params_check(d, err);
    if (st != AF_OK)
        return st;
    /* the flow sees log rho, so rho must be positive, not only >= 0 */
    if (d->kind != AF_DENSITY_MIXTURE) {
        if (!(d->value > 0))
            return af_error_set(err, AF_EINVAL,
                                "ref: %s density: value must be finite and > 0 (the flow sees "
                                "log rho), got %g",
                                af_density_kind_name(d->kind), d->value);
        return AF_OK;
    }
    for (int k = 0; k < d->ncomponents; k++)
        if (d->components[4 * k] > 0)
            return AF_OK;
    return af_error_set(err, AF_EINVAL,
                        "ref: mixture density: all weights are 0 (rho must be > 0)");
}

/* grad log rho at (x, y); d already checked.  The mixture is a softmax of
 * its components, computed with the largest exponent factored out so that
 * far from every centre it neither underflows nor divides 0 by 0. */
static void grad_log_rho(const af_density *d, double x, double y, double g[2])
{
    g[0] = g[1] = 0;
    switch (d->kind) {
    case AF_DENSITY_GAUSSIAN: {
        double s2 = d->sigma * d->sigma;
        g[0] = -(x - d->center[0]) / s2;
        g[1] = -(y - d->center[1]) / s2;
        break;
    }
    case AF_DENSITY_EXP:
        g[0] = d->a[0];
        g[1] = d->a[1];
        break;
    case AF_DENSITY_MIXTURE: {
        double emax = -INFINITY;
        for (int k = 0; k < d->ncomponents; k++) {
            const double *c = d->components + 4 * k;
            if (c[0] <= 0)
                continue;
            double q = ((x - c[1]) * (x - c[1]) + (y - c[2]) * (y - c[2])) / (2 * c[3] * c[3]);
            double e = log(c[0]) - q;
            if (e > emax)
                emax = e;
        }
        double sum = 0, gx = 0, gy = 0;
        for (int k = 0; k < d->ncomponents; k++) {
            const double *c = d->components + 4 * k;
            if (c[0] <= 0)
                continue;
            double s2 = c[3] * c[3];
            double q = ((x - c[1]) * (x - c[1]) + (y - c[2]) * (y - c[2])) / (2 * s2);
            double p = exp(log(c[0]) - q - emax);
            sum += p;
            gx -= p * (x - c[1]) / s2;
            gy -= p * (y - c[2]) / s2;
        }
        g[0] = gx / sum; /* sum >= 1: the largest term is exp(0) */
        g[1] = gy / sum;
        break;
    }
    default: /* uniform */
        break;
    }
}

/* ------------------------------------------------------------------ */
/* 2. Radial densities                                                 */

/* r rho'(r) / rho(r) as a function of u = r^2, for a density radial about
 * the circle's centre.  Every accepted kind is a function of u that extends
 * smoothly to u < 0, which keeps the ODE regular through extinction. */
typedef struct {
    const af_density *d;
} radial_params;

static double radial_h(const af_density *d, double u)
{
    switch (d->kind) {
    case AF_DENSITY_GAUSSIAN:
        return -u / (d->sigma * d->sigma);
    case AF_DENSITY_MIXTURE: {
        /* h = -u sum w_k E_k / s_k^2 / sum w_k E_k, E_k = exp(-u / (2 s_k^2)),
         * largest log-term factored out. */
        double emax = -INFINITY;
        for (int k = 0; k < d->ncomponents; k++) {
            const double *c = d->components + 4 * k;
            if (c[0] <= 0)
                continue;
            double e = log(c[0]) - u / (2 * c[3] * c[3]);
            if (e > emax)
                emax = e;
        }
        double num = 0, den = 0;
        for (int k = 0; k < d->ncomponents; k++) {
            const double *c = d->components + 4 * k;
            if (c[0] <= 0)
                continue;
            double s2 = c[3] * c[3];
            double p = exp(log(c[0]) - u / (2 * s2) - emax);
            num += p / s2;
            den += p;
        }
        return -u * num / den;
    }
    default: /* uniform, exp with a = 0 */
        return 0;
    }
}

static int radial_rhs(double t, const double y[], double f[], void *params)
{
    (void)t;
    const radial_params *p = params;
    f[0] = -2 - 2 * radial_h(p->d, y[0]);
    return GSL_SUCCESS;
}

static int same_point(double a, double b)
{
    return fabs(a - b) <= 1e-12 * (1 + fabs(a) + fabs(b));
}

af_status af_ref_radial_radius(const af_density *d, const double center[2], double r0,
                               double t_end, int nt, double *t_out, double *r_out,
                               af_error *err)
{
    af_status st = check_density(d, err);
    if (st != AF_OK)
        return st;
    if (!center || !isfinite(center[0]) || !isfinite(center[1]))
        return af_error_set(err, AF_EINVAL, "ref radial: center must be given and finite");
    if (!(r0 > 0) || !isfinite(r0))
        return af_error_set(err, AF_EINVAL, "ref radial: r0 must be > 0, got %g", r0);
    if (!(t_end >= 0) || !isfinite(t_end))
        return af_error_set(err, AF_EINVAL, "ref radial: t_end must be finite and >= 0, got %g",
                            t_end);
    if (nt < 2 || !r_out)
        return af_error_set(err, AF_EINVAL,
                            "ref radial: needs nt >= 2 samples and an output array, got nt = %d",
                            nt);
    /* Only densities radial about `center`: the ray direction must not matter. */
    switch (d->kind) {
    case AF_DENSITY_GAUSSIAN:
        if (!same_point(d->center[0], center[0]) || !same_point(d->center[1], center[1]))
            return af_error_set(err, AF_EINVAL,
                                "ref radial: gaussian centre (%g, %g) differs from the circle's "
                                "(%g, %g): not radial",
                                d->center[0], d->center[1], center[0], center[1]);
        break;
    case AF_DENSITY_MIXTURE:
        for (int k = 0; k < d->ncomponents; k++) {
            const double *c = d->components + 4 * k;
            if (c[0] > 0 && (!same_point(c[1], center[0]) || !same_point(c[2], center[1])))
                return af_error_set(err, AF_EINVAL,
                                    "ref radial: mixture component %d is centred at (%g, %g), "
                                    "not at the circle's centre (%g, %g)",
                                    k + 1, c[1], c[2], center[0], center[1]);
        }
        break;
    case AF_DENSITY_EXP:
        if (d->a[0] != 0 || d->a[1] != 0)
            return af_error_set(err, AF_EINVAL,
                                "ref radial: exp density with a != 0 is not radial (use the "
                                "exact law af_ref_exp_center)");
        break;
    default:
        break;
    }

    radial_params p = {d};
    gsl_odeiv2_system sys = {radial_rhs, NULL, 1, &p};
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    gsl_odeiv2_driver *drv =
        gsl_odeiv2_driver_alloc_y_new(&sys, gsl_odeiv2_step_rk8pd, 1e-6, 1e-13, 1e-12);
    if (!drv) {
        gsl_set_error_handler(old);
        return af_error_set(err, AF_ENOMEM, "ref radial: cannot allocate the GSL ODE driver");
    }
    double t = 0, u[1] = {r0 * r0};
    int extinct = 0;
    st = AF_OK;
    for (int k = 0; k < nt; k++) {
        /* The last sample is exactly t_end, not an accumulated sum. */
        double tk = k == nt - 1 ? t_end : t_end * k / (nt - 1);
        if (t_out)
            t_out[k] = tk;
        if (!extinct && tk > t) {
            int rc = gsl_odeiv2_driver_apply(drv, &t, tk, u);
            if (rc != GSL_SUCCESS) {
                st = af_error_set(err, AF_EFAILED, "ref radial: GSL ODE driver failed at t = %g: %s",
                                  t, gsl_strerror(rc));
                break;
            }
        }
        /* For u < 0, u' < -2 (h(u) >= 0 there): once gone, the circle stays gone. */
        if (u[0] <= 0)
            extinct = 1;
        r_out[k] = extinct ? 0 : sqrt(u[0]);
    }
    gsl_odeiv2_driver_free(drv);
    gsl_set_error_handler(old);
    return st;
}

/* ------------------------------------------------------------------ */
/* 3. Front tracking                                                   */

af_status af_ref_curve_alloc(int n, af_ref_curve **out, af_error *err)
{
    if (!out)
        return af_error_set(err, AF_EINVAL, "ref curve: out is NULL");
    *out = NULL;
    if (n < 3 || n > (1 << 26))
        return af_error_set(err, AF_EINVAL, "ref curve: needs 3 .. %d markers, got %d", 1 << 26,
                            n);
    af_ref_curve *c = calloc(1, sizeof *c);
    if (c) {
        c->x = calloc((size_t)n, sizeof *c->x);
        c->y = calloc((size_t)n, sizeof *c->y);
    }
    if (!c || !c->x || !c->y) {
        af_ref_curve_free(c);
        return af_error_set(err, AF_ENOMEM, "ref curve: cannot allocate %d markers", n);
    }
    c->n = c->cap = n;
    *out = c;
    return AF_OK;
}

void af_ref_curve_free(af_ref_curve *c)
{
    if (!c)
        return;
    free(c->x);
    free(c->y);
    free(c);
}

double af_ref_curve_area(const af_ref_curve *c)
{
    double a = 0;
    for (int i = 0; i < c->n; i++) {
        int j = i + 1 == c->n ? 0 : i + 1;
        a += c->x[i] * c->y[j] - c->x[j] * c->y[i];
    }
    return 0.5 * a;
}

double af_ref_curve_length(const af_ref_curve *c)
{
    double l = 0;
    for (int i = 0; i < c->n; i++) {
        int j = i + 1 == c->n ? 0 : i + 1;
        l += hypot(c->x[j] - c->x[i], c->y[j] - c->y[i]);
    }
    return l;
}

/* Put m markers, evenly spaced in chord-length parameter, on the periodic
 * cubic spline through the n markers of (x, y); the result goes to
 * (xo, yo), which may alias (x, y).  s has room for n + 1 values, xs and
 * ys too.  Marker 0 stays where it is.  Fails (AF_EFAILED) if two
 * consecutive markers coincide, since the parameter must increase. */
static af_status redistribute(const double *x, const double *y, int n, double *xo, double *yo,
                              int m, double *s, double *xs, double *ys, af_error *err)
{
    s[0] = 0;
    for (int i = 0; i < n; i++) {
        int j = i + 1 == n ? 0 : i + 1;
        double l = hypot(x[j] - x[i], y[j] - y[i]);
        if (!(l > 0) || !isfinite(l))
            return af_error_set(err, AF_EFAILED,
                                "ref curve flow: markers %d and %d coincide or are not finite "
                                "(the curve pinched or blew up)",
                                i, j);
        s[i + 1] = s[i] + l;
        xs[i] = x[i];
        ys[i] = y[i];
    }
    xs[n] = x[0];
    ys[n] = y[0];
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    gsl_spline *sx = gsl_spline_alloc(gsl_interp_cspline_periodic, (size_t)n + 1);
    gsl_spline *sy = gsl_spline_alloc(gsl_interp_cspline_periodic, (size_t)n + 1);
    gsl_interp_accel *acc = gsl_interp_accel_alloc();
    af_status st = AF_OK;
    if (!sx || !sy || !acc)
        st = af_error_set(err, AF_ENOMEM, "ref curve flow: cannot allocate the GSL splines");
    else if (gsl_spline_init(sx, s, xs, (size_t)n + 1) != GSL_SUCCESS
             || gsl_spline_init(sy, s, ys, (size_t)n + 1) != GSL_SUCCESS)
        st = af_error_set(err, AF_EFAILED, "ref curve flow: GSL spline initialisation failed");
    else {
        double total = s[n];
        for (int k = 0; k < m; k++) {
            double sk = total * k / m;
            xo[k] = gsl_spline_eval(sx, sk, acc);
            yo[k] = gsl_spline_eval(sy, sk, acc);
        }
    }
    gsl_spline_free(sx);
    gsl_spline_free(sy);
    gsl_interp_accel_free(acc);
    gsl_set_error_handler(old);
    return st;
}

static af_status check_shape(const af_shape *s, af_error *err)
{
    if (!s)
        return af_error_set(err, AF_EINVAL, "ref curve: shape is NULL");
    if (s->kind != AF_SHAPE_CIRCLE && s->kind != AF_SHAPE_ELLIPSE && s->kind != AF_SHAPE_STAR) {
        const char *name = af_shape_kind_name(s->kind);
        return af_error_set(err, AF_EUNSUP,
                            "ref curve: shape kind %s has no parametric boundary (circle, "
                            "ellipse or star only)",
                            name ? name : "(unknown)");
    }
    return af_shape_params_check(s, err);
}

af_status af_ref_curve_from_shape(const af_shape *s, int npoints, af_ref_curve **out,
                                  af_error *err)
{
    if (!out)
        return af_error_set(err, AF_EINVAL, "ref curve: out is NULL");
    *out = NULL;
    af_status st = check_shape(s, err);
    if (st != AF_OK)
        return st;
    if (npoints < 8 || npoints > (1 << 22))
        return af_error_set(err, AF_EINVAL, "ref curve: needs 8 .. %d markers, got %d", 1 << 22,
                            npoints);
    /* Sample 8x finer in the shape's angle parameter, then resample evenly
     * by arclength on the spline through those samples. */
    int nf = 8 * npoints;
    double *buf = malloc(5 * ((size_t)nf + 1) * sizeof *buf);
    if (!buf)
        return af_error_set(err, AF_ENOMEM, "ref curve: cannot allocate %d samples", nf);
    double *fx = buf, *fy = fx + nf + 1, *sp = fy + nf + 1, *xs = sp + nf + 1, *ys = xs + nf + 1;
    double th = s->angle * (AF_PI / 180.0), ca = cos(th), sa = sin(th);
    for (int k = 0; k < nf; k++) {
        double phi = 2 * AF_PI * k / nf, u, v;
        if (s->kind == AF_SHAPE_ELLIPSE) {
            u = s->axes[0] * cos(phi);
            v = s->axes[1] * sin(phi);
        } else {
            double r = s->radius + (s->kind == AF_SHAPE_STAR
                                        ? s->amplitude * cos(s->points * phi)
                                        : 0);
            u = r * cos(phi);
            v = r * sin(phi);
        }
        /* Local frame to the box, as in af_shape_mask: x = c + R(angle) (u, v). */
        fx[k] = s->center[0] + ca * u - sa * v;
        fy[k] = s->center[1] + sa * u + ca * v;
    }
    af_ref_curve *c = NULL;
    st = af_ref_curve_alloc(npoints, &c, err);
    if (st == AF_OK)
        st = redistribute(fx, fy, nf, c->x, c->y, npoints, sp, xs, ys, err);
    free(buf);
    if (st != AF_OK) {
        af_ref_curve_free(c);
        return st;
    }
    *out = c;
    return AF_OK;
}

/* Marker velocities: vx, vy <- kvec - (grad log rho . nu) nu.
 * kvec is the curvature vector of the circle through p_{i-1}, p_i, p_{i+1}
 * (length 1/R, towards the centre; 0 on a straight line), written without
 * dividing by the cross product:
 *   kvec = 2 (a x b) (b_y |a|^2 - a_y |b|^2, a_x |b|^2 - b_x |a|^2)
 *          / (|a|^2 |b|^2 |a - b|^2),  a = p_{i-1} - p_i, b = p_{i+1} - p_i.
 * On a counter-clockwise curve it points inwards where the curve is convex,
 * so markers move inwards with speed kappa: V = kappa.  nu is the outer
 * normal of the chord p_{i+1} - p_{i-1} (to the right of it).
 * Returns the largest |grad log rho| seen (for the time step). */
static double velocity(const af_density *d, const double *x, const double *y, int n, double *vx,
                       double *vy)
{
    double gmax = 0;
    for (int i = 0; i < n; i++) {
        int im = i == 0 ? n - 1 : i - 1, ip = i + 1 == n ? 0 : i + 1;
        double ax = x[im] - x[i], ay = y[im] - y[i], bx = x[ip] - x[i], by = y[ip] - y[i];
        double a2 = ax * ax + ay * ay, b2 = bx * bx + by * by;
        double cx = ax - bx, cy = ay - by, c2 = cx * cx + cy * cy;
        double cross = ax * by - ay * bx;
        double f = 2 * cross / (a2 * b2 * c2);
        double kx = f * (by * a2 - ay * b2), ky = f * (ax * b2 - bx * a2);
        double tx = -cx, ty = -cy, tl = sqrt(c2); /* chord p_{i+1} - p_{i-1} */
        double nx = ty / tl, ny = -tx / tl;
        double g[2];
        grad_log_rho(d, x[i], y[i], g);
        double gn = g[0] * nx + g[1] * ny, gl = hypot(g[0], g[1]);
        if (gl > gmax)
            gmax = gl;
        vx[i] = kx - gn * nx;
        vy[i] = ky - gn * ny;
    }
    return gmax;
}

static void spacing(const double *x, const double *y, int n, double *hmin, double *hmax,
                    double *len)
{
    double lo = INFINITY, hi = 0, sum = 0;
    for (int i = 0; i < n; i++) {
        int j = i + 1 == n ? 0 : i + 1;
        double l = hypot(x[j] - x[i], y[j] - y[i]);
        lo = l < lo ? l : lo;
        hi = l > hi ? l : hi;
        sum += l;
    }
    *hmin = lo;
    *hmax = hi;
    *len = sum;
}

/* Spacing drift that triggers a redistribution, smallest marker count after
 * coarsening, and the bound on steps that turns a stuck flow into an error. */
#define REF_DRIFT 1.05
#define REF_MIN_MARKERS 16
#define REF_MAX_STEPS 50000000L

af_status af_ref_curve_flow(af_ref_curve *c, const af_density *d, double t_end, af_error *err)
{
    if (!c || !c->x || !c->y || c->n > c->cap)
        return af_error_set(err, AF_EINVAL, "ref curve flow: curve is NULL or inconsistent");
    af_status st = check_density(d, err);
    if (st != AF_OK)
        return st;
    if (!(t_end >= 0) || !isfinite(t_end))
        return af_error_set(err, AF_EINVAL, "ref curve flow: t_end must be finite and >= 0, got %g",
                            t_end);
    if (c->n == 0 || t_end == 0)
        return AF_OK; /* vanished, or nothing to do */
    if (c->n < 3)
        return af_error_set(err, AF_EINVAL, "ref curve flow: needs >= 3 markers, got %d", c->n);
    for (int i = 0; i < c->n; i++)
        if (!isfinite(c->x[i]) || !isfinite(c->y[i]))
            return af_error_set(err, AF_EINVAL, "ref curve flow: marker %d is not finite", i);
    if (af_ref_curve_area(c) < 0)
        for (int i = 0, j = c->n - 1; i < j; i++, j--) {
            double tx = c->x[i], ty = c->y[i];
            c->x[i] = c->x[j];
            c->y[i] = c->y[j];
            c->x[j] = tx;
            c->y[j] = ty;
        }

    /* Scratch: stage positions, four RK4 slopes (x and y), spline nodes. */
    size_t m = (size_t)c->cap + 1;
    double *buf = malloc(13 * m * sizeof *buf);
    if (!buf)
        return af_error_set(err, AF_ENOMEM, "ref curve flow: cannot allocate scratch for %d markers",
                            c->cap);
    double *px = buf, *py = px + m, *k1x = py + m, *k1y = k1x + m, *k2x = k1y + m,
           *k2y = k2x + m, *k3x = k2y + m, *k3y = k3x + m, *k4x = k3y + m, *k4y = k4x + m,
           *sp = k4y + m, *xs = sp + m, *ys = xs + m;

    double *x = c->x, *y = c->y;
    int n = c->n;
    double hmin, hmax, len0;
    spacing(x, y, n, &hmin, &hmax, &len0);
    /* Start evenly spaced: the curvature formula is second order only then. */
    st = redistribute(x, y, n, x, y, n, sp, xs, ys, err);
    double href = len0 / n; /* mean spacing at which n markers were chosen */
    double t = 0;
    long steps = 0;
    while (st == AF_OK && t < t_end) {
        double len;
        spacing(x, y, n, &hmin, &hmax, &len);
        if (len < 1e-4 * len0) {
            n = 0; /* vanished: the remaining time is below (1e-4 L0)^2 / (8 pi^2) */
            break;
        }
        /* Halve the markers when the mean spacing has halved, so that dt,
         * which scales with the spacing squared, does not collapse. */
        if (len / n < 0.5 * href && n / 2 >= REF_MIN_MARKERS) {
            st = redistribute(x, y, n, x, y, n / 2, sp, xs, ys, err);
            n /= 2;
            href = len / n;
            spacing(x, y, n, &hmin, &hmax, &len);
        } else if (hmax > REF_DRIFT * hmin) {
            st = redistribute(x, y, n, x, y, n, sp, xs, ys, err);
            spacing(x, y, n, &hmin, &hmax, &len);
        }
        if (st != AF_OK)
            break;
        if (++steps > REF_MAX_STEPS) {
            st = af_error_set(err, AF_EFAILED,
                              "ref curve flow: more than %ld steps at t = %g (markers stuck?)",
                              REF_MAX_STEPS, t);
            break;
        }
        double gmax = velocity(d, x, y, n, k1x, k1y);
        /* Explicit stability: diffusion (eigenvalues up to 4 / h^2, RK4 is
         * stable to 2.78 / |lambda|) and transport by grad log rho. */
        double dt = 0.2 * hmin * hmin;
        if (gmax > 0 && 0.2 * hmin / gmax < dt)
            dt = 0.2 * hmin / gmax;
        if (t + dt > t_end)
            dt = t_end - t;
        for (int i = 0; i < n; i++) {
            px[i] = x[i] + 0.5 * dt * k1x[i];
            py[i] = y[i] + 0.5 * dt * k1y[i];
        }
        velocity(d, px, py, n, k2x, k2y);
        for (int i = 0; i < n; i++) {
            px[i] = x[i] + 0.5 * dt * k2x[i];
            py[i] = y[i] + 0.5 * dt * k2y[i];
        }
        velocity(d, px, py, n, k3x, k3y);
        for (int i = 0; i < n; i++) {
            px[i] = x[i] + dt * k3x[i];
            py[i] = y[i] + dt * k3y[i];
        }
        velocity(d, px, py, n, k4x, k4y);
        for (int i = 0; i < n; i++) {
            x[i] += dt / 6 * (k1x[i] + 2 * k2x[i] + 2 * k3x[i] + k4x[i]);
            y[i] += dt / 6 * (k1y[i] + 2 * k2y[i] + 2 * k3y[i] + k4y[i]);
            if (!isfinite(x[i]) || !isfinite(y[i])) {
                st = af_error_set(err, AF_EFAILED,
                                  "ref curve flow: marker %d is not finite at t = %g", i, t);
                break;
            }
        }
        t = t + dt >= t_end ? t_end : t + dt;
    }
    free(buf);
    c->n = st == AF_OK ? n : c->n;
    return st;
}

/* ------------------------------------------------------------------ */
/* 4. Mask vs curve                                                    */

static af_status check_mask_args(const af_grid *g, const uint8_t *mask, const af_ref_curve *c,
                                 const void *out, const char *what, af_error *err)
{
    if (!g || !mask || !c || !out)
        return af_error_set(err, AF_EINVAL, "%s: NULL argument", what);
    if (g->dim != 2 || g->n < 1 || !(g->dx > 0))
        return af_error_set(err, AF_EINVAL, "%s: needs an initialised 2D grid", what);
    if (c->n < 3 || !c->x || !c->y)
        return af_error_set(err, AF_EINVAL, "%s: the curve needs >= 3 markers, has %d", what, c->n);
    return AF_OK;
}

/* Squared distance from (px, py) to the segment (ax, ay)-(bx, by). */
static double seg_dist2(double px, double py, double ax, double ay, double bx, double by)
{
    double ux = bx - ax, uy = by - ay, wx = px - ax, wy = py - ay;
    double l2 = ux * ux + uy * uy, s = l2 > 0 ? (wx * ux + wy * uy) / l2 : 0;
    s = s < 0 ? 0 : s > 1 ? 1 : s;
    double dx = wx - s * ux, dy = wy - s * uy;
    return dx * dx + dy * dy;
}

af_status af_ref_hausdorff(const af_grid *g, const uint8_t *mask, const af_ref_curve *c,
                           double *dist, af_error *err)
{
    af_status st = check_mask_args(g, mask, c, dist, "ref hausdorff", err);
    if (st != AF_OK)
        return st;
    int n = g->n;
    double dx = g->dx;
    /* Boundary points: each cell contributes its edges whose neighbour is
     * outside (or beyond the box).  Two passes: count, then fill. */
    size_t nb = 0;
    double *bx = NULL, *by = NULL;
    for (int pass = 0; pass < 2; pass++) {
        size_t k = 0;
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) {
                if (!mask[(size_t)j * n + i])
                    continue;
                static const int di[4] = {1, -1, 0, 0}, dj[4] = {0, 0, 1, -1};
                for (int e = 0; e < 4; e++) {
                    int ii = i + di[e], jj = j + dj[e];
                    int out = ii < 0 || ii >= n || jj < 0 || jj >= n || !mask[(size_t)jj * n + ii];
                    if (!out)
                        continue;
                    if (pass == 1) {
                        bx[k] = af_grid_center(g, i) + 0.5 * dx * di[e];
                        by[k] = af_grid_center(g, j) + 0.5 * dx * dj[e];
                    }
                    k++;
                }
            }
        if (pass == 0) {
            nb = k;
            if (nb == 0)
                return af_error_set(err, AF_EINVAL, "ref hausdorff: the mask has no boundary "
                                                    "(empty)");
            bx = malloc(2 * nb * sizeof *bx);
            if (!bx)
                return af_error_set(err, AF_ENOMEM, "ref hausdorff: cannot allocate %zu points", nb);
            by = bx + nb;
        }
    }
    int m = c->n;
    double worst = 0;
    /* Mask boundary -> polygon, exact point-to-segment distances. */
    for (size_t k = 0; k < nb; k++) {
        double best = INFINITY;
        for (int i = 0; i < m; i++) {
            int j = i + 1 == m ? 0 : i + 1;
            double d2 = seg_dist2(bx[k], by[k], c->x[i], c->y[i], c->x[j], c->y[j]);
            best = d2 < best ? d2 : best;
        }
        worst = best > worst ? best : worst;
    }
    /* Polygon -> mask boundary, the polygon sampled every dx / 8 at most. */
    for (int i = 0; i < m; i++) {
        int j = i + 1 == m ? 0 : i + 1;
        double ex = c->x[j] - c->x[i], ey = c->y[j] - c->y[i];
        int ns = (int)ceil(hypot(ex, ey) / (dx / 8));
        ns = ns < 1 ? 1 : ns;
        for (int s = 0; s < ns; s++) {
            double px = c->x[i] + ex * s / ns, py = c->y[i] + ey * s / ns, best = INFINITY;
            for (size_t k = 0; k < nb; k++) {
                double d2 = (px - bx[k]) * (px - bx[k]) + (py - by[k]) * (py - by[k]);
                best = d2 < best ? d2 : best;
            }
            worst = best > worst ? best : worst;
        }
    }
    free(bx);
    *dist = sqrt(worst) / dx;
    return AF_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double u = *(const double *)a, v = *(const double *)b;
    return (u > v) - (u < v);
}

af_status af_ref_symdiff_area(const af_grid *g, const uint8_t *mask, const af_ref_curve *c,
                              double *cells, af_error *err)
{
    af_status st = check_mask_args(g, mask, c, cells, "ref symdiff", err);
    if (st != AF_OK)
        return st;
    int n = g->n, m = c->n;
    double *xc = malloc((size_t)m * sizeof *xc);
    if (!xc)
        return af_error_set(err, AF_ENOMEM, "ref symdiff: cannot allocate %d crossings", m);
    size_t count = 0;
    /* Scanlines through the cell centres: an edge counts when it crosses
     * y_j with one end strictly above and the other at or below (half-open
     * rule, so a vertex on the line is counted once).  Between crossings
     * 2q and 2q+1 is inside (even-odd). */
    for (int j = 0; j < n; j++) {
        double yj = af_grid_center(g, j);
        int nc = 0;
        for (int i = 0; i < m; i++) {
            int k = i + 1 == m ? 0 : i + 1;
            double y0 = c->y[i], y1 = c->y[k];
            if ((y0 > yj) != (y1 > yj))
                xc[nc++] = c->x[i] + (yj - y0) * (c->x[k] - c->x[i]) / (y1 - y0);
        }
        qsort(xc, (size_t)nc, sizeof *xc, cmp_double);
        int q = 0;
        for (int i = 0; i < n; i++) {
            double xi = af_grid_center(g, i);
            while (q < nc && xc[q] <= xi)
                q++;
            int in_poly = q & 1;
            count += in_poly != (mask[(size_t)j * n + i] != 0);
        }
    }
    free(xc);
    *cells = (double)count;
    return AF_OK;
}
