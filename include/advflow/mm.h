/* advflow: the exact minimizing-movements step for the nonlocal perimeter.
 *
 * One step maps A_k to a minimiser of
 *
 *   E(A) = Per_eps(A; rho0, rho1) + (1/h) sum_x rho(x) |s_k(x)|^p |1_A(x) - 1_{A_k}(x)| dx^d
 *
 * (docs/theory.md section 2; rho = rho0 + rho1, s_k the signed distance of A_k,
 * Per_eps as in perimeter.h, normalised by w_B).  E is submodular; its
 * minimisers form a lattice, and the step returns the minimal one (the
 * intersection of all minimisers) or the maximal one (their union), so that
 * with a fixed selection the step is monotone: A subset A' implies
 * T(A) subset T(A').
 *
 * Solved exactly as an s-t minimum cut (docs/design.md): cells, block
 * nodes that hold maxima / minima of 2^k cells along each row (a sparse
 * table: about log2(2r + 1) nodes a cell), and one auxiliary node per cell,
 * term and ball, tied to the two blocks that cover each chord of its ball.
 * Only cells in a narrow band around the boundary of A_k are variables, as
 * deep as the motion predicted or measured near each boundary point; the
 * band widens itself (and the step is solved again) whenever the solution
 * reaches its edge, so the band changes the cost, not the result.  A band
 * cannot see a minimiser that differs far from the old boundary, chiefly a
 * component that vanishes as a whole (a small circle jumps to the empty
 * set); so after the band solve, removing each component and filling each
 * hole is tried, and kept when it lowers the energy.  Real costs are scaled
 * to 62-bit integers (relative resolution about 1e-15), so the cut is exact
 * up to that rounding.  Independent pieces of a step's graph (separate
 * components, the level-set step's thresholds) are cut on threads
 * (threads.h); the result is the same for every thread count.
 *
 * Plan, then execute: af_mm_plan_create allocates everything (graph,
 * workspaces, buffers) for one grid, budget, time step and densities;
 * af_mm_plan_step runs a step without allocating (unless the band, or the
 * window below, outgrows every earlier one); af_mm_plan_free frees it all
 * and accepts NULL.
 *
 * Window.  On a clamped grid whose set is small next to the box, a step runs
 * on a square window around the set (the set's bounding box with a margin of
 * two and a half band reaches and two balls), so that its cost follows the
 * set and not the box; a change that reaches near the window's edge makes
 * the step run again on the whole grid.  The result is the same (tested).
 * GPL-3.0-or-later.
 */
#ifndef ADVFLOW_MM_H
#define ADVFLOW_MM_H

#include <signal.h>
#include <stdint.h>

#include "advflow/ball.h"
#include "advflow/dist.h"
#include "advflow/grid.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    AF_SELECT_MINIMAL = 0, /* the smallest minimiser (intersection of all) */
    AF_SELECT_MAXIMAL = 1  /* the largest minimiser (union of all) */
} af_selection;

typedef enum {
    AF_MM_SOLVER_OWN = 0, /* advflow's max-flow (default; fastest on these graphs) */
    AF_MM_SOLVER_BK = 1   /* Boykov-Kolmogorov (maxflow 3.0), the yardstick */
} af_mm_solver;

typedef struct {
    af_norm norm;           /* ball norm */
    double eps;             /* budget, length units, >= dx */
    double eps_avg[3];      /* further budgets for an averaged perimeter, length units:
                             * each 0 (unused) or in [dx, eps].  With m = 1 + the number
                             * of nonzero entries the step's perimeter is
                             * (1/m) sum_i Per_{eps_i}(A), eps_0 = eps, each Per_{eps_i}
                             * normalised by its own w_B (perimeter.h), so that each
                             * approximates the same perimeter.  Its limit is
                             * Int (1/m) sum_i h_{B_i}(nu) / w_{B_i} rho dH (docs/theory.md,
                             * "Averaging over several balls"): the balls' hull edges
                             * interleave, and the widest cone of normals without
                             * curvature is that of the union of their edge normals
                             * (af_ball_normal_gap_union): 18.4 degrees for {5, 4.25}
                             * cells against 36.9 for 5 alone.  All zero (the default):
                             * the single ball of eps, bit for bit.  Costs per extra
                             * ball: two auxiliary nodes a band cell and two arcs per
                             * chord of its terms (the block nodes are shared). */
    double h;               /* time step (> 0) */
    double p;               /* fidelity exponent (>= 0); |s|^0 = 1, also at s = 0 */
    af_selection selection; /* minimal or maximal minimiser */
    af_sdist_kind sdist;    /* signed distance form of s_k */
    af_mm_solver solver;    /* which max-flow */
    int full_grid;          /* 1: every cell is a variable (no band); for checks */
    double band_cells;      /* initial band half-width in cells; <= 0: automatic */
    double ls_range;        /* level-set step: values resolved in [-ls_range, ls_range],
                             * length units; <= 0: 2 dx (enough for the zero contour) */
    double ls_tol;          /* level-set step: resolution of those values, length units;
                             * <= 0: dx / 64 */
    const volatile sig_atomic_t *interrupt;
                            /* caller-owned flag, e.g. raised by a SIGINT handler, or
                             * NULL: while it is nonzero a step gives up with AF_EINTR
                             * within milliseconds (the graph, band and max-flow loops
                             * read it); the plan stays usable, the step's output is
                             * unspecified.  The Boykov-Kolmogorov solver does not
                             * read it: a BK step runs to its end. */
} af_mm_params;

