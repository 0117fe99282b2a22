/* advflow: minimum s-t cuts by highest-label pseudoflow (internal).
 *
 * The algorithm is Hochbaum's pseudoflow ("The pseudoflow algorithm: a new
 * algorithm for the maximum-flow problem", Oper. Res. 2008), highest-label
 * variant as in Chandran and Hochbaum (Oper. Res. 2009), written here from
 * the papers.  Nodes form a forest; only roots carry excess; a tree is
 * strong when its root's excess is positive.  The strong root r of highest
 * label l is processed: a depth-first search of the label-l part of its
 * tree looks for a node u with a residual arc to a node w of label l - 1;
 * if there is one (merger), u becomes the root of r's tree, is hung below
 * w, and r's excess is pushed up the tree path towards the new root,
 * splitting the tree at every arc that cannot carry it all (the node below
 * becomes a strong root with what is left).  If there is none, every node
 * of the label-l part gets label l + 1.  Labels start as exact distances to
 * the nodes of negative excess (one breadth-first search) and only grow by
 * one; the gap heuristic (no node left at label l: nothing above can reach
 * a sink) retires the trapped parts at once.  Labels in a tree never
 * decrease from the root down, which keeps every residual arc u -> v at
 * label[u] <= label[v] + 1.
 *
 * Why not push-relabel (HIPR with global relabelling, gaps and partial
 * augmentations; advflow used it before, see the history of this file): on
 * the step graphs excess has
 * to travel far, through basins that push-relabel fills one label at a
 * time; 97% of its relabels fell on nodes that end on the source side, and
 * its time grew like m^1.9 from 512^2 to 2048^2.  A merger moves a whole
 * tree's excess along a tree path at once.  Measured on step graphs of one
 * flow at three resolutions (143k / 321k / 672k nodes, 0.45 / 1.0 / 2.1M
 * arcs; bench_mf): push-relabel 0.46 / 1.30 / 5.9 s, 8.9 / 21.5 / 88.7M
 * relabels; pseudoflow 0.10 / 0.27 / 0.69 s, 1.7 / 4.9 / 12.3M relabels
 * (time about m^1.26).
 *
 * At the end only strong roots hold excess, and since roots of negative
 * excess only ever receive flow, the pseudoflow is a preflow in the netted
 * sense below; no strong node has a residual arc to a weak one (labels
 * n), so it is a maximum preflow, and the maximal source set is found as
 * before: the nodes that cannot reach a node of negative excess in the
 * residual graph (one last backward search).
 *
 * Source and sink are implicit.  Each node i has a signed excess: source
 * capacity minus sink capacity after sending min(cs, ct) straight along
 * s -> i -> t (that flow is counted at once and never revisited).  A node
 * with negative excess still has residual capacity to the sink and acts as
 * a sink itself: flow pushed into it is absorbed.  Distance labels are
 * therefore distances to the nearest node of negative excess (which has
 * label 0), and a node is active when its excess is positive.  Nodes with
 * an infinite terminal capacity, and those tied to them by infinite arcs,
 * are taken out before the search (see fold_fixed), so that every excess
 * stays below the sum of the finite capacities.
 *
 * Pseudoflow bookkeeping: every node with label < n is in the doubly
 * linked list of its label (inact[], for gaps); strong roots are stacked
 * by label (act[], rnext[]); trees are parent pointers with the arc to the
 * parent, and child lists with sibling links.  Label n means "cannot reach
 * the sink"; such a node is never touched again.
 *
 * Layout: compressed sparse rows (forward star) built in af_mf_solve from
 * the arc pairs added since af_mf_begin, with the arc arrays split by field
 * (head, mate = index of the paired reverse arc, residual capacity) and
 * int32 node and arc indices.  Packing each arc's fields into one 16-byte
 * record was measured 7% slower with push-relabel: the scans test the
 * residual capacity first and most arcs stop there.  Memory per arc pair:
 * 8 bytes as added (tail, head; capacities only for pairs other than
 * (AF_MF_INF, 0): 20 more) and 32 in the forward star; per node 81 bytes.
 *
 * GPL-3.0-or-later.
 */
#include "mf.h"

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NIL (-1)
#define FIX_SOURCE 1
#define FIX_SINK 2

