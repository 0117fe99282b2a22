/* advflow: the level-set step (mm.h, af_mm_plan_step_levelset).
 * GPL-3.0-or-later.
 *
 * Every threshold at once.  A^t, the selected minimiser of
 * Per_eps(A) + sum_x kfid rho (u_k(x) - t) 1_A(x), is nested in t (the cost of
 * each cell falls as t grows, and the selected minimiser of a submodular
 * energy is monotone in its unary costs), so u_{k+1}(x) = inf { t : x in A^t }
 * is known to within an interval (lo, hi] once x's side of a few cuts is:
 * x in A^t gives u_{k+1}(x) <= t, else u_{k+1}(x) > t.
 *
 * Divide and conquer (Hochbaum 2001; Chambolle and Darbon 2009).  Every
 * cell of the band starts with (-inf, +inf).  Round 0 cuts at t = 0 (the mask
 * step from {u_k < 0}), round 1 at -T and +T (T = ls_range), and each later
 * round halves every interval inside [-T, T] until it is ls_tol wide; cells
 * below -T or above T are done after round 1 (their values are cut to
 * -+T: only the zero contour and its neighbours matter, and redistancing
 * rebuilds the rest).  With T = 2 dx and ls_tol = dx / 64: 9 rounds.
 *
 * One cut per round for every interval.  Take interval I = (lo, hi], cut at
 * t_I, and its cells S_I.  Nestedness fixes every other cell for that cut: a
 * cell whose interval lies below I is in A^{t_I}, one above is not, and
 * cells outside the band keep the side of u_k.  The cut for I is then the
 * band problem on S_I with those cells fixed (the minimal minimiser of a
 * problem constrained to L <= A <= U is the unconstrained one when that lies
 * between L and U).  The problems of different intervals share no term: the
 * term max_{B(x)} 1_A (weight rho0) is constant for I unless no cell of B(x)
 * lies below I, so it belongs to the interval of the lowest cell of B(x) if
 * that interval is being cut, else to none; the term min_{B(x)} 1_A (rho1)
 * likewise to that of the highest cell.  So one graph holds them all, each
 * cell and term tagged with its interval's class (mm_graph.c), and its
 * minimum cut is every interval's cut.  A round's graph is no larger than
 * the mask step's; the rounds after the first two hold only the thin band
 * |u_{k+1}| < T.
 *
 * Band.  As for masks: cells with -w_in <= u_k / dx <= w_out are variables
 * (with room for T), the others keep u_k; if a cell whose side changed at
 * t = -T, 0 or T touches a fixed cell of finite u_k, the band widens on that
 * side and the step starts again.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mm_plan.h"
#include "threads_internal.h"

/* Keys order the intervals: band cells get their interval's midpoint with
 * -+inf read as -+2 BIG, cells outside the band -+3 BIG (below / above every
 * threshold).  BIG exceeds every capped |u_k|. */
#define BIG(p) (4.0 * (p)->s_cap + 1.0)

/* Allocate the level-set arrays on first use. */
static af_status ls_alloc(af_mm_plan *p, af_error *err)
{
    if (p->lo)
        return AF_OK;
    size_t cells = p->cells, layers = mm_memo_entries(p);
    p->lo = malloc(cells * sizeof(double));
    p->hi = malloc(cells * sizeof(double));
    p->key = malloc(cells * sizeof(double));
    p->cls = malloc(cells * sizeof(int32_t));
    p->tcls[0] = malloc((size_t)p->nb * cells * sizeof(int32_t));
    p->tcls[1] = malloc((size_t)p->nb * cells * sizeof(int32_t));
    p->memo_cls[0] = malloc(layers * sizeof(int32_t));
    p->memo_cls[1] = malloc(layers * sizeof(int32_t));
    if (!p->lo || !p->hi || !p->key || !p->cls || !p->tcls[0] || !p->tcls[1] || !p->memo_cls[0]
        || !p->memo_cls[1]) {
        /* free them all (p->lo == NULL: allocate all again next time) */
        void **all[] = {(void **)&p->lo, (void **)&p->hi, (void **)&p->key, (void **)&p->cls,
                        (void **)&p->tcls[0], (void **)&p->tcls[1], (void **)&p->memo_cls[0],
                        (void **)&p->memo_cls[1]};
        for (size_t k = 0; k < sizeof all / sizeof *all; k++) {
            free(*all[k]);
            *all[k] = NULL;
        }
        return af_error_set(err, AF_ENOMEM, "mm: out of memory for the level-set step (%zu cells)",
                            cells);
    }
    return AF_OK;
}

