/* advflow validation study: runs the exact minimizing-movements scheme on
 * cases with known answers (docs/theory.md section 2), compares with the exact
 * laws, the implicit step's own recursion, front tracking, and MBO, and
 * writes docs/validation.md and PNG plots into docs/img/validation/.
 * Run from the repository root (make validate).  Progress and timings go
 * to stderr.  GPL-3.0-or-later. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <gsl/gsl_fit.h>
#include <png.h>

#include "advflow/advflow.h"

#define PI 3.14159265358979323846
#define MD_PATH "docs/validation.md"
#define IMG_DIR "docs/img/validation"

/* ------------------------------------------------------------------ util */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "validate: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die("out of memory");
    return p;
}

typedef struct {
    af_grid g;
    size_t cells;
    double *rho0, *rho1;
    uint8_t *a, *b;
} field;

static void field_init(field *f, int n, double lo, double hi)
{
    af_error err;
    if (af_grid_init(&f->g, 2, n, lo, hi, AF_EDGE_CLAMP, &err) != AF_OK)
        die("grid: %s", err.msg);
    f->cells = af_grid_cells(&f->g);
    f->rho0 = xmalloc(f->cells * sizeof(double));
    f->rho1 = xmalloc(f->cells * sizeof(double));
    f->a = xmalloc(f->cells);
    f->b = xmalloc(f->cells);
    for (size_t x = 0; x < f->cells; x++)
        f->rho0[x] = f->rho1[x] = 0.5;
}

/* rho = d, split evenly between the classes */
static void field_density(field *f, const af_density *d)
{
    af_error err;
    if (af_density_fill(&f->g, d, f->rho0, &err) != AF_OK)
        die("density: %s", err.msg);
    for (size_t x = 0; x < f->cells; x++)
        f->rho1[x] = f->rho0[x] *= 0.5;
}

static void field_shape(field *f, const af_shape *s)
{
    af_error err;
    if (af_shape_mask(&f->g, s, f->a, &err) != AF_OK)
        die("shape: %s", err.msg);
}

static void field_free(field *f)
{
    free(f->rho0);
    free(f->rho1);
    free(f->a);
    free(f->b);
}

static size_t count(const field *f, const uint8_t *m)
{
    size_t c = 0;
    for (size_t x = 0; x < f->cells; x++)
        c += m[x] != 0;
    return c;
}

static double area(const field *f, const uint8_t *m)
{
    return (double)count(f, m) * f->g.dx * f->g.dx;
}

static void centroid(const field *f, const uint8_t *m, double c[2])
{
    double s0 = 0, sx = 0, sy = 0;
    int n = f->g.n;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
            if (m[(size_t)j * n + i]) {
                s0 += 1;
                sx += af_grid_center(&f->g, i);
                sy += af_grid_center(&f->g, j);
            }
    c[0] = s0 > 0 ? sx / s0 : NAN;
    c[1] = s0 > 0 ? sy / s0 : NAN;
}

static af_mm_plan *plan_mm(const field *f, af_norm norm, double eps_cells, double h, double p,
                           af_sdist_kind sd)
{
    af_mm_params prm;
    af_mm_params_default(&prm);
    prm.norm = norm;
    prm.eps = eps_cells * f->g.dx;
    prm.h = h;
    prm.p = p;
    prm.sdist = sd;
    af_error err;
    af_mm_plan *pl = af_mm_plan_create(&f->g, &prm, f->rho0, f->rho1, &err);
    if (!pl)
        die("plan: %s", err.msg);
    return pl;
}

/* one step a -> a (via b); returns ms */
static double step_mm(af_mm_plan *pl, field *f)
{
    af_error err;
    double t0 = now_s();
    if (af_mm_plan_step(pl, f->a, f->b, NULL, &err) != AF_OK)
        die("step: %s", err.msg);
    memcpy(f->a, f->b, f->cells);
    return 1e3 * (now_s() - t0);
}

static int steps_to(double t_end, double h)
{
    int k = (int)ceil(t_end / h - 1e-9);
    return k < 1 ? 1 : k;
}

/* steps whose times k h lie in [0, t_end] */
static int steps_within(double t_end, double h)
{
    int k = (int)floor(t_end / h + 1e-9);
    return k < 1 ? 1 : k;
}

static int steps_near(double t_end, double h)
{
    int k = (int)floor(t_end / h + 0.5);
    return k < 1 ? 1 : k;
}

/* ----------------------------------------------------------------- plots */

#define PW 720
#define PH 480
#define ML 78
#define MR 20
#define MT 20
#define MB 46

typedef struct {
    uint8_t px[PH][PW][3];
} canvas;

static void put(canvas *c, int x, int y, uint32_t rgb)
{
    if (x < 0 || y < 0 || x >= PW || y >= PH)
        return;
    c->px[y][x][0] = (uint8_t)(rgb >> 16);
    c->px[y][x][1] = (uint8_t)(rgb >> 8);
    c->px[y][x][2] = (uint8_t)rgb;
}

static void line(canvas *c, double x0, double y0, double x1, double y1, uint32_t rgb, int dashed,
                 int thick)
{
    double dx = x1 - x0, dy = y1 - y0, len = sqrt(dx * dx + dy * dy);
    int n = (int)ceil(len * 2) + 1;
    for (int k = 0; k <= n; k++) {
        double s = (double)k / n;
        if (dashed && ((int)(s * len / 6) % 2))
            continue;
        int x = (int)lround(x0 + s * dx), y = (int)lround(y0 + s * dy);
        for (int a = 0; a < thick; a++)
            for (int b = 0; b < thick; b++)
                put(c, x + a - thick / 2, y + b - thick / 2, rgb);
    }
}

/* 3x5 font for tick labels */
static const char *font_chars = "0123456789.-e+";
static const uint16_t font_bits[] = {
    0x7B6F, 0x2C97, 0x73E7, 0x73CF, 0x5BC9, 0x79CF, 0x79EF, 0x7249, 0x7BEF, 0x7BCF,
    0x0002, 0x01C0, 0x0BE7, 0x05D0,
};

static void text(canvas *c, int x, int y, const char *s, uint32_t rgb)
{
    const int sc = 2;
    for (; *s; s++, x += 4 * sc) {
        const char *p = strchr(font_chars, *s);
        if (!p)
            continue;
        uint16_t bits = font_bits[p - font_chars];
        for (int r = 0; r < 5; r++)
            for (int q = 0; q < 3; q++)
                if (bits & (1u << (14 - (r * 3 + q))))
                    for (int a = 0; a < sc; a++)
                        for (int b = 0; b < sc; b++)
                            put(c, x + q * sc + a, y + r * sc + b, rgb);
    }
}

typedef struct {
    const double *x, *y;
    int n;
    uint32_t rgb;
    int dashed, markers, noline;
} series;

typedef struct {
    double x0, x1, y0, y1;
    int logx, logy;
} axes;

static double tx(const axes *ax, double x)
{
    double v = ax->logx ? log10(x) : x, a = ax->logx ? log10(ax->x0) : ax->x0,
           b = ax->logx ? log10(ax->x1) : ax->x1;
    return ML + (v - a) / (b - a) * (PW - ML - MR);
}

static double ty(const axes *ax, double y)
{
    double v = ax->logy ? log10(y) : y, a = ax->logy ? log10(ax->y0) : ax->y0,
           b = ax->logy ? log10(ax->y1) : ax->y1;
    return PH - MB - (v - a) / (b - a) * (PH - MT - MB);
}

static void plot(const char *path, const axes *ax, const series *s, int ns)
{
    canvas *c = xmalloc(sizeof *c);
    memset(c, 255, sizeof *c);
    uint32_t k = 0x000000, grey = 0xDDDDDD;
    /* ticks and grid */
    for (int q = 0; q <= 5; q++) {
        double fx, fy;
        if (ax->logx)
            fx = pow(10, log10(ax->x0) + q * (log10(ax->x1) - log10(ax->x0)) / 5);
        else
            fx = ax->x0 + q * (ax->x1 - ax->x0) / 5;
        if (ax->logy)
            fy = pow(10, log10(ax->y0) + q * (log10(ax->y1) - log10(ax->y0)) / 5);
        else
            fy = ax->y0 + q * (ax->y1 - ax->y0) / 5;
        double X = tx(ax, fx), Y = ty(ax, fy);
        line(c, X, MT, X, PH - MB, grey, 0, 1);
        line(c, ML, Y, PW - MR, Y, grey, 0, 1);
        line(c, X, PH - MB, X, PH - MB + 5, k, 0, 1);
        line(c, ML - 5, Y, ML, Y, k, 0, 1);
        char buf[32];
        snprintf(buf, sizeof buf, "%.2g", fx);
        text(c, (int)X - 4 * (int)strlen(buf), PH - MB + 10, buf, k);
        snprintf(buf, sizeof buf, "%.3g", fy);
        text(c, ML - 10 - 8 * (int)strlen(buf), (int)Y - 5, buf, k);
    }
    line(c, ML, MT, ML, PH - MB, k, 0, 1);
    line(c, ML, PH - MB, PW - MR, PH - MB, k, 0, 1);
    line(c, PW - MR, MT, PW - MR, PH - MB, k, 0, 1);
    line(c, ML, MT, PW - MR, MT, k, 0, 1);
    for (int q = 0; q < ns; q++) {
        for (int i = 0; i < s[q].n; i++) {
            double X = tx(ax, s[q].x[i]), Y = ty(ax, s[q].y[i]);
            if (!isfinite(X) || !isfinite(Y))
                continue;
            if (i > 0 && !s[q].noline) {
                double X0 = tx(ax, s[q].x[i - 1]), Y0 = ty(ax, s[q].y[i - 1]);
                if (isfinite(X0) && isfinite(Y0))
                    line(c, X0, Y0, X, Y, s[q].rgb, s[q].dashed, 2);
            }
            if (s[q].markers)
                for (int a = -3; a <= 3; a++)
                    for (int b = -3; b <= 3; b++)
                        put(c, (int)lround(X) + a, (int)lround(Y) + b, s[q].rgb);
        }
    }
    png_image im;
    memset(&im, 0, sizeof im);
    im.version = PNG_IMAGE_VERSION;
    im.width = PW;
    im.height = PH;
    im.format = PNG_FORMAT_RGB;
    if (!png_image_write_to_file(&im, path, 0, c->px, PW * 3, NULL))
        die("cannot write %s: %s", path, im.message);
    free(c);
    fprintf(stderr, "  wrote %s\n", path);
}

/* ------------------------------------------------------------- section 1 */

#define MAXK 64
typedef struct {
    int n;
    af_sdist_kind sd;
    double eps_cells, h, dx;
    int k;
    double t, rate, rate_rec, ms_step, secs;
    double tt[MAXK + 1], r2[MAXK + 1];
    double h_cells, aniso; /* h in dx; af_ball_anisotropy of the plan's ball */
    int stalled;           /* steps in which the area did not change */
    double round;          /* Hausdorff distance of the final mask to the circle of its
                              area about the centre, cells: out-of-roundness */
} circ_run;

/* circle r0 = 0.6 at n, eps = eps_cells dx, h = h_cells dx, to the last
 * step time <= 0.1 */
static void run_circle_eh(circ_run *R, int n, af_sdist_kind sd, double eps_cells, double h_cells)
{
    double t0 = now_s();
    field f;
    field_init(&f, n, -1, 1);
    af_shape s = {.kind = AF_SHAPE_CIRCLE, .radius = 0.6};
    field_shape(&f, &s);
    R->n = n;
    R->sd = sd;
    R->dx = f.g.dx;
    R->eps_cells = eps_cells;
    R->h_cells = h_cells;
    R->h = h_cells * f.g.dx;
    R->k = steps_within(0.1, R->h);
    if (R->k > MAXK)
        die("circle: %d steps > MAXK", R->k);
    af_mm_plan *pl = plan_mm(&f, AF_NORM_2, eps_cells, R->h, 1, sd);
    R->aniso = af_ball_anisotropy(af_mm_plan_ball(pl));
    double a0 = area(&f, f.a), a = a0, ms = 0;
    R->tt[0] = 0;
    R->r2[0] = a0 / PI;
    R->stalled = 0;
    for (int q = 1; q <= R->k; q++) {
        ms += step_mm(pl, &f);
        double an = area(&f, f.a);
        R->stalled += an == a;
        a = an;
        R->tt[q] = q * R->h;
        R->r2[q] = a / PI;
    }
    R->t = R->k * R->h;
    R->rate = (a0 - a) / R->t / (2 * PI);
    double r = sqrt(a0 / PI);
    for (int q = 0; q < R->k; q++)
        r = af_ref_circle_implicit_step(r, R->h);
    R->rate_rec = (a0 - PI * r * r) / R->t / (2 * PI);
    R->ms_step = ms / R->k;
    R->round = NAN;
    if (a > 0) {
        af_error err;
        af_shape cs = {.kind = AF_SHAPE_CIRCLE, .radius = sqrt(a / PI)};
        af_ref_curve *c;
        if (af_ref_curve_from_shape(&cs, 1024, &c, &err) != AF_OK)
            die("circle curve: %s", err.msg);
        if (af_ref_hausdorff(&f.g, f.a, c, &R->round, &err) != AF_OK)
            die("circle hausdorff: %s", err.msg);
        af_ref_curve_free(c);
    }
    af_mm_plan_free(pl);
    field_free(&f);
    R->secs = now_s() - t0;
    fprintf(stderr, "  circle n=%d eps=%g h=%g cells (aniso %.3f): %d steps, rate/2pi %.4f "
                    "(recursion %.4f), %d stalled, out-of-round %.2f cells, %.0f ms/step, %.1f s\n",
            n, eps_cells, h_cells, R->aniso, R->k, R->rate, R->rate_rec, R->stalled, R->round,
            R->ms_step, R->secs);
}

