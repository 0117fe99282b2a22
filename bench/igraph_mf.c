/* advflow: igraph's push-relabel maximum flow behind a small C interface
 * (benchmarks only).  GPL-3.0-or-later. */
#include "igraph_mf.h"

#include <stdlib.h>

#include <igraph.h>

struct af_igmf {
    igraph_t graph;
    igraph_vector_t cap;
};

af_igmf *af_igmf_new(int nodes, size_t arcs, const int *tail, const int *head, const double *cap,
                     af_error *err)
{
    if (nodes < 2)
        return af_error_set(err, AF_EINVAL, "igraph max-flow: need at least 2 nodes, got %d", nodes), NULL;
    af_igmf *g = calloc(1, sizeof *g);
    if (!g)
        return af_error_set(err, AF_ENOMEM, "igraph max-flow: out of memory"), NULL;
    /* igraph's default error handler aborts the program: ignore errors
     * while in igraph and report them as statuses instead. */
    igraph_error_handler_t *old = igraph_set_error_handler(igraph_error_handler_ignore);
    igraph_vector_int_t edges;
    int ok = igraph_vector_int_init(&edges, (igraph_integer_t)(2 * arcs)) == IGRAPH_SUCCESS;
    if (ok) {
        for (size_t k = 0; k < arcs; k++) {
            VECTOR(edges)[2 * k] = tail[k];
            VECTOR(edges)[2 * k + 1] = head[k];
        }
        ok = igraph_create(&g->graph, &edges, nodes, IGRAPH_DIRECTED) == IGRAPH_SUCCESS;
        igraph_vector_int_destroy(&edges);
        if (ok) {
            ok = igraph_vector_init(&g->cap, (igraph_integer_t)arcs) == IGRAPH_SUCCESS;
            if (ok)
                for (size_t k = 0; k < arcs; k++)
                    VECTOR(g->cap)[k] = cap[k];
            else
                igraph_destroy(&g->graph);
        }
    }
    igraph_set_error_handler(old);
    if (!ok) {
        free(g);
        return af_error_set(err, AF_ENOMEM, "igraph max-flow: could not build a graph of %d nodes, %zu arcs",
                            nodes, arcs),
               NULL;
    }
    return g;
}

void af_igmf_free(af_igmf *g)
{
    if (!g)
        return;
    igraph_vector_destroy(&g->cap);
    igraph_destroy(&g->graph);
    free(g);
}

af_status af_igmf_solve(af_igmf *g, int source, int sink, double *value, af_error *err)
{
    igraph_error_handler_t *old = igraph_set_error_handler(igraph_error_handler_ignore);
    igraph_real_t v = 0;
    igraph_error_t e = igraph_maxflow(&g->graph, &v, NULL, NULL, NULL, NULL, source, sink, &g->cap, NULL);
    igraph_set_error_handler(old);
    if (e != IGRAPH_SUCCESS)
        return af_error_set(err, AF_EFAILED, "igraph max-flow: igraph_maxflow failed (%s)", igraph_strerror(e));
    *value = v;
    return AF_OK;
}
