/* advflow: distance transforms and signed distances of masks (dist.h).
 * GPL-3.0-or-later.
 *
 * Indexing: cell (i, j) is at i + n * j, x fastest.  Every pass over a whole
 * field runs over rows with i innermost, so memory is read sequentially;
 * transforms along columns either sweep a whole row at a time or gather a
 * block of columns into contiguous lines (af_env_columns).  Squaring and the
 * final combination are done row by row next to the envelope along x, while
 * the row is in cache: at 2048^2 every extra pass over a field costs more
 * than the arithmetic.
 *
 * Building blocks
 *   af_envelope   Felzenszwalb-Huttenlocher lower envelope of parabolas
 *                 (x - p)^2 + f[p] over the integer points p of one line, for
 *                 arbitrary real f[p] (HUGE_VAL = no parabola).  d(q) =
 *                 min_p (q - p)^2 + f[p] exactly up to rounding.
 *   periodic      a torus line of n points is unrolled to n + 2h points,
 *                 h = floor(n / 2), by copying h points of the other end to
 *                 each side; the envelope is evaluated on the middle n.  Every
 *                 torus neighbour within torus distance <= h is then present
 *                 at its true offset, and every copy is a real point of the
 *                 torus, so the minimum over the unrolled line is the torus
 *                 minimum.  Lines at p + delta (0 <= delta < 1, the
 *                 redistancing's) queried at cells need h = floor(n / 2) + 1:
 *                 the nearest image of a line is within n / 2 of the cell,
 *                 hence at an integer offset within floor(n / 2) + 1.
 *
 * af_dist_edt: the distance along y to the nearest inside cell of the same
 *   column (exact in 1D, two sweeps, cyclic on a torus), squared, then the
 *   envelope along x.  Squared distances are separable, so the result is the
 *   exact 2D squared EDT (all values are integers, exact in double).  The
 *   binary 1D pass is the first F-H pass specialised to f in {0, inf}; doing
 *   it along y first keeps both passes sequential in memory.
 *
 * af_dist_signed, sub-cell form: the crossing points lie on grid edges.  A
 *   crossing on a horizontal edge has an integer row j and a real x; one on
 *   a vertical edge an integer column i and a real y.  For the horizontal
 *   set CH, d^2((i, j'), CH) = min_j [ (j' - j)^2 + gH(i, j) ] with gH(i, j)
 *   the squared 1D distance from i to the nearest crossing of row j: a 1D
 *   sweep along each row, then the envelope along each column.  The vertical
 *   set CV is the transpose.  d^2 = min of the two.  This is the exact
 *   distance to the nearest crossing point at every cell, in O(n^2), so no
 *   vector propagation (and none of its rare errors) is needed.
 *
 * af_dist_redistance: the zero line of a field as af_contour_trace draws
 *   it (contour_internal.h), kept as pieces in the squares' unit frames.
 *   Far field: its samples on the lines x = i + k / AF_REDIST_SUB lie on
 *   lines like the crossings above, so the squared distance to them is
 *   separable too: a sample at y = b + t is t from row b and 1 - t from row
 *   b + 1, sweeps give the 1D distance along each line, and the envelope
 *   with the parabolas at i + k / AF_REDIST_SUB (off = k / AF_REDIST_SUB)
 *   gives the 2D distance; the lines y = j + k / AF_REDIST_SUB are the same
 *   on the transposed grid.  2 AF_REDIST_SUB such transforms, then, where
 *   that distance D is at most AF_REDIST_NEAR + 1, the exact distance to
 *   the pieces of the squares within D of the cell.
 *
 * Smoothing: weights rounded to multiples of 2^-48 so that every sum of
 *   weights over a 0/1 row is exact (a 512-entry table of subset sums does
 *   the pass along x); rows smoothed along x are kept in a ring of 9 rows
 *   for the pass along y.
 *
 * Threads (threads_internal.h): every pass is split into rows, blocks of
 * columns or bands of rows whose cells are computed exactly as in one
 * pass, so the results do not depend on the thread count.  The sweeps
 * along y run on bands of columns (a column's sweep sees only its own
 * column), the envelopes and sweeps along x on rows, the smoothing on
 * bands of rows, each band warming its ring up on the rows above it.  The
 * zero line's pieces are collected on one thread (their order is the
 * order of the scan).
 *
 * Shift invariance: 1D distances are built from offsets only (1 - t, then
 * + 1 per cell) and every intersection of parabolas is kept relative to a
 * parabola's own vertex, so the floating-point operations depend only on
 * offsets.  Shifting a mask on a torus shifts the results bit for bit (up
 * to the choice between tied parabolas; measured: bit for bit).
 *
 * Monotonicity in the mask (sub-cell form).  u is monotone in the mask in
 * floating point (non-negative weights, fixed order), and so is each
 * crossing fraction (af_cross).  Exact distances to the crossing sets are
 * nested: let x be outside A' (hence outside A) and c the nearest crossing
 * of A, on the edge from p (u_A > 1/2) to q.  Along a unit edge the
 * distance to a cell centre x is monotone.  If q is nearer to x than p and
 * still outside A', the crossing of A' on that edge lies between c and q,
 * hence nearer.  Otherwise some endpoint e in {p, q} with d(x, e) <= d(x, c)
 * is inside A'; a staircase path from x to e whose every step moves away
 * from x must cross u_A' = 1/2, at distance <= d(x, e).  So d(x, C_A') <=
 * d(x, C_A), the symmetric argument holds inside A, and cells between the
 * two sets change sign the right way: s_A >= s_A', up to rounding in the
 * last bits (measured: at most 4.4e-16 cells).
 */
#include "advflow/dist.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "contour_internal.h"
#include "smooth_internal.h"
#include "threads_internal.h"

/* Gaussian radius in cells: truncation at 4 sigma, sigma = 1 cell. */
#define AF_KR AF_SMOOTH_R
#define AF_KW AF_SMOOTH_W
/* Columns gathered per block for the envelope along y. */
#define AF_BLK 16
/* Side of the tiles of a transposing pass (af_redist_lines). */
#define AF_TILE 8

