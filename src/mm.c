/* advflow: the exact minimizing-movements step (mm.h).  GPL-3.0-or-later.
 *
 * The energy of a step, in the unknown u = 1_A (one value per cell):
 *
 *   E(u) = sum_x psi(x) u_x + sum_x alpha_x max_{B(x)} u - sum_x beta_x min_{B(x)} u + const
 *
 *   alpha = rho0 dx^2 / w_B,  beta = rho1 dx^2 / w_B   (Per_eps, perimeter.h)
 *   psi   = (rho1 - rho0) dx^2 / w_B + (dx^2 / h) rho sgn(s_k) |s_k|^p
 *
 * The fidelity is written in the linear form of docs/theory.md section 2,
 * (1_A - 1_{A_k}) sgn(s_k) |s_k|^p, with the sign taken from s_k itself.  psi
 * is then antitone in A_k (nested masks have ordered signed distances), which
 * keeps the step monotone, and features too thin for the sub-cell distance
 * (whose sign says "outside" although the mask says inside) are removed as
 * they should be instead of being pinned by a huge |s_k|.
 *
 * Minimum cut (label 1 = source side).  max_{B(x)} u is an auxiliary node
 * z_x >= u_y for y in B(x) (infinite arcs y -> z_x) with cost alpha on z = 1;
 * -min_{B(x)} u is w_x <= u_y (infinite arcs w_x -> y) with cost beta on
 * w = 0.  The ball is a union of chords (ball.h): "u_y for y in B(x)" becomes
 * one segment node per chord, and segment nodes of half-width w are built
 * from two of half-width w - 1 (running maxima / minima along rows), so a
 * cell costs O(r) nodes and arcs instead of O(r^2).
 *
 * Selection.  Our solver returns the maximal minimum-cut source set.  For
 * the maximal minimiser the graph is built in u; for the minimal one in
 * v = 1 - u, where the energy reads sum -psi v + sum beta max v - sum alpha
 * min v + const: the same form with psi negated and alpha, beta swapped.
 * The builder below works on "v" and the orientation is chosen per step.
 *
 * Band.  Only cells with -w_in <= s_k / dx <= w_out are variables; the others
 * keep their value.  The reach on each side follows what the previous step
 * moved there.  A term whose ball meets a fixed cell of value 1 (max) or 0 (min)
 * is constant and gets no node; otherwise the fixed cells of its ball do not
 * affect it, so segments run over variable cells only and a segment with one
 * variable child is that child (no node).  If a changed cell touches a fixed
 * cell of finite |s_k| the band grows on that side and the step is solved
 * again.
 */
#include "advflow/mm.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "advflow/density.h"
#include "advflow/morph.h"
#include "advflow/perimeter.h"
#include "bk.h"
#include "mf.h"
#include "mm_internal.h"

#define UNKNOWN (-2) /* memo: segment node not computed yet */
/* Band reach (cells) of a run's first step, each way: the ball and a few
 * cells.  A step that moves farther widens its band (and is solved again);
 * starting narrow keeps the first step's graph, the largest of a run, small. */
#define FIRST_BAND(p) ((p)->r + 4.0)
#define NONE (-1)    /* no variable cell in the segment */

