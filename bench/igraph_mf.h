/* advflow: igraph's push-relabel maximum flow behind a small C interface
 * (benchmarks only; lives in bench/).  It is the second yardstick, beside
 * Boykov-Kolmogorov (bk.h), that advflow's own solver (mf.h) is measured
 * against.  Needs igraph >= 0.10 (pkg-config igraph); the library proper
 * does not link it.
 *
 * Build once, then solve: af_igmf_new copies a directed graph given as arc
 * lists into an igraph_t; af_igmf_solve runs igraph_maxflow and returns
 * the flow value only (no flow, cut or partition is asked for, so that
 * igraph does only the work a minimum-cut value needs).
 * GPL-3.0-or-later. */
#ifndef ADVFLOW_IGRAPH_MF_H
#define ADVFLOW_IGRAPH_MF_H

#include <stddef.h>

#include "advflow/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct af_igmf af_igmf;

/* Graph on `nodes` nodes (ids 0 .. nodes-1) with arcs tail[k] -> head[k] of
 * capacity cap[k] >= 0 (a large finite value stands for infinity), k <
 * arcs.  NULL with err set on failure. */
af_igmf *af_igmf_new(int nodes, size_t arcs, const int *tail, const int *head, const double *cap,
                     af_error *err);
void af_igmf_free(af_igmf *g); /* accepts NULL */

/* Maximum flow value from source to sink. */
af_status af_igmf_solve(af_igmf *g, int source, int sink, double *value, af_error *err);

#ifdef __cplusplus
}
#endif
#endif