/* A piece of the zero line (af_dist_redistance): square (a, b), the one
 * with corner cells (a, b) .. (a + 1, b + 1), and the segment in its unit
 * frame, where cell (a + da, b + db) sits at (da, db). */
typedef struct {
    int a, b;
    double x0, y0, x1, y1;
} af_dist_piece;

/* One thread's scratch (a workspace holds one per thread slot). */
typedef struct {
    double *line;           /* n + 2 hr: one unrolled line, or the crossings of one row */
    double *ring;           /* AF_KW * n: rows smoothed along x, row jj in slot jj mod AF_KW */
    uint8_t *pad;           /* n + 2 AF_KR: one mask row with its edge extension */
    double *blk;            /* AF_BLK * (n + 2 hr): gathered columns */
    int *v;                 /* n + 2 hr: envelope vertices */
    double *zn, *zd;        /* n + 2 hr: left end of each envelope piece, zn / zd relative
                               to its vertex */
    double *fv;             /* n + 2 hr: f at each envelope vertex */
} af_dist_scratch;

struct af_dist_work {
    int n;                  /* cells per axis */
    int per;                /* 1 on a torus (AF_EDGE_PERIODIC) */
    int h;                  /* halo of an unrolled torus line: n / 2 (0 when clamped) */
    int m;                  /* length of an envelope line: n + 2h */
    int hr;                 /* halo of the redistancing's torus lines: n / 2 + 1 (0 when clamped) */
    double dx;              /* cell side, length units */
    af_smooth_kernel sk;    /* the Gaussian of af_dist_smooth (smooth_internal.h) */
    double *a;              /* n * n: sub-cell u; simple form: EDT of the complement */
    double *b;              /* n * n: sub-cell: distances to the horizontal-edge crossings */
    af_dist_scratch *sc;    /* nsc: thread t uses sc[t] */
    int nsc;
    af_dist_piece *pc;      /* cap: the zero line's pieces, square by square in rows (at
                               most 2 per square: fewer than 2^31, AF_GRID_MAX_CELLS) */
    size_t npc, cap;
    size_t *row;            /* n + 1: the pieces of square row b are pc[row[b] .. row[b + 1]) */
};

/* ---- workspace ------------------------------------------------------- */

af_dist_work *af_dist_work_alloc(const af_grid *g, af_error *err)
{
    if (af_grid_check(g, "dist", err) != AF_OK)
        return NULL;
    if (!(g->dx > 0) || !isfinite(g->dx)) {
        af_error_set(err, AF_EINVAL, "dist: cell side must be finite and positive, got %g", g->dx);
        return NULL;
    }
    af_dist_work *w = calloc(1, sizeof *w);
    if (!w) {
        af_error_set(err, AF_ENOMEM, "dist: out of memory for the workspace");
        return NULL;
    }
    const size_t n = (size_t)g->n;
    w->n = g->n;
    w->per = g->edge == AF_EDGE_PERIODIC;
    w->h = w->per ? g->n / 2 : 0;
    w->m = g->n + 2 * w->h;
    w->hr = w->per ? g->n / 2 + 1 : 0;
    w->dx = g->dx;
    const size_t m = (size_t)g->n + 2 * (size_t)w->hr; /* >= w->m */
    w->cap = 4 * n;
    w->pc = malloc(w->cap * sizeof *w->pc);
    w->row = malloc((n + 1) * sizeof *w->row);
    w->a = malloc(n * n * sizeof *w->a);
    w->b = malloc(n * n * sizeof *w->b);
    int nsc = af_threads_slots();
    w->sc = calloc((size_t)nsc, sizeof *w->sc);
    int ok = w->a && w->b && w->pc && w->row && w->sc;
    if (w->sc)
        w->nsc = nsc;
    for (int t = 0; ok && t < nsc; t++) {
        af_dist_scratch *c = &w->sc[t];
        c->line = malloc(m * sizeof *c->line);
        c->ring = malloc(AF_KW * n * sizeof *c->ring);
        c->pad = malloc(n + 2 * AF_KR);
        c->blk = malloc(AF_BLK * m * sizeof *c->blk);
        c->v = malloc(m * sizeof *c->v);
        c->zn = malloc(m * sizeof *c->zn);
        c->zd = malloc(m * sizeof *c->zd);
        c->fv = malloc(m * sizeof *c->fv);
        ok = c->line && c->ring && c->pad && c->blk && c->v && c->zn && c->zd && c->fv;
    }
    if (!ok) {
        af_dist_work_free(w);
        af_error_set(err, AF_ENOMEM, "dist: out of memory for a workspace of %zu^2 cells", n);
        return NULL;
    }

    af_smooth_kernel_init(&w->sk);
    return w;
}

void af_dist_work_free(af_dist_work *w)
{
    if (!w)
        return;
    free(w->a);
    free(w->b);
    for (int t = 0; t < w->nsc; t++) {
        af_dist_scratch *c = &w->sc[t];
        free(c->line);
        free(c->ring);
        free(c->pad);
        free(c->blk);
        free(c->v);
        free(c->zn);
        free(c->zd);
        free(c->fv);
    }
    free(w->sc);
    free(w->pc);
    free(w->row);
    free(w);
}

/* Threads for a pass over w's grid, and the calling thread's scratch. */
static int af_nt(const af_dist_work *w) { return af_threads_for(w->nsc, (size_t)w->n * (size_t)w->n); }
static af_dist_scratch *af_sc(af_dist_work *w) { return &w->sc[af_thread_id()]; }

const char *af_sdist_name(af_sdist_kind kind)
{
    return kind == AF_SDIST_SIMPLE ? "simple" : "subcell";
}

/* ---- lower envelope of parabolas ------------------------------------ */