struct af_mm_plan {
    af_grid g;
    af_mm_params prm;
    int n;
    size_t cells;
    const double *rho0, *rho1; /* the caller's (kept by reference), or a child's own window copies */
    double *own_rho0, *own_rho1; /* a child's window copies (NULL for a top plan) */
    af_perimeter *per;    /* owns the ball; energy reporting */
    const af_ball *ball;
    int r;                /* the ball's reach in cells, cut to n - 1 on a clamped grid */
    int *half;            /* half[dj + r]: the ball's chord half-widths, cut likewise */
    af_morph_work *morph;
    af_dist_work *dist;
    double s_cap;         /* |s_k| is capped here (box diagonal): finite costs */
    double *s;            /* signed distance of A_k, length units, capped */
    double kper, kfid;    /* dx^2 / w_B and dx^2 / h */
    int32_t *queue;       /* flood fill (global moves) */
    uint8_t *var;         /* band: 1 for variable cells */
    uint8_t *fix1, *fix0; /* fixed cells of value 1 / 0 (in v) */
    uint8_t *m1, *m0;     /* their dilations: where max / min terms are constant */
    uint8_t *reach;       /* dilation of the band: cells whose terms may vary */
    int32_t *node;        /* node of a variable cell, NONE elsewhere */
    int32_t *memo[2];     /* [kind] segment nodes of half-width w = 1..r for the 2r + 1
                           * rows around the row being swept (a ring: slot = row mod
                           * 2r + 1), n + 2r entries each: centres -r .. n - 1 + r, since
                           * a segment centred beyond a clamped edge still covers cells
                           * (without its memo entry it would be built again for every
                           * term that asks, and its children too: a blow-up that grows
                           * exponentially with r along the grid's and window's edges) */
    /* graph under construction */
    int nnodes;
    size_t cap_nodes;
    double *tw_real;          /* real unary cost of label 1 per node (> 0: sink arc, < 0: source arc) */
    size_t narcs, cap_arcs;
    int32_t *arc_from, *arc_to; /* infinite arcs from -> to (reverse 0), kept here for
                                 * BK only: our solver takes them as they come */
    af_mf *mf;
    af_bk *bk;
    const double *phi_ext; /* af_mm_plan_solve_linear's costs in place of the fidelity
                            * (NULL for a step); set only during that call */
    double w_in, w_out;   /* band reach inside / outside A_k for the next step, cells (0: unset) */
    double scale;         /* real cost -> integer capacity, last solve */
    /* Window (clamped grids): the step runs on a square sub-grid around the
     * set, a plan of its own (child), so that its cost follows the set and
     * not the box.  last is the plan whose graph was solved last. */
    int is_child;
    int node_ready;       /* node[] holds NONE everywhere (set on first use: a
                           * plan that always steps through its window never
                           * touches its own full-grid arrays) */
    af_mm_plan *child;
    uint8_t *win_in, *win_out; /* child-sized copies of A_k and A_{k+1} */
    const af_mm_plan *last;
};

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
    /* s, queue, node (16), six masks (6), morphology, distance and
     * perimeter workspaces (about 64) */
    double bytes = cells * 86;
    bytes += 2.0 * fmax(r, 1) * (2 * r + 1) * (n + 2 * r) * sizeof(int32_t); /* memo */
    if (prm->full_grid)
        bytes += cells * ((2 * r + 3) * 72 + (10 * r + 7) * 40);
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
    free(p->node);
    free(p->memo[0]);
    free(p->memo[1]);
    free(p->tw_real);
    free(p->arc_from);
    free(p->arc_to);
    af_mf_free(p->mf);
    af_bk_free(p->bk);
    free(p);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return 1e3 * ts.tv_sec + 1e-6 * ts.tv_nsec;
}

static af_mm_plan *plan_new(const af_grid *g, const af_mm_params *prm, af_error *err);

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
    if (prm->solver != AF_MM_SOLVER_OWN && prm->solver != AF_MM_SOLVER_BK) {
        af_error_set(err, AF_EINVAL, "mm: unknown solver %d", (int)prm->solver);
        return NULL;
    }
    if (af_density_check(g, rho0, "mm: rho0", err) != AF_OK
        || af_density_check(g, rho1, "mm: rho1", err) != AF_OK)
        return NULL;
    af_mm_plan *p = plan_new(g, prm, err);
    if (p) {
        p->rho0 = rho0;
        p->rho1 = rho1;
    }
    return p;
}

/* The plan for checked arguments, without its densities: create points them
 * at the caller's, the window's child at copies of its own. */
