/* advflow validation study: runs the exact minimizing-movements scheme on
 * cases with known answers (docs/theory.md section 2), compares with the exact
 * laws, the implicit step's own recursion, front tracking, and MBO, and
 * writes docs/validation.md and PNG plots into docs/img/validation/.
 * Run from the repository root (make validate).  Progress and timings go
 * to stderr.
 *
 * Layout: one function per section computes that section's runs into a
 * result struct (section_circle, section_ellipse, ... section_levelset,
 * section_round);
 * one function per figure draws it with the library's plots (plot.h);
 * one function per report section writes its Markdown from the result
 * structs (report_circle, ...); main calls them in that order.
 * GPL-3.0-or-later. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "advflow/advflow.h"

static void die(const char *fmt, ...);
#define FX_FAIL(...) die(__VA_ARGS__)
#include "../tests/fixtures.h"

#define PI 3.14159265358979323846
#define MD_PATH "docs/validation.md"
#define IMG_DIR "docs/img/validation"

/* ------------------------------------------------------------------ util */

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

static af_mm_plan *plan_mm(const fx_field *f, af_norm norm, double eps_cells, double h, double p,
                           af_sdist_kind sd)
{
    af_mm_params prm = fx_params(&f->g, eps_cells, h);
    prm.norm = norm;
    prm.p = p;
    prm.sdist = sd;
    return fx_plan(f, &prm);
}

