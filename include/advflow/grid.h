/* advflow: regular grids on a box.
 *
 * A grid covers the box [lo, hi]^dim with n cells per axis of side
 * dx = (hi - lo) / n.  Cell i along an axis has centre lo + (i + 1/2) dx.
 * Fields on a grid are flat arrays of n^dim values, x fastest:
 * index = i + n * j (+ n * n * k in 3D).  j grows with y, so when a field is
 * written as an image, image row 0 (the top) is j = n - 1.
 *
 * The edge mode says what a ball centred near the box edge sees: AF_EDGE_CLAMP
 * cuts the ball to the grid (sup / inf over the part inside the box),
 * AF_EDGE_PERIODIC wraps around.
 *
 * Only dim = 2 is implemented; the types carry dim so that 3D can follow.
 * GPL-3.0-or-later.
 */
#ifndef ADVFLOW_GRID_H
#define ADVFLOW_GRID_H

#include <stddef.h>
#include <stdint.h>

#include "advflow/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AF_GRID_MAX_DIM 3
/* Largest n accepted per axis and largest total number of cells: beyond
 * these, index arithmetic in int would overflow (the CLI also checks the
 * machine's memory). */
#define AF_GRID_MAX_N 65536
#define AF_GRID_MAX_CELLS ((size_t)1 << 30)

typedef enum {
    AF_EDGE_CLAMP = 0,   /* balls are cut at the box edge */
    AF_EDGE_PERIODIC = 1 /* the box is a torus */
} af_edge;

typedef struct {
    int dim;       /* number of axes: 2 (3 is reserved) */
    int n;         /* cells per axis, 1 <= n <= AF_GRID_MAX_N */
    double lo, hi; /* box [lo, hi]^dim, lo < hi, both finite */
    double dx;     /* cell side, (hi - lo) / n; derived by af_grid_init */
    af_edge edge;  /* what balls do at the box edge */
} af_grid;

/* Fill *g; checks ranges (dim 2 only for now, n, finite lo < hi, total cells):
 * AF_EINVAL, AF_EUNSUP for dim = 3, AF_ETOOBIG when n^dim > AF_GRID_MAX_CELLS. */
af_status af_grid_init(af_grid *g, int dim, int n, double lo, double hi,
                       af_edge edge, af_error *err);

/* Check a grid filled by the caller, for a module that takes one: not NULL
 * (AF_EINVAL), dim = 2 (AF_EUNSUP otherwise), n and n^dim within the limits
 * (AF_EINVAL).  `who` starts the message, e.g. "dist". */
af_status af_grid_check(const af_grid *g, const char *who, af_error *err);

/* Number of cells, n^dim. */
size_t af_grid_cells(const af_grid *g);

/* Centre coordinate of cell i along any axis: lo + (i + 0.5) dx. */
double af_grid_center(const af_grid *g, int i);

/* Index along an axis of the cell holding coordinate x: floor((x - lo) /
 * dx), wrapped on a periodic grid and clamped to 0 .. n - 1 on a clamped
 * one (so x = hi is in the last cell; NaN gives 0). */
int af_grid_cell_of(const af_grid *g, double x);

/* Bounding box of the nonzero cells of a 2D mask (n x n, caller-owned):
 * box = {i0, i1, j0, j1}, inclusive cell indices.  Returns 1, or 0 with
 * box = {n, -1, n, -1} when the mask is empty. */
int af_grid_mask_bbox(const af_grid *g, const uint8_t *mask, int box[4]);

/* Number of nonzero cells of a mask on g (n^dim bytes, caller-owned). */
size_t af_grid_mask_count(const af_grid *g, const uint8_t *mask);

/* Area of a 2D mask: its nonzero cells times dx^2 (0 for an empty mask). */
double af_grid_mask_area(const af_grid *g, const uint8_t *mask);

/* Centroid of a 2D mask: the mean of its nonzero cells' centres, c = {x, y}.
 * Returns the number of nonzero cells; for an empty mask 0, with c = {NaN,
 * NaN}. */
size_t af_grid_mask_centroid(const af_grid *g, const uint8_t *mask, double c[2]);

/* Name of an edge mode ("clamp" or "periodic"). */
const char *af_edge_name(af_edge edge);

#ifdef __cplusplus
}
#endif
#endif