static af_mm_plan *plan_new(const af_grid *g, const af_mm_params *prm, af_error *err)
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
    p->s = malloc(cells * sizeof(double));
    p->queue = malloc(cells * sizeof(int32_t));
    p->var = malloc(cells);
    p->fix1 = malloc(cells);
    p->fix0 = malloc(cells);
    p->m1 = malloc(cells);
    p->m0 = malloc(cells);
    p->reach = malloc(cells);
    p->node = malloc(cells * sizeof(int32_t));
    size_t layers = (size_t)(p->r > 0 ? p->r : 1) * (size_t)(2 * p->r + 1) * (size_t)(p->n + 2 * p->r);
    p->memo[0] = malloc(layers * sizeof(int32_t));
    p->memo[1] = malloc(layers * sizeof(int32_t));
    if (!p->s || !p->queue || !p->var || !p->fix1 || !p->fix0
        || !p->m1 || !p->m0 || !p->reach || !p->node || !p->memo[0] || !p->memo[1]) {
        af_error_set(err, AF_ENOMEM, "mm: out of memory for a plan of %zu cells", cells);
        goto fail;
    }
    p->s_cap = (g->hi - g->lo) * 1.5;
    p->kper = g->dx * g->dx / (prm->eps * af_ball_width_ratio(p->ball));
    p->kfid = g->dx * g->dx / prm->h;
    if (prm->solver == AF_MM_SOLVER_OWN) {
        if (!(p->mf = af_mf_alloc(1024, 4096, err)))
            goto fail;
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

/* Grow an array to hold at least `need` elements (doubling). */
static int grow(void **a, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 1024;
    while (c < need)
        c *= 2;
    void *q = realloc(*a, c * elem);
    if (!q)
        return -1;
    *a = q;
    *cap = c;
    return 0;
}

/* New node with real unary cost `cost` on label 1 (negative: reward). */
static int new_node(af_mm_plan *p, double cost)
{
    if (p->nnodes == INT_MAX || grow((void **)&p->tw_real, &p->cap_nodes, (size_t)p->nnodes + 1, sizeof(double)))
        return -1;
    p->tw_real[p->nnodes] = cost;
    return p->nnodes++;
}

/* Infinite arc a -> b. */
static int inf_arc(af_mm_plan *p, int a, int b)
{
    if (p->mf) {
        p->narcs++;
        return af_mf_arc(p->mf, a, b, AF_MF_INF, 0, NULL) == AF_OK ? 0 : -1;
    }
    if (p->narcs == p->cap_arcs) {
        size_t c = p->cap_arcs ? 2 * p->cap_arcs : 4096;
        int32_t *f = realloc(p->arc_from, c * sizeof *f);
        if (!f)
            return -1;
        p->arc_from = f;
        int32_t *t = realloc(p->arc_to, c * sizeof *t);
        if (!t)
            return -1;
        p->arc_to = t;
        p->cap_arcs = c;
    }
    p->arc_from[p->narcs] = a;
    p->arc_to[p->narcs] = b;
    p->narcs++;
    return 0;
}

/* Column index for a segment centre or cell: wrapped on a torus; on a
 * clamped grid returned as is (callers test the range). */
static inline int wrap(const af_mm_plan *p, int i)
{
    if (p->g.edge == AF_EDGE_PERIODIC) {
        int n = p->n;
        i %= n;
        return i < 0 ? i + n : i;
    }
    return i;
}

/* Memo entry of the segment of half-width w >= 1 centred at column i
 * (-r <= i <= n - 1 + r) of the row whose unwrapped index is ju (rows are
 * unwrapped so that the 2r + 1 rows in use have distinct slots even across
 * a periodic seam). */
static inline int32_t *memo_at(af_mm_plan *p, int kind, int w, int i, int ju)
{
    int R = 2 * p->r + 1, slot = ((ju % R) + R) % R;
    return p->memo[kind] + ((size_t)(w - 1) * R + slot) * (size_t)(p->n + 2 * p->r) + (i + p->r);
}

/* Forget the memo of the slot that unwrapped row ju is about to use, in
 * centre columns i0 .. i1 (the only ones the sweep asks for). */
static void memo_clear_row(af_mm_plan *p, int ju, int i0, int i1)
{
    for (int kind = 0; kind < 2; kind++)
        for (int w = 1; w <= p->r; w++) {
            int32_t *m = memo_at(p, kind, w, 0, ju);
            for (int i = i0; i <= i1; i++)
                m[i] = UNKNOWN;
        }
}

/* Node holding max (kind 0) or min (kind 1) of v over the variable cells of
 * row j (unwrapped index ju), columns i - w .. i + w; NONE when there are
 * none; -3 on failure.  Segment nodes of width w come from those of width
 * w - 1 centred at i - 1 and i + 1 (and the cell i itself when w = 1); a
 * segment whose parts are one node is that node. */
static int seg_node(af_mm_plan *p, int kind, int w, int i, int j, int ju)
{
    int n = p->n;
    i = wrap(p, i);
    if (w == 0)
        return (i >= 0 && i < n) ? p->node[(size_t)j * n + i] : NONE;
    if (i + w < 0 || i - w > n - 1)
        return NONE;
    /* a centre beyond a clamped edge is within w <= r of it (else NONE above) */
    int32_t *memo = memo_at(p, kind, w, i, ju);
    if (*memo != UNKNOWN)
        return *memo;
    /* [i-w, i+w] is covered by the half-width w-1 segments at i-1 and i+1
     * when w >= 2; for w = 1 those are single cells and cell i is added. */
    int child[3], nc = 0;
    for (int k = 0; k < 3; k++) {
        if (k == 1 && w > 1)
            continue;
        int c = seg_node(p, kind, w - 1, i - 1 + k, j, ju);
        if (c < -1)
            return c;
        int dup = c == NONE;
        for (int q = 0; q < nc && !dup; q++)
            dup = child[q] == c;
        if (!dup)
            child[nc++] = c;
    }
    int res = nc == 0 ? NONE : child[0];
    if (nc > 1) {
        res = new_node(p, 0);
        if (res < 0)
            return -3;
        /* max: children <= res (arc child -> res); min: res <= children */
        for (int q = 0; q < nc; q++)
            if (kind == 0 ? inf_arc(p, child[q], res) : inf_arc(p, res, child[q]))
                return -3;
    }
    *memo = res;
    return res;
}

/* The term cost * max (kind 0) or -cost * min (kind 1) of v over the ball
 * around (i, j): an auxiliary node above (max) or below (min) one segment
 * node per chord.  When only one chord holds variable cells, the max or min
 * is that chord's node itself and the cost goes on it: no auxiliary node
 * (common along the band's edges).  Returns 0 or -1 (out of memory). */
static int add_term(af_mm_plan *p, int kind, double cost, int i, int j)
{
    int n = p->n, r = p->r, first = NONE, aux = NONE;
    for (int dj = -r; dj <= r; dj++) {
        int jj = j + dj;
        if (p->g.edge == AF_EDGE_PERIODIC)
            jj = ((jj % n) + n) % n;
        else if (jj < 0 || jj >= n)
            continue;
        int node = seg_node(p, kind, p->half[dj + r], i, jj, j + dj);
        if (node < -1)
            return -1;
        if (node == NONE || node == first)
            continue;
        if (first == NONE) {
            first = node;
            continue;
        }
        if (aux == NONE) { /* a second chord: now the auxiliary node is needed */
            aux = new_node(p, kind == 0 ? cost : -cost); /* max: cost on z = 1; min: on w = 0 */
            if (aux < 0 || (kind == 0 ? inf_arc(p, first, aux) : inf_arc(p, aux, first)))
                return -1;
        }
        if (kind == 0 ? inf_arc(p, node, aux) : inf_arc(p, aux, node))
            return -1;
    }
    if (aux == NONE && first != NONE)
        p->tw_real[first] += kind == 0 ? cost : -cost;
    return 0;
}

/* Signed distance of ak into p->s, capped so that every cost is finite. */
static void prepare(af_mm_plan *p, const uint8_t *ak)
{
    af_dist_signed(p->dist, p->prm.sdist, ak, p->s);
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

/* Build the graph for the band -w_in <= s_k / dx <= w_out in orientation v (flip = 1:
 * v = 1 - u), solve, and write the step's result u into out: the solution
 * on the band, A_k elsewhere.  Returns 0, or -1 with err set. */
static int solve_band(af_mm_plan *p, const uint8_t *ak, int flip, double w_in, double w_out,
                      uint8_t *out, af_mm_stats *st, af_error *err)
{
    const af_grid *g = &p->g;
    size_t cells = p->cells;
    int n = p->n;
    double lim_in = -w_in * g->dx, lim_out = w_out * g->dx;
    double kper = p->kper;
    int full = p->prm.full_grid || (w_in >= 2.0 * n && w_out >= 2.0 * n);

    /* band, fixed cells in v, and where terms are constant */
    for (size_t x = 0; x < cells; x++) {
        uint8_t v = ak[x] ^ (uint8_t)flip;
        p->var[x] = full || (p->s[x] >= lim_in && p->s[x] <= lim_out);
        p->fix1[x] = !p->var[x] && v;
        p->fix0[x] = !p->var[x] && !v;
    }
    af_morph_dilate(p->morph, p->fix1, p->m1);
    af_morph_dilate(p->morph, p->fix0, p->m0);
    af_morph_dilate(p->morph, p->var, p->reach);

    p->nnodes = 0;
    p->narcs = 0;
    if (p->mf && af_mf_begin(p->mf, 0, err) != AF_OK)
        return -1;
    int nvar = 0;
    for (size_t x = 0; x < cells; x++) {
        if (p->var[x]) {
            double psi = psi_of(p, ak, x);
            int id = new_node(p, flip ? -psi : psi);
            if (id < 0)
                goto nomem;
            p->node[x] = id;
            nvar++;
        }
    }
    /* terms: alpha = rho0 kper on max u, beta = rho1 kper on -min u; in v
     * (flip) the max term of v carries beta and the min term alpha. */
    const double *wmax = flip ? p->rho1 : p->rho0, *wmin = flip ? p->rho0 : p->rho1;
    /* sweep the rows and columns where terms may vary (on a torus: all) */
    int rj0 = 0, rj1 = n - 1, ri0 = 0, ri1 = n - 1;
    if (g->edge != AF_EDGE_PERIODIC) {
        int box[4];
        af_grid_mask_bbox(&p->g, p->reach, box);
        ri0 = box[0];
        ri1 = box[1];
        rj0 = box[2];
        rj1 = box[3];
    }
    /* segment centres asked for lie within r columns of a swept cell (on a
     * torus they are wrapped into the grid) */
    int ci0 = ri0 - p->r, ci1 = ri1 + p->r;
    if (g->edge == AF_EDGE_PERIODIC) {
        ci0 = ci0 < 0 ? 0 : ci0;
        ci1 = ci1 > n - 1 ? n - 1 : ci1;
    }
    for (int ju = rj0 - p->r; ju <= rj0 + p->r; ju++)
        memo_clear_row(p, ju, ci0, ci1);
    for (int j = rj0; j <= rj1; j++) {
        if (j > rj0)
            memo_clear_row(p, j + p->r, ci0, ci1); /* its slot held row j - r - 1 */
        for (int i = ri0; i <= ri1; i++) {
            size_t x = (size_t)j * n + i;
            if (!p->reach[x])
                continue;
            if (wmax[x] > 0 && !p->m1[x] && add_term(p, 0, kper * wmax[x], i, j))
                goto nomem;
            if (wmin[x] > 0 && !p->m0[x] && add_term(p, 1, kper * wmin[x], i, j))
                goto nomem;
        }
    }

    /* scale real costs to integers: the sum of all finite capacities stays
     * below 2^52, exact in double for BK as well */
    double total = 0;
    for (int k = 0; k < p->nnodes; k++)
        total += fabs(p->tw_real[k]);
    double scale = total > 0 ? ldexp(1.0, 52) / total : 1;
    p->scale = scale;
    double t0 = now_ms();
    double flow = 0;
    if (p->nnodes == 0) {
        /* nothing can change */
    } else if (p->mf) {
        /* the arcs are in already; now the nodes and their terminals */
        if (af_mf_set_nodes(p->mf, p->nnodes, err) != AF_OK)
            return -1;
        for (int k = 0; k < p->nnodes; k++) {
            af_cap c = (af_cap)llround(fabs(p->tw_real[k]) * scale);
            if (c)
                af_mf_tweight(p->mf, k, p->tw_real[k] < 0 ? c : 0, p->tw_real[k] > 0 ? c : 0);
        }
        af_cap f;
        if (af_mf_solve(p->mf, &f, err) != AF_OK)
            return -1;
        flow = (double)f / scale;
    } else {
        af_bk_reset(p->bk);
        af_bk_add_nodes(p->bk, p->nnodes);
        for (int k = 0; k < p->nnodes; k++) {
            double c = (double)llround(fabs(p->tw_real[k]) * scale);
            if (c != 0)
                af_bk_add_tweights(p->bk, k, p->tw_real[k] < 0 ? c : 0, p->tw_real[k] > 0 ? c : 0);
        }
        /* "infinite": more than every finite capacity together */
        double inf = ldexp(1.0, 53);
        for (size_t a = 0; a < p->narcs; a++)
            af_bk_add_edge(p->bk, p->arc_from[a], p->arc_to[a], inf, 0);
        flow = af_bk_solve(p->bk) / scale;
    }
    double t1 = now_ms();

    for (size_t x = 0; x < cells; x++) {
        if (p->var[x]) {
            int id = p->node[x];
            int v = p->mf ? af_mf_source_side(p->mf, id) : af_bk_in_source(p->bk, id, 1);
            out[x] = (uint8_t)(v ^ flip);
            p->node[x] = NONE;
        } else {
            out[x] = ak[x];
        }
    }
    if (st) {
        st->band_cells = nvar;
        st->nodes = p->nnodes;
        st->arcs = (long long)p->narcs + p->nnodes;
        st->flow = flow;
        st->solve_ms += t1 - t0;
    }
    return 0;
nomem:
    for (size_t x = 0; x < cells; x++)
        p->node[x] = NONE;
    af_error_set(err, AF_ENOMEM, "mm: out of memory while building the step graph (%d nodes, %zu arcs)",
                 p->nnodes, p->narcs);
    return -1;
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

/* Does a changed cell touch a fixed cell that could have changed (finite
 * |s_k|)?  Then the band may have cut the true minimiser off on that side.
 * Returns 1 for the inside (s_k < 0), 2 for the outside, 3 for both, 0. */
static int touches_edge(const af_mm_plan *p, const uint8_t *ak, const uint8_t *out)
{
    int n = p->n, per = p->g.edge == AF_EDGE_PERIODIC, sides = 0;
    const int grid[4] = {0, n - 1, 0, n - 1};
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            size_t x = (size_t)j * n + i;
            if (out[x] == ak[x])
                continue;
            for (int k = 0; k < 4; k++) {
                size_t y;
                if (!box_neighbour(n, per, grid, i, j, k, &y))
                    continue;
                if (!p->var[y] && fabs(p->s[y]) < p->s_cap)
                    sides |= p->s[y] < 0 ? 1 : 2;
            }
        }
    return sides;
}

/* Cells where out differs from in (A_k), and in shift[0] / shift[1] the
 * largest |s_k| among them inside / outside A_k (s_k <= 0 / > 0), in length
 * units; 0 where none changed. */
static int moved(const af_mm_plan *p, const uint8_t *in, const uint8_t *out, double shift[2])
{
    int changed = 0;
    shift[0] = shift[1] = 0;
    for (size_t x = 0; x < p->cells; x++)
        if (out[x] != in[x]) {
            changed++;
            int side = p->s[x] > 0;
            double d = fabs(p->s[x]);
            if (d > shift[side])
                shift[side] = d;
        }
    return changed;
}

/* The parts of a set's energy (energy_of). */
typedef struct {
    double per_eps;  /* Per_eps(a) */
    double fidelity; /* sum phi (a - ak) */
    double area;     /* area of a */
} energy_parts;

/* E(a) - E(ak) + Per_eps(ak) = Per_eps(a) + sum phi (a - ak), with s_k of
 * the last prepare(); the parts on request (parts may be NULL). */
static double energy_of(af_mm_plan *p, const uint8_t *ak, const uint8_t *a, energy_parts *parts)
{
    double fid = 0;
    for (size_t x = 0; x < p->cells; x++)
        if ((a[x] != 0) != (ak[x] != 0))
            fid += phi_of(p, ak, x) * ((int)(a[x] != 0) - (int)(ak[x] != 0));
    af_perimeter_value v;
    af_perimeter_eval(p->per, p->rho0, p->rho1, a, &v);
    if (parts) {
        parts->per_eps = v.per_eps;
        parts->fidelity = fid;
        parts->area = v.area;
    }
    return v.per_eps + fid;
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
 * Returns the number of moves made. */
static int global_moves(af_mm_plan *p, const uint8_t *ak, uint8_t *out, double *energy,
                        energy_parts *parts)
{
    double per = parts->per_eps;
    int n = p->n, per_grid = p->g.edge == AF_EDGE_PERIODIC;
    int minimal = p->prm.selection == AF_SELECT_MINIMAL;
    int32_t *label = p->node; /* all NONE outside a solve: free to use, restored below */
    int32_t *queue = p->queue;
    int moves = 0;
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
        for (int j = j0; j <= j1; j++)
            for (int i = i0; i <= i1; i++)
                label[(size_t)j * n + i] = NONE;
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

/* One step on the plan's own grid. */
static af_status step_grid(af_mm_plan *p, const uint8_t *in, uint8_t *out, af_mm_stats *st,
                           af_error *err)
{
    double t0 = now_ms();
    p->last = p;
    if (!p->node_ready) {
        for (size_t x = 0; x < p->cells; x++)
            p->node[x] = NONE;
        p->node_ready = 1;
    }
    af_mm_stats local;
    if (!st)
        st = &local;
    memset(st, 0, sizeof *st);
    if (!p->phi_ext)
        prepare(p, in); /* s_k: the fidelity and the band need it */
    int flip = p->prm.selection == AF_SELECT_MINIMAL;
    /* The band reaches w_in cells into A_k and w_out cells out of it: on the
     * first step FIRST_BAND (or what the caller asked), later what the
     * previous step moved on each side, with room to spare. */
    double w_in = p->prm.band_cells > 0 ? p->prm.band_cells : FIRST_BAND(p), w_out = w_in;
    if (p->prm.band_cells <= 0 && p->w_in > 0) {
        w_in = p->w_in;
        w_out = p->w_out;
    }
    double full_w = 2.0 * p->n;
    for (;;) {
        if (solve_band(p, in, flip, w_in, w_out, out, st, err))
            return err ? err->status : AF_ENOMEM;
        int full = p->prm.full_grid || (w_in >= full_w && w_out >= full_w);
        int sides = full ? 0 : touches_edge(p, in, out);
        if (!sides)
            break;
        /* Widen the side(s) the solution reached, by half and a few cells;
         * a side it did not reach shrinks to what it moved there with room
         * to spare (the solve is repeated anyway, and the repeat is the
         * largest graph of the step: on a run's first step, whose direction
         * is unknown, this keeps the side that does not move thin). */
        double shift[2];
        moved(p, in, out, shift);
        w_in = sides & 1 ? 1.5 * w_in + 4 : fmin(w_in, 1.25 * shift[0] / p->g.dx + 3);
        w_out = sides & 2 ? 1.5 * w_out + 4 : fmin(w_out, 1.25 * shift[1] / p->g.dx + 3);
        st->band_widenings++;
    }
    st->band_width = w_in > w_out ? w_in : w_out;
    energy_parts parts;
    double e = energy_of(p, in, out, &parts);
    if (!p->prm.full_grid && !(w_in >= full_w && w_out >= full_w))
        st->global_moves = global_moves(p, in, out, &e, &parts);
    /* statistics and the energy of the result */
    double shift[2];
    st->changed = moved(p, in, out, shift);
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
    st->ms = now_ms() - t0;
    return AF_OK;
}

/* Copy the window [i0, i0 + m) x [j0, j0 + m) of a full-grid field into a
 * child-sized one (elem bytes per cell), or back (to_full). */
static void window_copy(const af_mm_plan *p, int i0, int j0, int m, void *full, void *win,
                        size_t elem, int to_full)
{
    for (int j = 0; j < m; j++) {
        char *f = (char *)full + ((size_t)(j0 + j) * p->n + i0) * elem;
        char *w = (char *)win + (size_t)j * m * elem;
        if (to_full)
            memcpy(f, w, (size_t)m * elem);
        else
            memcpy(w, f, (size_t)m * elem);
    }
}

/* The child plan for windows of side m (made or remade only when the set
 * needs a larger window than any before). */
static af_status child_for(af_mm_plan *p, int m, af_error *err)
{
    if (p->child && p->child->n >= m)
        return AF_OK;
    af_mm_plan_free(p->child);
    free(p->win_in);
    free(p->win_out);
    p->child = NULL;
    p->win_in = p->win_out = NULL;
    af_grid cg;
    /* only dx matters to the step: coordinates never enter it */
    af_status s = af_grid_init(&cg, 2, m, 0, m * p->g.dx, AF_EDGE_CLAMP, err);
    if (s != AF_OK)
        return s;
    cg.dx = p->g.dx;
    /* the parent's parameters are checked; the window's densities are copied
     * in before every step */
    if (!(p->child = plan_new(&cg, &p->prm, err)))
        return err ? err->status : AF_ENOMEM;
    p->child->is_child = 1;
    p->child->own_rho0 = malloc((size_t)m * m * sizeof(double));
    p->child->own_rho1 = malloc((size_t)m * m * sizeof(double));
    p->child->rho0 = p->child->own_rho0;
    p->child->rho1 = p->child->own_rho1;
    p->win_in = malloc((size_t)m * m);
    p->win_out = malloc((size_t)m * m);
    if (!p->win_in || !p->win_out || !p->child->own_rho0 || !p->child->own_rho1)
        return af_error_set(err, AF_ENOMEM, "mm: out of memory for a %d^2 window", m);
    return AF_OK;
}

af_status af_mm_plan_step(af_mm_plan *p, const uint8_t *in, uint8_t *out, af_mm_stats *st,
                          af_error *err)
{
    af_mm_stats local;
    if (!st)
        st = &local;
    int n = p->n;
    if (p->is_child || p->prm.full_grid || p->g.edge == AF_EDGE_PERIODIC)
        return step_grid(p, in, out, st, err);
    double t0 = now_ms();
    /* The set's bounding box; an empty set stays empty (adding a cell costs
     * its capped fidelity). */
    int bb[4];
    if (!af_grid_mask_bbox(&p->g, in, bb))
        return step_grid(p, in, out, st, err);
    int bi0 = bb[0], bi1 = bb[1], bj0 = bb[2], bj1 = bb[3];
    /* Margin: the band's reach with room for widening, and two balls (the
     * band's terms reach one ball out, and their balls one more). */
    double w = p->w_in > p->w_out ? p->w_in : p->w_out;
    if (w < FIRST_BAND(p) || p->prm.band_cells > 0)
        w = p->prm.band_cells > 0 ? p->prm.band_cells : FIRST_BAND(p);
    int margin = (int)ceil(2.5 * w) + 2 * p->r + 8;
    int bw = bi1 - bi0 + 1, bh = bj1 - bj0 + 1;
    int need = (bw > bh ? bw : bh) + 2 * margin;
    if (need > (3 * n) / 4)
        return step_grid(p, in, out, st, err); /* no gain: the box itself */
    af_status s = child_for(p, need + need / 16 < n ? need + need / 16 : n, err);
    if (s != AF_OK)
        return s;
    af_mm_plan *c = p->child;
    int m = c->n;
    int i0 = (bi0 + bi1) / 2 - m / 2, j0 = (bj0 + bj1) / 2 - m / 2;
    i0 = i0 < 0 ? 0 : i0 > n - m ? n - m : i0;
    j0 = j0 < 0 ? 0 : j0 > n - m ? n - m : j0;
    window_copy(p, i0, j0, m, (void *)in, p->win_in, 1, 0);
    window_copy(p, i0, j0, m, (void *)p->rho0, c->own_rho0, sizeof(double), 0);
    window_copy(p, i0, j0, m, (void *)p->rho1, c->own_rho1, sizeof(double), 0);
    c->w_in = p->w_in;
    c->w_out = p->w_out;
    if ((s = step_grid(c, p->win_in, p->win_out, st, err)) != AF_OK)
        return s;
    /* A change near an edge of the window that is not the box's edge means
     * the window cut something off: solve on the whole grid instead. */
    int guard = 2 * p->r + 2;
    for (int j = 0; j < m; j++)
        for (int i = 0; i < m; i++) {
            size_t x = (size_t)j * m + i;
            if (p->win_out[x] == p->win_in[x])
                continue;
            if ((i < guard && i0 > 0) || (j < guard && j0 > 0) || (i >= m - guard && i0 + m < n)
                || (j >= m - guard && j0 + m < n))
                return step_grid(p, in, out, st, err);
        }
    memcpy(out, in, p->cells); /* outside the window nothing is set, nothing changes */
    window_copy(p, i0, j0, m, out, p->win_out, 1, 1);
    p->w_in = c->w_in;
    p->w_out = c->w_out;
    p->last = c;
    st->ms = now_ms() - t0;
    return AF_OK;
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
    prepare(p, ak);
    energy_parts parts;
    double e = energy_of(p, ak, a, &parts);
    if (per_eps)
        *per_eps = parts.per_eps;
    if (fidelity)
        *fidelity = parts.fidelity;
    return e;
}

int af_mm_plan_dump_dimacs(const af_mm_plan *p, FILE *f)
{
    if (p->last && p->last != p)
        return af_mm_plan_dump_dimacs(p->last, f);
    size_t nt = 0;
    for (int k = 0; k < p->nnodes; k++)
        nt += llround(fabs(p->tw_real[k]) * p->scale) != 0;
    if (fprintf(f, "c advflow step graph\np max %d %zu\nn 1 s\nn 2 t\n", p->nnodes + 2,
                nt + p->narcs) < 0)
        return -1;
    for (int k = 0; k < p->nnodes; k++) {
        long long c = llround(fabs(p->tw_real[k]) * p->scale);
        if (c && fprintf(f, p->tw_real[k] < 0 ? "a 1 %d %lld\n" : "a %d 2 %lld\n", k + 3, c) < 0)
            return -1;
    }
    af_mm_graph gr;
    af_mm_plan_last_graph(p, &gr);
    for (size_t a = 0; a < gr.arcs; a++)
        if (fprintf(f, "a %d %d %lld\n", gr.from[a] + 3, gr.to[a] + 3, (long long)AF_MF_INF) < 0)
            return -1;
    return 0;
}

void af_mm_plan_last_graph(const af_mm_plan *p, af_mm_graph *out)
{
    if (p->last && p->last != p) {
        af_mm_plan_last_graph(p->last, out);
        return;
    }
    out->nodes = p->nnodes;
    out->unary = p->tw_real;
    out->scale = p->scale;
    if (p->mf) {
        af_mf_arcs(p->mf, &out->from, &out->to, &out->arcs);
    } else {
        out->arcs = p->narcs;
        out->from = p->arc_from;
        out->to = p->arc_to;
    }
}
