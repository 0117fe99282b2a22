/* advflow: binary morphology by digital balls (morph.h).  GPL-3.0-or-later.
 *
 * Every method computes the dilation of a mask, optionally of its
 * complement: the flag inv (0 or 1) is XORed onto the input when it is read
 * and onto the result when it is written, so erosion = NOT D(NOT in) costs
 * no extra buffer.  That identity holds in both edge modes because the ball
 * is symmetric and only in-grid cells are ever read (clamp) or the grid is a
 * torus (periodic).
 *
 * Indexing: cell (i, j) is at i + n * j, x fastest; every loop runs over
 * rows with i innermost so that memory is read sequentially.
 *
 * Threads: the fast method runs on bands of rows (threads_internal.h).  Its column distances are capped at r + 1, so a
 * band starts its scans r rows beyond its ends, as a periodic grid's scans
 * start across the seam, and gets exactly the distances of one scan over
 * the whole grid: the result is the same for every thread count.  The
 * chord and FFT methods (test references) are serial.
 */
#include "advflow/morph.h"

#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "threads_internal.h"

/* Loops over a row run in blocks of AF_BLOCK cells with a constant trip
 * count, then a scalar tail: at -O2 GCC vectorizes only loops whose trip
 * count needs no epilogue, and these row operations are where the time
 * goes.  The arrays are restrict-qualified for the same reason. */
#define AF_BLOCK 16

/* Wrap or clip a coordinate: the in-grid index, or -1 when a clamped ball
 * leaves the grid. */
static int af_coord(int x, int n, af_edge edge)
{
    if (edge == AF_EDGE_PERIODIC) {
        x %= n;
        return x < 0 ? x + n : x;
    }
    return x >= 0 && x < n ? x : -1;
}

struct af_morph_work {
    int n;          /* cells per axis */
    int r;          /* ball's r */
    af_edge edge;
    int32_t *hw;    /* hw[d] = the ball's half[d + r] for row offset d = 0..r,
                     * hw[r + 1] = -1: "no chord" (the empty interval) */
    uint16_t *up;   /* n * n: rows to the nearest inside cell at the same or
                     * a smaller j in the same column, capped at r + 1 */
    uint16_t *dn;   /* nsc * n: same, at the same or a larger j, for one row
                     * (or a warm-up state); thread t's row at dn + t n */
    uint16_t *dn2;  /* nsc * n: the other buffer of the ping-pong with dn */
    int nsc;        /* thread slots (threads_internal.h) */
    uint8_t *la;    /* n + 2: chord layer, one padding cell each side */
    uint8_t *lb;    /* n + 2: next chord layer */
};

/* ---- workspace ------------------------------------------------------- */

/* 2r < n on a torus: no offset of the ball wraps onto another one. */
static af_status af_check_sizes(const af_grid *g, const af_ball *b, const char *who, af_error *err)
{
    if (!b)
        return af_error_set(err, AF_EINVAL, "%s: ball must not be NULL", who);
    af_status st = af_grid_check(g, who, err);
    if (st != AF_OK)
        return st;
    if (b->r < 0 || b->r > (int)AF_BALL_MAX_RADIUS || !b->half)
        return af_error_set(err, AF_EINVAL, "%s: malformed ball (r = %d)", who, b->r);
    if (g->edge == AF_EDGE_PERIODIC && 2 * b->r >= g->n)
        return af_error_set(err, AF_EINVAL,
                            "%s: periodic grid of n = %d cells cannot hold a ball of r = %d cells"
                            " (need 2r < n)", who, g->n, b->r);
    return AF_OK;
}

