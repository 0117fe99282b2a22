/* advflow: fixtures shared by the tests, the benchmarks and the validation
 * study (tools/validate.c), header-only.
 *
 *   fx_field   a clamped grid on the box [-1, 1]^2 with uniform rho = 1 split
 *              evenly between the classes (rho0 = rho1 = 0.5), a region mask
 *              a and a second mask b; fx_field_circle puts the standard
 *              circle of radius FX_CIRCLE_R0 = 0.6 at the origin into a
 *   fx_params  the step's parameters from eps in cells and h
 *   fx_plan    a plan for a field (fails loudly)
 *   fx_step    one exact step of a field's region, in place
 *   fx_fit     least-squares line (GSL's gsl_fit_linear)
 *   fx_now     monotonic wall-clock seconds
 *
 * The mask's area and centroid are in the library (af_grid_mask_area,
 * af_grid_mask_centroid in grid.h).
 *
 * Failures go through FX_FAIL(fmt, ...): cmocka's fail_msg when cmocka.h
 * was included before this header (tests: include testutil.h first),
 * otherwise a message on stderr and exit(1).  A program may define FX_FAIL
 * itself before including this header.
 *
 * Tests include it as "fixtures.h" (-Itests); the benchmarks and tools
 * as "../tests/fixtures.h".  GPL-3.0-or-later. */
#ifndef ADVFLOW_FIXTURES_H
#define ADVFLOW_FIXTURES_H

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_fit.h>

#include "advflow/advflow.h"

/* The standard circle's radius: r0 = 0.6 in [-1, 1]^2. */
#define FX_CIRCLE_R0 0.6

static inline void fx_die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "fixture: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

#ifndef FX_FAIL
#ifdef fail_msg
#define FX_FAIL(...) fail_msg(__VA_ARGS__)
#else
#define FX_FAIL(...) fx_die(__VA_ARGS__)
#endif
#endif

static inline double fx_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct {
    af_grid g;
    size_t cells;
    double *rho0, *rho1;
    uint8_t *a, *b; /* the region; a second mask (fx_step swaps them) */
} fx_field;

/* n x n cells on [-1, 1]^2, clamped; rho0 = rho1 = 0.5; a and b empty. */
static inline void fx_field_init(fx_field *f, int n)
{
    af_error err;
    if (af_grid_init(&f->g, 2, n, -1, 1, AF_EDGE_CLAMP, &err) != AF_OK)
        FX_FAIL("grid: %s", err.msg);
    f->cells = af_grid_cells(&f->g);
    f->rho0 = malloc(f->cells * sizeof(double));
    f->rho1 = malloc(f->cells * sizeof(double));
    f->a = calloc(f->cells, 1);
    f->b = calloc(f->cells, 1);
    if (!f->rho0 || !f->rho1 || !f->a || !f->b)
        FX_FAIL("field: out of memory (n = %d)", n);
    for (size_t x = 0; x < f->cells; x++)
        f->rho0[x] = f->rho1[x] = 0.5;
}

/* rho = d, split evenly between the classes. */
static inline void fx_field_density(fx_field *f, const af_density *d)
{
    af_error err;
    if (af_density_fill(&f->g, d, f->rho0, &err) != AF_OK)
        FX_FAIL("density: %s", err.msg);
    for (size_t x = 0; x < f->cells; x++)
        f->rho1[x] = f->rho0[x] *= 0.5;
}

/* The region a = the shape s. */
static inline void fx_field_shape(fx_field *f, const af_shape *s)
{
    af_error err;
    if (af_shape_mask(&f->g, s, f->a, &err) != AF_OK)
        FX_FAIL("shape: %s", err.msg);
}

/* The standard circle: radius FX_CIRCLE_R0 about the origin. */
static inline af_shape fx_circle(void)
{
    af_shape s = {.kind = AF_SHAPE_CIRCLE, .radius = FX_CIRCLE_R0};
    return s;
}

static inline void fx_field_circle(fx_field *f)
{
    af_shape s = fx_circle();
    fx_field_shape(f, &s);
}

static inline void fx_field_free(fx_field *f)
{
    free(f->rho0);
    free(f->rho1);
    free(f->a);
    free(f->b);
}

/* The defaults (l2 ball, p = 1, minimal minimiser, sub-cell distance) with
 * eps = eps_cells dx and the time step h (not in cells: h = 0.05 / k is
 * not a whole number of cells). */
static inline af_mm_params fx_params(const af_grid *g, double eps_cells, double h)
{
    af_mm_params prm;
    af_mm_params_default(&prm);
    prm.eps = eps_cells * g->dx;
    prm.h = h;
    return prm;
}

static inline af_mm_plan *fx_plan(const fx_field *f, const af_mm_params *prm)
{
    af_error err;
    af_mm_plan *pl = af_mm_plan_create(&f->g, prm, f->rho0, f->rho1, &err);
    if (!pl)
        FX_FAIL("plan: %s", err.msg);
    return pl;
}

/* One step: a becomes the minimiser (the masks a and b are swapped).  st
 * may be NULL.  Returns the wall-clock time of the step, ms. */
static inline double fx_step(af_mm_plan *pl, fx_field *f, af_mm_stats *st)
{
    af_error err;
    double t0 = fx_now();
    if (af_mm_plan_step(pl, f->a, f->b, st, &err) != AF_OK)
        FX_FAIL("step: %s", err.msg);
    double ms = 1e3 * (fx_now() - t0);
    uint8_t *t = f->a;
    f->a = f->b;
    f->b = t;
    return ms;
}

/* Least-squares line y = c0 + c1 x through m points (gsl_fit_linear):
 * returns the slope c1, and the intercept in *c0 unless c0 is NULL. */
static inline double fx_fit(const double *x, const double *y, int m, double *c0)
{
    double b0, b1, cov00, cov01, cov11, sumsq;
    gsl_fit_linear(x, 1, y, 1, (size_t)m, &b0, &b1, &cov00, &cov01, &cov11, &sumsq);
    if (c0)
        *c0 = b0;
    return b1;
}

#endif
