/* advflow: the robust-optimal grid classifier (robust.h).  GPL-3.0-or-later.
 *
 * Divided by w_B, the adversarial risk is
 *
 *   R_eps(A) / w_B = Per_eps(A) + sum_x (dx^2 / w_B) (rho0 - rho1) 1_A(x) + (dx^2 / w_B) sum rho1,
 *
 * so its minimisers are those of Per_eps(A) + sum c 1_A with the clean
 * risk's linear term c = kper (rho0 - rho1), kper = dx^2 / w_B: the mm
 * plan's graph with c in place of the fidelity, solved on the whole grid
 * (af_mm_plan_solve_linear).  The linear part of Per_eps itself is
 * kper (rho1 - rho0) 1_A, so the two cancel and only the dilation and
 * erosion terms are left, as the first form in robust.h says. */
#include "advflow/robust.h"

#include <stdlib.h>
#include <string.h>

#include "advflow/density.h"
#include "mm_internal.h"

struct af_robust {
    af_mm_plan *mm;
    size_t cells;
    double kper;         /* dx^2 / w_B */
    double w_B;
    double rho1_mass;    /* dx^2 sum rho1: R_eps(empty set) */
    double *c;           /* the linear costs */
    uint8_t *zero;       /* all-zero mask (A_k of the statistics) */
};

void af_robust_free(af_robust *r)
{
    if (!r)
        return;
    af_mm_plan_free(r->mm);
    free(r->c);
    free(r->zero);
    free(r);
}

/* The step parameters of the robust cut. */
static void params_of(af_mm_params *prm, af_norm norm, double eps, af_selection selection)
{
    af_mm_params_default(prm);
    prm->norm = norm;
    prm->eps = eps;
    prm->h = 1; /* not used: there is no fidelity */
    prm->selection = selection;
    prm->full_grid = 1;
}

double af_robust_bytes(const af_grid *g, af_norm norm, double eps)
{
    af_mm_params prm;
    params_of(&prm, norm, eps, AF_SELECT_MINIMAL);
    return af_mm_plan_bytes(g, &prm) + af_grid_cells(g) * 9.0; /* c and zero */
}

af_robust *af_robust_alloc(const af_grid *g, af_norm norm, double eps, af_selection selection,
                           const double *rho0, const double *rho1, af_error *err)
{
    af_mm_params prm;
    params_of(&prm, norm, eps, selection);
    af_robust *r = calloc(1, sizeof *r);
    if (!r) {
        af_error_set(err, AF_ENOMEM, "robust: out of memory");
        return NULL;
    }
    /* create checks the grid, eps, the selection and the densities */
    if (!(r->mm = af_mm_plan_create(g, &prm, rho0, rho1, err))) {
        af_robust_free(r);
        return NULL;
    }
    r->cells = af_grid_cells(g);
    r->c = malloc(r->cells * sizeof *r->c);
    r->zero = calloc(r->cells, 1);
    if (!r->c || !r->zero) {
        af_error_set(err, AF_ENOMEM, "robust: out of memory for %zu cells", r->cells);
        af_robust_free(r);
        return NULL;
    }
    double dx2 = g->dx * g->dx;
    r->w_B = eps * af_ball_width_ratio(af_mm_plan_ball(r->mm));
    r->kper = dx2 / r->w_B;
    double m1 = 0;
    for (size_t x = 0; x < r->cells; x++) {
        r->c[x] = r->kper * (rho0[x] - rho1[x]);
        m1 += rho1[x];
    }
    r->rho1_mass = dx2 * m1;
    return r;
}

af_status af_robust_solve(af_robust *r, uint8_t *mask, af_robust_stats *stats, af_error *err)
{
    if (!r || !mask)
        return af_error_set(err, AF_EINVAL, "robust: plan and mask must not be NULL");
    af_mm_stats st;
    af_status s = af_mm_plan_solve_linear(r->mm, r->c, r->zero, mask, &st, err);
    if (s != AF_OK)
        return s;
    if (stats) {
        stats->nodes = st.nodes;
        stats->arcs = st.arcs;
        /* R_eps = w_B (Per_eps + sum c 1_A) + dx^2 sum rho1 (see the top) */
        stats->risk_adv = r->w_B * st.energy + r->rho1_mass;
        stats->ms = st.ms;
    }
    return AF_OK;
}