af_morph_work *af_morph_work_alloc(const af_grid *g, const af_ball *b, af_error *err)
{
    if (af_check_sizes(g, b, "morph", err) != AF_OK)
        return NULL;
    af_morph_work *w = calloc(1, sizeof *w);
    if (!w) {
        af_error_set(err, AF_ENOMEM, "morph: out of memory for the workspace");
        return NULL;
    }
    const size_t n = (size_t)g->n, r = (size_t)b->r;
    w->n = g->n;
    w->r = b->r;
    w->edge = g->edge;
    w->hw = malloc((r + 2) * sizeof *w->hw);
    w->up = malloc(n * n * sizeof *w->up);
    w->nsc = af_threads_slots();
    w->dn = malloc((size_t)w->nsc * n * sizeof *w->dn);
    w->dn2 = malloc((size_t)w->nsc * n * sizeof *w->dn2);
    w->la = malloc(n + 2);
    w->lb = malloc(n + 2);
    if (!w->hw || !w->up || !w->dn || !w->dn2 || !w->la || !w->lb) {
        af_morph_work_free(w);
        af_error_set(err, AF_ENOMEM, "morph: out of memory for a workspace of %zu^2 cells", n);
        return NULL;
    }
    for (int d = 0; d <= b->r; d++)
        w->hw[d] = b->half[d + b->r];
    w->hw[b->r + 1] = -1;
    return w;
}

void af_morph_work_free(af_morph_work *w)
{
    if (!w)
        return;
    free(w->hw);
    free(w->up);
    free(w->dn);
    free(w->dn2);
    free(w->la);
    free(w->lb);
    free(w);
}

/* ---- fast method ----------------------------------------------------- */

/* Column-distance update of one cell: 0 if inside (after XOR with inv),
 * else the previous row's distance + 1, capped at cap. */
static inline uint16_t af_col_cell(uint8_t in, uint8_t inv, uint16_t prev, uint16_t cap)
{
    uint16_t v = (uint16_t)(prev + 1);
    v = v > cap ? cap : v;
    return ((in != 0) ^ inv) ? 0 : v;
}

/* One row of a column-distance scan: cur = step(prev, in). */
static void af_col_step(const uint8_t *restrict in, uint8_t inv, const uint16_t *restrict prev,
                        uint16_t *restrict cur, int n, uint16_t cap)
{
    int i = 0;
    for (; i + AF_BLOCK <= n; i += AF_BLOCK)
        for (int k = 0; k < AF_BLOCK; k++)
            cur[i + k] = af_col_cell(in[i + k], inv, prev[i + k], cap);
    for (; i < n; i++)
        cur[i] = af_col_cell(in[i], inv, prev[i], cap);
}

/* Backward step, merged with the minimum: cur = step(prev, in), and
 * g = min(g, cur), turning the forward distance into the column distance. */
static void af_col_step_min(const uint8_t *restrict in, uint8_t inv, const uint16_t *restrict prev,
                            uint16_t *restrict cur, uint16_t *restrict g, int n, uint16_t cap)
{
    int i = 0;
    for (; i + AF_BLOCK <= n; i += AF_BLOCK)
        for (int k = 0; k < AF_BLOCK; k++) {
            uint16_t v = af_col_cell(in[i + k], inv, prev[i + k], cap);
            cur[i + k] = v;
            g[i + k] = v < g[i + k] ? v : g[i + k];
        }
    for (; i < n; i++) {
        uint16_t v = af_col_cell(in[i], inv, prev[i], cap);
        cur[i] = v;
        g[i] = v < g[i] ? v : g[i];
    }
}

/* Kinds of AF_BLOCK-cell blocks of a row for the sweeps: most blocks of a
 * real mask are either all inside (g = 0) or out of reach (g = r + 1), and
 * those need no per-cell running max. */
enum { AF_MIXED = 0, AF_NONE = 1, AF_FULL = 2 };

static inline int af_block_kind(const uint16_t *restrict g, uint16_t cap)
{
    uint16_t lo = cap, hi = 0;
    for (int k = 0; k < AF_BLOCK; k++) {
        lo = g[k] < lo ? g[k] : lo;
        hi = g[k] > hi ? g[k] : hi;
    }
    return hi == 0 ? AF_FULL : (lo == cap ? AF_NONE : AF_MIXED);
}

