/* advflow: digital balls and their geometry (ball.h).  GPL-3.0-or-later.
 *
 * The ball is stored as chord half-widths half[j + r], j = -r..r.  Both the
 * ball and its convex hull are symmetric under x -> -x and y -> -y, so all
 * the geometry below works in the first quadrant on the points
 * P_j = (half[j + r], j), j = 0..r, the right ends of the upper chords: the
 * hull is the four mirror images of their upper concave chain.
 */
#include "advflow/ball.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "internal.h"

/* Membership tolerances (ball.h): relative 1e-9 on R, i.e. 2e-9 on R^2. */
#define AF_BALL_TOL 1e-9
#define AF_BALL_TOL2 2e-9

/* Dense angle sample for the anisotropy, on top of the exact candidates. */
#define AF_BALL_ANISO_SAMPLES 20000

/* Largest integer k >= 0 with k <= x (x >= 0, x <= AF_BALL_MAX_RADIUS + 1),
 * nudged so that the comparison k <= x itself decides, not floor()'s
 * rounding. */
static int af_ifloor_le(double x)
{
    int k = (int)floor(x);
    while ((double)(k + 1) <= x)
        k++;
    while (k > 0 && (double)k > x)
        k--;
    return k;
}

/* Largest k >= 0 with k*k <= x2 (x2 >= 0), decided by the same comparison
 * that af_ball_contains' definition uses. */
static int af_isqrt_le(double x2)
{
    int k = (int)floor(sqrt(x2));
    while ((double)(k + 1) * (k + 1) <= x2)
        k++;
    while (k > 0 && (double)k * k > x2)
        k--;
    return k;
}

af_ball *af_ball_alloc(af_norm norm, double radius_cells, af_error *err)
{
    if (norm != AF_NORM_2 && norm != AF_NORM_INF && norm != AF_NORM_1) {
        af_error_set(err, AF_EINVAL, "ball: unknown norm %d (use 2, inf or 1)", (int)norm);
        return NULL;
    }
    /* !(x >= 0) also rejects NaN. */
    if (!(radius_cells >= 0.0) || radius_cells > AF_BALL_MAX_RADIUS) {
        af_error_set(err, AF_EINVAL, "ball: radius must be in [0, %g] cells, got %g",
                     AF_BALL_MAX_RADIUS, radius_cells);
        return NULL;
    }

    const double R = radius_cells;
    const double Rt = R * (1.0 + AF_BALL_TOL);     /* for l-inf and l1 */
    const double R2 = R * R * (1.0 + AF_BALL_TOL2); /* for l2 */
    int r = norm == AF_NORM_2 ? af_isqrt_le(R2) : af_ifloor_le(Rt);

    af_ball *b = malloc(sizeof *b);
    int *half = malloc((size_t)(2 * r + 1) * sizeof *half);
    if (!b || !half) {
        free(b);
        free(half);
        af_error_set(err, AF_ENOMEM, "ball: out of memory for a ball of radius %g cells", R);
        return NULL;
    }

    size_t count = 0;
    for (int j = -r; j <= r; j++) {
        int aj = abs(j), h;
        if (norm == AF_NORM_2)
            h = af_isqrt_le(R2 - (double)aj * aj); /* i*i <= R2 - j*j, exact in double */
        else if (norm == AF_NORM_INF)
            h = r;
        else
            h = r - aj; /* |i| <= Rt - |j| <=> |i| <= floor(Rt) - |j| for integers */
        half[j + r] = h;
        count += (size_t)(2 * h + 1);
    }

    b->norm = norm;
    b->radius = R;
    b->r = r;
    b->half = half;
    b->count = count;
    return b;
}

void af_ball_free(af_ball *b)
{
    if (b) {
        free(b->half);
        free(b);
    }
}

int af_ball_contains(const af_ball *b, int i, int j)
{
    if (j < -b->r || j > b->r)
        return 0;
    return abs(i) <= b->half[j + b->r];
}

/* h_B for the direction (c, s): max over chord endpoints, folded into the
 * first quadrant by symmetry. */
static double af_support_cs(const af_ball *b, double c, double s)
{
    double ac = fabs(c), as = fabs(s), best = 0.0;
    for (int j = 0; j <= b->r; j++) {
        double v = b->half[j + b->r] * ac + j * as;
        if (v > best)
            best = v;
    }
    return best;
}

