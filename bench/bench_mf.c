/* advflow benchmark: minimum s-t cuts of step graphs.  Times advflow's own
 * solver (mf.h) against Boykov-Kolmogorov (bk.h) and igraph's push-relabel
 * (igraph_mf.h) on the same graphs and checks that the flow values agree.
 *
 *   bench_mf [--no-bk] [--no-igraph] [--reps K] [--shuffle] [--write PREFIX]
 *            [FILE.max ...]
 *
 * Each FILE is a DIMACS max-flow problem (p max N M; n ID s; n ID t;
 * a U V CAP; capacities >= 2^60 are infinite).  With no file, two
 * synthetic step graphs like advflow's are made: a 512^2 grid, a disc of
 * radius 150 cells, variables in the band |signed distance| <= 12 cells,
 * l2 disc of radius 4 cells, h = eps = 4 cells, rho0 = rho1 = 1/2, box
 * [-1, 1]^2, once with naive ball arcs and once with chords (docs/design.md).
 * Prints `name = value` lines; times in milliseconds, for mf the median of
 * K runs (default 3) including building the graph.  --shuffle renumbers
 * the nodes at random first (order and cache effects); --write PREFIX also
 * writes the synthetic graphs as PREFIX-naive.max and PREFIX-chords.max.  GPL-3.0-or-later. */
#include "benchutil.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bk.h"
#include "igraph_mf.h"
#include "mf.h"

/* A problem: nodes 0..n-1 besides source and sink, terminal capacities
 * and one-way arcs (caps >= AF_MF_INF are infinite). */
typedef struct {
    int n;
    af_cap *cs, *ct;
    size_t m, room;
    int *tail, *head;
    af_cap *cap;
    af_cap st; /* source -> sink arcs */
} problem;

static void die(const char *what)
{
    fprintf(stderr, "bench_mf: %s\n", what);
    exit(1);
}

static void *xcalloc(size_t k, size_t size)
{
    void *p = calloc(k ? k : 1, size);
    if (!p)
        die("out of memory");
    return p;
}

static void pb_init(problem *p, int n)
{
    memset(p, 0, sizeof *p);
    p->n = n;
    /* room for at least 1024 so that pb_node can grow at powers of two */
    p->cs = xcalloc((size_t)n > 1024 ? (size_t)n : 1024, sizeof(af_cap));
    p->ct = xcalloc((size_t)n > 1024 ? (size_t)n : 1024, sizeof(af_cap));
}

static int pb_node(problem *p)
{
    if ((p->n & (p->n - 1)) == 0 && p->n >= 1024) {
        /* grow terminal arrays at powers of two */
        size_t k = 2 * (size_t)p->n;
        p->cs = realloc(p->cs, k * sizeof(af_cap));
        p->ct = realloc(p->ct, k * sizeof(af_cap));
        if (!p->cs || !p->ct)
            die("out of memory");
    }
    p->cs[p->n] = p->ct[p->n] = 0;
    return p->n++;
}

static void pb_arc(problem *p, int u, int v, af_cap c)
{
    if (p->m == p->room) {
        p->room = p->room ? 2 * p->room : 1024;
        p->tail = realloc(p->tail, p->room * sizeof(int));
        p->head = realloc(p->head, p->room * sizeof(int));
        p->cap = realloc(p->cap, p->room * sizeof(af_cap));
        if (!p->tail || !p->head || !p->cap)
            die("out of memory");
    }
    p->tail[p->m] = u;
    p->head[p->m] = v;
    p->cap[p->m] = c < AF_MF_INF ? c : AF_MF_INF;
    p->m++;
}

static void pb_free(problem *p)
{
    free(p->cs);
    free(p->ct);
    free(p->tail);
    free(p->head);
    free(p->cap);
}

/* ---------------------------------------------------------------- DIMACS */

/* Node 1 is the source, 2 the sink, graph node i is i + 3. */
static void write_dimacs(const problem *p, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        die("cannot write a graph file");
    size_t m = p->m + (p->st > 0);
    for (int i = 0; i < p->n; i++)
        m += (p->cs[i] > 0) + (p->ct[i] > 0);
    fprintf(f, "p max %d %zu\nn 1 s\nn 2 t\n", p->n + 2, m);
    if (p->st > 0)
        fprintf(f, "a 1 2 %lld\n", (long long)p->st);
    for (int i = 0; i < p->n; i++) {
        if (p->cs[i] > 0)
            fprintf(f, "a 1 %d %lld\n", i + 3, (long long)p->cs[i]);
        if (p->ct[i] > 0)
            fprintf(f, "a %d 2 %lld\n", i + 3, (long long)p->ct[i]);
    }
    for (size_t k = 0; k < p->m; k++)
        fprintf(f, "a %d %d %lld\n", p->tail[k] + 3, p->head[k] + 3, (long long)p->cap[k]);
    if (fclose(f) != 0)
        die("cannot write a graph file");
}

