/* advflow: minimum s-t cuts of the minimizing-movements step graphs
 * (internal).
 *
 * The step graphs (mm.c, docs/design.md) are bipartite-like "coverage"
 * graphs: cells with terminal capacities, chains of segment nodes joined by
 * infinite arcs, and one auxiliary node per cell and term.  Boykov-Kolmogorov
 * is slow on them (long augmenting paths through infinite arcs), so advflow
 * has its own solver, measured against BK and igraph in docs/design.md.
 *
 * Plan, then execute: af_mf_alloc reserves room; each solve starts with
 * af_mf_begin(nodes), adds terminal capacities and arcs, and calls
 * af_mf_solve.  Buffers grow only when a graph is larger than any before
 * (then af_mf_solve or af_mf_begin may allocate, and report AF_ENOMEM).
 *
 * Capacities are integers (int64): the caller scales its real costs, which
 * makes the cut exact for the scaled problem and the algorithm's termination
 * independent of rounding.  AF_MF_INF marks an infinite arc or terminal
 * capacity (larger values count as AF_MF_INF); sums of finite capacities
 * must stay below AF_MF_INF.  When every cut is infinite (a node tied to
 * both terminals by infinite capacities), the flow value is AF_MF_INF and
 * the source set is only the nodes forced to the source side.
 *
 * The cut returned is the MAXIMAL source set among all minimum cuts: the
 * nodes that cannot reach the sink in the residual graph of a maximum
 * (pre)flow.  (For the minimal source set, build the complementary problem.)
 * GPL-3.0-or-later.
 */
#ifndef ADVFLOW_MF_H
#define ADVFLOW_MF_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "advflow/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef int64_t af_cap;
#define AF_MF_INF ((af_cap)1 << 60)

typedef struct af_mf af_mf;

/* Room for about `nodes` nodes and `arcs` arcs (pairs i -> j / j -> i count
 * once); NULL with err set when out of memory. */
af_mf *af_mf_alloc(int nodes, size_t arcs, af_error *err);
void af_mf_free(af_mf *g); /* accepts NULL */

/* Start a new graph of `nodes` nodes (ids 0 .. nodes-1), no arcs, no
 * terminal capacities: af_mf_begin and then af_mf_set_nodes. */
af_status af_mf_begin(af_mf *g, int nodes, af_error *err);

/* Set the number of nodes of the graph being built (after af_mf_begin,
 * before or after adding arcs).  Terminal capacities of nodes below both
 * the old and the new count are kept; new nodes start with none.  May grow
 * the node arrays, then AF_ENOMEM is possible (and the next af_mf_solve
 * fails). */
af_status af_mf_set_nodes(af_mf *g, int nodes, af_error *err);

/* Add terminal capacities s -> i and i -> t (added to earlier ones; >= 0).
 * A node out of range or a negative capacity makes af_mf_solve fail with
 * AF_EINVAL. */
void af_mf_tweight(af_mf *g, int i, af_cap source, af_cap sink);

/* Add arc i -> j with capacity cap and j -> i with capacity rev (>= 0;
 * a negative one is AF_EINVAL here).  The node ids are checked by
 * af_mf_solve (AF_EINVAL there if outside 0 .. nodes-1), so that arcs can
 * be added before the final node count is known.  A pair (AF_MF_INF, 0)
 * costs 8 bytes until the solve (tail and head; other pairs 28), and
 * every pair 32 bytes more in the solver's arrays. */
af_status af_mf_arc(af_mf *g, int i, int j, af_cap cap, af_cap rev, af_error *err);

/* The arc pairs added since af_mf_begin, in order (for replaying a graph
 * into another solver): tails and heads, their count in *m (any output
 * pointer may be NULL).  The pointers stay valid until the next
 * af_mf_begin or af_mf_arc. */
void af_mf_arcs(const af_mf *g, const int32_t **tail, const int32_t **head, size_t *m);

/* Capacities of pair k (0 <= k < m) as stored: forward in *cap, back in
 * *rev (values above AF_MF_INF were clamped to AF_MF_INF).  O(log) per
 * call. */
void af_mf_arc_caps(const af_mf *g, size_t k, af_cap *cap, af_cap *rev);

/* Room for `arcs` pairs of capacities (AF_MF_INF, 0) in the graph being
 * built (those added so far are kept) and in the solver's arrays, so that
 * adding them and af_mf_solve allocate nothing (with af_mf_begin's node
 * count: a graph can then be built and solved on a thread of its own,
 * while allocations stay on the caller's).  AF_ENOMEM possible; then the
 * graph built so far is kept. */
af_status af_mf_reserve(af_mf *g, size_t arcs, af_error *err);

/* Maximum flow value (= minimum cut capacity) in *flow.  AF_EINTR when the
 * interrupt flag (af_mf_set_interrupt) was raised during the solve: then
 * no cut is available until the next solve. */
af_status af_mf_solve(af_mf *g, af_cap *flow, af_error *err);

/* A flag the solver reads every few thousand operations (within
 * milliseconds); when it is nonzero, af_mf_solve gives up with AF_EINTR.
 * Caller-owned, typically set by a signal handler; NULL (the default)
 * for none. */
void af_mf_set_interrupt(af_mf *g, const volatile sig_atomic_t *flag);

/* After af_mf_solve: 1 if node i is in the maximal minimum-cut source set. */
int af_mf_source_side(const af_mf *g, int i);

/* Work counters of the last solve (for benchmarks): pushes, relabels,
 * global relabels, or whatever the algorithm counts; 0 when not kept. */
typedef struct {
    long long pushes, relabels, global_updates, gaps;
} af_mf_stats;
void af_mf_get_stats(const af_mf *g, af_mf_stats *st);

#ifdef __cplusplus
}
#endif
#endif
