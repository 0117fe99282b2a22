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
 * class colours (class 0 orange #E69F00, class 1 blue #0072B2; Okabe-Ito,
 * safe for colour-blind readers), both scaled by the same maximum
 * (density_max, or the larger of the two fields' maxima): the larger of the
 * two sets how far a cell is from white, their ratio its hue, so where one
 * class dominates its hue shows, where both are even a muted olive-gray and
 * where both are weak white.  density1 without density is an error.
 *
 * Region: cells inside mask are tinted light blue in gray mode; in two-hue
 * mode, where blue means class 1, they are hatched with thin dark diagonals
 * instead.  Its boundary is dark red, contour boundaries blue -> red.
 * Sub-cell boundaries (the level-set representation): when boundary is
 * set, the region's boundary is drawn from those segments, antialiased at
 * their position between cell centres, instead of from the mask's cells;
 * when lines is set (nlines sets of segments, e.g. zero contours at several
 * times) they are drawn as the contours are, blue -> red, and contours is
 * ignored.  Segments are 4 doubles x0 y0 x1 y1 in box coordinates (the
 * layout of af_segment, contour.h).
 *
 * Points (x, y in box coordinates, y up) are discs of radius 4 to 5 pixels
 * in the class colours with a 1.5-pixel #333333 rim, drawn over everything
 * (so that a path's start shows the class of its point); points outside the
 * box or not finite are skipped, labels other than 0 and 1 are an error.
 * Paths are polylines (box coordinates) in #222222, about 1.6 pixels wide,
 * with a dot at their first finite vertex, drawn before the points; a
 * non-finite vertex breaks the line, vertices may lie outside the box. */
typedef struct {
    const af_grid *grid;
    const double *density;        /* shaded gray (or rho0, see above); NULL: white */
    const double *density1;       /* rho1: two-hue shading; NULL: one field */
    double density_max;           /* value shown darkest; <= 0: the fields' maximum */
    const uint8_t *mask;          /* region, tinted, boundary drawn dark red */
    const uint8_t *const *contours; /* extra masks whose boundaries are drawn */
    int ncontours;                /* number of extra masks, colours run blue -> red */
    const double *boundary;       /* nboundary segments: the region's sub-cell boundary */
    size_t nboundary;
    const double *const *lines;   /* nlines sets of line_len[k] segments, in place of contours */
    const size_t *line_len;
    int nlines;
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
