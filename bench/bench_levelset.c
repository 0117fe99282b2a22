/* advflow benchmark: the level-set step (af_mm_plan_step_levelset) against
 * the mask step on the same case, in one run.  Prints:
 *
 *   levelset_step_ms             median level-set step, redistancing included:
 *                                512^2, circle r0 = 0.6 in [-1, 1]^2, eps = 4 dx, h = dx
 *   levelset_redistance_ms       of which the redistancing (median)
 *   mask_step_ms_h1              median mask step of the same case
 *   levelset_vs_mask_step_ratio  the two medians' ratio (target <= 8)
 *   levelset_area_rate_ratio     least-squares slope of the zero contour's area
 *                                against t over [0, 0.1], divided by -2 pi
 *   mask_area_rate_ratio         the same for the mask step (the cells' area)
 *   implicit_area_rate_ratio     the same for the implicit step alone,
 *                                r_{k+1} = (r_k + sqrt(r_k^2 - 4h)) / 2
 *
 * Steps 2 .. 25 are timed (t up to 0.1); the first step of each, whose band
 * is the widest, is left out of the medians but not of the rates.
 * GPL-3.0-or-later. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_fit.h>

#include "advflow/advflow.h"
#include "benchutil.h"

#define PI 3.14159265358979323846

static void die(const char *what, const af_error *err)
{
    fprintf(stderr, "bench_levelset: %s: %s\n", what, err->msg);
    exit(1);
}

/* Least-squares slope of y against x (GSL). */
static double slope(const double *x, const double *y, int m)
{
    double c0, c1, cov00, cov01, cov11, sumsq;
    gsl_fit_linear(x, 1, y, 1, (size_t)m, &c0, &c1, &cov00, &cov01, &cov11, &sumsq);
    return c1;
}

int main(void)
{
    enum { N = 512, STEPS = 25 }; /* t_25 = 0.0977 <= 0.1 */
    af_grid g;
    af_error err;
    if (af_grid_init(&g, 2, N, -1, 1, AF_EDGE_CLAMP, &err) != AF_OK)
        die("grid", &err);
    size_t cells = af_grid_cells(&g);
    double *rho = malloc(cells * sizeof *rho), *u = malloc(cells * sizeof *u),
           *v = malloc(cells * sizeof *v);
    uint8_t *a = malloc(cells), *b = malloc(cells);
    if (!rho || !u || !v || !a || !b)
        return 1;
    for (size_t x = 0; x < cells; x++)
        rho[x] = 0.5;
    af_shape circ = {.kind = AF_SHAPE_CIRCLE, .radius = 0.6};
    af_mm_params prm;
    af_mm_params_default(&prm);
    prm.eps = 4 * g.dx;
    prm.h = g.dx;
    af_mm_plan *pm = af_mm_plan_create(&g, &prm, rho, rho, &err);
    af_mm_plan *pl = af_mm_plan_create(&g, &prm, rho, rho, &err);
    af_dist_work *dw = af_dist_work_alloc(&g, &err);
    if (!pm || !pl || !dw)
        die("plans", &err);
    if (af_shape_field(&g, &circ, v, &err) != AF_OK || af_dist_redistance(dw, v, u, &err) != AF_OK
        || af_shape_mask(&g, &circ, a, &err) != AF_OK)
        die("initial shape", &err);

    double t[STEPS + 1], al[STEPS + 1], am[STEPS + 1], ai[STEPS + 1];
    double ms_ls[STEPS], ms_rd[STEPS], ms_mask[STEPS];
    double r = 0.6;
    for (int k = 0; k <= STEPS; k++) {
        t[k] = k * prm.h;
        al[k] = af_contour_area(&g, u, 0);
        size_t in = 0;
        for (size_t x = 0; x < cells; x++)
            in += a[x];
        am[k] = in * g.dx * g.dx;
        ai[k] = PI * r * r;
        r = 0.5 * (r + sqrt(r * r - 4 * prm.h));
        if (k == STEPS)
            break;
        af_mm_stats st;
        double t0 = bu_now();
        if (af_mm_plan_step_levelset(pl, u, v, &st, &err) != AF_OK)
            die("level-set step", &err);
        double t1 = bu_now();
        if (af_dist_redistance(dw, v, u, &err) != AF_OK)
            die("redistance", &err);
        double t2 = bu_now();
        if (af_mm_plan_step(pm, a, b, &st, &err) != AF_OK)
            die("mask step", &err);
        double t3 = bu_now();
        memcpy(a, b, cells);
        ms_ls[k] = 1e3 * (t2 - t0);
        ms_rd[k] = 1e3 * (t2 - t1);
        ms_mask[k] = 1e3 * (t3 - t2);
    }
    double ls = bu_median(ms_ls + 1, STEPS - 1), rd = bu_median(ms_rd + 1, STEPS - 1),
           mk = bu_median(ms_mask + 1, STEPS - 1);
    bu_print("levelset_step_ms", ls);
    bu_print("levelset_redistance_ms", rd);
    bu_print("mask_step_ms_h1", mk);
    bu_print("levelset_vs_mask_step_ratio", ls / mk);
    bu_print("levelset_area_rate_ratio", -slope(t, al, STEPS + 1) / (2 * PI));
    bu_print("mask_area_rate_ratio", -slope(t, am, STEPS + 1) / (2 * PI));
    bu_print("implicit_area_rate_ratio", -slope(t, ai, STEPS + 1) / (2 * PI));
    af_mm_plan_free(pm);
    af_mm_plan_free(pl);
    af_dist_work_free(dw);
    free(rho), free(u), free(v), free(a), free(b);
    return 0;
}