/* The refinement path of section 1: eps = h = 4 dx. */
static void run_circle(circ_run *R, int n, af_sdist_kind sd)
{
    run_circle_eh(R, n, sd, 4, 4);
}

/* ------------------------------------------------------------- section 2 */

typedef struct {
    const char *label; /* MBO rows only */
    int n;
    double eps_cells, h, t; /* eps_cells = 0 for MBO */
    int k;
    double aniso, gap_deg; /* af_ball_anisotropy, af_ball_normal_gap in degrees */
    double haus, symd, secs, ms_step;
    double tip, side; /* mask half-extent minus reference half-extent along x, y, cells */
} ell_run;

static const af_shape ellipse_shape = {.kind = AF_SHAPE_ELLIPSE, .axes = {0.7, 0.35}};

/* The front-tracking reference of shape s (1024 markers) flowed to time t
 * under uniform rho.  Most ellipse runs end at t = 0.05 exactly, the star's
 * at h = 1 dx at one t, and a reference takes about a second, so the last
 * one is kept: the curve is borrowed, valid until the next call with
 * another shape or t. */
static const af_ref_curve *reference(const af_shape *s, double t)
{
    static af_ref_curve *c;
    static const af_shape *cs;
    static double ct;
    if (c && s == cs && t == ct)
        return c;
    af_ref_curve_free(c);
    af_error err;
    if (af_ref_curve_from_shape(s, 1024, &c, &err) != AF_OK)
        die("curve: %s", err.msg);
    af_density u = {.kind = AF_DENSITY_UNIFORM, .value = 1};
    if (af_ref_curve_flow(c, &u, t, &err) != AF_OK)
        die("curve flow: %s", err.msg);
    cs = s;
    ct = t;
    return c;
}

static void compare_ellipse(ell_run *E, const field *f, const uint8_t *m)
{
    af_error err;
    const af_ref_curve *c = reference(&ellipse_shape, E->t);
    if (af_ref_hausdorff(&f->g, m, c, &E->haus, &err) != AF_OK)
        die("hausdorff: %s", err.msg);
    if (af_ref_symdiff_area(&f->g, m, c, &E->symd, &err) != AF_OK)
        die("symdiff: %s", err.msg);
    double xm = 0, ym = 0;
    for (int i = 0; i < c->n; i++) {
        xm = fmax(xm, fabs(c->x[i]));
        ym = fmax(ym, fabs(c->y[i]));
    }
    int bb[4];
    af_grid_mask_bbox(&f->g, m, bb);
    E->tip = ((bb[1] - bb[0] + 1) * f->g.dx / 2 - xm) / f->g.dx;
    E->side = ((bb[3] - bb[2] + 1) * f->g.dx / 2 - ym) / f->g.dx;
}

/* the ellipse at n with eps = eps_cells dx, k steps of h, compared at t = k h */
static void run_ellipse_mm(ell_run *E, int n, double eps_cells, double h, int k)
{
    double t0 = now_s();
    field f;
    field_init(&f, n, -1, 1);
    field_shape(&f, &ellipse_shape);
    E->label = NULL;
    E->n = n;
    E->eps_cells = eps_cells;
    E->h = h;
    E->k = k;
    E->t = k * h;
    af_mm_plan *pl = plan_mm(&f, AF_NORM_2, eps_cells, E->h, 1, AF_SDIST_SUBCELL);
    E->aniso = af_ball_anisotropy(af_mm_plan_ball(pl));
    E->gap_deg = af_ball_normal_gap(af_mm_plan_ball(pl)) * 180 / PI;
    double ms = 0;
    for (int q = 0; q < E->k; q++)
        ms += step_mm(pl, &f);
    E->ms_step = ms / E->k;
    compare_ellipse(E, &f, f.a);
    af_mm_plan_free(pl);
    field_free(&f);
    E->secs = now_s() - t0;
    fprintf(stderr, "  ellipse n=%d eps=%.2f cells (gap %.1f deg) h=%.2f cells: %d steps to t=%.4f, "
                    "Hausdorff %.2f cells, symdiff %.0f cells, tip %+.2f side %+.2f, %.1f s\n",
            n, eps_cells, E->gap_deg, h / f.g.dx, E->k, E->t, E->haus, E->symd, E->tip, E->side,
            E->secs);
}

/* the ellipse compared at t = 0.05 exactly: h = 0.05 / k */
static void run_ellipse_05(ell_run *E, int n, double eps_cells, int k)
{
    run_ellipse_mm(E, n, eps_cells, 0.05 / k, k);
}

/* ------------------------------------------------------------- section 7 */

typedef struct {
    double sig_cells, h;
    int k;
    double t, rate, ms_step, secs;
    double ttraj[8], r2traj[8];
    int ntraj;
} mbo_circ;

static af_mbo *mbo_make(const field *f, double h)
{
    af_error err;
    af_mbo *m = af_mbo_alloc(&f->g, h, NULL, &err);
    if (!m)
        die("mbo: %s", err.msg);
    return m;
}

static void run_mbo_circle(mbo_circ *M, double sig_cells)
{
    field f;
    field_init(&f, 512, -1, 1);
    af_shape s = {.kind = AF_SHAPE_CIRCLE, .radius = 0.6};
    field_shape(&f, &s);
    M->sig_cells = sig_cells;
    double sig = sig_cells * f.g.dx;
    M->h = sig * sig / 2;
    M->k = steps_to(0.1, M->h);
    af_mbo *m = mbo_make(&f, M->h);
    double a0 = area(&f, f.a);
    double t0 = now_s();
    for (int q = 0; q < M->k; q++)
        af_mbo_step(m, f.a, f.a);
    M->secs = now_s() - t0;
    M->ms_step = 1e3 * M->secs / M->k;
    M->t = M->k * M->h;
    M->rate = (a0 - area(&f, f.a)) / M->t / (2 * PI);
    af_mbo_free(m);
    field_free(&f);
    fprintf(stderr, "  MBO circle sigma=%g cells: %d steps, rate/2pi %.4f, %.2f ms/step, %.2f s\n",
            sig_cells, M->k, M->rate, M->ms_step, M->secs);
}

static void run_mbo_ellipse(ell_run *E, const char *label, double sig_cells)
{
    field f;
    field_init(&f, 512, -1, 1);
    field_shape(&f, &ellipse_shape);
    double sig = sig_cells * f.g.dx;
    E->label = label;
    E->n = 512;
    E->eps_cells = E->aniso = E->gap_deg = 0;
    E->h = sig * sig / 2;
    E->k = steps_near(0.05, E->h);
    E->t = E->k * E->h;
    af_mbo *m = mbo_make(&f, E->h);
    double t0 = now_s();
    for (int q = 0; q < E->k; q++)
        af_mbo_step(m, f.a, f.a);
    E->secs = now_s() - t0;
    E->ms_step = 1e3 * E->secs / E->k;
    compare_ellipse(E, &f, f.a);
    af_mbo_free(m);
    field_free(&f);
    fprintf(stderr, "  MBO ellipse %s: %d steps to t=%.4f, Hausdorff %.2f cells, symdiff %.0f\n", label,
            E->k, E->t, E->haus, E->symd);
}

/* ------------------------------------------------------------- section 8 */

typedef struct {
    af_sdist_kind sd;
    int n, k;
    double dx, h, t, rate, rate_ref, haus, symd, haus0, symd0, ms_step, secs;
    double iso0, iso1, a0_ref, a1_ref; /* front tracking: 4 pi A / L^2, areas */
    int haus_ok;                       /* 0 when af_ref_hausdorff failed */
    /* mean radius along the 5 tip (theta = 2 pi j / 5) and 5 valley rays,
     * mask (where the ray leaves the mask) and front tracking, at the end */
    double tip_m, tip_r, val_m, val_r;
    double rad_max, rad_th; /* max over 720 rays of |r_mask - r_ref| (cells), at angle (deg) */
    double eps_cells, gap_deg; /* ball radius, af_ball_normal_gap in degrees */
} star_run;

/* largest distance from the origin at which the ray at angle th crosses the polygon */
static double ray_poly(const af_ref_curve *c, double th)
{
    double ux = cos(th), uy = sin(th), best = 0;
    for (int i = 0; i < c->n; i++) {
        int j = (i + 1) % c->n;
        double ax = c->x[i], ay = c->y[i], bx = c->x[j] - ax, by = c->y[j] - ay;
        double den = ux * by - uy * bx;
        if (fabs(den) < 1e-15)
            continue;
        double t = (ax * by - ay * bx) / den, s = (ax * uy - ay * ux) / den;
        if (s >= 0 && s <= 1 && t > best)
            best = t;
    }
    return best;
}

/* distance from the origin at which the ray at angle th first leaves the mask */
static double ray_mask(const field *f, const uint8_t *m, double th)
{
    double step = f->g.dx / 16;
    int n = f->g.n;
    for (double r = 0;; r += step) {
        double x = r * cos(th), y = r * sin(th);
        int i = (int)floor((x - f->g.lo) / f->g.dx), j = (int)floor((y - f->g.lo) / f->g.dx);
        if (i < 0 || j < 0 || i >= n || j >= n || !m[(size_t)j * n + i])
            return r;
    }
}

static const af_shape star_shape = {
    .kind = AF_SHAPE_STAR, .radius = 0.6, .points = 5, .amplitude = 0.2};

static double isoperimetric(const af_ref_curve *c)
{
    double L = af_ref_curve_length(c);
    return c->n >= 3 && L > 0 ? 4 * PI * af_ref_curve_area(c) / (L * L) : NAN;
}

static void run_star(star_run *S, af_sdist_kind sd, double eps_cells, double h_cells)
{
    double t0 = now_s();
    af_error err;
    field f;
    field_init(&f, 384, -1, 1);
    field_shape(&f, &star_shape);
    S->sd = sd;
    S->n = 384;
    S->dx = f.g.dx;
    S->h = h_cells * f.g.dx;
    S->k = steps_within(0.06, S->h);
    S->t = S->k * S->h;
    af_ref_curve *c0;
    if (af_ref_curve_from_shape(&star_shape, 1024, &c0, &err) != AF_OK)
        die("star curve: %s", err.msg);
    S->iso0 = isoperimetric(c0);
    S->a0_ref = af_ref_curve_area(c0);
    if (af_ref_hausdorff(&f.g, f.a, c0, &S->haus0, &err) != AF_OK)
        die("star hausdorff at t = 0: %s", err.msg);
    if (af_ref_symdiff_area(&f.g, f.a, c0, &S->symd0, &err) != AF_OK)
        die("star symdiff at t = 0: %s", err.msg);
    af_ref_curve_free(c0);
    af_mm_plan *pl = plan_mm(&f, AF_NORM_2, eps_cells, S->h, 1, sd);
    S->eps_cells = eps_cells;
    S->gap_deg = af_ball_normal_gap(af_mm_plan_ball(pl)) * 180 / PI;
    double a0 = area(&f, f.a), ms = 0;
    for (int q = 0; q < S->k; q++)
        ms += step_mm(pl, &f);
    S->ms_step = ms / S->k;
    S->rate = (a0 - area(&f, f.a)) / S->t / (2 * PI);
    const af_ref_curve *c = reference(&star_shape, S->t);
    S->iso1 = isoperimetric(c);
    S->a1_ref = af_ref_curve_area(c);
    S->rate_ref = (S->a0_ref - S->a1_ref) / S->t / (2 * PI);
    S->tip_m = S->tip_r = S->val_m = S->val_r = 0;
    for (int j = 0; j < 5; j++) {
        double tt = 2 * PI * j / 5, tv = tt + PI / 5;
        S->tip_m += ray_mask(&f, f.a, tt) / 5;
        S->tip_r += ray_poly(c, tt) / 5;
        S->val_m += ray_mask(&f, f.a, tv) / 5;
        S->val_r += ray_poly(c, tv) / 5;
    }
    S->rad_max = 0;
    S->rad_th = 0;
    for (int j = 0; j < 720; j++) {
        double th = 2 * PI * j / 720,
               d = fabs(ray_mask(&f, f.a, th) - ray_poly(c, th)) / f.g.dx;
        if (d > S->rad_max) {
            S->rad_max = d;
            S->rad_th = 0.5 * j;
        }
    }
    S->haus_ok = af_ref_hausdorff(&f.g, f.a, c, &S->haus, &err) == AF_OK;
    if (!S->haus_ok) {
        fprintf(stderr, "  star: hausdorff failed: %s\n", err.msg);
        S->haus = NAN;
    }
    if (af_ref_symdiff_area(&f.g, f.a, c, &S->symd, &err) != AF_OK)
        die("star symdiff: %s", err.msg);
    af_mm_plan_free(pl);
    field_free(&f);
    S->secs = now_s() - t0;
    fprintf(stderr, "  star %s: %d steps to t=%.4f, rate/2pi %.4f (front tracking %.4f), "
                    "Hausdorff %.2f cells, symdiff %.0f, iso %.4f -> %.4f, %.0f ms/step, %.1f s\n",
            sd == AF_SDIST_SUBCELL ? "subcell" : "simple", S->k, S->t, S->rate, S->rate_ref,
            S->haus, S->symd, S->iso0, S->iso1, S->ms_step, S->secs);
    fprintf(stderr, "    t=0: Hausdorff %.2f, symdiff %.0f; end: tip mask %.4f ref %.4f, valley "
                    "mask %.4f ref %.4f\n",
            S->haus0, S->symd0, S->tip_m, S->tip_r, S->val_m, S->val_r);
    fprintf(stderr, "    max radial difference %.2f cells at %.1f deg\n", S->rad_max, S->rad_th);
}

