/* advflow: line plots (cairo), for histories and sweeps.
 *
 * A plot is a set of series drawn on one pair of axes, with a title, axis
 * labels, ticks at round values (decades on log axes), a light grid and a
 * legend of the series that have a label.  Written as PNG, SVG or PDF,
 * chosen by the file name's suffix; atomically (a temporary file beside the
 * target, renamed when complete).  The library draws with cairo and its
 * "toy" text API (the default sans-serif face).  GPL-3.0-or-later.
 */
#ifndef ADVFLOW_PLOT_H
#define ADVFLOW_PLOT_H

#include <stdint.h>

#include "advflow/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    AF_PLOT_LINE = 0,         /* solid line */
    AF_PLOT_DASHED = 1,       /* dashed line (reference laws, bounds) */
    AF_PLOT_MARKERS = 2,      /* a marker at each point, no line */
    AF_PLOT_LINE_MARKERS = 3  /* both */
} af_plot_style;

typedef struct {
    const double *x, *y; /* count values each; a non-finite value (or <= 0 on a log
                            axis) breaks the line and is skipped */
    int count;
    const char *label;   /* legend text (UTF-8); NULL or "": not in the legend */
    uint32_t rgb;        /* colour 0xRRGGBB */
    af_plot_style style;
} af_plot_series;

typedef struct {
    const char *title;  /* NULL: none; title and labels are UTF-8 */
    const char *xlabel, *ylabel; /* NULL: none.  On a linear axis of very large or
                            small values the ticks read v / 10^e and the label
                            gains " (x10^e)". */
    int logx, logy;     /* 1: logarithmic axis */
    int width, height;  /* pixels (PNG) or points (SVG, PDF), each 0 (default: 800
                           wide, 560 high) or AF_PLOT_MIN_SIDE .. AF_PLOT_MAX_SIDE */
    /* axis ranges; when min >= max (or NaN) the range is taken from the data,
       padded by 4% (of the decades on a log axis); a given range must be
       finite, and positive on a log axis */
    double xmin, xmax, ymin, ymax;
} af_plot_axes;

#define AF_PLOT_MIN_SIDE 120
#define AF_PLOT_MAX_SIDE 8192

/* Draw the series and write path (.png, .svg or .pdf, case-insensitive;
 * another suffix is AF_EINVAL).  AF_EINVAL also for a NULL path or axes,
 * ns < 0, a NULL series array with ns > 0, a series with count < 0, NULL
 * arrays (with count > 0) or an unknown style, a size or axis range out of
 * bounds (see af_plot_axes), text that is not valid UTF-8, or no finite
 * point at all (none positive on a log axis); AF_EIO when the file cannot be
 * written (nothing is left behind then).  Messages name path. */
af_status af_plot_write(const char *path, const af_plot_axes *axes, const af_plot_series *series,
                        int ns, af_error *err);

/* One panel of a figure: af_plot_write's arguments. */
typedef struct {
    const af_plot_axes *axes;
    const af_plot_series *series;
    int ns;
} af_plot_panel;

#define AF_PLOT_MAX_PANELS 8

/* Panels stacked from top to bottom in one figure, one file (PNG, SVG or
 * PDF as af_plot_write).  The figure is as wide as the panels' width (the
 * first nonzero axes->width; the others must be 0 or the same) and as high
 * as their heights together (each axes->height, default 560; at most
 * AF_PLOT_MAX_SIDE in all).  Each panel is drawn as af_plot_write draws a
 * plot, with its own title, labels, ranges and legend, except that text is
 * sized by the width alone, and that the plot areas share their left and
 * right edges, so that x axes of the same range line up.  np is 1 ..
 * AF_PLOT_MAX_PANELS; the errors are af_plot_write's, their messages name
 * the path and the panel (counting from 1).  np = 1 is af_plot_write. */
af_status af_plot_write_panels(const char *path, const af_plot_panel *panels, int np,
                               af_error *err);

/* Release the font caches that cairo and fontconfig keep between plots, so
 * that leak checkers see a clean exit: call it once at the end of a
 * program that drew plots.  Plots drawn afterwards work, and pay the set-up
 * of fonts again. */
void af_plot_release(void);

/* A palette of distinguishable colours (Okabe-Ito), k = 0, 1, ... cycling. */
uint32_t af_plot_colour(int k);

#ifdef __cplusplus
}
#endif
#endif
