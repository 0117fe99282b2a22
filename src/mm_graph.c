/* advflow: the minimizing-movements step's graph construction (mm_plan.h).
 * GPL-3.0-or-later.
 *
 * The energy of a step, in the unknown u = 1_A (one value per cell):
 *
 *   E(u) = sum_x psi(x) u_x + sum_x alpha_x max_{B(x)} u - sum_x beta_x min_{B(x)} u + const
 *
 *   alpha = rho0 dx^2 / w_B,  beta = rho1 dx^2 / w_B   (Per_eps, perimeter.h)
 *
 * and psi the linear part of Per_eps plus the fidelity (mm.c, mm_levelset.c).
 *
 * Minimum cut (label 1 = source side).  max_{B(x)} u is an auxiliary node
 * z_x >= u_y for y in B(x) (infinite arcs y -> z_x) with cost alpha on z = 1;
 * -min_{B(x)} u is w_x <= u_y (infinite arcs w_x -> y) with cost beta on
 * w = 0.  The ball is a union of chords (ball.h), and a chord of L cells is
 * the union of two blocks of 2^k cells, 2^k <= L < 2^(k+1), one at each end
 * (max and min do not mind the overlap).  Blocks form a sparse table along
 * each row: a block of 2^k cells is a node above (max) or below (min) the
 * two blocks of 2^(k-1) that halve it.  So "u_y for y in B(x)" costs two
 * arcs per chord, a cell about log2(2r + 1) block nodes, and a value
 * reaches a term through about log2(2r + 1) arcs.  (The first version
 * built segments of half-width w from two of half-width w - 1: r nodes a
 * cell, and chains of r arcs from a cell to a term, along which every unit
 * of flow had to travel; the max-flow took 3.3 times longer at r = 20.)
 *
 * Selection.  Our solver returns the maximal minimum-cut source set.  For
 * the maximal minimiser the graph is built in u; for the minimal one in
 * v = 1 - u, where the energy reads sum -psi v + sum beta max v - sum alpha
 * min v + const: the same form with psi negated and alpha, beta swapped.
 * The builder works on "v"; the driver picks the orientation.
 *
 * Fixed cells.  Only variable cells (p->var) get nodes.  A term whose ball
 * meets a fixed cell of value 1 (max) or 0 (min) is constant and gets no
 * node (the driver says which); otherwise the fixed cells of its ball do not
 * affect it, so segments run over variable cells only and a segment with
 * one variable child is that child (no node).
 *
 * Averaged perimeter (af_mm_params.eps_avg).  Each centre gets one term
 * per ball b, over b's chords, with cost bkper[b] times its density; the
 * blocks are keyed by row, level and start column only, so every ball's
 * chords come from the one memo (sized for ball 0, the largest) and a
 * further ball adds its auxiliary nodes and two arcs per chord.  Which
 * terms are constant is per ball (skip bit b, or ball b's class).
 *
 * Classes (level set).  The level-set step solves many independent
 * thresholds in one graph: each variable cell belongs to one class, each
 * term to at most one, and a term's segments hold only the cells of its
 * class.  The segment memo then also records the class an entry was built
 * for; an entry of another class is built again (and overwritten).  Within
 * one term every request has the same class, so a term still costs O(r
 * log r) at most.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include "mm_plan.h"

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

/* Offset of the memo entry of the block of level k >= 1 (2^k columns)
 * starting at column i (-r <= i <= n - 1 + r) of the row whose unwrapped
 * index is ju (rows are unwrapped so that the 2r + 1 rows in use have
 * distinct slots even across a periodic seam). */
static inline size_t memo_off(const af_mm_plan *p, int k, int i, int ju)
{
    int R = 2 * p->r + 1, slot = ((ju % R) + R) % R;
    return ((size_t)(k - 1) * R + slot) * (size_t)(p->n + 2 * p->r) + (size_t)(i + p->r);
}