/* Row sweeps for one row.  g[i] is the column distance (0..r + 1) of the
 * row's cell i; column i contributes the interval [i - W, i + W] with
 * W = hw[g[i]] (W = -1: nothing).  Cell i is covered iff
 *   max over i' <= i of (i' + W(i')) >= i   or   min over i' >= i of (i' - W(i')) <= i,
 * since an interval from the left covers i iff it reaches i, and likewise
 * from the right.  A block of inside cells covers itself and moves the
 * running max to its last cell + hw[0] (the min to its first cell - hw[0]);
 * a block without intervals leaves them alone.  Periodic rows start the
 * running max / min with the intervals of the r columns across the seam
 * (W <= r, so no farther column can reach; 2r < n, so none reaches around
 * twice). */
static void af_row_sweep(const af_morph_work *w, const uint16_t *restrict g, uint8_t inv,
                         uint8_t *restrict out)
{
    const int n = w->n, r = w->r, nb = n - n % AF_BLOCK;
    const int32_t *restrict hw = w->hw;
    const int32_t h0 = hw[0];
    const uint16_t cap = (uint16_t)(r + 1);

    int32_t m = -1; /* running max of i' + W: -1 covers nothing */
    if (w->edge == AF_EDGE_PERIODIC)
        for (int i = n - r; i < n; i++) {
            int32_t v = i - n + hw[g[i]];
            m = v > m ? v : m;
        }
    for (int i0 = 0; i0 < nb; i0 += AF_BLOCK) {
        int kind = af_block_kind(g + i0, cap);
        if (kind == AF_NONE) {
            for (int k = 0; k < AF_BLOCK; k++)
                out[i0 + k] = m >= i0 + k;
        } else if (kind == AF_FULL) {
            m = m > i0 + AF_BLOCK - 1 + h0 ? m : i0 + AF_BLOCK - 1 + h0;
            for (int k = 0; k < AF_BLOCK; k++)
                out[i0 + k] = 1;
        } else {
            for (int i = i0; i < i0 + AF_BLOCK; i++) {
                int32_t v = i + hw[g[i]];
                m = v > m ? v : m;
                out[i] = m >= i;
            }
        }
    }
    for (int i = nb; i < n; i++) {
        int32_t v = i + hw[g[i]];
        m = v > m ? v : m;
        out[i] = m >= i;
    }

    int32_t p = n; /* running min of i' - W: n covers nothing */
    if (w->edge == AF_EDGE_PERIODIC)
        for (int i = 0; i < r; i++) {
            int32_t v = i + n - hw[g[i]];
            p = v < p ? v : p;
        }
    for (int i = n - 1; i >= nb; i--) {
        int32_t v = i - hw[g[i]];
        p = v < p ? v : p;
        out[i] = (uint8_t)((out[i] | (p <= i)) ^ inv);
    }
    for (int i0 = nb - AF_BLOCK; i0 >= 0; i0 -= AF_BLOCK) {
        int kind = af_block_kind(g + i0, cap);
        if (kind == AF_NONE) {
            for (int k = 0; k < AF_BLOCK; k++)
                out[i0 + k] = (uint8_t)((out[i0 + k] | (p <= i0 + k)) ^ inv);
        } else if (kind == AF_FULL) {
            p = p < i0 - h0 ? p : i0 - h0;
            for (int k = 0; k < AF_BLOCK; k++)
                out[i0 + k] = (uint8_t)(1 ^ inv);
        } else {
            for (int i = i0 + AF_BLOCK - 1; i >= i0; i--) {
                int32_t v = i - hw[g[i]];
                p = v < p ? v : p;
                out[i] = (uint8_t)((out[i] | (p <= i)) ^ inv);
            }
        }
    }
}