struct af_mf {
    int n;           /* nodes of the current graph */
    int node_room;   /* nodes the node arrays can hold */
    size_t m;        /* arc pairs added since af_mf_begin */
    size_t pair_room;
    size_t arc_room; /* CSR arc slots allocated (two per pair) */
    int bad;         /* an af_mf_tweight call was out of range: solve fails */
    int solved;

    /* Arc pairs as added: tail and head.  Capacities are kept only for
     * the pairs that are not (AF_MF_INF, 0), the step graphs' only kind:
     * pair xk[e] has capacities xc[e] forward and xr[e] back, xk
     * increasing; every other pair is (AF_MF_INF, 0). */
    int32_t *pt, *ph;
    uint32_t *xk;
    af_cap *xc, *xr;
    size_t nx, x_room;

    /* Per node: terminal capacities as added (saturated at AF_MF_INF). */
    af_cap *src, *snk;

    /* Forward star: the arcs leaving i are first[i] .. first[i+1]-1. */
    int32_t *first;
    int32_t *head, *mate;
    af_cap *res;

    /* Per node state: excess, distance label, current arc, list links, and
     * a queue for the breadth-first searches. */
    af_cap *ex;
    int32_t *label, *cur, *next, *prev, *queue;
    /* Pseudoflow forest: parent, arc to the parent, first child, sibling
     * links, DFS resume point, next strong root of the same label. */
    int32_t *par, *parc, *child, *sibn, *sibp, *rnext;
    /* Nodes fixed by infinite terminal capacities: FIX_SOURCE, FIX_SINK or
     * both (then the minimum cut is infinite). */
    uint8_t *fix;
    /* Per label: heads of the active and inactive lists (n + 1 each). */
    int32_t *act, *inact;

    af_mf_stats st;

    /* The caller's interrupt flag (NULL: none), read every INTR_EVERY
     * iterations of the pseudoflow loop. */
    const volatile sig_atomic_t *intr;
};

/* Pseudoflow iterations between two looks at the interrupt flag: an
 * iteration costs well under a microsecond on the step graphs, so the
 * flag is seen within milliseconds, and the look costs nothing measurable. */
#define INTR_EVERY 4096

/* ---------------------------------------------------------------- memory */

static void free_nodes(af_mf *g)
{
    free(g->src);
    free(g->snk);
    free(g->ex);
    free(g->first);
    free(g->label);
    free(g->cur);
    free(g->next);
    free(g->prev);
    free(g->queue);
    free(g->act);
    free(g->inact);
    free(g->fix);
    free(g->par);
    free(g->parc);
    free(g->child);
    free(g->sibn);
    free(g->sibp);
    free(g->rnext);
    g->par = g->parc = g->child = g->sibn = g->sibp = g->rnext = NULL;
    g->fix = NULL;
    g->src = g->snk = g->ex = NULL;
    g->first = g->label = g->cur = g->next = g->prev = g->queue = g->act = g->inact = NULL;
    g->node_room = 0;
}

/* Room for `nodes` nodes, keeping the terminal capacities of the first
 * `keep` nodes (everything else in the node arrays is scratch). */
static af_status grow_nodes(af_mf *g, int nodes, int keep, af_error *err)
{
    size_t k = (size_t)nodes + 1;
    af_cap *src = malloc(k * sizeof(af_cap)), *snk = malloc(k * sizeof(af_cap));
    if (src && snk && keep > 0 && g->src && g->snk) {
        memcpy(src, g->src, (size_t)keep * sizeof(af_cap));
        memcpy(snk, g->snk, (size_t)keep * sizeof(af_cap));
    }
    free_nodes(g);
    g->src = src;
    g->snk = snk;
    g->ex = malloc(k * sizeof(af_cap));
    g->first = malloc(k * sizeof(int32_t));
    g->label = malloc(k * sizeof(int32_t));
    g->cur = malloc(k * sizeof(int32_t));
    g->next = malloc(k * sizeof(int32_t));
    g->prev = malloc(k * sizeof(int32_t));
    g->queue = malloc(k * sizeof(int32_t));
    g->act = malloc(k * sizeof(int32_t));
    g->inact = malloc(k * sizeof(int32_t));
    g->fix = malloc(k);
    g->par = malloc(k * sizeof(int32_t));
    g->parc = malloc(k * sizeof(int32_t));
    g->child = malloc(k * sizeof(int32_t));
    g->sibn = malloc(k * sizeof(int32_t));
    g->sibp = malloc(k * sizeof(int32_t));
    g->rnext = malloc(k * sizeof(int32_t));
    if (!g->par || !g->parc || !g->child || !g->sibn || !g->sibp || !g->rnext ||
        !g->src || !g->snk || !g->ex || !g->first || !g->label || !g->cur || !g->next || !g->prev ||
        !g->queue || !g->act || !g->inact || !g->fix) {
        free_nodes(g);
        return af_error_set(err, AF_ENOMEM, "max-flow: out of memory for %d nodes", nodes);
    }
    g->node_room = nodes;
    return AF_OK;
}