/* T of the plan's level-set steps (mm.h: ls_range, default 2 dx). */
static double ls_range(const af_mm_plan *p)
{
    return p->prm.ls_range > 0 ? p->prm.ls_range : 2 * p->g.dx;
}

/* The threshold at which interval (lo, hi] is cut this round, or NAN when
 * it is done: 0 first, then -T / +T, then midpoints until it is tol wide. */
static double split_at(double lo, double hi, double T, double tol)
{
    if (lo < -T && hi > T)
        return 0;
    if (lo < -T)
        return hi > -T ? -T : NAN;
    if (hi > T)
        return lo < T ? T : NAN;
    return hi - lo > tol ? 0.5 * (lo + hi) : NAN;
}

typedef struct {
    const double *t; /* threshold of each cell's class (indexed by cell) */
} ls_ctx;

/* psi of a cut: the linear part of Per_eps and kfid rho (u_k - t). */
static double ls_psi(const af_mm_plan *p, const void *ctx, size_t x)
{
    const ls_ctx *c = ctx;
    double rho = p->rho0[x] + p->rho1[x];
    return p->kper * (p->rho1[x] - p->rho0[x]) + p->kfid * rho * (p->s[x] - c->t[x]);
}

/* Update the extremal key (*best, at *arg) over the cells i + di, di in
 * [d0, d1], of row jj. */
static inline void scan_row(const af_mm_plan *p, int i, int jj, int d0, int d1, int want_max,
                            double *best, size_t *arg)
{
    int n = p->n, per = p->g.edge == AF_EDGE_PERIODIC;
    for (int di = d0; di <= d1; di++) {
        int ii = i + di;
        if (per)
            ii = ((ii % n) + n) % n;
        else if (ii < 0 || ii >= n)
            continue;
        size_t y = (size_t)jj * n + ii;
        double k = p->key[y];
        if (want_max ? k > *best : k < *best) {
            *best = k;
            *arg = y;
        }
    }
}

/* Class of the term of extremal key over B_b(x) (lowest: want_max = 0), or
 * -1 when that cell is not being cut, for every ball b into cl[b].  The
 * balls are nested in order of radius (p->border), so each row is scanned
 * once, from the smallest ball's chord outwards.  Equal keys mean the same
 * interval (a class is a function of the key: band intervals of a round are
 * equal or disjoint, and cells outside the band are never cut), so which
 * cell of equal key wins does not matter. */
static void term_class(const af_mm_plan *p, int i, int j, int want_max, int32_t *cl)
{
    int n = p->n, per = p->g.edge == AF_EDGE_PERIODIC, nb = p->nb;
    double best[MM_MAX_BALLS];
    size_t arg[MM_MAX_BALLS] = {0};
    for (int b = 0; b < nb; b++)
        best[b] = want_max ? -INFINITY : INFINITY;
    int r = p->r; /* ball 0 is the largest */
    for (int dj = -r; dj <= r; dj++) {
        int jj = j + dj;
        if (per)
            jj = ((jj % n) + n) % n;
        else if (jj < 0 || jj >= n)
            continue;
        double rb = want_max ? -INFINITY : INFINITY; /* the row's extreme so far */
        size_t ra = 0;
        int h0 = -1; /* the row's cells |di| <= h0 are scanned */
        for (int q = 0; q < nb; q++) {
            int b = p->border[q], br = p->br[b];
            if (dj < -br || dj > br)
                continue;
            int h = p->bhalf[b][dj + br];
            if (h0 < 0) {
                scan_row(p, i, jj, -h, h, want_max, &rb, &ra);
            } else if (h > h0) {
                scan_row(p, i, jj, -h, -h0 - 1, want_max, &rb, &ra);
                scan_row(p, i, jj, h0 + 1, h, want_max, &rb, &ra);
            }
            h0 = h > h0 ? h : h0;
            if (want_max ? rb > best[b] : rb < best[b]) {
                best[b] = rb;
                arg[b] = ra;
            }
        }
    }
    for (int b = 0; b < nb; b++)
        cl[b] = p->var[arg[b]] ? p->cls[arg[b]] : -1;
}

/* One round: cut every active interval.  Returns the number of cells cut
 * (0: nothing left to do), or minus the status (AF_ENOMEM, AF_EINTR) with
 * err set. */