/* the equivalent radius sqrt(area / pi) of the field's region */
static double eq_radius(const fx_field *f)
{
    return sqrt(af_grid_mask_area(&f->g, f->a) / PI);
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
    double t0 = fx_now();
    fx_field f;
    fx_field_init(&f, n);
    fx_field_circle(&f);
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
    double a0 = af_grid_mask_area(&f.g, f.a), a = a0, ms = 0;
    R->tt[0] = 0;
    R->r2[0] = a0 / PI;
    R->stalled = 0;
    for (int q = 1; q <= R->k; q++) {
        ms += fx_step(pl, &f, NULL);
        double an = af_grid_mask_area(&f.g, f.a);
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
    fx_field_free(&f);
    R->secs = fx_now() - t0;
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

static void compare_ellipse(ell_run *E, const fx_field *f, const uint8_t *m)
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
    double t0 = fx_now();
    fx_field f;
    fx_field_init(&f, n);
    fx_field_shape(&f, &ellipse_shape);
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
        ms += fx_step(pl, &f, NULL);
    E->ms_step = ms / E->k;
    compare_ellipse(E, &f, f.a);
    af_mm_plan_free(pl);
    fx_field_free(&f);
    E->secs = fx_now() - t0;
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

static af_mbo *mbo_make(const fx_field *f, double h)
{
    af_error err;
    af_mbo *m = af_mbo_alloc(&f->g, h, NULL, &err);
    if (!m)
        die("mbo: %s", err.msg);
    return m;
}

static void run_mbo_circle(mbo_circ *M, double sig_cells)
{
    fx_field f;
    fx_field_init(&f, 512);
    fx_field_circle(&f);
    M->sig_cells = sig_cells;
    double sig = sig_cells * f.g.dx;
    M->h = sig * sig / 2;
    M->k = steps_to(0.1, M->h);
    af_mbo *m = mbo_make(&f, M->h);
    double a0 = af_grid_mask_area(&f.g, f.a);
    double t0 = fx_now();
    for (int q = 0; q < M->k; q++)
        af_mbo_step(m, f.a, f.a);
    M->secs = fx_now() - t0;
    M->ms_step = 1e3 * M->secs / M->k;
    M->t = M->k * M->h;
    M->rate = (a0 - af_grid_mask_area(&f.g, f.a)) / M->t / (2 * PI);
    af_mbo_free(m);
    fx_field_free(&f);
    fprintf(stderr, "  MBO circle sigma=%g cells: %d steps, rate/2pi %.4f, %.2f ms/step, %.2f s\n",
            sig_cells, M->k, M->rate, M->ms_step, M->secs);
}

static void run_mbo_ellipse(ell_run *E, const char *label, double sig_cells)
{
    fx_field f;
    fx_field_init(&f, 512);
    fx_field_shape(&f, &ellipse_shape);
    double sig = sig_cells * f.g.dx;
    E->label = label;
    E->n = 512;
    E->eps_cells = E->aniso = E->gap_deg = 0;
    E->h = sig * sig / 2;
    E->k = steps_near(0.05, E->h);
    E->t = E->k * E->h;
    af_mbo *m = mbo_make(&f, E->h);
    double t0 = fx_now();
    for (int q = 0; q < E->k; q++)
        af_mbo_step(m, f.a, f.a);
    E->secs = fx_now() - t0;
    E->ms_step = 1e3 * E->secs / E->k;
    compare_ellipse(E, &f, f.a);
    af_mbo_free(m);
    fx_field_free(&f);
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
static double ray_mask(const fx_field *f, const uint8_t *m, double th)
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
    double t0 = fx_now();
    af_error err;
    fx_field f;
    fx_field_init(&f, 384);
    fx_field_shape(&f, &star_shape);
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
    double a0 = af_grid_mask_area(&f.g, f.a), ms = 0;
    for (int q = 0; q < S->k; q++)
        ms += fx_step(pl, &f, NULL);
    S->ms_step = ms / S->k;
    S->rate = (a0 - af_grid_mask_area(&f.g, f.a)) / S->t / (2 * PI);
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
    fx_field_free(&f);
    S->secs = fx_now() - t0;
    fprintf(stderr, "  star %s: %d steps to t=%.4f, rate/2pi %.4f (front tracking %.4f), "
                    "Hausdorff %.2f cells, symdiff %.0f, iso %.4f -> %.4f, %.0f ms/step, %.1f s\n",
            sd == AF_SDIST_SUBCELL ? "subcell" : "simple", S->k, S->t, S->rate, S->rate_ref,
            S->haus, S->symd, S->iso0, S->iso1, S->ms_step, S->secs);
    fprintf(stderr, "    t=0: Hausdorff %.2f, symdiff %.0f; end: tip mask %.4f ref %.4f, valley "
                    "mask %.4f ref %.4f\n",
            S->haus0, S->symd0, S->tip_m, S->tip_r, S->val_m, S->val_r);
    fprintf(stderr, "    max radial difference %.2f cells at %.1f deg\n", S->rad_max, S->rad_th);
}

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

static void run_levelset(ls_run *L, int n)
{
    fx_field f;
    fx_field_init(&f, n);
    af_shape s = fx_circle();
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
    double rr = FX_CIRCLE_R0; /* the implicit step alone */
    af_dist_work *dw = af_dist_work_alloc(&f.g, &err);
    if (!dw || af_shape_field(&f.g, &s, v, &err) != AF_OK || af_dist_redistance(dw, v, u, &err) != AF_OK)
        die("level set: %s", err.msg);
    af_mm_plan *pl = plan_mm(&f, AF_NORM_2, 4, h, 1, AF_SDIST_SUBCELL);
    af_mm_plan *pm = plan_mm(&f, AF_NORM_2, 4, h, 1, AF_SDIST_SUBCELL);
    uint8_t *mb = xmalloc(f.cells);
    fx_field_shape(&f, &s);
    memcpy(mb, f.a, f.cells);
    af_mbo *mbo = mbo_make(&f, h);
    double sec_ls = 0, sec_mask = 0;
    L->stalled_mask = L->stalled_ls = 0;
    for (int q = 0;; q++) {
        tt[q] = q * h;
        al[q] = af_contour_area(&f.g, u, 0);
        am[q] = af_grid_mask_area(&f.g, f.a);
        ab[q] = af_grid_mask_area(&f.g, mb);
        ar[q] = PI * rr * rr;
        rr = af_ref_circle_implicit_step(rr, h);
        if (q > 0) {
            L->stalled_mask += am[q] == am[q - 1];
            L->stalled_ls += al[q] == al[q - 1];
        }
        if (q == K)
            break;
        double t0 = fx_now();
        if (af_mm_plan_step_levelset(pl, u, v, NULL, &err) != AF_OK
            || af_dist_redistance(dw, v, u, &err) != AF_OK)
            die("level-set step: %s", err.msg);
        sec_ls += fx_now() - t0;
        sec_mask += 1e-3 * fx_step(pm, &f, NULL);
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
    L->rate_ls = -fx_fit(tt, al, L->k + 1, NULL) / (2 * PI);
    L->rate_mask = -fx_fit(tt, am, L->k + 1, NULL) / (2 * PI);
    L->rate_mbo = -fx_fit(tt, ab, L->k + 1, NULL) / (2 * PI);
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
    fx_field_free(&f);
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
    return fx_fit(x, y, m, NULL);
}

/* ============================================================ sections */

/* ---- 1. circle: refinement along eps = h = 4 dx ---- */
typedef struct {
    circ_run sub[4]; /* sub-cell distance, n = 128, 256, 512, 1024 */
    circ_run sim[3]; /* simple distance, n = 256, 512, 1024 */
    double order, order_c0; /* fit of log |rate - 1| against log dx: slope, intercept */
    double order_rec;       /* the same for the recursion alone */
    double order_sp;        /* of |measured - recursion|, NAN unless sp_ok */
    int sp_ok;
    int circ_ok;  /* target: rate at n = 1024 within 3% of 2 pi */
    int order_ok; /* target: order >= 0.8 */
    double secs;
} circle_result;

static void section_circle(circle_result *C)
{
    fprintf(stderr, "[1] circle refinement\n");
    double ts = fx_now();
    const int ns_sub[] = {128, 256, 512, 1024}, ns_sim[] = {256, 512, 1024};
    for (int q = 0; q < 4; q++)
        run_circle(&C->sub[q], ns_sub[q], AF_SDIST_SUBCELL);
    for (int q = 0; q < 3; q++)
        run_circle(&C->sim[q], ns_sim[q], AF_SDIST_SIMPLE);
    double lx[4], ly[4], lyr[4];
    for (int q = 0; q < 4; q++) {
        lx[q] = log(C->sub[q].dx);
        ly[q] = log(fabs(C->sub[q].rate - 1));
        lyr[q] = log(fabs(C->sub[q].rate_rec - 1));
    }
    C->order = fx_fit(lx, ly, 4, &C->order_c0);
    C->order_rec = fx_fit(lx, lyr, 4, NULL);
    /* order of the spatial part alone: |measured - recursion| */
    double lys[4];
    C->sp_ok = 1;
    for (int q = 0; q < 4; q++) {
        double d = fabs(C->sub[q].rate - C->sub[q].rate_rec);
        C->sp_ok &= d > 1e-12;
        lys[q] = C->sp_ok ? log(d) : 0;
    }
    C->order_sp = C->sp_ok ? fx_fit(lx, lys, 4, NULL) : NAN;
    C->circ_ok = fabs(C->sub[3].rate - 1) <= 0.03;
    C->order_ok = C->order >= 0.8;
    C->secs = fx_now() - ts;
    fprintf(stderr, "  order %.2f (recursion alone %.2f, spatial part %.2f, fitted %d); section %.1f s\n",
            C->order, C->order_rec, C->order_sp, C->sp_ok, C->secs);
}

/* ---- 2. ellipse against front tracking ---- */
enum { NEZ = 6, EZ_ACCEPT = 4, NEH = 4 };
typedef struct {
    ell_run ez[NEZ]; /* (a) eps scan at n = 512, h = 1.6 dx; ez[EZ_ACCEPT]: eps = 20 cells */
    ell_run eh[NEH]; /* (b) h = 0.05 / k, k = 4, 5, 10, 16 at eps = 20 cells */
    ell_run ehe;     /* the paper's h = eps at 5 cells */
    ell_run ef[3], es[3]; /* (c) n = 256, 512, 1024: eps = 5 cells; eps ~ dx^(-1/2) cells */
    double ord_f, ord_s;  /* fitted orders of the Hausdorff distance (length) in dx */
    double eh_min, eh_max; /* range of the Hausdorff distance over h at eps = 20 cells */
    int ell_ok;           /* target: Hausdorff <= 3 cells at eps = 20 cells */
    double secs;
} ellipse_result;

static void section_ellipse(ellipse_result *E)
{
    fprintf(stderr, "[2] ellipse vs front tracking\n");
    double ts = fx_now();
    /* (a) the digital ball: eps scan at n = 512, h = 0.05 / 8 = 1.6 dx; the
     * acceptance row is eps = 20 cells (ez[EZ_ACCEPT]) */
    const double ez_eps[NEZ] = {5, 10, 13, 15, 20, 22};
    for (int q = 0; q < NEZ; q++)
        run_ellipse_05(&E->ez[q], 512, ez_eps[q], 8);
    /* (b) the time step at eps = 20 cells (k = 8 is ez[EZ_ACCEPT]), and the
     * paper's h = eps at 5 cells, compared at its own nearest step time */
    const int eh_k[NEH] = {4, 5, 10, 16};
    for (int q = 0; q < NEH; q++)
        run_ellipse_05(&E->eh[q], 512, 20, eh_k[q]);
    run_ellipse_mm(&E->ehe, 512, 5, 5 * (2.0 / 512), steps_near(0.05, 5 * (2.0 / 512)));
    /* (c) refinement, h = 1.6 dx: eps fixed at 5 cells, and eps growing like
     * dx^(-1/2) in cells (eps = 20 cells at n = 512, so eps -> 0 but
     * eps / dx -> infinity).  The n = 512 rows are ez[0] and ez[EZ_ACCEPT]. */
    run_ellipse_05(&E->ef[0], 256, 5, 4);
    E->ef[1] = E->ez[0];
    run_ellipse_05(&E->ef[2], 1024, 5, 16);
    run_ellipse_05(&E->es[0], 256, 20 / sqrt(2.0), 4);
    E->es[1] = E->ez[EZ_ACCEPT];
    run_ellipse_05(&E->es[2], 1024, 20 * sqrt(2.0), 16);
    double ex[3], lf[3], ls[3];
    for (int q = 0; q < 3; q++) {
        double dxq = 2.0 / E->ef[q].n;
        ex[q] = log(dxq);
        lf[q] = log(E->ef[q].haus * dxq);
        ls[q] = log(E->es[q].haus * dxq);
    }
    E->ord_f = fx_fit(ex, lf, 3, NULL);
    E->ord_s = fx_fit(ex, ls, 3, NULL);
    E->eh_min = E->eh_max = E->ez[EZ_ACCEPT].haus;
    for (int q = 0; q < NEH; q++) {
        E->eh_min = fmin(E->eh_min, E->eh[q].haus);
        E->eh_max = fmax(E->eh_max, E->eh[q].haus);
    }
    E->ell_ok = E->ez[EZ_ACCEPT].haus <= 3;
    fprintf(stderr, "  Hausdorff order in length: eps = 5 cells %.2f, eps ~ dx^(1/2) %.2f\n",
            E->ord_f, E->ord_s);
    E->secs = fx_now() - ts;
    fprintf(stderr, "  section %.1f s\n", E->secs);
}

/* ---- 3. Gaussian density: unstable equilibrium ---- */
typedef struct {
    double sigma, gfac[2]; /* r0 = gfac sigma */
    int gk, gk2;           /* steps to t <= 0.1 at h = 4 dx and h = 2 dx */
    double h;              /* 4 dx */
    double gt[MAXK + 1];   /* step times at h = 4 dx */
    /* run q = 0, 1: r0 = gfac[q] sigma, h = 4 dx; q = 2, 3: the same with
     * h = 2 dx.  Equivalent radius, exact radius, largest relative error. */
    double gr[4][MAXK + 1], gref[4][MAXK + 1], gerr[4], gr0[4], gsecs[4];
    double gnext[4]; /* relative error one step past t = 0.1 */
    int ok;          /* target: both errors at h = 4 dx within 3% */
    double secs;
} gauss_result;

static void section_gauss(gauss_result *G)
{
    fprintf(stderr, "[3] Gaussian equilibrium\n");
    double ts = fx_now();
    G->sigma = 0.5;
    G->gfac[0] = 0.9;
    G->gfac[1] = 1.1;
    G->gk = G->gk2 = 0;
    const double sigma = G->sigma;
    for (int q = 0; q < 4; q++) { /* q = 0, 1: h = eps; q = 2, 3: h = eps/2 */
        double t1 = fx_now();
        fx_field f;
        fx_field_init(&f, 512);
        af_density d = {.kind = AF_DENSITY_GAUSSIAN, .value = 1, .sigma = sigma};
        fx_field_density(&f, &d);
        af_shape s = {.kind = AF_SHAPE_CIRCLE, .radius = G->gfac[q % 2] * sigma};
        fx_field_shape(&f, &s);
        double h = (q < 2 ? 4 : 2) * f.g.dx;
        int kk = steps_within(0.1, h);
        if (q < 2) {
            G->gk = kk;
            G->h = h;
        } else {
            G->gk2 = kk;
        }
        af_mm_plan *pl = plan_mm(&f, AF_NORM_2, 4, h, 1, AF_SDIST_SUBCELL);
        G->gr0[q] = eq_radius(&f);
        if (q < 2)
            G->gt[0] = 0;
        G->gr[q][0] = G->gref[q][0] = G->gr0[q];
        G->gerr[q] = 0;
        for (int k = 1; k <= kk; k++) {
            fx_step(pl, &f, NULL);
            if (q < 2)
                G->gt[k] = k * h;
            G->gr[q][k] = eq_radius(&f);
            G->gref[q][k] = af_ref_gaussian_radius(G->gr0[q], sigma, k * h);
            double e = fabs(G->gr[q][k] - G->gref[q][k]) / G->gref[q][k];
            if (e > G->gerr[q])
                G->gerr[q] = e;
        }
        /* one step past t = 0.1, reported apart */
        fx_step(pl, &f, NULL);
        G->gnext[q] = fabs(eq_radius(&f) - af_ref_gaussian_radius(G->gr0[q], sigma, (kk + 1) * h)) /
                      af_ref_gaussian_radius(G->gr0[q], sigma, (kk + 1) * h);
        af_mm_plan_free(pl);
        fx_field_free(&f);
        G->gsecs[q] = fx_now() - t1;
        fprintf(stderr, "  r0 = %.1f sigma, h = %d dx: max rel error %.4f, %.1f s\n", G->gfac[q % 2],
                q < 2 ? 4 : 2, G->gerr[q], G->gsecs[q]);
    }
    G->ok = G->gerr[0] <= 0.03 && G->gerr[1] <= 0.03;
    G->secs = fx_now() - ts;
}

/* ---- 4. rho = exp(a . x): translation ---- */
typedef struct {
    double a[2];      /* rho = exp(a . x) */
    double h, dx;     /* h = 4 dx, n = 512 */
    int k;            /* last step run with r0 = 0.4 (until the mask vanishes) */
    double t[MAXK + 1], cx[MAXK + 1], cy[MAXK + 1]; /* centroid (NAN once empty) */
    double r[MAXK + 1], rlaw[MAXK + 1], rrec[MAXK + 1]; /* radius, law, recursion */
    double cerr;      /* largest centre error while the set exists, cells */
    /* r0 = 0.6 to the last step time <= 0.1: time, centre x, radius, r0, recursion */
    double x6_t, x6_cx, x6_r, x6_r0, x6_rec;
    double secs;
} exp_result;

static void section_exp(exp_result *X)
{
    fprintf(stderr, "[4] exp(a.x) translation\n");
    double ts = fx_now();
    X->a[0] = 1.5;
    X->a[1] = 0;
    X->k = 0;
    af_density d = {.kind = AF_DENSITY_EXP, .value = 1, .a = {X->a[0], X->a[1]}};
    {
        fx_field f;
        fx_field_init(&f, 512);
        fx_field_density(&f, &d);
        af_shape s = {.kind = AF_SHAPE_CIRCLE, .radius = 0.4};
        fx_field_shape(&f, &s);
        X->dx = f.g.dx;
        X->h = 4 * f.g.dx;
        af_mm_plan *pl = plan_mm(&f, AF_NORM_2, 4, X->h, 1, AF_SDIST_SUBCELL);
        double c[2];
        af_grid_mask_centroid(&f.g, f.a, c);
        X->t[0] = 0;
        X->cx[0] = c[0];
        X->cy[0] = c[1];
        X->r[0] = X->rlaw[0] = X->rrec[0] = eq_radius(&f);
        int kmax = steps_to(0.1, X->h);
        for (int k = 1; k <= kmax; k++) {
            fx_step(pl, &f, NULL);
            X->k = k;
            X->t[k] = k * X->h;
            X->r[k] = eq_radius(&f);
            af_grid_mask_centroid(&f.g, f.a, c);
            X->cx[k] = c[0];
            X->cy[k] = c[1];
            X->rlaw[k] = af_ref_circle_radius(X->r[0], X->t[k]);
            X->rrec[k] = af_ref_circle_implicit_step(X->rrec[k - 1], X->h);
            if (X->r[k] == 0)
                break;
        }
        af_mm_plan_free(pl);
        fx_field_free(&f);
    }
    X->cerr = 0;
    for (int k = 0; k <= X->k; k++) {
        double law = X->cx[0] - X->a[0] * X->t[k];
        if (X->r[k] > 0 && fabs(X->cx[k] - law) / X->dx > X->cerr)
            X->cerr = fabs(X->cx[k] - law) / X->dx;
    }
    /* r0 = 0.6 reaches t = 0.1 */
    {
        fx_field f;
        fx_field_init(&f, 512);
        fx_field_density(&f, &d);
        fx_field_circle(&f);
        af_mm_plan *pl = plan_mm(&f, AF_NORM_2, 4, X->h, 1, AF_SDIST_SUBCELL);
        int kk = steps_within(0.1, X->h);
        X->x6_r0 = X->x6_rec = eq_radius(&f);
        for (int k = 1; k <= kk; k++) {
            fx_step(pl, &f, NULL);
            X->x6_rec = af_ref_circle_implicit_step(X->x6_rec, X->h);
        }
        double c[2];
        af_grid_mask_centroid(&f.g, f.a, c);
        X->x6_t = kk * X->h;
        X->x6_cx = c[0];
        X->x6_r = eq_radius(&f);
        af_mm_plan_free(pl);
        fx_field_free(&f);
    }
    X->secs = fx_now() - ts;
    fprintf(stderr, "  %d steps, %.1f s\n", X->k, X->secs);
}

/* ---- 5. l-inf square ---- */
typedef struct {
    int n;
    double eps_cells, h_cells, h;
    int k; /* last step */
    /* bounding-box width and height, their mean, the recursion, fill ratio */
    double W[MAXK + 1], H[MAXK + 1], L[MAXK + 1], rec[MAXK + 1], fill[MAXK + 1];
    double err_max, fill_min; /* side error (cells), smallest fill */
    double secs;
} square_result;

static void section_square(square_result *Q)
{
    fprintf(stderr, "[5] l-inf square\n");
    double ts = fx_now();
    Q->n = 256;
    Q->eps_cells = 4;
    Q->h_cells = 2;
    Q->k = 0;
    Q->err_max = 0;
    Q->fill_min = 1;
    fx_field f;
    fx_field_init(&f, Q->n);
    af_shape s = {.kind = AF_SHAPE_RECTANGLE, .size = {1, 1}};
    fx_field_shape(&f, &s);
    Q->h = Q->h_cells * f.g.dx;
    af_mm_plan *pl = plan_mm(&f, AF_NORM_INF, Q->eps_cells, Q->h, 1, AF_SDIST_SUBCELL);
    for (int k = 0; k <= MAXK; k++) {
        if (k > 0)
            fx_step(pl, &f, NULL);
        int bb[4];
        if (!af_grid_mask_bbox(&f.g, f.a, bb))
            break;
        int i0 = bb[0], i1 = bb[1], j0 = bb[2], j1 = bb[3];
        Q->k = k;
        Q->W[k] = (i1 - i0 + 1) * f.g.dx;
        Q->H[k] = (j1 - j0 + 1) * f.g.dx;
        Q->L[k] = 0.5 * (Q->W[k] + Q->H[k]);
        Q->fill[k] =
            (double)af_grid_mask_count(&f.g, f.a) / ((double)(i1 - i0 + 1) * (j1 - j0 + 1));
        if (k == 0)
            Q->rec[0] = Q->L[0];
        else {
            double L = Q->rec[k - 1], d = L * L - 16 * Q->h;
            Q->rec[k] = d < 0 ? 0 : (L + sqrt(d)) / 2;
            if (Q->rec[k] == 0)
                break;
            double e = fmax(fabs(Q->W[k] - Q->rec[k]), fabs(Q->H[k] - Q->rec[k])) / f.g.dx;
            if (e > Q->err_max)
                Q->err_max = e;
        }
        if (Q->fill[k] < Q->fill_min)
            Q->fill_min = Q->fill[k];
    }
    af_mm_plan_free(pl);
    fx_field_free(&f);
    Q->secs = fx_now() - ts;
    fprintf(stderr, "  %d steps, max side error %.2f cells, min fill %.4f, %.1f s\n", Q->k,
            Q->err_max, Q->fill_min, Q->secs);
}

/* ---- 6. p = 0: stagnation ---- */
typedef struct {
    size_t changed, cells; /* cells changed in 10 steps; cells of the circle */
    double secs;
} p0_result;

static void section_p0(p0_result *P)
{
    fprintf(stderr, "[6] p = 0 stagnation\n");
    double ts = fx_now();
    fx_field f;
    fx_field_init(&f, 256);
    fx_field_circle(&f);
    uint8_t *init = xmalloc(f.cells);
    memcpy(init, f.a, f.cells);
    P->cells = af_grid_mask_count(&f.g, f.a);
    af_mm_plan *pl = plan_mm(&f, AF_NORM_2, 4, 4 * f.g.dx, 0, AF_SDIST_SUBCELL);
    for (int k = 0; k < 10; k++)
        fx_step(pl, &f, NULL);
    P->changed = 0;
    for (size_t x = 0; x < f.cells; x++)
        P->changed += (f.a[x] != 0) != (init[x] != 0);
    af_mm_plan_free(pl);
    free(init);
    fx_field_free(&f);
    P->secs = fx_now() - ts;
    fprintf(stderr, "  changed cells %zu, %.1f s\n", P->changed, P->secs);
}

/* ---- 7. MBO baseline ---- */
typedef struct {
    mbo_circ mc[3]; /* the circle, sigma = 3, 6, 8 cells */
    ell_run me[2];  /* the ellipse, sigma = 6, 8 cells */
    double secs;
} mbo_result;

static void section_mbo(mbo_result *M)
{
    fprintf(stderr, "[7] MBO baseline\n");
    double ts = fx_now();
    const double msig[3] = {3, 6, 8};
    for (int q = 0; q < 3; q++)
        run_mbo_circle(&M->mc[q], msig[q]);
    run_mbo_ellipse(&M->me[0], "MBO sigma = 6 cells", 6);
    run_mbo_ellipse(&M->me[1], "MBO sigma = 8 cells", 8);
    M->secs = fx_now() - ts;
    fprintf(stderr, "  section %.1f s\n", M->secs);
}

/* the MBO ellipse row closer to front tracking (0: sigma = 6 cells, 1: 8) */
static int mbo_best_ellipse(const mbo_result *M)
{
    return M->me[0].haus < M->me[1].haus ? 0 : 1;
}

/* ---- 8. star against front tracking ---- */
enum { NST = 7 };
typedef struct {
    /* st[0], st[1]: the settings of an early prototype (eps = 3 cells, h = 1
     * dx), sub-cell and simple; st[2..4]: eps = 5, 8, 13 cells; st[5], st[6]:
     * eps = 5 cells with h = 2 and 0.5 dx */
    star_run st[NST];
    double secs;
} star_result;

static void section_star(star_result *S)
{
    fprintf(stderr, "[8] star vs front tracking\n");
    double ts = fx_now();
    run_star(&S->st[0], AF_SDIST_SUBCELL, 3, 1);
    run_star(&S->st[1], AF_SDIST_SIMPLE, 3, 1);
    run_star(&S->st[2], AF_SDIST_SUBCELL, 5, 1);
    run_star(&S->st[3], AF_SDIST_SUBCELL, 8, 1);
    run_star(&S->st[4], AF_SDIST_SUBCELL, 13, 1);
    /* the time step's share of the area rate: eps = 5 cells, h = 2 and 0.5 dx */
    run_star(&S->st[5], AF_SDIST_SUBCELL, 5, 2);
    run_star(&S->st[6], AF_SDIST_SUBCELL, 5, 0.5);
    S->secs = fx_now() - ts;
    fprintf(stderr, "  section %.1f s\n", S->secs);
}

/* ---- 9. circle: the digital ball's part ---- */
typedef struct {
    circ_run be[4]; /* n = 512, h = 4 dx, eps = 3, 4, 5, 8 cells (4: section 1's n = 512) */
    circ_run er[3]; /* n = 512, eps = h = 8, 4, 2 cells (4: section 1's n = 512) */
    double be_min, be_max; /* range of be[].rate */
    double ball_an[6];     /* anisotropy of the digital l2 ball, R = 3 .. 8 */
    double secs;
} ball_result;

static void section_ball(ball_result *B, const circle_result *C)
{
    fprintf(stderr, "[9] circle: eps at fixed h and dx; eps = h refined at fixed dx\n");
    double ts = fx_now();
    const double be_eps[4] = {3, 4, 5, 8};
    for (int q = 0; q < 4; q++) {
        if (be_eps[q] == 4)
            B->be[q] = C->sub[2];
        else
            run_circle_eh(&B->be[q], 512, AF_SDIST_SUBCELL, be_eps[q], 4);
    }
    B->be_min = B->be_max = B->be[0].rate;
    for (int q = 1; q < 4; q++) {
        B->be_min = fmin(B->be_min, B->be[q].rate);
        B->be_max = fmax(B->be_max, B->be[q].rate);
    }
    const double er_c[3] = {8, 4, 2};
    for (int q = 0; q < 3; q++) {
        if (er_c[q] == 4)
            B->er[q] = C->sub[2];
        else
            run_circle_eh(&B->er[q], 512, AF_SDIST_SUBCELL, er_c[q], er_c[q]);
    }
    for (int q = 0; q < 6; q++) {
        af_error err;
        af_ball *b = af_ball_alloc(AF_NORM_2, 3 + q, &err);
        if (!b)
            die("ball: %s", err.msg);
        B->ball_an[q] = af_ball_anisotropy(b);
        af_ball_free(b);
    }
    B->secs = fx_now() - ts;
    fprintf(stderr, "  spread across eps at h = 4 dx: %.4f .. %.4f; section %.1f s\n", B->be_min,
            B->be_max, B->secs);
}

/* ---- 10. circle: the level-set representation ---- */
enum { NLS = 4 };
typedef struct {
    ls_run lsr[NLS]; /* n = 128, 256, 512, 1024 */
    /* fitted orders of the radius error in dx */
    double ord_ls, ord_mask, ord_mbo, ord_rec;
    int rate_ok;  /* target: level-set rate at n = 512 within 1.2% of 2 pi */
    int order_ok; /* target: level-set order >= 1 */
    double secs;
} levelset_result;

static void section_levelset(levelset_result *L)
{
    fprintf(stderr, "[10] circle: level set against mask and MBO, eps = 4 dx, h = dx\n");
    double ts = fx_now();
    const int ls_n[NLS] = {128, 256, 512, 1024};
    for (int q = 0; q < NLS; q++)
        run_levelset(&L->lsr[q], ls_n[q]);
    L->ord_ls = order_of(L->lsr, NLS, 0);
    L->ord_mask = order_of(L->lsr, NLS, 1);
    L->ord_mbo = order_of(L->lsr, NLS, 2);
    L->ord_rec = order_of(L->lsr, NLS, 3);
    L->rate_ok = fabs(L->lsr[2].rate_ls - 1) <= 0.012;
    L->order_ok = L->ord_ls >= 1;
    L->secs = fx_now() - ts;
    fprintf(stderr, "  orders: level set %.2f, mask %.2f, MBO %.2f, implicit step %.2f; section %.1f s\n",
            L->ord_ls, L->ord_mask, L->ord_mbo, L->ord_rec, L->secs);
}

/* ============================================================= figures */

/* Figures are drawn by the library (plot.h).  Lengths are in box units,
 * times in the scheme's units (length squared, docs/cases.md). */

#define T_LABEL "time t (box units²)"
#define LAW_GREY 0x555555

static void plot_write(const char *name, const af_plot_axes *ax, const af_plot_series *s, int ns)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", IMG_DIR, name);
    af_error err;
    if (af_plot_write(path, ax, s, ns, &err) != AF_OK)
        die("plot: %s", err.msg);
    fprintf(stderr, "  wrote %s\n", path);
}

/* n equally spaced values of a law on [t0, t1] */
#define NLAW 101
static void law_curve(double t0, double t1, double (*law)(const void *, double), const void *ctx,
                      double *t, double *y)
{
    for (int i = 0; i < NLAW; i++) {
        t[i] = t0 + (t1 - t0) * i / (NLAW - 1);
        y[i] = law(ctx, t[i]);
    }
}

/* 1: |rate / 2 pi - 1| against dx, log-log */
static void figure_circle_error(const circle_result *C)
{
    double dxs[4], e_sub[4], e_rec[4], dxs2[3], e_sim[3], fitx[2], fity[2];
    for (int q = 0; q < 4; q++) {
        dxs[q] = C->sub[q].dx;
        e_sub[q] = fabs(C->sub[q].rate - 1);
        e_rec[q] = fabs(C->sub[q].rate_rec - 1);
    }
    for (int q = 0; q < 3; q++) {
        dxs2[q] = C->sim[q].dx;
        e_sim[q] = fabs(C->sim[q].rate - 1);
    }
    fitx[0] = dxs[3];
    fitx[1] = dxs[0];
    for (int q = 0; q < 2; q++)
        fity[q] = exp(C->order_c0 + C->order * log(fitx[q]));
    char fit[96];
    snprintf(fit, sizeof fit, "least-squares fit of the sub-cell runs: order %.2f", C->order);
    af_plot_series s[4] = {
        {dxs, e_sub, 4, "scheme, sub-cell distance", af_plot_colour(0), AF_PLOT_LINE_MARKERS},
        {dxs2, e_sim, 3, "scheme, simple distance", af_plot_colour(1), AF_PLOT_LINE_MARKERS},
        {dxs, e_rec, 4, "implicit Euler recursion alone (same h)", af_plot_colour(2),
         AF_PLOT_LINE_MARKERS},
        {fitx, fity, 2, fit, 0x000000, AF_PLOT_DASHED},
    };
    af_plot_axes ax = {.title = "Circle r0 = 0.6: area-rate error, eps = h = 4 dx",
                       .xlabel = "grid spacing dx (box units)",
                       .ylabel = "relative error |area rate / 2π − 1|",
                       .logx = 1,
                       .logy = 1};
    plot_write("circle_error.png", &ax, s, 4);
}

static double law_circle_r2(const void *ctx, double t)
{
    (void)ctx;
    return 0.36 - 2 * t;
}

/* 1: r^2 against t, n = 256, 512, 1024 */
static void figure_circle_r2(const circle_result *C)
{
    double lt[NLAW], lr[NLAW];
    law_curve(0, 0.1, law_circle_r2, NULL, lt, lr);
    char lab[3][64];
    af_plot_series s[4];
    for (int q = 0; q < 3; q++) {
        const circ_run *R = &C->sub[q + 1];
        snprintf(lab[q], sizeof lab[q], "scheme, n = %d (h = %.4f)", R->n, R->h);
        s[q] = (af_plot_series){R->tt, R->r2, R->k + 1, lab[q], af_plot_colour(q),
                                AF_PLOT_LINE_MARKERS};
    }
    s[3] = (af_plot_series){lt, lr, NLAW, "exact law r² = 0.36 − 2t", 0x000000, AF_PLOT_DASHED};
    af_plot_axes ax = {.title = "Circle r0 = 0.6, eps = h = 4 dx, sub-cell distance",
                       .xlabel = T_LABEL,
                       .ylabel = "squared radius r² = A / π (box units²)"};
    plot_write("circle_r2.png", &ax, s, 4);
}

/* 2: the ellipse's errors against the ball's normal gap (eps scan) */
static void figure_ellipse_gap(const ellipse_result *E, const mbo_result *M)
{
    double gap[NEZ], haus[NEZ], side[NEZ], tx[2], ty[2], mx[2], my[2];
    double gmin = INFINITY, gmax = 0;
    for (int q = 0; q < NEZ; q++) {
        gap[q] = E->ez[q].gap_deg;
        haus[q] = E->ez[q].haus;
        side[q] = E->ez[q].side;
        gmin = fmin(gmin, gap[q]);
        gmax = fmax(gmax, gap[q]);
    }
    tx[0] = mx[0] = gmin;
    tx[1] = mx[1] = gmax;
    ty[0] = ty[1] = 3;
    int b = mbo_best_ellipse(M);
    my[0] = my[1] = M->me[b].haus;
    char mlab[64];
    snprintf(mlab, sizeof mlab, "MBO, sigma = %.0f cells: Hausdorff", b ? 8.0 : 6.0);
    af_plot_series s[4] = {
        {gap, haus, NEZ, "scheme: Hausdorff distance", af_plot_colour(0), AF_PLOT_MARKERS},
        {gap, side, NEZ, "scheme: flat sides' lag (side)", af_plot_colour(1), AF_PLOT_MARKERS},
        {mx, my, 2, mlab, af_plot_colour(2), AF_PLOT_LINE},
        {tx, ty, 2, "target: Hausdorff 3 cells", LAW_GREY, AF_PLOT_DASHED},
    };
    af_plot_axes ax = {.title = "Ellipse 0.7 × 0.35 at t = 0.05, n = 512, h = 1.6 dx, "
                                "eps = 5 … 22 cells",
                       .xlabel = "normal gap of the digital ball (degrees)",
                       .ylabel = "error against front tracking (cells)"};
    plot_write("ellipse_gap.png", &ax, s, 4);
}

typedef struct {
    double r0, sigma;
} gauss_law;

static double law_gauss(const void *ctx, double t)
{
    const gauss_law *g = ctx;
    return af_ref_gaussian_radius(g->r0, g->sigma, t);
}

/* 3: the radius against t for r0 = 0.9 and 1.1 sigma */
static void figure_gaussian(const gauss_result *G)
{
    double lt[2][NLAW], lr[2][NLAW], et[2] = {0, G->gt[G->gk]}, er[2] = {G->sigma, G->sigma};
    char lab[2][64];
    for (int q = 0; q < 2; q++) {
        gauss_law g = {G->gr0[q], G->sigma};
        law_curve(0, G->gt[G->gk], law_gauss, &g, lt[q], lr[q]);
        snprintf(lab[q], sizeof lab[q], "scheme, r0 = %.1f σ", G->gfac[q]);
    }
    af_plot_series s[5] = {
        {G->gt, G->gr[1], G->gk + 1, lab[1], af_plot_colour(1), AF_PLOT_MARKERS},
        {G->gt, G->gr[0], G->gk + 1, lab[0], af_plot_colour(0), AF_PLOT_MARKERS},
        {lt[0], lr[0], NLAW, "exact law r² = σ² + (r0² − σ²) exp(2t / σ²)", 0x000000,
         AF_PLOT_DASHED},
        {lt[1], lr[1], NLAW, NULL, 0x000000, AF_PLOT_DASHED},
        {et, er, 2, "unstable equilibrium r = σ = 0.5", LAW_GREY, AF_PLOT_LINE},
    };
    af_plot_axes ax = {.title = "Gaussian density σ = 0.5, n = 512, eps = h = 4 dx",
                       .xlabel = T_LABEL,
                       .ylabel = "equivalent radius √(A / π) (box units)"};
    plot_write("gaussian_radius.png", &ax, s, 5);
}

typedef struct {
    double x0, a, r0;
} exp_law;

static double law_exp_centre(const void *ctx, double t)
{
    const exp_law *e = ctx;
    return e->x0 - e->a * t;
}

static double law_exp_radius(const void *ctx, double t)
{
    const exp_law *e = ctx;
    return af_ref_circle_radius(e->r0, t);
}

/* 4: centre and radius against t, r0 = 0.4 */
static void figure_exp(const exp_result *X)
{
    exp_law e = {X->cx[0], X->a[0], X->r[0]};
    double t1 = X->t[X->k], lt[NLAW], lc[NLAW], lt2[NLAW], lr[NLAW];
    law_curve(0, t1, law_exp_centre, &e, lt, lc);
    law_curve(0, fmin(t1, 0.5 * X->r[0] * X->r[0]), law_exp_radius, &e, lt2, lr);
    int n = X->k + 1;
    af_plot_series s[5] = {
        {X->t, X->cx, n, "scheme: centre x (centroid)", af_plot_colour(0), AF_PLOT_MARKERS},
        {lt, lc, NLAW, "exact law x = −1.5 t", af_plot_colour(0), AF_PLOT_DASHED},
        {X->t, X->r, n, "scheme: radius √(A / π)", af_plot_colour(1), AF_PLOT_MARKERS},
        {lt2, lr, NLAW, "exact law r² = r0² − 2t", af_plot_colour(1), AF_PLOT_DASHED},
        {X->t, X->rrec, n, "implicit Euler recursion (radius)", LAW_GREY, AF_PLOT_LINE},
    };
    af_plot_axes ax = {.title = "ρ = exp(1.5 x): circle r0 = 0.4 at the origin "
                                "(n = 512, eps = h = 4 dx)",
                       .xlabel = T_LABEL,
                       .ylabel = "centre x, radius (box units)"};
    plot_write("exp_translation.png", &ax, s, 5);
}

static double law_square(const void *ctx, double t)
{
    double L0 = *(const double *)ctx, u = L0 * L0 - 8 * t;
    return u > 0 ? sqrt(u) : 0;
}

/* 5: the square's width and height against t */
static void figure_square(const square_result *Q)
{
    double t[MAXK + 1], lt[NLAW], ll[NLAW];
    int n = Q->k + 1;
    for (int k = 0; k < n; k++)
        t[k] = k * Q->h;
    law_curve(0, Q->k * Q->h, law_square, &Q->L[0], lt, ll);
    int same = 1; /* width = height at every step: one series, else the height hides the width */
    for (int k = 0; k < n; k++)
        same &= Q->W[k] == Q->H[k];
    char law[80];
    snprintf(law, sizeof law, "exact law L² = %.4g − 8t (dL/dt = −4 / L)", Q->L[0] * Q->L[0]);
    af_plot_series s[4] = {
        {t, Q->W, n, same ? "scheme: width = height" : "scheme: width", af_plot_colour(0),
         AF_PLOT_MARKERS},
        {t, Q->rec, n, "implicit step L' = (L + √(L² − 16h)) / 2", LAW_GREY, AF_PLOT_LINE},
        {lt, ll, NLAW, law, 0x000000, AF_PLOT_DASHED},
        {t, Q->H, same ? 0 : n, same ? NULL : "scheme: height", af_plot_colour(1),
         AF_PLOT_MARKERS},
    };
    char title[128];
    snprintf(title, sizeof title, "l∞ ball: square of side 1 (n = %d, eps = %.0f cells, h = %.0f dx)",
             Q->n, Q->eps_cells, Q->h_cells);
    af_plot_axes ax = {.title = title, .xlabel = T_LABEL, .ylabel = "side (box units)"};
    plot_write("linf_square.png", &ax, s, 4);
}

/* 10: the radius error at t = 0.1 against dx, log-log */
static void figure_levelset(const levelset_result *L)
{
    const ls_run *R = L->lsr;
    double dxs[NLS], e[4][NLS];
    for (int q = 0; q < NLS; q++) {
        dxs[q] = R[q].dx;
        e[0][q] = R[q].err_ls;
        e[1][q] = R[q].err_mask;
        e[2][q] = R[q].err_mbo;
        e[3][q] = R[q].err_rec;
    }
    double fx[2] = {dxs[NLS - 1], dxs[0]},
           fy[2] = {e[0][NLS - 1], e[0][NLS - 1] * dxs[0] / dxs[NLS - 1]};
    af_plot_series s[5] = {
        {dxs, e[0], NLS, "level set (zero contour)", af_plot_colour(0), AF_PLOT_LINE_MARKERS},
        {dxs, e[1], NLS, "mask", af_plot_colour(1), AF_PLOT_LINE_MARKERS},
        {dxs, e[2], NLS, "MBO (same h)", af_plot_colour(2), AF_PLOT_LINE_MARKERS},
        {dxs, e[3], NLS, "implicit Euler step alone", LAW_GREY, AF_PLOT_LINE_MARKERS},
        {fx, fy, 2, "order 1 (∝ dx)", 0x000000, AF_PLOT_DASHED},
    };
    af_plot_axes ax = {.title = "Circle r0 = 0.6 at t = 0.1, eps = 4 dx, h = dx",
                       .xlabel = "grid spacing dx (box units)",
                       .ylabel = "radius error |r − √(0.36 − 2t)| (box units)",
                       .logx = 1,
                       .logy = 1};
    plot_write("levelset_error.png", &ax, s, 5);
}

/* ============================================================== report */

/* ---- 11. rounder perimeters: averaged balls and MBO, ellipse and star ---- */

/* One way to flow a set: the exact scheme with eps_cells and the budgets
 * avg_cells[] averaged with it (0: unused), or MBO with sigma_cells. */
typedef struct {
    double eps_cells, avg_cells[3], sigma_cells;
} round_method;

typedef struct {
    round_method m;
    double gap_deg;        /* the normal gap of the hulls' union (exact scheme) */
    int k_ell, k_star;     /* steps */
    double haus_ell, symd_ell, secs_ell, haus_star, symd_star, secs_star;
} round_run;

enum { NRR = 10 };
typedef struct {
    round_run r[NRR];
    double t_star, secs;
} round_result;

/* Flow f's set to t_end: the exact scheme in k_mm steps, or MBO in k
 * steps of h = t_end / k, k the nearest to sigma^2 / 2 steps.  Returns the
 * wall time (plan included), s; the steps in *k. */
static double round_flow(const round_method *m, fx_field *f, double t_end, int k_mm, int *k,
                         double *gap_deg)
{
    double t0 = fx_now();
    af_error err;
    if (m->sigma_cells > 0) {
        double sig = m->sigma_cells * f->g.dx;
        *k = steps_near(t_end, sig * sig / 2);
        af_mbo *mb = mbo_make(f, t_end / *k);
        for (int q = 0; q < *k; q++)
            af_mbo_step(mb, f->a, f->a);
        af_mbo_free(mb);
        *gap_deg = 0;
        return fx_now() - t0;
    }
    af_mm_params prm = fx_params(&f->g, m->eps_cells, t_end / k_mm);
    const af_ball *balls[4];
    af_ball *own[4] = {NULL, NULL, NULL, NULL};
    int nb = 0;
    for (int i = 0; i < 3; i++)
        prm.eps_avg[i] = m->avg_cells[i] * f->g.dx;
    af_mm_plan *pl = fx_plan(f, &prm);
    *k = k_mm;
    for (int q = 0; q < k_mm; q++)
        fx_step(pl, f, NULL);
    double secs = fx_now() - t0;
    af_mm_plan_free(pl);
    double radii[4] = {m->eps_cells, m->avg_cells[0], m->avg_cells[1], m->avg_cells[2]};
    for (int i = 0; i < 4; i++)
        if (radii[i] > 0) {
            if (!(own[nb] = af_ball_alloc(AF_NORM_2, radii[i], &err)))
                die("ball: %s", err.msg);
            balls[nb] = own[nb];
            nb++;
        }
    *gap_deg = af_ball_normal_gap_union(balls, nb) * 180 / PI;
    for (int i = 0; i < nb; i++)
        af_ball_free(own[i]);
    return secs;
}

static void round_compare(const fx_field *f, const af_shape *s, double t, double *haus,
                          double *symd)
{
    af_error err;
    const af_ref_curve *c = reference(s, t);
    if (af_ref_hausdorff(&f->g, f->a, c, haus, &err) != AF_OK)
        *haus = NAN;
    if (af_ref_symdiff_area(&f->g, f->a, c, symd, &err) != AF_OK)
        *symd = NAN;
}

static void section_round(round_result *R)
{
    fprintf(stderr, "[11] rounder perimeters against MBO: ellipse and star\n");
    double ts = fx_now();
    static const round_method list[NRR] = {
        {5, {0}, 0},    {13, {0}, 0},     {20, {0}, 0},      {24, {0}, 0}, {5, {4.25}, 0},
        {6, {4.5, 3}, 0}, {13, {12.25}, 0}, {0, {0}, 8},     {0, {0}, 16}, {0, {0}, 24},
    };
    double dx_star = 2.0 / 384;
    R->t_star = 11 * dx_star; /* section 8: 11 steps of h = 1 dx */
    for (int q = 0; q < NRR; q++) {
        round_run *u = &R->r[q];
        u->m = list[q];
        fx_field f;
        fx_field_init(&f, 512);
        fx_field_shape(&f, &ellipse_shape);
        u->secs_ell = round_flow(&u->m, &f, 0.05, 8, &u->k_ell, &u->gap_deg);
        round_compare(&f, &ellipse_shape, 0.05, &u->haus_ell, &u->symd_ell);
        fx_field_free(&f);
        fx_field_init(&f, 384);
        fx_field_shape(&f, &star_shape);
        u->secs_star = round_flow(&u->m, &f, R->t_star, 11, &u->k_star, &u->gap_deg);
        round_compare(&f, &star_shape, R->t_star, &u->haus_star, &u->symd_star);
        fx_field_free(&f);
        fprintf(stderr, "  eps %g (+%g %g %g) sigma %g: ellipse Hausdorff %.2f in %.2f s, star %.2f "
                        "in %.2f s\n",
                u->m.eps_cells, u->m.avg_cells[0], u->m.avg_cells[1], u->m.avg_cells[2],
                u->m.sigma_cells, u->haus_ell, u->secs_ell, u->haus_star, u->secs_star);
    }
    R->secs = fx_now() - ts;
    fprintf(stderr, "  section %.1f s\n", R->secs);
}

/* A figure in the report: the image, then a caption line. */
static void figure_md(FILE *o, const char *file, const char *alt, const char *caption)
{
    fprintf(o, "![%s](img/validation/%s)\n\n*Figure: %s*\n\n", alt, file, caption);
}

static const char *verdict(int ok)
{
    return ok ? "met" : "NOT met";
}

/* the wall time of advflow's steps to t = 0.1 at n = 512, eps = h = 4 dx (s) */
static double mm512_secs(const circle_result *C)
{
    return C->sub[2].ms_step * C->sub[2].k / 1e3;
}

typedef struct {
    double total, circle, ellipse, gauss, exp, square, p0, mbo, star, ball, levelset, round;
} timings;

static void report_intro(FILE *o, const timings *T)
{
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
               "%.0f s star, %.0f s circle eps / h series, %.0f s level set, %.0f s rounder "
               "perimeters).\n\n",
            T->total, T->circle, T->ellipse, T->gauss, T->exp, T->square, T->p0, T->mbo, T->star,
            T->ball, T->levelset, T->round);
}

static void report_circle(FILE *o, const circle_result *C)
{
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
        const circ_run *R = q < 4 ? &C->sub[q] : &C->sim[q - 4];
        fprintf(o, "| %d | %s | %.0f | %.5f | %d | %.4f | %.4f | %.4f | %+.4f | %.2f | %.0f |\n",
                R->n, R->sd == AF_SDIST_SUBCELL ? "sub-cell" : "simple", R->eps_cells, R->h, R->k,
                R->t, R->rate, R->rate_rec, R->rate - R->rate_rec, R->round, R->ms_step);
    }
    fprintf(o, "\nObserved order, refinement path eps = h = 4 dx (eps and h shrink with dx), "
               "n = 128, 256, 512, 1024, sub-cell distance: least-squares fit (gsl_fit_linear) of "
               "log |rate/2pi - 1| against log dx gives **order %.2f**. On the same path the "
               "recursion's own error |recursion - 1| has order %.2f. ",
            C->order, C->order_rec);
    if (C->sp_ok)
        fprintf(o, "The spatial part |measured - recursion| fits order %.2f (it is small and "
                   "changes sign, so this number is rough).\n\n", C->order_sp);
    else
        fprintf(o, "The spatial part |measured - recursion| is zero at some n and is not "
                   "fitted.\n\n");
    figure_md(o, "circle_error.png", "area-rate error against dx",
              "the error |rate/2pi - 1| of the area rate against dx, log-log, eps = h = 4 dx: "
              "the scheme with the sub-cell and the simple signed distance, the implicit Euler "
              "recursion alone (the time discretisation), and the least-squares line through "
              "the sub-cell runs whose slope is the observed order.");
    figure_md(o, "circle_r2.png", "r^2 against t",
              "the equivalent radius squared against t for n = 256, 512 and 1024 (sub-cell "
              "distance, eps = h = 4 dx) and the exact law r^2 = 0.36 - 2t.");
    fprintf(o, "Targets: area rate at n = 1024, h = eps = 4 dx, sub-cell: %.4f, target within 3%% "
               "of 2 pi: **%s**. Observed order %.2f on the path eps = h = 4 dx, target >= 0.8: "
               "**%s**.\n\n",
            C->sub[3].rate, verdict(C->circ_ok), C->order, verdict(C->order_ok));
}

