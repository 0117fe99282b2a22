/* advflow: minimum s-t cuts of the minimizing-movements step graphs
 * (internal).
 *
 * The step graphs (scheme.md section 5) are bipartite-like "coverage"
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
 * terminal capacities. */
af_status af_mf_begin(af_mf *g, int nodes, af_error *err);

/* Add terminal capacities s -> i and i -> t (added to earlier ones; >= 0).
 * A node out of range or a negative capacity makes af_mf_solve fail with
 * AF_EINVAL. */
void af_mf_tweight(af_mf *g, int i, af_cap source, af_cap sink);

/* Add arc i -> j with capacity cap and j -> i with capacity rev (>= 0). */
af_status af_mf_arc(af_mf *g, int i, int j, af_cap cap, af_cap rev, af_error *err);

/* Maximum flow value (= minimum cut capacity) in *flow. */
af_status af_mf_solve(af_mf *g, af_cap *flow, af_error *err);

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
