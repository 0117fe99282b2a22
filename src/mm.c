/* advflow: the exact minimizing-movements step (mm.h): plans, the mask
 * step's costs and energy, and its driver.  GPL-3.0-or-later.
 *
 * The graph is built in mm_graph.c (its header comment states the energy
 * and the cut), solved in mm_solve.c, and the band and window live in
 * mm_band.c (mm_plan.h says which part does what).
 *
 * Mask step.  psi = (rho1 - rho0) dx^2 / w_B + (dx^2 / h) rho sgn(s_k) |s_k|^p
 * (with eps_avg: the sum over the balls of (rho1 - rho0) dx^2 / (w_i m), and
 * Per_eps the average of the balls' in the energy; mm_balls).
 * The fidelity is written in the linear form of docs/theory.md section 2,
 * (1_A - 1_{A_k}) sgn(s_k) |s_k|^p, with the sign taken from s_k itself.  psi
 * is then antitone in A_k (nested masks have ordered signed distances), which
 * keeps the step monotone, and features too thin for the sub-cell distance
 * (whose sign says "outside" although the mask says inside) are removed as
 * they should be instead of being pinned by a huge |s_k|.
 */
#include "advflow/mm.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "advflow/density.h"
#include "mm_internal.h"
#include "mm_plan.h"
#include "threads_internal.h"

void af_mm_params_default(af_mm_params *prm)
{
    memset(prm, 0, sizeof *prm);
    prm->norm = AF_NORM_2;
    prm->p = 1;
    prm->selection = AF_SELECT_MINIMAL;
    prm->sdist = AF_SDIST_SUBCELL;
    prm->solver = AF_MM_SOLVER_OWN;
}

const af_ball *af_mm_plan_ball(const af_mm_plan *plan) { return plan->ball; }

double af_mm_plan_bytes(const af_grid *g, const af_mm_params *prm)
{
    if (!g || !prm || !(g->dx > 0) || !(prm->eps >= 0) || !isfinite(prm->eps))
        return INFINITY;
    double n = g->n, cells = n * n, r = floor(prm->eps / g->dx * (1 + 1e-9));
    if (g->edge == AF_EDGE_CLAMP && r > n - 1)
        r = n - 1; /* the ball is cut to the grid (plan_new) */
    /* s, queue, node (16), seven masks (7: the local band's too),
     * morphology, distance and perimeter workspaces (about 64) */
    double bytes = cells * 87;
    double levels = fmax(floor(log2(2 * r + 1)), 1); /* block memo (mm_memo_levels) */
    bytes += 2.0 * levels * (2 * r + 1) * (n + 2 * r) * sizeof(int32_t);
    if (prm->full_grid) { /* the graph on every cell (mm_estimate.c) */
        double k = floor(log2(2 * r + 1));
        bytes += cells * ((2 * k + 3) * 72 + (6 * r + 2 * k + 22) * 40);
    }
    /* each further budget (eps_avg): its perimeter's and morphology's
     * workspaces and scratch (about 8 bytes a cell, and one for the skip
     * bits' dilations), and on the full grid its terms' auxiliary nodes (2)
     * and chord arcs (6 r_b + 4) a cell; the block memo is shared */
    int extra = 0;
    for (int q = 0; q < 3; q++) {
        double e = prm->eps_avg[q];
        if (e == 0)
            continue;
        if (!(e >= 0) || !isfinite(e))
            return INFINITY;
        double rb = fmin(floor(e / g->dx * (1 + 1e-9)), r);
        extra++;
        bytes += cells * 8;
        if (prm->full_grid)
            bytes += cells * (2 * 72 + (6 * rb + 4) * 40);
    }
    if (extra)
        bytes += cells;
    return bytes;
}

void af_mm_plan_free(af_mm_plan *p)
{
    if (!p)
        return;
    af_mm_plan_free(p->child);
    free(p->win_in);
    free(p->win_out);
    free(p->own_rho0);
    free(p->own_rho1);
    for (int b = 1; b < p->nb; b++) {
        af_perimeter_free(p->bper[b]);
        free(p->bhalf[b]);
        af_morph_work_free(p->bmorph[b]);
    }
    free(p->mtmp);
    af_perimeter_free(p->per);
    free(p->half);
    af_morph_work_free(p->morph);
    af_dist_work_free(p->dist);
    free(p->s);
    free(p->queue);
    free(p->var);
    free(p->fix1);
    free(p->fix0);
    free(p->m1);
    free(p->m0);
    free(p->reach);
    free(p->allow);
    free(p->node);
    free(p->memo[0]);
    free(p->memo[1]);
    free(p->memo_cls[0]);
    free(p->memo_cls[1]);
    free(p->lo);
    free(p->hi);
    free(p->cls);
    free(p->tcls[0]);
    free(p->tcls[1]);
    free(p->key);
    free(p->cut_t);
    free(p->tw_real);
    free(p->arc_from);
    free(p->arc_to);
    af_mf_free(p->mf);
    af_bk_free(p->bk);
    mm_pieces_free(p->pieces);
    free(p);
}