/* d[q - qlo] = min over p in [0, m) with f[p] < HUGE_VAL of
 * (q - off - p)^2 + f[p], for q in [qlo, qhi); HUGE_VAL if every f[p] is
 * HUGE_VAL.  d may alias f (the envelope keeps its own copy of f at its
 * vertices).  off shifts the queries against the parabolas' integer
 * vertices: the redistancing's lines sit at p + delta (0 <= delta < 1) and
 * are queried at cell centres, off = delta; every other caller passes 0,
 * and q - p - 0.0 is q - p bit for bit.
 *
 * Invariant of the stack v[0..k]: the parabola with vertex v[t] is the
 * lowest on [v[t] + zn[t] / zd[t], v[t + 1] + zn[t + 1] / zd[t + 1]), with
 * zn[0] / zd[0] = -1 / 0 standing for -infinity.  Two parabolas with
 * vertices p < q meet at x with
 *   x - p = (f[q] - f[p] + (q - p)^2) / (2 (q - p)),
 *   x - q = (f[q] - f[p] - (q - p)^2) / (2 (q - p)).
 * Each boundary is kept as a fraction relative to its own vertex: no
 * division (comparisons cross-multiply by the positive denominators) and
 * only offsets enter the arithmetic.  For the integer f of the EDT every
 * product is an integer below 2^53 for n <= 2^16, so comparisons are exact. */
static void af_envelope(const double *f, int m, int qlo, int qhi, double off, double *d, int *v,
                        double *zn, double *zd, double *fv)
{
    int k = -1;
    for (int q = 0; q < m; q++) {
        const double fq = f[q];
        if (fq == HUGE_VAL)
            continue;
        double num = -1.0, den = 0.0; /* -infinity */
        while (k >= 0) {
            const double del = (double)(q - v[k]), dd = 2.0 * del, df = fq - fv[k];
            /* Meeting point relative to v[k] right of the piece's left end? */
            if ((df + del * del) * zd[k] > zn[k] * dd) {
                num = df - del * del;
                den = dd;
                break;
            }
            k--; /* the parabola at v[k] is nowhere lowest any more */
        }
        k++;
        v[k] = q;
        fv[k] = fq;
        zn[k] = num;
        zd[k] = den;
    }
    if (k < 0) {
        for (int q = qlo; q < qhi; q++)
            d[q - qlo] = HUGE_VAL;
        return;
    }
    int t = 0;
    for (int q = qlo; q < qhi; q++) {
        while (t < k && zn[t + 1] < ((double)(q - v[t + 1]) - off) * zd[t + 1])
            t++;
        const double del = (double)(q - v[t]) - off;
        d[q - qlo] = del * del + fv[t];
    }
}

/* One row of 1D distances (not squared) becomes the squared distances of
 * the envelope along x, in place.  On a torus the row is unrolled by h
 * (h <= n) on each side; the parabolas sit at p + off, the queries at the
 * cells (off = 0: af_env_row). */
static void af_env_row_at(const af_dist_work *w, af_dist_scratch *t, double *row, int h,
                          double off)
{
    const int n = w->n;
    for (int i = 0; i < n; i++)
        row[i] *= row[i];
    if (!w->per) {
        af_envelope(row, n, 0, n, off, row, t->v, t->zn, t->zd, t->fv);
        return;
    }
    /* Unroll: line[p] = row[(p - h) mod n]. */
    memcpy(t->line, row + (n - h), (size_t)h * sizeof *row);
    memcpy(t->line + h, row, (size_t)n * sizeof *row);
    memcpy(t->line + h + n, row, (size_t)h * sizeof *row);
    af_envelope(t->line, n + 2 * h, h, h + n, off, row, t->v, t->zn, t->zd, t->fv);
}

static void af_env_row(const af_dist_work *w, af_dist_scratch *t, double *row)
{
    af_env_row_at(w, t, row, w->h, 0.0);
}

/* af_env_row_at on every row of a (n * n), on threads. */
static void af_env_rows_at(af_dist_work *w, double *a, int h, double off)
{
    const int n = w->n;
#pragma omp parallel for num_threads(af_nt(w)) schedule(dynamic, 8)
    for (int j = 0; j < n; j++)
        af_env_row_at(w, af_sc(w), a + (size_t)j * n, h, off);
}

/* Envelope along every column of a (n * n, squared values, in place):
 * AF_BLK columns at a time are gathered (unrolled by h on a torus) into
 * contiguous lines, so that each row is read and written a cache line at a
 * time.  Parabolas at p + off, queries at the cells (off = 0:
 * af_env_columns). */
static void af_env_columns_at(af_dist_work *w, double *a, int h, double off)
{
    const int n = w->n, m = n + 2 * h;
#pragma omp parallel for num_threads(af_nt(w)) schedule(dynamic, 1)
    for (int ib = 0; ib < (n + AF_BLK - 1) / AF_BLK; ib++) {
        af_dist_scratch *t = af_sc(w);
        double *blk = t->blk;
        const int i0 = ib * AF_BLK;
        const int nb = n - i0 < AF_BLK ? n - i0 : AF_BLK;
        for (int p = 0; p < m; p++) {
            const int j = p < h ? p - h + n : (p < h + n ? p - h : p - h - n);
            const double *src = a + (size_t)j * n + i0;
            for (int c = 0; c < nb; c++)
                blk[(size_t)c * m + p] = src[c];
        }
        for (int c = 0; c < nb; c++)
            af_envelope(blk + (size_t)c * m, m, h, h + n, off, blk + (size_t)c * m, t->v, t->zn,
                        t->zd, t->fv);
        for (int j = 0; j < n; j++) {
            double *dst = a + (size_t)j * n + i0;
            for (int c = 0; c < nb; c++)
                dst[c] = blk[(size_t)c * m + j];
        }
    }
}

static void af_env_columns(af_dist_work *w, double *a) { af_env_columns_at(w, a, w->h, 0.0); }

/* ---- exact EDT of cell centres --------------------------------------- */

/* Distance along y (not squared) to the nearest cell of the same column
 * with (mask != 0) != inv, for the columns [i0, i1): the first pass of the
 * EDT.  Each column is swept on its own, so bands of columns may run on
 * different threads. */