/* Defaults: norm 2, h = eps, p = 1, minimal, sub-cell distance, own solver,
 * automatic band.  eps is left 0: the caller must set it. */
void af_mm_params_default(af_mm_params *prm);

/* Bytes a plan for g and prm needs, estimated (for a caller's memory check
 * before af_mm_plan_create): its per-cell arrays, the block memo, which
 * grows like r log r (n + 2r) for a ball of r cells, and for a full-grid
 * plan the graph of a step over every cell, about 2K + 3 nodes of 72 bytes
 * and 6r + 2K + 22 arcs of 40 bytes a cell, K = floor(log2(2r + 1)); each further budget
 * of eps_avg (reach r_b) about 8 bytes a cell and, on the full grid, 2 nodes and
 * 6 r_b + 4 arcs a cell more.  A band plan's graph
 * follows the band and is not counted (af_mm_plan_estimate counts it).  A plan's first level-set step
 * allocates 36 bytes a cell more and class tags as large as the memo (not
 * counted here either).  +inf for absurd sizes. */
double af_mm_plan_bytes(const af_grid *g, const af_mm_params *prm);

/* What the first step from mask will cost, estimated before a plan is made
 * (a caller's memory and time check; src/mm_estimate.c derives it, and
 * docs/design.md compares it with 61 measured steps).  The first step's
 * graph is a run's largest, and it grows with the boundary's length, the
 * band (the ball's reach r plus 4 cells each way, wider when the step moves
 * farther: predicted from the boundary's curvature and h) and the ball
 * (about 2K + 2.5 nodes and 6r + 2K + 22 arcs a band cell, K = floor(log2(2r
 * + 1)), and 2 nodes and 6 r_b + 4 arcs more for each further budget of
 * eps_avg of reach r_b: its terms' auxiliary nodes and chord arcs, the
 * block nodes being shared), not with the grid.  Measured on the circle of radius 0.6 at n =
 * 256 to 2048, eps = 4 to 20 cells, h = eps / 4 to eps, each in a fresh
 * process: nodes 0.87 to 1.17 times the step's, bytes 1.07 to 2.0 times its
 * peak resident memory (the plan's arrays are counted as allocated; a step
 * in a window touches few of them), seconds 0.8 to 1.17 times its time on
 * one core.  Other shapes (stars, rectangles, a half-plane, a dumbbell)
 * widen their bands less predictably (with the graph before its blocks:
 * bytes 0.43 to 2.7 times, seconds 0.12 to 8 times).  The estimate is of the mask step; a
 * level-set step's largest graph measured 1.5 to 2 times as many nodes, and
 * it took 3 to 4 times as long.  The caller owns est; the figures are
 * doubles, so that an absurd size shows as a large number, not an overflow. */
typedef struct {
    double bytes;       /* plan_bytes + graph_bytes */
    double plan_bytes;  /* the plan's arrays (af_mm_plan_bytes), and its window's */
    double graph_bytes; /* the graph of the largest solve, in the max-flow's arrays */
    double nodes;       /* graph nodes of the largest solve (as af_mm_stats.nodes) */
    double arcs;        /* its arcs, terminal ones included (as af_mm_stats.arcs) */
    double band_cells;  /* its variable cells (as af_mm_stats.band_cells) */
    int solves;         /* solves expected: 1 + band widenings */
    double seconds;     /* time of the first step on one core, rough */
} af_mm_estimate;

/* Fill est for a step from mask (af_grid_cells values, nonzero inside) with
 * a plan of g and prm (the plan need not exist).  Reads the mask a few
 * times; allocates 2 bytes a cell while it runs (a distance histogram; if
 * that fails, a coarser formula is used instead, not an error).  Takes
 * about 50 ns a cell (0.2 s at n = 2048).  AF_EINVAL for NULL arguments, a
 * grid that is not 2-d with dx > 0, or eps not finite and >= 0, h not
 * finite and > 0 (est is zeroed then). */
af_status af_mm_plan_estimate(const af_grid *g, const af_mm_params *prm, const uint8_t *mask,
                              af_mm_estimate *est, af_error *err);