af_mm_plan *af_mm_plan_create(const af_grid *g, const af_mm_params *prm, const double *rho0,
                              const double *rho1, af_error *err)
{
    if (!g || !prm || !rho0 || !rho1) {
        af_error_set(err, AF_EINVAL, "mm: grid, parameters and densities must not be NULL");
        return NULL;
    }
    if (g->dim != 2) {
        af_error_set(err, AF_EUNSUP, "mm: only dim = 2 is implemented");
        return NULL;
    }
    if (!(prm->h > 0) || !isfinite(prm->h)) {
        af_error_set(err, AF_EINVAL, "mm: time step h must be > 0, got %g", prm->h);
        return NULL;
    }
    if (!(prm->p >= 0) || !isfinite(prm->p)) {
        af_error_set(err, AF_EINVAL, "mm: exponent p must be >= 0, got %g", prm->p);
        return NULL;
    }
    if (prm->selection != AF_SELECT_MINIMAL && prm->selection != AF_SELECT_MAXIMAL) {
        af_error_set(err, AF_EINVAL, "mm: unknown selection %d", (int)prm->selection);
        return NULL;
    }
    if (isnan(prm->ls_range) || isnan(prm->ls_tol) || isinf(prm->ls_range) || isinf(prm->ls_tol)) {
        af_error_set(err, AF_EINVAL, "mm: level-set range and resolution must be finite");
        return NULL;
    }
    if (prm->solver != AF_MM_SOLVER_OWN && prm->solver != AF_MM_SOLVER_BK) {
        af_error_set(err, AF_EINVAL, "mm: unknown solver %d", (int)prm->solver);
        return NULL;
    }
    if (af_density_check(g, rho0, "mm: rho0", err) != AF_OK
        || af_density_check(g, rho1, "mm: rho1", err) != AF_OK)
        return NULL;
    for (int k = 0; k < 3; k++) {
        double e = prm->eps_avg[k];
        if (e == 0)
            continue;
        if (k == 0 || prm->eps_avg[0] == 0) /* eps first: the bounds below need it */
            if (af_perimeter_eps_check(g, prm->eps, "perimeter", err) != AF_OK)
                return NULL;
        if (isnan(e) || e < 0 || e < g->dx * (1 - 1e-9) || e > prm->eps) {
            af_error_set(err, AF_EINVAL,
                         "mm: eps_avg[%d] = %g must be 0 (unused) or in [dx, eps] = [%g, %g]%s", k,
                         e, g->dx, prm->eps,
                         isnan(e)  ? " (it is NaN)"
                         : e < 0   ? " (it is negative)"
                         : e > prm->eps ? " (it exceeds eps)"
                                   : " (it is smaller than one cell)");
            return NULL;
        }
    }
    af_mm_plan *p = mm_plan_new(g, prm, err);
    if (p) {
        p->rho0 = rho0;
        p->rho1 = rho1;
    }
    return p;
}

/* The same digital ball (after the cut to the grid). */
static int same_ball(const af_mm_plan *p, int b, int r, const int *half)
{
    if (p->br[b] != r)
        return 0;
    for (int k = 0; k <= 2 * r; k++)
        if (p->bhalf[b][k] != half[k])
            return 0;
    return 1;
}

/* The balls of the averaged perimeter (mm_plan.h): ball 0 is eps's (p->per,
 * p->ball, p->r, p->half, p->morph, made by the caller), then one per
 * further budget whose digital ball is new; kper = the sum of their bkper.
 * With no further budget bkper[0] = kper = dx^2 / (eps w), as always. */