static void af_edt_cols_part(const af_dist_work *w, const uint8_t *mask, int inv, double *d,
                             int i0, int i1)
{
    const int n = w->n;

    /* Distance along y to the nearest source cell of the same column, first
     * looking down (smaller j), then up.  A non-source cell is one more than
     * its neighbour; HUGE_VAL + 1 stays HUGE_VAL. */
    for (int i = i0; i < i1; i++)
        d[i] = ((mask[i] != 0) != inv) ? 0.0 : HUGE_VAL;
    for (int j = 1; j < n; j++) {
        const uint8_t *mr = mask + (size_t)j * n;
        const double *prev = d + (size_t)(j - 1) * n;
        double *cur = d + (size_t)j * n;
        for (int i = i0; i < i1; i++)
            cur[i] = ((mr[i] != 0) != inv) ? 0.0 : prev[i] + 1.0;
    }
    if (w->per) {
        /* Carry the distances across the wrap edge: keep going round until
         * a row no longer changes (then no later row can change either;
         * this holds column by column, so for any band of columns). */
        for (int j = 0; j < n; j++) {
            const double *prev = d + (size_t)(j == 0 ? n - 1 : j - 1) * n;
            double *cur = d + (size_t)j * n;
            int changed = 0;
            for (int i = i0; i < i1; i++) {
                const double c = prev[i] + 1.0;
                if (c < cur[i]) {
                    cur[i] = c;
                    changed = 1;
                }
            }
            if (!changed)
                break;
        }
    }
    for (int j = n - 2; j >= 0; j--) {
        const double *next = d + (size_t)(j + 1) * n;
        double *cur = d + (size_t)j * n;
        for (int i = i0; i < i1; i++) {
            const double c = next[i] + 1.0;
            cur[i] = c < cur[i] ? c : cur[i];
        }
    }
    if (w->per) {
        for (int j = n - 1; j >= 0; j--) {
            const double *next = d + (size_t)(j == n - 1 ? 0 : j + 1) * n;
            double *cur = d + (size_t)j * n;
            int changed = 0;
            for (int i = i0; i < i1; i++) {
                const double c = next[i] + 1.0;
                if (c < cur[i]) {
                    cur[i] = c;
                    changed = 1;
                }
            }
            if (!changed)
                break;
        }
    }
}

static void af_edt_cols(af_dist_work *w, const uint8_t *mask, int inv, double *d)
{
const int nt = af_nt(w), np = af_parts(w->n, nt, 64);
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
    for (int q = 0; q < np; q++) {
        int i0, i1;
        af_thread_part(w->n, q, np, 8, &i0, &i1);
        af_edt_cols_part(w, mask, inv, d, i0, i1);
    }
}

void af_dist_edt(af_dist_work *w, const uint8_t *mask, double *d2)
{
    af_edt_cols(w, mask, 0, d2);
    af_env_rows_at(w, d2, w->h, 0.0);
}

/* ---- Gaussian smoothing ---------------------------------------------- */

/* Rows [j0, j1) of af_dist_smooth, with thread scratch t. */
static void af_smooth_rows(const af_dist_work *w, af_dist_scratch *t, const uint8_t *mask,
                           double *u, int j0, int j1)
{
    const int n = w->n;
    double *ring = t->ring;
#define AF_SLOT(jj) (ring + (size_t)((((jj) % AF_KW) + AF_KW) % AF_KW) * n)
    /* The rows smoothed along x live in a ring of AF_KW rows (in cache),
     * indexed by the unrolled row jj in [-AF_KR, n + AF_KR); the ring holds
     * rows j - AF_KR .. j + AF_KR when output row j is formed.  Each row
     * smoothed along x is exact (smooth_internal.h), so a band that starts
     * its ring at j0 forms the rows the whole sweep forms. */
    if (j0 >= j1)
        return;
    for (int jj = j0 - AF_KR; jj < j0 + AF_KR; jj++)
        af_smooth_row_x(&w->sk, mask, n, w->per, jj, t->pad, AF_SLOT(jj));
    for (int j = j0; j < j1; j++) {
        af_smooth_row_x(&w->sk, mask, n, w->per, j + AF_KR, t->pad, AF_SLOT(j + AF_KR));
        const double *src[AF_KW];
        for (int k = 0; k < AF_KW; k++)
            src[k] = AF_SLOT(j + k - AF_KR);
        af_smooth_row_y(&w->sk, src, n, u + (size_t)j * n);
    }
#undef AF_SLOT
}

void af_dist_smooth(af_dist_work *w, const uint8_t *mask, double *u)
{
/* parts of at least 8 ring warm-ups' length */
    const int nt = af_nt(w), np = af_parts(w->n, nt, 8 * AF_KW);
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
    for (int q = 0; q < np; q++) {
        int j0, j1;
        af_thread_part(w->n, q, np, 1, &j0, &j1);
        af_smooth_rows(w, af_sc(w), mask, u, j0, j1);
    }
}

/* Separable Gaussian blur of a double field, in place, through the
 * workspace's scratch field b.  Edge rule as in af_dist_smooth: the edge
 * value is repeated (clamp) or the box wraps (periodic).  The kernel lives
 * on the stack: sigma is limited so that its radius fits. */
