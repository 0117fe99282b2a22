/* advflow: C interface to Boykov-Kolmogorov max-flow (maxflow 3.0, Debian's
 * libmaxflow), internal.  BK is the yardstick the min-cut steps are measured
 * against; it is C++ templates, wrapped here in one small extern "C" file.
 *
 * Plan, then execute: af_bk_alloc reserves room for the graph; nodes and
 * edges are added; af_bk_solve computes the max-flow; af_bk_in_source says on
 * which side of the minimum cut a node lies.  Capacities are doubles >= 0.
 * GPL-3.0-or-later. */
#ifndef ADVFLOW_BK_H
#define ADVFLOW_BK_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct af_bk af_bk;

/* Out of memory: maxflow's allocations that fail (its arrays grow as nodes
 * and edges are added; af_bk_solve allocates its search queues) are caught
 * here, never passed through the caller's frames as a C++ exception: the
 * call returns -1 and the graph is failed from then on, so every later call
 * but af_bk_free fails as well (maxflow may have lost its arrays).  Free it
 * and allocate another.  maxflow itself leaks the array it could not grow
 * (it overwrites its pointer with realloc's NULL). */

/* Room for about nodes and edges (the graph grows if more are added); NULL
 * when out of memory. */
af_bk *af_bk_alloc(int nodes, int edges);
void af_bk_free(af_bk *g); /* accepts NULL */

/* Remove every node and edge, keeping the memory (a failed graph stays
 * failed). */
void af_bk_reset(af_bk *g);

/* Add n nodes; returns the id of the first (ids are consecutive from 0), or
 * -1 when out of memory. */
int af_bk_add_nodes(af_bk *g, int n);
/* Edge i -> j with capacity cap and j -> i with rev_cap; 0, or -1 when out
 * of memory. */
int af_bk_add_edge(af_bk *g, int i, int j, double cap, double rev_cap);
/* Terminal capacities: source -> i and i -> sink (added to earlier ones);
 * 0, or -1 for a failed graph (this call allocates nothing). */
int af_bk_add_tweights(af_bk *g, int i, double cap_source, double cap_sink);

/* The max-flow value (= min-cut capacity) into *flow; 0, or -1 when out of
 * memory (*flow is then 0). */
int af_bk_solve(af_bk *g, double *flow);
/* 1 if node i is on the source side of the minimum cut BK found, else 0
 * (after a successful af_bk_solve; 0 for a failed graph).
 * BK's search trees are closed at the end: the source tree is the set
 * reachable from the source in the residual graph (the minimal source set),
 * the sink tree the set that reaches the sink.  maximal = 0 gives the
 * minimal source set, maximal = 1 the maximal one (every node not in the
 * sink tree). */
int af_bk_in_source(const af_bk *g, int i, int maximal);

#ifdef __cplusplus
}
#endif
#endif