static af_status mm_balls(af_mm_plan *p, af_error *err)
{
    const af_grid *g = &p->g;
    const af_mm_params *prm = &p->prm;
    int m = 1, members[MM_MAX_BALLS] = {1};
    for (int k = 0; k < 3; k++)
        m += prm->eps_avg[k] != 0;
    double dx2 = g->dx * g->dx;
    p->nb = 1;
    p->bper[0] = p->per;
    p->bball[0] = p->ball;
    p->br[0] = p->r;
    p->bhalf[0] = p->half;
    p->bmorph[0] = p->morph;
    p->bkper[0] = dx2 / (prm->eps * af_ball_width_ratio(p->ball) * m);
    for (int k = 0; k < 3; k++) {
        double e = prm->eps_avg[k];
        if (e == 0)
            continue;
        af_perimeter *q = af_perimeter_alloc(g, prm->norm, e, err);
        if (!q)
            return err ? err->status : AF_ENOMEM;
        const af_ball *bl = af_perimeter_ball(q);
        double kp = dx2 / (e * af_ball_width_ratio(bl) * m);
        int r = bl->r < p->n - 1 ? bl->r : p->n - 1;
        int *half = malloc((size_t)(2 * r + 1) * sizeof *half);
        if (!half) {
            af_perimeter_free(q);
            return af_error_set(err, AF_ENOMEM, "mm: out of memory");
        }
        for (int dj = -r; dj <= r; dj++) {
            int h = bl->half[dj + bl->r];
            half[dj + r] = h < p->n - 1 ? h : p->n - 1;
        }
        int b = 0;
        while (b < p->nb && !same_ball(p, b, r, half))
            b++;
        if (b < p->nb) { /* the same digital ball: the same terms, added up */
            p->bkper[b] += kp;
            members[b]++;
            free(half);
            af_perimeter_free(q);
            continue;
        }
        p->bper[b] = q;
        p->bball[b] = bl;
        p->br[b] = r;
        p->bhalf[b] = half;
        p->bkper[b] = kp;
        members[b] = 1;
        p->nb++;
        if (!(p->bmorph[b] = af_morph_work_alloc(g, bl, err)))
            return err ? err->status : AF_ENOMEM;
    }
    p->kper = p->bkper[0];
    for (int b = 0; b < p->nb; b++) {
        if (b > 0)
            p->kper += p->bkper[b];
        p->bweight[b] = (double)members[b] / m;
        p->border[b] = b;
    }
    /* by increasing radius (insertion sort; the balls are nested in that order) */
    for (int a = 1; a < p->nb; a++)
        for (int c = a; c > 0 && p->bball[p->border[c]]->radius < p->bball[p->border[c - 1]]->radius; c--) {
            int t = p->border[c];
            p->border[c] = p->border[c - 1];
            p->border[c - 1] = t;
        }
    if (p->nb > 1 && !(p->mtmp = malloc(p->cells)))
        return af_error_set(err, AF_ENOMEM, "mm: out of memory for a plan of %zu cells", p->cells);
    return AF_OK;
}

/* The plan for checked arguments, without its densities: create points them
 * at the caller's, the window's child at copies of its own. */
af_mm_plan *mm_plan_new(const af_grid *g, const af_mm_params *prm, af_error *err)
{
    af_mm_plan *p = calloc(1, sizeof *p);
    if (!p) {
        af_error_set(err, AF_ENOMEM, "mm: out of memory");
        return NULL;
    }
    p->g = *g;
    p->prm = *prm;
    p->n = g->n;
    p->cells = af_grid_cells(g);
    size_t cells = p->cells;
    if (!(p->per = af_perimeter_alloc(g, prm->norm, prm->eps, err)))
        goto fail;
    p->ball = af_perimeter_ball(p->per);
    /* On a clamped grid no offset beyond n - 1 cells meets a cell, so a
     * larger ball acts as its part within [-(n-1), n-1]^2: the graph uses
     * the ball's chords cut to that square.  Same terms, same minimiser,
     * and a memo and graph that stop growing with eps (a ball of 640 cells
     * on a 64^2 grid took 13 GB).  A periodic ball is below n / 2 anyway. */
    p->r = p->ball->r < p->n - 1 ? p->ball->r : p->n - 1;
    if (!(p->half = malloc((size_t)(2 * p->r + 1) * sizeof *p->half))) {
        af_error_set(err, AF_ENOMEM, "mm: out of memory");
        goto fail;
    }
    for (int dj = -p->r; dj <= p->r; dj++) {
        int h = p->ball->half[dj + p->ball->r];
        p->half[dj + p->r] = h < p->n - 1 ? h : p->n - 1;
    }
    if (!(p->morph = af_morph_work_alloc(g, p->ball, err)) || !(p->dist = af_dist_work_alloc(g, err)))
        goto fail;
    if (mm_balls(p, err) != AF_OK)
        goto fail;
    p->s = malloc(cells * sizeof(double));
    p->queue = malloc(cells * sizeof(int32_t));
    p->var = malloc(cells);
    p->fix1 = malloc(cells);
    p->fix0 = malloc(cells);
    p->m1 = malloc(cells);
    p->m0 = malloc(cells);
    p->reach = malloc(cells);
    p->allow = malloc(cells);
    p->node = malloc(cells * sizeof(int32_t));
    size_t layers = mm_memo_entries(p);
    p->memo[0] = malloc(layers * sizeof(int32_t));
    p->memo[1] = malloc(layers * sizeof(int32_t));
    if (!p->s || !p->queue || !p->var || !p->fix1 || !p->fix0
        || !p->m1 || !p->m0 || !p->reach || !p->allow || !p->node || !p->memo[0] || !p->memo[1]) {
        af_error_set(err, AF_ENOMEM, "mm: out of memory for a plan of %zu cells", cells);
        goto fail;
    }
    p->s_cap = (g->hi - g->lo) * 1.5;
    p->kfid = g->dx * g->dx / prm->h;
    if (prm->solver == AF_MM_SOLVER_OWN) {
        if (!(p->mf = af_mf_alloc(1024, 4096, err)))
            goto fail;
        af_mf_set_interrupt(p->mf, prm->interrupt);
    } else if (!(p->bk = af_bk_alloc(1024, 4096))) {
        af_error_set(err, AF_ENOMEM, "mm: out of memory for the BK graph");
        goto fail;
    }
    return p;
fail:
    af_mm_plan_free(p);
    return NULL;
}