static void report_ellipse(FILE *o, const ellipse_result *E, const mbo_result *M)
{
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
            E->ez[0].aniso, E->ez[0].gap_deg);
    fprintf(o, "| eps (cells) | ball anisotropy | normal gap (degrees) | Hausdorff (cells) | "
               "symmetric difference (cells) | tip | side | ms / step |\n"
               "|---|---|---|---|---|---|---|---|\n");
    for (int q = 0; q < NEZ; q++)
        fprintf(o, "| %.0f%s | %.4f | %.1f | %.2f | %.0f | %+.2f | %+.2f | %.0f |\n",
                E->ez[q].eps_cells, q == EZ_ACCEPT ? " (target row)" : "", E->ez[q].aniso,
                E->ez[q].gap_deg, E->ez[q].haus, E->ez[q].symd, E->ez[q].tip, E->ez[q].side, E->ez[q].ms_step);
    fprintf(o, "\nThe error follows the gap rather than the anisotropy, and at eps = 5 cells it "
               "sits on the flat sides (side %+.2f cells against tip %+.2f). In the continuum "
               "the ellipse's Per_eps equals its perimeter for every eps below its smallest "
               "radius of curvature (0.35^2 / 0.7 = 0.175 = 45 cells here), so a large eps in "
               "cells costs only time (the graph has O(eps / dx) arcs per cell) on convex "
               "shapes. On non-convex ones eps must also stay below the concave radii of "
               "curvature (section 8).\n\n",
            E->ez[0].side, E->ez[0].tip);
    figure_md(o, "ellipse_gap.png", "ellipse errors against the normal gap",
              "the Hausdorff distance to front tracking and the flat sides' lag (side) at "
              "t = 0.05 against the digital ball's normal gap, for eps = 5 ... 22 cells "
              "(n = 512, h = 1.6 dx); the best MBO run of the section below and the target of "
              "3 cells for comparison.");
    fprintf(o, "### 2b. The time step (eps = 20 cells, n = 512)\n\n"
               "| h (cells) | steps | t | Hausdorff (cells) | symmetric difference (cells) | tip "
               "| side | ms / step |\n|---|---|---|---|---|---|---|---|\n");
    /* the h series at eps = 20 cells in order of h, with its Hausdorff range (E->eh_min, E->eh_max) */
    const ell_run *eh_rows[NEH + 1] = {&E->eh[0], &E->eh[1], &E->ez[EZ_ACCEPT], &E->eh[2], &E->eh[3]};
    for (int q = 0; q < NEH + 1; q++) {
        const ell_run *R = eh_rows[q];
        fprintf(o, "| %.2f | %d | %.4f | %.2f | %.0f | %+.2f | %+.2f | %.0f |\n",
                R->h / (2.0 / 512), R->k, R->t, R->haus, R->symd, R->tip, R->side, R->ms_step);
    }
    fprintf(o, "\nFor comparison, the paper's h = eps at eps = 5 cells (%d steps of 5 dx, "
               "compared at t = %.4f): Hausdorff %.2f cells, tip %+.2f, side %+.2f. There the "
               "tips, with curvature 0.7 / 0.35^2 = 5.7 and so h kappa = %.0f cells per step, add "
               "the implicit step's own error to the polygon's.\n\n",
            E->ehe.k, E->ehe.t, E->ehe.haus, E->ehe.tip, E->ehe.side, 5.7 * E->ehe.h / (2.0 / 512));
    fprintf(o, "### 2c. Refinement: the shape converges only if eps / dx grows\n\n"
               "h = 1.6 dx, t = 0.05. Hausdorff distance in cells and in length units.\n\n"
               "| n | eps fixed at 5 cells: Hausdorff (cells) | (length, 1e-3) | eps (cells) "
               "growing like dx^(-1/2) | Hausdorff (cells) | (length, 1e-3) | ms / step |\n"
               "|---|---|---|---|---|---|---|\n");
    for (int q = 0; q < 3; q++)
        fprintf(o, "| %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.0f |\n", E->ef[q].n, E->ef[q].haus,
                1e3 * E->ef[q].haus * 2.0 / E->ef[q].n, E->es[q].eps_cells, E->es[q].haus,
                1e3 * E->es[q].haus * 2.0 / E->es[q].n, E->es[q].ms_step);
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
            E->ord_f, E->ord_s, E->es[0].gap_deg, E->es[1].gap_deg, E->es[2].gap_deg, E->es[2].eps_cells,
            E->es[2].side);
    fprintf(o, "### MBO on the same ellipse\n\n"
               "| method | h | steps | t | Hausdorff (cells) | symmetric difference (cells) | "
               "tip | side | ms / step |\n|---|---|---|---|---|---|---|---|---|\n");
    for (int q = 0; q < 2; q++)
        fprintf(o, "| %s | %.6f | %d | %.4f | %.2f | %.0f | %+.2f | %+.2f | %.2f |\n", M->me[q].label,
                M->me[q].h, M->me[q].k, M->me[q].t, M->me[q].haus, M->me[q].symd, M->me[q].tip, M->me[q].side,
                M->me[q].ms_step);
    fprintf(o, "\nTarget Hausdorff <= 3 cells at n = 512, t = 0.05, with eps = 20 cells (normal "
               "gap %.1f degrees, anisotropy %.4f) and h = 1.6 dx: %.2f cells, **%s**. Over h "
               "= 0.8 to 3.2 dx at the same eps the distance stays between %.2f and %.2f "
               "cells.\n\n",
            E->ez[EZ_ACCEPT].gap_deg, E->ez[EZ_ACCEPT].aniso, E->ez[EZ_ACCEPT].haus, verdict(E->ell_ok),
            E->eh_min, E->eh_max);
}