double af_ball_support(const af_ball *b, double theta)
{
    return af_support_cs(b, cos(theta), sin(theta));
}

static double af_support_cont_cs(const af_ball *b, double c, double s)
{
    double ac = fabs(c), as = fabs(s);
    switch (b->norm) {
    case AF_NORM_2: return b->radius;
    case AF_NORM_INF: return b->radius * (ac + as);  /* dual norm l1 */
    case AF_NORM_1: return b->radius * (ac > as ? ac : as); /* dual norm l-inf */
    }
    return b->radius;
}

double af_ball_support_continuous(const af_ball *b, double theta)
{
    return af_support_cont_cs(b, cos(theta), sin(theta));
}

/* Next vertex after k on the upper concave chain of the points (j, half_j),
 * j = k+1..r: the one seen from (k, half_k) under the largest slope, the
 * farthest on ties so that collinear points are skipped.  Gift wrapping:
 * O(r) per vertex and no memory, so the geometry calls cannot fail.
 * Requires k < r. */
static int af_hull_next(const af_ball *b, int k)
{
    const int *h = b->half + b->r; /* h[j], j = 0..r */
    int best = k + 1;
    for (int m = k + 2; m <= b->r; m++) {
        /* slope(m) >= slope(best), cross-multiplied (denominators > 0) */
        int64_t lhs = (int64_t)(h[m] - h[k]) * (best - k);
        int64_t rhs = (int64_t)(h[best] - h[k]) * (m - k);
        if (lhs >= rhs)
            best = m;
    }
    return best;
}

double af_ball_mean_width(const af_ball *b)
{
    const int *h = b->half + b->r;
    /* Quarter of the hull: the chain from (h_0, 0) up to (h_r, r), then the
     * top edge to (0, r).  h_0 is the widest chord, so (h_0, 0) lies on the
     * hull and the four quarters meet on the axes. */
    double quarter = h[b->r];
    for (int k = 0; k < b->r;) {
        int m = af_hull_next(b, k);
        quarter += hypot((double)(h[m] - h[k]), (double)(m - k));
        k = m;
    }
    return 4.0 * quarter / AF_PI;
}

double af_ball_mean_width_continuous(const af_ball *b)
{
    switch (b->norm) {
    case AF_NORM_2: return 2.0 * b->radius;
    case AF_NORM_INF: return 8.0 * b->radius / AF_PI;
    case AF_NORM_1: return 4.0 * sqrt(2.0) * b->radius / AF_PI;
    }
    return 2.0 * b->radius;
}

double af_ball_width_ratio(const af_ball *b)
{
    if (b->r < 1)
        return 0.0; /* one point: zero width, and R may be 0 */
    return af_ball_mean_width(b) / af_ball_mean_width_continuous(b);
}

/* Track min and max of h_B / h_C at direction (c, s). */
static void af_aniso_visit(const af_ball *b, double c, double s, double *lo, double *hi)
{
    double q = af_support_cs(b, c, s) / af_support_cont_cs(b, c, s);
    if (q < *lo)
        *lo = q;
    if (q > *hi)
        *hi = q;
}

double af_ball_anisotropy(const af_ball *b)
{
    if (b->r < 1)
        return HUGE_VAL;
    const int *h = b->half + b->r;
    double lo = HUGE_VAL, hi = 0.0;

    /* Exact candidates, first quadrant (both support functions share the
     * ball's symmetries): the direction of every hull vertex and the outer
     * normal of every hull edge.  For l2, h_C is constant and h_B is a
     * cosine between consecutive edge normals, so the extremes are among
     * these; the dense sample below covers the other norms' h_C. */
    af_aniso_visit(b, 1.0, 0.0, &lo, &hi);
    af_aniso_visit(b, 0.0, 1.0, &lo, &hi);
    for (int k = 0; k < b->r;) {
        int m = af_hull_next(b, k);
        double vx = h[m], vy = m;
        double vn = hypot(vx, vy);
        af_aniso_visit(b, vx / vn, vy / vn, &lo, &hi);
        /* the hull runs counter-clockwise from (h_k, k) to (h_m, m), so the
         * outer normal of that edge is (dy, -dx) */
        double nx = m - k, ny = h[k] - h[m];
        double nn = hypot(nx, ny);
        af_aniso_visit(b, nx / nn, ny / nn, &lo, &hi);
        k = m;
    }
    for (int t = 0; t < AF_BALL_ANISO_SAMPLES; t++) {
        double theta = 2.0 * AF_PI * t / AF_BALL_ANISO_SAMPLES;
        af_aniso_visit(b, cos(theta), sin(theta), &lo, &hi);
    }
    return hi / lo;
}