#define AF_BLUR_MAXR 24
void af_dist_blur(af_dist_work *w, double *u, double sigma)
{
    const int n = w->n;
    if (!(sigma > 0))
        return; /* also NaN: checked before any conversion to int */
    /* 4 sigma, cut at AF_BLUR_MAXR before converting (sigma = 1e300 or inf
     * would overflow the int) */
    int r = 4 * sigma >= AF_BLUR_MAXR ? AF_BLUR_MAXR : (int)ceil(4 * sigma);
    double k[2 * AF_BLUR_MAXR + 1], sum = 0;
    for (int t = -r; t <= r; t++)
        sum += k[t + r] = exp(-0.5 * t * t / (sigma * sigma));
    for (int t = 0; t <= 2 * r; t++)
        k[t] /= sum;
    double *b = w->b;
    /* along x: u -> b */
#pragma omp parallel for num_threads(af_nt(w)) schedule(dynamic, 8)
    for (int j = 0; j < n; j++) {
        const double *src = u + (size_t)j * n;
        double *dst = b + (size_t)j * n;
        for (int i = 0; i < n; i++) {
            double acc = 0;
            for (int t = -r; t <= r; t++) {
                int ii = i + t;
                ii = w->per ? ((ii % n) + n) % n : (ii < 0 ? 0 : ii >= n ? n - 1 : ii);
                acc += k[t + r] * src[ii];
            }
            dst[i] = acc;
        }
    }
    /* along y: b -> u, a whole row at a time */
#pragma omp parallel for num_threads(af_nt(w)) schedule(dynamic, 8)
    for (int j = 0; j < n; j++) {
        double *dst = u + (size_t)j * n;
        for (int i = 0; i < n; i++)
            dst[i] = 0;
        for (int t = -r; t <= r; t++) {
            int jj = j + t;
            jj = w->per ? ((jj % n) + n) % n : (jj < 0 ? 0 : jj >= n ? n - 1 : jj);
            const double *src = b + (size_t)jj * n;
            const double kt = k[t + r];
            for (int i = 0; i < n; i++)
                dst[i] += kt * src[i];
        }
    }
}

/* ---- sub-cell signed distance ---------------------------------------- */

/* Crossing of u = 1/2 on the edge from cell a (lower index) to cell b: the
 * fraction t in [0, 1] of the way from a to b, or -1 when (u - 1/2) does not
 * change sign (inside means u > 1/2).  With p the inside end, the fraction
 * from p is (u_p - 1/2) / (u_p - u_q) = 1 / (1 + (1/2 - u_q) / (u_p - 1/2)),
 * written so that every operation is monotone: a larger u_p or u_q moves the
 * crossing towards q in floating point too.  u_p - 1/2 > 0 is exact. */
static inline double af_cross(double ua, double ub)
{
    const int ia = ua > 0.5, ib = ub > 0.5;
    if (ia == ib)
        return -1.0;
    if (ia)
        return 1.0 / (1.0 + (0.5 - ub) / (ua - 0.5));
    return 1.0 - 1.0 / (1.0 + (0.5 - ua) / (ub - 0.5));
}

/* gH: squared distance along each row to the nearest crossing on a
 * horizontal edge of that row (HUGE_VAL if none).  Edge e joins cells e and
 * e + 1 (mod n on a torus: edge n - 1 is the wrap edge), its crossing is at
 * e + xt[e].  Two sweeps of the 1D recurrence
 *   from the left:  L(i) = 1 - xt[i-1] if edge i-1 crosses, else L(i-1) + 1
 *   from the right: R(i) = xt[i]       if edge i crosses,   else R(i+1) + 1
 * (a crossing on the adjacent edge is within one cell, so it is always the
 * nearest on its side).  On a torus each sweep goes round a second time
 * until a cell no longer improves.  The arithmetic only sees offsets (shift
 * invariant), each step is monotone in the fraction, and the sum of ones
 * rounds at most once per binade: the error is an ulp of the result. */
static void af_sub_rows(af_dist_work *w, const double *u, double *g)
{
    const int n = w->n, per = w->per;
    const int ne = per ? n : n - 1; /* edges per row */
#pragma omp parallel for num_threads(af_nt(w)) schedule(dynamic, 8)
    for (int j = 0; j < n; j++) {
        double *xt = af_sc(w)->line;
        const double *ur = u + (size_t)j * n;
        double *gr = g + (size_t)j * n;
        int any = 0;
        for (int e = 0; e < ne; e++) {
            xt[e] = af_cross(ur[e], ur[e + 1 < n ? e + 1 : 0]);
            any |= xt[e] >= 0;
        }
        if (!any) {
            for (int i = 0; i < n; i++)
                gr[i] = HUGE_VAL;
            continue;
        }
        gr[0] = HUGE_VAL;
        for (int i = 1; i < n; i++)
            gr[i] = xt[i - 1] >= 0 ? 1.0 - xt[i - 1] : gr[i - 1] + 1.0;
        if (per)
            for (int i = 0; i < n; i++) {
                const int e = i > 0 ? i - 1 : n - 1;
                const double c = xt[e] >= 0 ? 1.0 - xt[e] : gr[e] + 1.0;
                if (!(c < gr[i]))
                    break;
                gr[i] = c;
            }
        for (int i = n - 2; i >= 0; i--) {
            const double c = xt[i] >= 0 ? xt[i] : gr[i + 1] + 1.0;
            gr[i] = c < gr[i] ? c : gr[i];
        }
        if (per)
            for (int i = n - 1; i >= 0; i--) {
                const double c = xt[i] >= 0 ? xt[i] : gr[i + 1 < n ? i + 1 : 0] + 1.0;
                if (!(c < gr[i]))
                    break;
                gr[i] = c;
            }
        for (int i = 0; i < n; i++)
            gr[i] *= gr[i];
    }
}

/* gV: the same along each column, for crossings on vertical edges (edge e
 * joins rows e and e + 1), swept a whole row at a time, and not squared (the
 * envelope along x squares each row).  On a torus the second round stops at
 * the first row that no longer changes: no later row can change either. */
