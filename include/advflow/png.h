/* advflow: PNG input and output (libpng's simplified API), and frames
 * (pictures of a state, drawn with cairo).
 *
 * Masks, gray fields and the images read cover the whole box: image column
 * c and row r sample the cell whose centre is nearest to the pixel centre,
 * with image row 0 at the top (largest y, grid row j = n - 1).
 *
 * Writing is atomic: the image goes to a temporary file beside the target,
 * which is renamed over the target only when complete, so a failed write
 * leaves nothing behind.  All calls report failures through af_error with
 * the file name in the message.  GPL-3.0-or-later.
 */
#ifndef ADVFLOW_PNG_H
#define ADVFLOW_PNG_H

#include <stddef.h>
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

/* A frame: a map of the box -- density shading, the region, boundary
 * lines, data points, attack paths -- with axes, a colour bar and a header
 * line, drawn with cairo (antialiased) and written as an 8-bit RGB PNG.
 * Caller-owned descriptor: every pointer may be NULL except grid, and a
 * zeroed descriptor with a grid is a valid frame (a white map with axes).
 *
 * Layout, in pixels (af_png_frame_layout gives the numbers):
 *   - the map, side = n * scale pixels square; cell (i, j) fills map
 *     columns [i scale, (i + 1) scale) and rows [(n - 1 - j) scale,
 *     (n - j) scale), so the top of the map is +y.  scale >= 1 pixels per
 *     cell with side <= AF_PNG_MAX_SIDE (scale = 0: the largest integer
 *     scale with side <= 1024, at least 1).  AF_PNG_MAX_SIDE bounds the
 *     map; the margins come on top of it.
 *   - a thin dark frame just outside the map, with outward ticks at round
 *     box coordinates (1, 2 or 5 x 10^k apart, the most whose numbers fit
 *     side by side, at most 7) numbered on the left (y) and bottom (x);
 *   - above the map, when there is a title or show_time, a header line:
 *     the title on the left, "t = 0.0391   step 10" on the right;
 *   - right of the map, when the density is shaded, its colour bar
 *     (captioned rho; in two-hue mode two bars, rho0 and rho1 on one
 *     scale, each in the colour of a cell holding that class alone), 0.6
 *     side (at least 6 fs) high, from 0 at the bottom to the value shown
 *     darkest, numbered; below it, when line_values is set, the legend of
 *     the contour lines (a sample of each line's colour and width, and its
 *     value).
 *   Text, ticks and line widths scale with the font size fs = max(11,
 *   side / 50) pixels (20 at side 1024), so that a larger frame is the
 *   same picture: the margins are about 3.7 fs on the left (with numbers
 *   like "-0.5"), 2.5 fs below, 1.2 fs above (2.3 fs with a header) and
 *   1.2 fs on the right, plus 3 to 8 fs for the colour bar or the legend.  The size depends on the
 *   grid, the scale, the box (its numbers), the density's maximum, whether
 *   there is a header and the legend's texts, not on the time or the step
 *   (the header is wide enough for "t = 0.0000   step 00000"): the frames
 *   of a run all have one size.
 *
 * Densities: with density alone, one field shaded from white (0) to dark
 * gray (the value shown darkest): high density is dark.  With density1 as
 * well, density is rho0 and density1 rho1, shaded in the two class colours
 * (class 0 orange #E69F00, class 1 blue #0072B2; Okabe-Ito, safe for
 * colour-blind readers), both scaled by the same maximum: the larger of the
 * two sets how far a cell is from white, their ratio its hue, so where one
 * class dominates its hue shows, where both are even a muted olive-gray and
 * where both are weak white.  The value shown darkest is density_max, or
 * when density_max <= 0 the fields' maximum; then a constant density
 * carries no picture and is shown white (no colour bar).  NaN cells and
 * values <= 0 are white.  density1 without density is an error.  Each cell
 * is one flat colour (the map shows the cells).
 *
 * Region: cells inside mask, or with levelset the set {levelset < 0}.  It
 * is tinted light blue in gray mode; in two-hue mode, where blue means
 * class 1, hatched with thin dark diagonals instead.  Its outline is at
 * sub-cell position: for a mask, the 1/2-level line of the mask smoothed by
 * the Gaussian of af_dist_smooth (dist.h: sigma = 1 cell), for a level set
 * its zero line, both by marching squares under contour.h's rule (on a
 * periodic grid the line wraps and the box edge is no boundary); the tint
 * covers the pixels whose centre lies inside the bilinear interpolation of
 * the same field between cell centres, so the two agree to a fraction of a
 * pixel.  The boundary is drawn over it as an antialiased dark red line
 * (#960000) 0.12 fs (at least 1.5 pixels) wide on a light halo (white at
 * 70%, 0.06 fs each side), which keeps it visible on the darkest shading;
 * when boundary is set, those segments are drawn instead of the traced
 * line (joined into polylines where their ends meet exactly).  Segments are 4 doubles x0 y0 x1 y1 in
 * box coordinates (the layout of af_segment, contour.h).
 *
 * Contour lines (flow overviews): the boundaries of ncontours extra masks
 * (traced as the region's), or nlines sets of segments (lines, in place of
 * contours), coloured from blue (the first) to red (the last) and drawn in
 * that order with widths falling from 1.8 to 1 times the boundary's, so
 * that where later lines run over earlier ones the earlier colours still
 * show at their sides.  line_values, when set, holds one value per line
 * (e.g. its time), listed in the legend under the heading line_label
 * (default "t").
 *
 * Points (x, y in box coordinates, y up) are discs of radius 4 to 5 pixels
 * in the class colours with a 1.5-pixel #333333 rim, drawn over everything
 * (so that a path's start shows the class of its point); points outside the
 * box or not finite are skipped, labels other than 0 and 1 are an error.
 * Paths are polylines (box coordinates) in #222222, about 1.6 pixels wide,
 * with a dot at their first finite vertex, drawn before the points; a
 * non-finite vertex breaks the line, vertices may lie outside the box.
 * Everything on the map is clipped to it.
 *
 * The header's time reads "t = %.3g" and the step "step %d"; title and
 * line_label are UTF-8 (invalid text is AF_EINVAL). */
