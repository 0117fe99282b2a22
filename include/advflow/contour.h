/* advflow: level lines of cell-centred fields by marching squares.
 *
 * A field u on a 2D grid (n x n values, x fastest, cell (i, j) at
 * (lo + (i + 1/2) dx, lo + (j + 1/2) dx)) is read as a function on the box:
 * linear along the segments joining neighbouring cell centres, and on each
 * square between four neighbouring centres the level line is the polygon
 * through the crossing points on its edges (marching squares).  The region
 * of a level L is {u < L}: "inside" is negative for L = 0, the convention of
 * the signed distances (dist.h).
 *
 * The rule, exactly:
 *   - crossings: on the edge between centres p (u_p < L) and q (u_q >= L)
 *     the crossing is at the fraction (L - u_p) / (u_q - u_p) from p, a
 *     fraction in (0, 1] (a corner with u = L is outside, and the crossing
 *     then sits on it).  It is computed the same way from both squares that
 *     share the edge, so neighbouring segments share their endpoints bit for
 *     bit (they are not chained: callers who want polylines match endpoints).
 *   - saddles (diagonal corners inside, the other two outside): the mean of
 *     the four corners decides; mean < L joins the two inside corners (the
 *     outside corners are cut off), otherwise the inside corners are cut off.
 *   - AF_EDGE_PERIODIC: the squares wrap (n^2 squares).  AF_EDGE_CLAMP: the
 *     (n-1)^2 squares between centres, plus the half-cell strips between the
 *     outer centres and the box edge, where u is extended constantly
 *     outwards: level lines there run straight to the box edge,
 *     perpendicular to it, and the region is clipped to the box.  The box
 *     edge itself is never part of the level line.
 * Every part of the rule is monotone: u <= u' at every cell gives nested
 * regions {u' < L} subset {u < L}, hence ordered areas and, inside and
 * outside, ordered distances to the line (af_dist_redistance).
 * A field that is linear in x and y gives the exact straight line (no
 * saddle can occur).  Infinite values (HUGE_VAL from a distance transform)
 * are allowed: the crossing then sits on the finite corner (at the
 * midpoint of an edge from -inf to +inf); NaN is refused.
 *
 * Units: segments and lengths are in box coordinates (length units), areas
 * in length units^2.  On a torus every segment lies in the box: a segment
 * of a square across the seam is split there and its parts wrapped.
 * GPL-3.0-or-later.
 */
#ifndef ADVFLOW_CONTOUR_H
#define ADVFLOW_CONTOUR_H

#include <stddef.h>

#include "advflow/grid.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One piece of a level line, from (x0, y0) to (x1, y1), box coordinates,
 * oriented with the region {u < level} on its left (so the outward normal
 * is (y1 - y0, x0 - x1) / length).  Zero length is possible where the line
 * passes through a cell centre with u = level. */
typedef struct {
    double x0, y0, x1, y1;
} af_segment;

/* Workspace and segment list for one grid (copied).  The list starts with
 * room for 4n segments and grows when a trace needs more. */
typedef struct af_contour af_contour;

af_contour *af_contour_alloc(const af_grid *g, af_error *err);
void af_contour_free(af_contour *c); /* accepts NULL */

/* Trace the level line {u = level} of u (n x n values, caller-owned, not
 * kept).  Segments come square by square, squares in rows of increasing y,
 * each row in increasing x (clamped strips at the ends of their row and
 * column).  level finite and u free of NaN, else AF_EINVAL (the previous
 * list is then emptied); AF_ENOMEM when the list cannot grow (the list and
 * the length then cover only the squares traced so far). */
af_status af_contour_trace(af_contour *c, const double *u, double level, af_error *err);

/* Number of segments of the last trace (0 before any). */
size_t af_contour_count(const af_contour *c);

/* The segments of the last trace, owned by c: valid until the next trace
 * or af_contour_free. */
const af_segment *af_contour_segments(const af_contour *c);

/* Total length of the last trace's segments, length units (the box edge is
 * not counted; on a clamped grid the strips' pieces count with their part
 * inside the box).  Summed per square before the periodic split, so it does
 * not depend on where the seam is, up to rounding. */
double af_contour_length(const af_contour *c);

/* Area of {u < level} under the same rule (the polygons of the squares,
 * the clamped strips at their half width), length units^2, between 0 and
 * (hi - lo)^2.  Allocates nothing.  u <= u' at every cell gives
 * area(u) >= area(u') up to rounding (each square's area is a product
 * formula in its crossing fractions, monotone within a case; where a corner
 * changes sides two formulas meet, equal up to an ulp).  NaN if u holds a
 * NaN or level is not finite. */
double af_contour_area(const af_grid *g, const double *u, double level);

#ifdef __cplusplus
}
#endif
#endif