static void af_sub_cols_part(const af_dist_work *w, const double *u, double *g, int i0, int i1)
{
    const int n = w->n, per = w->per;
    for (int i = i0; i < i1; i++)
        g[i] = HUGE_VAL;
    for (int j = 1; j < n; j++) {
        const double *u0 = u + (size_t)(j - 1) * n, *u1 = u + (size_t)j * n;
        const double *gp = g + (size_t)(j - 1) * n;
        double *gr = g + (size_t)j * n;
        for (int i = i0; i < i1; i++) {
            const double t = af_cross(u0[i], u1[i]);
            gr[i] = t >= 0 ? 1.0 - t : gp[i] + 1.0;
        }
    }
    if (per)
        for (int j = 0; j < n; j++) {
            const int jp = j > 0 ? j - 1 : n - 1;
            const double *u0 = u + (size_t)jp * n, *u1 = u + (size_t)j * n;
            const double *gp = g + (size_t)jp * n;
            double *gr = g + (size_t)j * n;
            int changed = 0;
            for (int i = i0; i < i1; i++) {
                const double t = af_cross(u0[i], u1[i]);
                const double c = t >= 0 ? 1.0 - t : gp[i] + 1.0;
                if (c < gr[i]) {
                    gr[i] = c;
                    changed = 1;
                }
            }
            if (!changed)
                break;
        }
    for (int j = n - 2; j >= 0; j--) {
        const double *u0 = u + (size_t)j * n, *u1 = u + (size_t)(j + 1) * n;
        const double *gn = g + (size_t)(j + 1) * n;
        double *gr = g + (size_t)j * n;
        for (int i = i0; i < i1; i++) {
            const double t = af_cross(u0[i], u1[i]);
            const double c = t >= 0 ? t : gn[i] + 1.0;
            gr[i] = c < gr[i] ? c : gr[i];
        }
    }
    if (per)
        for (int j = n - 1; j >= 0; j--) {
            const int jn = j < n - 1 ? j + 1 : 0;
            const double *u0 = u + (size_t)j * n, *u1 = u + (size_t)jn * n;
            const double *gn = g + (size_t)jn * n;
            double *gr = g + (size_t)j * n;
            int changed = 0;
            for (int i = i0; i < i1; i++) {
                const double t = af_cross(u0[i], u1[i]);
                const double c = t >= 0 ? t : gn[i] + 1.0;
                if (c < gr[i]) {
                    gr[i] = c;
                    changed = 1;
                }
            }
            if (!changed)
                break;
        }
}

static void af_sub_cols(af_dist_work *w, const double *u, double *g)
{
const int nt = af_nt(w), np = af_parts(w->n, nt, 64);
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
    for (int q = 0; q < np; q++) {
        int i0, i1;
        af_thread_part(w->n, q, np, 8, &i0, &i1);
        af_sub_cols_part(w, u, g, i0, i1);
    }
}

static void af_signed_subcell(af_dist_work *w, const uint8_t *mask, double *s)
{
    const int n = w->n;
    const double dx = w->dx;
    double *u = w->a, *dh = w->b;
    af_dist_smooth(w, mask, u);
    af_sub_rows(w, u, dh);
    af_env_columns(w, dh); /* dh: squared distance to the horizontal-edge crossings */
    af_sub_cols(w, u, s);
#pragma omp parallel for num_threads(af_nt(w)) schedule(dynamic, 8)
    for (int j = 0; j < n; j++) {
        double *sr = s + (size_t)j * n;
        const double *hr = dh + (size_t)j * n, *ur = u + (size_t)j * n;
        af_env_row(w, af_sc(w), sr); /* sr: squared distance to the vertical-edge crossings */
        for (int i = 0; i < n; i++) {
            const double d = sqrt(hr[i] < sr[i] ? hr[i] : sr[i]) * dx;
            sr[i] = ur[i] > 0.5 ? -d : d;
        }
    }
}

/* ---- simple signed distance ------------------------------------------ */

static void af_signed_simple(af_dist_work *w, const uint8_t *mask, double *s)
{
    const int n = w->n;
    const double dx = w->dx;
    double *dout = w->a;
    af_dist_edt(w, mask, s); /* squared distance to the inside cells */
    af_edt_cols(w, mask, 1, dout);
#pragma omp parallel for num_threads(af_nt(w)) schedule(dynamic, 8)
    for (int j = 0; j < n; j++) {
        double *sr = s + (size_t)j * n, *orow = dout + (size_t)j * n;
        const uint8_t *mr = mask + (size_t)j * n;
        af_env_row(w, af_sc(w), orow); /* squared distance to the outside cells */
        for (int i = 0; i < n; i++)
            sr[i] = mr[i] ? -(sqrt(orow[i]) - 0.5) * dx : (sqrt(sr[i]) - 0.5) * dx;
    }
}

void af_dist_signed(af_dist_work *w, af_sdist_kind kind, const uint8_t *mask, double *s)
{
    if (kind == AF_SDIST_SIMPLE)
        af_signed_simple(w, mask, s);
    else
        af_signed_subcell(w, mask, s);
}

/* ---- redistancing ------------------------------------------------------ */

/* The pieces of the zero line, square by square, rows of squares in
 * increasing b: on a torus all n^2 squares, on a clamped grid the (n-1)^2
 * between centres.  The clamped strips are left out: their pieces run
 * perpendicular to the box edge from the crossing on the outer row or
 * column of centres, which is an end of a piece of the neighbouring inner
 * square; every cell centre lies on the inner side of the strip, so that
 * end is its nearest point of the strip's piece. */
static af_status af_redist_pieces(af_dist_work *w, const double *u, af_error *err)
{
    const int n = w->n, ns = w->per ? n : n - 1; /* squares per axis */
    w->npc = 0;
    for (int b = 0; b < ns; b++) {
        w->row[b] = w->npc;
        const double *r0 = u + (size_t)b * n, *r1 = u + (size_t)(b + 1 < n ? b + 1 : 0) * n;
        for (int a = 0; a < ns; a++) {
            const int a1 = a + 1 < n ? a + 1 : 0;
            const double v[4] = {r0[a], r0[a1], r1[a1], r1[a]};
            const int code = af_ms_code(v, 0.0);
            if (code == 0 || code == 15)
                continue;
            if (w->npc + 2 > w->cap) {
                const size_t cap = 2 * w->cap + 2;
                af_dist_piece *p =
                    cap > ((size_t)-1) / sizeof *p ? NULL : realloc(w->pc, cap * sizeof *p);
                if (!p)
                    return af_error_set(err, AF_ENOMEM,
                                        "dist: out of memory for %zu pieces of the zero line", cap);
                w->pc = p;
                w->cap = cap;
            }
            af_segment sg[2];
            const int k = af_ms_square(v, 0.0, code, sg);
            for (int q = 0; q < k; q++)
                w->pc[w->npc++] = (af_dist_piece){a, b, sg[q].x0, sg[q].y0, sg[q].x1, sg[q].y1};
        }
    }
    for (int b = ns < 0 ? 0 : ns; b <= n; b++)
        w->row[b] = w->npc;
    return AF_OK;
}