static void report_gauss(FILE *o, const gauss_result *G)
{
    fprintf(o, "## 3. Gaussian density: unstable equilibrium\n\n"
               "rho = exp(-|x|^2 / (2 sigma^2)), sigma = 0.5, centred at the origin, box "
               "[-1, 1]^2, n = 512, eps = h = 4 dx = %.5f. The circle r = sigma is an unstable "
               "equilibrium: r^2 = sigma^2 + (r0^2 - sigma^2) exp(2t / sigma^2) "
               "(`af_ref_gaussian_radius`, started from the mask's equivalent radius). Relative "
               "error |r - r_exact| / r_exact over the steps up to t = %.4f.\n\n",
            4 * 2.0 / 512, G->gt[G->gk]);
    fprintf(o, "| t |");
    for (int q = 0; q < 2; q++)
        fprintf(o, " r (r0 = %.1f sigma) | exact | rel. error |", G->gfac[q]);
    fprintf(o, "\n|---|---|---|---|---|---|---|\n");
    for (int k = 0; k <= G->gk; k++) {
        fprintf(o, "| %.4f |", G->gt[k]);
        for (int q = 0; q < 2; q++)
            fprintf(o, " %.4f | %.4f | %+.4f |", G->gr[q][k], G->gref[q][k],
                    (G->gr[q][k] - G->gref[q][k]) / G->gref[q][k]);
        fprintf(o, "\n");
    }
    fprintf(o, "\nMax relative error: r0 = 0.9 sigma %.4f, r0 = 1.1 sigma %.4f; target within "
               "3%%: **%s**. With h halved (eps = 4 dx, h = 2 dx, %d steps) the max relative "
               "errors are %.4f and %.4f, which shows how much of the error is the time step. "
               "The error grows with t for the shrinking circle: one step past t = 0.1 (t = "
               "%.4f, outside the interval of the target) it is %.4f (0.9 sigma) and %.4f "
               "(1.1 sigma), so the 3%% target is met only narrowly.\n\n",
            G->gerr[0], G->gerr[1], verdict(G->ok), G->gk2, G->gerr[2], G->gerr[3], (G->gk + 1) * 4 * 2.0 / 512,
            G->gnext[0], G->gnext[1]);
    figure_md(o, "gaussian_radius.png", "Gaussian radius against t",
              "the equivalent radius against t for r0 = 0.9 sigma (shrinks) and r0 = 1.1 sigma "
              "(grows), h = 4 dx, with the exact law r^2 = sigma^2 + (r0^2 - sigma^2) "
              "exp(2t / sigma^2) for each and the unstable equilibrium r = sigma.");
}

