/* advflow: frames (png.h, af_png_write_frame), drawn with cairo.
 *
 * Two kinds of drawing meet in a frame.  The map is raster data, one flat
 * colour per cell, so its pixels are written straight into the cairo image
 * surface's buffer, row by row; the region's tint is decided there per
 * pixel.  Everything else is vector drawing on top of it with cairo's
 * antialiasing: the region's boundary and the contour lines at sub-cell
 * position, paths, points, the axes and their numbers, the colour bar's
 * frame and numbers, the header and the legend.
 *
 * Boundaries of masks are the 1/2-level lines of the masks smoothed by the
 * Gaussian of af_dist_smooth.  The smoothing and the marching squares run
 * together over the grid, one row of squares at a time, with a ring of nine
 * rows smoothed along x (smooth_internal.h) and the two rows of the
 * current squares, so a frame holds a few rows of the grid and never a
 * field of it: the image is the only memory that grows with the area.
 *
 * Threads (threads_internal.h): that sweep runs on bands of square rows,
 * one per thread, each with its own rows and scratch; the bands write
 * disjoint pixel rows, and their segments are joined in band order, so
 * the picture (and the order of the line's segments) is the one sweep's
 * for every thread count.  cairo's drawing and the PNG's compression are
 * serial.
 *
 * The layout is computed first, on a 1 x 1 scratch surface (text is
 * measured there, with metric hinting off as in plot.c), so every argument
 * error is found before a file is created.
 *
 * GPL-3.0-or-later.
 */
#include "advflow/png.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>

#include "advflow/file.h"
#include "contour_internal.h"
#include "draw_internal.h"
#include "smooth_internal.h"
#include "threads_internal.h"

/* ------------------------------------------------------------------ */
/* Colours and proportions                                             */

/* Map colours (sRGB, 8-bit). */
#define AF_SHADE_DARK 60 /* gray level of the value shown darkest; 255 is density 0 */
static const uint8_t af_tint[3] = {172, 206, 255}; /* multiplied into region pixels */
/* Class colours, Okabe-Ito orange and blue: told apart with every common
 * colour-vision deficiency, and neither is the boundary's red. */
static const uint8_t af_class_rgb[2][3] = {{230, 159, 0}, {0, 114, 178}};
/* Two-hue densities go at most this far from white towards their hue, so
 * that data points (full hue) stand out from the densest cells. */
#define AF_HUE_STRENGTH 0.7
/* Two-hue mode marks the region by darkening one pixel diagonal in
 * AF_HATCH_STEP with AF_HATCH_LEVEL (multiplied in): a blue tint there would
 * read as class-1 density, and a uniform gray would read as more density. */
#define AF_HATCH_STEP 7
#define AF_HATCH_LEVEL 165
static const double af_region_line[3] = {150 / 255.0, 0, 0};        /* #960000 */
static const double af_contour_first[3] = {0, 60 / 255.0, 1};       /* blue */
static const double af_contour_last[3] = {230 / 255.0, 20 / 255.0, 0}; /* red */
static const double af_point_rim = 51 / 255.0; /* #333333 */
static const double af_path_gray = 34 / 255.0; /* #222222 */
static const double af_ink = 0.15;             /* frame, ticks, text */
#define AF_POINT_RIM 1.5   /* rim width, pixels */
#define AF_PATH_WIDTH 1.6  /* pixels */
#define AF_PATH_DOT 3.0    /* radius of a path's start dot, pixels */

/* Automatic scale aims for a map of about this many pixels. */
#define AF_FRAME_AUTO_SIDE 1024
/* Font size: side / AF_FS_DIV pixels, at least AF_FS_MIN. */
#define AF_FS_DIV 50.0
#define AF_FS_MIN 11.0
/* Contour lines: the first AF_CONTOUR_WIDEST times the boundary's width,
 * falling evenly to 1 for the last. */
#define AF_CONTOUR_WIDEST 1.8
/* The region's boundary has a white halo of this opacity, AF_HALO_FS fs
 * (at least 1 pixel) wide on each side: on the darkest shading the dark red
 * line would otherwise be lost. */
#define AF_HALO_ALPHA 0.7
#define AF_HALO_FS 0.06
/* Axis ticks at most; bar ticks at most. */
#define AF_MAX_TICKS 7
/* Field values are clamped to this magnitude before interpolation, so that
 * HUGE_VAL (a distance without a line) interpolates without inf - inf. */
#define AF_FIELD_MAX 1e300
/* Segments are clipped to the map grown by this many pixels before cairo
 * sees them: cairo's fixed-point coordinates overflow far away. */
#define AF_CLIP_MARGIN 16.0
/* Path vertices farther than this (pixels) are moved in before clipping. */
#define AF_FAR 1e6

/* ------------------------------------------------------------------ */
/* Layout                                                              */

typedef struct {
    double v;
    char text[32];
} af_tick;

typedef struct {
    const af_png_frame *f;
    int n, scale, side;
    int two_hue;
    double dmax;           /* value shown darkest; 0: no shading */
    int nlines;            /* contour lines drawn (ncontours or nlines) */
    /* proportions */
    double fs, pad, ticklen, tgap, lw, halo;
    int lwf;               /* frame line width, whole pixels */
    double asc, desc;      /* tick font's ascent and descent */
    /* the image */
    int W, H, mx, my;
    /* axes */
    int nticks;
    af_tick tick[AF_MAX_TICKS];
    /* header */
    int header;            /* 0 or the header's bottom row */
    char time_text[96];
    /* colour bar(s): nbars 0, 1 or 2, each bw wide, bgap apart */
    int nbars;
    double bx, by, bw, bh, bgap;
    int nbt;
    af_tick bt[AF_MAX_TICKS];
    /* legend of lines */
    double lx, ly, row, sample;
    int px;                /* first column of the right panel, or 0 */
} af_frame_lay;

/* v formatted with the decimals that a step of `step` needs, '-' as the
 * typographic minus, no "-0". */
static void af_tick_text(char *dst, size_t size, double v, double step)
{
    char b[32];
    int dec = (int)ceil(-log10(step) - 1e-9);
    if (dec < 0)
        dec = 0;
    if (fabs(v) < 1e-9 * step)
        v = 0;
    if (fabs(v) >= 1e6 || (step < 1e-4 && v != 0))
        snprintf(b, sizeof b, "%.3g", v);
    else
        snprintf(b, sizeof b, "%.*f", dec, v);
    af_draw_minus_copy(dst, size, b);
}

/* Round ticks (1, 2 or 5 x 10^k apart) over [lo, hi], at most max_n of
 * them, spaced at least `room` device units apart, where a tick's text
 * needs its width (horizontal) or a line (vertical).  Returns the count;
 * at least the ends' ticks fit in the worst case (one tick). */
static int af_ticks(cairo_t *cr, double lo, double hi, double len, double fs, int horizontal,
                    double room, af_tick *t, int max_n)
{
    static const double mult[3] = {1, 2, 5};
    double span = hi - lo;
    if (!(span > 0) || !isfinite(span))
        return 0;
    int k0 = (int)floor(log10(span / max_n));
    int n = 0;
    for (int it = 0; it < 40; it++) {
        double step = mult[it % 3] * pow(10.0, k0 + it / 3);
        double i0 = ceil(lo / step - 1e-9), i1 = floor(hi / step + 1e-9);
        int cnt = (int)(i1 - i0 + 1);
        if (cnt > max_n)
            continue;
        if (cnt < 1)
            break;
        n = cnt;
        double widest = 0;
        for (int q = 0; q < cnt; q++) {
            t[q].v = (i0 + q) * step;
            af_tick_text(t[q].text, sizeof t[q].text, t[q].v, step);
            widest = fmax(widest, af_draw_text_width(cr, t[q].text, fs, 0));
        }
        double gap = cnt > 1 ? step / span * len : INFINITY;
        double need = horizontal ? widest + room : room;
        if (gap >= need || cnt == 1)
            break;
    }
    return n;
}

