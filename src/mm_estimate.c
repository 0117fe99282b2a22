/* advflow: what the first minimizing-movements step will cost, estimated
 * before its plan is made (mm.h, af_mm_plan_estimate).  GPL-3.0-or-later.
 *
 * The first step's graph is the largest of a run (mm_plan.h, MM_FIRST_BAND),
 * and it grows with the band and the ball, not with the grid: so the
 * estimate follows what the step does, from the mask alone.  Measured
 * against steps in docs/design.md ("What a first step costs").
 *
 * Band.  The step's variables are the cells whose signed distance to the
 * boundary lies within w_in cells inside and w_out cells outside: on a
 * first step 1.25 times the motion predicted below and 3 cells, or
 * MM_FIRST_BAND = r + 4 each way where the prediction is not trusted
 * (mm_first_band, first_band_of).  Their count, for any widths, comes
 * from a histogram of the cells' distances to the boundary, a 5-7-11
 * chamfer transform (within 2% of the Euclidean distance) from the cells
 * that touch the other side, plus half a cell.  Without memory for that
 * (2 bytes a cell) it falls back to Steiner's formula for the disc with the
 * boundary's length L and the set's area A, L w (1 -+ w / 2R), R = 2A / L,
 * L measured by the 8-neighbour estimator (sqrt2 - 1) E4 + (1 - 1/sqrt2) Ed
 * (E4 cell pairs across the boundary along rows and columns, Ed along the
 * diagonals: exact for boundaries along an axis or a diagonal, at most 8%
 * high between, 5.5% on average over all orientations, which is divided
 * out).
 *
 * Widening.  A step that moves its boundary farther than the band reaches
 * widens that side to 1.5 w + 4 and solves again, and a side it does not
 * reach shrinks to 1.25 times what it moved there and 3 cells (mm.c,
 * step_grid).  How far: a boundary of curvature k = 1/R moves by the
 * implicit step of the disc, R - R' = H / R' (H = h / dx^2 cells^2, the
 * flow's law V = kappa under a uniform density, docs/theory.md); a convex
 * feature with R^2 < 16 H / 3 vanishes in the step (the disc's energy
 * exceeds the empty set's there: docs/cases.md) and moves by R, a concave
 * one with R^2 < 4 H fills by about R; a set that vanishes grows nowhere.  The largest curvature on each
 * side is measured at the scale that matters (curvatures below); the
 * solves are simulated with it.  Densities that vary add a drift this does
 * not see.
 *
 * Graph.  Per band cell (mm_graph.c): one cell node; per term centre and
 * kind (max and min, about one centre per band cell each) one auxiliary
 * node with two arcs per chord (its two end blocks); and block nodes along
 * the rows, K = floor(log2(2r + 1)) levels each built from two of the level
 * below (two arcs), shared between centres by the memo.  Measured on first
 * steps of the circle (n = 1024, r = 4, 10, 20): 9.8, 9.9, 12.1 nodes and
 * 54, 84, 150 arcs a band cell (terminal arcs counted as af_mm_stats does),
 * taken here as 2K + 2.5 nodes and 6r + 2K + 22 arcs; blocks starting
 * beyond a clamped edge add a few per row and level, about 8r / n nodes
 * and 16r / n arcs per cell of an n-wide grid.  Each further budget of an
 * averaged perimeter (eps_avg) adds 2 nodes and 6 r_b + 4 arcs a band cell
 * (extra_per_cell).
 * The norm changes the chords, not their number.
 *
 * Bytes.  The plan's fixed arrays (af_mm_plan_bytes), those of the window's
 * plan when the step runs in a window (mm_band.c: the set's bounding box
 * with a margin of 2.5 band reaches, two balls and 8 cells, plus a
 * sixteenth, used when it is at most 3/4 of the grid), and the graph at its
 * largest solve: our max-flow's node arrays (81 bytes a node, grown by a
 * quarter at least), the plan's unary costs (8 bytes a node, doubled from
 * 1024), the arc pairs as added (8 bytes, doubled from 4096) and its forward
 * star (32 bytes a pair); BK's instead: its nodes (48 bytes), arcs (64 bytes
 * a pair) and the plan's copy of the pairs (8 bytes, doubled).  The fixed
 * arrays are allocated, not all touched: a plan that steps in a window
 * never touches its full-grid ones.
 *
 * Time.  Per solve MM_EST_NS_NODE nanoseconds a node, times
 * (nodes / 1e6)^0.3 (pseudoflow's time grows like m^1.26 on these graphs,
 * src/mf.c), and per cell of the stepped grid MM_EST_NS_CELL for each solve
 * and two passes more (the distance, the energy, the global moves); fitted
 * to first steps of the circle (docs/design.md). */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "mm_plan.h"