/* Room for `pairs` arc pairs, keeping those added so far. */
static af_status grow_pairs(af_mf *g, size_t pairs, af_error *err)
{
    int32_t *pt = realloc(g->pt, pairs * sizeof(int32_t));
    if (pt)
        g->pt = pt;
    int32_t *ph = realloc(g->ph, pairs * sizeof(int32_t));
    if (ph)
        g->ph = ph;
    if (!pt || !ph)
        return af_error_set(err, AF_ENOMEM, "max-flow: out of memory for %zu arcs", pairs);
    g->pair_room = pairs;
    return AF_OK;
}

/* Room for `k` pairs with capacities other than (AF_MF_INF, 0). */
static af_status grow_x(af_mf *g, size_t k, af_error *err)
{
    uint32_t *xk = realloc(g->xk, k * sizeof(uint32_t));
    if (xk)
        g->xk = xk;
    af_cap *xc = realloc(g->xc, k * sizeof(af_cap));
    if (xc)
        g->xc = xc;
    af_cap *xr = realloc(g->xr, k * sizeof(af_cap));
    if (xr)
        g->xr = xr;
    if (!xk || !xc || !xr)
        return af_error_set(err, AF_ENOMEM, "max-flow: out of memory for %zu finite arcs", k);
    g->x_room = k;
    return AF_OK;
}

/* Room for `arcs` forward-star arcs (two per pair); nothing kept. */
static af_status grow_arcs(af_mf *g, size_t arcs, af_error *err)
{
    free(g->head);
    free(g->mate);
    free(g->res);
    g->head = malloc(arcs * sizeof(int32_t));
    g->mate = malloc(arcs * sizeof(int32_t));
    g->res = malloc(arcs * sizeof(af_cap));
    if (!g->head || !g->mate || !g->res) {
        free(g->head);
        free(g->mate);
        free(g->res);
        g->head = g->mate = NULL;
        g->res = NULL;
        g->arc_room = 0;
        return af_error_set(err, AF_ENOMEM, "max-flow: out of memory for %zu arcs", arcs / 2);
    }
    g->arc_room = arcs;
    return AF_OK;
}

af_mf *af_mf_alloc(int nodes, size_t arcs, af_error *err)
{
    if (nodes < 0)
        return af_error_set(err, AF_EINVAL, "max-flow: negative node count %d", nodes), NULL;
    if (arcs > (size_t)INT32_MAX / 2)
        return af_error_set(err, AF_ENOMEM, "max-flow: %zu arcs exceed the limit of %d", arcs, INT32_MAX / 2),
               NULL;
    af_mf *g = calloc(1, sizeof *g);
    if (!g)
        return af_error_set(err, AF_ENOMEM, "max-flow: out of memory"), NULL;
    if (grow_nodes(g, nodes > 0 ? nodes : 1, 0, err) != AF_OK ||
        grow_pairs(g, arcs > 0 ? arcs : 1, err) != AF_OK ||
        grow_arcs(g, 2 * (arcs > 0 ? arcs : 1), err) != AF_OK) {
        af_mf_free(g);
        return NULL;
    }
    return g;
}

void af_mf_free(af_mf *g)
{
    if (!g)
        return;
    free_nodes(g);
    free(g->pt);
    free(g->ph);
    free(g->xk);
    free(g->xc);
    free(g->xr);
    free(g->head);
    free(g->mate);
    free(g->res);
    free(g);
}

/* ------------------------------------------------------------- building */

