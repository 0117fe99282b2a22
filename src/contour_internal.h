/* advflow: marching squares on one square, shared by contour.c and dist.c
 * (not installed).  GPL-3.0-or-later.
 *
 * A square has corners c0 = (0, 0), c1 = (1, 0), c2 = (1, 1), c3 = (0, 1)
 * in its unit frame (counter-clockwise), values v[0..3]; edge e_k joins c_k
 * and c_(k+1) (mod 4).  A corner is inside when v < level.  Crossings are
 * computed along each edge in a canonical direction (left to right, bottom
 * to top), so that two squares sharing an edge compute the same point bit
 * for bit:
 *   e0 bottom (t, 0), t from c0 to c1     e1 right (1, t), t from c1 to c2
 *   e2 top    (t, 1), t from c3 to c2     e3 left  (0, t), t from c0 to c3
 * contour.h states the rule; this file is its one implementation.
 */
#ifndef ADVFLOW_CONTOUR_INTERNAL_H
#define ADVFLOW_CONTOUR_INTERNAL_H

#include <math.h>

#include "advflow/contour.h"

/* Fraction of an edge from its inside end p to the crossing, given
 * a = level - u_p > 0 and b = u_q - level >= 0 (either may be +inf):
 * a / (a + b), written as 1 / (1 + b / a) so that every operation is
 * monotone (a larger u_p or u_q moves the crossing towards p in floating
 * point too) and infinities need no test but one: inf / inf. */
static inline double af_ms_frac(double a, double b)
{
    if (isinf(a) && isinf(b))
        return 0.5;
    return 1.0 / (1.0 + b / a);
}

/* Canonical crossing on the edge from value ua (at 0) to ub (at 1), when
 * exactly one of them is inside: the position in [0, 1] from the ua end. */
static inline double af_ms_cross(double ua, double ub, double level)
{
    if (ua < level)
        return af_ms_frac(level - ua, ub - level);
    return 1.0 - af_ms_frac(level - ub, ua - level);
}

/* Bit k set when corner k is inside. */
static inline int af_ms_code(const double v[4], double level)
{
    return (v[0] < level) | (v[1] < level) << 1 | (v[2] < level) << 2 | (v[3] < level) << 3;
}

/* Saddle (code 5 or 10): do the two inside corners connect?  The mean of
 * the four corners below the level, i.e. (v_out1 - L) + (v_out2 - L) <
 * (L - v_in1) + (L - v_in2), written with non-negative terms only. */
static inline int af_ms_joined(const double v[4], double level, int code)
{
    const int p = code == 5 ? 0 : 1; /* inside corners p, p + 2 */
    const double in = (level - v[p]) + (level - v[p + 2]);
    const double out = (v[p + 1] - level) + (v[(p + 3) & 3] - level);
    return out < in;
}

/* Crossing point of edge e (which must cross), unit frame. */
static inline void af_ms_point(const double v[4], double level, int e, double *x, double *y)
{
    switch (e) {
    case 0: *x = af_ms_cross(v[0], v[1], level); *y = 0.0; break;
    case 1: *x = 1.0; *y = af_ms_cross(v[1], v[2], level); break;
    case 2: *x = af_ms_cross(v[3], v[2], level); *y = 1.0; break;
    default: *x = 0.0; *y = af_ms_cross(v[0], v[3], level); break;
    }
}

/* The square's pieces of the level line in its unit frame, oriented with
 * the inside on the left: 0, 1 or 2 (saddle) segments.  Each runs from the
 * crossing where the counter-clockwise walk round the square leaves the
 * inside (edge e_k with c_k inside, c_(k+1) outside) to one where it comes
 * back in. */
static inline int af_ms_square(const double v[4], double level, int code, af_segment seg[2])
{
    if (code == 0 || code == 15)
        return 0;
    int from[2], to[2], k = 1;
    if (code == 5 || code == 10) {
        const int p = code == 5 ? 0 : 1; /* inside corners p, p + 2 */
        k = 2;
        if (af_ms_joined(v, level, code)) { /* cut off the outside corners p + 1, p + 3 */
            from[0] = p;     to[0] = p + 1;
            from[1] = p + 2; to[1] = (p + 3) & 3;
        } else { /* cut off the inside corners p, p + 2 */
            from[0] = p;     to[0] = (p + 3) & 3;
            from[1] = p + 2; to[1] = p + 1;
        }
    } else {
        for (int e = 0; e < 4; e++) {
            const int a = code >> e & 1, b = code >> ((e + 1) & 3) & 1;
            if (a && !b)
                from[0] = e;
            else if (!a && b)
                to[0] = e;
        }
    }
    for (int s = 0; s < k; s++) {
        af_ms_point(v, level, from[s], &seg[s].x0, &seg[s].y0);
        af_ms_point(v, level, to[s], &seg[s].x1, &seg[s].y1);
    }
    return k;
}

/* Area of the inside part of the square, in units of the square.  With t_e
 * the canonical crossing of edge e, the length along e from its end corner
 * c is t_e from the canonical start and 1 - t_e from the other end; a
 * corner's triangle is half the product of its two edge lengths:
 *   one corner inside: its triangle;  three inside: 1 - the outside one's;
 *   two adjacent: the trapezoid, half the sum of the two side lengths;
 *   saddle: 1 - both outside triangles if joined, else both inside ones. */
static inline double af_ms_area(const double v[4], double level, int code)
{
    if (code == 0)
        return 0.0;
    if (code == 15)
        return 1.0;
    double t[4];
    for (int e = 0; e < 4; e++)
        if ((code >> e & 1) != (code >> ((e + 1) & 3) & 1)) {
            double x, y;
            af_ms_point(v, level, e, &x, &y);
            t[e] = (e & 1) ? y : x;
        }
    /* length along edge e from corner c (an end of e): canonical starts are
     * c0 (e0), c1 (e1), c3 (e2), c0 (e3) */
#define AF_LEN(e, c) ((c) == ((e) == 2 ? 3 : ((e) == 1 ? 1 : 0)) ? t[e] : 1.0 - t[e])
#define AF_TRI(c) (0.5 * AF_LEN((c), (c)) * AF_LEN(((c) + 3) & 3, (c)))
    int nin = 0;
    for (int c = 0; c < 4; c++)
        nin += code >> c & 1;
    double area;
    if (nin == 1) {
        const int c = code == 1 ? 0 : code == 2 ? 1 : code == 4 ? 2 : 3;
        area = AF_TRI(c);
    } else if (nin == 3) {
        const int c = code == 14 ? 0 : code == 13 ? 1 : code == 11 ? 2 : 3;
        area = 1.0 - AF_TRI(c);
    } else if (code == 5 || code == 10) {
        const int p = code == 5 ? 0 : 1;
        if (af_ms_joined(v, level, code))
            area = (1.0 - AF_TRI(p + 1)) - AF_TRI((p + 3) & 3);
        else
            area = AF_TRI(p) + AF_TRI(p + 2);
    } else {
        /* inside corners c and c + 1 (edge e_c wholly inside); the line
         * crosses e_(c-1) and e_(c+1) */
        const int c = code == 3 ? 0 : code == 6 ? 1 : code == 12 ? 2 : 3;
        const int c1 = (c + 1) & 3;
        area = 0.5 * (AF_LEN((c + 3) & 3, c) + AF_LEN(c1, c1));
    }
#undef AF_TRI
#undef AF_LEN
    return area;
}

#endif