/* Density shown darkest: the caller's value, or the fields' maximum (both
 * fields in two-hue mode, so that the hues compare masses); a constant
 * density gives 0 (no shading). */
static double af_frame_dmax(const af_png_frame *f, size_t cells)
{
    double dmax = f->density_max;
    if (!f->density)
        return 0;
    if (dmax > 0 && isfinite(dmax))
        return dmax;
    double dmin = INFINITY;
    dmax = 0;
    for (int fld = 0; fld < 2; fld++) {
        const double *d = fld ? f->density1 : f->density;
        for (size_t c = 0; d && c < cells; c++)
            if (isfinite(d[c])) {
                if (d[c] > dmax)
                    dmax = d[c];
                if (d[c] < dmin)
                    dmin = d[c];
            }
    }
    if (!(dmax > 0) || dmax - dmin <= 1e-12 * dmax || !isfinite(dmax))
        return 0;
    return dmax;
}

/* Legend text of line k. */
static void af_line_text(const af_png_frame *f, int k, char *dst, size_t size)
{
    char b[48];
    snprintf(b, sizeof b, "%.3g", f->line_values[k]);
    af_draw_minus_copy(dst, size, b);
}

static void af_time_text(const af_png_frame *f, char *dst, size_t size)
{
    char b[96];
    snprintf(b, sizeof b, "t = %.3g   step %d", f->time, f->step);
    af_draw_minus_copy(dst, size, b);
}

/* Everything geometric.  cr is a scratch context (text measuring). */
static void af_frame_layout_make(cairo_t *cr, const af_png_frame *f, int scale, af_frame_lay *L)
{
    const af_grid *g = f->grid;
    memset(L, 0, sizeof *L);
    L->f = f;
    L->n = g->n;
    L->scale = scale;
    L->side = g->n * scale;
    L->two_hue = f->density1 != NULL;
    L->dmax = af_frame_dmax(f, (size_t)g->n * (size_t)g->n);
    L->nlines = f->lines ? f->nlines : f->ncontours;
    const double side = L->side;
    const double fs = fmax(AF_FS_MIN, side / AF_FS_DIV);
    L->fs = fs;
    L->pad = 0.6 * fs;
    L->ticklen = 0.35 * fs;
    L->tgap = 0.25 * fs;
    L->lw = fmax(1.5, 0.12 * fs);
    L->halo = fmax(1.0, AF_HALO_FS * fs);
    L->lwf = (int)fmax(1.0, round(fs / 18.0));
    cairo_font_extents_t fe;
    af_draw_font(cr, fs, 0);
    cairo_font_extents(cr, &fe);
    L->asc = fe.ascent;
    L->desc = fe.descent;

    /* axes: the same ticks on both, spaced for the x axis's texts */
    L->nticks = af_ticks(cr, g->lo, g->hi, side, fs, 1, 0.8 * fs, L->tick, AF_MAX_TICKS);
    double ylab = 0, last_half = 0;
    for (int q = 0; q < L->nticks; q++)
        ylab = fmax(ylab, af_draw_text_width(cr, L->tick[q].text, fs, 0));
    if (L->nticks > 0)
        last_half = 0.5 * af_draw_text_width(cr, L->tick[L->nticks - 1].text, fs, 0);

    double left = L->pad + ylab + L->tgap + L->ticklen + L->lwf;
    double bottom = L->lwf + L->ticklen + L->tgap + L->asc + L->desc + L->pad;
    int header = f->title || f->show_time;
    double top = header ? L->pad + 1.6 * fs : L->pad + 0.6 * fs;
    L->mx = (int)ceil(left);
    L->my = (int)ceil(top);
    double right_edge = L->mx + side + L->lwf + fmax(L->pad, last_half + 0.3 * fs);

    /* header: the title and a template of the time text must fit side by
     * side over the map (the template's digits, not the time's, decide,
     * so that the frames of a run have one size) */
    if (header) {
        L->header = (int)floor(L->my - 0.3 * fs);
        double need = L->mx;
        if (f->title)
            need += af_draw_text_width(cr, f->title, 1.1 * fs, 1) + 1.5 * fs;
        if (f->show_time)
            need += af_draw_text_width(cr, "t = 0.0000   step 00000", fs, 0);
        right_edge = fmax(right_edge, need + L->pad);
        af_time_text(f, L->time_text, sizeof L->time_text);
    }

    /* right panel: colour bar(s), then the legend of lines */
    double panel_x = L->mx + side + L->lwf + 1.4 * fs, panel_w = 0, panel_bottom = 0;
    double y = L->my;
    if (L->dmax > 0) {
        L->nbars = L->two_hue ? 2 : 1;
        L->bw = round(fs);
        L->bgap = round(0.35 * fs);
        L->bx = round(panel_x);
        L->by = round(y + 1.5 * fs); /* under the captions */
        L->bh = round(fmax(0.6 * side, 6 * fs));
        L->nbt = af_ticks(cr, 0, L->dmax, L->bh, fs, 0, 1.5 * fs, L->bt, 6);
        double tw = 0;
        for (int q = 0; q < L->nbt; q++)
            tw = fmax(tw, af_draw_text_width(cr, L->bt[q].text, fs, 0));
        double bars = L->nbars * L->bw + (L->nbars - 1) * L->bgap;
        double cap = af_draw_text_width(cr, L->two_hue ? "\xcf\x81\xe2\x82\x80" : "\xcf\x81", fs, 0);
        panel_w = fmax(bars + L->ticklen + L->tgap + tw, cap);
        y = L->by + L->bh + L->desc + 1.2 * fs;
        panel_bottom = L->by + L->bh + 0.5 * fs;
    }
    if (f->line_values && L->nlines > 0) {
        L->lx = round(panel_x);
        L->ly = round(y);
        L->row = round(1.35 * fs);
        L->sample = round(1.8 * fs);
        double tw = af_draw_text_width(cr, f->line_label ? f->line_label : "t", fs, 0);
        for (int k = 0; k < L->nlines; k++) {
            char t[48];
            af_line_text(f, k, t, sizeof t);
            tw = fmax(tw, L->sample + 0.4 * fs + af_draw_text_width(cr, t, fs, 0));
        }
        panel_w = fmax(panel_w, tw);
        panel_bottom = L->ly + (L->nlines + 1) * L->row;
    }
    if (panel_w > 0) {
        L->px = (int)floor(panel_x);
        right_edge = fmax(right_edge, panel_x + panel_w + L->pad);
    }
    L->W = (int)ceil(right_edge);
    L->H = (int)ceil(fmax(L->my + side + bottom, panel_bottom + L->pad));
}

/* ------------------------------------------------------------------ */
/* Checks                                                              */