af_status af_mf_set_nodes(af_mf *g, int nodes, af_error *err)
{
    if (nodes < 0)
        return af_error_set(err, AF_EINVAL, "max-flow: negative node count %d", nodes);
    g->solved = 0;
    if (nodes > g->node_room || !g->src) { /* (no arrays after a failed growth) */
        /* grow by a quarter at least, in case of many small steps */
        int room = g->node_room + g->node_room / 4;
        if (room < nodes || room > INT32_MAX - 1)
            room = nodes;
        af_status s = grow_nodes(g, room > 0 ? room : 1, g->src ? g->n : 0, err);
        if (s != AF_OK) {
            g->n = 0;
            g->bad = 1; /* the terminal capacities are lost */
            return s;
        }
    }
    if (nodes > g->n) {
        memset(g->src + g->n, 0, (size_t)(nodes - g->n) * sizeof(af_cap));
        memset(g->snk + g->n, 0, (size_t)(nodes - g->n) * sizeof(af_cap));
    }
    g->n = nodes;
    return AF_OK;
}

af_status af_mf_begin(af_mf *g, int nodes, af_error *err)
{
    if (nodes < 0)
        return af_error_set(err, AF_EINVAL, "max-flow: negative node count %d", nodes);
    g->n = 0;
    g->m = 0;
    g->nx = 0;
    g->bad = 0;
    return af_mf_set_nodes(g, nodes, err); /* n = 0: nothing to keep */
}

/* a + b for 0 <= a, b <= AF_MF_INF, saturated at AF_MF_INF (no overflow:
 * the sum is at most 2^61). */
static inline af_cap sat_add(af_cap a, af_cap b)
{
    af_cap s = a + b;
    return s < AF_MF_INF ? s : AF_MF_INF;
}

void af_mf_tweight(af_mf *g, int i, af_cap source, af_cap sink)
{
    if (i < 0 || i >= g->n || source < 0 || sink < 0) {
        g->bad = 1;
        return;
    }
    g->src[i] = sat_add(g->src[i], source < AF_MF_INF ? source : AF_MF_INF);
    g->snk[i] = sat_add(g->snk[i], sink < AF_MF_INF ? sink : AF_MF_INF);
}

af_status af_mf_arc(af_mf *g, int i, int j, af_cap cap, af_cap rev, af_error *err)
{
    if (cap < 0 || rev < 0)
        return af_error_set(err, AF_EINVAL, "max-flow: arc %d -> %d has a negative capacity", i, j);
    if (g->m == g->pair_room) {
        if (g->m >= (size_t)INT32_MAX / 2)
            return af_error_set(err, AF_ENOMEM, "max-flow: more than %d arcs", INT32_MAX / 2);
        size_t want = 2 * g->pair_room;
        if (want > (size_t)INT32_MAX / 2)
            want = (size_t)INT32_MAX / 2;
        af_status s = grow_pairs(g, want, err);
        if (s != AF_OK)
            return s;
    }
    if (cap > AF_MF_INF)
        cap = AF_MF_INF;
    if (rev > AF_MF_INF)
        rev = AF_MF_INF;
    if (cap != AF_MF_INF || rev != 0) {
        if (g->nx == g->x_room) {
            af_status s = grow_x(g, g->x_room ? 2 * g->x_room : 256, err);
            if (s != AF_OK)
                return s;
        }
        g->xk[g->nx] = (uint32_t)g->m;
        g->xc[g->nx] = cap;
        g->xr[g->nx] = rev;
        g->nx++;
    }
    size_t k = g->m++;
    g->pt[k] = i;
    g->ph[k] = j;
    return AF_OK;
}

af_status af_mf_reserve(af_mf *g, size_t arcs, af_error *err)
{
    if (arcs > (size_t)INT32_MAX / 2)
        return af_error_set(err, AF_ENOMEM, "max-flow: %zu arcs exceed the limit of %d", arcs, INT32_MAX / 2);
    af_status s;
    if (arcs > g->pair_room && (s = grow_pairs(g, arcs, err)) != AF_OK)
        return s;
    if (2 * arcs > g->arc_room && (s = grow_arcs(g, 2 * arcs, err)) != AF_OK)
        return s;
    return AF_OK;
}

void af_mf_arcs(const af_mf *g, const int32_t **tail, const int32_t **head, size_t *m)
{
    if (tail)
        *tail = g->pt;
    if (head)
        *head = g->ph;
    if (m)
        *m = g->m;
}

void af_mf_arc_caps(const af_mf *g, size_t k, af_cap *cap, af_cap *rev)
{
    /* binary search of k among the pairs with stored capacities */
    size_t lo = 0, hi = g->nx;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->xk[mid] < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    af_cap c = AF_MF_INF, r = 0;
    if (lo < g->nx && g->xk[lo] == k) {
        c = g->xc[lo];
        r = g->xr[lo];
    }
    if (cap)
        *cap = c;
    if (rev)
        *rev = r;
}

