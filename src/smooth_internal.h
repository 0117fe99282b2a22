/* advflow: the Gaussian smoothing of masks (sigma = 1 cell), row by row,
 * shared by dist.c (af_dist_smooth, the sub-cell signed distance) and png.c
 * (frames outline a mask by the 1/2-level line of the same smoothed mask)
 * (not installed).  GPL-3.0-or-later.
 *
 * The kernel is the normalised Gaussian of sigma = 1 cell truncated at
 * AF_SMOOTH_R = 4 cells, its weights rounded to multiples of 2^-48 and the
 * centre weight 1 minus the others, so that any sum of a subset of weights
 * is exact in double (48 bits suffice for values in [0, 1]): a full mask
 * smooths to exactly 1, and the pass along x, a table of the 2^9 subset
 * sums, is exact and independent of the order of the sum.  The rounding
 * moves a weight by at most 2^-49 (relative 3e-11 at the tail).  Outside
 * the box a row repeats its edge value (clamp) or wraps (periodic), and so
 * do the rows themselves (the caller picks which row to smooth).
 */
#ifndef ADVFLOW_SMOOTH_INTERNAL_H
#define ADVFLOW_SMOOTH_INTERNAL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#define AF_SMOOTH_R 4
#define AF_SMOOTH_W (2 * AF_SMOOTH_R + 1)

typedef struct {
    double kern[AF_SMOOTH_W];     /* weights, multiples of 2^-48 summing to 1 exactly */
    double tab[1 << AF_SMOOTH_W]; /* sum of the weights kern[t] over the set bits t */
} af_smooth_kernel;

static inline void af_smooth_kernel_init(af_smooth_kernel *k)
{
    double sum = 0;
    for (int t = 0; t < AF_SMOOTH_W; t++) {
        k->kern[t] = exp(-0.5 * (double)((t - AF_SMOOTH_R) * (t - AF_SMOOTH_R)));
        sum += k->kern[t];
    }
    double rest = 0;
    for (int t = 0; t < AF_SMOOTH_W; t++) {
        if (t == AF_SMOOTH_R)
            continue;
        k->kern[t] = ldexp(nearbyint(ldexp(k->kern[t] / sum, 48)), -48);
        rest += k->kern[t];
    }
    k->kern[AF_SMOOTH_R] = 1.0 - rest;
    for (int bits = 0; bits < (1 << AF_SMOOTH_W); bits++) {
        double s = 0;
        for (int t = 0; t < AF_SMOOTH_W; t++)
            if (bits >> t & 1)
                s += k->kern[t];
        k->tab[bits] = s;
    }
}

/* Row wrap(jj) or clamp(jj) of the mask (n x n, jj may lie up to
 * AF_SMOOTH_R outside [0, n)) smoothed along x into out (n values).  pad
 * is scratch of n + 2 AF_SMOOTH_R bytes.  bits holds the 9 mask values
 * under the kernel, bit t = cell i + t - AF_SMOOTH_R, so out[i] = tab[bits]
 * is the exact weighted sum. */
static inline void af_smooth_row_x(const af_smooth_kernel *k, const uint8_t *mask, int n, int per,
                                   int jj, uint8_t *pad, double *out)
{
    const int j = per ? ((jj % n) + n) % n : (jj < 0 ? 0 : (jj >= n ? n - 1 : jj));
    const uint8_t *mr = mask + (size_t)j * (size_t)n;
    /* pad[p] = cell p - AF_SMOOTH_R of the row */
    for (int p = 0; p < AF_SMOOTH_R; p++) {
        const int lo = per ? ((p - AF_SMOOTH_R) % n + n) % n : 0;
        const int hi = per ? (n + p) % n : n - 1;
        pad[p] = mr[lo] != 0;
        pad[n + AF_SMOOTH_R + p] = mr[hi] != 0;
    }
    for (int i = 0; i < n; i++)
        pad[AF_SMOOTH_R + i] = mr[i] != 0;
    unsigned bits = 0;
    for (int t = 0; t < AF_SMOOTH_W - 1; t++)
        bits |= (unsigned)pad[t] << (t + 1);
    for (int i = 0; i < n; i++) {
        bits = (bits >> 1) | ((unsigned)pad[i + AF_SMOOTH_W - 1] << (AF_SMOOTH_W - 1));
        out[i] = k->tab[bits];
    }
}

/* The pass along y: out[i] = sum over t of kern[t] src[t][i], src[t] the
 * row j + t - AF_SMOOTH_R smoothed along x, a whole row at a time
 * (vectorisable).  Weights >= 0 summed in a fixed order: the result is
 * monotone in the mask; it lies in [0, 1] (the weights sum to exactly 1,
 * and the last bit is guarded anyway). */
static inline void af_smooth_row_y(const af_smooth_kernel *k, const double *const *src, int n,
                                   double *out)
{
    const double *s = src[0];
    for (int i = 0; i < n; i++)
        out[i] = k->kern[0] * s[i];
    for (int t = 1; t < AF_SMOOTH_W; t++) {
        s = src[t];
        const double kt = k->kern[t];
        for (int i = 0; i < n; i++)
            out[i] += kt * s[i];
    }
    for (int i = 0; i < n; i++)
        out[i] = out[i] > 1.0 ? 1.0 : out[i];
}

#endif
