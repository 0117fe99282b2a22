/* advflow: PNG input and output (libpng's simplified API).
 *
 * Images cover the whole box: image column c and row r sample the cell
 * whose centre is nearest to the pixel centre, with image row 0 at the top
 * (largest y, grid row j = n - 1).
 *
 * Writing is atomic: the image goes to a temporary file beside the target,
 * which is renamed over the target only when complete, so a failed write
 * leaves nothing behind.  All calls report failures through af_error with
 * the file name in the message.  GPL-3.0-or-later.
 */
#ifndef ADVFLOW_PNG_H
#define ADVFLOW_PNG_H

#include <stdint.h>

#include "advflow/grid.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest image side written or read, in pixels. */
#define AF_PNG_MAX_SIDE 4096

/* Write an 8-bit grayscale mask, one pixel per cell, 255 inside, 0 outside. */
af_status af_png_write_mask(const char *path, const af_grid *g, const uint8_t *mask,
                            af_error *err);

/* Write a field as 8-bit gray, one pixel per cell: 255 * field / vmax,
 * clamped to 0..255 (vmax <= 0: the field's maximum).  Read back with
 * af_png_read_density and scale = vmax, it gives the field to 1/255. */
af_status af_png_write_gray(const char *path, const af_grid *g, const double *field,
                            double vmax, af_error *err);

/* A frame: density shading, region tint, boundary lines, data points and
 * paths.  Caller-owned; every pointer may be NULL except grid.  Image side
 * = n * scale pixels, scale >= 1 chosen so that the side stays <=
 * AF_PNG_MAX_SIDE (scale = 0: the largest integer scale with side <= 1024,
 * at least 1).
 *
 * Densities: with density alone, one field shaded gray (dark = high).  With
 * density1 as well, density is rho0 and density1 rho1, shaded in the two
 * class colours (class 0 orange, class 1 blue; Okabe-Ito), each by its own
 * share of the larger of the two maxima, so that where one class dominates
 * its hue shows and where both are weak the picture is white.
 * Points are small discs in the class colours with a dark rim, drawn over
 * everything but the paths; paths are polylines (box coordinates) in dark
 * gray with a dot at their start. */
typedef struct {
    const af_grid *grid;
    const double *density;        /* shaded gray (or rho0, see above); NULL: white */
    const double *density1;       /* rho1: two-hue shading; NULL: one field */
    double density_max;           /* value shown darkest; <= 0: the fields' maximum */
    const uint8_t *mask;          /* region, tinted, boundary drawn dark red */
    const uint8_t *const *contours; /* extra masks whose boundaries are drawn */
    int ncontours;                /* number of extra masks, colours run blue -> red */
    int scale;                    /* pixels per cell; 0 = automatic */
    const double *points;         /* 2 * npoints coordinates x0 y0 x1 y1 ... (length units) */
    const uint8_t *point_labels;  /* npoints classes, 0 or 1 */
    size_t npoints;
    const double *const *paths;   /* npaths polylines, each 2 * path_len[k] coordinates */
    const int *path_len;
    int npaths;
} af_png_frame;

af_status af_png_write_frame(const char *path, const af_png_frame *frame, af_error *err);

/* Read any PNG, convert to gray (0..1) and sample it on the grid.
 * Mask: inside where gray > threshold (threshold in [0, 1]).
 * Density: rho = scale * gray (scale >= 0, finite). */
af_status af_png_read_mask(const char *path, const af_grid *g, double threshold,
                           uint8_t *mask, af_error *err);
af_status af_png_read_density(const char *path, const af_grid *g, double scale,
                              double *rho, af_error *err);

#ifdef __cplusplus
}
#endif
#endif