static void read_dimacs(problem *p, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        die("cannot open a graph file");
    char line[256];
    long long nn = -1, s = 1, t = 2;
    long long *map = NULL;
    int ready = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == 'p') {
            long long mm;
            if (sscanf(line, "p max %lld %lld", &nn, &mm) != 2 || nn < 2 || nn > INT32_MAX)
                die("bad p line");
            pb_init(p, 0);
            p->room = (size_t)mm;
            p->tail = malloc(p->room * sizeof(int));
            p->head = malloc(p->room * sizeof(int));
            p->cap = malloc(p->room * sizeof(af_cap));
            if (!p->tail || !p->head || !p->cap)
                die("out of memory");
        } else if (line[0] == 'n') {
            long long id;
            char which;
            if (sscanf(line, "n %lld %c", &id, &which) != 2)
                die("bad n line");
            if (which == 's')
                s = id;
            else
                t = id;
        } else if (line[0] == 'a') {
            if (!ready) {
                if (nn < 0)
                    die("arc before p line");
                /* graph nodes are the ids other than s and t, in order */
                map = xcalloc((size_t)nn + 1, sizeof *map);
                int k = 0;
                for (long long id = 1; id <= nn; id++)
                    map[id] = id == s || id == t ? -1 : k++;
                free(p->cs);
                free(p->ct);
                p->n = k;
                p->cs = xcalloc((size_t)k, sizeof(af_cap));
                p->ct = xcalloc((size_t)k, sizeof(af_cap));
                ready = 1;
            }
            long long u, v;
            long long c;
            if (sscanf(line, "a %lld %lld %lld", &u, &v, &c) != 3 || u < 1 || u > nn || v < 1 || v > nn || c < 0)
                die("bad a line");
            if (c > AF_MF_INF)
                c = AF_MF_INF;
            if (u == s && v == t)
                p->st += c;
            else if (u == s && v != s)
                p->cs[map[v]] += c;
            else if (v == t && u != t)
                p->ct[map[u]] += c;
            else if (u != s && u != t && v != s && v != t && u != v)
                pb_arc(p, (int)map[u], (int)map[v], c);
        }
    }
    fclose(f);
    free(map);
    if (!ready)
        die("no arcs");
    for (int i = 0; i < p->n; i++) {
        if (p->cs[i] > AF_MF_INF)
            p->cs[i] = AF_MF_INF;
        if (p->ct[i] > AF_MF_INF)
            p->ct[i] = AF_MF_INF;
    }
}

/* ------------------------------------------------------- synthetic graph */

enum { SN = 512, SR = 4, SBAND = 12 };
#define SCALE 1048576.0 /* integer capacity of one unit of cost */

/* Node ids of chord nodes: chord[w][cell] = maximum (or minimum) of u over
 * the row segment of half-width w centred on cell.  -1: constant 0,
 * -3: constant 1, -2: not made yet. */
typedef struct {
    problem *p;
    const int *var; /* cell -> node id, -1 fixed 0, -3 fixed 1 */
    int *chord[SR + 1];
    int maxside; /* 1: segment maxima (arcs into the chord node); 0: minima */
} chords;

static int chord_node(chords *c, int w, int x, int y)
{
    if (x < 0 || x >= SN)
        return c->maxside ? -1 : -3; /* off the grid: neutral */
    int cell = y * SN + x;
    if (w == 0)
        return c->var[cell];
    int *slot = &c->chord[w][cell];
    if (*slot != -2)
        return *slot;
    int in[3], k = 0;
    if (w == 1) {
        in[k++] = chord_node(c, 0, x - 1, y);
        in[k++] = chord_node(c, 0, x, y);
        in[k++] = chord_node(c, 0, x + 1, y);
    } else {
        in[k++] = chord_node(c, w - 1, x - 1, y);
        in[k++] = chord_node(c, w - 1, x + 1, y);
    }
    /* max: any constant 1 makes it 1; all constant 0 make it 0 (min: dual) */
    int absorbing = c->maxside ? -3 : -1, neutral = c->maxside ? -1 : -3;
    int all_neutral = 1;
    for (int t = 0; t < k; t++) {
        if (in[t] == absorbing)
            return *slot = absorbing;
        if (in[t] != neutral)
            all_neutral = 0;
    }
    if (all_neutral)
        return *slot = neutral;
    int id = pb_node(c->p);
    for (int t = 0; t < k; t++)
        if (in[t] >= 0) {
            if (c->maxside)
                pb_arc(c->p, in[t], id, AF_MF_INF);
            else
                pb_arc(c->p, id, in[t], AF_MF_INF);
        }
    return *slot = id;
}

