/* advflow: the minimizing-movements plan's insides, shared by its parts
 * (internal, not installed).  GPL-3.0-or-later.
 *
 * The step is split by job:
 *   mm.c          plans (create, free, sizes), the mask step's costs and energy,
 *                 its driver (band, widening, global moves) and af_mm_plan_step;
 *   mm_graph.c    graph construction: nodes for the variable cells, segment
 *                 nodes along the ball's chords, one term per cell and kind;
 *   mm_solve.c    the solver interface: integer scaling, advflow's max-flow
 *                 (the graph's independent pieces on threads) or BK, the cut's
 *                 side of each node, replaying the last graph;
 *   mm_band.c     the band (which cells are variables, which terms are
 *                 constant), its edge test, and the window on clamped grids;
 *   mm_levelset.c the level-set step (every threshold at once, mm.h).
 */
#ifndef ADVFLOW_MM_PLAN_H
#define ADVFLOW_MM_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "advflow/mm.h"
#include "advflow/morph.h"
#include "advflow/perimeter.h"
#include "bk.h"
#include "mf.h"

#define MM_MAX_BALLS 4   /* eps and the three of af_mm_params.eps_avg */
#define MM_UNKNOWN (-2) /* memo: segment node not computed yet */
#define MM_NONE (-1)    /* no variable cell in the segment */

/* Band reach (cells), each way, of a run's first step where the boundary's
 * curvature does not predict its motion (mm_first_band: a set that
 * vanishes or meets a clamped box edge), and of the level-set step's: the
 * ball and a few cells.  A step that moves farther widens its band (and is
 * solved again); starting narrow keeps the first step's graph, the largest
 * of a run, small. */
#define MM_FIRST_BAND(p) ((p)->r + 4.0)

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
    /* Averaged perimeter (af_mm_params.eps_avg).  nb distinct digital balls;
     * ball 0 is eps's, the largest (per, ball, r, half, morph above are its,
     * and everything that needs a reach takes it: band, window, memo).
     * Budgets whose digital balls coincide share one entry (their kper add
     * up).  The graph adds each ball's terms with its bkper; the linear part
     * of psi uses kper = the sum of the bkper (= dx^2 / w_B with one ball). */
    int nb;
    af_perimeter *bper[MM_MAX_BALLS];     /* [0] = per; the others owned here */
    const af_ball *bball[MM_MAX_BALLS];   /* [0] = ball */
    int br[MM_MAX_BALLS];                 /* reach, cut as r */
    int *bhalf[MM_MAX_BALLS];             /* chord half-widths, cut as half ([0] = half) */
    af_morph_work *bmorph[MM_MAX_BALLS];  /* [0] = morph */
    double bkper[MM_MAX_BALLS];           /* sum over its budgets of dx^2 / (eps_i w_i m) */
    double bweight[MM_MAX_BALLS];         /* its budgets / m: weight of its Per_eps */
    int border[MM_MAX_BALLS];             /* ball indices by increasing radius */
    uint8_t *mtmp;                        /* a dilation by ball b >= 1 (nb > 1 only) */
    af_dist_work *dist;
    double s_cap;         /* |s_k| is capped here (box diagonal): finite costs */
    double *s;            /* signed distance of A_k (mask) or u_k (level set), length units, capped */
    double kper, kfid;    /* dx^2 / w_B and dx^2 / h */
    int32_t *queue;       /* flood fill (global moves) */
    uint8_t *var;         /* band: 1 for variable cells */
    uint8_t *fix1, *fix0; /* fixed cells of value 1 / 0 (in v) */
    uint8_t *m1, *m0;     /* their dilations: where max / min terms are constant; bit b
                           * for ball b (a term of ball b is constant exactly where
                           * B_b(x) meets a fixed cell, so each ball has its own bit:
                           * one ball's skip is not sound for another's, and
                           * a term kept although constant would be wrong, not
                           * merely slower, since its node sees only variable cells) */
    uint8_t *reach;       /* dilation of the band: cells whose terms may vary */
    uint8_t *allow;       /* local band (mm_local_band): cells near enough to a boundary
                           * point whose predicted motion reaches them */
    const uint8_t *band_allow; /* mm_band_set's extra condition: allow, or NULL */
    double band_floor;         /* ... or |s| <= band_floor (length units) */
    double lim_in, lim_out;    /* the last mm_band_set's reach, length units (s >= -lim_in,
                                * s <= lim_out) */
    int32_t *node;        /* node of a variable cell, MM_NONE elsewhere */
    int32_t *memo[2];     /* [kind] block nodes of 2^k columns, k = 1 .. mm_memo_levels,
                           * for the 2r + 1 rows around the row being swept (a ring:
                           * slot = row mod 2r + 1), n + 2r entries each: starts -r ..
                           * n - 1 + r, since a block starting beyond a clamped edge
                           * still covers cells (without its memo entry it would be
                           * built again for every term that asks) */
    int32_t *memo_cls[2]; /* level set: the class each memo entry was built for */
    /* graph under construction */
    int nnodes;
    size_t cap_nodes;
    double *tw_real;          /* real unary cost of label 1 per node (> 0: sink arc, < 0: source arc) */
    size_t narcs, cap_arcs;
    int32_t *arc_from, *arc_to; /* infinite arcs from -> to (reverse 0), kept here for
                                 * BK only: our solver takes them as they come */
    af_mf *mf;
    af_bk *bk;
    struct mm_pieces *pieces; /* the graph's independent pieces cut on threads
                               * (mm_solve.c): made on first use */
    const double *phi_ext; /* af_mm_plan_solve_linear's costs in place of the fidelity
                            * (NULL for a step); set only during that call */
    double w_in, w_out;   /* band reach inside / outside A_k for the next step, cells (0: unset) */
    double scale;         /* real cost -> integer capacity, last solve */
    /* Window (clamped grids): the step runs on a square sub-grid around the
     * set, a plan of its own (child), so that its cost follows the set and
     * not the box.  last is the plan whose graph was solved last. */
    int is_child;
    int node_ready;       /* node[] holds MM_NONE everywhere (set on first use: a
                           * plan that always steps through its window never
                           * touches its own full-grid arrays) */
    af_mm_plan *child;
    int window_hint;        /* af_mm_plan_set_state: the side of the window an
                             * earlier run had reached (the next child is made
                             * at least this large, as it would have been) */
    void *win_in, *win_out; /* child-sized copies of the step's input and output */
    size_t win_elem;        /* their bytes per cell (1: masks, 8: level sets) */
    const af_mm_plan *last;
    /* level set (mm_levelset.c): allocated on its first step */
    double *lo, *hi;      /* each cell's interval (lo, hi] for u_{k+1} */
    int32_t *cls;         /* class (interval being split) of each variable cell */
    int32_t *tcls[2];     /* class of the term of kind k of ball b centred at cell x,
                           * [b cells + x], < 0: none */
    double *key;          /* an ordering key of each cell's interval */
    double *cut_t;        /* threshold of each class */
    size_t cap_cls;
};