static void report_exp(FILE *o, const exp_result *X)
{
    fprintf(o, "## 4. rho = exp(a . x): translation\n\n"
               "a = (1.5, 0), circle r0 = 0.4 at the origin, n = 512, eps = h = 4 dx = %.5f. "
               "The law: the centre moves with velocity -a (c = -a t) and the radius follows "
               "r^2 = r0^2 - 2t. With r0 = 0.4 the circle vanishes at t = r0^2 / 2 = 0.08, so "
               "the comparison asked for at t = 0.1 is not possible; the table runs until the "
               "mask vanishes (the implicit recursion with this h vanishes once r^2 < 4h, "
               "i.e. r < %.3f). Centre = centroid of the mask.\n\n",
            X->h, sqrt(4 * X->h));
    fprintf(o, "| step | t | centre x | law -1.5 t | error (cells) | centre y | radius | law "
               "r^2 = r0^2 - 2t | recursion | radius - recursion (cells) |\n"
               "|---|---|---|---|---|---|---|---|---|---|\n");
    for (int k = 0; k <= X->k; k++) {
        double law = X->cx[0] - X->a[0] * X->t[k];
        if (X->r[k] == 0) {
            fprintf(o, "| %d | %.4f | (vanished) | %.4f | | | 0 | %.4f | %.4f | |\n", k, X->t[k], law,
                    X->rlaw[k], X->rrec[k]);
            continue;
        }
        fprintf(o, "| %d | %.4f | %.4f | %.4f | %+.2f | %.4f | %.4f | %.4f | %.4f | %+.2f |\n", k,
                X->t[k], X->cx[k], law, (X->cx[k] - law) / X->dx, X->cy[k], X->r[k], X->rlaw[k], X->rrec[k],
                (X->r[k] - X->rrec[k]) / X->dx);
    }
    fprintf(o, "\nLargest centre error while the set exists: %.2f cells.\n\n", X->cerr);
    figure_md(o, "exp_translation.png", "centre and radius against t",
              "the mask's centroid x and equivalent radius against t (r0 = 0.4), with the exact "
              "laws x = -1.5 t and r^2 = r0^2 - 2t and the implicit Euler recursion of the "
              "radius.");
    fprintf(o, "The same with r0 = 0.6, which survives to t = 0.1: at t = %.4f the centre is "
               "at x = %.4f (law %.4f, error %+.2f cells) and the radius is %.4f (law %.4f, "
               "implicit recursion %.4f; difference to the recursion %+.2f cells).\n\n",
            X->x6_t, X->x6_cx, -X->a[0] * X->x6_t, (X->x6_cx + X->a[0] * X->x6_t) / X->dx, X->x6_r,
            af_ref_circle_radius(X->x6_r0, X->x6_t), X->x6_rec, (X->x6_r - X->x6_rec) / X->dx);
}

