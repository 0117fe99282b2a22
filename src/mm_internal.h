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

/* Solves of the plan (and of its window's plan) that cut the graph's
 * independent pieces on threads (mm_solve.c), and the most batches (one a
 * thread) one of them used; 0 and 0 when every graph was solved whole. */
void af_mm_plan_pieces(const af_mm_plan *plan, long *solves, int *most);

/* Minimise Per_eps(A) + sum_x c[x] 1_A(x) over every region A of the grid
 * (c in energy units, finite; kept only during the call) instead of a step:
 * the plan must have full_grid = 1 (AF_EINVAL otherwise), its h and p are
 * not used.  out = the selected minimiser; zero = an all-zero mask of the
 * grid (it stands for A_k: stats->changed is then the area in cells,
 * stats->fidelity = sum c 1_A, stats->energy the minimum).  This is the
 * robust-optimal classifier's cut (robust.c). */
af_status af_mm_plan_solve_linear(af_mm_plan *plan, const double *c, const uint8_t *zero,
                                  uint8_t *out, af_mm_stats *st, af_error *err);

#endif