/* Dilation of (in XOR inv), XOR inv, rows [j0, j1), with one thread's
 * pair of row buffers s0, s1 (n each).  The forward scan over rows stores
 * the distance to the nearest inside cell at the same or a smaller j; the
 * backward scan keeps the distance the other way in one row (ping-pong
 * between two row buffers), takes the minimum and sweeps that row at once.
 * A distance d <= r gives the chord half[d + r], the widest the column can
 * offer (half is non-increasing in |dj|), so the row's intervals cover
 * exactly the cells within the ball of an inside cell.
 *
 * Distances are capped at r + 1, so each scan's state entering the band is
 * found by scanning the r rows before it from "nothing within reach": an
 * inside cell farther away gives the cap either way.  Periodic grids take
 * those rows across the seam, as one scan over the whole grid does at row
 * 0; clamped grids have nothing beyond the edge. */
static void af_fast_rows(const af_morph_work *w, uint16_t *s0, uint16_t *s1, const uint8_t *in,
                         uint8_t inv, uint8_t *out, int j0, int j1)
{
    const int n = w->n, r = w->r, per = w->edge == AF_EDGE_PERIODIC;
    const size_t un = (size_t)n;
    const uint16_t cap = (uint16_t)(r + 1);
    uint16_t *up = w->up, *t;
    if (j0 >= j1)
        return;

    /* Forward, warmed up on rows j0 - r .. j0 - 1. */
    for (int i = 0; i < n; i++)
        s0[i] = cap;
    for (int jj = per ? j0 - r : (j0 - r > 0 ? j0 - r : 0); jj < j0; jj++) {
        const int j = (jj + n) % n;
        af_col_step(in + (size_t)j * un, inv, s0, s1, n, cap);
        t = s0, s0 = s1, s1 = t;
    }
    af_col_step(in + (size_t)j0 * un, inv, s0, up + (size_t)j0 * un, n, cap);
    for (int j = j0 + 1; j < j1; j++)
        af_col_step(in + (size_t)j * un, inv, up + (size_t)(j - 1) * un, up + (size_t)j * un, n, cap);

    /* Backward, warmed up on rows j1 + r - 1 .. j1.  The up row is not
     * needed after its row, so it receives min(up, down) in place. */
    for (int i = 0; i < n; i++)
        s0[i] = cap;
    for (int jj = per ? j1 + r - 1 : (j1 + r - 1 < n - 1 ? j1 + r - 1 : n - 1); jj >= j1; jj--) {
        const int j = jj % n;
        af_col_step(in + (size_t)j * un, inv, s0, s1, n, cap);
        t = s0, s0 = s1, s1 = t;
    }
    for (int j = j1 - 1; j >= j0; j--) {
        uint16_t *uj = up + (size_t)j * un;
        af_col_step_min(in + (size_t)j * un, inv, s0, s1, uj, n, cap);
        t = s0, s0 = s1, s1 = t;
        af_row_sweep(w, uj, inv, out + (size_t)j * un);
    }
}

/* The whole grid in bands of rows (threads_internal.h), each at least 16 r
 * rows long, so that the 2 r rows each band scans for its warm-up stay
 * within an eighth of its work. */
static void af_fast(af_morph_work *w, const uint8_t *in, uint8_t inv, uint8_t *out)
{
    const int n = w->n;
    const int nt = af_threads_for(w->nsc, (size_t)n * (size_t)n);
    const int np = af_parts(n, nt, 16 * w->r > 64 ? 16 * w->r : 64);
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
    for (int q = 0; q < np; q++) {
        const size_t t = (size_t)af_thread_id();
        int j0, j1;
        af_thread_part(n, q, np, 1, &j0, &j1);
        af_fast_rows(w, w->dn + t * n, w->dn2 + t * n, in, inv, out, j0, j1);
    }
}

void af_morph_dilate(af_morph_work *w, const uint8_t *in, uint8_t *out)
{
    af_fast(w, in, 0, out);
}