/* Forward star from the pairs: counting sort by tail.  Pairs that are
 * self-loops or have no capacity either way are dropped.  Returns the
 * number of arcs placed, or -1 if some pair has an end outside the nodes. */
static int32_t build_csr(af_mf *g)
{
    const int n = g->n;
    const int32_t *pt = g->pt, *ph = g->ph;
    const uint32_t *xk = g->xk;
    int32_t *first = g->first, *fill = g->cur;
    memset(first, 0, ((size_t)n + 1) * sizeof(int32_t));
    size_t e = 0;
    for (size_t k = 0; k < g->m; k++) {
        int32_t i = pt[k], j = ph[k];
        if ((uint32_t)i >= (uint32_t)n || (uint32_t)j >= (uint32_t)n)
            return -1;
        if (e < g->nx && xk[e] == k) {
            e++;
            if (g->xc[e - 1] == 0 && g->xr[e - 1] == 0)
                continue;
        }
        if (i == j)
            continue;
        first[i + 1]++;
        first[j + 1]++;
    }
    for (int i = 0; i < n; i++) {
        first[i + 1] += first[i];
        fill[i] = first[i];
    }
    e = 0;
    for (size_t k = 0; k < g->m; k++) {
        int32_t i = pt[k], j = ph[k];
        af_cap c = AF_MF_INF, r = 0;
        if (e < g->nx && xk[e] == k) {
            c = g->xc[e];
            r = g->xr[e];
            e++;
            if (c == 0 && r == 0)
                continue;
        }
        if (i == j)
            continue;
        int32_t a = fill[i]++, b = fill[j]++;
        g->head[a] = j;
        g->mate[a] = b;
        g->res[a] = c;
        g->head[b] = i;
        g->mate[b] = a;
        g->res[b] = r;
    }
    return first[n];
}

/* --------------------------------------------------------- bucket lists */

/* Doubly linked lists threaded through next[] / prev[] with the head in
 * *head: the label lists (inact[]) and the tree child lists (child[] with
 * sibn[] / sibp[]) share them. */
static inline void dl_insert(int32_t *head, int32_t *next, int32_t *prev, int32_t i)
{
    int32_t h = *head;
    next[i] = h;
    prev[i] = NIL;
    if (h != NIL)
        prev[h] = i;
    *head = i;
}

static inline void dl_remove(int32_t *head, int32_t *next, int32_t *prev, int32_t i)
{
    int32_t nx = next[i], pv = prev[i];
    if (pv != NIL)
        next[pv] = nx;
    else
        *head = nx;
    if (nx != NIL)
        prev[nx] = pv;
}

static inline void inact_insert(af_mf *g, int32_t i, int d)
{
    dl_insert(&g->inact[d], g->next, g->prev, i);
}

static inline void inact_remove(af_mf *g, int32_t i, int d)
{
    dl_remove(&g->inact[d], g->next, g->prev, i);
}

/* ----------------------------------------------------- global relabelling */

/* Exact distance labels by breadth-first search backwards from the nodes
 * of negative excess over residual arcs; nodes not reached get label n.
 * Used to start the pseudoflow and, at the end, to decide the cut. */
static void global_relabel(af_mf *g)
{
    const int n = g->n;
    const int32_t *first = g->first, *head = g->head, *mate = g->mate;
    const af_cap *res = g->res, *ex = g->ex;
    int32_t *label = g->label, *queue = g->queue;
    int32_t qt = 0;
    for (int32_t i = 0; i < n; i++) {
        if (ex[i] < 0) {
            label[i] = 0;
            queue[qt++] = i;
        } else {
            label[i] = n;
        }
    }
    for (int32_t qh = 0; qh < qt; qh++) {
        int32_t v = queue[qh];
        int32_t dv = label[v];
        for (int32_t a = first[v], stop = first[v + 1]; a < stop; a++) {
            int32_t w = head[a];
            if (label[w] == n && res[mate[a]] > 0) {
                label[w] = dv + 1;
                queue[qt++] = w;
            }
        }
    }
}

/* ------------------------------------------------------------ pseudoflow */

static inline void child_add(af_mf *g, int32_t p, int32_t c)
{
    dl_insert(&g->child[p], g->sibn, g->sibp, c);
}