/* ---- graph under construction ------------------------------------------ */

int mm_memo_levels(const af_mm_plan *p)
{
    /* blocks of 2^k <= 2r + 1 columns, k >= 1 */
    int k = 0;
    while ((2 << k) <= 2 * p->r + 1)
        k++;
    return k > 0 ? k : 1;
}

size_t mm_memo_entries(const af_mm_plan *p)
{
    /* block levels, 2r + 1 rows, n + 2r start columns (mm_plan.h) */
    return (size_t)mm_memo_levels(p) * (size_t)(2 * p->r + 1) * (size_t)(p->n + 2 * p->r);
}

void mm_nodes_ready(af_mm_plan *p)
{
    if (!p->node_ready) {
#pragma omp parallel for num_threads(af_threads_for_cells(p->cells)) schedule(static)
        for (size_t x = 0; x < p->cells; x++)
            p->node[x] = MM_NONE;
        p->node_ready = 1;
    }
}

/* Signed distance of ak into p->s, capped so that every cost is finite. */
void mm_prepare(af_mm_plan *p, const uint8_t *ak)
{
    af_dist_signed(p->dist, p->prm.sdist, ak, p->s);
#pragma omp parallel for num_threads(af_threads_for_cells(p->cells)) schedule(static)
    for (size_t x = 0; x < p->cells; x++) {
        if (p->s[x] > p->s_cap)
            p->s[x] = p->s_cap;
        if (p->s[x] < -p->s_cap)
            p->s[x] = -p->s_cap;
    }
}

/* Fidelity coefficient of u_x: (dx^2/h) rho sgn(s_k) |s_k|^p; at s_k = 0
 * the mask decides the side (it matters for p = 0).  The caller's linear
 * costs instead, in af_mm_plan_solve_linear. */
static inline double phi_of(const af_mm_plan *p, const uint8_t *ak, size_t x)
{
    if (p->phi_ext)
        return p->phi_ext[x];
    double s = p->s[x], pp = p->prm.p;
    double sg = s > 0 ? 1 : s < 0 ? -1 : (ak[x] ? -1 : 1);
    double mag = pp == 0 ? 1 : pp == 1 ? fabs(s) : pow(fabs(s), pp);
    return p->kfid * (p->rho0[x] + p->rho1[x]) * sg * mag;
}

/* The whole unary cost of u_x = 1: the linear part of Per_eps and phi. */
static inline double psi_of(const af_mm_plan *p, const uint8_t *ak, size_t x)
{
    return p->kper * (p->rho1[x] - p->rho0[x]) + phi_of(p, ak, x);
}

/* Neighbour k (0-3: 4-neighbours, 4-7: diagonals) of cell (i, j) within
 * the search box [i0, i1] x [j0, j1] (a torus: wrapped, always inside):
 * its index in *y and 1, or 0 when it lies outside the box. */
