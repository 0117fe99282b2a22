/* advflow: the minimizing-movements step's solver interface (mm_plan.h,
 * mm_internal.h): real costs scaled to integers, advflow's max-flow or
 * Boykov-Kolmogorov, the side of each node, and the last graph replayed for
 * benchmarks.  GPL-3.0-or-later. */
#include <math.h>
#include <time.h>

#include "mm_internal.h"
#include "mm_plan.h"

double mm_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return 1e3 * ts.tv_sec + 1e-6 * ts.tv_nsec;
}

af_status mm_interrupt_error(af_error *err)
{
    return af_error_set(err, AF_EINTR, "mm: interrupted");
}

af_status mm_graph_solve(af_mm_plan *p, double *flow_out, af_mm_stats *st, af_error *err)
{
    af_status s;
    /* scale real costs to integers: the sum of all finite capacities stays
     * below 2^52, exact in double for BK as well (relative resolution about
     * 1e-15 of the total: the cut is exact up to that rounding) */
    double total = 0;
    for (int k = 0; k < p->nnodes; k++)
        total += fabs(p->tw_real[k]);
    double scale = total > 0 ? ldexp(1.0, 52) / total : 1;
    p->scale = scale;
    double t0 = mm_now_ms();
    double flow = 0;
    if (p->nnodes == 0) {
        /* nothing can change */
    } else if (p->mf) {
        /* the arcs are in already; now the nodes and their terminals */
        if ((s = af_mf_set_nodes(p->mf, p->nnodes, err)) != AF_OK)
            return s;
        for (int k = 0; k < p->nnodes; k++) {
            af_cap c = (af_cap)llround(fabs(p->tw_real[k]) * scale);
            if (c)
                af_mf_tweight(p->mf, k, p->tw_real[k] < 0 ? c : 0, p->tw_real[k] > 0 ? c : 0);
        }
        af_cap f;
        if ((s = af_mf_solve(p->mf, &f, err)) != AF_OK)
            return s;
        flow = (double)f / scale;
    } else {
        af_bk_reset(p->bk);
        /* BK's allocations that fail come back as -1 (bk.h); the graph
         * then stays failed, so the calls after one fail too */
        int bad = af_bk_add_nodes(p->bk, p->nnodes) < 0;
        for (int k = 0; k < p->nnodes; k++) {
            double c = (double)llround(fabs(p->tw_real[k]) * scale);
            if (c != 0)
                af_bk_add_tweights(p->bk, k, p->tw_real[k] < 0 ? c : 0, p->tw_real[k] > 0 ? c : 0);
        }
        /* "infinite": more than every finite capacity together */
        double inf = ldexp(1.0, 53);
        for (size_t a = 0; a < p->narcs && !bad; a++)
            bad = af_bk_add_edge(p->bk, p->arc_from[a], p->arc_to[a], inf, 0) != 0;
        if (bad || af_bk_solve(p->bk, &flow) != 0) {
            af_error_set(err, AF_ENOMEM,
                         "mm: out of memory for the Boykov-Kolmogorov graph (%d nodes, %zu arcs)",
                         p->nnodes, p->narcs);
            return -1;
        }
        flow /= scale;
    }
    if (flow_out)
        *flow_out = flow;
    if (st)
        st->solve_ms += mm_now_ms() - t0;
    return AF_OK;
}

int mm_graph_side(const af_mm_plan *p, int id)
{
    return p->mf ? af_mf_source_side(p->mf, id) : af_bk_in_source(p->bk, id, 1);
}

int af_mm_plan_dump_dimacs(const af_mm_plan *p, FILE *f)
{
    if (p->last && p->last != p)
        return af_mm_plan_dump_dimacs(p->last, f);
    size_t nt = 0;
    for (int k = 0; k < p->nnodes; k++)
        nt += llround(fabs(p->tw_real[k]) * p->scale) != 0;
    if (fprintf(f, "c advflow step graph\np max %d %zu\nn 1 s\nn 2 t\n", p->nnodes + 2,
                nt + p->narcs) < 0)
        return -1;
    for (int k = 0; k < p->nnodes; k++) {
        long long c = llround(fabs(p->tw_real[k]) * p->scale);
        if (c && fprintf(f, p->tw_real[k] < 0 ? "a 1 %d %lld\n" : "a %d 2 %lld\n", k + 3, c) < 0)
            return -1;
    }
    af_mm_graph gr;
    af_mm_plan_last_graph(p, &gr);
    for (size_t a = 0; a < gr.arcs; a++)
        if (fprintf(f, "a %d %d %lld\n", gr.from[a] + 3, gr.to[a] + 3, (long long)AF_MF_INF) < 0)
            return -1;
    return 0;
}

void af_mm_plan_last_graph(const af_mm_plan *p, af_mm_graph *out)
{
    if (p->last && p->last != p) {
        af_mm_plan_last_graph(p->last, out);
        return;
    }
    out->nodes = p->nnodes;
    out->unary = p->tw_real;
    out->scale = p->scale;
    if (p->mf) {
        af_mf_arcs(p->mf, &out->from, &out->to, &out->arcs);
    } else {
        out->arcs = p->narcs;
        out->from = p->arc_from;
        out->to = p->arc_to;
    }
}