/* Time per node of a solve of a million nodes with a ball of 10 cells, ns,
 * growing like nodes^0.17 (fitted to single-solve first steps,
 * docs/design.md); BK's is MM_EST_BK times as long; and per cell of the
 * stepped grid per pass, ns. */
#define MM_EST_NS_NODE 3600.0
#define MM_EST_BK 20.0
#define MM_EST_NS_CELL 60.0

/* Block levels of chords of up to 2r + 1 cells (mm_graph.c). */
static double levels(double r)
{
    double k = 0;
    while (pow(2, k + 1) <= 2 * r + 1)
        k++;
    return k;
}

/* The step's graph per band cell at ball reach r on a grid n cells wide. */
static double nodes_per_cell(double r, double n) { return 2 * levels(r) + 2.5 + 8 * r / n; }
static double arcs_per_cell(double r, double n) { return 6 * r + 2 * levels(r) + 22 + 16 * r / n; }

/* What the further budgets of an averaged perimeter (eps_avg) add per band
 * cell: their terms' auxiliary nodes (a max and a min term: 2) and two arcs
 * per chord, 6 r_b + 4 with the base's share of chords that meet the band
 * (the block nodes are shared).  Measured on first steps of the circle at
 * n = 1024, h = dx: 1.93 to 1.99 nodes and 20 to 41 arcs a band cell per
 * ball of 2 to 17 cells, which the base formula's ratio to its own
 * measurement (0.39 to 0.89) carries over to within 15% but for one ball
 * (8 cells beside 20: 28 measured, 20 predicted). */
static void extra_per_cell(const af_grid *g, const af_mm_params *prm, double r, double *nodes,
                           double *arcs)
{
    *nodes = *arcs = 0;
    for (int q = 0; q < 3; q++) {
        double e = prm->eps_avg[q];
        if (!(e > 0) || !isfinite(e))
            continue;
        double rb = fmin(floor(e / g->dx * (1 + 1e-9)), r);
        *nodes += 2;
        *arcs += 6 * rb + 4;
    }
}

/* The smallest capacity c0 2^k >= need (a doubling array's room). */
static double doubled(double c0, double need)
{
    double c = c0;
    while (c < need)
        c *= 2;
    return c;
}

/* Boundary length in cells (the 8-neighbour estimator above), area and
 * bounding box of mask on an n x n grid; box[1] < 0 for an empty mask;
 * the row and column pairs across the boundary in *pairs4. */
static double boundary_length(const af_grid *g, const uint8_t *mask, double *area, int box[4],
                              double *pairs4)
{
    int n = g->n, per = g->edge == AF_EDGE_PERIODIC;
    /* (di, dj): right, up, up-right, up-left */
    static const int di[4] = {1, 0, 1, -1}, dj[4] = {0, 1, 1, 1};
    double e4 = 0, ed = 0, a = 0;
    box[0] = box[2] = n;
    box[1] = box[3] = -1;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            int in = mask[(size_t)j * n + i] != 0;
            if (in) {
                a++;
                box[0] = i < box[0] ? i : box[0];
                box[1] = i > box[1] ? i : box[1];
                box[2] = j < box[2] ? j : box[2];
                box[3] = j > box[3] ? j : box[3];
            }
            for (int k = 0; k < 4; k++) {
                int ii = i + di[k], jj = j + dj[k];
                if (per) {
                    ii = (ii + n) % n;
                    jj = jj % n;
                } else if (ii < 0 || ii >= n || jj >= n) {
                    continue; /* the box's edge is not a boundary */
                }
                if ((mask[(size_t)jj * n + ii] != 0) != in) {
                    if (k < 2)
                        e4++;
                    else
                        ed++;
                }
            }
        }
    *area = a;
    *pairs4 = e4;
    /* over all orientations the estimator is 5.5% high on average: a
     * curved boundary's length is known best divided by that */
    return ((sqrt(2.0) - 1) * e4 + (1 - sqrt(0.5)) * ed) / 1.055;
}

static int local_band_paint(const af_grid *g, double h, const double *rho0, const double *rho1,
                            const uint8_t *mask, double w_in, double w_out, uint8_t *allow,
                            double len, double *floor_w);

/* ---- the band's cells --------------------------------------------------- */

/* Chamfer distances in fifths of a cell, saturated at CH_MAX. */
#define CH_MAX 65535
typedef struct {
    double *cum[2]; /* [0] inside, [1] outside: cells at distance <= k fifths */
    double *cuml[2]; /* the same over the local band's cells (mm_local_band), or NULL */
    int len;        /* entries of each */
    /* fallback (no histogram): Steiner's formula */
    double len_b, R, area, cells;
} band_model;

/* Cells with -w_in <= s <= w_out (cells), of the local band only if
 * local and it was counted. */