static inline int box_neighbour(int n, int per_grid, const int box[4], int i, int j, int k,
                                size_t *y)
{
    static const int di[8] = {1, -1, 0, 0, 1, 1, -1, -1}, dj[8] = {0, 0, 1, -1, 1, -1, 1, -1};
    int ii = i + di[k], jj = j + dj[k];
    if (per_grid) {
        ii = (ii + n) % n;
        jj = (jj + n) % n;
    } else if (ii < box[0] || ii > box[1] || jj < box[2] || jj > box[3]) {
        return 0;
    }
    *y = (size_t)jj * n + ii;
    return 1;
}

/* The parts of a set's energy (energy_of). */
typedef struct {
    double per_eps;  /* Per_eps(a) */
    double fidelity; /* sum phi (a - ak) */
    double area;     /* area of a */
} energy_parts;

/* E(a) - E(ak) + Per_eps(ak) = Per_eps(a) + sum phi (a - ak), with s_k of
 * the last mm_prepare(); the parts on request (parts may be NULL). */
static double energy_of(af_mm_plan *p, const uint8_t *ak, const uint8_t *a, energy_parts *parts)
{
    double fid = 0;
    for (size_t x = 0; x < p->cells; x++)
        if ((a[x] != 0) != (ak[x] != 0))
            fid += phi_of(p, ak, x) * ((int)(a[x] != 0) - (int)(ak[x] != 0));
    af_perimeter_value v;
    af_perimeter_eval(p->per, p->rho0, p->rho1, a, &v);
    double per = p->bweight[0] * v.per_eps; /* (1/m) sum_i Per_{eps_i}; 1 * Per_eps alone */
    for (int b = 1; b < p->nb; b++) {
        af_perimeter_value vb;
        af_perimeter_eval(p->bper[b], p->rho0, p->rho1, a, &vb);
        per += p->bweight[b] * vb.per_eps;
    }
    if (parts) {
        parts->per_eps = per;
        parts->fidelity = fid;
        parts->area = v.area;
    }
    return per + fid;
}

double mm_energy(af_mm_plan *p, const uint8_t *ak, const uint8_t *a, double *per_eps,
                 double *fidelity, double *area)
{
    energy_parts parts;
    double e = energy_of(p, ak, a, &parts);
    *per_eps = parts.per_eps;
    *fidelity = parts.fidelity;
    *area = parts.area;
    return e;
}

/* Global moves after the band solve.  The band fixes every cell outside
 * it, so it cannot see a minimiser that differs there: chiefly a component
 * that vanishes as a whole (a circle with r^2 of order h: the global
 * minimiser jumps to the empty set before the implicit step's radius
 * reaches zero), or a hole that closes.  Each component of the set
 * (8-neighbours) and each hole (a 4-connected component of the complement
 * that does not reach a clamped box edge) is a candidate; removing or
 * filling it changes the fidelity by dfid, and the perimeter cannot drop by
 * more than Per_eps(out), so only candidates with dfid < Per_eps(out) are
 * evaluated.  The best strict improvement is kept (ties follow the
 * selection: minimal removes and does not fill, maximal the opposite), and
 * the search repeats.  On a clamped grid only the bounding box of the set
 * (and one cell around it) is searched: outside it every cell is in the
 * exterior.  *energy and *parts (those of out on entry) follow the moves.
 * Returns the number of moves made, or -1 when interrupted (out is then
 * some mix of moves: the caller abandons the step). */