static void make_synthetic(problem *p, int use_chords)
{
    const double cx = 256.3, cy = 255.7, r0 = 150, h = 4;
    /* Costs in units of dx^2 on the box [-1, 1]^2 (dx = 2 / SN): a cell
     * costs |sd| / h (lengths in cells), an auxiliary node rho0 / w_B with
     * w_B = 0.937 R cells = 0.937 R dx in length, hence the 1 / dx.  (The
     * perimeter is one dimension lower than the area term.) */
    const double a = 0.5 / (SR * 0.937 * (2.0 / SN));
    int *var = xcalloc((size_t)SN * SN, sizeof(int));
    double *sd = xcalloc((size_t)SN * SN, sizeof(double));
    pb_init(p, 0);
    for (int y = 0; y < SN; y++)
        for (int x = 0; x < SN; x++) {
            int cell = y * SN + x;
            sd[cell] = hypot(x - cx, y - cy) - r0;
            if (sd[cell] < -SBAND)
                var[cell] = -3;
            else if (sd[cell] > SBAND)
                var[cell] = -1;
            else {
                int id = pb_node(p);
                var[cell] = id;
                /* being in A costs sd / h outside A_k, being out costs
                 * |sd| / h inside */
                af_cap c = (af_cap)llround(fabs(sd[cell]) / h * SCALE);
                if (sd[cell] > 0)
                    p->ct[id] += c;
                else
                    p->cs[id] += c;
            }
        }
    af_cap ac = (af_cap)llround(a * SCALE);
    chords cmax = {p, var, {0}, 1}, cmin = {p, var, {0}, 0};
    for (int w = 1; w <= SR; w++) {
        cmax.chord[w] = xcalloc((size_t)SN * SN, sizeof(int));
        cmin.chord[w] = xcalloc((size_t)SN * SN, sizeof(int));
        for (size_t k = 0; k < (size_t)SN * SN; k++)
            cmax.chord[w][k] = cmin.chord[w][k] = -2;
    }
    int in[4 * SR * SR + 4 * SR + 1];
    for (int y = 0; y < SN; y++)
        for (int x = 0; x < SN; x++) {
            if (fabs(sd[y * SN + x]) > SBAND + SR + 1)
                continue;
            for (int side = 0; side < 2; side++) {
                /* side 0: z_x >= u over B(x), cost a on z = 1;
                 * side 1: w_x <= u over B(x), reward a on w = 1 */
                chords *c = side == 0 ? &cmax : &cmin;
                int absorbing = side == 0 ? -3 : -1;
                int k = 0, forced = 0;
                for (int dy = -SR; dy <= SR && !forced; dy++) {
                    int yy = y + dy;
                    if (yy < 0 || yy >= SN)
                        continue;
                    int hw = (int)floor(sqrt((double)(SR * SR - dy * dy)));
                    if (use_chords) {
                        int v = chord_node(c, hw, x, yy);
                        if (v == absorbing)
                            forced = 1;
                        else if (v >= 0)
                            in[k++] = v;
                    } else {
                        for (int dx = -hw; dx <= hw && !forced; dx++) {
                            int xx = x + dx;
                            if (xx < 0 || xx >= SN)
                                continue;
                            int v = var[yy * SN + xx];
                            if (v == absorbing)
                                forced = 1;
                            else if (v >= 0)
                                in[k++] = v;
                        }
                    }
                }
                if (forced || k == 0)
                    continue;
                int z = pb_node(p);
                if (side == 0) {
                    p->ct[z] += ac;
                    for (int t = 0; t < k; t++)
                        pb_arc(p, in[t], z, AF_MF_INF);
                } else {
                    p->cs[z] += ac;
                    for (int t = 0; t < k; t++)
                        pb_arc(p, z, in[t], AF_MF_INF);
                }
            }
        }
    for (int w = 1; w <= SR; w++) {
        free(cmax.chord[w]);
        free(cmin.chord[w]);
    }
    free(var);
    free(sd);
}

/* ---------------------------------------------------------------- solvers */

