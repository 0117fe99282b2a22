/* advflow: the minimizing-movements step's solver interface (mm_plan.h,
 * mm_internal.h): real costs scaled to integers, advflow's max-flow or
 * Boykov-Kolmogorov, the side of each node, and the last graph replayed for
 * benchmarks.  GPL-3.0-or-later.
 *
 * Independent pieces on threads.  A step's graph often falls apart into
 * pieces that share no arc: separate components of a set have separate
 * bands, and the level-set step puts every threshold of a round (every
 * class, mm_levelset.c) into one graph whose classes share nothing.  With
 * more than one thread, mm_graph_solve finds the pieces (weakly connected
 * components: union-find over the arc list as added to the max-flow),
 * deals them out largest first to AF_PARTS_PER_THREAD batches a thread,
 * and cuts each batch as a graph of its own (nodes renumbered in their
 * order, arcs in theirs) in its own af_mf instance, the batches handed out
 * to the threads largest first.  The result
 * is that of the whole graph, bit for bit: the maximal minimum-cut source
 * set of a disjoint union is the union of the pieces' maximal sets, and
 * the capacities are the whole graph's integers (one scale), so the flow,
 * the pieces' integer flows summed, is the same integer.  A node without
 * arcs is a piece of its own whose side its capacity decides, as af_mf
 * would: the sink side only with a nonzero sink capacity.  A graph of one
 * piece (or whose largest batch would hold nearly all of it) is solved
 * whole, as with one thread; so is every BK solve.  The search costs
 * about 1% of a one-piece step (10 ms of 1 s at n = 2048, 2.5M arcs).
 *
 * Plan, then execute: the instances and arrays are kept in the plan and
 * grow only when a graph is larger than any before, always on the calling
 * thread (af_mf_reserve), so the threads allocate nothing.  When that
 * memory cannot be had, the graph is solved whole (the same result). */
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "mm_internal.h"
#include "mm_plan.h"
#include "threads_internal.h"

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

/* ---- independent pieces ------------------------------------------------ */

/* Graphs of fewer nodes are solved whole: their cut takes a fraction of
 * a millisecond, and the threads' start would eat the gain. */
#define MM_PIECES_MIN_NODES 2048

/* Solved whole when the largest batch would hold more than this share of
 * the work (nodes + arcs): the threads would save little, and the search
 * and the batches' copies cost a few percent of a solve. */
#define MM_PIECES_MAX_SHARE 0.85

/* Most batches of one solve (AF_PARTS_PER_THREAD a thread, below). */
#define MM_PIECES_MAX_BATCHES AF_THREADS_MAX

struct mm_pieces {
    /* per node, for every graph of at least MM_PIECES_MIN_NODES nodes (cap_a) */
    int32_t *bat;      /* union-find parent, then its piece, then its batch (-1: no arcs) */
    uint8_t *side;     /* "has arcs", then its side of the last cut by pieces */
    size_t cap_a;
    /* per node and per piece, for graphs of several pieces (cap_b) */
    int32_t *loc;      /* per node: its number in its batch (before: a root's piece) */
    int32_t *nodes;    /* the batches' nodes, batch by batch, each in increasing order */
    int32_t *pn, *pa, *pb; /* per piece: nodes, arc pairs, batch */
    struct mm_piece_load { int64_t load; int32_t id; } *ord; /* pieces, largest first */
    size_t cap_b;
    int32_t *arcs;     /* the batches' arcs (indices of pairs), batch by batch, in order */
    size_t cap_arcs;
    /* per batch */
    int nb;            /* batches of the last plan */
    size_t n0[MM_PIECES_MAX_BATCHES + 1], a0[MM_PIECES_MAX_BATCHES + 1]; /* starts in nodes, arcs */
    int64_t load[MM_PIECES_MAX_BATCHES];
    af_cap flow[MM_PIECES_MAX_BATCHES];
    af_status status[MM_PIECES_MAX_BATCHES];
    int nmf;           /* instances made (mf[0 .. nmf - 1]), one a batch */
    af_mf *mf[MM_PIECES_MAX_BATCHES];
    int on;            /* the last solve went by pieces: its sides are in side[] */
    long by_pieces;    /* solves by pieces since the plan was made */
    int most;          /* most batches of one solve */
};