static int ls_round(af_mm_plan *p, int flip, double T, double tol, double *tcut, af_mm_stats *st,
                    af_error *err)
{
    size_t cells = p->cells;
    const uint8_t *band = p->fix1;
    double big = BIG(p);
    int active = 0;
    /* classes: the active intervals, numbered by their threshold's rank
     * among the distinct thresholds of this round (a round's intervals
     * are disjoint, so the threshold names the interval) */
#pragma omp parallel for num_threads(af_threads_for_cells(cells)) schedule(static) \
    reduction(+ : active)
    for (size_t x = 0; x < cells; x++) {
        p->var[x] = 0;
        if (!band[x]) {
            p->key[x] = p->s[x] < 0 ? -3 * big : 3 * big;
            continue;
        }
        double lo = p->lo[x], hi = p->hi[x];
        double a = lo < -big ? -2 * big : lo, b = hi > big ? 2 * big : hi;
        p->key[x] = 0.5 * (a + b);
        double t = split_at(lo, hi, T, tol);
        if (!isnan(t)) {
            p->var[x] = 1;
            tcut[x] = t;
            /* class: the threshold in units of tol / 4 (thresholds are
             * distinct multiples of tol / 2 at least, or 0, -+T) */
            p->cls[x] = (int32_t)llround(t / (0.25 * tol)) + (1 << 29);
            active++;
        }
    }
    if (!active)
        return 0;
    af_morph_dilate(p->morph, p->var, p->reach);
    int n = p->n;
    for (int j = 0; j < n; j++) {
        if (mm_interrupted(p))
            return -(int)mm_interrupt_error(err);
        for (int i = 0; i < n; i++) {
            size_t x = (size_t)j * n + i;
            if (!p->reach[x])
                continue;
            int32_t cmin[MM_MAX_BALLS], cmax[MM_MAX_BALLS];
            term_class(p, i, j, 0, cmin);
            term_class(p, i, j, 1, cmax);
            /* in u the max term follows the lowest cell, the min term the
             * highest; in v (flip) max and min trade places */
            for (int b = 0; b < p->nb; b++) {
                p->tcls[0][(size_t)b * cells + x] = flip ? cmax[b] : cmin[b];
                p->tcls[1][(size_t)b * cells + x] = flip ? cmin[b] : cmax[b];
            }
        }
    }
    ls_ctx c = {tcut};
    mm_spec sp = {.flip = flip, .psi = ls_psi, .ctx = &c, .cls = p->cls,
                  .tcls = {p->tcls[0], p->tcls[1]}};
    int nvar;
    double flow;
    af_status s = mm_graph_build(p, &sp, &nvar, err);
    if (s != AF_OK || (s = mm_graph_solve(p, &flow, st, err)) != AF_OK)
        return -(int)s;
    if (p->nnodes > st->nodes) {
        st->nodes = p->nnodes;
        st->arcs = (long long)p->narcs + p->nnodes;
    }
#pragma omp parallel for num_threads(af_threads_for_cells(cells)) schedule(static)
    for (size_t x = 0; x < cells; x++)
        if (p->var[x]) {
            int in = mm_graph_side(p, p->node[x]) ^ flip;
            if (in)
                p->hi[x] = tcut[x];
            else
                p->lo[x] = tcut[x];
            p->node[x] = MM_NONE;
        }
    return active;
}

/* The value of a finished interval. */
static double ls_value(double lo, double hi, double T)
{
    if (hi <= -T)
        return -T;
    if (lo >= T)
        return T;
    return 0.5 * (lo + hi);
}

/* A band cell whose side of t = -T, 0 or T changed (ctx: &T). */
static int ls_cell_changed(const af_mm_plan *p, const void *ctx, size_t x)
{
    double T = *(const double *)ctx;
    const double ts[3] = {-T, 0, T};
    for (int q = 0; q < 3; q++)
        if ((p->hi[x] <= ts[q]) != (p->s[x] < ts[q]))
            return 1;
    return 0;
}