/* Where a segment of a unit frame meets the line x = X: the y of the
 * crossing (1), both ends when the segment lies on the line (2), or none.
 * An end on the line is returned as it is, not interpolated. */
static inline int af_piece_at(double x0, double y0, double x1, double y1, double X, double ys[2])
{
    if (x0 == X) {
        ys[0] = y0;
        if (x1 != X)
            return 1;
        ys[1] = y1;
        return 2;
    }
    if (x1 == X) {
        ys[0] = y1;
        return 1;
    }
    if ((x0 < X) == (x1 < X))
        return 0;
    ys[0] = y0 + (X - x0) / (x1 - x0) * (y1 - y0);
    return 1;
}

/* g[c] = min(g[c], neighbour + 1) along y, whole rows at a time: up, then
 * down; on a torus each sweep goes on round the seam until a row no
 * longer changes (then no later row can change).  Turns distances to the
 * samples scattered on the two rows around each sample into the distance
 * along y to the nearest sample of each column. */
static void af_sweep_y_part(const af_dist_work *w, double *g, int i0, int i1)
{
    const int n = w->n;
    for (int dir = 0; dir < 2; dir++) {
        const int step = dir ? -1 : 1, j0 = dir ? n - 2 : 1;
        for (int j = j0; j >= 0 && j < n; j += step) {
            const double *nb = g + (size_t)(j - step) * n;
            double *cur = g + (size_t)j * n;
            for (int i = i0; i < i1; i++) {
                const double c = nb[i] + 1.0;
                cur[i] = c < cur[i] ? c : cur[i];
            }
        }
        if (!w->per)
            continue;
        for (int t = 0; t < n; t++) {
            const int j = dir ? n - 1 - t : t, jn = ((j - step) % n + n) % n;
            const double *nb = g + (size_t)jn * n;
            double *cur = g + (size_t)j * n;
            int changed = 0;
            for (int i = i0; i < i1; i++) {
                const double c = nb[i] + 1.0;
                if (c < cur[i]) {
                    cur[i] = c;
                    changed = 1;
                }
            }
            if (!changed)
                break;
        }
    }
}

static void af_sweep_y(af_dist_work *w, double *g)
{
const int nt = af_nt(w), np = af_parts(w->n, nt, 64);
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
    for (int q = 0; q < np; q++) {
        int i0, i1;
        af_thread_part(w->n, q, np, 8, &i0, &i1);
        af_sweep_y_part(w, g, i0, i1);
    }
}

/* Squared distance (cells^2) to the samples of the zero line on the lines
 * x = r + delta (tr = 0) or y = r + delta (tr = 1), r = 0 .. n - 1, min'ed
 * into d2.  The lines y = r + delta are the lines x = r + delta of the
 * transposed grid, so both run through one code path: with tr = 1 every
 * piece is read transposed, g is the transposed field, and only the final
 * min into d2 transposes back.
 *
 * A sample at y = b + t on the line r is t from row b and 1 - t from row
 * b + 1 (a sample of the lines x = r is at the right end of square r - 1
 * too, so delta = 0 also takes the unit frame's line x = 1, r = a + 1).
 * The sweeps make the 1D distance along each line exact, and the envelope
 * across the lines, whose parabolas sit at r + delta, gives the exact 2D
 * distance to the samples.  g (n^2 scratch) must hold HUGE_VAL everywhere
 * on entry and does again on return, so that each family pays one pass
 * fewer. */
static void af_redist_lines(af_dist_work *w, double delta, int tr, double *g, double *d2)
{
    const int n = w->n, h = w->per ? w->hr : 0;
    for (size_t k = 0; k < w->npc; k++) {
        const af_dist_piece *p = &w->pc[k];
        /* across the lines: x (transposed: y); along them: y (x) */
        const double c0 = tr ? p->y0 : p->x0, c1 = tr ? p->y1 : p->x1;
        const double l0 = tr ? p->x0 : p->y0, l1 = tr ? p->x1 : p->y1;
        const int across = tr ? p->b : p->a, along = tr ? p->a : p->b;
        double *lo = g + (size_t)along * n, *hi = g + (size_t)(along + 1 < n ? along + 1 : 0) * n;
        for (int side = 0; side < (delta == 0.0 ? 2 : 1); side++) {
            double ts[2];
            const int ns = af_piece_at(c0, l0, c1, l1, side ? 1.0 : delta, ts);
            const int r = side ? (across + 1 < n ? across + 1 : 0) : across;
            for (int q = 0; q < ns; q++) {
                lo[r] = ts[q] < lo[r] ? ts[q] : lo[r];
                hi[r] = 1.0 - ts[q] < hi[r] ? 1.0 - ts[q] : hi[r];
            }
        }
    }
    af_sweep_y(w, g);
    af_env_rows_at(w, g, h, delta);
    if (!tr) {
#pragma omp parallel for num_threads(af_nt(w)) schedule(static)
        for (size_t c = 0; c < (size_t)n * n; c++) {
            d2[c] = g[c] < d2[c] ? g[c] : d2[c];
            g[c] = HUGE_VAL;
        }
        return;
    }
    /* d2(i, j) = min(d2(i, j), g(j, i)), in tiles of AF_TILE x AF_TILE: with
     * n a power of two the rows of a tile map to the same cache sets, and 8
     * of them still fit an 8-way L1 (measured at 512^2: 8 is 25% faster
     * than 16 or 32 for the transposed family); a band of tile rows writes
     * rows of d2 and columns of g of its own */
#pragma omp parallel for num_threads(af_nt(w)) schedule(dynamic, 8)
    for (int j0 = 0; j0 < n; j0 += AF_TILE)
        for (int i0 = 0; i0 < n; i0 += AF_TILE) {
            const int j1 = j0 + AF_TILE < n ? j0 + AF_TILE : n;
            const int i1 = i0 + AF_TILE < n ? i0 + AF_TILE : n;
            for (int j = j0; j < j1; j++)
                for (int i = i0; i < i1; i++) {
                    double *gc = g + (size_t)i * n + j, *dc = d2 + (size_t)j * n + i;
                    *dc = *gc < *dc ? *gc : *dc;
                    *gc = HUGE_VAL;
                }
        }
}