/* ------------------------------------------------------------------ main */

/* ------------------------------------------------------------ section 10 */

/* The level-set representation against the mask step and MBO on the
 * circle r0 = 0.6 with eps = 4 dx, h = dx (for MBO the same h): the radius
 * error at t = 0.1 (of the equal-area radius: the zero contour's area for
 * the level set, the cells' for the masks; the areas of the steps just
 * before and after t = 0.1 interpolated linearly in time, as the exact area
 * is linear in t, so that every grid is compared at the same time), and the
 * area rate (least-squares slope over the steps with t <= 0.1, / -2 pi). */
typedef struct {
    int n, k;
    double dx, t, r_exact;
    double err_ls, err_mask, err_mbo;    /* |r(0.1) - r_exact(0.1)|, length units */
    double err_rec;                      /* the implicit step alone, the same way */
    double sgn_mbo;                      /* sign of MBO's r - r_exact */
    double rate_ls, rate_mask, rate_mbo; /* area rate / 2 pi */
    double ms_ls, ms_mask;               /* per step (level set: redistancing included) */
    int stalled_mask, stalled_ls;        /* steps whose area did not change */
} ls_run;

/* Least-squares slope of y against x (GSL). */
static double lsq_slope(const double *x, const double *y, int m)
{
    double c0, c1, cov00, cov01, cov11, sumsq;
    gsl_fit_linear(x, 1, y, 1, (size_t)m, &c0, &c1, &cov00, &cov01, &cov11, &sumsq);
    return c1;
}

static void run_levelset(ls_run *L, int n)
{
    field f;
    field_init(&f, n, -1, 1);
    af_shape s = {.kind = AF_SHAPE_CIRCLE, .radius = 0.6};
    L->n = n;
    L->dx = f.g.dx;
    double h = f.g.dx;
    L->k = steps_within(0.1, h); /* steps with t <= 0.1; one more is run */
    L->t = 0.1;
    L->r_exact = sqrt(0.36 - 2 * L->t);
    int K = L->k + 1;
    af_error err;
    double *u = xmalloc(f.cells * sizeof *u), *v = xmalloc(f.cells * sizeof *v);
    size_t rows = (size_t)K + 1;
    double *tt = xmalloc(rows * sizeof *tt), *al = xmalloc(rows * sizeof *al),
           *am = xmalloc(rows * sizeof *am), *ab = xmalloc(rows * sizeof *ab),
           *ar = xmalloc(rows * sizeof *ar);
    double rr = 0.6; /* the implicit step alone */
    af_dist_work *dw = af_dist_work_alloc(&f.g, &err);
    if (!dw || af_shape_field(&f.g, &s, v, &err) != AF_OK || af_dist_redistance(dw, v, u, &err) != AF_OK)
        die("level set: %s", err.msg);
    af_mm_plan *pl = plan_mm(&f, AF_NORM_2, 4, h, 1, AF_SDIST_SUBCELL);
    af_mm_plan *pm = plan_mm(&f, AF_NORM_2, 4, h, 1, AF_SDIST_SUBCELL);
    uint8_t *mb = xmalloc(f.cells);
    field_shape(&f, &s);
    memcpy(mb, f.a, f.cells);
    af_mbo *mbo = mbo_make(&f, h);
    double sec_ls = 0, sec_mask = 0;
    L->stalled_mask = L->stalled_ls = 0;
    for (int q = 0;; q++) {
        tt[q] = q * h;
        al[q] = af_contour_area(&f.g, u, 0);
        am[q] = area(&f, f.a);
        ab[q] = area(&f, mb);
        ar[q] = PI * rr * rr;
        rr = rr * rr > 4 * h ? 0.5 * (rr + sqrt(rr * rr - 4 * h)) : 0;
        if (q > 0) {
            L->stalled_mask += am[q] == am[q - 1];
            L->stalled_ls += al[q] == al[q - 1];
        }
        if (q == K)
            break;
        double t0 = now_s();
        if (af_mm_plan_step_levelset(pl, u, v, NULL, &err) != AF_OK
            || af_dist_redistance(dw, v, u, &err) != AF_OK)
            die("level-set step: %s", err.msg);
        sec_ls += now_s() - t0;
        sec_mask += 1e-3 * step_mm(pm, &f);
        af_mbo_step(mbo, mb, mb);
    }
    /* areas at t = 0.1: between steps k and k + 1 */
    double w = (0.1 - tt[L->k]) / h;
#define AT01(a) ((1 - w) * (a)[L->k] + w * (a)[L->k + 1])
    L->err_ls = fabs(sqrt(AT01(al) / PI) - L->r_exact);
    L->err_mask = fabs(sqrt(AT01(am) / PI) - L->r_exact);
    L->err_mbo = fabs(sqrt(AT01(ab) / PI) - L->r_exact);
    L->sgn_mbo = sqrt(AT01(ab) / PI) >= L->r_exact ? 1 : -1;
    L->err_rec = fabs(sqrt(AT01(ar) / PI) - L->r_exact);
#undef AT01
    L->rate_ls = -lsq_slope(tt, al, L->k + 1) / (2 * PI);
    L->rate_mask = -lsq_slope(tt, am, L->k + 1) / (2 * PI);
    L->rate_mbo = -lsq_slope(tt, ab, L->k + 1) / (2 * PI);
    L->ms_ls = 1e3 * sec_ls / L->k;
    L->ms_mask = 1e3 * sec_mask / L->k;
    fprintf(stderr,
            "  n = %d: %d steps; radius error (cells) level set %.3f, mask %.3f, MBO %.3f, "
            "implicit step %.3f; rate/2pi %.4f / %.4f / %.4f; %.0f / %.0f ms per step\n",
            n, K, L->err_ls / L->dx, L->err_mask / L->dx, L->err_mbo / L->dx, L->err_rec / L->dx, L->rate_ls,
            L->rate_mask, L->rate_mbo, L->ms_ls, L->ms_mask);
    af_mbo_free(mbo);
    af_mm_plan_free(pl);
    af_mm_plan_free(pm);
    af_dist_work_free(dw);
    free(u), free(v), free(tt), free(al), free(am), free(ab), free(ar), free(mb);
    field_free(&f);
}

/* Least-squares order of err against dx (log-log slope). */
static double order_of(const ls_run *L, int m, int which)
{
    double x[8], y[8];
    for (int q = 0; q < m; q++) {
        x[q] = log(L[q].dx);
        y[q] = log(which == 0 ? L[q].err_ls : which == 1 ? L[q].err_mask
                   : which == 2 ? L[q].err_mbo : L[q].err_rec);
    }
    return lsq_slope(x, y, m);
}

static const char *verdict(int ok)
{
    return ok ? "met" : "NOT met";
}