static af_status af_frame_check(const char *who, const af_png_frame *f, int *scale_out,
                                af_error *err)
{
    if (!f)
        return af_error_set(err, AF_EINVAL, "png: %s: frame is NULL", who);
    const af_grid *g = f->grid;
    if (!g)
        return af_error_set(err, AF_EINVAL, "png: %s: grid is NULL", who);
    if (g->dim != 2)
        return af_error_set(err, AF_EINVAL, "png: %s: only 2D grids can be imaged, got dim = %d",
                            who, g->dim);
    if (g->n < 1 || g->n > AF_GRID_MAX_N)
        return af_error_set(err, AF_EINVAL, "png: %s: grid n = %d out of range", who, g->n);
    if (!(g->hi > g->lo) || !isfinite(g->hi - g->lo))
        return af_error_set(err, AF_EINVAL, "png: %s: box [%g, %g] is empty or not finite", who,
                            g->lo, g->hi);
    if (f->ncontours < 0 || (f->ncontours > 0 && !f->contours))
        return af_error_set(err, AF_EINVAL, "png: %s: %d contours but contours is %s", who,
                            f->ncontours, f->contours ? "set" : "NULL");
    for (int k = 0; k < f->ncontours; k++)
        if (!f->contours[k])
            return af_error_set(err, AF_EINVAL, "png: %s: contour %d is NULL", who, k);
    if (f->density1 && !f->density)
        return af_error_set(err, AF_EINVAL,
                            "png: %s: density1 (class 1) is set but density (class 0) is NULL", who);
    if (f->npoints > 0 && (!f->points || !f->point_labels))
        return af_error_set(err, AF_EINVAL, "png: %s: %zu points but %s is NULL", who, f->npoints,
                            f->points ? "point_labels" : "points");
    for (size_t k = 0; k < f->npoints; k++)
        if (f->point_labels[k] > 1)
            return af_error_set(err, AF_EINVAL, "png: %s: point %zu has label %d, not 0 or 1", who,
                                k, f->point_labels[k]);
    if (f->npaths < 0 || (f->npaths > 0 && (!f->paths || !f->path_len)))
        return af_error_set(err, AF_EINVAL, "png: %s: %d paths but %s is %s", who, f->npaths,
                            f->npaths < 0 ? "npaths" : !f->paths ? "paths" : "path_len",
                            f->npaths < 0 ? "negative" : "NULL");
    for (int k = 0; k < f->npaths; k++) {
        if (f->path_len[k] < 0)
            return af_error_set(err, AF_EINVAL, "png: %s: path %d has length %d < 0", who, k,
                                f->path_len[k]);
        if (f->path_len[k] > 0 && !f->paths[k])
            return af_error_set(err, AF_EINVAL, "png: %s: path %d has length %d but is NULL", who,
                                k, f->path_len[k]);
    }
    if (f->nlines < 0 || (f->nlines > 0 && (!f->lines || !f->line_len)))
        return af_error_set(err, AF_EINVAL, "png: %s: %d lines but lines or line_len is NULL",
                            who, f->nlines);
    for (int k = 0; k < f->nlines; k++)
        if (f->line_len[k] > 0 && !f->lines[k])
            return af_error_set(err, AF_EINVAL, "png: %s: line set %d is NULL", who, k);
    if (f->nboundary > 0 && !f->boundary)
        return af_error_set(err, AF_EINVAL, "png: %s: %zu boundary segments but boundary is NULL",
                            who, f->nboundary);
    if (f->ntext < 0 || (f->ntext > 0 && !f->text))
        return af_error_set(err, AF_EINVAL, "png: %s: %d text chunks but text is %s", who, f->ntext,
                            f->text ? "set" : "NULL");
    for (int k = 0; k < f->ntext; k++) {
        const char *key = f->text[2 * k];
        size_t kl = key ? strlen(key) : 0;
        if (!f->text[2 * k + 1] || kl < 1 || kl > 79 || key[0] == ' ' || key[kl - 1] == ' ')
            return af_error_set(err, AF_EINVAL,
                                "png: %s: text %d: a keyword of 1-79 characters (no leading or "
                                "trailing space) and a text are needed", who, k);
        for (size_t q = 0; q < kl; q++)
            if ((unsigned char)key[q] < 32 || (unsigned char)key[q] == 127)
                return af_error_set(err, AF_EINVAL, "png: %s: text %d: the keyword holds a "
                                    "control character", who, k);
    }
    if (f->levelset) {
        size_t cells = (size_t)g->n * (size_t)g->n;
        for (size_t c = 0; c < cells; c++)
            if (isnan(f->levelset[c]))
                return af_error_set(err, AF_EINVAL, "png: %s: levelset is NaN at cell (%zu, %zu)",
                                    who, c % (size_t)g->n, c / (size_t)g->n);
    }

    int n = g->n, scale = f->scale;
    if (scale < 0)
        return af_error_set(err, AF_EINVAL, "png: %s: scale must be >= 0, got %d", who, scale);
    if (scale == 0) {
        scale = AF_FRAME_AUTO_SIDE / n;
        if (scale < 1)
            scale = 1;
    }
    if ((long long)n * scale > AF_PNG_MAX_SIDE)
        return af_error_set(err, AF_EINVAL,
                            "png: %s: image side %d x %d = %lld exceeds the limit %d", who, n,
                            scale, (long long)n * scale, AF_PNG_MAX_SIDE);
    *scale_out = scale;
    return AF_OK;
}

/* Check, then lay out on a scratch surface; cairo's verdict on the texts
 * (invalid UTF-8) is an argument error. */
static af_status af_frame_prepare(const char *who, const af_png_frame *f, af_frame_lay *L,
                                  af_error *err)
{
    int scale = 1;
    af_status st = af_frame_check(who, f, &scale, err);
    if (st != AF_OK)
        return st;
    cairo_surface_t *scratch = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
    cairo_t *cr = cairo_create(scratch);
    af_draw_font_setup(cr);
    af_frame_layout_make(cr, f, scale, L);
    cairo_status_t cst = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_destroy(scratch);
    if (cst == CAIRO_STATUS_INVALID_STRING)
        return af_error_set(err, AF_EINVAL, "png: %s: the title or line_label is not valid UTF-8",
                            who);
    if (cst != CAIRO_STATUS_SUCCESS)
        return af_error_set(err, cst == CAIRO_STATUS_NO_MEMORY ? AF_ENOMEM : AF_EFAILED,
                            "png: %s: cairo: %s", who, cairo_status_to_string(cst));
    return AF_OK;
}

af_status af_png_frame_layout(const af_png_frame *frame, af_png_layout *layout, af_error *err)
{
    af_frame_lay L;
    af_status st = af_frame_prepare("frame", frame, &L, err);
    if (st != AF_OK)
        return st;
    if (layout) {
        layout->width = L.W;
        layout->height = L.H;
        layout->map_x = L.mx;
        layout->map_y = L.my;
        layout->map_side = L.side;
        layout->scale = L.scale;
        layout->header_bottom = L.header;
        layout->bar_x = L.px;
        layout->font_size = L.fs;
    }
    return AF_OK;
}

/* ------------------------------------------------------------------ */
/* Fields row by row                                                   */

/* A field on the grid read one row at a time: the negated smoothed mask
 * (region {F < -1/2}, i.e. smoothed value > 1/2), or a level set as it is
 * (region {F < 0}), clamped to +-AF_FIELD_MAX. */
typedef struct {
    int n, per;
    const uint8_t *mask;
    const double *field;
    const af_smooth_kernel *k;
    double *ring;         /* AF_SMOOTH_W rows smoothed along x, row jj in slot jj mod W */
    uint8_t *pad;         /* n + 2 AF_SMOOTH_R */
    int ring_lo, ring_hi; /* the ring holds rows ring_lo .. ring_hi - 1 */
} af_rows;

static double *af_slot(af_rows *r, int jj)
{
    return r->ring + (size_t)(((jj % AF_SMOOTH_W) + AF_SMOOTH_W) % AF_SMOOTH_W) * (size_t)r->n;
}

/* Row j (0 <= j < n) of F into out.  Rows asked in increasing order cost
 * one pass along x each; any other order refills the ring. */