static inline int af_wrap(int i, int n)
{
    i %= n;
    return i < 0 ? i + n : i;
}

/* Squared distance from the point (qx, qy) to the segment p of a unit
 * frame (qx, qy in the same frame). */
static inline double af_piece_d2(const af_dist_piece *p, double qx, double qy)
{
    const double ex = p->x1 - p->x0, ey = p->y1 - p->y0, l2 = ex * ex + ey * ey;
    qx -= p->x0;
    qy -= p->y0;
    double t = l2 > 0 ? (qx * ex + qy * ey) / l2 : 0.0;
    t = t < 0 ? 0 : (t > 1 ? 1 : t);
    const double rx = qx - t * ex, ry = qy - t * ey;
    return rx * rx + ry * ry;
}

/* The exact distance where the far field says the line is near.  d2 holds
 * the far field's squared distances D^2 >= d^2 (distances to points of the
 * line).  A cell with D <= AF_REDIST_NEAR + 1 looks at every piece in the
 * squares [i - r - 1, i + r] x [j - r - 1, j + r], r = floor(D): the nearest
 * point P of the line lies within d <= D of the cell, so in one of them
 * (a square [aa, aa + 1] holding P.x in [i - D, i + D] has
 * i - floor(D) - 1 <= aa <= i + floor(D)), and the minimum over their
 * pieces is exact.  A cell with d <= AF_REDIST_NEAR
 * has D <= sqrt(d^2 + l^2 / 4) < d + 1 (pieces between samples are l <=
 * sqrt(2) / AF_REDIST_SUB long), so it is among them.  sq (n^2) gets, per
 * square, the index of its first piece or -1 (a saddle's two pieces are
 * consecutive).  Squares farther from the cell than the best distance so
 * far are skipped. */
static void af_redist_near(af_dist_work *w, int32_t *sq, double *d2)
{
    const int n = w->n, per = w->per;
    const size_t nn = (size_t)n * n;
#pragma omp parallel for num_threads(af_nt(w)) schedule(static)
    for (size_t c = 0; c < nn; c++)
        sq[c] = -1;
    for (size_t k = w->npc; k-- > 0;)
        sq[(size_t)w->pc[k].b * n + w->pc[k].a] = (int32_t)k;
    const double lim = (AF_REDIST_NEAR + 1) * (AF_REDIST_NEAR + 1);
    /* a cell reads and writes only its own d2: rows on any thread; the
     * work gathers near the line, hence the dynamic schedule */
#pragma omp parallel for num_threads(af_nt(w)) schedule(dynamic, 4)
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            double best = d2[(size_t)j * n + i];
            if (!(best <= lim))
                continue;
            const int r = (int)floor(sqrt(best) + 1e-9); /* 1e-9: whatever sqrt rounds */
            for (int bb = j - r - 1; bb <= j + r; bb++) {
                if (!per && (bb < 0 || bb > n - 2))
                    continue;
                /* the square's rows [bb, bb + 1] against the cell's row j */
                const double gy = bb > j ? bb - j : (j > bb + 1 ? j - bb - 1 : 0);
                if (gy * gy >= best)
                    continue;
                const int b = per ? af_wrap(bb, n) : bb;
                for (int aa = i - r - 1; aa <= i + r; aa++) {
                    if (!per && (aa < 0 || aa > n - 2))
                        continue;
                    const double gx = aa > i ? aa - i : (i > aa + 1 ? i - aa - 1 : 0);
                    if (gx * gx + gy * gy >= best)
                        continue;
                    const int a = per ? af_wrap(aa, n) : aa;
                    int32_t k = sq[(size_t)b * n + a];
                    if (k < 0)
                        continue;
                    do {
                        const double d = af_piece_d2(&w->pc[k], i - aa, j - bb);
                        best = d < best ? d : best;
                        k++;
                    } while ((size_t)k < w->npc && w->pc[k].a == a && w->pc[k].b == b);
                }
            }
            d2[(size_t)j * n + i] = best;
        }
}

af_status af_dist_redistance(af_dist_work *w, const double *u, double *s, af_error *err)
{
    const int n = w->n;
    const size_t nn = (size_t)n * n;
    for (size_t c = 0; c < nn; c++)
        if (isnan(u[c]))
            return af_error_set(err, AF_EINVAL, "dist: redistance: u is NaN at cell (%zu, %zu)",
                                c % (size_t)n, c / (size_t)n);
    af_status st = af_redist_pieces(w, u, err);
    if (st != AF_OK)
        return st;
    if (w->npc == 0) {
        for (size_t c = 0; c < nn; c++)
            s[c] = u[c] < 0 ? -HUGE_VAL : (u[c] > 0 ? HUGE_VAL : 0.0);
        return AF_OK;
    }
    /* s holds squared distances in cells^2 until the last loop. */
#pragma omp parallel for num_threads(af_nt(w)) schedule(static)
    for (size_t c = 0; c < nn; c++)
        s[c] = w->b[c] = HUGE_VAL;
    for (int k = 0; k < AF_REDIST_SUB; k++) {
        const double delta = (double)k / AF_REDIST_SUB;
        af_redist_lines(w, delta, 0, w->b, s);
        af_redist_lines(w, delta, 1, w->b, s);
    }
    /* The scratch field a is free here: it holds the squares' piece index. */
    af_redist_near(w, (int32_t *)(void *)w->a, s);
    const double dx = w->dx;
#pragma omp parallel for num_threads(af_nt(w)) schedule(static)
    for (size_t c = 0; c < nn; c++) {
        double d = sqrt(s[c]) * dx;
        d = d > 0 ? d : DBL_TRUE_MIN; /* a cell off the line is never at 0 */
        s[c] = u[c] < 0 ? -d : (u[c] > 0 ? d : 0.0);
    }
    return AF_OK;
}