static af_status ls_step_grid(af_mm_plan *p, const void *vin, void *vout, af_mm_stats *st,
                              af_error *err)
{
    const double *in = vin;
    double *out = vout;
    double t0 = mm_now_ms();
    p->last = p;
    mm_nodes_ready(p);
    af_status s = ls_alloc(p, err);
    if (s != AF_OK)
        return s;
    memset(st, 0, sizeof *st);
    size_t cells = p->cells;
    double dx = p->g.dx;
    double T = ls_range(p);
    double tol = p->prm.ls_tol > 0 ? p->prm.ls_tol : dx / 64;
    if (tol > T)
        tol = T;
    if (tol < T * 0x1p-24)
        tol = T * 0x1p-24; /* class numbers (ls_round) stay within int32 */
#pragma omp parallel for num_threads(af_threads_for_cells(cells)) schedule(static)
    for (size_t x = 0; x < cells; x++)
        p->s[x] = in[x] > p->s_cap ? p->s_cap : in[x] < -p->s_cap ? -p->s_cap : in[x];
    int flip = p->prm.selection == AF_SELECT_MINIMAL;
    double Tc = T / dx;
    double w_in = p->prm.band_cells > 0 ? p->prm.band_cells : MM_FIRST_BAND(p) + Tc, w_out = w_in;
    if (p->prm.band_cells <= 0 && p->w_in > 0) {
        w_in = p->w_in;
        w_out = p->w_out;
    }
    double full_w = 2.0 * p->n;
    for (;;) {
        int full = p->prm.full_grid || (w_in >= full_w && w_out >= full_w);
        uint8_t *band = p->fix1;
        int nband = 0;
#pragma omp parallel for num_threads(af_threads_for_cells(cells)) schedule(static) \
    reduction(+ : nband)
        for (size_t x = 0; x < cells; x++) {
            band[x] = full || (p->s[x] >= -w_in * dx && p->s[x] <= w_out * dx);
            p->lo[x] = -INFINITY;
            p->hi[x] = INFINITY;
            nband += band[x];
        }
        st->band_cells = nband;
        for (;;) {
            /* out holds each cut cell's threshold until the end */
            int k = ls_round(p, flip, T, tol, out, st, err);
            if (k < 0)
                return (af_status)-k;
            if (k == 0)
                break;
        }
        int sides = full ? 0 : mm_band_touches_edge(p, p->fix1, ls_cell_changed, &T);
        if (!sides)
            break;
        w_in = sides & 1 ? 1.5 * w_in + 4 : w_in;
        w_out = sides & 2 ? 1.5 * w_out + 4 : w_out;
        st->band_widenings++;
    }
    st->band_width = w_in > w_out ? w_in : w_out;
    /* u_{k+1}, and the mask step's statistics at t = 0 */
    uint8_t *ak = p->m1, *a = p->m0;
    double shift[2] = {0, 0};
    for (size_t x = 0; x < cells; x++) {
        out[x] = p->fix1[x] ? ls_value(p->lo[x], p->hi[x], T) : in[x];
        ak[x] = p->s[x] < 0;
        a[x] = p->fix1[x] ? p->hi[x] <= 0 : ak[x];
        if (a[x] != ak[x]) {
            st->changed++;
            int side = p->s[x] > 0;
            if (fabs(p->s[x]) > shift[side])
                shift[side] = fabs(p->s[x]);
        }
    }
    st->energy = mm_energy(p, ak, a, &st->per_eps, &st->fidelity, &st->area);
    st->max_shift = shift[0] > shift[1] ? shift[0] : shift[1];
    /* next band: this step's move at t = 0 with room to spare, and T */
    p->w_in = 1.25 * shift[0] / dx + 3 + Tc;
    p->w_out = 1.25 * shift[1] / dx + 3 + Tc;
    st->ms = mm_now_ms() - t0;
    return AF_OK;
}

static int ls_inside(const void *in, size_t x) { return ((const double *)in)[x] < 0; }

/* A cell's value matters to the window's edge test only within [-T, T]:
 * a value cut from 5 dx to T changed no level set the step resolves. */
static int ls_changed(const af_mm_plan *p, const void *in, const void *out, size_t x)
{
    double T = ls_range(p);
    double a = ((const double *)in)[x], b = ((const double *)out)[x];
    return fmax(-T, fmin(T, a)) != fmax(-T, fmin(T, b));
}

af_status af_mm_plan_step_levelset(af_mm_plan *p, const double *in, double *out, af_mm_stats *st,
                                   af_error *err)
{
    af_mm_stats local;
    if (!st)
        st = &local;
    if (!p || !in || !out)
        return af_error_set(err, AF_EINVAL, "mm: plan and fields must not be NULL");
    for (size_t x = 0; x < p->cells; x++)
        if (isnan(in[x]))
            return af_error_set(err, AF_EINVAL, "mm: the level set holds NaN at cell %zu", x);
    if (p->is_child || p->prm.full_grid || p->g.edge == AF_EDGE_PERIODIC)
        return ls_step_grid(p, in, out, st, err);
    int done;
    af_status s = mm_window_step(p, in, out, sizeof(double), ls_inside, ls_changed, ls_step_grid, st, &done, err);
    if (s != AF_OK || done)
        return s;
    return ls_step_grid(p, in, out, st, err);
}