/* Forget the memo of the slot that unwrapped row ju is about to use, in
 * start columns i0 .. i1 (the only ones the sweep asks for). */
static void memo_clear_row(af_mm_plan *p, int ju, int i0, int i1)
{
    int levels = mm_memo_levels(p);
    for (int kind = 0; kind < 2; kind++)
        for (int k = 1; k <= levels; k++) {
            int32_t *m = p->memo[kind] + memo_off(p, k, 0, ju);
            for (int i = i0; i <= i1; i++)
                m[i] = MM_UNKNOWN;
        }
}

/* Node holding max (kind 0) or min (kind 1) of v over the variable cells
 * (of class c, in class mode) of row j (unwrapped index ju), in the block
 * of 2^k columns starting at column i; MM_NONE when there are none; -3 on
 * failure.  A block of level k comes from the two of level k - 1 that
 * halve it (a sparse table: every block is built once, from two, so a
 * cell costs about log2(2r + 1) nodes, and a value reaches a term through
 * as many arcs); a block whose parts are one node is that node. */
static int block_node(af_mm_plan *p, const mm_spec *sp, int kind, int c, int k, int i, int j, int ju)
{
    int n = p->n;
    i = wrap(p, i);
    if (k == 0) {
        if (i < 0 || i >= n)
            return MM_NONE;
        size_t x = (size_t)j * n + i;
        return (!sp->cls || p->node[x] == MM_NONE || sp->cls[x] == c) ? p->node[x] : MM_NONE;
    }
    int len = 1 << k;
    if (i + len - 1 < 0 || i > n - 1)
        return MM_NONE;
    /* a start beyond a clamped edge is within r of it (else MM_NONE above) */
    size_t off = memo_off(p, k, i, ju);
    int32_t *memo = p->memo[kind] + off;
    if (*memo != MM_UNKNOWN && (!sp->cls || p->memo_cls[kind][off] == c))
        return *memo;
    int a = block_node(p, sp, kind, c, k - 1, i, j, ju);
    if (a < -1)
        return a;
    int b = block_node(p, sp, kind, c, k - 1, i + len / 2, j, ju);
    if (b < -1)
        return b;
    int res = a == MM_NONE ? b : b == MM_NONE || b == a ? a : MM_NONE;
    if (a != MM_NONE && b != MM_NONE && a != b) {
        res = new_node(p, 0);
        if (res < 0)
            return -3;
        /* max: children <= res (arc child -> res); min: res <= children */
        if (kind == 0 ? inf_arc(p, a, res) || inf_arc(p, b, res)
                      : inf_arc(p, res, a) || inf_arc(p, res, b))
            return -3;
    }
    *memo = res;
    if (sp->cls)
        p->memo_cls[kind][off] = c;
    return res;
}

/* The level of the blocks that cover a chord of `len` columns: the two
 * blocks of 2^k columns at its ends, 2^k <= len < 2^(k+1), overlap in the
 * middle, which max and min do not mind. */
static inline int chord_level(int len)
{
    int k = 0;
    while ((2 << k) <= len)
        k++;
    return k;
}

/* The term cost * max (kind 0) or -cost * min (kind 1) of v over the ball
 * around (i, j): an auxiliary node above (max) or below (min) the two block
 * nodes of each chord.  When only one node holds variable cells, the max
 * or min is that node itself and the cost goes on it: no auxiliary node
 * (common along the band's edges).  Returns 0 or -1 (out of memory). */