double mm_now_ms(void);

/* The caller's interrupt flag (af_mm_params.interrupt) is raised: long
 * loops look at it once a row, the max-flow every few thousand pushes. */
static inline int mm_interrupted(const af_mm_plan *p)
{
    return p->prm.interrupt && *p->prm.interrupt;
}
af_status mm_interrupt_error(af_error *err);
/* The first step's band reach inside and outside the set (cells), from
 * the motion the boundary's curvature predicts (mm_estimate.c). */
void mm_first_band(const af_mm_plan *p, const uint8_t *mask, double *w_in, double *w_out);
/* The local band (mm_estimate.c): allow[x] = 1 for the cells within
 * 1.25 times the motion predicted at some boundary point of mask (its
 * curvature, and the drift of the density's gradient) plus 3 cells of it,
 * at most max(w_in, w_out) cells; and in *floor_w the reach (cells) that
 * the motion at the boundary's mean curvature asks everywhere.  The band
 * of a step is then the uniform band's cells that allow admits or that
 * lie within floor_w of the boundary.  A step whose solution reaches the
 * local band's edge is solved again with the uniform band (mm.c).
 * Returns 0 (allow untouched) when the band is the whole grid. */
int mm_local_band(const af_mm_plan *p, const uint8_t *mask, double w_in, double w_out,
                  uint8_t *allow, double *floor_w);
/* Free the window's child plan and buffers (mm_band.c); the next window
 * step makes them again. */
void mm_window_drop(af_mm_plan *p);

/* ---- mm.c ---- */
af_mm_plan *mm_plan_new(const af_grid *g, const af_mm_params *prm, af_error *err);
/* Levels of the block memo (blocks of 2^1 .. 2^levels columns), and the
 * entries of one kind's memo (and of its class tags). */
int mm_memo_levels(const af_mm_plan *p);
size_t mm_memo_entries(const af_mm_plan *p);
/* Signed distance of ak into p->s, capped so that every cost is finite. */
void mm_prepare(af_mm_plan *p, const uint8_t *ak);
/* E(a) for the step from ak with s = p->s (the plan's fidelity), and its
 * parts (mm.c; the level-set step reports its t = 0 cut with it). */