typedef struct {
    int band_cells;     /* variable cells in the final solve */
    int band_widenings; /* how often the band was widened in this step */
    int global_moves;   /* whole components removed / holes filled after the band solve */
    double band_width;  /* half-width of the final band, in cells */
    int nodes;          /* graph nodes of the final solve */
    long long arcs;     /* graph arcs (pairs) of the final solve */
    double flow;        /* max-flow value, in energy units */
    int changed;        /* cells that changed */
    double energy;      /* E(A_{k+1}) = per_eps + fidelity */
    double per_eps;     /* Per_eps(A_{k+1}) */
    double fidelity;    /* (1/h) sum rho |s_k|^p |1_A - 1_{A_k}| dx^d */
    double area;        /* area of A_{k+1} */
    double max_shift;   /* largest |s_k| over the changed cells, length units */
    double ms;          /* wall time of the step, milliseconds */
    double solve_ms;    /* of which in the max-flow solver(s) */
} af_mm_stats;

typedef struct af_mm_plan af_mm_plan;

/* rho0, rho1: af_grid_cells values each, finite and >= 0 (checked here).
 * They are kept by reference, as FFTW plans keep their arrays: they must
 * stay valid and unchanged until af_mm_plan_free (copies would cost 16
 * bytes a cell, 64 MB at 2048^2). */
af_mm_plan *af_mm_plan_create(const af_grid *g, const af_mm_params *prm, const double *rho0,
                              const double *rho1, af_error *err);
void af_mm_plan_free(af_mm_plan *plan); /* accepts NULL */

/* One step: out = T(in).  in and out must not alias.  stats may be NULL. */
af_status af_mm_plan_step(af_mm_plan *plan, const uint8_t *in, uint8_t *out, af_mm_stats *stats,
                          af_error *err);

/* The level-set step (docs/theory.md, "The level-set step"): every
 * sublevel set of u_k moves at once.  For each threshold t,
 *
 *   A^t = the selected minimiser of Per_eps(A) + (1/h) sum_x rho (u_k(x) - t) 1_A(x) dx^2,
 *
 * nested in t, and u_out(x) = inf { t : x in A^t }: the minimiser of the
 * nonlocal ROF problem TV_eps(u) + (1/(2h)) sum rho (u - u_k)^2 dx^2, where
 * TV_eps(u) = Int Per_eps({u < t}) dt.  At t = 0 this is the mask step from
 * {u_k < 0} with s_k = u_k and p = 1.
 *
 * u_in: af_grid_cells values, length units, negative inside (a signed
 * distance, ideally; +-inf allowed, NaN is AF_EINVAL).  u_out: in the band
 * the step solves (|u_in| up to a few ball radii, widened as for masks),
 * u_out is exact to within ls_tol / 2 wherever |u_out| < ls_range and is cut
 * to -ls_range / +ls_range beyond; outside the band u_out = u_in.  Callers
 * redistance u_out (af_dist_redistance) before the next step.  The
 * thresholds are solved by divide and conquer, each round of bisection one
 * minimum cut over every interval at once (docs/design.md).
 * Unlike the mask step there are no global moves: a component that would
 * vanish as a whole in one step but is wider than the band shrinks instead.
 * stats: nodes and arcs of the largest cut, solve_ms summed over the cuts;
 * changed = cells whose sign changed; energy, per_eps, fidelity and area
 * those of the mask step at t = 0 (the set {u_out <= 0}, counted in cells).
 * in and out must not alias. */
af_status af_mm_plan_step_levelset(af_mm_plan *plan, const double *u_in, double *u_out,
                                   af_mm_stats *stats, af_error *err);

/* Energy E(a) of a candidate a for the step from ak, and its parts (either
 * pointer may be NULL).  Computes the signed distance of ak: for checks
 * and tests, not for the hot path. */
double af_mm_plan_energy(af_mm_plan *plan, const uint8_t *ak, const uint8_t *a, double *per_eps,
                         double *fidelity);

/* The ball the plan uses (owned by the plan). */
const af_ball *af_mm_plan_ball(const af_mm_plan *plan);

/* What a plan carries from one step to the next.  A step's result does not
 * depend on it, but its cost and statistics (band_cells, nodes, arcs,
 * band_widenings) do: the band starts from what the previous step moved,
 * and on a clamped grid the step runs in a window sub-grid that only grows.
 * A run resumed with a new plan sets the state its last step left, so that
 * it goes on exactly as the uninterrupted run (advflow run --resume). */
typedef struct {
    double band_in, band_out; /* band reach inside / outside the set for the
                               * next step, cells; 0: none yet (the first step's) */
    int window;               /* side of the window sub-grid, cells; 0: none yet */
} af_mm_plan_state;

void af_mm_plan_get_state(const af_mm_plan *plan, af_mm_plan_state *state);
/* AF_EINVAL for negative, non-finite or oversized values (window > n). */
af_status af_mm_plan_set_state(af_mm_plan *plan, const af_mm_plan_state *state, af_error *err);

#ifdef __cplusplus
}
#endif
#endif