static double band_of(const band_model *b, double w_in, double w_out, int local)
{
    if (b->cum[0]) {
        double c = 0, w[2] = {w_in, w_out};
        double *const *cum = local && b->cuml[0] ? b->cuml : b->cum;
        for (int side = 0; side < 2; side++) {
            /* |s| = d + 1/2: the boundary runs half a cell from the centres
             * of the cells that touch it */
            double k = floor(5 * (w[side] - 0.5) + 1e-9);
            if (k >= 0)
                c += cum[side][k < b->len - 1 ? (int)k : b->len - 1];
        }
        return c;
    }
    double in = b->len_b * w_in * (1 - w_in / (2 * b->R)), out = b->len_b * w_out * (1 + w_out / (2 * b->R));
    if (!(b->R > 0))
        in = out = 0;
    else if (w_in >= b->R)
        in = b->area;
    return fmin(in, b->area) + fmin(out, b->cells - b->area);
}

/* The widest inside band that still leaves fixed cells inside: beyond it
 * the inside side cannot touch (cells). */
static double band_inside_extent(const band_model *b)
{
    if (!b->cum[0])
        return b->R;
    int k = b->len - 1;
    while (k > 0 && b->cum[0][k - 1] == b->cum[0][k])
        k--;
    return k / 5.0 + 0.5;
}

/* The histogram of distances of mask (5-7-11 chamfer from the cells with a
 * 4-neighbour on the other side; on a torus the transform does not wrap,
 * which only miscounts cells far from the boundary near the seam), and,
 * if allow is not NULL, that of the cells it allows.  0, or -1 without
 * memory (b->cum stays NULL; b->cuml may stay NULL alone). */
static int band_histogram(const af_grid *g, const uint8_t *mask, const uint8_t *allow,
                          band_model *b)
{
    int n = g->n, per = g->edge == AF_EDGE_PERIODIC;
    size_t cells = (size_t)n * n;
    uint16_t *d = malloc(cells * sizeof *d);
    if (!d)
        return -1;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            size_t x = (size_t)j * n + i;
            int in = mask[x] != 0, edge = 0;
            static const int di[4] = {1, -1, 0, 0}, dj[4] = {0, 0, 1, -1};
            for (int k = 0; k < 4 && !edge; k++) {
                int ii = i + di[k], jj = j + dj[k];
                if (per) {
                    ii = (ii + n) % n;
                    jj = (jj + n) % n;
                } else if (ii < 0 || ii >= n || jj < 0 || jj >= n) {
                    continue;
                }
                edge = (mask[(size_t)jj * n + ii] != 0) != in;
            }
            d[x] = edge ? 0 : CH_MAX;
        }
    /* forward and backward passes over the half-neighbourhoods; cells two
     * or more from every edge need no bounds test (most of them) */
    static const int oi[8] = {-1, -1, 0, 1, -2, -1, 1, 2}, oj[8] = {0, -1, -1, -1, -1, -2, -2, -1};
    static const unsigned ow[8] = {5, 7, 5, 7, 11, 11, 11, 11};
    for (int pass = 0; pass < 2; pass++) {
        int s = pass ? -1 : 1;
        ptrdiff_t off[8];
        for (int k = 0; k < 8; k++)
            off[k] = (ptrdiff_t)s * ((ptrdiff_t)oj[k] * n + oi[k]);
        for (int jj = 0; jj < n; jj++) {
            int j = pass ? n - 1 - jj : jj;
            for (int ii = 0; ii < n; ii++) {
                int i = pass ? n - 1 - ii : ii;
                size_t x = (size_t)j * n + i;
                unsigned best = d[x];
                if (i >= 2 && i < n - 2 && j >= 2 && j < n - 2) {
                    for (int k = 0; k < 8; k++) {
                        unsigned v = d[(ptrdiff_t)x + off[k]] + ow[k];
                        best = v < best ? v : best;
                    }
                } else {
                    for (int k = 0; k < 8; k++) {
                        int a = i + s * oi[k], c = j + s * oj[k];
                        if (a < 0 || a >= n || c < 0 || c >= n)
                            continue;
                        unsigned v = d[(size_t)c * n + a] + ow[k];
                        best = v < best ? v : best;
                    }
                }
                d[x] = (uint16_t)(best < CH_MAX ? best : CH_MAX);
            }
        }
    }
    int top = 0;
    for (size_t x = 0; x < cells; x++)
        top = d[x] > top ? d[x] : top;
    b->len = top + 1;
    b->cum[0] = calloc((size_t)b->len, sizeof(double));
    b->cum[1] = calloc((size_t)b->len, sizeof(double));
    if (!b->cum[0] || !b->cum[1]) {
        free(b->cum[0]);
        free(b->cum[1]);
        b->cum[0] = b->cum[1] = NULL;
        free(d);
        return -1;
    }
    for (size_t x = 0; x < cells; x++)
        b->cum[mask[x] ? 0 : 1][d[x]]++;
    if (allow && (b->cuml[0] = calloc((size_t)b->len, sizeof(double)))
        && (b->cuml[1] = calloc((size_t)b->len, sizeof(double)))) {
        for (size_t x = 0; x < cells; x++)
            if (allow[x])
                b->cuml[mask[x] ? 0 : 1][d[x]]++;
    } else {
        free(b->cuml[0]);
        b->cuml[0] = NULL;
    }
    for (int side = 0; side < 2; side++)
        for (int k = 1; k < b->len; k++) {
            b->cum[side][k] += b->cum[side][k - 1];
            if (b->cuml[0])
                b->cuml[side][k] += b->cuml[side][k - 1];
        }
    free(d);
    return 0;
}