void af_morph_erode(af_morph_work *w, const uint8_t *in, uint8_t *out)
{
    af_fast(w, in, 1, out);
}

/* ---- chord method ---------------------------------------------------- */

/* Fill the padding cells of a layer: zero for clamp (only in-grid cells
 * count), the wrapped neighbours for periodic. */
static void af_pad(uint8_t *l, int n, af_edge edge)
{
    if (edge == AF_EDGE_PERIODIC) {
        l[0] = l[n];
        l[n + 1] = l[1];
    } else {
        l[0] = 0;
        l[n + 1] = 0;
    }
}

/* OR a layer (n cells, unpadded) into an output row. */
static void af_or_row(uint8_t *restrict dst, const uint8_t *restrict src, int n)
{
    int i = 0;
    for (; i + AF_BLOCK <= n; i += AF_BLOCK)
        for (int k = 0; k < AF_BLOCK; k++)
            dst[i + k] |= src[i + k];
    for (; i < n; i++)
        dst[i] |= src[i];
}

/* Next layer, cells 1..n of padded rows: dst[i] = src[i - 1] | src[i + 1],
 * OR src[i] too when centre is set (the step from layer 0 to layer 1). */
static void af_layer_step(uint8_t *restrict dst, const uint8_t *restrict src, int n, uint8_t centre)
{
    const uint8_t cm = (uint8_t)(centre ? 0xFF : 0);
    int i = 1;
    for (; i + AF_BLOCK <= n + 1; i += AF_BLOCK)
        for (int k = 0; k < AF_BLOCK; k++)
            dst[i + k] = (uint8_t)(src[i + k - 1] | src[i + k + 1] | (src[i + k] & cm));
    for (; i <= n; i++)
        dst[i] = (uint8_t)(src[i - 1] | src[i + 1] | (src[i] & cm));
}

/* Layer w of an input row is its running OR over [i - w, i + w] (within the
 * grid, or wrapped).  Going through the ball's rows from |dj| = r down to 0,
 * half[dj + r] only grows, so the layers are built once per input row in
 * increasing w, layer w = layer w-1 shifted left OR shifted right (and OR
 * the centre for w = 1), and each is ORed into output rows j' -+ dj whose
 * chord it is.  Correct at clamped edges: for w >= 2 a zero pad stands for
 * a range whose in-grid part the other neighbour's range contains (when
 * n >= 2; see the stop below).  O(r) row operations per input row, no
 * per-cell branches, all vectorizable. */
static void af_chords(af_morph_work *w, const uint8_t *in, uint8_t inv, uint8_t *out)
{
    const int n = w->n, r = w->r;
    const size_t un = (size_t)n;
    const af_edge edge = w->edge;
    memset(out, 0, un * un);

    for (int jp = 0; jp < n; jp++) {
        const uint8_t *row = in + (size_t)jp * un;
        uint8_t *la = w->la, *lb = w->lb;
        for (int i = 0; i < n; i++)
            la[i + 1] = (uint8_t)((row[i] != 0) ^ inv);
        af_pad(la, n, edge);
        int lw = 0; /* half-width of the layer in la */
        for (int d = r; d >= 0; d--) {
            const int want = w->hw[d]; /* d <= r */
            /* Clamped, layer n - 1 already spans the whole row and later
             * layers equal it, so stop there: cheaper for huge balls, and
             * needed for n = 1, where the recurrence would see only the
             * zero pads. */
            if (edge == AF_EDGE_CLAMP && lw >= n - 1)
                lw = want > lw ? want : lw;
            while (lw < want) {
                lw++;
                af_layer_step(lb, la, n, lw == 1);
                af_pad(lb, n, edge);
                uint8_t *t = la;
                la = lb;
                lb = t;
            }
            /* output rows jp - d and jp + d take this chord from row jp
             * (distinct rows when d > 0: 2r < n on a torus) */
            int j = af_coord(jp - d, n, edge);
            if (j >= 0)
                af_or_row(out + (size_t)j * un, la + 1, n);
            j = af_coord(jp + d, n, edge);
            if (d > 0 && j >= 0)
                af_or_row(out + (size_t)j * un, la + 1, n);
        }
    }
    if (inv)
        for (size_t k = 0; k < un * un; k++)
            out[k] ^= 1;
}