double mm_energy(af_mm_plan *p, const uint8_t *ak, const uint8_t *a, double *per_eps,
                 double *fidelity, double *area);
/* node[] holds MM_NONE everywhere (first use of a plan's own arrays) */
void mm_nodes_ready(af_mm_plan *p);

/* ---- mm_graph.c ---- */
/* What mm_graph_build builds, in orientation v (flip = 1: v = 1 - u):
 * a node for every cell with p->var, of unary cost psi(x) on u = 1
 * (negated in v); then, for every centre with p->reach and every ball b,
 * the term bkper[b] wmax max_{B_b} v and -bkper[b] wmin min_{B_b} v
 * (wmax = rho0 and wmin = rho1, swapped in v), unless the term is
 * constant: in mask mode (cls NULL) where skip[kind] has bit b, in class
 * mode where tcls[kind] < 0.  In class
 * mode a term's segments hold only the variable cells of its class. */
typedef struct {
    int flip;
    double (*psi)(const af_mm_plan *p, const void *ctx, size_t x);
    const void *ctx;
    const uint8_t *skip[2]; /* mask mode: bit b set where ball b's term is constant */
    const int32_t *cls;     /* class mode: class of each variable cell */
    const int32_t *tcls[2]; /* class mode: class of each term, [b cells + x] for ball b,
                             * < 0: constant */
} mm_spec;

/* The number of variable cells into *nvar; AF_ENOMEM or AF_EINTR (err set;
 * node[] is MM_NONE again). */
af_status mm_graph_build(af_mm_plan *p, const mm_spec *spec, int *nvar, af_error *err);

/* ---- mm_solve.c ---- */
/* Scale, solve the graph just built, flow in energy units in *flow;
 * statistics into st (may be NULL).  AF_ENOMEM or AF_EINTR with err set. */
af_status mm_graph_solve(af_mm_plan *p, double *flow, af_mm_stats *st, af_error *err);
/* After mm_graph_solve: the side of node id (1: source side, the value 1 in v). */
int mm_graph_side(const af_mm_plan *p, int id);
/* Free the pieces' state (af_mm_plan_free); accepts NULL. */
void mm_pieces_free(struct mm_pieces *q);

/* ---- mm_band.c ---- */
/* Band -w_in <= s / dx <= w_out (every cell when full) as variables, the
 * fixed cells' values in v taken from ak, and where terms are constant
 * (p->var, fix1, fix0, m1, m0, reach). */
void mm_band_set(af_mm_plan *p, const uint8_t *ak, int flip, double w_in, double w_out, int full);
/* Does a band cell that changed (changed(p, ctx, x), asked only of band
 * cells) touch a cell outside the band of finite |s|?  Then the band may
 * have cut the true minimiser off on that side.  1 for the inside (s < 0),
 * 2 for the outside, 3 for both, 0; plus 4 and 8 (inside, outside) where
 * the cell touched lies beyond the uniform band's reach too (the last
 * mm_band_set's w_in, w_out), not only beyond the local band. */
int mm_band_touches_edge(const af_mm_plan *p, const uint8_t *band,
                         int (*changed)(const af_mm_plan *p, const void *ctx, size_t x),
                         const void *ctx);
/* Cells where out differs from in, and in shift[0] / shift[1] the largest
 * |s| among them inside / outside (s <= 0 / > 0). */
int mm_band_moved(const af_mm_plan *p, const uint8_t *in, const uint8_t *out, double shift[2]);

/* One step through a window around the set on a clamped grid.  step_grid
 * runs a step on a plan's own grid; inside() says whether a cell of the
 * input is in the set (bounding box); changed() whether the step changed
 * a cell in a way that matters (a cell changed near the window's edge
 * means the window cut something off); elem is the input's and output's
 * bytes per cell.  Returns AF_OK with *done = 1 when the windowed step
 * stands, *done = 0 when the caller must step on the whole grid. */
typedef af_status (*mm_step_fn)(af_mm_plan *p, const void *in, void *out, af_mm_stats *st,
                                af_error *err);
af_status mm_window_step(af_mm_plan *p, const void *in, void *out, size_t elem,
                         int (*inside)(const void *in, size_t x),
                         int (*changed)(const af_mm_plan *p, const void *in, const void *out, size_t x),
                         mm_step_fn step_grid, af_mm_stats *st, int *done, af_error *err);

#endif