/* ---- how far the first step moves ------------------------------------- */

/* The fraction of a disc of radius rho, centred on the boundary of a disc
 * of radius R, that lies inside the latter (their lens over pi rho^2). */
static double lens_fraction(double R, double rho)
{
    if (rho >= 2 * R)
        return R * R / (rho * rho);
    if (R > 1e3 * rho) /* (the formula below cancels there) */
        return 0.5 - rho / (3 * 3.14159265358979323846 * R);
    double a = rho * rho * acos(rho / (2 * R)) + R * R * acos(1 - rho * rho / (2 * R * R))
               - 0.5 * rho * sqrt(4 * R * R - rho * rho);
    return a / (3.14159265358979323846 * rho * rho);
}

/* The curvature (1/cells) of the disc whose boundary leaves the fraction f
 * < 1/2 of a disc of radius rho inside: lens_fraction inverted (it grows
 * with R, from 0 to 1/2), by bisection on log R. */
static double curvature_of(double f, double rho)
{
    if (!(f < 0.5))
        return 0;
    double lo = log(1e-3), hi = log(1e7);
    for (int it = 0; it < 60; it++) {
        double mid = 0.5 * (lo + hi);
        if (lens_fraction(exp(mid), rho) < f)
            lo = mid;
        else
            hi = mid;
    }
    return exp(-0.5 * (lo + hi));
}

/* The largest curvature of mask's boundary on each side, 1/cells, at the
 * scale rho cells: kin where the set is convex (it shrinks there), kout
 * where it is concave (it grows).  Measured at the midpoints of (about
 * MM_EST_SAMPLES evenly spread) row and column pairs across the boundary
 * by the fraction f of the cells of the disc of radius rho about them that
 * lie inside (on a clamped grid, of discs within the box): the disc
 * whose boundary leaves that fraction has the curvature (curvature_of; the
 * complement's when f > 1/2).  The digital boundary is known to half a
 * cell, which moves f by up to 1 / (pi rho); the extremes of f are moved
 * back by half that.  A feature sharper than rho reads as a disc of about
 * its size: enough to widen the band.  0 when no disc fitted. */
#define MM_EST_SAMPLES 2048

/* Cells of a run of the mask that are inside: eight at a time, each
 * nonzero byte folded to its low bit. */
static long count_inside(const uint8_t *m, int len)
{
    long c = 0;
    int x = 0;
    for (; x + 8 <= len; x += 8) {
        uint64_t v;
        memcpy(&v, m + x, 8);
        v |= v >> 4;
        v |= v >> 2;
        v |= v >> 1;
        v &= 0x0101010101010101ull;
        c += (long)((v * 0x0101010101010101ull) >> 56);
    }
    for (; x < len; x++)
        c += m[x] != 0;
    return c;
}

/* The fraction of the cells of the disc of radius rho about (px, py)
 * (cell units) that lie inside mask, row by row (eight bytes at a time);
 * on a clamped grid only discs within the box count (the box's edge cuts
 * a disc unevenly where a boundary meets it at a slant): -1 for others. */
static double disc_fraction(const af_grid *g, const uint8_t *mask, double px, double py,
                            double rho)
{
    int n = g->n, per = g->edge == AF_EDGE_PERIODIC, rr = (int)ceil(rho) + 1;
    if (!per && (px - rho < 0 || py - rho < 0 || px + rho > n - 1 || py + rho > n - 1))
        return -1;
    long a = 0, t = 0;
    for (int y = (int)floor(py) - rr; y <= (int)ceil(py) + rr; y++) {
        double dy = y - py, w2 = rho * rho - dy * dy;
        if (w2 < 0)
            continue;
        int yy = y;
        if (per)
            yy = ((y % n) + n) % n;
        else if (y < 0 || y >= n)
            continue;
        double w = sqrt(w2);
        int x0 = (int)ceil(px - w), x1 = (int)floor(px + w);
        if (!per) {
            x0 = x0 < 0 ? 0 : x0;
            x1 = x1 > n - 1 ? n - 1 : x1;
        } else if (x1 - x0 >= n) { /* (rho <= n / 4: not reached) */
            x1 = x0 + n - 1;
        }
        const uint8_t *row = mask + (size_t)yy * n;
        /* a periodic run wraps at most once */
        for (int x = x0; x <= x1;) {
            int xs = per ? ((x % n) + n) % n : x;
            int len = x1 - x + 1 < n - xs ? x1 - x + 1 : n - xs;
            a += count_inside(row + xs, len);
            t += len;
            x += len;
        }
    }
    return t > 0 ? (double)a / t : -1;
}