static void report_square(FILE *o, const square_result *Q)
{
    fprintf(o, "## 5. l-infinity budget: a square stays a square\n\n"
               "Axis-aligned square of side 1, uniform rho, l-inf ball (norm = inf), n = %d, eps "
               "= %.0f cells, h = %.0f dx = %.5f. For the l-inf perimeter a square of side L "
               "loses sides by the implicit step L_{k+1} = (L_k + sqrt(L_k^2 - 16h)) / 2 "
               "(the implicit Euler step of the crystalline law dL/dt = -4/L: each side moves "
               "at 2/L). Side = bounding-box width and height; fill = area / "
               "bounding-box area.\n\n",
            Q->n, Q->eps_cells, Q->h_cells, Q->h);
    fprintf(o, "| step | width | height | recursion | error (cells) | fill |\n"
               "|---|---|---|---|---|---|\n");
    for (int k = 0; k <= Q->k; k++)
        fprintf(o, "| %d | %.4f | %.4f | %.4f | %+.2f | %.4f |\n", k, Q->W[k], Q->H[k], Q->rec[k],
                (Q->L[k] - Q->rec[k]) / (2.0 / Q->n), Q->fill[k]);
    fprintf(o, "\nLargest side error (width or height vs recursion): %.2f cells; smallest fill "
               "ratio %.4f.\n\n",
            Q->err_max, Q->fill_min);
    figure_md(o, "linf_square.png", "square side against t",
              "the bounding box's width and height against t under the l-inf ball, with the "
              "implicit step L_{k+1} = (L_k + sqrt(L_k^2 - 16h)) / 2 and the exact crystalline "
              "law L^2 = 1 - 8t (dL/dt = -4/L).");
}