void mm_pieces_free(struct mm_pieces *q)
{
    if (!q)
        return;
    free(q->bat);
    free(q->side);
    free(q->loc);
    free(q->nodes);
    free(q->pn);
    free(q->pa);
    free(q->pb);
    free(q->ord);
    free(q->arcs);
    for (int b = 0; b < q->nmf; b++)
        af_mf_free(q->mf[b]);
    free(q);
}

/* Room for `need` entries in the k arrays *arr[i] of elem[i] bytes each
 * (*cap entries now; nothing kept): 0, or -1 when out of memory (then the
 * arrays are all freed and *cap is 0). */
static int room_for(void **arr[], const size_t elem[], int k, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t room = need + need / 4;
    int ok = 1;
    for (int i = 0; i < k; i++) {
        free(*arr[i]);
        *arr[i] = malloc(room * elem[i]);
        ok &= *arr[i] != NULL;
    }
    if (!ok) {
        for (int i = 0; i < k; i++) {
            free(*arr[i]);
            *arr[i] = NULL;
        }
        *cap = 0;
        return -1;
    }
    *cap = room;
    return 0;
}

/* Union-find root, halving the path (parents have lower numbers). */
static inline int32_t uf_find(int32_t *uf, int32_t i)
{
    while (uf[i] != i) {
        uf[i] = uf[uf[i]];
        i = uf[i];
    }
    return i;
}