/* Call visit(ctx, px, py) at the midpoints of every stride-th row or
 * column pair of cells across mask's boundary, in row order. */
static void boundary_samples(const af_grid *g, const uint8_t *mask, long stride,
                             void (*visit)(void *ctx, double px, double py), void *ctx)
{
    int n = g->n, per = g->edge == AF_EDGE_PERIODIC;
    long seen = 0;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            int in = mask[(size_t)j * n + i] != 0;
            for (int k = 0; k < 2; k++) { /* right, up */
                int ii = i + (k == 0), jj = j + (k == 1);
                if (per) {
                    ii %= n;
                    jj %= n;
                } else if (ii >= n || jj >= n) {
                    continue;
                }
                if ((mask[(size_t)jj * n + ii] != 0) == in || seen++ % stride)
                    continue;
                visit(ctx, i + 0.5 * (k == 0), j + 0.5 * (k == 1));
            }
        }
}

typedef struct {
    const af_grid *g;
    const uint8_t *mask;
    double rho, fmin, fmax;
    int taken;
} extremes;

static void extremes_visit(void *ctx, double px, double py)
{
    extremes *e = ctx;
    double f = disc_fraction(e->g, e->mask, px, py, e->rho);
    if (f < 0)
        return;
    e->taken = 1;
    e->fmin = fmin(e->fmin, f);
    e->fmax = fmax(e->fmax, f);
}

static int curvatures(const af_grid *g, const uint8_t *mask, double pairs, double rho,
                      double *kin, double *kout)
{
    long stride = (long)ceil(pairs / MM_EST_SAMPLES);
    extremes e = {g, mask, rho, 0.5, 0.5, 0};
    boundary_samples(g, mask, stride < 1 ? 1 : stride, extremes_visit, &e);
    double slack = 1 / (3.14159265358979323846 * rho);
    *kin = curvature_of(e.fmin + slack, rho);
    *kout = curvature_of(1 - e.fmax + slack, rho);
    return e.taken;
}

/* How far the implicit step moves a boundary of curvature k (1/cells)
 * with H = h / dx^2 cells^2, on its convex side (the set shrinks there) or
 * its concave side (it grows): see the top. */
static double motion(double k, double H, int concave)
{
    if (!(k > 0))
        return 0;
    double R = 1 / k;
    if (R * R >= (concave ? 4 : 16.0 / 3) * H)
        return (R - sqrt(R * R - 4 * H)) / 2;
    return R;
}

/* The motion of the first step on each side (cells), predicted from the
 * boundary's largest curvature on that side (above), and whether the set
 * will vanish (its disc, R = 2A / L, does).  len, area, e4: the mask's
 * boundary_length; w0 the first band's default reach. */
static void predict_motion(const af_grid *g, const af_mm_params *prm, const uint8_t *mask,
                           double len, double area, double e4, double w0, double *d_in,
                           double *d_out, int *vanishes)
{
    double n = g->n, H = prm->h / (g->dx * g->dx), kin = 0, kout = 0, R = 2 * area / len;
    /* the scale: the radius whose motion H / R reaches the first band */
    double rho = fmin(fmax(H / fmax(w0 - 1, 1), 8), 128);
    if (!curvatures(g, mask, e4, fmin(rho, fmax(n / 4, 2)), &kin, &kout))
        kin = R > 0 ? 1 / R : 0; /* nowhere to measure: the mean, 1 / R */
    *d_in = motion(kin, H, 0);
    *d_out = motion(kout, H, 1);
    *vanishes = R * R < 16 * H / 3;
}

/* The first band from the predicted motion: what a later step takes from
 * the step before it (mm.c, step_grid), 1.25 times the motion and 3 cells
 * on each side.  The default reach (the ball and 4 cells) where the
 * curvature does not tell: a set that vanishes (the global moves decide
 * its step), and a set that meets a clamped box edge (there the boundary
 * turns to meet the edge at a right angle, a motion no curvature inside
 * the box shows: a tilted half-plane at n = 96, eps = 4 cells moved past
 * a band of 3 cells and was solved twice). */