static inline void child_remove(af_mf *g, int32_t p, int32_t c)
{
    dl_remove(&g->child[p], g->sibn, g->sibp, c);
}

static inline void root_push(af_mf *g, int32_t r, int *amax)
{
    int d = g->label[r];
    if (d >= g->n)
        return;
    g->rnext[r] = g->act[d];
    g->act[d] = r;
    if (d > *amax)
        *amax = d;
}

/* Node u (label d) is done: label d + 1 (or n), new label list. */
static inline void hpf_relabel(af_mf *g, int32_t u, int d, int *dmax)
{
    inact_remove(g, u, d);
    g->cur[u] = g->first[u];
    if (d + 1 < g->n) {
        g->label[u] = d + 1;
        inact_insert(g, u, d + 1);
        if (d + 1 > *dmax)
            *dmax = d + 1;
    } else {
        g->label[u] = g->n;
    }
}

/* Highest-label pseudoflow (Hochbaum 2008; Chandran and Hochbaum 2009). */
/* Returns 0, or -1 when the interrupt flag was raised (the preflow is then
 * left as it was: valid, but not maximal). */
static int pseudoflow(af_mf *g)
{
    const int n = g->n;
    const int32_t *first = g->first, *head = g->head, *mate = g->mate;
    af_cap *res = g->res, *ex = g->ex;
    int32_t *label = g->label, *cur = g->cur, *par = g->par, *parc = g->parc, *child = g->child,
            *sibn = g->sibn, *scan = g->queue, *act = g->act, *inact = g->inact, *rnext = g->rnext;
    long long pushes = 0, relabels = 0, gaps = 0;

    /* Exact initial labels: distances to the nodes of negative excess. */
    global_relabel(g);
    g->st.global_updates++;
    for (int d = 0; d < n; d++)
        act[d] = inact[d] = NIL;
    int amax = -1, dmax = 0;
    for (int32_t i = 0; i < n; i++) {
        par[i] = child[i] = NIL;
        cur[i] = first[i];
        if (label[i] < n) {
            inact_insert(g, i, label[i]);
            if (label[i] > dmax)
                dmax = label[i];
            if (ex[i] > 0)
                root_push(g, i, &amax);
        }
    }

    unsigned tick = 0;
    while (amax >= 0) {
        if (g->intr && ++tick % INTR_EVERY == 0 && *g->intr) {
            g->st.pushes += pushes;
            g->st.relabels += relabels;
            g->st.gaps += gaps;
            return -1;
        }
        int32_t r = act[amax];
        if (r == NIL) {
            amax--;
            continue;
        }
        act[amax] = rnext[r];
        const int l = amax;
        if (label[r] != l || par[r] != NIL || ex[r] <= 0)
            continue;

        /* Depth-first search of the label-l part of r's tree for a node u
         * with a residual arc to a node of label l - 1. */
        int32_t u = r, a = NIL;
        scan[r] = child[r];
        for (;;) {
            int32_t stop = first[u + 1];
            for (a = cur[u]; a < stop; a++)
                if (res[a] > 0 && label[head[a]] == l - 1)
                    break;
            cur[u] = a;
            if (a < stop)
                break;
            a = NIL;
            /* descend into the next child of label l, or finish u */
            int32_t c = NIL;
            for (;;) {
                while (scan[u] != NIL && label[scan[u]] != l)
                    scan[u] = sibn[scan[u]];
                if (scan[u] != NIL) {
                    c = scan[u];
                    scan[u] = sibn[c];
                    break;
                }
                relabels++;
                hpf_relabel(g, u, l, &dmax);
                if (u == r)
                    break;
                u = par[u];
            }
            if (c == NIL)
                break;
            u = c;
            scan[u] = child[u];
        }

        if (a == NIL) {
            /* r's label-l part is now at l + 1 */
            if (inact[l] == NIL) {
                gaps++;
                for (int b = l + 1; b <= dmax; b++) {
                    for (int32_t j = inact[b]; j != NIL; j = g->next[j])
                        label[j] = n;
                    inact[b] = NIL;
                }
                dmax = l - 1;
                amax = l - 1;
            } else {
                root_push(g, r, &amax);
            }
            continue;
        }

        /* Merger: make u the root of its tree, hang it below w = head[a],
         * then push r's excess towards the root of w's tree, splitting the
         * tree where an arc saturates. */
        int32_t w = head[a];
        {
            int32_t x = u, xa = NIL, xp = NIL; /* xp: new parent of x */
            while (x != NIL) {
                int32_t up = par[x], upa = parc[x];
                if (up != NIL)
                    child_remove(g, up, x);
                par[x] = xp;
                parc[x] = xa;
                if (xp != NIL)
                    child_add(g, xp, x);
                xp = x;
                xa = up != NIL ? mate[upa] : NIL;
                x = up;
            }
            par[u] = w;
            parc[u] = a;
            child_add(g, w, u);
        }
        int32_t x = r;
        af_cap prev_ex = 1;
        while (ex[x] > 0 && par[x] != NIL) {
            int32_t p = par[x], b = parc[x];
            af_cap e = ex[x], c = res[b];
            prev_ex = ex[p];
            pushes++;
            if (c < e) {
                res[b] = 0;
                res[mate[b]] += c;
                ex[p] += c;
                ex[x] = e - c;
                child_remove(g, p, x);
                par[x] = NIL;
                root_push(g, x, &amax);
            } else {
                res[b] = c - e;
                res[mate[b]] += e;
                ex[p] += e;
                ex[x] = 0;
            }
            x = p;
        }
        if (par[x] == NIL && ex[x] > 0 && prev_ex <= 0)
            root_push(g, x, &amax);
    }
    g->st.pushes += pushes;
    g->st.relabels += relabels;
    g->st.gaps += gaps;
    return 0;
}