static int piece_cmp(const void *a, const void *b)
{
    const struct mm_piece_load *x = a, *y = b;
    if (x->load != y->load)
        return x->load > y->load ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/* A node's capacities: c to the sink (tw > 0) or from the source (tw < 0). */
static inline af_cap node_cap(double tw, double scale)
{
    return (af_cap)llround(fabs(tw) * scale);
}

/* Find the pieces of the graph in p->mf and, when cutting them apart on
 * threads pays, deal them out to batches, list each batch's nodes and
 * arcs, set the sides of the nodes without arcs and make each batch's
 * instance ready (nodes begun, arcs reserved).  Returns the number of
 * batches, or 0: solve the graph whole (one thread, one piece, a small
 * graph, or no memory). */
static int pieces_plan(af_mm_plan *p, double scale)
{
    int T = af_threads_get();
    if (T < 2 || p->nnodes < MM_PIECES_MIN_NODES)
        return 0;
    struct mm_pieces *q = p->pieces;
    if (!q && !(q = p->pieces = calloc(1, sizeof *q)))
        return 0;
    size_t nn = (size_t)p->nnodes;
    {
        void **arr[] = {(void **)&q->bat, (void **)&q->side};
        const size_t elem[] = {sizeof *q->bat, 1};
        if (room_for(arr, elem, 2, &q->cap_a, nn))
            return 0;
    }
    const int32_t *pt, *ph;
    size_t m;
    af_mf_arcs(p->mf, &pt, &ph, &m);
    int32_t *uf = q->bat;
    uint8_t *has = q->side;
    for (size_t k = 0; k < nn; k++) {
        uf[k] = (int32_t)k;
        has[k] = 0;
    }
    for (size_t a = 0; a < m; a++) {
        if ((size_t)(uint32_t)pt[a] >= nn || (size_t)(uint32_t)ph[a] >= nn)
            return 0; /* (not from the builder; af_mf_solve reports it) */
        int32_t i = uf_find(uf, pt[a]), j = uf_find(uf, ph[a]);
        has[pt[a]] = has[ph[a]] = 1;
        if (i < j)
            uf[j] = i;
        else if (j < i)
            uf[i] = j;
    }
    /* pieces with arcs: their roots have arcs (a piece of several nodes
     * has arcs at every node) */
    int32_t nw = 0;
    for (size_t k = 0; k < nn && nw < 2; k++)
        nw += uf[k] == (int32_t)k && has[k];
    if (nw < 2)
        return 0;
    {
        void **arr[] = {(void **)&q->loc, (void **)&q->nodes, (void **)&q->pn, (void **)&q->pa,
                        (void **)&q->pb, (void **)&q->ord};
        const size_t elem[] = {sizeof *q->loc, sizeof *q->nodes, sizeof *q->pn, sizeof *q->pa,
                               sizeof *q->pb, sizeof *q->ord};
        if (room_for(arr, elem, 6, &q->cap_b, nn))
            return 0;
        void **arr2[] = {(void **)&q->arcs};
        const size_t elem2[] = {sizeof *q->arcs};
        if (room_for(arr2, elem2, 1, &q->cap_arcs, m))
            return 0;
    }
    /* pieces numbered in the order of their first node: a parent has a
     * lower number, so in increasing order every parent already points
     * at its root */
    int32_t *loc = q->loc;
    int32_t np = 0;
    for (size_t k = 0; k < nn; k++) {
        if (uf[k] == (int32_t)k) {
            loc[k] = np;
            q->pn[np] = 0;
            q->pa[np] = 0;
            np++;
        } else {
            uf[k] = uf[uf[k]];
        }
        q->pn[loc[uf[k]]]++;
    }
    for (size_t k = 0; k < nn; k++)
        uf[k] = loc[uf[k]];
    for (size_t a = 0; a < m; a++)
        q->pa[uf[pt[a]]]++;
    /* the pieces with arcs, largest first (nodes + arcs: about the work) */
    nw = 0;
    int64_t total = 0;
    for (int32_t c = 0; c < np; c++)
        if (q->pa[c] > 0) {
            q->ord[nw].load = (int64_t)q->pn[c] + (int64_t)q->pa[c];
            q->ord[nw].id = c;
            total += q->ord[nw].load;
            nw++;
        }
    qsort(q->ord, (size_t)nw, sizeof *q->ord, piece_cmp);
    if (q->ord[0].load > MM_PIECES_MAX_SHARE * (double)total)
        return 0;
    /* batches: AF_PARTS_PER_THREAD a thread (handed out largest first, so
     * that a thread whose core is busy elsewhere holds up little; and the
     * work of a piece is only roughly its size); each piece, largest
     * first, to the batch with the least work so far (the first of
     * equals): a deal that depends on the sizes and T only */
    int B = AF_PARTS_PER_THREAD * (T < MM_PIECES_MAX_BATCHES ? T : MM_PIECES_MAX_BATCHES);
    B = B < MM_PIECES_MAX_BATCHES ? B : MM_PIECES_MAX_BATCHES;
    B = nw < B ? (int)nw : B;
    size_t bn[MM_PIECES_MAX_BATCHES], ba[MM_PIECES_MAX_BATCHES];
    for (int b = 0; b < B; b++) {
        q->load[b] = 0;
        bn[b] = ba[b] = 0;
    }
    for (int32_t k = 0; k < nw; k++) {
        int best = 0;
        for (int b = 1; b < B; b++)
            if (q->load[b] < q->load[best])
                best = b;
        int32_t c = q->ord[k].id;
        q->load[best] += q->ord[k].load;
        q->pb[c] = best;
        bn[best] += (size_t)q->pn[c];
        ba[best] += (size_t)q->pa[c];
    }
    int64_t most = 0;
    for (int b = 0; b < B; b++)
        most = q->load[b] > most ? q->load[b] : most;
    if (most > MM_PIECES_MAX_SHARE * (double)total)
        return 0;
    /* each batch's nodes and arcs, in their order: a node's number in its
     * batch is its place there; a node without arcs has its side at once
     * (af_mf puts it on the sink side only with a nonzero capacity to the
     * sink) */
    q->n0[0] = q->a0[0] = 0;
    for (int b = 0; b < B; b++) {
        q->n0[b + 1] = q->n0[b] + bn[b];
        q->a0[b + 1] = q->a0[b] + ba[b];
        bn[b] = ba[b] = 0;
    }
    for (size_t k = 0; k < nn; k++) {
        int32_t c = uf[k];
        if (q->pa[c] == 0) {
            uf[k] = -1;
            double tw = p->tw_real[k];
            q->side[k] = !(tw > 0 && node_cap(tw, scale) != 0);
        } else {
            int b = q->pb[c];
            uf[k] = b;
            loc[k] = (int32_t)bn[b]++;
            q->nodes[q->n0[b] + (size_t)loc[k]] = (int32_t)k;
        }
    }
    for (size_t a = 0; a < m; a++) {
        int b = uf[pt[a]];
        q->arcs[q->a0[b] + ba[b]++] = (int32_t)a;
    }
    /* the instances, made and grown here (the threads allocate nothing) */
    for (; q->nmf < B; q->nmf++)
        if (!(q->mf[q->nmf] = af_mf_alloc(1024, 4096, NULL)))
            return 0;
    for (int b = 0; b < B; b++) {
        if (af_mf_begin(q->mf[b], (int)bn[b], NULL) != AF_OK
            || af_mf_reserve(q->mf[b], ba[b], NULL) != AF_OK)
            return 0;
        af_mf_set_interrupt(q->mf[b], p->prm.interrupt);
    }
    q->nb = B;
    return B;
}

/* Build and cut batch b (pieces_plan) in its instance: its status, and
 * its flow in q->flow[b]. */
static af_status pieces_cut(const af_mm_plan *p, struct mm_pieces *q, int b, double scale,
                            af_error *err)
{
    af_mf *g = q->mf[b];
    const int32_t *pt, *ph;
    af_mf_arcs(p->mf, &pt, &ph, NULL);
    const int32_t *nodes = q->nodes + q->n0[b], *loc = q->loc;
    const int nb = (int)(q->n0[b + 1] - q->n0[b]);
    for (int i = 0; i < nb; i++) {
        double tw = p->tw_real[nodes[i]];
        af_cap c = node_cap(tw, scale);
        if (c)
            af_mf_tweight(g, i, tw < 0 ? c : 0, tw > 0 ? c : 0);
    }
    af_status s;
    for (size_t j = q->a0[b]; j < q->a0[b + 1]; j++) {
        int32_t a = q->arcs[j];
        if ((s = af_mf_arc(g, loc[pt[a]], loc[ph[a]], AF_MF_INF, 0, err)) != AF_OK)
            return s;
    }
    if ((s = af_mf_solve(g, &q->flow[b], err)) != AF_OK)
        return s;
    for (int i = 0; i < nb; i++)
        q->side[nodes[i]] = (uint8_t)af_mf_source_side(g, i);
    return AF_OK;
}

/* Cut the batches that pieces_plan made, on threads, the largest first;
 * the flow (an integer: the sum of the batches') in *flow. */
static af_status pieces_solve(af_mm_plan *p, double scale, af_cap *flow, af_error *err)
{
    struct mm_pieces *q = p->pieces;
    const int B = q->nb;
    struct mm_piece_load order[MM_PIECES_MAX_BATCHES];
    for (int b = 0; b < B; b++) {
        order[b].load = q->load[b];
        order[b].id = b;
    }
    qsort(order, (size_t)B, sizeof *order, piece_cmp);
    int fail = -1; /* the first failed batch (in batch order) */
    af_error fail_err;
    fail_err.msg[0] = 0;
#pragma omp parallel for num_threads(af_threads_get() < B ? af_threads_get() : B) \
    schedule(dynamic, 1)
    for (int k = 0; k < B; k++) {
        int b = order[k].id;
        af_error e;
        q->status[b] = pieces_cut(p, q, b, scale, &e);
        if (q->status[b] != AF_OK) {
#pragma omp critical(mm_pieces_fail)
            if (fail < 0 || b < fail) {
                fail = b;
                fail_err = e;
            }
        }
    }
    if (fail >= 0) {
        if (err)
            *err = fail_err;
        return q->status[fail];
    }
    af_cap f = 0;
    for (int b = 0; b < B; b++)
        f += q->flow[b];
    *flow = f;
    q->on = 1;
    q->by_pieces++;
    q->most = B > q->most ? B : q->most;
    return AF_OK;
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
    if (p->pieces)
        p->pieces->on = 0;
    if (p->nnodes == 0) {
        /* nothing can change */
    } else if (p->mf && pieces_plan(p, scale) > 0) {
        af_cap f = 0;
        if ((s = pieces_solve(p, scale, &f, err)) != AF_OK)
            return s;
        flow = (double)f / scale;
    } else if (p->mf) {
        /* the arcs are in already; now the nodes and their terminals */
        if ((s = af_mf_set_nodes(p->mf, p->nnodes, err)) != AF_OK)
            return s;
        for (int k = 0; k < p->nnodes; k++) {
            af_cap c = node_cap(p->tw_real[k], scale);
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
        if (bad || af_bk_solve(p->bk, &flow) != 0)
            return af_error_set(err, AF_ENOMEM,
                                "mm: out of memory for the Boykov-Kolmogorov graph (%d nodes, %zu arcs)",
                                p->nnodes, p->narcs);
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
    if (p->pieces && p->pieces->on)
        return p->pieces->side[id];
    return p->mf ? af_mf_source_side(p->mf, id) : af_bk_in_source(p->bk, id, 1);
}

void af_mm_plan_pieces(const af_mm_plan *p, long *solves, int *most)
{
    long n = 0;
    int b = 0;
    for (; p; p = p->child)
        if (p->pieces) {
            n += p->pieces->by_pieces;
            b = p->pieces->most > b ? p->pieces->most : b;
        }
    if (solves)
        *solves = n;
    if (most)
        *most = b;
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
