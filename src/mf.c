/* advflow: minimum s-t cuts by highest-label push-relabel with partial
 * augmentations (internal).
 *
 * The algorithm is phase 1 of Goldberg-Tarjan push-relabel with the
 * heuristics of Cherkassky and Goldberg's HIPR ("On implementing
 * push-relabel method for the maximum flow problem", Algorithmica 1997):
 * active nodes are kept in buckets by distance label and the highest one
 * is processed first; a global relabelling (breadth-first search backwards
 * from the sink) runs at the start and whenever the relabelling work since
 * the last one exceeds a multiple of n + m; the gap heuristic lifts every
 * node above an emptied label out of reach at once.  Instead of single
 * pushes, excess moves along paths of up to AF_MF_PATH admissible arcs
 * (Goldberg's partial augment-relabel, ESA 2008), so that it is not parked
 * and re-selected at every node of the long chains of infinite arcs that
 * the chord construction makes.  Phase 1 ends with a maximum preflow, which
 * is all a minimum cut needs: the maximal source set is the set of nodes
 * that cannot reach the sink in the residual graph, found by one last
 * backward search.
 *
 * Measured on advflow's 512^2 step graph (244k nodes, 771k arcs): 0.40 s,
 * against 13-16 s for Boykov-Kolmogorov and 3.2 s for igraph's
 * push-relabel (bench/bench_mf.c); the published EIBFS and pseudoflow codes
 * took 0.84 s and 1.06 s there.  Almost all relabels (97%) fall on nodes
 * that end on the source side: excess that cannot reach the sink climbs
 * until a gap or a global relabelling retires it.
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
 * Invariants while pushing (valid labelling): for every residual arc u -> v,
 * label[u] <= label[v] + 1; a node of negative excess has label 0; label n
 * means "cannot reach the sink" and such a node is never touched again.
 * Every node with label < n is in exactly one list of its bucket: the
 * active list (singly linked stack) when its excess is positive, else the
 * inactive list (doubly linked, so that a node can leave it in O(1) when a
 * push makes it active).  The node being discharged is in no list.
 *
 * Layout: compressed sparse rows (forward star) built in af_mf_solve from
 * the arc pairs added since af_mf_begin, with the arc arrays split by field
 * (head, mate = index of the paired reverse arc, residual capacity) and
 * int32 node and arc indices.  Packing each arc's fields into one 16-byte
 * record was measured 7% slower: the scans test the residual capacity
 * first and most arcs stop there.
 *
 * GPL-3.0-or-later.
 */
#include "mf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef AF_MF_TRACE
#include <stdio.h>
#endif

#define NIL (-1)
#define FIX_SOURCE 1
#define FIX_SINK 2

/* HIPR's constants: a relabel costs BETA plus the node's degree; a global
 * relabelling runs when that work exceeds (ALPHA n + m) / FREQ.  Other
 * values were no better on the step graphs. */
#define AF_MF_ALPHA 6
#define AF_MF_BETA 12
#ifndef AF_MF_FREQ
#define AF_MF_FREQ 0.5
#endif

/* Longest path of a partial augmentation.  On the 512^2 step graph, 8 to
 * 12 took 20-25% less time than single pushes (HIPR), 4 about 10% less. */
#ifndef AF_MF_PATH
#define AF_MF_PATH 8
#endif

struct af_mf {
    int n;           /* nodes of the current graph */
    int node_room;   /* nodes the node arrays can hold */
    size_t m;        /* arc pairs added since af_mf_begin */
    size_t pair_room;
    size_t arc_room; /* CSR arc slots allocated (two per pair) */
    int bad;         /* an af_mf_tweight call was out of range: solve fails */
    int solved;

    /* Arc pairs as added: tail, head, capacity tail -> head, capacity back. */
    int32_t *pt, *ph;
    af_cap *pc, *pr;

    /* Per node: terminal capacities as added (saturated at AF_MF_INF). */
    af_cap *src, *snk;

    /* Forward star: the arcs leaving i are first[i] .. first[i+1]-1. */
    int32_t *first;
    int32_t *head, *mate;
    af_cap *res;

    /* Per node state of the push-relabel. */
    af_cap *ex;
    int32_t *label, *cur, *next, *prev, *queue;
    /* Nodes fixed by infinite terminal capacities: FIX_SOURCE, FIX_SINK or
     * both (then the minimum cut is infinite). */
    uint8_t *fix;
    /* Per label: heads of the active and inactive lists (n + 1 each). */
    int32_t *act, *inact;