static int global_moves(af_mm_plan *p, const uint8_t *ak, uint8_t *out, double *energy,
                        energy_parts *parts)
{
    double per = parts->per_eps;
    int n = p->n, per_grid = p->g.edge == AF_EDGE_PERIODIC;
    int minimal = p->prm.selection == AF_SELECT_MINIMAL;
    int32_t *label = p->node; /* all MM_NONE outside a solve: free to use, restored below */
    int32_t *queue = p->queue;
    int moves = 0, stopped = 0;
    for (int round = 0; round < 8; round++) {
        /* search box */
        int i0 = 0, i1 = n - 1, j0 = 0, j1 = n - 1;
        if (!per_grid) {
            int bb[4];
            if (!af_grid_mask_bbox(&p->g, out, bb))
                break; /* empty set: nothing to remove, no hole */
            i0 = bb[0] > 0 ? bb[0] - 1 : 0;
            i1 = bb[1] < n - 1 ? bb[1] + 1 : n - 1;
            j0 = bb[2] > 0 ? bb[2] - 1 : 0;
            j1 = bb[3] < n - 1 ? bb[3] + 1 : n - 1;
        }
        const int box[4] = {i0, i1, j0, j1};
        double best = *energy;
        int best_val = -1;
        size_t best_seed = 0;
        for (int val = 1; val >= 0; val--) {
            int nb = val ? 8 : 4;
            for (int j = j0; j <= j1; j++)
                for (int i = i0; i <= i1; i++)
                    label[(size_t)j * n + i] = 0;
            for (int js = j0; js <= j1; js++)
                for (int is = i0; is <= i1; is++) {
                    size_t x0 = (size_t)js * n + is;
                    if ((out[x0] != 0) != val || label[x0])
                        continue;
                    /* flood fill one component; its cells are queue[0..tail) */
                    size_t head = 0, tail = 0;
                    int edge = 0;
                    double dfid = 0;
                    queue[tail++] = (int32_t)x0;
                    label[x0] = 1;
                    while (head < tail) {
                        int x = queue[head++], i = x % n, j = x / n;
                        dfid += (val ? -1 : 1) * phi_of(p, ak, (size_t)x);
                        for (int k = 0; k < nb; k++) {
                            size_t y;
                            if (!box_neighbour(n, per_grid, box, i, j, k, &y)) {
                                edge = 1; /* reaches the exterior */
                                continue;
                            }
                            if ((out[y] != 0) == val && !label[y]) {
                                label[y] = 1;
                                queue[tail++] = (int32_t)y;
                            }
                        }
                    }
                    if ((val == 0 && edge && !per_grid) || dfid >= per + 1e-12 * fabs(per) + 1e-300)
                        continue; /* the exterior, or it cannot pay */
                    if (mm_interrupted(p)) { /* each candidate costs a perimeter */
                        stopped = 1;
                        goto searched;
                    }
                    for (size_t k = 0; k < tail; k++)
                        out[queue[k]] = (uint8_t)!val;
                    double e = energy_of(p, ak, out, NULL);
                    for (size_t k = 0; k < tail; k++)
                        out[queue[k]] = (uint8_t)val;
                    double tol = 1e-12 * (fabs(e) + fabs(best));
                    /* removal (val = 1) wins ties for the minimal selection,
                     * filling (val = 0) for the maximal one */
                    int tie_ok = (val == 1) == minimal;
                    if (e < best - tol || (tie_ok && e <= best + tol && best_val < 0)) {
                        best = e;
                        best_val = val;
                        best_seed = x0; /* flooded again from here below */
                    }
                }
        }
    searched:
        for (int j = j0; j <= j1; j++)
            for (int i = i0; i <= i1; i++)
                label[(size_t)j * n + i] = MM_NONE;
        if (stopped)
            return -1;
        if (best_val < 0)
            break;
        /* flip the chosen component: flood it again from its seed, flipping
         * as it goes (a flipped cell no longer matches, so none is seen twice) */
        {
            int nb = best_val ? 8 : 4;
            size_t head = 0, tail = 0;
            queue[tail++] = (int32_t)best_seed;
            out[best_seed] = (uint8_t)!best_val;
            while (head < tail) {
                int x = queue[head++], i = x % n, j = x / n;
                for (int k = 0; k < nb; k++) {
                    size_t y;
                    if (box_neighbour(n, per_grid, box, i, j, k, &y) && (out[y] != 0) == best_val) {
                        out[y] = (uint8_t)!best_val;
                        queue[tail++] = (int32_t)y;
                    }
                }
            }
        }
        *energy = best;
        energy_of(p, ak, out, parts);
        per = parts->per_eps;
        moves++;
    }
    return moves;
}

/* psi of the mask step (mm_spec's callback; ctx = A_k). */
static double mask_psi(const af_mm_plan *p, const void *ctx, size_t x)
{
    return psi_of(p, ctx, x);
}

/* Build the graph for the band -w_in <= s_k / dx <= w_out in orientation v
 * (flip = 1: v = 1 - u), solve, and write the step's result u into out: the
 * solution on the band, A_k elsewhere.  AF_ENOMEM or AF_EINTR with err set. */
