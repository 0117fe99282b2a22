/* advflow: distance transforms and signed distances of masks.
 *
 * af_dist_edt: exact squared Euclidean distance, in cells^2, from every cell
 *   centre to the nearest centre of a cell with mask != 0 (Felzenszwalb and
 *   Huttenlocher's lower envelope of parabolas, linear time).  HUGE_VAL where
 *   the mask is empty.  AF_EDGE_PERIODIC measures distance on the torus.
 *
 * Signed distance to the boundary of a mask A, in units of length (box
 * units, not cells), negative inside (docs/design.md, "Distance transforms"):
 *   AF_SDIST_SIMPLE  s = d(x, A) - dx/2 outside, -(d(x, A^c) - dx/2) inside,
 *                    from the EDT of cell centres: exact for axis-parallel
 *                    boundaries; on sloped staircases both sides come out
 *                    too close (measured on a disc of radius 20 cells:
 *                    mean -0.08 cells, rms error 0.25 cells).
 *   AF_SDIST_SUBCELL the mask is smoothed by a Gaussian of sigma = 1 cell,
 *                    the smoothed field u crosses 1/2 at points on grid edges
 *                    (linear interpolation), and s = -+distance to the nearest
 *                    crossing point, negative where u > 1/2.  The distance to
 *                    the crossing points is exact at every cell (a separable
 *                    transform: crossings on horizontal edges lie on rows,
 *                    those on vertical edges on columns).  Measured on a disc
 *                    of radius 20 cells: mean +0.02 cells, rms 0.11-0.16 cells;
 *                    a straight line is known from its staircase only to
 *                    about 0.2-0.5 cells, depending on its slope.
 *                    Nested masks give ordered distances (s_A >= s_A' for
 *                    A subset A', up to the last bits): the step stays monotone.
 *                    Features thinner than about two cells do not reach
 *                    u > 1/2 and vanish: a lone cell gives +HUGE_VAL
 *                    everywhere, a one-cell hole -HUGE_VAL.
 * An empty mask gives +HUGE_VAL everywhere, a full mask -HUGE_VAL; callers
 * must expect infinities in general.  A workspace serves one thread.
 * GPL-3.0-or-later.
 */
#ifndef ADVFLOW_DIST_H
#define ADVFLOW_DIST_H

#include <stdint.h>

#include "advflow/grid.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    AF_SDIST_SUBCELL = 0, /* sub-cell form (default) */
    AF_SDIST_SIMPLE = 1   /* centre-based form */
} af_sdist_kind;

/* Workspace: buffers and the Gaussian kernel for one grid. */
typedef struct af_dist_work af_dist_work;

af_dist_work *af_dist_work_alloc(const af_grid *g, af_error *err);
void af_dist_work_free(af_dist_work *w); /* accepts NULL */

/* Squared distance in cells^2 to the nearest cell with mask != 0. */
void af_dist_edt(af_dist_work *w, const uint8_t *mask, double *d2);

/* Signed distance in length units, negative inside. */
void af_dist_signed(af_dist_work *w, af_sdist_kind kind, const uint8_t *mask, double *s);

/* The Gaussian-smoothed mask (sigma = 1 cell, same edge mode as the grid)
 * that the sub-cell form thresholds at 1/2; values in [0, 1]. */
void af_dist_smooth(af_dist_work *w, const uint8_t *mask, double *u);

/* Blur a double field in place by a Gaussian of sigma cells (0 < sigma,
 * truncated at 4 sigma, at most 24 cells), same edge rule as
 * af_dist_smooth.  Uses the workspace's scratch field: not re-entrant. */
void af_dist_blur(af_dist_work *w, double *u, double sigma);

const char *af_sdist_name(af_sdist_kind kind); /* "subcell" or "simple" */

#ifdef __cplusplus
}
#endif
#endif