int main(void)
{
    double T0 = now_s(), ts;
    if (mkdir("docs", 0777) && errno != EEXIST)
        die("mkdir docs: %s", strerror(errno));
    if (mkdir("docs/img", 0777) && errno != EEXIST)
        die("mkdir docs/img: %s", strerror(errno));
    if (mkdir(IMG_DIR, 0777) && errno != EEXIST)
        die("mkdir %s: %s", IMG_DIR, strerror(errno));

    /* ---- 1. circle ---- */
    fprintf(stderr, "[1] circle refinement\n");
    ts = now_s();
    const int ns_sub[] = {128, 256, 512, 1024}, ns_sim[] = {256, 512, 1024};
    circ_run sub[4], sim[3];
    for (int q = 0; q < 4; q++)
        run_circle(&sub[q], ns_sub[q], AF_SDIST_SUBCELL);
    for (int q = 0; q < 3; q++)
        run_circle(&sim[q], ns_sim[q], AF_SDIST_SIMPLE);
    double lx[4], ly[4], lyr[4], c0, c1, cov00, cov01, cov11, sumsq;
    for (int q = 0; q < 4; q++) {
        lx[q] = log(sub[q].dx);
        ly[q] = log(fabs(sub[q].rate - 1));
        lyr[q] = log(fabs(sub[q].rate_rec - 1));
    }
    gsl_fit_linear(lx, 1, ly, 1, 4, &c0, &c1, &cov00, &cov01, &cov11, &sumsq);
    double order = c1, order_c0 = c0;
    gsl_fit_linear(lx, 1, lyr, 1, 4, &c0, &c1, &cov00, &cov01, &cov11, &sumsq);
    double order_rec = c1;
    /* order of the spatial part alone: |measured - recursion| */
    double lys[4];
    int sp_ok = 1;
    for (int q = 0; q < 4; q++) {
        double d = fabs(sub[q].rate - sub[q].rate_rec);
        sp_ok &= d > 1e-12;
        lys[q] = sp_ok ? log(d) : 0;
    }
    double order_sp = NAN;
    if (sp_ok) {
        gsl_fit_linear(lx, 1, lys, 1, 4, &c0, &c1, &cov00, &cov01, &cov11, &sumsq);
        order_sp = c1;
    }
    double t_circle = now_s() - ts;
    fprintf(stderr, "  order %.2f (recursion alone %.2f, spatial part %.2f, fitted %d); section %.1f s\n",
            order, order_rec, order_sp, sp_ok, t_circle);

    /* ---- 2. ellipse ---- */
    fprintf(stderr, "[2] ellipse vs front tracking\n");
    ts = now_s();
    /* (a) the digital ball: eps scan at n = 512, h = 0.05 / 8 = 1.6 dx; the
     * acceptance row is eps = 20 cells (ez[EZ_ACCEPT]) */
    const double ez_eps[] = {5, 10, 13, 15, 20, 22};
    enum { NEZ = 6, EZ_ACCEPT = 4 };
    ell_run ez[NEZ];
    for (int q = 0; q < NEZ; q++)
        run_ellipse_05(&ez[q], 512, ez_eps[q], 8);
    /* (b) the time step at eps = 20 cells (k = 8 is ez[EZ_ACCEPT]), and the
     * paper's h = eps at 5 cells, compared at its own nearest step time */
    const int eh_k[] = {4, 5, 10, 16};
    enum { NEH = 4 };
    ell_run eh[NEH], ehe;
    for (int q = 0; q < NEH; q++)
        run_ellipse_05(&eh[q], 512, 20, eh_k[q]);
    run_ellipse_mm(&ehe, 512, 5, 5 * (2.0 / 512), steps_near(0.05, 5 * (2.0 / 512)));
    /* (c) refinement, h = 1.6 dx: eps fixed at 5 cells, and eps growing like
     * dx^(-1/2) in cells (eps = 20 cells at n = 512, so eps -> 0 but
     * eps / dx -> infinity).  The n = 512 rows are ez[0] and ez[EZ_ACCEPT]. */
    ell_run ef[3], es[3];
    run_ellipse_05(&ef[0], 256, 5, 4);
    ef[1] = ez[0];
    run_ellipse_05(&ef[2], 1024, 5, 16);
    run_ellipse_05(&es[0], 256, 20 / sqrt(2.0), 4);
    es[1] = ez[EZ_ACCEPT];
    run_ellipse_05(&es[2], 1024, 20 * sqrt(2.0), 16);
    double ord_f, ord_s;
    {
        double ex[3], lf[3], ls[3];
        for (int q = 0; q < 3; q++) {
            double dxq = 2.0 / ef[q].n;
            ex[q] = log(dxq);
            lf[q] = log(ef[q].haus * dxq);
            ls[q] = log(es[q].haus * dxq);
        }
        gsl_fit_linear(ex, 1, lf, 1, 3, &c0, &c1, &cov00, &cov01, &cov11, &sumsq);
        ord_f = c1;
        gsl_fit_linear(ex, 1, ls, 1, 3, &c0, &c1, &cov00, &cov01, &cov11, &sumsq);
        ord_s = c1;
    }
    fprintf(stderr, "  Hausdorff order in length: eps = 5 cells %.2f, eps ~ dx^(1/2) %.2f\n", ord_f,
            ord_s);
    double t_ell = now_s() - ts;
    fprintf(stderr, "  section %.1f s\n", t_ell);

    /* ---- 3. Gaussian ---- */
    fprintf(stderr, "[3] Gaussian equilibrium\n");
    ts = now_s();
    const double sigma = 0.5, gfac[2] = {0.9, 1.1};
    int gk = 0, gk2 = 0;
    double gt[MAXK + 1], gr[4][MAXK + 1], gref[4][MAXK + 1], gerr[4] = {0, 0, 0, 0}, gr0[4],
        gsecs[4], gnext[4] = {0, 0, 0, 0};
    for (int q = 0; q < 4; q++) { /* q = 0, 1: h = eps; q = 2, 3: h = eps/2 */
        double t1 = now_s();
        field f;
        field_init(&f, 512, -1, 1);
        af_density d = {.kind = AF_DENSITY_GAUSSIAN, .value = 1, .sigma = sigma};
        field_density(&f, &d);
        af_shape s = {.kind = AF_SHAPE_CIRCLE, .radius = gfac[q % 2] * sigma};
        field_shape(&f, &s);
        double h = (q < 2 ? 4 : 2) * f.g.dx;
        int kk = steps_within(0.1, h);
        if (q < 2)
            gk = kk;
        else
            gk2 = kk;
        af_mm_plan *pl = plan_mm(&f, AF_NORM_2, 4, h, 1, AF_SDIST_SUBCELL);
        gr0[q] = sqrt(area(&f, f.a) / PI);
        if (q < 2)
            gt[0] = 0;
        gr[q][0] = gref[q][0] = gr0[q];
        for (int k = 1; k <= kk; k++) {
            step_mm(pl, &f);
            if (q < 2)
                gt[k] = k * h;
            gr[q][k] = sqrt(area(&f, f.a) / PI);
            gref[q][k] = af_ref_gaussian_radius(gr0[q], sigma, k * h);
            double e = fabs(gr[q][k] - gref[q][k]) / gref[q][k];
            if (e > gerr[q])
                gerr[q] = e;
        }
        /* one step past t = 0.1, reported apart */
        step_mm(pl, &f);
        gnext[q] = fabs(sqrt(area(&f, f.a) / PI) -
                        af_ref_gaussian_radius(gr0[q], sigma, (kk + 1) * h)) /
                   af_ref_gaussian_radius(gr0[q], sigma, (kk + 1) * h);
        af_mm_plan_free(pl);
        field_free(&f);
        gsecs[q] = now_s() - t1;
        fprintf(stderr, "  r0 = %.1f sigma, h = %d dx: max rel error %.4f, %.1f s\n", gfac[q % 2],
                q < 2 ? 4 : 2, gerr[q], gsecs[q]);
    }
    double t_gauss = now_s() - ts;

    /* ---- 4. exp(a.x) translation ---- */
    fprintf(stderr, "[4] exp(a.x) translation\n");
    ts = now_s();
    const double ea[2] = {1.5, 0};
    int xk = 0;
    double xt[MAXK + 1], xcx[MAXK + 1], xcy[MAXK + 1], xr[MAXK + 1], xrlaw[MAXK + 1],
        xrrec[MAXK + 1], xh, xdx;
    {
        field f;
        field_init(&f, 512, -1, 1);
        af_density d = {.kind = AF_DENSITY_EXP, .value = 1, .a = {ea[0], ea[1]}};
        field_density(&f, &d);
        af_shape s = {.kind = AF_SHAPE_CIRCLE, .radius = 0.4};
        field_shape(&f, &s);
        xdx = f.g.dx;
        xh = 4 * f.g.dx;
        af_mm_plan *pl = plan_mm(&f, AF_NORM_2, 4, xh, 1, AF_SDIST_SUBCELL);
        double c[2];
        centroid(&f, f.a, c);
        xt[0] = 0;
        xcx[0] = c[0];
        xcy[0] = c[1];
        xr[0] = xrlaw[0] = xrrec[0] = sqrt(area(&f, f.a) / PI);
        int kmax = steps_to(0.1, xh);
        for (int k = 1; k <= kmax; k++) {
            step_mm(pl, &f);
            xk = k;
            xt[k] = k * xh;
            xr[k] = sqrt(area(&f, f.a) / PI);
            centroid(&f, f.a, c);
            xcx[k] = c[0];
            xcy[k] = c[1];
            xrlaw[k] = af_ref_circle_radius(xr[0], xt[k]);
            xrrec[k] = af_ref_circle_implicit_step(xrrec[k - 1], xh);
            if (xr[k] == 0)
                break;
        }
        af_mm_plan_free(pl);
        field_free(&f);
    }
    /* r0 = 0.6 reaches t = 0.1 */
    double x6_t, x6_cx, x6_r, x6_r0, x6_rec;
    {
        field f;
        field_init(&f, 512, -1, 1);
        af_density d = {.kind = AF_DENSITY_EXP, .value = 1, .a = {ea[0], ea[1]}};
        field_density(&f, &d);
        af_shape s = {.kind = AF_SHAPE_CIRCLE, .radius = 0.6};
        field_shape(&f, &s);
        af_mm_plan *pl = plan_mm(&f, AF_NORM_2, 4, xh, 1, AF_SDIST_SUBCELL);
        int kk = steps_within(0.1, xh);
        x6_r0 = x6_rec = sqrt(area(&f, f.a) / PI);
        for (int k = 1; k <= kk; k++) {
            step_mm(pl, &f);
            x6_rec = af_ref_circle_implicit_step(x6_rec, xh);
        }
        double c[2];
        centroid(&f, f.a, c);
        x6_t = kk * xh;
        x6_cx = c[0];
        x6_r = sqrt(area(&f, f.a) / PI);
        af_mm_plan_free(pl);
        field_free(&f);
    }
    double t_exp = now_s() - ts;
    fprintf(stderr, "  %d steps, %.1f s\n", xk, t_exp);

    /* ---- 5. l-inf square ---- */
    fprintf(stderr, "[5] l-inf square\n");
    ts = now_s();
    const int sq_n = 256;
    const double sq_eps = 4, sq_hc = 2;
    int sqk = 0;
    double sqL[MAXK + 1], sqW[MAXK + 1], sqH[MAXK + 1], sqRec[MAXK + 1], sqFill[MAXK + 1],
        sqErrMax = 0, sqFillMin = 1, sq_h;
    {
        field f;
        field_init(&f, sq_n, -1, 1);
        af_shape s = {.kind = AF_SHAPE_RECTANGLE, .size = {1, 1}};
        field_shape(&f, &s);
        sq_h = sq_hc * f.g.dx;
        af_mm_plan *pl = plan_mm(&f, AF_NORM_INF, sq_eps, sq_h, 1, AF_SDIST_SUBCELL);
        for (int k = 0; k <= MAXK; k++) {
            if (k > 0) {
                step_mm(pl, &f);
            }
            int bb[4];
            if (!af_grid_mask_bbox(&f.g, f.a, bb))
                break;
            int i0 = bb[0], i1 = bb[1], j0 = bb[2], j1 = bb[3];
            sqk = k;
            sqW[k] = (i1 - i0 + 1) * f.g.dx;
            sqH[k] = (j1 - j0 + 1) * f.g.dx;
            sqL[k] = 0.5 * (sqW[k] + sqH[k]);
            sqFill[k] = (double)count(&f, f.a) / ((double)(i1 - i0 + 1) * (j1 - j0 + 1));
            if (k == 0)
                sqRec[0] = sqL[0];
            else {
                double L = sqRec[k - 1], d = L * L - 16 * sq_h;
                sqRec[k] = d < 0 ? 0 : (L + sqrt(d)) / 2;
                if (sqRec[k] == 0)
                    break;
                double e = fmax(fabs(sqW[k] - sqRec[k]), fabs(sqH[k] - sqRec[k])) / f.g.dx;
                if (e > sqErrMax)
                    sqErrMax = e;
            }
            if (sqFill[k] < sqFillMin)
                sqFillMin = sqFill[k];
        }
        af_mm_plan_free(pl);
        field_free(&f);
    }
    double t_sq = now_s() - ts;
    fprintf(stderr, "  %d steps, max side error %.2f cells, min fill %.4f, %.1f s\n", sqk, sqErrMax,
            sqFillMin, t_sq);

    /* ---- 6. p = 0 ---- */
    fprintf(stderr, "[6] p = 0 stagnation\n");
    ts = now_s();
    size_t p0_changed = 0, p0_cells = 0;
    {
        field f;
        field_init(&f, 256, -1, 1);
        af_shape s = {.kind = AF_SHAPE_CIRCLE, .radius = 0.6};
        field_shape(&f, &s);
        uint8_t *init = xmalloc(f.cells);
        memcpy(init, f.a, f.cells);
        p0_cells = count(&f, f.a);
        af_mm_plan *pl = plan_mm(&f, AF_NORM_2, 4, 4 * f.g.dx, 0, AF_SDIST_SUBCELL);
        for (int k = 0; k < 10; k++)
            step_mm(pl, &f);
        for (size_t x = 0; x < f.cells; x++)
            p0_changed += (f.a[x] != 0) != (init[x] != 0);
        af_mm_plan_free(pl);
        free(init);
        field_free(&f);
    }
    double t_p0 = now_s() - ts;
    fprintf(stderr, "  changed cells %zu, %.1f s\n", p0_changed, t_p0);

    /* ---- 7. MBO ---- */
    fprintf(stderr, "[7] MBO baseline\n");
    ts = now_s();
    mbo_circ mc[3];
    const double msig[3] = {3, 6, 8};
    for (int q = 0; q < 3; q++)
        run_mbo_circle(&mc[q], msig[q]);
    ell_run me[2];
    run_mbo_ellipse(&me[0], "MBO sigma = 6 cells", 6);
    run_mbo_ellipse(&me[1], "MBO sigma = 8 cells", 8);
    double t_mbo = now_s() - ts;
    fprintf(stderr, "  section %.1f s\n", t_mbo);

    /* ---- 8. star vs front tracking ---- */
    fprintf(stderr, "[8] star vs front tracking\n");
    ts = now_s();
    /* st[0], st[1]: the settings of an early prototype (eps = 3 cells), sub-cell
     * and simple; st[2..]: rounder balls, sub-cell */
    enum { NST = 7 };
    star_run st[NST];
    run_star(&st[0], AF_SDIST_SUBCELL, 3, 1);
    run_star(&st[1], AF_SDIST_SIMPLE, 3, 1);
    run_star(&st[2], AF_SDIST_SUBCELL, 5, 1);
    run_star(&st[3], AF_SDIST_SUBCELL, 8, 1);
    run_star(&st[4], AF_SDIST_SUBCELL, 13, 1);
    /* the time step's share of the area rate: eps = 5 cells, h = 2 and 0.5 dx */
    run_star(&st[5], AF_SDIST_SUBCELL, 5, 2);
    run_star(&st[6], AF_SDIST_SUBCELL, 5, 0.5);
    double t_star = now_s() - ts;
    fprintf(stderr, "  section %.1f s\n", t_star);

    /* ---- 9. circle: the digital ball's part ---- */
    fprintf(stderr, "[9] circle: eps at fixed h and dx; eps = h refined at fixed dx\n");
    ts = now_s();
    /* be[q]: n = 512, h = 4 dx, eps = 3, 4, 5, 8 cells (eps = 4 is sub[2]) */
    const double be_eps[4] = {3, 4, 5, 8};
    circ_run be[4];
    for (int q = 0; q < 4; q++) {
        if (be_eps[q] == 4)
            be[q] = sub[2];
        else
            run_circle_eh(&be[q], 512, AF_SDIST_SUBCELL, be_eps[q], 4);
    }
    double be_min = be[0].rate, be_max = be[0].rate;
    for (int q = 1; q < 4; q++) {
        be_min = fmin(be_min, be[q].rate);
        be_max = fmax(be_max, be[q].rate);
    }
    /* er[q]: n = 512, eps = h = 8, 4, 2 cells (4 is sub[2]) */
    const double er_c[3] = {8, 4, 2};
    circ_run er[3];
    for (int q = 0; q < 3; q++) {
        if (er_c[q] == 4)
            er[q] = sub[2];
        else
            run_circle_eh(&er[q], 512, AF_SDIST_SUBCELL, er_c[q], er_c[q]);
    }
    double ball_an[6]; /* anisotropy of the digital l2 ball, R = 3 .. 8 */
    for (int q = 0; q < 6; q++) {
        af_error err;
        af_ball *b = af_ball_alloc(AF_NORM_2, 3 + q, &err);
        if (!b)
            die("ball: %s", err.msg);
        ball_an[q] = af_ball_anisotropy(b);
        af_ball_free(b);
    }
    double t_ball = now_s() - ts;
    fprintf(stderr, "  spread across eps at h = 4 dx: %.4f .. %.4f; section %.1f s\n", be_min,
            be_max, t_ball);

    /* ---- 10. level-set representation ---- */
    fprintf(stderr, "[10] circle: level set against mask and MBO, eps = 4 dx, h = dx\n");
    ts = now_s();
    enum { NLS = 4 };
    const int ls_n[NLS] = {128, 256, 512, 1024};
    ls_run lsr[NLS];
    for (int q = 0; q < NLS; q++)
        run_levelset(&lsr[q], ls_n[q]);
    double ord_ls = order_of(lsr, NLS, 0), ord_mask = order_of(lsr, NLS, 1),
           ord_mbo = order_of(lsr, NLS, 2), ord_rec = order_of(lsr, NLS, 3);
    double t_ls = now_s() - ts;
    fprintf(stderr, "  orders: level set %.2f, mask %.2f, MBO %.2f, implicit step %.2f; section %.1f s\n",
            ord_ls, ord_mask, ord_mbo, ord_rec, t_ls);
    {
        double dxs[NLS], e[4][NLS];
        for (int q = 0; q < NLS; q++) {
            dxs[q] = lsr[q].dx;
            e[0][q] = lsr[q].err_ls;
            e[1][q] = lsr[q].err_mask;
            e[2][q] = lsr[q].err_mbo;
            e[3][q] = lsr[q].err_rec;
        }
        double fx[2] = {dxs[NLS - 1], dxs[0]}, fy[2] = {e[0][NLS - 1], e[0][NLS - 1] * dxs[0] / dxs[NLS - 1]};
        af_plot_series ps[5] = {
            {dxs, e[0], NLS, "level set (zero contour)", af_plot_colour(0), AF_PLOT_LINE_MARKERS},
            {dxs, e[1], NLS, "mask", af_plot_colour(1), AF_PLOT_LINE_MARKERS},
            {dxs, e[2], NLS, "MBO (same h)", af_plot_colour(2), AF_PLOT_LINE_MARKERS},
            {fx, fy, 2, "order 1", 0x000000, AF_PLOT_DASHED},
            {dxs, e[3], NLS, "implicit step alone", 0x777777, AF_PLOT_LINE_MARKERS},
        };
        af_plot_axes pa = {.title = "Circle r0 = 0.6 at t = 0.1, eps = 4 dx, h = dx",
                           .xlabel = "dx", .ylabel = "|r - r_exact| (box units)", .logx = 1,
                           .logy = 1};
        af_error perr;
        if (af_plot_write(IMG_DIR "/levelset_error.png", &pa, ps, 5, &perr) != AF_OK)
            die("plot: %s", perr.msg);
    }

    /* ---- plots ---- */
    fprintf(stderr, "[plots]\n");
    {
        double lt[2] = {0, 0.13}, lr[2] = {0.36, 0.36 - 0.26};
        series s[4] = {
            {sub[1].tt, sub[1].r2, sub[1].k + 1, 0x1f77b4, 0, 1, 0},
            {sub[2].tt, sub[2].r2, sub[2].k + 1, 0x2ca02c, 0, 1, 0},
            {sub[3].tt, sub[3].r2, sub[3].k + 1, 0xd62728, 0, 1, 0},
            {lt, lr, 2, 0x000000, 1, 0, 0},
        };
        axes ax = {0, 0.13, 0.08, 0.38, 0, 0};
        plot(IMG_DIR "/circle_r2.png", &ax, s, 4);
    }
    {
        double lt[101], l0[101], l1[101];
        for (int i = 0; i <= 100; i++) {
            lt[i] = gt[gk] * i / 100.0;
            l0[i] = af_ref_gaussian_radius(gr0[0], sigma, lt[i]);
            l1[i] = af_ref_gaussian_radius(gr0[1], sigma, lt[i]);
        }
        series s[4] = {
            {gt, gr[0], gk + 1, 0x1f77b4, 0, 1, 1},
            {gt, gr[1], gk + 1, 0xd62728, 0, 1, 1},
            {lt, l0, 101, 0x000000, 1, 0, 0},
            {lt, l1, 101, 0x000000, 1, 0, 0},
        };
        axes ax = {0, 0.12, 0.3, 0.7, 0, 0};
        plot(IMG_DIR "/gaussian_radius.png", &ax, s, 4);
    }
    {
        double dxs[4], e_sub[4], e_rec[4], dxs2[3], e_sim[3], fitx[2], fity[2];
        for (int q = 0; q < 4; q++) {
            dxs[q] = sub[q].dx;
            e_sub[q] = fabs(sub[q].rate - 1);
            e_rec[q] = fabs(sub[q].rate_rec - 1);
        }
        for (int q = 0; q < 3; q++) {
            dxs2[q] = sim[q].dx;
            e_sim[q] = fabs(sim[q].rate - 1);
        }
        fitx[0] = dxs[3];
        fitx[1] = dxs[0];
        fity[0] = exp(order_c0 + order * log(fitx[0]));
        fity[1] = exp(order_c0 + order * log(fitx[1]));
        series s[4] = {
            {dxs, e_sub, 4, 0x1f77b4, 0, 1, 0},
            {dxs2, e_sim, 3, 0xd62728, 0, 1, 0},
            {dxs, e_rec, 4, 0x2ca02c, 0, 1, 0},
            {fitx, fity, 2, 0x000000, 1, 0, 0},
        };
        double ymin = 1e9, ymax = 0;
        for (int q = 0; q < 4; q++) {
            ymin = fmin(ymin, fmin(e_sub[q], e_rec[q]));
            ymax = fmax(ymax, fmax(e_sub[q], e_rec[q]));
        }
        for (int q = 0; q < 3; q++) {
            ymin = fmin(ymin, e_sim[q]);
            ymax = fmax(ymax, e_sim[q]);
        }
        axes ax = {1e-3, 3e-2, ymin / 2, ymax * 2, 1, 1};
        plot(IMG_DIR "/circle_error.png", &ax, s, 4);
    }

    double T_total = now_s() - T0;
    fprintf(stderr, "total %.1f s\n", T_total);

    /* ---- report ---- */
    FILE *o = fopen(MD_PATH ".tmp", "w");
    if (!o)
        die("cannot write %s.tmp: %s", MD_PATH, strerror(errno));
    fprintf(o, "# Validation of advflow\n\n"
               "<!-- Generated by tools/validate.c (`make validate`); do not edit by hand. -->\n\n");
    fprintf(o,
            "This page compares advflow's exact minimizing-movements scheme (`af_mm_plan_step`: "
            "one exact minimum cut per step, minimal minimiser, fidelity exponent p = 1 unless "
            "said, l2 ball unless said) with the exact laws of weighted mean curvature flow "
            "(docs/theory.md section 2: V = kappa + d_nu log rho), with the implicit Euler "
            "recursion that the scheme reproduces for a circle, with a front-tracking reference "
            "(`af_ref_curve_flow`), and with MBO threshold dynamics (`af_mbo_step`). "
            "All runs use a clamped grid on the box [-1, 1]^2, the density split evenly "
            "(rho0 = rho1 = rho/2; rho = 1 when uniform), and the sub-cell signed distance "
            "unless the table says `simple`. Lengths are in box units; \"4 cells\" means "
            "4 dx; the time step h is in the scheme's time units and \"h = 4 dx\" means "
            "h = 4 x dx numerically (as in the tests and benchmarks). Measured radii are "
            "equivalent radii sqrt(area / pi) of the mask; areas count cells. Targets are "
            "stated with the measured value and the word *met* or *NOT met*; nothing is tuned "
            "to meet them.\n\n");
    fprintf(o, "Total runtime of this study: %.0f s on this machine (%.0f s circle, %.0f s "
               "ellipse, %.0f s Gaussian, %.0f s exp, %.0f s square, %.0f s p = 0, %.0f s MBO, "
               "%.0f s star, %.0f s circle eps / h series, %.0f s level set).\n\n",
            T_total, t_circle, t_ell, t_gauss, t_exp, t_sq, t_p0, t_mbo, t_star, t_ball, t_ls);

    fprintf(o, "## 1. Circle: area rate\n\n"
               "Circle r0 = 0.6, uniform rho. The exact law loses area at 2 pi per unit time; "
               "the table gives (A0 - A_k) / (2 pi t_k) after k steps, t_k = k h the last step "
               "time <= 0.1 (the step that would cross t = 0.1 is left out: on the coarse grids, "
               "where h = 4 dx is large, it is the step where the circle vanishes as a whole, "
               "as the global minimiser jumps to the empty set). *Recursion* is the same quantity for the implicit Euler recursion "
               "r_{k+1} = (r_k + sqrt(r_k^2 - 4h)) / 2 (`af_ref_circle_implicit_step`) "
               "started from the mask's equivalent radius with the same h and k: it is the time "
               "discretisation error alone, O(h). *Difference* = measured - recursion is what the "
               "grid, the nonlocal perimeter and the signed distance add. *Out of round*: "
               "Hausdorff distance from the final mask to the circle of the same area about "
               "the centre, in cells; it is the crystalline shape error of section 2a, which "
               "the area rate does not see (at eps = 4 cells the ball's hull has vertex cones "
               "of 53 degrees around the axes, and the circle turns into a rounded polygon).\n\n");
    fprintf(o, "| n | distance | eps (cells) | h | steps | t | rate / 2pi measured | rate / 2pi "
               "recursion | difference | out of round (cells) | ms / step |\n"
               "|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (int q = 0; q < 7; q++) {
        circ_run *R = q < 4 ? &sub[q] : &sim[q - 4];
        fprintf(o, "| %d | %s | %.0f | %.5f | %d | %.4f | %.4f | %.4f | %+.4f | %.2f | %.0f |\n",
                R->n, R->sd == AF_SDIST_SUBCELL ? "sub-cell" : "simple", R->eps_cells, R->h, R->k,
                R->t, R->rate, R->rate_rec, R->rate - R->rate_rec, R->round, R->ms_step);
    }
    int circ_ok = fabs(sub[3].rate - 1) <= 0.03, order_ok = order >= 0.8;
    fprintf(o, "\nObserved order, refinement path eps = h = 4 dx (eps and h shrink with dx), "
               "n = 128, 256, 512, 1024, sub-cell distance: least-squares fit (gsl_fit_linear) of "
               "log |rate/2pi - 1| against log dx gives **order %.2f**. On the same path the "
               "recursion's own error |recursion - 1| has order %.2f. ",
            order, order_rec);
    if (sp_ok)
        fprintf(o, "The spatial part |measured - recursion| fits order %.2f (it is small and "
                   "changes sign, so this number is rough).\n\n", order_sp);
    else
        fprintf(o, "The spatial part |measured - recursion| is zero at some n and is not "
                   "fitted.\n\n");
    fprintf(o, "![error vs dx](img/validation/circle_error.png)\n\n"
               "*Error |rate/2pi - 1| against dx, log-log: blue sub-cell distance, red simple "
               "distance, green the implicit recursion alone, black dashed the fitted line.*\n\n");
    fprintf(o, "![r^2 vs t](img/validation/circle_r2.png)\n\n"
               "*Equivalent radius squared against t, sub-cell distance: blue n = 256, green n = "
               "512, red n = 1024; black dashed the law r^2 = 0.36 - 2t.*\n\n");
    fprintf(o, "Targets: area rate at n = 1024, h = eps = 4 dx, sub-cell: %.4f, target within 3%% "
               "of 2 pi: **%s**. Observed order %.2f on the path eps = h = 4 dx, target >= 0.8: "
               "**%s**.\n\n",
            sub[3].rate, verdict(circ_ok), order, verdict(order_ok));

    fprintf(o, "## 2. Ellipse against front tracking\n\n"
               "Ellipse with semi-axes 0.7 x 0.35 along x and y, uniform rho, sub-cell distance. "
               "The reference is the ellipse's boundary with 1024 markers flowed by "
               "`af_ref_curve_flow` to the same time. Unless a row says otherwise, h = 0.05 / k "
               "so that k steps end at t = 0.05 exactly. Errors: Hausdorff distance between the "
               "mask's boundary and the reference polygon (`af_ref_hausdorff`) and the "
               "symmetric difference (`af_ref_symdiff_area`), in cells; *tip* and *side* are the "
               "mask's half-width along x (at the tips) and half-height along y (at the flat "
               "sides) minus the reference's, in cells, positive when the mask is behind (has "
               "moved less).\n\n");
    fprintf(o,
            "### 2a. The digital ball is a polygon, and its perimeter is crystalline\n\n"
            "The strip that Per_eps measures has width h_B(nu), the support function of the "
            "digital ball's convex hull, a polygon. Between the outer normals of two "
            "consecutive hull edges h_B is linear (it is z . nu for their shared vertex z), so "
            "on that range of normals the grid's limit perimeter Int h_B(nu) dH has no "
            "curvature: an arc whose normals stay inside it counts like the straight segment "
            "between its ends, and the flow leaves it behind until the directions around it "
            "eat it (a crystalline perimeter). The widest such range is `af_ball_normal_gap`, "
            "printed by `advflow perimeter` as normal_gap_deg. The anisotropy (max / min of "
            "h_B) misses this: the radius-5 ball has anisotropy %.3f but a gap of %.1f degrees "
            "centred on each axis, exactly where the ellipse's flat sides are. "
            "n = 512, h = 0.05 / 8 = 1.6 dx, t = 0.05:\n\n",
            ez[0].aniso, ez[0].gap_deg);
    fprintf(o, "| eps (cells) | ball anisotropy | normal gap (degrees) | Hausdorff (cells) | "
               "symmetric difference (cells) | tip | side | ms / step |\n"
               "|---|---|---|---|---|---|---|---|\n");
    for (int q = 0; q < NEZ; q++)
        fprintf(o, "| %.0f%s | %.4f | %.1f | %.2f | %.0f | %+.2f | %+.2f | %.0f |\n",
                ez[q].eps_cells, q == EZ_ACCEPT ? " (target row)" : "", ez[q].aniso,
                ez[q].gap_deg, ez[q].haus, ez[q].symd, ez[q].tip, ez[q].side, ez[q].ms_step);
    fprintf(o, "\nThe error follows the gap rather than the anisotropy, and at eps = 5 cells it "
               "sits on the flat sides (side %+.2f cells against tip %+.2f). In the continuum "
               "the ellipse's Per_eps equals its perimeter for every eps below its smallest "
               "radius of curvature (0.35^2 / 0.7 = 0.175 = 45 cells here), so a large eps in "
               "cells costs only time (the graph has O(eps / dx) arcs per cell) on convex "
               "shapes. On non-convex ones eps must also stay below the concave radii of "
               "curvature (section 8).\n\n",
            ez[0].side, ez[0].tip);
    fprintf(o, "### 2b. The time step (eps = 20 cells, n = 512)\n\n"
               "| h (cells) | steps | t | Hausdorff (cells) | symmetric difference (cells) | tip "
               "| side | ms / step |\n|---|---|---|---|---|---|---|---|\n");
    /* the h series at eps = 20 cells in order of h, with its Hausdorff range */
    const ell_run *eh_rows[NEH + 1] = {&eh[0], &eh[1], &ez[EZ_ACCEPT], &eh[2], &eh[3]};
    double eh_min = INFINITY, eh_max = 0;
    for (int q = 0; q < NEH + 1; q++) {
        const ell_run *R = eh_rows[q];
        fprintf(o, "| %.2f | %d | %.4f | %.2f | %.0f | %+.2f | %+.2f | %.0f |\n",
                R->h / (2.0 / 512), R->k, R->t, R->haus, R->symd, R->tip, R->side, R->ms_step);
        eh_min = fmin(eh_min, R->haus);
        eh_max = fmax(eh_max, R->haus);
    }
    fprintf(o, "\nFor comparison, the paper's h = eps at eps = 5 cells (%d steps of 5 dx, "
               "compared at t = %.4f): Hausdorff %.2f cells, tip %+.2f, side %+.2f. There the "
               "tips, with curvature 0.7 / 0.35^2 = 5.7 and so h kappa = %.0f cells per step, add "
               "the implicit step's own error to the polygon's.\n\n",
            ehe.k, ehe.t, ehe.haus, ehe.tip, ehe.side, 5.7 * ehe.h / (2.0 / 512));
    fprintf(o, "### 2c. Refinement: the shape converges only if eps / dx grows\n\n"
               "h = 1.6 dx, t = 0.05. Hausdorff distance in cells and in length units.\n\n"
               "| n | eps fixed at 5 cells: Hausdorff (cells) | (length, 1e-3) | eps (cells) "
               "growing like dx^(-1/2) | Hausdorff (cells) | (length, 1e-3) | ms / step |\n"
               "|---|---|---|---|---|---|---|\n");
    for (int q = 0; q < 3; q++)
        fprintf(o, "| %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.0f |\n", ef[q].n, ef[q].haus,
                1e3 * ef[q].haus * 2.0 / ef[q].n, es[q].eps_cells, es[q].haus,
                1e3 * es[q].haus * 2.0 / es[q].n, es[q].ms_step);
    fprintf(o, "\nFitted order of the Hausdorff distance (length units) in dx: %.2f with eps "
               "fixed at 5 cells, %.2f with eps = 20 sqrt(512 / n) cells. At a fixed number of "
               "cells the polygon's error is a fixed fraction of the shape and does not shrink "
               "with dx; the scheme converges in shape only along paths where eps -> 0 and eps "
               "/ dx -> infinity together, as the theory assumes (dx << eps). How fast: an arc of "
               "radius of curvature rho spanning a gap g departs from its chord by about rho "
               "g^2 / 8, and g is about sqrt(2 / R) for a ball of R cells, so the error in "
               "length goes like 1 / R; along eps ~ dx^(1/2) (R ~ dx^(-1/2)) that is order 1/2. "
               "The gaps do not shrink evenly with R (%.1f, %.1f and %.1f degrees on this path), "
               "and edge directions of the hull err too: the radius-%.2f ball has a flat top "
               "edge, the ellipse's flat sides turn into facets whose speed depends on their "
               "length, and at n = 1024 they run ahead of the flow (side %+.2f cells).\n\n",
            ord_f, ord_s, es[0].gap_deg, es[1].gap_deg, es[2].gap_deg, es[2].eps_cells,
            es[2].side);
    fprintf(o, "### MBO on the same ellipse\n\n"
               "| method | h | steps | t | Hausdorff (cells) | symmetric difference (cells) | "
               "tip | side | ms / step |\n|---|---|---|---|---|---|---|---|---|\n");
    for (int q = 0; q < 2; q++)
        fprintf(o, "| %s | %.6f | %d | %.4f | %.2f | %.0f | %+.2f | %+.2f | %.2f |\n", me[q].label,
                me[q].h, me[q].k, me[q].t, me[q].haus, me[q].symd, me[q].tip, me[q].side,
                me[q].ms_step);
    int ell_ok = ez[EZ_ACCEPT].haus <= 3;
    fprintf(o, "\nTarget Hausdorff <= 3 cells at n = 512, t = 0.05, with eps = 20 cells (normal "
               "gap %.1f degrees, anisotropy %.4f) and h = 1.6 dx: %.2f cells, **%s**. Over h "
               "= 0.8 to 3.2 dx at the same eps the distance stays between %.2f and %.2f "
               "cells.\n\n",
            ez[EZ_ACCEPT].gap_deg, ez[EZ_ACCEPT].aniso, ez[EZ_ACCEPT].haus, verdict(ell_ok),
            eh_min, eh_max);

    fprintf(o, "## 3. Gaussian density: unstable equilibrium\n\n"
               "rho = exp(-|x|^2 / (2 sigma^2)), sigma = 0.5, centred at the origin, box "
               "[-1, 1]^2, n = 512, eps = h = 4 dx = %.5f. The circle r = sigma is an unstable "
               "equilibrium: r^2 = sigma^2 + (r0^2 - sigma^2) exp(2t / sigma^2) "
               "(`af_ref_gaussian_radius`, started from the mask's equivalent radius). Relative "
               "error |r - r_exact| / r_exact over the steps up to t = %.4f.\n\n",
            4 * 2.0 / 512, gt[gk]);
    fprintf(o, "| t |");
    for (int q = 0; q < 2; q++)
        fprintf(o, " r (r0 = %.1f sigma) | exact | rel. error |", gfac[q]);
    fprintf(o, "\n|---|---|---|---|---|---|---|\n");
    for (int k = 0; k <= gk; k++) {
        fprintf(o, "| %.4f |", gt[k]);
        for (int q = 0; q < 2; q++)
            fprintf(o, " %.4f | %.4f | %+.4f |", gr[q][k], gref[q][k],
                    (gr[q][k] - gref[q][k]) / gref[q][k]);
        fprintf(o, "\n");
    }
    int g_ok = gerr[0] <= 0.03 && gerr[1] <= 0.03;
    fprintf(o, "\nMax relative error: r0 = 0.9 sigma %.4f, r0 = 1.1 sigma %.4f; target within "
               "3%%: **%s**. With h halved (eps = 4 dx, h = 2 dx, %d steps) the max relative "
               "errors are %.4f and %.4f, which shows how much of the error is the time step. "
               "The error grows with t for the shrinking circle: one step past t = 0.1 (t = "
               "%.4f, outside the interval of the target) it is %.4f (0.9 sigma) and %.4f "
               "(1.1 sigma), so the 3%% target is met only narrowly.\n\n",
            gerr[0], gerr[1], verdict(g_ok), gk2, gerr[2], gerr[3], (gk + 1) * 4 * 2.0 / 512,
            gnext[0], gnext[1]);
    fprintf(o, "![Gaussian radius](img/validation/gaussian_radius.png)\n\n"
               "*Equivalent radius against t: blue r0 = 0.9 sigma (shrinks), red r0 = 1.1 sigma "
               "(grows); black lines the exact curves.*\n\n");

    fprintf(o, "## 4. rho = exp(a . x): translation\n\n"
               "a = (1.5, 0), circle r0 = 0.4 at the origin, n = 512, eps = h = 4 dx = %.5f. "
               "The law: the centre moves with velocity -a (c = -a t) and the radius follows "
               "r^2 = r0^2 - 2t. With r0 = 0.4 the circle vanishes at t = r0^2 / 2 = 0.08, so "
               "the comparison asked for at t = 0.1 is not possible; the table runs until the "
               "mask vanishes (the implicit recursion with this h vanishes once r^2 < 4h, "
               "i.e. r < %.3f). Centre = centroid of the mask.\n\n",
            xh, sqrt(4 * xh));
    fprintf(o, "| step | t | centre x | law -1.5 t | error (cells) | centre y | radius | law "
               "r^2 = r0^2 - 2t | recursion | radius - recursion (cells) |\n"
               "|---|---|---|---|---|---|---|---|---|---|\n");
    double xcerr = 0;
    for (int k = 0; k <= xk; k++) {
        double law = xcx[0] - ea[0] * xt[k];
        if (xr[k] > 0 && fabs(xcx[k] - law) / xdx > xcerr)
            xcerr = fabs(xcx[k] - law) / xdx;
        if (xr[k] == 0) {
            fprintf(o, "| %d | %.4f | (vanished) | %.4f | | | 0 | %.4f | %.4f | |\n", k, xt[k], law,
                    xrlaw[k], xrrec[k]);
            continue;
        }
        fprintf(o, "| %d | %.4f | %.4f | %.4f | %+.2f | %.4f | %.4f | %.4f | %.4f | %+.2f |\n", k,
                xt[k], xcx[k], law, (xcx[k] - law) / xdx, xcy[k], xr[k], xrlaw[k], xrrec[k],
                (xr[k] - xrrec[k]) / xdx);
    }
    fprintf(o, "\nLargest centre error while the set exists: %.2f cells.\n\n", xcerr);
    fprintf(o, "The same with r0 = 0.6, which survives to t = 0.1: at t = %.4f the centre is "
               "at x = %.4f (law %.4f, error %+.2f cells) and the radius is %.4f (law %.4f, "
               "implicit recursion %.4f; difference to the recursion %+.2f cells).\n\n",
            x6_t, x6_cx, -ea[0] * x6_t, (x6_cx + ea[0] * x6_t) / xdx, x6_r,
            af_ref_circle_radius(x6_r0, x6_t), x6_rec, (x6_r - x6_rec) / xdx);

    fprintf(o, "## 5. l-infinity budget: a square stays a square\n\n"
               "Axis-aligned square of side 1, uniform rho, l-inf ball (norm = inf), n = %d, eps "
               "= %.0f cells, h = %.0f dx = %.5f. For the l-inf perimeter a square of side L "
               "loses sides by the implicit step L_{k+1} = (L_k + sqrt(L_k^2 - 16h)) / 2 "
               "(the implicit Euler step of the crystalline law dL/dt = -4/L: each side moves "
               "at 2/L). Side = bounding-box width and height; fill = area / "
               "bounding-box area.\n\n",
            sq_n, sq_eps, sq_hc, sq_h);
    fprintf(o, "| step | width | height | recursion | error (cells) | fill |\n"
               "|---|---|---|---|---|---|\n");
    for (int k = 0; k <= sqk; k++)
        fprintf(o, "| %d | %.4f | %.4f | %.4f | %+.2f | %.4f |\n", k, sqW[k], sqH[k], sqRec[k],
                (sqL[k] - sqRec[k]) / (2.0 / sq_n), sqFill[k]);
    fprintf(o, "\nLargest side error (width or height vs recursion): %.2f cells; smallest fill "
               "ratio %.4f.\n\n",
            sqErrMax, sqFillMin);

    fprintf(o, "## 6. p = 0: stagnation\n\n"
               "Circle r0 = 0.6, n = 256, eps = h = 4 dx, p = 0 (iterated adversarial "
               "training: the fidelity no longer grows with the distance). After 10 steps "
               "%zu of %zu cells changed (%s).\n\n",
            p0_changed, p0_cells, p0_changed == 0 ? "the circle does not move" : "it moved");

    fprintf(o, "## 7. MBO baseline\n\n"
               "MBO threshold dynamics (`af_mbo_step`, heat kernel of sigma = sqrt(2h)) on the "
               "same circle at n = 512, to the first step time >= 0.1. The ellipse rows are in "
               "section 2.\n\n");
    fprintf(o, "| sigma (cells) | h | steps | t | rate / 2pi | ms / step | time to t (s) |\n"
               "|---|---|---|---|---|---|---|\n");
    for (int q = 0; q < 3; q++)
        fprintf(o, "| %.0f | %.3g | %d | %.4f | %.4f | %.2f | %.2f |\n", mc[q].sig_cells, mc[q].h,
                mc[q].k, mc[q].t, mc[q].rate, mc[q].ms_step, mc[q].secs);
    double mm512_secs = sub[2].ms_step * sub[2].k / 1e3;
    fprintf(o, "\nadvflow on the same circle (n = 512, eps = h = 4 dx): %d steps of %.0f ms, "
               "%.2f s to t = %.4f, rate / 2pi %.4f.\n\n",
            sub[2].k, sub[2].ms_step, mm512_secs, sub[2].t, sub[2].rate);

    fprintf(o, "## 8. Five-pointed star against front tracking\n\n"
               "Star r(theta) = 0.6 + 0.2 cos(5 theta) (`af_shape` star: radius 0.6, points 5, "
               "amplitude 0.2), uniform rho, n = %d, eps = 3 cells, h = 1 dx = %.5f, %d steps to "
               "t = %.4f (the last step time <= 0.06), the settings of an early prototype's measurement; "
               "the last rows use rounder balls (section 2a). "
               "Reference: the star's boundary with 1024 markers (`af_ref_curve_from_shape`) "
               "flowed by `af_ref_curve_flow` to the same t. At t = 0 the mask is at Hausdorff "
               "distance %.2f cells and symmetric difference %.0f cells from the reference "
               "(digitisation only). *Tip* and *valley*: mean over the 5 tip rays (theta = 2 pi "
               "j / 5) and the 5 valley rays of the distance from the centre at which the ray "
               "leaves the set, mask vs reference, at the final time; at t = 0 they are 0.8 and "
               "0.4.\n\n",
            st[0].n, st[0].h, st[0].k, st[0].t, st[0].haus0, st[0].symd0);
    fprintf(o, "| distance | eps (cells) | normal gap (degrees) | h (dx) | t | rate / 2pi | "
               "prototype | Hausdorff (cells) | symmetric difference (cells) | largest "
               "radial gap (cells, at angle) | tip mask / ref | valley mask / ref | ms / step |\n"
               "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (int q = 0; q < NST; q++) {
        char hb[32];
        if (st[q].haus_ok)
            snprintf(hb, sizeof hb, "%.2f", st[q].haus);
        else
            snprintf(hb, sizeof hb, "failed (empty mask?)");
        fprintf(o, "| %s | %.0f | %.1f | %.1f | %.4f | %.4f | %s | %s | %.0f | %.2f (%.1f deg) | "
                   "%.4f / %.4f | %.4f / %.4f | %.0f |\n",
                st[q].sd == AF_SDIST_SUBCELL ? "sub-cell" : "simple", st[q].eps_cells,
                st[q].gap_deg, st[q].h / st[q].dx, st[q].t, st[q].rate, q == 0 ? "1.015" : q == 1 ? "1.104" : "", hb,
                st[q].symd, st[q].rad_max, st[q].rad_th, st[q].tip_m, st[q].tip_r, st[q].val_m,
                st[q].val_r, st[q].ms_step);
    }
    fprintf(o, "\nFront tracking: area %.4f -> %.4f, i.e. area rate / 2pi %.4f (the exact law "
               "for any simple closed curve is 1, so this checks the reference); isoperimetric "
               "ratio 4 pi A / L^2 %.4f at t = 0 and %.4f at t = %.4f (1 for a circle): the star "
               "becomes convex and then round, as Gage-Hamilton-Grayson say. The mask is "
               "rounder than at the start too (tip - valley %.1f cells against %.1f cells at "
               "t = 0) but not as round as the reference (%.1f cells): its valleys are %.1f "
               "cells behind on average (they should move outwards; curvature there is about "
               "-29 at t = 0, so h kappa is about %.0f cells in the first step). The rounder "
               "balls show why: the radius-3 ball's hull is an octagon with vertex cones of %.1f "
               "degrees, the valleys' and the flanks' normals sit in those cones, and with "
               "eps = %.0f, %.0f and %.0f cells (cones of %.1f, %.1f and %.1f degrees) the "
               "Hausdorff distance falls to %.2f, %.2f and %.2f cells. This is the crystalline "
               "lag of section 2a, not pinning. The valleys' radius of curvature is only about "
               "%.0f cells, so at eps = %.0f cells Per_eps is no longer local there; the shape "
               "is still closer to the flow. The area rate does not follow the gap (%.4f, "
               "%.4f, %.4f). It follows the time step: at eps = 5 cells it is %.4f, %.4f and "
               "%.4f for h = 2, 1 and 0.5 dx. The implicit step's error grows like h kappa^2, "
               "and the star starts with curvatures of 9 at the tips and -29 in the valleys, so "
               "its area rate needs a smaller h than the circle's for the same accuracy.\n\n",
            st[0].a0_ref, st[0].a1_ref, st[0].rate_ref, st[0].iso0, st[0].iso1, st[0].t,
            (st[0].tip_m - st[0].val_m) / st[0].dx, 0.4 / st[0].dx,
            (st[0].tip_r - st[0].val_r) / st[0].dx, (st[0].val_r - st[0].val_m) / st[0].dx,
            28.75 * st[0].h / st[0].dx, st[0].gap_deg, st[2].eps_cells, st[3].eps_cells,
            st[4].eps_cells, st[2].gap_deg, st[3].gap_deg, st[4].gap_deg, st[2].haus, st[3].haus,
            st[4].haus, 1 / 28.75 / st[0].dx, st[4].eps_cells, st[2].rate, st[3].rate, st[4].rate,
            st[5].rate, st[2].rate, st[6].rate);

    fprintf(o, "## 9. Circle: the digital ball's part\n\n"
               "Circle r0 = 0.6, uniform rho, n = 512, sub-cell distance, to the last step time "
               "<= 0.1. First block: h fixed at 4 dx and dx fixed, eps varied. The implicit "
               "recursion depends only on h, so it is the same in every row; what changes with "
               "eps is the nonlocal perimeter on the digital ball (its anisotropy is "
               "`af_ball_anisotropy` of the plan's ball, `af_mm_plan_ball`; Per_eps is "
               "normalised by the ball's mean width, so the anisotropy, not the width, is what "
               "is left). Second block: dx fixed, eps = h refined together. *Stalled* counts "
               "steps in which the area did not change (pinning). The eps = h = 4 dx row is the "
               "n = 512 run of section 1.\n\n");
    fprintf(o, "| eps (cells) | h (cells) | ball anisotropy | steps | t | rate / 2pi measured | "
               "rate / 2pi recursion | difference | stalled steps | out of round (cells) | "
               "ms / step |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (int q = 0; q < 7; q++) {
        const circ_run *R = q < 4 ? &be[q] : &er[q - 4];
        if (q == 4)
            fprintf(o, "| *eps = h refined* | | | | | | | | | | |\n");
        fprintf(o, "| %.0f | %.0f | %.3f | %d | %.4f | %.4f | %.4f | %+.4f | %d | %.2f | %.0f |\n",
                R->eps_cells, R->h_cells, R->aniso, R->k, R->t, R->rate, R->rate_rec,
                R->rate - R->rate_rec, R->stalled, R->round, R->ms_step);
    }
    fprintf(o, "\nAt h = 4 dx the measured rate spans %.4f to %.4f across eps = 3, 4, 5, 8 "
               "cells (spread %.4f) while the recursion is %.4f in every row: that spread is the "
               "nonlocal / digital-ball part at this h and dx. The radius-8 ball has anisotropy "
               "%.3f (the digital l2 balls do not get steadily rounder with R: %.3f, %.3f, "
               "%.3f, %.3f, %.3f, %.3f for R = 3 .. 8). Ordered by anisotropy the rates "
               "rise with it here (the radius-4 ball, the most anisotropic, gives the highest "
               "rate), but eps = 5 and 8 cells, with the same anisotropy, differ by %.4f, so "
               "the anisotropy is not the whole digital-ball effect. Refining eps = h together at fixed dx (8, 4, 2 "
               "cells) gives %.4f, %.4f, %.4f against the recursion's %.4f, %.4f, %.4f; at "
               "eps = h = 2 cells %s and the difference to the recursion is %+.4f, the largest "
               "of the three (the radius-2 ball has anisotropy %.3f).\n\n",
            be_min, be_max, be_max - be_min, be[0].rate_rec, be[3].aniso, ball_an[0], ball_an[1],
            ball_an[2], ball_an[3], ball_an[4], ball_an[5], be[3].rate - be[2].rate, er[0].rate, er[1].rate, er[2].rate,
            er[0].rate_rec, er[1].rate_rec, er[2].rate_rec,
            er[2].stalled ? "some steps stalled (pinning)"
                          : "no step stalled (every step changed the area: no pinning)",
            er[2].rate - er[2].rate_rec, er[2].aniso);

    fprintf(o, "## 10. Circle: the level-set representation\n\n"
               "Circle r0 = 0.6, uniform rho, eps = 4 dx, h = dx. "
               "*Level set*: `af_mm_plan_step_levelset` (every level set by minimum cuts, "
               "docs/theory.md \"The level-set step\") then `af_dist_redistance`; its radius "
               "is that of the zero contour's area (marching squares). *Mask*: "
               "`af_mm_plan_step` on the same case; *MBO*: `af_mbo_step` with the same h "
               "(sigma = sqrt(2h)). The radius error is |sqrt(A(0.1) / pi) - sqrt(r0^2 - 0.2)|, "
               "with A(0.1) interpolated linearly between the steps just before and after "
               "t = 0.1 (the exact area is linear in t), so that every grid is compared at the "
               "same time; *implicit step* is that error for the implicit step alone, "
               "r_{k+1} = (r_k + sqrt(r_k^2 - 4h)) / 2, the time discretisation every scheme "
               "here shares. The rate is the least-squares slope of the area over the steps "
               "with t <= 0.1, divided by -2 pi (the implicit step alone gives 1.0078 at "
               "n = 512). *Stalled*: steps whose area did not change. ms / step includes "
               "redistancing for the level set.\n\n");
    fprintf(o, "| n | steps | radius error at t = 0.1 (cells): level set | mask | MBO | implicit step "
               "| rate / 2pi level set | mask | MBO | stalled mask / level set | ms / step level set "
               "| mask |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (int q = 0; q < NLS; q++)
        fprintf(o, "| %d | %d | %.3f | %.3f | %.3f | %.3f | %.4f | %.4f | %.4f | %d / %d | %.0f | "
                   "%.0f |\n",
                lsr[q].n, lsr[q].k + 1, lsr[q].err_ls / lsr[q].dx, lsr[q].err_mask / lsr[q].dx,
                lsr[q].err_mbo / lsr[q].dx, lsr[q].err_rec / lsr[q].dx, lsr[q].rate_ls,
                lsr[q].rate_mask, lsr[q].rate_mbo, lsr[q].stalled_mask, lsr[q].stalled_ls,
                lsr[q].ms_ls, lsr[q].ms_mask);
    fprintf(o, "\nObserved order of the radius error in dx (least squares over n = 128 ... 1024): "
               "level set %.2f, mask %.2f, MBO %.2f; the implicit step alone %.2f.\n\n"
               "![radius error against dx](img/validation/levelset_error.png)\n\n",
            ord_ls, ord_mask, ord_mbo, ord_rec);
    {
        double dmax = 0;
        int flips = 0;
        for (int q = 0; q < NLS; q++) {
            dmax = fmax(dmax, fabs(lsr[q].err_ls - lsr[q].err_rec) / lsr[q].dx);
            flips += q > 0 && lsr[q].sgn_mbo != lsr[q - 1].sgn_mbo;
        }
        fprintf(o, "At every n the level set's radius error differs from the implicit step's by at "
                   "most %.3f cells: the grid adds almost nothing to the time discretisation's "
                   "error, which is first order in h = dx, so the level set converges with it. "
                   "The mask follows it only roughly (its areas count whole cells)%s\n\n",
                dmax,
                flips ? "; MBO's error changes sign between two of the grids (hence its dip), so "
                        "its fitted order says little." : ".");
    }

    /* what the numbers show */
    int best_mbo_e = me[0].haus < me[1].haus ? 0 : 1;
    fprintf(o, "## What the numbers show\n\n");
    fprintf(o,
            "On the circle the exact scheme loses area at %.3f, %.3f, %.3f and %.3f times 2 pi "
            "at n = 128, 256, 512 and 1024 (eps = h = 4 dx, sub-cell distance). The implicit "
            "Euler recursion with the same h accounts for %.3f, %.3f, %.3f and %.3f of that: "
            "%s. Along this path the error falls with order %.2f in dx. ",
            sub[0].rate, sub[1].rate, sub[2].rate, sub[3].rate, sub[0].rate_rec, sub[1].rate_rec,
            sub[2].rate_rec, sub[3].rate_rec,
            fabs(sub[3].rate - sub[3].rate_rec) < fabs(sub[3].rate_rec - 1)
                ? "most of the remaining error is the time discretisation, not the grid"
                : "a good part of the error comes from the grid and the nonlocal perimeter, "
                  "not only from the time step",
            order);
    fprintf(o,
            "The simple (centre-based) signed distance loses area faster: %.3f, %.3f and %.3f at "
            "n = 256, 512 and 1024, against %.3f, %.3f and %.3f with the sub-cell form; its "
            "excess over the recursion (%+.3f, %+.3f, %+.3f at n = 256, 512, 1024) does not "
            "fall from n = 512 to n = 1024 at a fixed number of cells, which is why the sub-cell "
            "form is the default.\n\n",
            sim[0].rate, sim[1].rate, sim[2].rate, sub[1].rate, sub[2].rate, sub[3].rate,
            sim[0].rate - sim[0].rate_rec, sim[1].rate - sim[1].rate_rec,
            sim[2].rate - sim[2].rate_rec);
    fprintf(o,
            "On the ellipse the shape error is dominated by the digital ball, not by the time "
            "step or pinning: the ball's convex hull is a polygon, the grid's perimeter is "
            "crystalline, and arcs whose normals lie in one of the polygon's vertex cones do not "
            "feel their curvature. With eps = 5 cells (cones of %.1f degrees around the axes) "
            "the flat sides stay %+.2f cells behind front tracking at n = 512 and the "
            "Hausdorff distance is %.2f cells; with eps = 20 cells (%.1f degrees) it is %.2f "
            "cells. At a fixed eps in cells this error grows in proportion to n (%.2f, %.2f, "
            "%.2f cells at n = 256, 512, 1024 with eps = 5 cells): the shape converges only if "
            "eps / dx grows as dx shrinks. The area rate hides it, because a crystalline flow "
            "still loses area at 2 pi once Per_eps is normalised by the ball's mean width. "
            "MBO with sigma = %.0f cells comes within %.2f cells of front tracking. "
            "With a Gaussian density the scheme reproduces the unstable equilibrium: the circle "
            "at 0.9 sigma shrinks and the one at 1.1 sigma grows, with largest relative radius "
            "errors %.1f%% and %.1f%%. Under rho = exp(1.5 x) the circle drifts to the left at "
            "the law's speed (largest centre error %.2f cells, r0 = 0.4) while it shrinks. With the "
            "l-inf budget a square stays a square (fill >= %.3f) and its side follows the "
            "implicit step within %.2f cells. With p = 0 the scheme stagnates, as expected "
            "(%zu changed cells in 10 steps).\n\n",
            ez[0].gap_deg, ez[0].side, ez[0].haus, ez[EZ_ACCEPT].gap_deg, ez[EZ_ACCEPT].haus,
            ef[0].haus, ef[1].haus, ef[2].haus, best_mbo_e ? 8.0 : 6.0, me[best_mbo_e].haus,
            100 * gerr[0], 100 * gerr[1], xcerr, sqFillMin, sqErrMax,
            p0_changed);
    fprintf(o,
            "Where advflow is worse than MBO. Cost per step: an exact step at 512^2 took %.0f ms "
            "here, an MBO step %.2f ms (sigma = 6 cells), about %.0f times less. MBO needs many "
            "more steps (%d at sigma = 6 cells, %d at 8, against advflow's %d), so the time to "
            "solution is closer: to t = 0.1 MBO took %.2f s (sigma = 6 cells, rate %.3f) and "
            "%.2f s (sigma = 8 cells, rate %.3f), advflow %.2f s (rate %.3f). %s "
            "%s "
            "MBO's weakness is pinning: its fronts move only when h V is a fair fraction of a "
            "cell, so a small sigma stalls: at sigma = 3 cells the circle's area rate is %.3f "
            "of 2 pi. MBO also thresholds a smoothed field rather than minimising an energy, "
            "so it offers no nonlocal perimeter, no l-inf or l1 budget and no fidelity exponent "
            "p; advflow's steps are exact minimisers of the adversarial-training energy "
            "itself.\n\n",
            sub[2].ms_step, mc[1].ms_step, sub[2].ms_step / mc[1].ms_step, mc[1].k, mc[2].k,
            sub[2].k, mc[1].secs, mc[1].rate, mc[2].secs, mc[2].rate, mm512_secs, sub[2].rate,
            /* Timings on this shared machine vary by about 20% from run to run:
             * only a larger gap is called a win, so the text does not flip
             * between regenerations. */
            mm512_secs > 1.25 * mc[2].secs
                ? "So at n = 512 MBO with sigma = 8 cells is clearly faster to the same time."
            : mm512_secs < 0.8 * mc[2].secs
                ? "So at n = 512 advflow is clearly faster to the same time than MBO with sigma = 8 cells."
                : "So at n = 512 the two times to solution are within the run-to-run noise of this "
                  "machine (about 20%): on the uniform circle neither method wins on speed.",
            me[best_mbo_e].haus < ez[EZ_ACCEPT].haus
                ? "On the ellipse MBO's best sigma is closer to front tracking than advflow's "
                  "eps = 20 cells (section 2); advflow needs a "
                  "large ball to round its polygon, and its step cost grows with the ball."
                : "On the ellipse advflow with eps = 20 cells is closer to front tracking than "
                  "MBO's best sigma (section 2), but it needs that large ball to round its "
                  "polygon, and its step cost grows with the ball.",
            mc[0].rate);
    fprintf(o, "To t = 0.05 on the ellipse the steps took %.2f s for MBO with sigma = %.0f cells "
               "and %.1f s for advflow with eps = 20 cells, h = 1.6 dx. ",
            me[best_mbo_e].ms_step * me[best_mbo_e].k / 1e3, best_mbo_e ? 8.0 : 6.0,
            ez[EZ_ACCEPT].ms_step * ez[EZ_ACCEPT].k / 1e3);
    fprintf(o, "On accuracy the circle's area rate is %.3f for MBO with sigma = 8 cells and %.3f "
               "for advflow at n = 512, eps = h = 4 dx: %s.\n\n",
            mc[2].rate, sub[2].rate,
            fabs(mc[2].rate - 1) <= fabs(sub[2].rate - 1) ? "MBO is the closer of the two here"
                                                         : "advflow is the closer of the two here");
    fprintf(o,
            "On the five-pointed star (n = 384, eps = 3 cells, h = 1 dx, t = %.4f) front "
            "tracking goes from isoperimetric ratio %.3f to %.4f: the star becomes convex and "
            "then nearly round, and it loses area at exactly 2 pi (%.4f). The scheme's area "
            "rate is %.3f of 2 pi with the sub-cell distance and %.3f with the simple one; "
            "an early prototype reported 1.015 and 1.104, so the simple distance is "
            "reproduced roughly but the sub-cell figure is not (here it is %.1f%% high, not "
            "1.5%%; I have not found what the prototype did differently). The excess is the "
            "implicit step's: with eps = 5 cells it falls from %.3f to %.3f as h goes from 2 "
            "to 0.5 dx. Its shape also lags: %.2f cells Hausdorff distance to front tracking "
            "(%.2f at t = 0), because the valleys, where the curvature is about -29 and one "
            "step of h = 1 dx should move the front some 29 cells outward, are %.1f cells "
            "behind on average; the mask rounds off, but more slowly than the flow. That lag "
            "is the radius-3 ball's polygon (section 2a): with eps = %.0f cells the distance is "
            "%.2f cells. "
            "On the circle at n = 512 with h = 4 dx fixed, changing eps from 3 to 8 cells "
            "moves the area rate between %.4f and %.4f while the implicit recursion stays at "
            "%.4f, so the nonlocal perimeter on the digital ball contributes about +-%.3f "
            "here, less than the time step's own %.3f and of either sign; it grows with "
            "the ball's anisotropy (%.3f, %.3f, %.3f, %.3f for eps = 3, 4, 5, 8) but is not "
            "fixed by it (eps = 5 and 8 share 1.054 and differ by %.4f). Refining eps = h "
            "together at fixed dx (8, 4, 2 cells) the rate goes %.4f, %.4f, %.4f, following "
            "the recursion (%.4f, %.4f, %.4f) down; at 2 cells %s, but the difference to the "
            "recursion grows to %+.4f, the coarse radius-2 ball showing.\n\n",
            st[0].t, st[0].iso0, st[0].iso1, st[0].rate_ref, st[0].rate, st[1].rate,
            100 * (st[0].rate - 1), st[5].rate, st[6].rate, st[0].haus, st[0].haus0, (st[0].val_r - st[0].val_m) / st[0].dx,
            st[4].eps_cells, st[4].haus,
            be_min, be_max, be[0].rate_rec, (be_max - be_min) / 2, be[0].rate_rec - 1,
            be[0].aniso, be[1].aniso, be[2].aniso, be[3].aniso, be[3].rate - be[2].rate,
            er[0].rate, er[1].rate,
            er[2].rate, er[0].rate_rec, er[1].rate_rec, er[2].rate_rec,
            er[2].stalled ? "some steps stalled (pinning)" : "nothing pinned",
            er[2].rate - er[2].rate_rec);
    fprintf(o, "## Summary of targets\n\n"
               "| target | value | status |\n|---|---|---|\n"
               "| circle area rate at n = 1024, h = eps = 4 dx, sub-cell, within 3%% of 2 pi | "
               "%.4f | %s |\n"
               "| observed order >= 0.8 (eps = h = 4 dx) | %.2f | %s |\n"
               "| ellipse Hausdorff <= 3 cells at n = 512, t = 0.05 (eps = 20 cells, h = 1.6 dx) "
               "| %.2f | %s |\n"
               "| Gaussian radius within 3%% (0.9 sigma, 1.1 sigma) | %.4f, %.4f | %s |\n"
               "| level set: circle area rate at n = 512, eps = 4 dx, h = dx, within 1.2%% of "
               "2 pi | %.4f | %s |\n"
               "| level set: observed order of the radius error >= 1 (eps = 4 dx, h = dx) | %.2f "
               "| %s |\n\n",
            sub[3].rate, verdict(circ_ok), order, verdict(order_ok), ez[EZ_ACCEPT].haus,
            verdict(ell_ok), gerr[0], gerr[1], verdict(g_ok), lsr[2].rate_ls,
            verdict(fabs(lsr[2].rate_ls - 1) <= 0.012), ord_ls, verdict(ord_ls >= 1));
    fprintf(o, "Measured without a target (sections 8 and 9):\n\n"
               "| quantity | value |\n|---|---|\n"
               "| star area rate / 2pi, sub-cell / simple (early prototype: 1.015 / 1.104) | "
               "%.4f / %.4f |\n"
               "| star Hausdorff to front tracking at t = %.4f, sub-cell / simple (cells) | "
               "%.2f / %.2f |\n"
               "| star symmetric difference, sub-cell / simple (cells) | %.0f / %.0f |\n"
               "| star isoperimetric ratio of front tracking, t = 0 -> t = %.4f | %.4f -> %.4f |\n"
               "| circle n = 512, h = 4 dx, eps = 3, 4, 5, 8 cells: rate / 2pi (recursion %.4f) | "
               "%.4f, %.4f, %.4f, %.4f |\n"
               "| circle n = 512, eps = h = 8, 4, 2 cells: rate / 2pi (recursion) | %.4f (%.4f), "
               "%.4f (%.4f), %.4f (%.4f) |\n\n",
            st[0].rate, st[1].rate, st[0].t, st[0].haus, st[1].haus, st[0].symd, st[1].symd,
            st[0].t, st[0].iso0, st[0].iso1, be[0].rate_rec, be[0].rate, be[1].rate, be[2].rate,
            be[3].rate, er[0].rate, er[0].rate_rec, er[1].rate, er[1].rate_rec, er[2].rate,
            er[2].rate_rec);
    fprintf(o, "## Regenerate\n\n```\nmake validate\n```\n\nbuilds `build/validate` from "
               "`tools/validate.c` and runs it from the repository root; it rewrites this file "
               "and `docs/img/validation/*.png` (about %.0f s on a 2-core machine).\n",
            T_total);
    if (fclose(o))
        die("write %s.tmp failed", MD_PATH);
    if (rename(MD_PATH ".tmp", MD_PATH))
        die("rename to %s: %s", MD_PATH, strerror(errno));
    fprintf(stderr, "wrote %s\n", MD_PATH);
    return 0;
}
