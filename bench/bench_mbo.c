/* advflow benchmark: one MBO step (mbo.h) on 256^2, 512^2 and 1024^2, box
 * [-1, 1]^2, a circle of radius 0.6, uniform density, sigma = 4 cells.
 * Median of REPEATS steps, each from the same circle (a real step: fill,
 * transform, multiply, transform back, threshold).  Clamped grids (DCT-II /
 * DCT-III) give the headline figures mbo_step_N_ms; periodic grids (r2c /
 * c2r) give mbo_step_periodic_N_ms, to compare with the 0.30 / 1.32 / 8.8 ms
 * of a bare r2c + c2r MBO step measured by an early prototype.  Also
 * prints the time to plan (af_mbo_alloc), mbo_alloc_N_ms, for the first
 * plan of that size and kind in this process.  GPL-3.0-or-later. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "advflow/mbo.h"
#include "advflow/shape.h"
#include "benchutil.h"
#include "../tests/fixtures.h"

#define REPEATS 31

static int bench_one(int n, af_edge edge)
{
    af_grid g;
    af_error err;
    if (af_grid_init(&g, 2, n, -1.0, 1.0, edge, &err) != AF_OK) {
        fprintf(stderr, "bench_mbo: %s\n", err.msg);
        return 1;
    }
    size_t cells = af_grid_cells(&g);
    uint8_t *circle = malloc(cells), *out = malloc(cells);
    af_shape s = fx_circle(); /* the standard circle, r0 = 0.6 */
    if (!circle || !out || af_shape_mask(&g, &s, circle, &err) != AF_OK) {
        fprintf(stderr, "bench_mbo: could not make the circle\n");
        free(circle);
        free(out);
        return 1;
    }
    double sigma = 4.0 * g.dx, h = 0.5 * sigma * sigma;
    double t0 = bu_now();
    af_mbo *m = af_mbo_alloc(&g, h, NULL, &err);
    double talloc = bu_now() - t0;
    if (!m) {
        fprintf(stderr, "bench_mbo: %s\n", err.msg);
        free(circle);
        free(out);
        return 1;
    }
    af_mbo_step(m, circle, out); /* warm the caches */
    double t[REPEATS];
    for (int k = 0; k < REPEATS; k++) {
        double a = bu_now();
        af_mbo_step(m, circle, out);
        t[k] = bu_now() - a;
    }
    char name[64];
    const char *kind = edge == AF_EDGE_PERIODIC ? "periodic_" : "";
    snprintf(name, sizeof name, "mbo_step_%s%d_ms", kind, n);
    bu_print(name, 1e3 * bu_median(t, REPEATS));
    snprintf(name, sizeof name, "mbo_alloc_%s%d_ms", kind, n);
    bu_print(name, 1e3 * talloc);
    af_mbo_free(m);
    free(circle);
    free(out);
    return 0;
}

int main(void)
{
    static const int sizes[] = {256, 512, 1024};
    for (int e = 0; e < 2; e++)
        for (int i = 0; i < 3; i++)
            if (bench_one(sizes[i], e == 0 ? AF_EDGE_CLAMP : AF_EDGE_PERIODIC))
                return 1;
    return 0;
}
