/* advflow: the nonlocal perimeter Per_eps and a local perimeter estimate.
 * GPL-3.0-or-later.
 *
 * Sums over the grid are taken row by row, on threads, and the rows' sums
 * added in row order (threads_internal.h): the same value for every thread
 * count. */
#include "advflow/perimeter.h"

#include <math.h>
#include <stdlib.h>

#include "advflow/dist.h"
#include "advflow/morph.h"
#include "threads_internal.h"

struct af_perimeter {
    af_grid grid;
    double eps;
    af_ball *ball;
    double width_ratio, anisotropy, normal_gap; /* of the ball, computed once: the
                                                   anisotropy samples 20000 angles */
    af_morph_work *morph;
    af_dist_work *dist; /* for the local estimate: made on its first use, so that */
    double *u;          /* plans that never ask for it (the step's) do not pay */
    uint8_t *dil, *ero; /* dilation and erosion of the last mask */
    double *rows;       /* 2 n: each row's sums (outer and inner strip; the local
                           estimate's squares) */
    size_t *rowc;       /* n: each row's cells inside the mask */
};

void af_perimeter_free(af_perimeter *p)
{
    if (!p)
        return;
    af_ball_free(p->ball);
    af_morph_work_free(p->morph);
    af_dist_work_free(p->dist);
    free(p->dil);
    free(p->ero);
    free(p->u);
    free(p->rows);
    free(p->rowc);
    free(p);
}

af_status af_perimeter_eps_check(const af_grid *g, double eps, const char *who, af_error *err)
{
    if (!(eps >= g->dx * (1 - 1e-9)) || !isfinite(eps))
        return af_error_set(err, AF_EINVAL,
                            "%s: epsilon = %g is smaller than one cell (dx = %g): the digital ball "
                            "would be a single point",
                            who, eps, g->dx);
    return AF_OK;
}

af_perimeter *af_perimeter_alloc(const af_grid *g, af_norm norm, double eps, af_error *err)
{
    if (af_perimeter_eps_check(g, eps, "perimeter", err) != AF_OK)
        return NULL;
    af_perimeter *p = calloc(1, sizeof *p);
    if (!p) {
        af_error_set(err, AF_ENOMEM, "perimeter: out of memory");
        return NULL;
    }
    p->grid = *g;
    p->eps = eps;
    size_t cells = af_grid_cells(g);
    if (!(p->ball = af_ball_alloc(norm, eps / g->dx, err))
        || !(p->morph = af_morph_work_alloc(g, p->ball, err)))
        goto fail;
    p->width_ratio = af_ball_width_ratio(p->ball);
    p->anisotropy = af_ball_anisotropy(p->ball);
    p->normal_gap = af_ball_normal_gap(p->ball);
    p->dil = malloc(cells);
    p->ero = malloc(cells);
    p->rows = malloc(2 * (size_t)g->n * sizeof *p->rows);
    p->rowc = malloc((size_t)g->n * sizeof *p->rowc);
    if (!p->dil || !p->ero || !p->rows || !p->rowc) {
        af_error_set(err, AF_ENOMEM, "perimeter: out of memory for %zu cells", cells);
        goto fail;
    }
    return p;
fail:
    af_perimeter_free(p);
    return NULL;
}

const af_ball *af_perimeter_ball(const af_perimeter *p) { return p->ball; }

void af_perimeter_eval(af_perimeter *p, const double *rho0, const double *rho1,
                       const uint8_t *mask, af_perimeter_value *out)
{
    const int n = p->grid.n;
    af_morph_dilate(p->morph, mask, p->dil);
    af_morph_erode(p->morph, mask, p->ero);
    /* D >= 1_A >= E, so both strips are the cells where they differ. */
#pragma omp parallel for num_threads(af_threads_for_cells(af_grid_cells(&p->grid))) schedule(dynamic, 8)
    for (int j = 0; j < n; j++) {
        double so = 0, si = 0;
        size_t count = 0;
        for (size_t x = (size_t)j * n; x < (size_t)(j + 1) * n; x++) {
            int a = mask[x] != 0;
            count += (size_t)a;
            if (p->dil[x] && !a)
                so += rho0[x];
            if (a && !p->ero[x])
                si += rho1[x];
        }
        p->rows[2 * j] = so;
        p->rows[2 * j + 1] = si;
        p->rowc[j] = count;
    }
    double so = 0, si = 0;
    size_t count = 0;
    for (int j = 0; j < n; j++) {
        so += p->rows[2 * j];
        si += p->rows[2 * j + 1];
        count += p->rowc[j];
    }
    double vol = p->grid.dx * p->grid.dx; /* dx^d, d = 2 */
    double ratio = p->width_ratio;
    out->eps = p->eps;
    out->eps_cells = p->eps / p->grid.dx;
    out->width_ratio = ratio;
    out->anisotropy = p->anisotropy;
    out->normal_gap = p->normal_gap;
    out->w_B = p->eps * ratio;
    out->outer = vol * so / out->w_B;
    out->inner = vol * si / out->w_B;
    out->per_eps = out->outer + out->inner;
    out->per_eps_raw = out->per_eps * ratio;
    out->area = vol * (double)count;
}