static int add_term(af_mm_plan *p, const mm_spec *sp, int b, int kind, int c, double cost, int i,
                    int j)
{
    int n = p->n, r = p->br[b], first = MM_NONE, aux = MM_NONE;
    const int *half = p->bhalf[b];
    for (int dj = -r; dj <= r; dj++) {
        int jj = j + dj;
        if (p->g.edge == AF_EDGE_PERIODIC)
            jj = ((jj % n) + n) % n;
        else if (jj < 0 || jj >= n)
            continue;
        int w = half[dj + r], len = 2 * w + 1, k = chord_level(len);
        for (int e = 0; e < 2; e++) {
            if (e == 1 && len == 1 << k)
                break; /* one block is the chord */
            int start = e == 0 ? i - w : i + w + 1 - (1 << k);
            int node = block_node(p, sp, kind, c, k, start, jj, j + dj);
            if (node < -1)
                return -1;
            if (node == MM_NONE || node == first)
                continue;
            if (first == MM_NONE) {
                first = node;
                continue;
            }
            if (aux == MM_NONE) { /* a second node: now the auxiliary node is needed */
                aux = new_node(p, kind == 0 ? cost : -cost); /* max: cost on z = 1; min: on w = 0 */
                if (aux < 0 || (kind == 0 ? inf_arc(p, first, aux) : inf_arc(p, aux, first)))
                    return -1;
            }
            if (kind == 0 ? inf_arc(p, node, aux) : inf_arc(p, aux, node))
                return -1;
        }
    }
    if (aux == MM_NONE && first != MM_NONE)
        p->tw_real[first] += kind == 0 ? cost : -cost;
    return 0;
}

af_status mm_graph_build(af_mm_plan *p, const mm_spec *sp, int *nvar_out, af_error *err)
{
    af_status st = AF_OK;
    const af_grid *g = &p->g;
    size_t cells = p->cells;
    int n = p->n, flip = sp->flip, nb = p->nb;

    p->nnodes = 0;
    p->narcs = 0;
    if (p->mf && (st = af_mf_begin(p->mf, 0, err)) != AF_OK)
        return st;
    int nvar = 0;
    for (size_t x = 0; x < cells; x++) {
        if (p->var[x]) {
            double psi = sp->psi(p, sp->ctx, x);
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
    /* block starts asked for lie within r columns of a swept cell (on a
     * torus they are wrapped into the grid) */
    int ci0 = ri0 - p->r, ci1 = ri1 + p->r;
    if (g->edge == AF_EDGE_PERIODIC) {
        ci0 = ci0 < 0 ? 0 : ci0;
        ci1 = ci1 > n - 1 ? n - 1 : ci1;
    }
    for (int ju = rj0 - p->r; ju <= rj0 + p->r; ju++)
        memo_clear_row(p, ju, ci0, ci1);
    for (int j = rj0; j <= rj1; j++) {
        if (mm_interrupted(p)) {
            st = AF_EINTR;
            goto fail;
        }
        if (j > rj0)
            memo_clear_row(p, j + p->r, ci0, ci1); /* its slot held row j - r - 1 */
        for (int i = ri0; i <= ri1; i++) {
            size_t x = (size_t)j * n + i;
            if (!p->reach[x])
                continue;
            /* the max terms of every ball, then the min terms; a term of
             * ball b is constant where bit b of skip is set (mask mode) or
             * its class is < 0 (class mode) */
            for (int kind = 0; kind < 2; kind++) {
                double wt = kind == 0 ? wmax[x] : wmin[x];
                if (!(wt > 0))
                    continue;
                for (int b = 0; b < nb; b++) {
                    int c = 0;
                    if (!sp->cls) {
                        if (sp->skip[kind][x] & (1u << b))
                            continue;
                    } else if ((c = sp->tcls[kind][(size_t)b * cells + x]) < 0) {
                        continue;
                    }
                    if (add_term(p, sp, b, kind, c, p->bkper[b] * wt, i, j))
                        goto nomem;
                }
            }
        }
    }
    *nvar_out = nvar;
    return AF_OK;
nomem:
    st = AF_ENOMEM;
fail:
    for (size_t x = 0; x < cells; x++)
        p->node[x] = MM_NONE;
    if (st == AF_EINTR)
        return mm_interrupt_error(err);
    return af_error_set(err, AF_ENOMEM,
                        "mm: out of memory while building the step graph (%d nodes, %zu arcs)",
                        p->nnodes, p->narcs);
}
