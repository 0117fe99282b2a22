/* advflow: distance transforms and signed distances of masks.
 *
 * af_dist_edt: exact squared Euclidean distance, in cells^2, from every cell
 *   centre to the nearest centre of a cell with mask != 0 (Felzenszwalb and
 *   Huttenlocher's lower envelope of parabolas, linear time).  HUGE_VAL where
 *   the mask is empty.  AF_EDGE_PERIODIC measures distance on the torus.
 *
 * Signed distance to the boundary of a mask A, in units of length (box
 * units, not cells), negative inside (scheme.md section 4):
 *   AF_SDIST_SIMPLE  s = d(x, A) - dx/2 outside, -(d(x, A^c) - dx/2) inside,
 *                    from the EDT of cell centres: exact for axis-parallel
 *                    boundaries, about dx/2 too small on sloped staircases.
 *   AF_SDIST_SUBCELL the mask is smoothed by a Gaussian of sigma = 1 cell,
 *                    the smoothed field u crosses 1/2 at points on grid edges
 *                    (linear interpolation), and s = -+distance to the nearest
 *                    crossing point, negative where u > 1/2.  Exact (to the
 *                    crossing points) within AF_DIST_EXACT_CELLS of a crossing,
 *                    propagated farther out by a vector distance transform
 *                    seeded with the crossing points.
 * An empty mask gives +HUGE_VAL everywhere, a full mask -HUGE_VAL.
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

/* Cells around a crossing point within which the sub-cell distance is
 * computed exactly against every nearby crossing point. */
#define AF_DIST_EXACT_CELLS 3

/* Workspace: buffers and FFT-free Gaussian kernel for one grid. */
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

const char *af_sdist_name(af_sdist_kind kind); /* "subcell" or "simple" */

#ifdef __cplusplus
}
#endif
#endif