    /* Bounds kept by the main loop: every active node has a label in
     * [amin, amax]; every node with label < n has a label <= dmax. */
    int amax, amin, dmax;

    af_cap flow;
    af_mf_stats st;
};

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
    g->fix = NULL;
    g->src = g->snk = g->ex = NULL;
    g->first = g->label = g->cur = g->next = g->prev = g->queue = g->act = g->inact = NULL;
    g->node_room = 0;
}

/* Room for `nodes` nodes.  Called only from af_mf_begin, when nothing in
 * the node arrays needs to be kept. */
static af_status grow_nodes(af_mf *g, int nodes, af_error *err)
{
    free_nodes(g);
    size_t k = (size_t)nodes + 1;
    g->src = malloc(k * sizeof(af_cap));
    g->snk = malloc(k * sizeof(af_cap));
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
    if (!g->src || !g->snk || !g->ex || !g->first || !g->label || !g->cur || !g->next || !g->prev ||
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
    af_cap *pc = realloc(g->pc, pairs * sizeof(af_cap));
    if (pc)
        g->pc = pc;
    af_cap *pr = realloc(g->pr, pairs * sizeof(af_cap));
    if (pr)
        g->pr = pr;
    if (!pt || !ph || !pc || !pr)
        return af_error_set(err, AF_ENOMEM, "max-flow: out of memory for %zu arcs", pairs);
    g->pair_room = pairs;
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
    if (grow_nodes(g, nodes > 0 ? nodes : 1, err) != AF_OK ||
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
    free(g->pc);
    free(g->pr);
    free(g->head);
    free(g->mate);
    free(g->res);
    free(g);
}

/* ------------------------------------------------------------- building */

af_status af_mf_begin(af_mf *g, int nodes, af_error *err)
{
    if (nodes < 0)
        return af_error_set(err, AF_EINVAL, "max-flow: negative node count %d", nodes);
    g->n = 0;
    g->m = 0;
    g->bad = 0;
    g->solved = 0;
    if (nodes > g->node_room || !g->src) { /* (no arrays after a failed growth) */
        af_status s = grow_nodes(g, nodes > 0 ? nodes : 1, err);
        if (s != AF_OK)
            return s;
    }
    g->n = nodes;
    memset(g->src, 0, (size_t)nodes * sizeof(af_cap));
    memset(g->snk, 0, (size_t)nodes * sizeof(af_cap));
    return AF_OK;
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
    if (i < 0 || i >= g->n || j < 0 || j >= g->n)
        return af_error_set(err, AF_EINVAL, "max-flow: arc %d -> %d outside nodes 0..%d", i, j, g->n - 1);
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
    size_t k = g->m++;
    g->pt[k] = i;
    g->ph[k] = j;
    g->pc[k] = cap < AF_MF_INF ? cap : AF_MF_INF;
    g->pr[k] = rev < AF_MF_INF ? rev : AF_MF_INF;
    return AF_OK;
}

/* Forward star from the pairs: counting sort by tail.  Pairs that are
 * self-loops or have no capacity either way are dropped.  Returns the
 * number of arcs placed. */
static int32_t build_csr(af_mf *g)
{
    const int n = g->n;
    int32_t *first = g->first, *fill = g->cur;
    memset(first, 0, ((size_t)n + 1) * sizeof(int32_t));
    for (size_t k = 0; k < g->m; k++) {
        int32_t i = g->pt[k], j = g->ph[k];
        if (i == j || (g->pc[k] == 0 && g->pr[k] == 0))
            continue;
        first[i + 1]++;
        first[j + 1]++;
    }
    for (int i = 0; i < n; i++) {
        first[i + 1] += first[i];
        fill[i] = first[i];
    }
    for (size_t k = 0; k < g->m; k++) {
        int32_t i = g->pt[k], j = g->ph[k];
        if (i == j || (g->pc[k] == 0 && g->pr[k] == 0))
            continue;
        int32_t a = fill[i]++, b = fill[j]++;
        g->head[a] = j;
        g->mate[a] = b;
        g->res[a] = g->pc[k];
        g->head[b] = i;
        g->mate[b] = a;
        g->res[b] = g->pr[k];
    }
    return first[n];
}

/* --------------------------------------------------------- bucket lists */

static inline void inact_insert(af_mf *g, int32_t i, int d)
{
    int32_t h = g->inact[d];
    g->next[i] = h;
    g->prev[i] = NIL;
    if (h != NIL)
        g->prev[h] = i;
    g->inact[d] = i;
}

static inline void inact_remove(af_mf *g, int32_t i, int d)
{
    int32_t nx = g->next[i], pv = g->prev[i];
    if (pv != NIL)
        g->next[pv] = nx;
    else
        g->inact[d] = nx;
    if (nx != NIL)
        g->prev[nx] = pv;
}

/* ----------------------------------------------------- global relabelling */

/* Exact distance labels by breadth-first search backwards from the nodes
 * of negative excess over residual arcs; nodes not reached get label n.
 * Rebuilds every bucket and resets current arcs.  With buckets == 0 only
 * the labels are computed (the final search that decides the cut). */
static void global_relabel(af_mf *g, int buckets)
{
    const int n = g->n;
    const int32_t *first = g->first, *head = g->head, *mate = g->mate;
    const af_cap *res = g->res, *ex = g->ex;
    int32_t *label = g->label, *queue = g->queue;
    if (buckets)
        for (int d = 0; d <= g->dmax && d < n; d++)
            g->act[d] = g->inact[d] = NIL;
    int32_t qt = 0;
    for (int32_t i = 0; i < n; i++) {
        if (ex[i] < 0) {
            label[i] = 0;
            queue[qt++] = i;
        } else {
            label[i] = n;
        }
    }
    int amax = -1, amin = n, dmax = 0;
    for (int32_t qh = 0; qh < qt; qh++) {
        int32_t v = queue[qh];
        int32_t dv = label[v];
        if (buckets) {
            g->cur[v] = first[v];
            if (ex[v] > 0) {
                g->next[v] = g->act[dv];
                g->act[dv] = v;
                if (dv > amax)
                    amax = dv;
                if (dv < amin)
                    amin = dv;
            } else {
                inact_insert(g, v, dv);
            }
            dmax = dv;
        }
        for (int32_t a = first[v], stop = first[v + 1]; a < stop; a++) {
            int32_t w = head[a];
            if (label[w] == n && res[mate[a]] > 0) {
                label[w] = dv + 1;
                queue[qt++] = w;
            }
        }
    }
#ifdef AF_MF_TRACE
    if (buckets) {
        long long na = 0; double ea = 0; long long below = qt;
        for (int32_t q = 0; q < qt; q++) if (ex[queue[q]] > 0) { na++; ea += (double)ex[queue[q]]; }
        fprintf(stderr, "GR %lld: reached %lld active %lld exc %.3g dmax %d relabels %lld\n", g->st.global_updates, below, na, ea, dmax, g->st.relabels);
    }
#endif
    if (buckets) {
        g->amax = amax;
        g->amin = amin;
        g->dmax = dmax;
        g->st.global_updates++;
    }
}

/* --------------------------------------------------------- push-relabel */

/* Gap at label d: no node is left at label d, so nothing above d can reach
 * a sink any more (a residual path descends by at most one label per arc).
 * Every listed node above d gets label n and leaves its list; the caller
 * handles the nodes it holds outside the lists. */
static void gap(af_mf *g, int d, int dmax)
{
    const int n = g->n;
    int32_t *label = g->label, *next = g->next;
    for (int b = d + 1; b <= dmax; b++) {
        for (int32_t j = g->inact[b]; j != NIL; j = next[j])
            label[j] = n;
        for (int32_t j = g->act[b]; j != NIL; j = next[j])
            label[j] = n;
        g->inact[b] = g->act[b] = NIL;
    }
}

/* Phase 1: partial augment-relabel until no node with label < n has
 * excess.  The highest active node i grows a path of admissible arcs
 * (label dropping by one per arc) from the current arcs on; a node on the
 * path with no admissible arc left is relabelled and, unless it is i, cut
 * off the path (its label rose, so the arc into it is no longer
 * admissible).  When the path reaches a node with nonzero excess (a sink or
 * an active node) or AF_MF_PATH arcs, as much of i's excess as the path
 * carries is pushed to its end at once.  The inner nodes of a path have
 * zero excess before and after, so they stay in their inactive lists. */
static void push_relabel(af_mf *g, int32_t arcs)
{
    const int n = g->n;
    const int32_t *first = g->first, *head = g->head, *mate = g->mate;
    af_cap *res = g->res, *ex = g->ex;
    int32_t *label = g->label, *cur = g->cur, *next = g->next;
    int32_t *act = g->act, *inact = g->inact;
    const double limit = (AF_MF_ALPHA * (double)n + (double)arcs) / AF_MF_FREQ;
    double work = 0;
    long long pushes = 0, relabels = 0, gaps = 0;
    int32_t pnode[AF_MF_PATH + 1], parc[AF_MF_PATH];

    g->dmax = n; /* clear every bucket once */
    global_relabel(g, 1);
    int amax = g->amax, amin = g->amin, dmax = g->dmax;

    while (amax >= amin) {
        int32_t i = act[amax];
        if (i == NIL) {
            amax--;
            continue;
        }
        act[amax] = next[i];
        af_cap e = ex[i];
        int dead = 0; /* i got label n */
        while (e > 0 && !dead) {
            /* Grow a path pnode[0] = i, ..., pnode[len] along parc[]. */
            int len = 0;
            pnode[0] = i;
            for (;;) {
                int32_t u = pnode[len], du = label[u];
                int32_t a = cur[u], stop = first[u + 1];
                for (; a < stop; a++)
                    if (res[a] > 0 && label[head[a]] == du - 1)
                        break;
                if (a < stop) {
                    cur[u] = a;
                    parc[len] = a;
                    int32_t w = head[a];
                    pnode[++len] = w;
                    if (len == AF_MF_PATH || ex[w] != 0)
                        break;
                    continue;
                }

                /* Relabel u: every residual arc leads to a label >= du, so
                 * the new label is at least du + 1 and the scan stops
                 * there. */
                relabels++;
                int32_t nd = n, na = stop;
                for (int32_t b = first[u]; b < stop; b++) {
                    if (res[b] > 0 && label[head[b]] < nd - 1) {
                        nd = label[head[b]] + 1;
                        na = b;
                        if (nd == du + 1)
                            break;
                    }
                }
                work += AF_MF_BETA + (stop - first[u]);
                if (len > 0)
                    inact_remove(g, u, du);
                if (act[du] == NIL && inact[du] == NIL) {
                    /* u was the last node at label du: i and the whole path
                     * lie above the gap */
                    gap(g, du, dmax);
                    label[i] = n;
                    label[u] = n;
                    dmax = du - 1;
                    amax = du - 1;
                    gaps++;
                    dead = 1;
                    break;
                }
                if (len == 0) {
                    if (nd >= n) {
                        label[i] = n;
                        dead = 1;
                        break;
                    }
                    label[i] = nd;
                    cur[i] = na;
                    if (nd > dmax)
                        dmax = nd;
                    amax = nd;
                    continue;
                }
                if (nd >= n) {
                    label[u] = n;
                } else {
                    label[u] = nd;
                    cur[u] = na;
                    inact_insert(g, u, nd);
                    if (nd > dmax)
                        dmax = nd;
                }
                len--;
                cur[pnode[len]]++; /* the arc into u is no longer admissible */
            }
            if (dead)
                break;

            /* Augment along the path; its end may become active. */
            af_cap delta = e;
            for (int t = 0; t < len; t++)
                if (res[parc[t]] < delta)
                    delta = res[parc[t]];
            for (int t = 0; t < len; t++) {
                res[parc[t]] -= delta;
                res[mate[parc[t]]] += delta;
            }
            int32_t w = pnode[len];
            af_cap ew = ex[w];
            if (ew <= 0 && ew + delta > 0) {
                int32_t dw = label[w];
                inact_remove(g, w, dw);
                next[w] = act[dw];
                act[dw] = w;
                if (dw < amin)
                    amin = dw;
            }
            ex[w] = ew + delta;
            e -= delta;
            pushes += len;
        }
        ex[i] = e;
        if (!dead)
            inact_insert(g, i, label[i]);

        if (work > limit) {
            g->dmax = dmax;
            global_relabel(g, 1);
            amax = g->amax;
            amin = g->amin;
            dmax = g->dmax;
            work = 0;
        }
        g->st.relabels = relabels;
    }
    g->st.pushes += pushes;
    g->st.relabels = relabels;
    g->st.gaps += gaps;
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
 * visited first), so the push-relabel never sees them.  Capacities moved
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
    int32_t arcs = build_csr(g);
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
        push_relabel(g, arcs);
        /* The maximal source set: nodes that cannot reach the sink (label
         * n after the final search). */
        global_relabel(g, 0);
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
    g->flow = value;
    g->solved = 1;
    if (flow)
        *flow = value;
    return AF_OK;
}

int af_mf_source_side(const af_mf *g, int i)
{
    if (!g->solved || i < 0 || i >= g->n)
        return 0;
    return g->label[i] >= g->n;
}

void af_mf_get_stats(const af_mf *g, af_mf_stats *st) { *st = g->st; }