static void af_rows_get(af_rows *r, int j, double *out)
{
    const int n = r->n;
    if (r->field) {
        const double *src = r->field + (size_t)j * (size_t)n;
        for (int i = 0; i < n; i++)
            out[i] = fmin(fmax(src[i], -AF_FIELD_MAX), AF_FIELD_MAX);
        return;
    }
    const int lo = j - AF_SMOOTH_R, hi = j + AF_SMOOTH_R + 1;
    if (!(r->ring_lo <= lo && hi <= r->ring_hi)) {
        if (r->ring_lo <= lo && r->ring_hi == hi - 1 && r->ring_hi > r->ring_lo) {
            af_smooth_row_x(r->k, r->mask, n, r->per, hi - 1, r->pad, af_slot(r, hi - 1));
        } else {
            for (int jj = lo; jj < hi; jj++)
                af_smooth_row_x(r->k, r->mask, n, r->per, jj, r->pad, af_slot(r, jj));
        }
        r->ring_lo = lo;
        r->ring_hi = hi;
    }
    const double *src[AF_SMOOTH_W];
    for (int t = 0; t < AF_SMOOTH_W; t++)
        src[t] = af_slot(r, lo + t);
    af_smooth_row_y(r->k, src, n, out);
    for (int i = 0; i < n; i++)
        out[i] = -out[i];
}

/* Scratch for the sweeps: a few rows of the grid, and of the map's
 * pixels the cell and the interpolation of each column. */
typedef struct {
    af_smooth_kernel k;
    double *ring, *lo, *hi, *mix;
    uint8_t *pad;
    uint32_t *crow, *crow_in; /* colours of one row of cells, and marked as the region */
    int *cell, *i0, *i1;      /* per map column: its cell; the two cells it lies between */
    double *fx;               /* per map column: the fraction from i0 to i1 */
} af_scratch;

static void af_scratch_free(af_scratch *s)
{
    free(s->ring);
    free(s->lo);
    free(s->hi);
    free(s->mix);
    free(s->pad);
    free(s->crow);
    free(s->crow_in);
    free(s->cell);
    free(s->i0);
    free(s->i1);
    free(s->fx);
    /* freed twice is harmless: a failed af_scratch_alloc frees its own, and
     * the caller then frees every thread's (the failing-allocation test
     * found the double free) */
    memset(s, 0, sizeof *s);
}

/* Index of column (or row) a of the square lattice: clamped or wrapped. */
static int af_wrap(int a, int n, int per)
{
    if (per)
        return ((a % n) + n) % n;
    return a < 0 ? 0 : (a >= n ? n - 1 : a);
}