static void first_band_of(double d_in, double d_out, int unsure, double w0, double *w_in,
                          double *w_out)
{
    *w_in = unsure ? w0 : 1.25 * d_in + 3;
    *w_out = unsure ? w0 : 1.25 * d_out + 3;
}

/* The mask (its bounding box) meets an edge of a clamped grid. */
static int meets_edge(const af_grid *g, const int box[4])
{
    return g->edge == AF_EDGE_CLAMP && box[1] >= 0
           && (box[0] == 0 || box[2] == 0 || box[1] == g->n - 1 || box[3] == g->n - 1);
}

void mm_first_band(const af_mm_plan *p, const uint8_t *mask, double *w_in, double *w_out)
{
    double w0 = MM_FIRST_BAND(p), area, e4, d_in, d_out;
    int box[4], vanishes;
    *w_in = *w_out = w0;
    double len = boundary_length(&p->g, mask, &area, box, &e4);
    if (!(len > 0))
        return;
    predict_motion(&p->g, &p->prm, mask, len, area, e4, w0, &d_in, &d_out, &vanishes);
    first_band_of(d_in, d_out, vanishes || meets_edge(&p->g, box), w0, w_in, w_out);
}

af_status af_mm_plan_estimate(const af_grid *g, const af_mm_params *prm, const uint8_t *mask,
                              af_mm_estimate *est, af_error *err)
{
    if (est)
        memset(est, 0, sizeof *est);
    if (!g || !prm || !mask || !est)
        return af_error_set(err, AF_EINVAL, "mm: estimate: grid, parameters, mask and result "
                                            "must not be NULL");
    if (g->dim != 2 || g->n < 1 || !(g->dx > 0) || !isfinite(g->dx))
        return af_error_set(err, AF_EINVAL, "mm: estimate: needs a 2-d grid with a cell side > 0");
    if (!(prm->eps >= 0) || !isfinite(prm->eps) || !(prm->h > 0) || !isfinite(prm->h))
        return af_error_set(err, AF_EINVAL, "mm: estimate: eps must be finite and >= 0, h finite "
                                            "and > 0 (eps %g, h %g)", prm->eps, prm->h);
    double n = g->n;
    /* the ball's reach, cut to the grid as plan_new cuts it */
    double r = floor(prm->eps / g->dx * (1 + 1e-9));
    if (g->edge == AF_EDGE_CLAMP && r > n - 1)
        r = n - 1;
    struct {
        int r;
    } reach = {(int)fmin(r, 1e9)};
    double w0 = prm->band_cells > 0 ? prm->band_cells : MM_FIRST_BAND(&reach);

    int box[4];
    double area, e4, len = boundary_length(g, mask, &area, box, &e4);

    /* The grid the step runs on: the window's (mm_band.c, mm_window_step),
     * or the whole grid. */
    double side = n, fixed = af_mm_plan_bytes(g, prm);
    if (g->edge == AF_EDGE_CLAMP && !prm->full_grid && box[1] >= 0) {
        double margin = ceil(2.5 * w0) + 2 * r + 8;
        double bw = box[1] - box[0] + 1, bh = box[3] - box[2] + 1;
        double need = fmax(bw, bh) + 2 * margin;
        if (need <= floor(3 * n / 4)) {
            af_grid cg = *g;
            side = fmin(need + floor(need / 16), n);
            cg.n = (int)side;
            /* its plan, densities (16 bytes a cell) and input and output */
            fixed += af_mm_plan_bytes(&cg, prm) + 18 * side * side;
        }
    }
    double cells_s = side * side, rw = fmin(r, side - 1);
    if (rw < 1)
        rw = 1;

    band_model bm = {.len_b = len, .R = len > 0 ? 2 * area / len : 0, .area = area, .cells = cells_s};
    double d_in = 0, d_out = 0, w_in = w0, w_out = w0;
    int vanishes = 0;
    int local = 0; /* the first solve is on the local band (mm.c, step_grid) */
    if (len > 0 && !prm->full_grid) {
        predict_motion(g, prm, mask, len, area, e4, w0, &d_in, &d_out, &vanishes);
        if (prm->band_cells <= 0) /* the step's own first band (mm_first_band) */
            first_band_of(d_in, d_out, vanishes || meets_edge(g, box), w0, &w_in, &w_out);
        /* without memory for the local band or the histogram: the uniform
         * band, or Steiner's formula (the fallbacks) */
        uint8_t *allow = prm->band_cells <= 0 ? malloc((size_t)g->n * g->n) : NULL;
        local = allow
                && local_band_paint(g, prm->h, NULL, NULL, mask, w_in, w_out, allow, len, NULL);
        band_histogram(g, mask, local ? allow : NULL, &bm);
        local = local && bm.cuml[0];
        free(allow);
    }
    double extent_in = band_inside_extent(&bm);
    if (vanishes) /* its disc (R = 2A / L) vanishes: the set too */
        d_in = fmax(d_in, extent_in);
    if (d_in >= extent_in)
        d_out = 0; /* the set vanishes: nothing of it grows */

    /* The solves: the first band; then, while the motion on a side reaches
     * that side's edge, 1.5 w + 4 on that side and 1.25 times the motion
     * and 3 cells on a side it does not reach (mm.c, step_grid).  The inside
     * stops once it covers the set, the outside at the grid's side. */
    double max_nodes = 0, max_pairs = 0, node_room = 1024, sum_t = 0, xn, xa;
    int solves = 0;
    extra_per_cell(g, prm, rw, &xn, &xa);
    for (;;) {
        double band = prm->full_grid ? cells_s : fmin(band_of(&bm, w_in, w_out, local), cells_s);
        double nodes = band * (nodes_per_cell(rw, side) + xn);
        double arcs = band * (arcs_per_cell(rw, side) + xa);
        solves++;
        sum_t += 1e-9 * MM_EST_NS_NODE * nodes * pow(fmax(nodes, 1) / 1e6, 0.17);
        if (nodes > node_room) /* our max-flow grows its node arrays by a quarter at least */
            node_room = fmax(nodes, 1.25 * node_room);
        if (nodes >= max_nodes) {
            max_nodes = nodes;
            est->band_cells = band;
            est->arcs = arcs;
        }
        max_pairs = fmax(max_pairs, arcs - nodes);
        int touch_in = d_in >= w_in - 1 && w_in < extent_in;
        int touch_out = d_out >= w_out - 1 && w_out < side;
        if (prm->full_grid || !(touch_in || touch_out) || solves >= 64)
            break;
        local = 0; /* beyond the uniform band too: widened at once (mm.c) */
        w_in = touch_in ? 1.5 * w_in + 4 : fmin(w_in, 1.25 * d_in + 3);
        w_out = touch_out ? 1.5 * w_out + 4 : fmin(w_out, 1.25 * d_out + 3);
    }
    free(bm.cum[0]);
    free(bm.cum[1]);
    free(bm.cuml[0]);
    free(bm.cuml[1]);
    est->nodes = max_nodes;
    est->solves = solves;
    double graph;
    if (prm->solver == AF_MM_SOLVER_BK)
        graph = 48 * max_nodes + 64 * max_pairs + 8 * doubled(4096, max_pairs)
                + 8 * doubled(1024, max_nodes);
    else
        graph = 81 * node_room + 8 * doubled(1024, max_nodes) + 8 * doubled(4096, max_pairs)
                + 32 * max_pairs;
    est->plan_bytes = fixed;
    est->graph_bytes = graph;
    est->bytes = fixed + graph;
    est->seconds = sum_t * (prm->solver == AF_MM_SOLVER_BK ? MM_EST_BK : 1)
                   + 1e-9 * MM_EST_NS_CELL * cells_s * (solves + 2);
    return AF_OK;
}