static af_status solve_band(af_mm_plan *p, const uint8_t *ak, int flip, double w_in, double w_out,
                      uint8_t *out, af_mm_stats *st, af_error *err)
{
    int full = p->prm.full_grid || (w_in >= 2.0 * p->n && w_out >= 2.0 * p->n);
    mm_band_set(p, ak, flip, w_in, w_out, full);
    mm_spec sp = {.flip = flip, .psi = mask_psi, .ctx = ak, .skip = {p->m1, p->m0}};
    int nvar;
    af_status s = mm_graph_build(p, &sp, &nvar, err);
    double flow;
    if (s != AF_OK || (s = mm_graph_solve(p, &flow, st, err)) != AF_OK)
        return s;
#pragma omp parallel for num_threads(af_threads_for_cells(p->cells)) schedule(static)
    for (size_t x = 0; x < p->cells; x++) {
        if (p->var[x]) {
            out[x] = (uint8_t)(mm_graph_side(p, p->node[x]) ^ flip);
            p->node[x] = MM_NONE;
        } else {
            out[x] = ak[x];
        }
    }
    if (st) {
        st->band_cells = nvar;
        st->nodes = p->nnodes;
        st->arcs = (long long)p->narcs + p->nnodes;
        st->flow = flow;
    }
    return AF_OK;
}

/* The mask step changed cell x (ctx: A_k and A_{k+1}). */
typedef struct {
    const uint8_t *in, *out;
} mask_pair;

static int mask_cell_changed(const af_mm_plan *p, const void *ctx, size_t x)
{
    (void)p;
    const mask_pair *m = ctx;
    return m->in[x] != m->out[x];
}

/* One step on the plan's own grid. */
static af_status step_grid(af_mm_plan *p, const uint8_t *in, uint8_t *out, af_mm_stats *st,
                           af_error *err)
{
    double t0 = mm_now_ms();
    p->last = p;
    mm_nodes_ready(p);
    af_mm_stats local;
    if (!st)
        st = &local;
    memset(st, 0, sizeof *st);
    if (!p->phi_ext)
        mm_prepare(p, in); /* s_k: the fidelity and the band need it */
    int flip = p->prm.selection == AF_SELECT_MINIMAL;
    /* The band reaches w_in cells into A_k and w_out cells out of it: what
     * the caller asked; on the first step what the boundary's curvature
     * predicts it moves (mm_estimate.c), later what the previous step
     * moved on each side, with room to spare.  A band the step outgrows is
     * widened and solved again (below), so only the cost depends on it. */
    double w_in = p->prm.band_cells, w_out = w_in;
    if (p->prm.band_cells <= 0 && p->w_in > 0) {
        w_in = p->w_in;
        w_out = p->w_out;
    } else if (p->prm.band_cells <= 0) {
        mm_first_band(p, in, &w_in, &w_out);
    }
    double full_w = 2.0 * p->n;
    /* The band is also local: where the boundary's curvature predicts less
     * motion than the widest (the flat side of an ellipse next to its
     * tips), it is thinner (mm_local_band).  A solution that reaches the
     * local band's edge is solved again on the uniform band. */
    p->band_allow = NULL;
    double floor_w;
    if (p->prm.band_cells <= 0 && !p->prm.full_grid && !p->phi_ext
        && mm_local_band(p, in, w_in, w_out, p->allow, &floor_w)) {
        p->band_allow = p->allow;
        p->band_floor = floor_w * p->g.dx;
    }
    for (;;) {
        if (mm_interrupted(p))
            return mm_interrupt_error(err);
        af_status s = solve_band(p, in, flip, w_in, w_out, out, st, err);
        if (s != AF_OK)
            return s;
        int full = p->prm.full_grid || (w_in >= full_w && w_out >= full_w);
        mask_pair mp = {in, out};
        int sides = full ? 0 : mm_band_touches_edge(p, p->var, mask_cell_changed, &mp);
        if (!sides)
            break;
        st->band_widenings++;
        if (p->band_allow) {
            /* the uniform band next; as wide as before, unless the solution
             * reached beyond that too (then widened at once: one solve) */
            p->band_allow = NULL;
            if (!(sides >>= 2))
                continue;
        }
        sides &= 3;
        /* Widen the side(s) the solution reached, by half and a few cells;
         * a side it did not reach shrinks to what it moved there with room
         * to spare (the solve is repeated anyway, and the repeat is the
         * largest graph of the step: on a run's first step, whose direction
         * is unknown, this keeps the side that does not move thin). */
        double shift[2];
        mm_band_moved(p, in, out, shift);
        w_in = sides & 1 ? 1.5 * w_in + 4 : fmin(w_in, 1.25 * shift[0] / p->g.dx + 3);
        w_out = sides & 2 ? 1.5 * w_out + 4 : fmin(w_out, 1.25 * shift[1] / p->g.dx + 3);
    }
    p->band_allow = NULL;
    st->band_width = w_in > w_out ? w_in : w_out;
    energy_parts parts;
    double e = energy_of(p, in, out, &parts);
    if (!p->prm.full_grid && !(w_in >= full_w && w_out >= full_w)
        && (st->global_moves = global_moves(p, in, out, &e, &parts)) < 0)
        return mm_interrupt_error(err);
    /* statistics and the energy of the result */
    double shift[2];
    st->changed = mm_band_moved(p, in, out, shift);
    st->energy = e;
    st->per_eps = parts.per_eps;
    st->fidelity = parts.fidelity;
    st->area = parts.area;
    st->max_shift = shift[0] > shift[1] ? shift[0] : shift[1];
    /* next band: this step's move on each side with a quarter and 3 cells
     * to spare; a side that did not move keeps 3 cells, enough to notice
     * motion (the solution then touches the edge and the band widens) */
    if (st->global_moves == 0) {
        p->w_in = 1.25 * shift[0] / p->g.dx + 3;
        p->w_out = 1.25 * shift[1] / p->g.dx + 3;
    }
    st->ms = mm_now_ms() - t0;
    return AF_OK;
}