static int af_scratch_alloc(af_scratch *s, int n, int scale, int per)
{
    memset(s, 0, sizeof *s);
    af_smooth_kernel_init(&s->k);
    s->ring = malloc((size_t)AF_SMOOTH_W * (size_t)n * sizeof *s->ring);
    s->lo = malloc((size_t)n * sizeof *s->lo);
    s->hi = malloc((size_t)n * sizeof *s->hi);
    s->mix = malloc((size_t)n * sizeof *s->mix);
    s->pad = malloc((size_t)n + 2 * AF_SMOOTH_R);
    s->crow = malloc((size_t)n * sizeof *s->crow);
    s->crow_in = malloc((size_t)n * sizeof *s->crow_in);
    size_t side = (size_t)n * (size_t)scale;
    s->cell = malloc(side * sizeof *s->cell);
    s->i0 = malloc(side * sizeof *s->i0);
    s->i1 = malloc(side * sizeof *s->i1);
    s->fx = malloc(side * sizeof *s->fx);
    if (!s->ring || !s->lo || !s->hi || !s->mix || !s->pad || !s->crow || !s->crow_in || !s->cell
        || !s->i0 || !s->i1 || !s->fx) {
        af_scratch_free(s);
        return -1;
    }
    /* pixel centre in cell units: x = (px + 1/2) / scale; the squares'
     * columns a = floor(x - 1/2) and a + 1 */
    for (size_t px = 0; px < side; px++) {
        double x = (px + 0.5) / scale - 0.5;
        int a = (int)floor(x);
        s->cell[px] = (int)(px / (size_t)scale);
        s->i0[px] = af_wrap(a, n, per);
        s->i1[px] = af_wrap(a + 1, n, per);
        s->fx[px] = x - a;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* The map's pixels                                                    */

/* Field value c scaled to 0..1 by dmax; NaN and values <= 0 give 0. */
static double af_shade_t(const double *field, size_t c, double dmax)
{
    if (!field || !(dmax > 0))
        return 0;
    double t = field[c] / dmax;
    if (!(t > 0)) /* also NaN */
        return 0;
    return t > 1 ? 1 : t;
}

static uint32_t af_rgb(int r, int g, int b)
{
    return (uint32_t)r << 16 | (uint32_t)g << 8 | (uint32_t)b;
}

/* The shading of t (0..1): gray, or (two-hue) white moved towards the
 * class colours by AF_HUE_STRENGTH * max(t0, t1) in all, shared in
 * proportion t0 : t1.  The strength shows how much mass there is, the hue
 * which class has more of it; where the classes are even the two hues
 * average to a muted olive-gray, which is neither class (a subtractive mix
 * would give a dark green that reads as a third class). */
static uint32_t af_shade(int two_hue, double t0, double t1)
{
    if (!two_hue) { /* values >= 0: (int)(v + 1/2) rounds as lround */
        int v = (int)(255 + (AF_SHADE_DARK - 255) * t0 + 0.5);
        return af_rgb(v, v, v);
    }
    double s = t0 > t1 ? t0 : t1;
    if (!(s > 0))
        return af_rgb(255, 255, 255);
    double fr = t1 / (t0 + t1);
    int c[3];
    for (int ch = 0; ch < 3; ch++) {
        double hue = (1 - fr) * af_class_rgb[0][ch] + fr * af_class_rgb[1][ch];
        c[ch] = (int)(255 + (hue - 255) * AF_HUE_STRENGTH * s + 0.5);
    }
    return af_rgb(c[0], c[1], c[2]);
}

/* The region's mark on colour p: multiplying keeps the density shading
 * visible under the tint (gray mode) or the hatching (two hues; applied
 * only on the hatch's pixels, see af_fill_row). */
static uint32_t af_mark_region(int two_hue, uint32_t p)
{
    int c[3] = {(int)(p >> 16 & 255), (int)(p >> 8 & 255), (int)(p & 255)};
    for (int ch = 0; ch < 3; ch++)
        c[ch] = (c[ch] * (two_hue ? AF_HATCH_LEVEL : af_tint[ch]) + 127) / 255;
    return af_rgb(c[0], c[1], c[2]);
}

/* Colours of cell row j, plain and marked as the region. */
static void af_cell_colours(const af_frame_lay *L, int j, uint32_t *crow, uint32_t *crow_in)
{
    const af_png_frame *f = L->f;
    size_t base = (size_t)j * (size_t)L->n;
    for (int i = 0; i < L->n; i++) {
        size_t c = base + (size_t)i;
        crow[i] = af_shade(L->two_hue, af_shade_t(f->density, c, L->dmax),
                           af_shade_t(f->density1, c, L->dmax));
        crow_in[i] = af_mark_region(L->two_hue, crow[i]);
    }
}

/* Map pixel row py (0 at the top).  mix: the region's field interpolated
 * to the row's height (NULL: no region), inside where < level; two hues
 * hatch the region along the map's anti-diagonals, one pixel in
 * AF_HATCH_STEP, continuous across cells. */
static void af_fill_row(const af_frame_lay *L, af_scratch *sc, uint8_t *data, int stride, int py,
                        int *crow_j, const double *mix, double level)
{
    const int j = L->n - 1 - py / L->scale;
    if (*crow_j != j) {
        af_cell_colours(L, j, sc->crow, sc->crow_in);
        *crow_j = j;
    }
    const uint32_t *crow = sc->crow, *crow_in = sc->crow_in;
    const int *cell = sc->cell, *i0 = sc->i0, *i1 = sc->i1;
    const double *fx = sc->fx;
    uint32_t *row = (uint32_t *)(data + (size_t)(L->my + py) * (size_t)stride) + L->mx;
    if (!mix) {
        for (int px = 0; px < L->side; px++)
            row[px] = crow[cell[px]];
        return;
    }
    if (L->two_hue) {
        /* the hatch's columns: the first in this row, then every
         * AF_HATCH_STEP-th; the rest keep their colour */
        for (int px = 0; px < L->side; px++)
            row[px] = crow[cell[px]];
        for (int px = (AF_HATCH_STEP - py % AF_HATCH_STEP) % AF_HATCH_STEP; px < L->side;
             px += AF_HATCH_STEP) {
            const double v0 = mix[i0[px]], v1 = mix[i1[px]];
            if (v0 + fx[px] * (v1 - v0) < level)
                row[px] = crow_in[cell[px]];
        }
    } else if (L->scale == 1) { /* pixel centres are cell centres */
        for (int px = 0; px < L->side; px++)
            row[px] = mix[px] < level ? crow_in[px] : crow[px];
    } else {
        for (int px = 0; px < L->side; px++) {
            const double v0 = mix[i0[px]], v1 = mix[i1[px]];
            row[px] = v0 + fx[px] * (v1 - v0) < level ? crow_in[cell[px]] : crow[cell[px]];
        }
    }
}

/* ------------------------------------------------------------------ */
/* Vector pieces                                                       */

/* Box coordinates to image pixels. */
static void af_to_px(const af_frame_lay *L, double x, double y, double *px, double *py)
{
    const af_grid *g = L->f->grid;
    *px = L->mx + (x - g->lo) / g->dx * L->scale;
    *py = L->my + L->side - (y - g->lo) / g->dx * L->scale;
}

/* Clip segment s to [x0, x1] x [y0, y1] (Liang-Barsky); 0 if nothing is left. */
static int af_clip(double s[4], const double r[4])
{
    double t0 = 0, t1 = 1, d[2] = {s[2] - s[0], s[3] - s[1]};
    for (int a = 0; a < 2; a++) {
        double p[2] = {-d[a], d[a]}, q[2] = {s[a] - r[2 * a], r[2 * a + 1] - s[a]};
        for (int k = 0; k < 2; k++) {
            if (p[k] == 0) {
                if (q[k] < 0)
                    return 0;
                continue;
            }
            double t = q[k] / p[k];
            if (p[k] < 0 && t > t0)
                t0 = t;
            if (p[k] > 0 && t < t1)
                t1 = t;
        }
    }
    if (t0 > t1)
        return 0;
    double a0 = s[0] + t0 * d[0], a1 = s[1] + t0 * d[1];
    s[2] = s[0] + t1 * d[0];
    s[3] = s[1] + t1 * d[1];
    s[0] = a0;
    s[1] = a1;
    return 1;
}

/* Clip segment s (image pixels) to the map grown by AF_CLIP_MARGIN; 0 if
 * nothing finite is left. */
static int af_clip_to_map(const af_frame_lay *L, double s[4])
{
    /* clipping a segment with one end 1e300 pixels away would lose the
     * other end to rounding: first pull such an end in along the segment
     * to AF_FAR pixels from the near end, still well outside the image */
    for (int e = 0; e < 2; e++) {
        double *a = s + 2 * e, *b = s + 2 - 2 * e;
        if (fmax(fabs(a[0]), fabs(a[1])) > AF_FAR && fmax(fabs(b[0]), fabs(b[1])) <= AF_FAR) {
            double ux = a[0] - b[0], uy = a[1] - b[1], len = hypot(ux, uy);
            if (!(len > 0) || !isfinite(len))
                return 0; /* overflowed: two such far apart points */
            a[0] = b[0] + ux / len * (2 * AF_FAR);
            a[1] = b[1] + uy / len * (2 * AF_FAR);
        }
    }
    const double m = AF_CLIP_MARGIN;
    const double r[4] = {L->mx - m, L->mx + L->side + m, L->my - m, L->my + L->side + m};
    for (int k = 0; k < 4; k++)
        if (!isfinite(s[k]))
            return 0;
    if (!af_clip(s, r))
        return 0;
    for (int k = 0; k < 4; k++)
        if (!isfinite(s[k]))
            return 0;
    return 1;
}

/* Add a segment in image pixels to the path, clipped, continuing the
 * current point when it starts there. */
static void af_path_segment(cairo_t *cr, const af_frame_lay *L, double x0, double y0, double x1,
                            double y1)
{
    double s[4] = {x0, y0, x1, y1};
    if (!af_clip_to_map(L, s))
        return;
    double cx, cy;
    if (cairo_has_current_point(cr)) {
        cairo_get_current_point(cr, &cx, &cy);
        if (fabs(cx - s[0]) < 1e-6 && fabs(cy - s[1]) < 1e-6) {
            cairo_line_to(cr, s[2], s[3]);
            return;
        }
    }
    cairo_move_to(cr, s[0], s[1]);
    cairo_line_to(cr, s[2], s[3]);
}

/* A line's segments in image pixels, collected before they are stroked:
 * traced square by square, a line arrives in short unconnected pieces, and
 * stroking each piece on its own (a round cap at either end) costs cairo
 * more than the rest of the frame.  af_path_chains joins them first. */
typedef struct {
    double (*s)[4];
    size_t n, cap;
    int oom;
} af_segbuf;

static void af_segbuf_push(af_segbuf *b, const double s[4])
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 1024;
        double (*q)[4] = realloc(b->s, cap * sizeof *q);
        if (!q) {
            b->oom = 1;
            return;
        }
        b->s = q;
        b->cap = cap;
    }
    memcpy(b->s[b->n++], s, sizeof b->s[0]);
}

/* Segments in box coordinates (4 doubles each), clipped, into b. */
static void af_segbuf_box(af_segbuf *b, const af_frame_lay *L, const double *seg, size_t count)
{
    for (size_t k = 0; k < count; k++) {
        const double *q = seg + 4 * k;
        double s[4];
        af_to_px(L, q[0], q[1], &s[0], &s[1]);
        af_to_px(L, q[2], q[3], &s[2], &s[3]);
        if (af_clip_to_map(L, s))
            af_segbuf_push(b, s);
    }
}

/* qsort has no context argument; one per thread, so that frames may be
 * drawn on several threads at once */
static _Thread_local const af_segbuf *af_chain_buf;

/* Order of segment indices by start point (x, then y). */
static int af_chain_cmp(const void *pa, const void *pb)
{
    const double *a = af_chain_buf->s[*(const size_t *)pa], *b = af_chain_buf->s[*(const size_t *)pb];
    if (a[0] != b[0])
        return a[0] < b[0] ? -1 : 1;
    if (a[1] != b[1])
        return a[1] < b[1] ? -1 : 1;
    return 0;
}

/* An unused segment starting at (x, y), or -1: binary search in order. */
static long af_chain_find(const af_segbuf *b, const size_t *order, const uint8_t *used, double x,
                          double y)
{
    size_t lo = 0, hi = b->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const double *s = b->s[order[mid]];
        if (s[0] < x || (s[0] == x && s[1] < y))
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < b->n; lo++) {
        const double *s = b->s[order[lo]];
        if (s[0] != x || s[1] != y)
            break;
        if (!used[order[lo]])
            return (long)order[lo];
    }
    return -1;
}

/* The segments of b into the path as polylines: a segment continues the
 * one whose end is its start, bit for bit (marching squares computes a
 * shared crossing the same way from both squares, contour.h); chains start
 * where no segment ends, closed loops are closed.  Without memory for the
 * matching, the segments go in one by one (the same picture, slower).  0,
 * or -1 when even that failed earlier (b->oom). */
