/* advflow: internal hooks of the minimizing-movements step, for benchmarks
 * and tools (not installed).  GPL-3.0-or-later. */
#ifndef ADVFLOW_MM_INTERNAL_H
#define ADVFLOW_MM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "advflow/mm.h"

/* Write the graph of the last solve (the final band) in DIMACS max-flow
 * format: node 1 is the source, 2 the sink, graph node k is k + 3;
 * capacities as given to the solver (scaled integers, infinite arcs as
 * 2^60).  Returns 0, or -1 on a write error. */
int af_mm_plan_dump_dimacs(const af_mm_plan *plan, FILE *f);

/* The graph of the last solve, for replaying it into other solvers: nodes,
 * real unary costs per node (> 0: capacity to the sink, < 0: from the
 * source, after multiplying by *scale and rounding), and the infinite arcs
 * from[k] -> to[k].  Pointers stay valid until the next step. */
typedef struct {
    int nodes;
    const double *unary;
    double scale;
    size_t arcs;
    const int32_t *from, *to;
} af_mm_graph;
void af_mm_plan_last_graph(const af_mm_plan *plan, af_mm_graph *out);

#endif