void af_morph_dilate_chords(af_morph_work *w, const uint8_t *in, uint8_t *out)
{
    af_chords(w, in, 0, out);
}

void af_morph_erode_chords(af_morph_work *w, const uint8_t *in, uint8_t *out)
{
    af_chords(w, in, 1, out);
}

/* ---- brute force ----------------------------------------------------- */

/* Straight from the definition: out = max (want = 1) or min (want = 0) of
 * the mask over the in-grid / wrapped offsets of the ball.  The erosion is
 * written as a min on purpose, not through the complement, so that tests
 * check the duality instead of assuming it. */
static void af_brute(const af_grid *g, const af_ball *b, const uint8_t *in, uint8_t *out, int want)
{
    const int n = g->n, r = b->r;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            int hit = 0;
            for (int dj = -r; dj <= r && !hit; dj++) {
                int y = af_coord(j + dj, n, g->edge);
                if (y < 0)
                    continue;
                const int h = b->half[dj + r];
                for (int di = -h; di <= h; di++) {
                    int x = af_coord(i + di, n, g->edge);
                    if (x >= 0 && (in[x + (size_t)n * y] != 0) == want) {
                        hit = 1;
                        break;
                    }
                }
            }
            out[i + (size_t)n * j] = (uint8_t)(want ? hit : !hit);
        }
}

void af_morph_dilate_brute(const af_grid *g, const af_ball *b, const uint8_t *in, uint8_t *out)
{
    af_brute(g, b, in, out, 1);
}

void af_morph_erode_brute(const af_grid *g, const af_ball *b, const uint8_t *in, uint8_t *out)
{
    af_brute(g, b, in, out, 0);
}

/* ---- FFT coverage counts --------------------------------------------- */

struct af_morph_fft {
    int n;               /* grid cells per axis */
    int N;               /* transform size per axis: n (periodic) or >= n + r (clamp) */
    double *real;        /* N * N */
    fftw_complex *spec;  /* N * (N / 2 + 1) */
    fftw_complex *bhat;  /* ball indicator's transform, divided by N^2 */
    fftw_plan fwd, bwd;
};

/* Smallest m' >= m whose prime factors are all 2, 3, 5 or 7 (FFTW's fast
 * sizes). */
static int af_fft_size(int m)
{
    for (m = m < 1 ? 1 : m;; m++) {
        int k = m;
        for (int p = 2; p <= 7; p++)
            while (k % p == 0)
                k /= p;
        if (k == 1)
            return m;
    }
}

