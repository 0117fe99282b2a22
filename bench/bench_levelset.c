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

#include "advflow/advflow.h"
#include "benchutil.h"
#include "../tests/fixtures.h"

#define PI 3.14159265358979323846

static void die(const char *what, const af_error *err)
{
    fprintf(stderr, "bench_levelset: %s: %s\n", what, err->msg);
    exit(1);
}

int main(void)
{
    enum { N = 512, STEPS = 25 }; /* t_25 = 0.0977 <= 0.1 */
    fx_field f; /* the standard field and circle (fixtures.h) */
    fx_field_init(&f, N);
    fx_field_circle(&f);
    const af_grid g = f.g;
    af_error err;
    double *u = malloc(f.cells * sizeof *u), *v = malloc(f.cells * sizeof *v);
    if (!u || !v)
        return 1;
    af_shape circ = fx_circle();
    af_mm_params prm = fx_params(&g, 4, g.dx);
    af_mm_plan *pm = fx_plan(&f, &prm), *pl = fx_plan(&f, &prm);
    af_dist_work *dw = af_dist_work_alloc(&g, &err);
    if (!dw)
        die("redistancing", &err);
    if (af_shape_field(&g, &circ, v, &err) != AF_OK || af_dist_redistance(dw, v, u, &err) != AF_OK)
        die("initial shape", &err);

    double t[STEPS + 1], al[STEPS + 1], am[STEPS + 1], ai[STEPS + 1];
    double ms_ls[STEPS], ms_rd[STEPS], ms_mask[STEPS];
    double r = FX_CIRCLE_R0;
    for (int k = 0; k <= STEPS; k++) {
        t[k] = k * prm.h;
        al[k] = af_contour_area(&g, u, 0);
        am[k] = af_grid_mask_area(&g, f.a);
        ai[k] = PI * r * r;
        r = af_ref_circle_implicit_step(r, prm.h);
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
        ms_ls[k] = 1e3 * (t2 - t0);
        ms_rd[k] = 1e3 * (t2 - t1);
        ms_mask[k] = fx_step(pm, &f, &st); /* wall ms */
    }
    double ls = bu_median(ms_ls + 1, STEPS - 1), rd = bu_median(ms_rd + 1, STEPS - 1),
           mk = bu_median(ms_mask + 1, STEPS - 1);
    bu_print("levelset_step_ms", ls);
    bu_print("levelset_redistance_ms", rd);
    bu_print("mask_step_ms_h1", mk);
    bu_print("levelset_vs_mask_step_ratio", ls / mk);
    bu_print("levelset_area_rate_ratio", -fx_fit(t, al, STEPS + 1, NULL) / (2 * PI));
    bu_print("mask_area_rate_ratio", -fx_fit(t, am, STEPS + 1, NULL) / (2 * PI));
    bu_print("implicit_area_rate_ratio", -fx_fit(t, ai, STEPS + 1, NULL) / (2 * PI));
    af_mm_plan_free(pm);
    af_mm_plan_free(pl);
    af_dist_work_free(dw);
    free(u), free(v);
    fx_field_free(&f);
    return 0;
}