double af_ball_normal_gap(const af_ball *b)
{
    if (b->r < 1)
        return 2.0 * AF_PI;
    const int *h = b->half + b->r;
    /* Outer normal angles of the first-quadrant edges, in [0, pi/2], in
     * increasing order along the chain (it turns counter-clockwise).  The
     * mirror images about both axes supply the rest, so the gaps that cross
     * an axis are twice the distance of the nearest normal to it. */
    double first = -1.0, prev = -1.0, gap = 0.0;
    for (int k = 0; k < b->r;) {
        int m = af_hull_next(b, k);
        double a = atan2((double)(h[k] - h[m]), (double)(m - k));
        if (first < 0.0)
            first = a;
        else if (a - prev > gap)
            gap = a - prev;
        prev = a;
        k = m;
    }
    if (h[b->r] > 0) { /* a horizontal top edge, normal pi/2 */
        if (first < 0.0)
            first = 0.5 * AF_PI;
        else if (0.5 * AF_PI - prev > gap)
            gap = 0.5 * AF_PI - prev;
        prev = 0.5 * AF_PI;
    }
    if (2.0 * first > gap)
        gap = 2.0 * first;
    if (2.0 * (0.5 * AF_PI - prev) > gap)
        gap = 2.0 * (0.5 * AF_PI - prev);
    return gap;
}

/* Outer normal angles of the first-quadrant hull edges, in increasing
 * order (as af_ball_normal_gap walks them): *k is the chain's vertex (start
 * 0), *top whether the top edge's pi/2 is still to come (start 1).  The
 * next angle, or -1 when there is none. */
static double af_next_normal(const af_ball *b, int *k, int *top)
{
    const int *h = b->half + b->r;
    if (*k < b->r) {
        int m = af_hull_next(b, *k);
        double a = atan2((double)(h[*k] - h[m]), (double)(m - *k));
        *k = m;
        return a;
    }
    if (*top && h[b->r] > 0) { /* a horizontal top edge, normal pi/2 */
        *top = 0;
        return 0.5 * AF_PI;
    }
    return -1.0;
}

double af_ball_normal_gap_union(const af_ball *const *balls, int m)
{
    if (!balls || m < 1)
        return NAN;
    for (int q = 0; q < m; q++)
        if (!balls[q])
            return NAN;
    int *k = calloc((size_t)m, sizeof *k), *top = malloc((size_t)m * sizeof *top);
    double *cur = malloc((size_t)m * sizeof *cur);
    if (!k || !top || !cur) {
        free(k);
        free(top);
        free(cur);
        return NAN;
    }
    /* merge the balls' increasing angle lists (each ball as in
     * af_ball_normal_gap: the mirror images supply the other quadrants, so
     * the gaps across an axis are twice the distance of the nearest normal
     * to it) */
    for (int q = 0; q < m; q++) {
        top[q] = 1;
        cur[q] = balls[q]->r < 1 ? -1.0 : af_next_normal(balls[q], &k[q], &top[q]);
    }
    double first = -1.0, prev = -1.0, gap = 0.0;
    for (;;) {
        int best = -1;
        for (int q = 0; q < m; q++)
            if (cur[q] >= 0.0 && (best < 0 || cur[q] < cur[best]))
                best = q;
        if (best < 0)
            break;
        double a = cur[best];
        if (first < 0.0)
            first = a;
        else if (a - prev > gap)
            gap = a - prev;
        prev = a;
        cur[best] = af_next_normal(balls[best], &k[best], &top[best]);
    }
    free(k);
    free(top);
    free(cur);
    if (first < 0.0)
        return 2.0 * AF_PI; /* every ball is one point */
    if (2.0 * first > gap)
        gap = 2.0 * first;
    if (2.0 * (0.5 * AF_PI - prev) > gap)
        gap = 2.0 * (0.5 * AF_PI - prev);
    return gap;
}

const char *af_norm_name(af_norm norm)
{
    switch (norm) {
    case AF_NORM_2: return "2";
    case AF_NORM_INF: return "inf";
    case AF_NORM_1: return "1";
    }
    return "?";
}