/* Capacity of the cut our solver returned (saturated at AF_MF_INF). */
static af_cap cut_capacity(const af_mf *g, const problem *p)
{
    af_cap c = p->st;
    for (int i = 0; i < p->n; i++) {
        c += af_mf_source_side(g, i) ? p->ct[i] : p->cs[i];
        if (c > AF_MF_INF)
            c = AF_MF_INF;
    }
    for (size_t k = 0; k < p->m; k++) {
        if (af_mf_source_side(g, p->tail[k]) && !af_mf_source_side(g, p->head[k]))
            c += p->cap[k];
        if (c > AF_MF_INF)
            c = AF_MF_INF;
    }
    return c;
}

static af_cap run_mf(af_mf *g, const problem *p, af_mf_stats *st)
{
    af_error err;
    af_cap flow;
    if (af_mf_begin(g, p->n, &err) != AF_OK)
        die(err.msg);
    for (int i = 0; i < p->n; i++)
        if (p->cs[i] || p->ct[i])
            af_mf_tweight(g, i, p->cs[i], p->ct[i]);
    for (size_t k = 0; k < p->m; k++)
        if (af_mf_arc(g, p->tail[k], p->head[k], p->cap[k], 0, &err) != AF_OK)
            die(err.msg);
    if (af_mf_solve(g, &flow, &err) != AF_OK)
        die(err.msg);
    af_mf_get_stats(g, st);
    return flow + p->st;
}

static double to_double(af_cap c) { return c >= AF_MF_INF ? ldexp(1, 60) : (double)c; }

static double run_bk(const problem *p)
{
    af_bk *g = af_bk_alloc(p->n, (int)p->m);
    if (!g)
        die("out of memory (BK)");
    if (af_bk_add_nodes(g, p->n) < 0)
        die("out of memory (BK)");
    for (int i = 0; i < p->n; i++)
        if (p->cs[i] || p->ct[i])
            af_bk_add_tweights(g, i, to_double(p->cs[i]), to_double(p->ct[i]));
    for (size_t k = 0; k < p->m; k++)
        af_bk_add_edge(g, p->tail[k], p->head[k], to_double(p->cap[k]), 0);
    double f;
    if (af_bk_solve(g, &f) != 0) /* after a failed add_edge too: the graph stays failed */
        die("out of memory (BK)");
    af_bk_free(g);
    return f + (double)p->st;
}

/* igraph gets explicit terminals: source n, sink n + 1.  Returns the flow
 * value; *ms is the time of igraph_maxflow alone. */
static double run_igraph(const problem *p, double *ms)
{
    size_t mm = p->m;
    for (int i = 0; i < p->n; i++)
        mm += (p->cs[i] > 0) + (p->ct[i] > 0);
    int *tail = xcalloc(mm, sizeof(int)), *head = xcalloc(mm, sizeof(int));
    double *cap = xcalloc(mm, sizeof(double));
    size_t k = 0;
    for (size_t e = 0; e < p->m; e++, k++) {
        tail[k] = p->tail[e];
        head[k] = p->head[e];
        cap[k] = to_double(p->cap[e]);
    }
    for (int i = 0; i < p->n; i++) {
        if (p->cs[i] > 0) {
            tail[k] = p->n;
            head[k] = i;
            cap[k++] = to_double(p->cs[i]);
        }
        if (p->ct[i] > 0) {
            tail[k] = i;
            head[k] = p->n + 1;
            cap[k++] = to_double(p->ct[i]);
        }
    }
    af_error err;
    af_igmf *g = af_igmf_new(p->n + 2, mm, tail, head, cap, &err);
    free(tail);
    free(head);
    free(cap);
    if (!g)
        die(err.msg);
    double value;
    double t0 = bu_now();
    if (af_igmf_solve(g, p->n, p->n + 1, &value, &err) != AF_OK)
        die(err.msg);
    *ms = 1e3 * (bu_now() - t0);
    af_igmf_free(g);
    return value + (double)p->st;
}

/* Renumber the nodes by a random permutation (cache and order effects). */
static void shuffle(problem *p, unsigned seed)
{
    int *perm = xcalloc((size_t)p->n, sizeof(int));
    af_cap *cs = xcalloc((size_t)p->n, sizeof(af_cap)), *ct = xcalloc((size_t)p->n, sizeof(af_cap));
    uint64_t s = seed * 2654435761u + 1;
    for (int i = 0; i < p->n; i++)
        perm[i] = i;
    for (int i = p->n - 1; i > 0; i--) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        int j = (int)(s % (uint64_t)(i + 1)), t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    for (int i = 0; i < p->n; i++) {
        cs[perm[i]] = p->cs[i];
        ct[perm[i]] = p->ct[i];
    }
    for (size_t k = 0; k < p->m; k++) {
        p->tail[k] = perm[p->tail[k]];
        p->head[k] = perm[p->head[k]];
    }
    memcpy(p->cs, cs, (size_t)p->n * sizeof(af_cap));
    memcpy(p->ct, ct, (size_t)p->n * sizeof(af_cap));
    free(cs);
    free(ct);
    free(perm);
}