/* ---------------------------------------------------- infinite terminals */

/* Nodes with an infinite terminal capacity, and every node joined to them
 * by infinite arcs in the right direction, lie on that terminal's side of
 * every finite cut.  Marks them in fix[] (breadth-first closures: forward
 * along infinite arcs from infinite sources, backward from infinite
 * sinks).  Returns 1 if some node is forced to both sides: then every cut
 * is infinite. */
static int close_fixed(af_mf *g)
{
    const int n = g->n;
    const int32_t *first = g->first, *head = g->head, *mate = g->mate;
    const af_cap *res = g->res;
    uint8_t *fix = g->fix;
    int32_t *queue = g->queue;
    for (int side = FIX_SOURCE; side <= FIX_SINK; side++) {
        int32_t qt = 0;
        for (int32_t i = 0; i < n; i++)
            if (fix[i] & side)
                queue[qt++] = i;
        for (int32_t qh = 0; qh < qt; qh++) {
            int32_t v = queue[qh];
            for (int32_t a = first[v]; a < first[v + 1]; a++) {
                int32_t w = head[a];
                af_cap c = side == FIX_SOURCE ? res[a] : res[mate[a]];
                if (c >= AF_MF_INF && !(fix[w] & side)) {
                    fix[w] |= (uint8_t)side;
                    queue[qt++] = w;
                }
            }
        }
    }
    for (int32_t i = 0; i < n; i++)
        if (fix[i] == (FIX_SOURCE | FIX_SINK))
            return 1;
    return 0;
}

/* Add terminal capacity to node i, keeping the excess netted: adding r to
 * the sink side of a node with excess e sends min(max(e, 0), r) straight
 * through, and symmetrically for the source side. */
static inline void add_terminal(af_mf *g, int32_t i, af_cap source, af_cap sink, af_cap *direct)
{
    af_cap e = g->ex[i];
    if (source > 0) {
        if (e < 0)
            *direct += -e < source ? -e : source;
        e += source;
    }
    if (sink > 0) {
        if (e > 0)
            *direct += e < sink ? e : sink;
        e -= sink;
    }
    g->ex[i] = e;
}

/* Remove the fixed nodes from the problem: an arc from a source-fixed
 * node to a free node becomes source capacity of the free node, an arc
 * from a free node to a sink-fixed node sink capacity, an arc from the
 * source-fixed to the sink-fixed part a constant; then every arc at a
 * fixed node is zeroed (each pair is counted once, by whichever end is
 * visited first), so the pseudoflow never sees them.  Capacities moved
 * here are finite: an infinite one would have fixed its other end. */