/* Crossing of the level 1/2 on the edge from value a (at t = 0) to b (t = 1). */
static double cross_t(double a, double b) { return (0.5 - a) / (b - a); }

double af_perimeter_local(af_perimeter *p, const double *rho0, const double *rho1,
                          const uint8_t *mask)
{
    const af_grid *g = &p->grid;
    int n = g->n, per = g->edge == AF_EDGE_PERIODIC;
    if (!p->dist && !(p->dist = af_dist_work_alloc(g, NULL)))
        return NAN;
    if (!p->u && !(p->u = malloc(af_grid_cells(g) * sizeof *p->u)))
        return NAN;
    double *u = p->u;
    /* Gaussian of sigma = 2 cells (1 cell, then sqrt 3 more): with 1 cell
     * the level line still follows the staircase and comes out about 0.5%
     * too long at every resolution; with 2 cells the excess is below 0.1%
     * from 256^2 on (measured on circles and ellipses), and the shrinkage
     * of curved level lines, about sigma^2 / (2 R^2), stays below it. */
    af_dist_smooth(p->dist, mask, u);
    af_dist_blur(p->dist, u, sqrt(3.0));
    /* Marching squares on the dual cells: square (i, j) has corners at the
     * centres of cells (i, j), (i+1, j), (i+1, j+1), (i, j+1). */
    int last = per ? n : n - 1;
    double *rows = p->rows;
#pragma omp parallel for num_threads(af_threads_for_cells(af_grid_cells(g))) schedule(dynamic, 8)
    for (int j = 0; j < last; j++) {
        double total = 0;
        int j1 = (j + 1) % n;
        for (int i = 0; i < last; i++) {
            int i1 = (i + 1) % n;
            size_t c[4] = {(size_t)j * n + i, (size_t)j * n + i1, (size_t)j1 * n + i1,
                           (size_t)j1 * n + i};
            double v[4] = {u[c[0]], u[c[1]], u[c[2]], u[c[3]]};
            int code = (v[0] > 0.5) | (v[1] > 0.5) << 1 | (v[2] > 0.5) << 2 | (v[3] > 0.5) << 3;
            if (code == 0 || code == 15)
                continue;
            /* crossing points on the four edges, in the square's unit frame:
             * edge 0: (0,0)-(1,0), 1: (1,0)-(1,1), 2: (1,1)-(0,1), 3: (0,1)-(0,0) */
            static const double corner[4][2] = {{0, 0}, {1, 0}, {1, 1}, {0, 1}};
            double px[4], py[4];
            int k = 0;
            for (int e = 0; e < 4; e++) {
                int a = e, b = (e + 1) % 4;
                if ((v[a] > 0.5) != (v[b] > 0.5)) {
                    double t = cross_t(v[a], v[b]);
                    px[k] = corner[a][0] + t * (corner[b][0] - corner[a][0]);
                    py[k] = corner[a][1] + t * (corner[b][1] - corner[a][1]);
                    k++;
                }
            }
            /* k is 2, or 4 for a saddle; in a saddle, pair the crossings so
             * that the segments separate according to the centre value (the
             * length differs little either way). */
            int pairs[2][2] = {{0, 1}, {2, 3}};
            if (k == 4) {
                double centre = 0.25 * (v[0] + v[1] + v[2] + v[3]);
                int c0in = v[0] > 0.5;
                if ((centre > 0.5) == c0in) {
                    /* corner 0's side connects through the centre: cut off corners 1 and 3 */
                    pairs[0][0] = 0; pairs[0][1] = 1; pairs[1][0] = 2; pairs[1][1] = 3;
                } else {
                    pairs[0][0] = 3; pairs[0][1] = 0; pairs[1][0] = 1; pairs[1][1] = 2;
                }
            }
            for (int s = 0; s < k / 2; s++) {
                int a = pairs[s][0], b = pairs[s][1];
                double len = hypot(px[a] - px[b], py[a] - py[b]) * g->dx;
                double w = 1;
                if (rho0 || rho1) {
                    double mx = 0.5 * (px[a] + px[b]), my = 0.5 * (py[a] + py[b]);
                    double r[4];
                    for (int q = 0; q < 4; q++)
                        r[q] = (rho0 ? rho0[c[q]] : 0) + (rho1 ? rho1[c[q]] : 0);
                    w = (1 - mx) * (1 - my) * r[0] + mx * (1 - my) * r[1] + mx * my * r[2]
                        + (1 - mx) * my * r[3];
                }
                total += w * len;
            }
        }
        rows[j] = total;
    }
    double total = 0;
    for (int j = 0; j < last; j++)
        total += rows[j];
    return total;
}