/* Processor time of this process, less sensitive than bu_now to other
 * programs sharing the machine. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int agree(double a, double b) { return fabs(a - b) <= 1e-9 * fmax(1, fmax(fabs(a), fabs(b))); }

/* One `name = value` line, the figure's name carrying the graph's tag so
 * that every line of a run has a name of its own. */
static void put(const char *what, const char *tag, double value)
{
    char name[256];
    snprintf(name, sizeof name, "%s_%s", what, tag);
    bu_print(name, value);
}

static void bench(const char *name, const char *tag, const problem *p, int reps, int do_bk,
                  int do_ig)
{
    printf("# %s: %d nodes, %zu arcs\n", name, p->n, p->m);
    af_error err;
    af_mf *g = af_mf_alloc(p->n, p->m, &err);
    if (!g)
        die(err.msg);
    double t[64], cpu[64];
    af_cap flow = 0;
    af_mf_stats st;
    if (reps > 64)
        reps = 64;
    for (int r = 0; r < reps; r++) {
        double t0 = bu_now(), c0 = cpu_now();
        flow = run_mf(g, p, &st);
        t[r] = 1e3 * (bu_now() - t0);
        cpu[r] = 1e3 * (cpu_now() - c0);
    }
    int cut_ok = cut_capacity(g, p) == flow;
    af_mf_free(g);
    double mf_ms = bu_median(t, reps);
    put("mf_ms", tag, mf_ms);
    put("mf_cpu_ms", tag, bu_median(cpu, reps));
    put("mf_pushes", tag, (double)st.pushes);
    put("mf_relabels", tag, (double)st.relabels);
    put("mf_global_updates", tag, (double)st.global_updates);
    put("mf_gaps", tag, (double)st.gaps);
    put("mf_flow", tag, (double)flow);
    put("mf_cut_equals_flow", tag, cut_ok);
    if (!cut_ok)
        die("the cut returned does not have the flow's capacity");
    if (do_bk) {
        double t0 = bu_now();
        double f = run_bk(p);
        double ms = 1e3 * (bu_now() - t0);
        put("bk_ms", tag, ms);
        put("bk_vs_mf_ratio", tag, ms / mf_ms);
        put("bk_agrees", tag, agree(f, (double)flow));
        if (!agree(f, (double)flow))
            die("BK and mf flow values differ");
    }
    if (do_ig) {
        double ms;
        double f = run_igraph(p, &ms);
        put("igraph_ms", tag, ms);
        put("igraph_vs_mf_ratio", tag, ms / mf_ms);
        put("igraph_agrees", tag, agree(f, (double)flow));
        if (!agree(f, (double)flow))
            die("igraph and mf flow values differ");
    }
}

int main(int argc, char **argv)
{
    int do_bk = 1, do_ig = 1, reps = 3, files = 0, shuf = 0;
    const char *write = NULL;
    for (int k = 1; k < argc; k++) {
        if (!strcmp(argv[k], "--no-bk"))
            do_bk = 0;
        else if (!strcmp(argv[k], "--no-igraph"))
            do_ig = 0;
        else if (!strcmp(argv[k], "--write") && k + 1 < argc)
            write = argv[++k];
        else if (!strcmp(argv[k], "--shuffle"))
            shuf = 1;
        else if (!strcmp(argv[k], "--reps") && k + 1 < argc)
            reps = atoi(argv[++k]) > 0 ? atoi(argv[k]) : 1;
        else {
            problem p;
            read_dimacs(&p, argv[k]);
            if (shuf)
                shuffle(&p, 1);
            char tag[32];
            snprintf(tag, sizeof tag, "file%d", files + 1);
            bench(argv[k], tag, &p, reps, do_bk, do_ig);
            pb_free(&p);
            files++;
        }
    }
    if (files == 0) {
        for (int c = 0; c < 2; c++) {
            problem p;
            make_synthetic(&p, c);
            if (shuf)
                shuffle(&p, 1);
            if (write) {
                char path[4096];
                snprintf(path, sizeof path, "%s-%s.max", write, c ? "chords" : "naive");
                write_dimacs(&p, path);
            }
            bench(c ? "synthetic 512^2, chords" : "synthetic 512^2, naive ball",
                  c ? "chords_512" : "naive_512", &p, reps, do_bk, do_ig);
            pb_free(&p);
        }
    }
    return 0;
}