static void fold_fixed(af_mf *g, af_cap *direct)
{
    const int n = g->n;
    const int32_t *first = g->first, *head = g->head, *mate = g->mate;
    af_cap *res = g->res;
    const uint8_t *fix = g->fix;
    for (int32_t v = 0; v < n; v++) {
        if (!fix[v])
            continue;
        for (int32_t a = first[v]; a < first[v + 1]; a++) {
            int32_t w = head[a];
            af_cap out = res[a], in = res[mate[a]];
            if (out == 0 && in == 0)
                continue;
            if (fix[v] == FIX_SOURCE && fix[w] == 0)
                add_terminal(g, w, out, 0, direct);
            else if (fix[v] == FIX_SINK && fix[w] == 0)
                add_terminal(g, w, 0, in, direct);
            else if (fix[v] == FIX_SOURCE && fix[w] == FIX_SINK)
                *direct += out;
            else if (fix[v] == FIX_SINK && fix[w] == FIX_SOURCE)
                *direct += in;
            res[a] = res[mate[a]] = 0;
        }
    }
}

/* ---------------------------------------------------------------- solve */

af_status af_mf_solve(af_mf *g, af_cap *flow, af_error *err)
{
    g->solved = 0;
    memset(&g->st, 0, sizeof g->st);
    if (g->bad)
        return af_error_set(err, AF_EINVAL,
                            "max-flow: af_mf_tweight got a node outside 0..%d or a negative capacity", g->n - 1);
    if (2 * g->m > g->arc_room) {
        af_status s = grow_arcs(g, 2 * g->m, err);
        if (s != AF_OK)
            return s;
    }
    const int n = g->n;
    if (build_csr(g) < 0)
        return af_error_set(err, AF_EINVAL, "max-flow: an arc has an end outside nodes 0..%d", n - 1);
    uint8_t *fix = g->fix;
    af_cap *ex = g->ex;

    /* Infinite terminal capacities: fix their nodes and what infinite arcs
     * tie to them, and take those nodes out (see fold_fixed), so that every
     * capacity left at a terminal is finite and excesses stay below the
     * sum of finite capacities. */
    int any_fixed = 0, infinite = 0;
    for (int i = 0; i < n; i++) {
        fix[i] = (uint8_t)((g->src[i] >= AF_MF_INF ? FIX_SOURCE : 0) | (g->snk[i] >= AF_MF_INF ? FIX_SINK : 0));
        any_fixed |= fix[i];
    }
    if (any_fixed)
        infinite = close_fixed(g);

    /* Net the terminal capacities: min(cs, ct) flows along s -> i -> t.  A
     * fixed node pays its finite terminal capacity as a constant. */
    af_cap direct = 0;
    for (int i = 0; i < n; i++) {
        af_cap cs = g->src[i], ct = g->snk[i];
        if (fix[i]) {
            ex[i] = 0;
            if (fix[i] == FIX_SOURCE)
                direct = sat_add(direct, ct);
            else if (fix[i] == FIX_SINK)
                direct = sat_add(direct, cs);
            continue;
        }
        direct += cs < ct ? cs : ct;
        ex[i] = cs - ct;
    }
    if (any_fixed && !infinite)
        fold_fixed(g, &direct);
    af_cap deficit0 = 0;
    for (int i = 0; i < n; i++)
        if (ex[i] < 0)
            deficit0 -= ex[i];

    if (n > 0 && !infinite) {
        if (pseudoflow(g) != 0)
            return af_error_set(err, AF_EINTR, "max-flow: interrupted");
        /* The maximal source set: nodes that cannot reach the sink (label
         * n after the final search). */
        global_relabel(g);
    }
    for (int i = 0; i < n; i++)
        if (fix[i] || infinite) /* (with an infinite cut: the source-fixed nodes) */
            g->label[i] = fix[i] & FIX_SOURCE ? n : 0;

    /* The flow value: the direct flow plus what the sinks absorbed. */
    af_cap deficit1 = 0;
    for (int i = 0; i < n; i++)
        if (ex[i] < 0)
            deficit1 -= ex[i];
    af_cap value = sat_add(direct, deficit0 - deficit1);
    if (infinite)
        value = AF_MF_INF;
    g->solved = 1;
    if (flow)
        *flow = value;
    return AF_OK;
}

void af_mf_set_interrupt(af_mf *g, const volatile sig_atomic_t *flag) { g->intr = flag; }

int af_mf_source_side(const af_mf *g, int i)
{
    if (!g->solved || i < 0 || i >= g->n)
        return 0;
    return g->label[i] >= g->n;
}

void af_mf_get_stats(const af_mf *g, af_mf_stats *st) { *st = g->st; }