/* ---- the local band ------------------------------------------------------ */

typedef struct {
    const af_grid *g;
    const double *rho0, *rho1; /* NULL: uniform (the estimate has no densities) */
    const uint8_t *mask;
    uint8_t *allow;
    double rho, H, slack, wmax;
    double move_min; /* the motion at the boundary's mean curvature (cells), or 0 */
    long visits;
} local_band;

/* The band's reach about one boundary point: 1.25 times the motion its
 * curvature predicts (and the drift the density's gradient adds) and 3
 * cells, as the uniform band takes from the step before; the widest reach
 * where nothing can be measured (a disc cut by a clamped box edge, a cell
 * of zero density).  Paints the disc of that radius about the point. */
static void local_visit(void *ctx, double px, double py)
{
    local_band *L = ctx;
    int n = L->g->n, per = L->g->edge == AF_EDGE_PERIODIC;
    double d = L->wmax, f = disc_fraction(L->g, L->mask, px, py, L->rho);
    L->visits++;
    if (f >= 0) {
        double kin = curvature_of(f + L->slack, L->rho);
        double kout = curvature_of(1 - f + L->slack, L->rho);
        double move = fmax(motion(kin, L->H, 0), motion(kout, L->H, 1));
        /* V = kappa + d_nu log rho: the drift over one step, H |grad log
         * rho| cells, from the density's central differences at the cell
         * below the point */
        int i = (int)floor(px), j = (int)floor(py), ok = 1;
        double g2 = 0;
        for (int k = 0; k < 2 && ok && L->rho0; k++) {
            int i0 = i - (k == 0), i1 = i + (k == 0), j0 = j - (k == 1), j1 = j + (k == 1);
            if (per) {
                i0 = (i0 + n) % n;
                i1 %= n;
                j0 = (j0 + n) % n;
                j1 %= n;
            } else if (i0 < 0 || j0 < 0 || i1 >= n || j1 >= n) {
                ok = 0;
                break;
            }
            size_t a = (size_t)j0 * n + i0, b = (size_t)j1 * n + i1;
            double ra = L->rho0[a] + L->rho1[a], rb = L->rho0[b] + L->rho1[b];
            if (!(ra > 0) || !(rb > 0) || !isfinite(ra) || !isfinite(rb)) {
                ok = 0;
                break;
            }
            double q = 0.5 * log(rb / ra);
            g2 += q * q;
        }
        if (ok)
            d = fmin(L->wmax, 1.25 * (fmax(move, L->move_min) + L->H * sqrt(g2)) + 3);
    }
    /* the cells whose centres lie within d + 2 of the point: it is half a
     * cell from the centres on either side, and the next point painted is
     * at most two cells along the boundary (every other pair is visited) */
    double rad = d + 2;
    int ri = (int)ceil(rad);
    for (int dy = -ri; dy <= ri; dy++) {
        int y = (int)floor(py) + dy;
        double cy = y + 0.5 - py, w2 = rad * rad - cy * cy;
        if (w2 < 0)
            continue;
        if (per)
            y = ((y % n) + n) % n;
        else if (y < 0 || y >= n)
            continue;
        double w = sqrt(w2);
        int x0 = (int)ceil(px - 0.5 - w), x1 = (int)floor(px - 0.5 + w);
        uint8_t *row = L->allow + (size_t)y * n;
        if (per) {
            if (x1 - x0 >= n) {
                x0 = 0;
                x1 = n - 1;
            }
            for (int x = x0; x <= x1; x++)
                row[((x % n) + n) % n] = 1;
        } else {
            x0 = x0 < 0 ? 0 : x0;
            x1 = x1 > n - 1 ? n - 1 : x1;
            if (x1 >= x0)
                memset(row + x0, 1, (size_t)(x1 - x0 + 1));
        }
    }
}