static int af_path_chains(cairo_t *cr, const af_segbuf *b)
{
    if (b->oom)
        return -1;
    size_t n = b->n;
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    uint8_t *used = calloc(n ? n : 1, 1), *pred = calloc(n ? n : 1, 1);
    if (!order || !used || !pred) {
        for (size_t k = 0; k < n; k++) {
            cairo_move_to(cr, b->s[k][0], b->s[k][1]);
            cairo_line_to(cr, b->s[k][2], b->s[k][3]);
        }
        free(order);
        free(used);
        free(pred);
        return 0;
    }
    for (size_t k = 0; k < n; k++)
        order[k] = k;
    af_chain_buf = b;
    qsort(order, n, sizeof *order, af_chain_cmp);
    for (size_t k = 0; k < n; k++) { /* pred[j]: some segment ends where j starts */
        long j = af_chain_find(b, order, pred, b->s[k][2], b->s[k][3]);
        if (j >= 0)
            pred[j] = 1;
    }
    for (int pass = 0; pass < 2; pass++) /* open chains first, then loops */
        for (size_t k = 0; k < n; k++) {
            if (used[k] || (pass == 0 && pred[k]))
                continue;
            size_t first = k, i = k;
            cairo_move_to(cr, b->s[i][0], b->s[i][1]);
            for (;;) {
                used[i] = 1;
                cairo_line_to(cr, b->s[i][2], b->s[i][3]);
                long j = af_chain_find(b, order, used, b->s[i][2], b->s[i][3]);
                if (j < 0)
                    break;
                i = (size_t)j;
            }
            if (b->s[i][2] == b->s[first][0] && b->s[i][3] == b->s[first][1])
                cairo_close_path(cr);
        }
    free(order);
    free(used);
    free(pred);
    return 0;
}

/* The level line of F over square row b (rows lo = F row wrap(b), hi = F
 * row wrap(b + 1)) into the path.  Squares a = -1 .. n - 1; on a clamped
 * grid the outer ones are the ghost strips of contour.h (their pieces run
 * straight out of the box and the map's clip cuts them at its edge), on a
 * torus they are the wrapped squares, whose pieces beyond the box are cut
 * there as well: the visible part is the wrapped line. */
static void af_trace_row(af_segbuf *out, const af_frame_lay *L, int b, const double *lo,
                         const double *hi, double level)
{
    const int n = L->n, per = L->f->grid->edge == AF_EDGE_PERIODIC, s = L->scale;
    for (int a = -1; a < n; a++) {
        const int i0 = af_wrap(a, n, per), i1 = af_wrap(a + 1, n, per);
        const double v[4] = {lo[i0], lo[i1], hi[i1], hi[i0]};
        const int code = af_ms_code(v, level);
        if (code == 0 || code == 15)
            continue;
        af_segment seg[2];
        const int k = af_ms_square(v, level, code, seg);
        for (int q = 0; q < k; q++) {
            /* (a + 1/2 + x) is exact for the crossings on the square's
             * sides, so neighbours' shared ends stay equal in pixels */
            const double px[4] = {L->mx + (a + 0.5 + seg[q].x0) * s,
                                  L->my + L->side - (b + 0.5 + seg[q].y0) * s,
                                  L->mx + (a + 0.5 + seg[q].x1) * s,
                                  L->my + L->side - (b + 0.5 + seg[q].y1) * s};
            af_segbuf_push(out, px);
        }
    }
}

/* The sweep over the squares' rows b = b0 .. b1 - 1 (of -1 .. n - 1) of the
 * field of rows r: its level line into out, and (data set) the map's
 * pixels, with the region {F < level} marked. */
static void af_sweep_band(af_segbuf *out, const af_frame_lay *L, af_scratch *sc, af_rows *r,
                          double level, uint8_t *data, int stride, int b0, int b1)
{
    const int n = L->n, per = L->f->grid->edge == AF_EDGE_PERIODIC, s = L->scale;
    int crow_j = -1;
    double *lo = sc->lo, *hi = sc->hi;
    if (b0 >= b1)
        return;
    af_rows_get(r, af_wrap(b0, n, per), lo);
    for (int b = b0; b < b1; b++) {
        if (b > b0) {
            double *t = lo;
            lo = hi;
            hi = t;
        }
        af_rows_get(r, af_wrap(b + 1, n, per), hi);
        af_trace_row(out, L, b, lo, hi, level);
        if (!data)
            continue;
        /* pixel rows whose centre y = (side - py - 1/2) / s (cell units)
         * lies in [b + 1/2, b + 3/2) */
        int py_hi = (int)floor(L->side - 0.5 - (b + 0.5) * s);
        int py_lo = (int)floor(L->side - 0.5 - (b + 1.5) * s) + 1;
        if (py_hi > L->side - 1)
            py_hi = L->side - 1;
        if (py_lo < 0)
            py_lo = 0;
        for (int py = py_hi; py >= py_lo; py--) {
            double fy = (L->side - py - 0.5) / s - (b + 0.5);
            for (int i = 0; i < n; i++)
                sc->mix[i] = lo[i] + fy * (hi[i] - lo[i]);
            af_fill_row(L, sc, data, stride, py, &crow_j, sc->mix, level);
        }
    }
}

/* The sweep over all square rows in bands (threads_internal.h; thread t
 * uses scratch sc[t], nsc of them; r: the field, whose ring and pad each
 * band replaces by its thread's).  The bands' segments are appended to
 * out in band order: the order of one sweep.  The map's pixels without a
 * region (r NULL) go the same way, in bands of pixel rows. */
static void af_sweep(af_segbuf *out, const af_frame_lay *L, af_scratch *sc, int nsc,
                     const af_rows *r, double level, uint8_t *data, int stride)
{
    const int n = L->n;
    const int np = af_parts(r ? n + 1 : L->side, nsc, 32);
    af_segbuf part[np];
    memset(part, 0, sizeof part);
#pragma omp parallel for num_threads(nsc) schedule(dynamic, 1)
    for (int q = 0; q < np; q++) {
        af_scratch *t = &sc[af_thread_id()];
        int b0, b1;
        if (!r) {
            int crow_j = -1;
            af_thread_part(L->side, q, np, 1, &b0, &b1);
            for (int py = b0; py < b1; py++)
                af_fill_row(L, t, data, stride, py, &crow_j, NULL, 0);
        } else {
            af_rows rt = *r;
            rt.ring = t->ring;
            rt.pad = t->pad;
            rt.ring_lo = rt.ring_hi = 0;
            af_thread_part(n + 1, q, np, 1, &b0, &b1);
            af_sweep_band(q ? &part[q] : out, L, t, &rt, level, data, stride, b0 - 1, b1 - 1);
        }
    }
    for (int q = 1; q < np; q++) {
        for (size_t k = 0; out && k < part[q].n; k++)
            af_segbuf_push(out, part[q].s[k]);
        if (out)
            out->oom |= part[q].oom;
        free(part[q].s);
    }
}

static void af_stroke_line(cairo_t *cr, const double rgb[3], double width)
{
    cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
    cairo_set_line_width(cr, width);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(cr);
}

static void af_contour_style(const af_frame_lay *L, int k, double rgb[3], double *width)
{
    int m = L->nlines;
    double s = m > 1 ? (double)k / (m - 1) : 0;
    for (int ch = 0; ch < 3; ch++)
        rgb[ch] = af_contour_first[ch] + s * (af_contour_last[ch] - af_contour_first[ch]);
    *width = L->lw * (AF_CONTOUR_WIDEST - (AF_CONTOUR_WIDEST - 1) * s);
}

/* Paths: polylines with a dot at their first finite vertex.  A non-finite
 * vertex ends one piece of line and the next finite vertex starts another. */