typedef struct {
    const af_grid *grid;
    const double *density;        /* shaded gray (or rho0, see above); NULL: white */
    const double *density1;       /* rho1: two-hue shading; NULL: one field */
    double density_max;           /* value shown darkest; <= 0: the fields' maximum */
    const uint8_t *mask;          /* region, one byte per cell (nonzero inside) */
    const uint8_t *const *contours; /* extra masks whose boundaries are drawn */
    int ncontours;                /* number of extra masks, colours run blue -> red */
    const double *boundary;       /* nboundary segments: the region's boundary, drawn in
                                     place of the traced one */
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
    /* Later additions, kept after the fields above so that those keep
     * their places (bindings that mirror the struct, e.g. ctypes): */
    const double *levelset;       /* region {levelset < 0}, n * n values, no NaN; in place
                                     of mask */
    const double *line_values;    /* one value per contour line (ncontours, or nlines when
                                     lines is set), for the legend; NULL: no legend */
    const char *line_label;       /* the legend's heading; NULL: "t" */
    const char *title;            /* header, left; NULL: none */
    int show_time;                /* nonzero: the header shows time and step (right) */
    double time;                  /* model time t */
    int step;                     /* step number k */
    const char *const *text;      /* ntext pairs (keyword, text) stored as PNG tEXt chunks:
                                   * keywords of 1-79 printable Latin-1 characters, texts
                                   * any C string (e.g. "Software", the command line) */
    int ntext;
} af_png_frame;

/* Write the frame to path (atomically, as every writer here).  AF_EINVAL
 * for an inconsistent descriptor (counts against NULL arrays, labels, NaN
 * in levelset, scale < 0 or a map wider than AF_PNG_MAX_SIDE, invalid
 * UTF-8); AF_ENOMEM; AF_EIO when the file cannot be written (nothing is
 * left behind).  Messages name path.  Memory: the image (4 bytes a pixel),
 * a few rows of the grid and of the map, and the lines' segments while
 * they are drawn; nothing per cell. */
af_status af_png_write_frame(const char *path, const af_png_frame *frame, af_error *err);

/* Where af_png_write_frame puts things, in pixels (image row 0 at the
 * top).  The map's pixel (c, r) is image pixel (map_x + c, map_y + r). */
typedef struct {
    int width, height;   /* the image */
    int map_x, map_y;    /* the map's top left pixel */
    int map_side;        /* n * scale */
    int scale;           /* pixels per cell */
    int header_bottom;   /* rows above this one hold the header (title, time): map_y or
                            less; 0 without a header */
    int bar_x;           /* first column of the colour bar and legend, or 0 without */
    double font_size;    /* fs, pixels */
} af_png_layout;

/* The layout of the frame, with the checks of af_png_write_frame (the
 * messages say "frame" instead of a path); writes nothing. */
af_status af_png_frame_layout(const af_png_frame *frame, af_png_layout *layout, af_error *err);

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
