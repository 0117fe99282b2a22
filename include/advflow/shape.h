/* advflow: shapes, rasterised to masks.
 *
 * A shape is a caller-owned descriptor; af_shape_mask marks a cell inside
 * when its centre lies in the shape (closed set), so masks converge to the
 * shape as dx shrinks.  Lengths are in box units, angles in degrees,
 * counter-clockwise.  Fields that a kind does not use are ignored.
 * GPL-3.0-or-later.
 */
#ifndef ADVFLOW_SHAPE_H
#define ADVFLOW_SHAPE_H

#include <stdint.h>

#include "advflow/grid.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    AF_SHAPE_CIRCLE,    /* center, radius > 0 */
    AF_SHAPE_ELLIPSE,   /* center, axes = semi-axes a, b > 0 (along x, y before rotation), angle */
    AF_SHAPE_RECTANGLE, /* center, size = full width w, height h > 0, angle */
    AF_SHAPE_STAR,      /* center, radius, points >= 2, amplitude in [0, radius), angle:
                           r(theta) = radius + amplitude cos(points (theta - angle)) */
    AF_SHAPE_DUMBBELL,  /* center, radius of the two lobes, length = distance between lobe
                           centres (> 0), neck = width of the bar joining them (0 < neck <= 2 radius),
                           angle of the lobe axis */
    AF_SHAPE_HALFPLANE, /* normal = (nx, ny) != 0, offset: { x : normal . x <= offset |normal| } */
    AF_SHAPE_POLYGON,   /* vertices (>= 3, x y pairs), simple or not: even-odd rule */
    AF_SHAPE_PNG,       /* file, threshold in [0, 1]: inside where gray > threshold */
    AF_SHAPE_BAYES,     /* rho0, rho1: the Bayes classifier { rho1 > rho0 } (ties to class 0) */
    AF_SHAPE_SCORE      /* file (.npy or .csv, array.h), level: a trained classifier's
                           score map, inside where score > level */
} af_shape_kind;

typedef struct {
    af_shape_kind kind;
    double center[2];
    double radius;
    double axes[2];
    double size[2];
    double angle;           /* degrees */
    int points;
    double amplitude;
    double length, neck;
    double normal[2];
    double offset;
    const double *vertices; /* 2 * nvertices values, caller-owned */
    int nvertices;
    const char *file;       /* PNG or score-map path, caller-owned */
    double threshold;
    const double *rho0, *rho1; /* bayes: class densities on the grid, caller-owned */
    double level;           /* score: finite threshold */
} af_shape;

/* Fill mask (af_grid_cells(g) bytes): 1 where the cell centre is in the
 * shape, else 0.  Checks the shape's parameters (AF_EINVAL with a message
 * naming the parameter); PNG errors come from af_png_read_mask, score-map
 * errors from af_array_read (the score map is read into a temporary field:
 * AF_ENOMEM possible). */
af_status af_shape_mask(const af_grid *g, const af_shape *s, uint8_t *mask, af_error *err);

/* Fill u (af_grid_cells(g) doubles) with a field negative inside the shape
 * whose zero set is the shape's boundary, for starting the level-set step
 * (mm.h) at sub-cell accuracy: the signed distance (length units) for a
 * circle, rectangle and half-plane; a smooth implicit function of about
 * unit slope for an ellipse, star and dumbbell; rho0 - rho1 for bayes; and
 * level - score for a score map, so that a classifier's real values place
 * its boundary between cell centres.  Callers redistance it
 * (af_dist_redistance).  AF_EUNSUP for png and polygon shapes, which are
 * masks only (use the mask's sub-cell signed distance, dist.h).  Errors as
 * af_shape_mask's. */
af_status af_shape_field(const af_grid *g, const af_shape *s, double *u, af_error *err);

/* Check s's parameters without drawing it (af_shape_mask does this first):
 * a known kind, finite centre and angle, positive sizes, star points >= 2
 * and amplitude in [0, radius), ...; one message per bad value. */
af_status af_shape_params_check(const af_shape *s, af_error *err);

/* Name of a kind as written in case files ("circle", ...); NULL if unknown. */
const char *af_shape_kind_name(af_shape_kind kind);
/* Parse a kind name; returns 0 and sets *kind, or -1 if unknown. */
int af_shape_kind_parse(const char *name, af_shape_kind *kind);

#ifdef __cplusplus
}
#endif
#endif