static void af_draw_paths(cairo_t *cr, const af_frame_lay *L)
{
    const af_png_frame *f = L->f;
    cairo_set_source_rgb(cr, af_path_gray, af_path_gray, af_path_gray);
    for (int k = 0; k < f->npaths; k++) {
        const double *v = f->paths[k];
        cairo_new_path(cr);
        for (int m = 0; m < f->path_len[k]; m++) {
            double px, py;
            af_to_px(L, v[2 * m], v[2 * m + 1], &px, &py);
            if (isfinite(px) && isfinite(py)) {
                /* off the map it is clipped; far off it would overflow cairo */
                if (fabs(px - L->mx) < 2.0 * AF_FAR && fabs(py - L->my) < 2.0 * AF_FAR)
                    cairo_arc(cr, px, py, AF_PATH_DOT, 0, 2 * 3.14159265358979323846);
                break;
            }
        }
        cairo_fill(cr);
        int have = 0;
        double px0 = 0, py0 = 0;
        for (int m = 0; m < f->path_len[k]; m++) {
            double px, py;
            af_to_px(L, v[2 * m], v[2 * m + 1], &px, &py);
            if (!isfinite(px) || !isfinite(py)) {
                have = 0;
                continue;
            }
            if (have)
                af_path_segment(cr, L, px0, py0, px, py);
            px0 = px;
            py0 = py;
            have = 1;
        }
        cairo_set_line_width(cr, AF_PATH_WIDTH);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_stroke(cr);
    }
}

/* Data points: discs in the class colours with a dark rim, radius
 * scale / 2 + 1 clamped to 4..5 pixels: below 4 the rim leaves too little
 * colour to tell the classes apart, above 5 the points hide the boundary. */
static void af_draw_points(cairo_t *cr, const af_frame_lay *L)
{
    const af_png_frame *f = L->f;
    const af_grid *g = f->grid;
    double r = L->scale / 2.0 + 1;
    r = r < 4 ? 4 : (r > 5 ? 5 : r);
    cairo_set_line_width(cr, AF_POINT_RIM);
    for (size_t k = 0; k < f->npoints; k++) {
        double x = f->points[2 * k], y = f->points[2 * k + 1];
        if (!(x >= g->lo && x <= g->hi && y >= g->lo && y <= g->hi)) /* also NaN */
            continue;
        double px, py;
        af_to_px(L, x, y, &px, &py);
        const uint8_t *c = af_class_rgb[f->point_labels[k]];
        cairo_new_path(cr);
        cairo_arc(cr, px, py, r - 0.5 * AF_POINT_RIM, 0, 2 * 3.14159265358979323846);
        cairo_set_source_rgb(cr, c[0] / 255.0, c[1] / 255.0, c[2] / 255.0);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, af_point_rim, af_point_rim, af_point_rim);
        cairo_stroke(cr);
    }
}

/* Text with its baseline at y; align 0 left, 0.5 centre, 1 right of x. */
static void af_text(cairo_t *cr, const char *s, double fs, int bold, double x, double y,
                    double align)
{
    double w = af_draw_text_width(cr, s, fs, bold);
    cairo_move_to(cr, x - align * w, y);
    cairo_show_text(cr, s);
}

/* A crisp coordinate for a line of whole-pixel width lw. */
static double af_crisp(double v, int lw)
{
    return lw % 2 ? floor(v) + 0.5 : round(v);
}

/* The frame round the map, ticks and numbers. */
static void af_draw_axes(cairo_t *cr, const af_frame_lay *L)
{
    const af_grid *g = L->f->grid;
    const int lw = L->lwf;
    const double h = 0.5 * lw;
    cairo_set_source_rgb(cr, af_ink, af_ink, af_ink);
    cairo_set_line_width(cr, lw);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
    cairo_new_path(cr);
    cairo_rectangle(cr, L->mx - h, L->my - h, L->side + lw, L->side + lw);
    cairo_stroke(cr);
    const double bottom = L->my + L->side + lw, left = L->mx - lw;
    cairo_new_path(cr);
    for (int q = 0; q < L->nticks; q++) {
        double f = (L->tick[q].v - g->lo) / (g->hi - g->lo);
        double x = af_crisp(L->mx + f * L->side, lw), y = af_crisp(L->my + (1 - f) * L->side, lw);
        cairo_move_to(cr, x, bottom);
        cairo_line_to(cr, x, bottom + L->ticklen);
        cairo_move_to(cr, left, y);
        cairo_line_to(cr, left - L->ticklen, y);
    }
    cairo_stroke(cr);
    af_draw_font(cr, L->fs, 0);
    cairo_text_extents_t digit;
    cairo_text_extents(cr, "0", &digit);
    for (int q = 0; q < L->nticks; q++) {
        double f = (L->tick[q].v - g->lo) / (g->hi - g->lo);
        af_text(cr, L->tick[q].text, L->fs, 0, L->mx + f * L->side,
                bottom + L->ticklen + L->tgap + L->asc, 0.5);
        af_text(cr, L->tick[q].text, L->fs, 0, left - L->ticklen - L->tgap,
                L->my + (1 - f) * L->side - 0.5 * digit.y_bearing, 1.0);
    }
}

/* The colour bar(s): the shading of 0 .. dmax painted into the buffer
 * (the map's own colours, so the two agree exactly). */
static void af_fill_bars(const af_frame_lay *L, uint8_t *data, int stride)
{
    for (int b = 0; b < L->nbars; b++) {
        int x0 = (int)(L->bx + b * (L->bw + L->bgap)), y0 = (int)L->by;
        for (int r = 0; r < (int)L->bh; r++) {
            double t = 1.0 - (r + 0.5) / L->bh;
            uint32_t c = af_shade(L->two_hue, b == 0 ? t : 0, b == 1 ? t : 0);
            uint32_t *row = (uint32_t *)(data + (size_t)(y0 + r) * (size_t)stride) + x0;
            for (int x = 0; x < (int)L->bw; x++)
                row[x] = c;
        }
    }
}

static void af_draw_bars(cairo_t *cr, const af_frame_lay *L)
{
    if (L->nbars == 0)
        return;
    const int lw = L->lwf;
    const double h = 0.5 * lw;
    cairo_set_source_rgb(cr, af_ink, af_ink, af_ink);
    cairo_set_line_width(cr, lw);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    cairo_new_path(cr);
    for (int b = 0; b < L->nbars; b++)
        cairo_rectangle(cr, L->bx + b * (L->bw + L->bgap) - h, L->by - h, L->bw + lw, L->bh + lw);
    double xr = L->bx + L->nbars * L->bw + (L->nbars - 1) * L->bgap + lw;
    for (int q = 0; q < L->nbt; q++) {
        double y = af_crisp(L->by + L->bh * (1 - L->bt[q].v / L->dmax), lw);
        cairo_move_to(cr, xr, y);
        cairo_line_to(cr, xr + L->ticklen, y);
    }
    cairo_stroke(cr);
    af_draw_font(cr, L->fs, 0);
    cairo_text_extents_t digit;
    cairo_text_extents(cr, "0", &digit);
    for (int q = 0; q < L->nbt; q++)
        af_text(cr, L->bt[q].text, L->fs, 0, xr + L->ticklen + L->tgap,
                L->by + L->bh * (1 - L->bt[q].v / L->dmax) - 0.5 * digit.y_bearing, 0);
    /* captions: rho, or rho_0 and rho_1 over their bars */
    static const char *const caps[3] = {"\xcf\x81", "\xcf\x81\xe2\x82\x80", "\xcf\x81\xe2\x82\x81"};
    for (int b = 0; b < L->nbars; b++)
        af_text(cr, L->nbars == 1 ? caps[0] : caps[1 + b], L->fs, 0,
                L->bx + b * (L->bw + L->bgap) + 0.5 * L->bw, L->by - 0.45 * L->fs, 0.5);
}