/* The local band of mask for a band of reach w_in / w_out (mm_local_band,
 * and the estimate's first solve); 0 when there is none to paint.  The
 * floor (the motion at the mean curvature 2 pi / L) is painted into the
 * discs when floor_w is NULL, with the boundary's length len that the
 * estimate has measured (boundary_length), and otherwise returned in
 * *floor_w as a reach in cells for the caller to apply as |s| <= floor_w
 * (the step: L from the pairs visited, which saves a pass over the grid;
 * the 4-neighbour pairs of a boundary number about 4 / pi times its
 * length; len is not read). */
static int local_band_paint(const af_grid *g, double h, const double *rho0, const double *rho1,
                            const uint8_t *mask, double w_in, double w_out, uint8_t *allow,
                            double len, double *floor_w)
{
    double H = h / (g->dx * g->dx), w = fmax(w_in, w_out), pi = 3.14159265358979323846;
    if (!(w > 0) || !isfinite(w) || w >= 2.0 * g->n)
        return 0;
    memset(allow, 0, (size_t)g->n * g->n);
    local_band L = {.g = g, .rho0 = rho0, .rho1 = rho1, .mask = mask, .allow = allow, .H = H,
                    .wmax = w};
    /* the scale: the radius whose motion H / R reaches the band, as for the
     * first band, but at most 32 cells (a disc costs rho^2 / 8, and every
     * other boundary pair has one: at 128 cells this took 5% of a circle's
     * step) and a quarter of the grid */
    L.rho = fmin(fmin(fmax(H / fmax(w - 1, 1), 8), 32), fmax(g->n / 4, 2));
    L.slack = 1 / (pi * L.rho);
    /* No point moves less than the mean curvature 2 pi / L predicts: the
     * digital perimeter is crystalline, and a flat facet of its polygon
     * moves (like a polygon's side under a crystalline flow, at a speed
     * set by its length) although no curvature shows there. */
    if (!floor_w)
        L.move_min = len > 0 ? motion(2 * pi / len, H, 0) : 0;
    boundary_samples(g, mask, 2, local_visit, &L);
    if (floor_w) {
        double lv = 2.0 * (double)L.visits * pi / 4;
        *floor_w = lv > 0 ? fmin(w, 1.25 * motion(2 * pi / lv, H, 0) + 3 + 1) : 0;
    }
    return 1;
}

int mm_local_band(const af_mm_plan *p, const uint8_t *mask, double w_in, double w_out,
                  uint8_t *allow, double *floor_w)
{
    return local_band_paint(&p->g, p->prm.h, p->rho0, p->rho1, mask, w_in, w_out, allow, 0,
                            floor_w);
}