af_morph_fft *af_morph_fft_alloc(const af_grid *g, const af_ball *b, af_error *err)
{
    if (af_check_sizes(g, b, "morph fft", err) != AF_OK)
        return NULL;
    af_morph_fft *p = calloc(1, sizeof *p);
    if (!p) {
        af_error_set(err, AF_ENOMEM, "morph fft: out of memory");
        return NULL;
    }
    const int n = g->n, r = b->r;
    /* Clamp: with N >= n + r every offset x + z of an in-grid x lands in
     * [-r, n + r), i.e. on an in-grid cell or on the zero padding, never
     * wrapped onto the grid. */
    const int N = g->edge == AF_EDGE_PERIODIC ? n : af_fft_size(n + r);
    const size_t NN = (size_t)N * (size_t)N, NC = (size_t)N * (size_t)(N / 2 + 1);
    p->n = n;
    p->N = N;
    p->real = fftw_malloc(NN * sizeof *p->real);
    p->spec = fftw_malloc(NC * sizeof *p->spec);
    p->bhat = fftw_malloc(NC * sizeof *p->bhat);
    if (!p->real || !p->spec || !p->bhat) {
        af_morph_fft_free(p);
        af_error_set(err, AF_ENOMEM, "morph fft: out of memory for %d^2 transforms", N);
        return NULL;
    }
    p->fwd = fftw_plan_dft_r2c_2d(N, N, p->real, p->spec, FFTW_ESTIMATE);
    p->bwd = fftw_plan_dft_c2r_2d(N, N, p->spec, p->real, FFTW_ESTIMATE);
    if (!p->fwd || !p->bwd) {
        af_morph_fft_free(p);
        af_error_set(err, AF_EFAILED, "morph fft: FFTW could not plan a %d^2 transform", N);
        return NULL;
    }

    /* Ball indicator at offsets taken modulo N.  The ball is symmetric, so
     * convolving with it is correlating with it: count(x) = sum_z m(x + z). */
    memset(p->real, 0, NN * sizeof *p->real);
    for (int dj = -r; dj <= r; dj++)
        for (int di = -b->half[dj + r]; di <= b->half[dj + r]; di++) {
            size_t x = (size_t)((di % N + N) % N), y = (size_t)((dj % N + N) % N);
            p->real[x + (size_t)N * y] += 1.0;
        }
    fftw_execute(p->fwd);
    const double scale = 1.0 / (double)NN; /* FFTW's c2r is unnormalised */
    for (size_t k = 0; k < NC; k++) {
        p->bhat[k][0] = p->spec[k][0] * scale;
        p->bhat[k][1] = p->spec[k][1] * scale;
    }
    return p;
}

void af_morph_fft_free(af_morph_fft *p)
{
    if (!p)
        return;
    if (p->fwd)
        fftw_destroy_plan(p->fwd);
    if (p->bwd)
        fftw_destroy_plan(p->bwd);
    fftw_free(p->real);
    fftw_free(p->spec);
    fftw_free(p->bhat);
    free(p);
}

/* Counts of (in XOR inv) over the ball, left in p->real at x + N y for the
 * in-grid cells.  The padding stays 0: outside the grid is neither the mask
 * nor its complement. */
static void af_fft_cover(af_morph_fft *p, const uint8_t *in, uint8_t inv)
{
    const int n = p->n, N = p->N;
    const size_t NN = (size_t)N * (size_t)N, NC = (size_t)N * (size_t)(N / 2 + 1);
    if (N != n)
        memset(p->real, 0, NN * sizeof *p->real);
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
            p->real[i + (size_t)N * j] = (double)((in[i + (size_t)n * j] != 0) ^ inv);
    fftw_execute(p->fwd);
    for (size_t k = 0; k < NC; k++) {
        double a = p->spec[k][0], c = p->spec[k][1];
        double br = p->bhat[k][0], bi = p->bhat[k][1];
        p->spec[k][0] = a * br - c * bi;
        p->spec[k][1] = a * bi + c * br;
    }
    fftw_execute(p->bwd);
}

void af_morph_fft_count(af_morph_fft *p, const uint8_t *in, double *count)
{
    af_fft_cover(p, in, 0);
    const int n = p->n, N = p->N;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
            count[i + (size_t)n * j] = nearbyint(p->real[i + (size_t)N * j]);
}

/* Counts are whole numbers up to rounding error, so 1/2 separates 0 from 1. */
void af_morph_fft_dilate(af_morph_fft *p, const uint8_t *in, uint8_t *out)
{
    af_fft_cover(p, in, 0);
    const int n = p->n, N = p->N;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
            out[i + (size_t)n * j] = p->real[i + (size_t)N * j] > 0.5;
}

void af_morph_fft_erode(af_morph_fft *p, const uint8_t *in, uint8_t *out)
{
    af_fft_cover(p, in, 1);
    const int n = p->n, N = p->N;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
            out[i + (size_t)n * j] = p->real[i + (size_t)N * j] < 0.5;
}