static void af_draw_legend(cairo_t *cr, const af_frame_lay *L)
{
    const af_png_frame *f = L->f;
    if (!f->line_values || L->nlines <= 0)
        return;
    cairo_text_extents_t xh;
    af_draw_font(cr, L->fs, 0);
    cairo_text_extents(cr, "x", &xh);
    cairo_set_source_rgb(cr, af_ink, af_ink, af_ink);
    af_text(cr, f->line_label ? f->line_label : "t", L->fs, 0, L->lx, L->ly + L->asc, 0);
    for (int k = 0; k < L->nlines; k++) {
        double yc = L->ly + (k + 1.5) * L->row;
        double rgb[3], w;
        af_contour_style(L, k, rgb, &w);
        cairo_new_path(cr);
        cairo_move_to(cr, L->lx + 0.5 * w, yc);
        cairo_line_to(cr, L->lx + L->sample - 0.5 * w, yc);
        af_stroke_line(cr, rgb, w);
        char t[48];
        af_line_text(f, k, t, sizeof t);
        cairo_set_source_rgb(cr, af_ink, af_ink, af_ink);
        af_text(cr, t, L->fs, 0, L->lx + L->sample + 0.4 * L->fs, yc - 0.5 * xh.y_bearing, 0);
    }
}

static void af_draw_header(cairo_t *cr, const af_frame_lay *L)
{
    const af_png_frame *f = L->f;
    if (!L->header)
        return;
    double base = L->header - 0.3 * L->fs;
    cairo_set_source_rgb(cr, af_ink, af_ink, af_ink);
    if (f->title)
        af_text(cr, f->title, 1.1 * L->fs, 1, L->mx, base, 0);
    if (f->show_time)
        af_text(cr, L->time_text, L->fs, 0, L->mx + L->side, base, 1.0);
}

/* Draw the whole frame on surf (an image surface of L->W x L->H); cairo's
 * status (CAIRO_STATUS_NO_MEMORY also when the scratch rows are missing). */
static cairo_status_t af_frame_draw(cairo_surface_t *surf, const af_frame_lay *L)
{
    const af_png_frame *f = L->f;
    const int n = L->n, per = f->grid->edge == AF_EDGE_PERIODIC;
    /* scratch for each thread of the map's sweeps, no more threads than
     * the sweeps have parts (af_sweep: at least 32 rows each) */
    int nsc = af_threads_for_cells((size_t)L->side * (size_t)L->side);
    if (nsc > L->side / 32 + 1)
        nsc = L->side / 32 + 1;
    af_scratch *sc = calloc((size_t)nsc, sizeof *sc);
    int fail = !sc;
    for (int t = 0; !fail && t < nsc; t++)
        fail = af_scratch_alloc(&sc[t], n, L->scale, per) != 0;
    if (fail) {
        for (int t = 0; sc && t < nsc; t++)
            af_scratch_free(&sc[t]);
        free(sc);
        return CAIRO_STATUS_NO_MEMORY;
    }
    cairo_t *cr = cairo_create(surf);
    af_draw_font_setup(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_surface_flush(surf);
    uint8_t *data = cairo_image_surface_get_data(surf);
    const int stride = cairo_image_surface_get_stride(surf);

    /* the map, and the region's line (kept until the contours are drawn) */
    af_segbuf region = {0}, line = {0};
    int oom = 0;
    if (data && (f->mask || f->levelset)) {
        af_rows r = {n, per, f->levelset ? NULL : f->mask, f->levelset, &sc[0].k, NULL, NULL, 0, 0};
        af_sweep(&region, L, sc, nsc, &r, f->levelset ? 0.0 : -0.5, data, stride);
    } else if (data) {
        af_sweep(NULL, L, sc, nsc, NULL, 0, data, stride);
    }
    if (data)
        af_fill_bars(L, data, stride);
    cairo_surface_mark_dirty(surf);

    /* on the map: contour lines, the boundary, paths, points */
    cairo_save(cr);
    cairo_rectangle(cr, L->mx, L->my, L->side, L->side);
    cairo_clip(cr);
    for (int k = 0; k < L->nlines; k++) {
        double rgb[3], w;
        af_contour_style(L, k, rgb, &w);
        line.n = 0;
        if (f->lines) {
            af_segbuf_box(&line, L, f->lines[k], f->line_len[k]);
        } else {
            af_rows r = {n, per, f->contours[k], NULL, &sc[0].k, NULL, NULL, 0, 0};
            af_sweep(&line, L, sc, nsc, &r, -0.5, NULL, 0);
        }
        cairo_new_path(cr);
        oom |= af_path_chains(cr, &line);
        af_stroke_line(cr, rgb, w);
    }
    if (f->boundary) {
        region.n = 0;
        af_segbuf_box(&region, L, f->boundary, f->nboundary);
    }
    cairo_new_path(cr);
    oom |= af_path_chains(cr, &region);
    /* a light halo first, so that the line stands out on dark shading */
    cairo_set_source_rgba(cr, 1, 1, 1, AF_HALO_ALPHA);
    cairo_set_line_width(cr, L->lw + 2 * L->halo);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke_preserve(cr);
    af_stroke_line(cr, af_region_line, L->lw);
    free(region.s);
    free(line.s);
    af_draw_paths(cr, L);
    af_draw_points(cr, L);
    cairo_restore(cr);

    af_draw_axes(cr, L);
    af_draw_bars(cr, L);
    af_draw_legend(cr, L);
    af_draw_header(cr, L);
    cairo_status_t cst = cairo_status(cr);
    cairo_destroy(cr);
    for (int t = 0; t < nsc; t++)
        af_scratch_free(&sc[t]);
    free(sc);
    if (cst == CAIRO_STATUS_SUCCESS)
        cst = cairo_surface_status(surf);
    if (cst == CAIRO_STATUS_SUCCESS && oom)
        cst = CAIRO_STATUS_NO_MEMORY; /* a line could not be kept */
    return cst;
}

af_status af_png_write_frame(const char *path, const af_png_frame *frame, af_error *err)
{
    if (!path)
        return af_error_set(err, AF_EINVAL, "png: write frame: path is NULL");
    char who[4200];
    snprintf(who, sizeof who, "'%s'", path);
    af_frame_lay L;
    af_status st = af_frame_prepare(who, frame, &L, err);
    if (st != AF_OK)
        return st;

    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, L.W, L.H);
    if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surf);
        return af_error_set(err, AF_ENOMEM, "png: '%s': out of memory for a %d x %d image", path,
                            L.W, L.H);
    }
    cairo_status_t cst = af_frame_draw(surf, &L);
    if (cst != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surf);
        return af_error_set(err, cst == CAIRO_STATUS_NO_MEMORY ? AF_ENOMEM : AF_EFAILED,
                            "png: '%s': drawing failed: %s", path, cairo_status_to_string(cst));
    }
    cairo_surface_flush(surf);

    af_file file;
    st = af_file_open(&file, path, "png", err);
    if (st != AF_OK) {
        cairo_surface_destroy(surf);
        return st;
    }
    af_sink sink = {file.fp, 0, frame->text, frame->ntext, 0};
    cst = cairo_surface_write_to_png_stream(surf, af_sink_write, &sink);
    cairo_surface_destroy(surf);
    if (cst != CAIRO_STATUS_SUCCESS || sink.err) {
        const char *why = sink.err > 0 ? strerror(sink.err) : cairo_status_to_string(cst);
        af_file_abort(&file);
        return af_error_set(err, cst == CAIRO_STATUS_NO_MEMORY && !sink.err ? AF_ENOMEM : AF_EIO,
                            "png: cannot write '%s': %s", path, why);
    }
    return af_file_commit(&file, err);
}