static void report_p0(FILE *o, const p0_result *P)
{
    fprintf(o, "## 6. p = 0: stagnation\n\n"
               "Circle r0 = 0.6, n = 256, eps = h = 4 dx, p = 0 (iterated adversarial "
               "training: the fidelity no longer grows with the distance). After 10 steps "
               "%zu of %zu cells changed (%s).\n\n",
            P->changed, P->cells, P->changed == 0 ? "the circle does not move" : "it moved");
}

static void report_mbo(FILE *o, const mbo_result *M, const circle_result *C)
{
    fprintf(o, "## 7. MBO baseline\n\n"
               "MBO threshold dynamics (`af_mbo_step`, heat kernel of sigma = sqrt(2h)) on the "
               "same circle at n = 512, to the first step time >= 0.1. The ellipse rows are in "
               "section 2.\n\n");
    fprintf(o, "| sigma (cells) | h | steps | t | rate / 2pi | ms / step | time to t (s) |\n"
               "|---|---|---|---|---|---|---|\n");
    for (int q = 0; q < 3; q++)
        fprintf(o, "| %.0f | %.3g | %d | %.4f | %.4f | %.2f | %.2f |\n", M->mc[q].sig_cells, M->mc[q].h,
                M->mc[q].k, M->mc[q].t, M->mc[q].rate, M->mc[q].ms_step, M->mc[q].secs);
    fprintf(o, "\nadvflow on the same circle (n = 512, eps = h = 4 dx): %d steps of %.0f ms, "
               "%.2f s to t = %.4f, rate / 2pi %.4f.\n\n",
            C->sub[2].k, C->sub[2].ms_step, mm512_secs(C), C->sub[2].t, C->sub[2].rate);
}

static void report_star(FILE *o, const star_result *S)
{
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
            S->st[0].n, S->st[0].h, S->st[0].k, S->st[0].t, S->st[0].haus0, S->st[0].symd0);
    fprintf(o, "| distance | eps (cells) | normal gap (degrees) | h (dx) | t | rate / 2pi | "
               "prototype | Hausdorff (cells) | symmetric difference (cells) | largest "
               "radial gap (cells, at angle) | tip mask / ref | valley mask / ref | ms / step |\n"
               "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (int q = 0; q < NST; q++) {
        char hb[32];
        if (S->st[q].haus_ok)
            snprintf(hb, sizeof hb, "%.2f", S->st[q].haus);
        else
            snprintf(hb, sizeof hb, "failed (empty mask?)");
        fprintf(o, "| %s | %.0f | %.1f | %.1f | %.4f | %.4f | %s | %s | %.0f | %.2f (%.1f deg) | "
                   "%.4f / %.4f | %.4f / %.4f | %.0f |\n",
                S->st[q].sd == AF_SDIST_SUBCELL ? "sub-cell" : "simple", S->st[q].eps_cells,
                S->st[q].gap_deg, S->st[q].h / S->st[q].dx, S->st[q].t, S->st[q].rate, q == 0 ? "1.015" : q == 1 ? "1.104" : "", hb,
                S->st[q].symd, S->st[q].rad_max, S->st[q].rad_th, S->st[q].tip_m, S->st[q].tip_r, S->st[q].val_m,
                S->st[q].val_r, S->st[q].ms_step);
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
            S->st[0].a0_ref, S->st[0].a1_ref, S->st[0].rate_ref, S->st[0].iso0, S->st[0].iso1, S->st[0].t,
            (S->st[0].tip_m - S->st[0].val_m) / S->st[0].dx, 0.4 / S->st[0].dx,
            (S->st[0].tip_r - S->st[0].val_r) / S->st[0].dx, (S->st[0].val_r - S->st[0].val_m) / S->st[0].dx,
            28.75 * S->st[0].h / S->st[0].dx, S->st[0].gap_deg, S->st[2].eps_cells, S->st[3].eps_cells,
            S->st[4].eps_cells, S->st[2].gap_deg, S->st[3].gap_deg, S->st[4].gap_deg, S->st[2].haus, S->st[3].haus,
            S->st[4].haus, 1 / 28.75 / S->st[0].dx, S->st[4].eps_cells, S->st[2].rate, S->st[3].rate, S->st[4].rate,
            S->st[5].rate, S->st[2].rate, S->st[6].rate);
}

static void report_round(FILE *o, const round_result *R)
{
    fprintf(o, "## 11. Rounder perimeters against MBO: ellipse and star\n\n"
               "The ellipse of section 2 (n = 512, to t = 0.05) and the star of section 8 "
               "(n = 384, to t = %.4f), each flowed by the single digital ball, by the "
               "perimeter averaged over two or three balls (`eps_avg`, docs/theory.md "
               "\"Averaging over several balls\"), and by MBO. The exact scheme takes 8 steps "
               "on the ellipse (h = 1.6 dx) and 11 on the star (h = 1 dx); MBO takes the number "
               "of steps nearest to t / (sigma^2 / 2), so that every run ends at the reference's "
               "time. Hausdorff distance and symmetric difference to front tracking in cells; "
               "time: wall clock from the plan to the last step, on every core.\n\n",
            R->t_star);
    fprintf(o, "| method | balls or sigma (cells) | normal gap (degrees) | ellipse steps | "
               "ellipse Hausdorff | ellipse symmetric difference | ellipse s | star steps | "
               "star Hausdorff | star symmetric difference | star s |\n"
               "|---|---|---|---|---|---|---|---|---|---|---|\n");
    int best = -1, best_mbo = -1;
    for (int q = 0; q < NRR; q++) {
        const round_run *u = &R->r[q];
        char what[64];
        const char *kind;
        if (u->m.sigma_cells > 0) {
            kind = "MBO";
            snprintf(what, sizeof what, "sigma = %g", u->m.sigma_cells);
        } else {
            kind = u->m.avg_cells[0] > 0 ? "exact, averaged" : "exact, single ball";
            int w = snprintf(what, sizeof what, "%g", u->m.eps_cells);
            for (int i = 0; i < 3 && u->m.avg_cells[i] > 0; i++)
                w += snprintf(what + w, sizeof what - (size_t)w, ", %g", u->m.avg_cells[i]);
        }
        char gap[16] = "";
        if (u->m.sigma_cells <= 0)
            snprintf(gap, sizeof gap, "%.1f", u->gap_deg);
        fprintf(o, "| %s | %s | %s | %d | %.2f | %.0f | %.2f | %d | %.2f | %.0f | %.2f |\n", kind,
                what, gap, u->k_ell, u->haus_ell, u->symd_ell, u->secs_ell, u->k_star,
                u->haus_star, u->symd_star, u->secs_star);
        int *b = u->m.sigma_cells > 0 ? &best_mbo : &best;
        if (u->haus_ell <= 2 && (*b < 0 || u->secs_ell < R->r[*b].secs_ell))
            *b = q;
    }
    fprintf(o, "\nOn the ellipse, the fastest exact row within 2 cells of front tracking ");
    if (best >= 0)
        fprintf(o, "takes %.2f s (Hausdorff %.2f cells)", R->r[best].secs_ell, R->r[best].haus_ell);
    else
        fprintf(o, "does not exist in this list");
    fprintf(o, "; the fastest MBO row within 2 cells ");
    if (best_mbo >= 0)
        fprintf(o, "takes %.2f s (sigma = %g cells, %.2f cells).", R->r[best_mbo].secs_ell,
                R->r[best_mbo].m.sigma_cells, R->r[best_mbo].haus_ell);
    else
        fprintf(o, "does not exist in this list.");
    fprintf(o, " `make bench` (`bench_ellipse`) compares longer lists of both.\n\n");
}

static void report_ball(FILE *o, const ball_result *B)
{
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
        const circ_run *R = q < 4 ? &B->be[q] : &B->er[q - 4];
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
            B->be_min, B->be_max, B->be_max - B->be_min, B->be[0].rate_rec, B->be[3].aniso, B->ball_an[0], B->ball_an[1],
            B->ball_an[2], B->ball_an[3], B->ball_an[4], B->ball_an[5], B->be[3].rate - B->be[2].rate, B->er[0].rate, B->er[1].rate, B->er[2].rate,
            B->er[0].rate_rec, B->er[1].rate_rec, B->er[2].rate_rec,
            B->er[2].stalled ? "some steps stalled (pinning)"
                          : "no step stalled (every step changed the area: no pinning)",
            B->er[2].rate - B->er[2].rate_rec, B->er[2].aniso);
}

static void report_levelset(FILE *o, const levelset_result *L)
{
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
                L->lsr[q].n, L->lsr[q].k + 1, L->lsr[q].err_ls / L->lsr[q].dx, L->lsr[q].err_mask / L->lsr[q].dx,
                L->lsr[q].err_mbo / L->lsr[q].dx, L->lsr[q].err_rec / L->lsr[q].dx, L->lsr[q].rate_ls,
                L->lsr[q].rate_mask, L->lsr[q].rate_mbo, L->lsr[q].stalled_mask, L->lsr[q].stalled_ls,
                L->lsr[q].ms_ls, L->lsr[q].ms_mask);
    fprintf(o, "\nObserved order of the radius error in dx (least squares over n = 128 ... 1024): "
               "level set %.2f, mask %.2f, MBO %.2f; the implicit step alone %.2f.\n\n",
            L->ord_ls, L->ord_mask, L->ord_mbo, L->ord_rec);
    figure_md(o, "levelset_error.png", "radius error against dx",
              "the radius error at t = 0.1 against dx, log-log (eps = 4 dx, h = dx): level set, "
              "mask and MBO, the implicit Euler step alone, and a line of order 1 through the "
              "level set's finest point.");
    {
        double dmax = 0;
        int flips = 0;
        for (int q = 0; q < NLS; q++) {
            dmax = fmax(dmax, fabs(L->lsr[q].err_ls - L->lsr[q].err_rec) / L->lsr[q].dx);
            flips += q > 0 && L->lsr[q].sgn_mbo != L->lsr[q - 1].sgn_mbo;
        }
        fprintf(o, "At every n the level set's radius error differs from the implicit step's by at "
                   "most %.3f cells: the grid adds almost nothing to the time discretisation's "
                   "error, which is first order in h = dx, so the level set converges with it. "
                   "The mask follows it only roughly (its areas count whole cells)%s\n\n",
                dmax,
                flips ? "; MBO's error changes sign between two of the grids (hence its dip), so "
                        "its fitted order says little." : ".");
    }
}