static af_status step_grid_v(af_mm_plan *p, const void *in, void *out, af_mm_stats *st, af_error *err)
{
    return step_grid(p, in, out, st, err);
}

static int mask_inside(const void *in, size_t x) { return ((const uint8_t *)in)[x] != 0; }

static int mask_changed(const af_mm_plan *p, const void *in, const void *out, size_t x)
{
    (void)p;
    return ((const uint8_t *)in)[x] != ((const uint8_t *)out)[x];
}

af_status af_mm_plan_step(af_mm_plan *p, const uint8_t *in, uint8_t *out, af_mm_stats *st,
                          af_error *err)
{
    af_mm_stats local;
    if (!st)
        st = &local;
    if (p->is_child || p->prm.full_grid || p->g.edge == AF_EDGE_PERIODIC)
        return step_grid(p, in, out, st, err);
    int done;
    af_status s = mm_window_step(p, in, out, 1, mask_inside, mask_changed, step_grid_v, st, &done, err);
    if (s != AF_OK || done)
        return s;
    return step_grid(p, in, out, st, err);
}

af_status af_mm_plan_solve_linear(af_mm_plan *p, const double *c, const uint8_t *zero,
                                  uint8_t *out, af_mm_stats *st, af_error *err)
{
    if (!p->prm.full_grid)
        return af_error_set(err, AF_EINVAL, "mm: solve_linear needs a full-grid plan");
    /* With every cell a variable and no s_k, step_grid's band, widening and
     * global moves do not run; `zero` stands for A_k in the statistics,
     * and s_k = 0 for the shift statistics, which read it. */
    memset(p->s, 0, p->cells * sizeof *p->s);
    p->phi_ext = c;
    af_status s = step_grid(p, zero, out, st, err);
    p->phi_ext = NULL;
    return s;
}

double af_mm_plan_energy(af_mm_plan *p, const uint8_t *ak, const uint8_t *a, double *per_eps,
                         double *fidelity)
{
    mm_prepare(p, ak);
    energy_parts parts;
    double e = energy_of(p, ak, a, &parts);
    if (per_eps)
        *per_eps = parts.per_eps;
    if (fidelity)
        *fidelity = parts.fidelity;
    return e;
}

void af_mm_plan_get_state(const af_mm_plan *p, af_mm_plan_state *s)
{
    s->band_in = p->w_in;
    s->band_out = p->w_out;
    s->window = p->child ? p->child->n : p->window_hint;
}

af_status af_mm_plan_set_state(af_mm_plan *p, const af_mm_plan_state *s, af_error *err)
{
    if (!p || !s)
        return af_error_set(err, AF_EINVAL, "mm: plan and state must not be NULL");
    if (!(s->band_in >= 0) || !(s->band_out >= 0) || !isfinite(s->band_in) || !isfinite(s->band_out)
        || s->band_in > 4.0 * p->n || s->band_out > 4.0 * p->n)
        return af_error_set(err, AF_EINVAL, "mm: band reach %g / %g cells is not in [0, %d]",
                            s->band_in, s->band_out, 4 * p->n);
    if (s->window < 0 || s->window > p->n)
        return af_error_set(err, AF_EINVAL, "mm: window of %d cells is not in [0, %d]", s->window,
                            p->n);
    p->w_in = s->band_in;
    p->w_out = s->band_out;
    /* the next window is made afresh, at least this large */
    mm_window_drop(p);
    p->window_hint = s->window;
    p->last = p;
    return AF_OK;
}