/* Every section's results. */
typedef struct {
    circle_result circle;
    ellipse_result ellipse;
    gauss_result gauss;
    exp_result exp;
    square_result square;
    p0_result p0;
    mbo_result mbo;
    star_result star;
    ball_result ball;
    levelset_result levelset;
    round_result round;
    timings secs;
} study;

/* "What the numbers show": the sections read together. */
static void report_findings(FILE *o, const study *A)
{
    const circle_result *C = &A->circle;
    const ellipse_result *E = &A->ellipse;
    const gauss_result *G = &A->gauss;
    const exp_result *X = &A->exp;
    const square_result *Q = &A->square;
    const p0_result *P = &A->p0;
    const mbo_result *M = &A->mbo;
    const star_result *S = &A->star;
    const ball_result *B = &A->ball;
    int best_mbo_e = mbo_best_ellipse(M);
    fprintf(o, "## What the numbers show\n\n");
    fprintf(o,
            "On the circle the exact scheme loses area at %.3f, %.3f, %.3f and %.3f times 2 pi "
            "at n = 128, 256, 512 and 1024 (eps = h = 4 dx, sub-cell distance). The implicit "
            "Euler recursion with the same h accounts for %.3f, %.3f, %.3f and %.3f of that: "
            "%s. Along this path the error falls with order %.2f in dx. ",
            C->sub[0].rate, C->sub[1].rate, C->sub[2].rate, C->sub[3].rate, C->sub[0].rate_rec, C->sub[1].rate_rec,
            C->sub[2].rate_rec, C->sub[3].rate_rec,
            fabs(C->sub[3].rate - C->sub[3].rate_rec) < fabs(C->sub[3].rate_rec - 1)
                ? "most of the remaining error is the time discretisation, not the grid"
                : "a good part of the error comes from the grid and the nonlocal perimeter, "
                  "not only from the time step",
            C->order);
    fprintf(o,
            "The simple (centre-based) signed distance loses area faster: %.3f, %.3f and %.3f at "
            "n = 256, 512 and 1024, against %.3f, %.3f and %.3f with the sub-cell form; its "
            "excess over the recursion (%+.3f, %+.3f, %+.3f at n = 256, 512, 1024) does not "
            "fall from n = 512 to n = 1024 at a fixed number of cells, which is why the sub-cell "
            "form is the default.\n\n",
            C->sim[0].rate, C->sim[1].rate, C->sim[2].rate, C->sub[1].rate, C->sub[2].rate, C->sub[3].rate,
            C->sim[0].rate - C->sim[0].rate_rec, C->sim[1].rate - C->sim[1].rate_rec,
            C->sim[2].rate - C->sim[2].rate_rec);
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
            E->ez[0].gap_deg, E->ez[0].side, E->ez[0].haus, E->ez[EZ_ACCEPT].gap_deg, E->ez[EZ_ACCEPT].haus,
            E->ef[0].haus, E->ef[1].haus, E->ef[2].haus, best_mbo_e ? 8.0 : 6.0, M->me[best_mbo_e].haus,
            100 * G->gerr[0], 100 * G->gerr[1], X->cerr, Q->fill_min, Q->err_max,
            P->changed);
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
            C->sub[2].ms_step, M->mc[1].ms_step, C->sub[2].ms_step / M->mc[1].ms_step, M->mc[1].k, M->mc[2].k,
            C->sub[2].k, M->mc[1].secs, M->mc[1].rate, M->mc[2].secs, M->mc[2].rate, mm512_secs(C), C->sub[2].rate,
            /* Timings on this shared machine vary by about 20% from run to run:
             * only a larger gap is called a win, so the text does not flip
             * between regenerations. */
            mm512_secs(C) > 1.25 * M->mc[2].secs
                ? "So at n = 512 MBO with sigma = 8 cells is clearly faster to the same time."
            : mm512_secs(C) < 0.8 * M->mc[2].secs
                ? "So at n = 512 advflow is clearly faster to the same time than MBO with sigma = 8 cells."
                : "So at n = 512 the two times to solution are within the run-to-run noise of this "
                  "machine (about 20%): on the uniform circle neither method wins on speed.",
            M->me[best_mbo_e].haus < E->ez[EZ_ACCEPT].haus
                ? "On the ellipse MBO's best sigma is closer to front tracking than advflow's "
                  "eps = 20 cells (section 2); advflow needs a "
                  "large ball to round its polygon, and its step cost grows with the ball."
                : "On the ellipse advflow with eps = 20 cells is closer to front tracking than "
                  "MBO's best sigma (section 2), but it needs that large ball to round its "
                  "polygon, and its step cost grows with the ball.",
            M->mc[0].rate);
    fprintf(o, "To t = 0.05 on the ellipse the steps took %.2f s for MBO with sigma = %.0f cells "
               "and %.1f s for advflow with eps = 20 cells, h = 1.6 dx. ",
            M->me[best_mbo_e].ms_step * M->me[best_mbo_e].k / 1e3, best_mbo_e ? 8.0 : 6.0,
            E->ez[EZ_ACCEPT].ms_step * E->ez[EZ_ACCEPT].k / 1e3);
    fprintf(o, "On accuracy the circle's area rate is %.3f for MBO with sigma = 8 cells and %.3f "
               "for advflow at n = 512, eps = h = 4 dx: %s.\n\n",
            M->mc[2].rate, C->sub[2].rate,
            fabs(M->mc[2].rate - 1) <= fabs(C->sub[2].rate - 1) ? "MBO is the closer of the two here"
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
            S->st[0].t, S->st[0].iso0, S->st[0].iso1, S->st[0].rate_ref, S->st[0].rate, S->st[1].rate,
            100 * (S->st[0].rate - 1), S->st[5].rate, S->st[6].rate, S->st[0].haus, S->st[0].haus0, (S->st[0].val_r - S->st[0].val_m) / S->st[0].dx,
            S->st[4].eps_cells, S->st[4].haus,
            B->be_min, B->be_max, B->be[0].rate_rec, (B->be_max - B->be_min) / 2, B->be[0].rate_rec - 1,
            B->be[0].aniso, B->be[1].aniso, B->be[2].aniso, B->be[3].aniso, B->be[3].rate - B->be[2].rate,
            B->er[0].rate, B->er[1].rate,
            B->er[2].rate, B->er[0].rate_rec, B->er[1].rate_rec, B->er[2].rate_rec,
            B->er[2].stalled ? "some steps stalled (pinning)" : "nothing pinned",
            B->er[2].rate - B->er[2].rate_rec);
}

/* The targets with their verdicts, and the figures measured without one. */
static void report_summary(FILE *o, const study *A)
{
    const circle_result *C = &A->circle;
    const ellipse_result *E = &A->ellipse;
    const gauss_result *G = &A->gauss;
    const star_result *S = &A->star;
    const ball_result *B = &A->ball;
    const levelset_result *L = &A->levelset;
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
            C->sub[3].rate, verdict(C->circ_ok), C->order, verdict(C->order_ok), E->ez[EZ_ACCEPT].haus,
            verdict(E->ell_ok), G->gerr[0], G->gerr[1], verdict(G->ok), L->lsr[2].rate_ls,
            verdict(L->rate_ok), L->ord_ls, verdict(L->order_ok));
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
            S->st[0].rate, S->st[1].rate, S->st[0].t, S->st[0].haus, S->st[1].haus, S->st[0].symd, S->st[1].symd,
            S->st[0].t, S->st[0].iso0, S->st[0].iso1, B->be[0].rate_rec, B->be[0].rate, B->be[1].rate, B->be[2].rate,
            B->be[3].rate, B->er[0].rate, B->er[0].rate_rec, B->er[1].rate, B->er[1].rate_rec, B->er[2].rate,
            B->er[2].rate_rec);
}

static void report_regenerate(FILE *o, double total_secs)
{
    fprintf(o, "## Regenerate\n\n```\nmake validate\n```\n\nbuilds `build/validate` from "
               "`tools/validate.c` and runs it from the repository root; it rewrites this file "
               "and `docs/img/validation/*.png` (about %.0f s on a 2-core machine).\n",
            total_secs);
}

/* docs/validation.md, written beside and renamed over the old one. */
static void write_report(const study *A)
{
    FILE *o = fopen(MD_PATH ".tmp", "w");
    if (!o)
        die("cannot write %s.tmp: %s", MD_PATH, strerror(errno));
    report_intro(o, &A->secs);
    report_circle(o, &A->circle);
    report_ellipse(o, &A->ellipse, &A->mbo);
    report_gauss(o, &A->gauss);
    report_exp(o, &A->exp);
    report_square(o, &A->square);
    report_p0(o, &A->p0);
    report_mbo(o, &A->mbo, &A->circle);
    report_star(o, &A->star);
    report_ball(o, &A->ball);
    report_levelset(o, &A->levelset);
    report_round(o, &A->round);
    report_findings(o, A);
    report_summary(o, A);
    report_regenerate(o, A->secs.total);
    if (fclose(o))
        die("write %s.tmp failed", MD_PATH);
    if (rename(MD_PATH ".tmp", MD_PATH))
        die("rename to %s: %s", MD_PATH, strerror(errno));
    fprintf(stderr, "wrote %s\n", MD_PATH);
}

/* ================================================================ main */

static void make_dir(const char *path)
{
    if (mkdir(path, 0777) && errno != EEXIST)
        die("mkdir %s: %s", path, strerror(errno));
}

int main(void)
{
    double t0 = fx_now();
    make_dir("docs");
    make_dir("docs/img");
    make_dir(IMG_DIR);
    study *A = calloc(1, sizeof *A);
    if (!A)
        die("out of memory");

    section_circle(&A->circle);
    section_ellipse(&A->ellipse);
    section_gauss(&A->gauss);
    section_exp(&A->exp);
    section_square(&A->square);
    section_p0(&A->p0);
    section_mbo(&A->mbo);
    section_star(&A->star);
    section_ball(&A->ball, &A->circle);
    section_levelset(&A->levelset);
    section_round(&A->round);

    fprintf(stderr, "[figures]\n");
    figure_circle_error(&A->circle);
    figure_circle_r2(&A->circle);
    figure_ellipse_gap(&A->ellipse, &A->mbo);
    figure_gaussian(&A->gauss);
    figure_exp(&A->exp);
    figure_square(&A->square);
    figure_levelset(&A->levelset);
    af_plot_release();

    timings *T = &A->secs;
    *T = (timings){fx_now() - t0,   A->circle.secs, A->ellipse.secs, A->gauss.secs,
                   A->exp.secs,     A->square.secs, A->p0.secs,      A->mbo.secs,
                   A->star.secs,    A->ball.secs,   A->levelset.secs, A->round.secs};
    fprintf(stderr, "total %.1f s\n", T->total);
    write_report(A);
    free(A);
    return 0;
}
