/* advflow: line plots with cairo (PNG, SVG, PDF).
 *
 * The work is done in two passes.  The layout pass measures text on a
 * scratch 1 x 1 image surface and fixes everything geometric: the axis
 * ranges, the plot area (margins sized for the tick labels, axis labels and
 * title), the ticks and their labels, and the legend's place.  Argument and
 * layout errors (AF_EINVAL) are found there, before any file is created.
 * The drawing pass then paints onto the surface of the requested format,
 * whose bytes go through a write callback into a temporary file beside the
 * target; the file is renamed over the target only when cairo and stdio
 * both report success.
 *
 * Units: device units throughout (pixels for PNG, points for SVG and PDF);
 * sizes scale with the figure so that a larger figure is the same figure,
 * not a smaller one on a larger canvas.  Metric hinting is switched off so
 * that the scratch surface and the vector surfaces measure text alike.
 *
 * GPL-3.0-or-later.
 */
#include "advflow/plot.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cairo.h>
#if CAIRO_HAS_PDF_SURFACE
#include <cairo-pdf.h>
#endif
#if CAIRO_HAS_SVG_SURFACE
#include <cairo-svg.h>
#endif

#include <fontconfig/fontconfig.h>

#include "advflow/file.h"
#include "draw_internal.h"
#include "internal.h"

#define AF_PLOT_DEFAULT_W 800
#define AF_PLOT_DEFAULT_H 560
#define AF_PLOT_MAX_TICKS 8   /* labelled ticks per axis at most */
#define AF_PLOT_TICK_CAP 16   /* storage for labelled ticks */
#define AF_PLOT_MINOR_CAP 160 /* storage for minor ticks */
#define AF_PLOT_PAD 0.04      /* data range padding, share of the span (of log10 on log axes) */
#define AF_PLOT_SUP 0.72      /* superscript size, share of the font size */
#define AF_PLOT_SUP_RISE 0.42 /* superscript rise, share of the font size */
/* A data range narrower than this share of its magnitude is treated as a
 * constant: tick labels could not tell its ends apart. */
#define AF_PLOT_NARROW 1e-9

typedef enum { AF_FMT_PNG, AF_FMT_SVG, AF_FMT_PDF } af_plot_format;

/* A tick label: base text, then an optional superscript (an exponent). */
typedef struct {
    char base[48];
    char sup[16];
} af_label;

typedef struct {
    int log;
    int sci;         /* linear labels scaled by 10^sci_exp, named in the axis title */
    int sci_exp;
    char sci_sup[16]; /* sci_exp as text */
    double lo, hi;   /* range, data units */
    double tlo, thi; /* the range transformed (log10 on a log axis) */
    double p0, p1;   /* device coordinates of lo and hi */
    int nmajor, nminor;
    double major[AF_PLOT_TICK_CAP];
    af_label label[AF_PLOT_TICK_CAP];
    double minor[AF_PLOT_MINOR_CAP];
} af_axis;

typedef struct {
    int w, h;
    double s; /* scale: 1 at 800 x 560 */
    double fs_tick, fs_label, fs_title, fs_legend;
    double pad, ticklen, minorlen, gap, lw_thin, lw_series;
    double x0, x1, y0, y1; /* plot area, device units (y0 top) */
    af_axis ax, ay;
    int nleg;
    double lx, ly, lw, lh; /* legend box */
    double leg_row, leg_ip, leg_sample, leg_textgap;
    /* panels (af_plot_write_panels): the scale, and margins at least this
     * wide, so that the panels' plot areas line up; 0: none */
    double force_s, force_left, force_right;
} af_layout;

/* ------------------------------------------------------------------ */
/* Colours                                                             */

/* Okabe & Ito (2008), ordered for line plots on white: blue, vermillion,
 * bluish green, reddish purple, orange, sky blue, black, and yellow last
 * (weak on white). */
static const uint32_t af_okabe_ito[8] = {0x0072B2, 0xD55E00, 0x009E73, 0xCC79A7,
                                         0xE69F00, 0x56B4E9, 0x000000, 0xF0E442};

uint32_t af_plot_colour(int k)
{
    int n = (int)(sizeof af_okabe_ito / sizeof af_okabe_ito[0]);
    int i = k % n;
    if (i < 0)
        i += n;
    return af_okabe_ito[i];
}

static void af_set_rgb(cairo_t *cr, uint32_t rgb)
{
    cairo_set_source_rgb(cr, (double)((rgb >> 16) & 0xFF) / 255.0,
                         (double)((rgb >> 8) & 0xFF) / 255.0, (double)(rgb & 0xFF) / 255.0);
}

/* ------------------------------------------------------------------ */
/* Axes: transforms                                                    */

static int af_usable(const af_axis *a, double v) { return isfinite(v) && (!a->log || v > 0); }

static double af_tr(const af_axis *a, double v) { return a->log ? log10(v) : v; }

static double af_pos(const af_axis *a, double v)
{
    return a->p0 + (af_tr(a, v) - a->tlo) / (a->thi - a->tlo) * (a->p1 - a->p0);
}

/* The range of one axis: the given one when min < max, else the data's
 * (dmin..dmax over the usable values), padded. */
static af_status af_axis_range(af_axis *a, const char *name, double gmin, double gmax, double dmin,
                               double dmax, const char *path, af_error *err)
{
    if (gmin < gmax) {
        if (!isfinite(gmin) || !isfinite(gmax))
            return af_error_set(err, AF_EINVAL, "plot: '%s': %s range [%g, %g] is not finite",
                                path, name, gmin, gmax);
        if (a->log && gmin <= 0)
            return af_error_set(err, AF_EINVAL,
                                "plot: '%s': %s range [%g, %g] must be positive on a log axis",
                                path, name, gmin, gmax);
        a->lo = gmin;
        a->hi = gmax;
        a->tlo = af_tr(a, gmin);
        a->thi = af_tr(a, gmax);
        double mag = fmax(fabs(a->tlo), fabs(a->thi));
        if (!(a->thi - a->tlo > AF_PLOT_NARROW * mag))
            return af_error_set(err, AF_EINVAL,
                                "plot: '%s': %s range [%.17g, %.17g] is too narrow for its magnitude",
                                path, name, gmin, gmax);
        return AF_OK;
    }
    double t0 = af_tr(a, dmin), t1 = af_tr(a, dmax);
    double mag = fmax(fabs(t0), fabs(t1));
    if (t1 - t0 <= AF_PLOT_NARROW * mag) {
        /* A constant: half a decade either side on a log axis, 10% of the
         * value (or 1 around zero) on a linear one. */
        double mid = 0.5 * (t0 + t1);
        double d = a->log ? 0.5 : (mid != 0 ? 0.1 * fabs(mid) : 1.0);
        t0 = mid - d;
        t1 = mid + d;
    } else {
        double d = AF_PLOT_PAD * (t1 - t0);
        t0 -= d;
        t1 += d;
    }
    if (a->log) { /* the padding must not leave the doubles */
        t0 = fmax(t0, floor(log10(DBL_MIN)) + 1);
        t1 = fmin(t1, floor(log10(DBL_MAX)));
    }
    a->tlo = t0;
    a->thi = t1;
    a->lo = a->log ? pow(10.0, t0) : t0;
    a->hi = a->log ? pow(10.0, t1) : t1;
    if (!isfinite(t1 - t0) || !isfinite(a->lo) || !isfinite(a->hi) || !(a->hi > a->lo))
        return af_error_set(err, AF_EINVAL,
                            "plot: '%s': %s data range [%g, %g] is too wide to plot", path, name,
                            dmin, dmax);
    return AF_OK;
}

/* ------------------------------------------------------------------ */
/* Text                                                                */

static void af_font(cairo_t *cr, double size, int bold) { af_draw_font(cr, size, bold); }

static double af_text_width(cairo_t *cr, const char *s, double fs, int bold)
{
    return af_draw_text_width(cr, s, fs, bold);
}

/* Draw s with its baseline at y; align 0 left, 0.5 centre, 1 right of x. */
static void af_text(cairo_t *cr, const char *s, double fs, int bold, double x, double y,
                    double align)
{
    double w = af_text_width(cr, s, fs, bold);
    cairo_move_to(cr, x - align * w, y);
    cairo_show_text(cr, s);
}

/* Rich text: a run of parts, each normal or superscript (exponents). */
typedef struct {
    const char *s;
    int sup;
} af_part;

static double af_rich_width(cairo_t *cr, const af_part *p, int n, double fs)
{
    double w = 0;
    for (int i = 0; i < n; i++)
        w += p[i].sup ? 0.08 * fs + af_text_width(cr, p[i].s, AF_PLOT_SUP * fs, 0)
                      : af_text_width(cr, p[i].s, fs, 0);
    return w;
}

static void af_rich_draw(cairo_t *cr, const af_part *p, int n, double fs, double x, double y,
                         double align)
{
    double cx = x - align * af_rich_width(cr, p, n, fs);
    for (int i = 0; i < n; i++) {
        double cy;
        if (p[i].sup) {
            af_font(cr, AF_PLOT_SUP * fs, 0);
            cairo_move_to(cr, cx + 0.08 * fs, y - AF_PLOT_SUP_RISE * fs);
        } else {
            af_font(cr, fs, 0);
            cairo_move_to(cr, cx, y);
        }
        cairo_show_text(cr, p[i].s);
        cairo_get_current_point(cr, &cx, &cy);
    }
}

static int af_label_parts(const af_label *l, af_part p[2])
{
    p[0] = (af_part){l->base, 0};
    p[1] = (af_part){l->sup, 1};
    return l->sup[0] ? 2 : 1;
}

static double af_label_width(cairo_t *cr, const af_label *l, double fs)
{
    af_part p[2];
    int n = af_label_parts(l, p);
    return af_rich_width(cr, p, n, fs);
}

static void af_label_draw(cairo_t *cr, const af_label *l, double fs, double x, double y,
                          double align)
{
    af_part p[2];
    int n = af_label_parts(l, p);
    af_rich_draw(cr, p, n, fs, x, y, align);
}

/* An axis title, with the axis multiplier " (×10^e)" when sci. */
static int af_axis_title_parts(const char *text, int sci, const char *exp, af_part p[4])
{
    int n = 0;
    if (text)
        p[n++] = (af_part){text, 0};
    if (sci) {
        p[n++] = (af_part){text ? " (" AF_TIMES "10" : AF_TIMES "10", 0};
        p[n++] = (af_part){exp, 1};
        if (text)
            p[n++] = (af_part){")", 0};
    }
    return n;
}

static void af_label_set(af_label *l, const char *base, int has_exp, int exp)
{
    af_draw_minus_copy(l->base, sizeof l->base, base);
    l->sup[0] = '\0';
    if (has_exp) {
        char e[16];
        snprintf(e, sizeof e, "%d", exp);
        af_draw_minus_copy(l->sup, sizeof l->sup, e);
    }
}

/* m x 10^k written plainly ("0.002", "500") or as "2×10" with exponent k.
 * m is a small integer (1..9). */
static void af_label_mant_exp(af_label *l, int m, int k, int plain)
{
    char b[48];
    if (plain) {
        snprintf(b, sizeof b, "%.*f", k < 0 ? -k : 0, m * pow(10.0, k));
        af_label_set(l, b, 0, 0);
    } else if (m == 1) {
        af_label_set(l, "10", 1, k);
    } else {
        snprintf(b, sizeof b, "%d" AF_TIMES "10", m);
        af_label_set(l, b, 1, k);
    }
}

/* A linear tick value v on an axis with the given step, written as
 * v / 10^e (e = 0 but on axes of very large or small magnitude, where the
 * axis title carries the factor 10^e). */
static void af_label_linear(af_label *l, double v, double step, int e)
{
    char b[48];
    int sk = (int)floor(log10(step) + 1e-9) - e;
    if (fabs(v) < 1e-9 * step)
        snprintf(b, sizeof b, "0");
    else
        snprintf(b, sizeof b, "%.*f", sk < 0 ? -sk : 0, v / pow(10.0, e));
    af_label_set(l, b, 0, 0);
}

/* ------------------------------------------------------------------ */
/* Ticks                                                               */

/* Whether the axis may get linear ticks of a magnitude that needs a
 * common factor 10^e: decided before the ticks, as the axis title (and so
 * the margins) depends on it. */
static int af_axis_sci(const af_axis *a)
{
    double mag = fmax(fabs(a->lo), fabs(a->hi));
    return (!a->log || a->thi - a->tlo < 1) && (mag >= 1e5 || mag < 1e-3);
}

/* Whether the labelled ticks of a are far enough apart for their labels:
 * side by side with a gap on a horizontal axis, a line and a half apart on
 * a vertical one. */
static int af_ticks_fit(cairo_t *cr, const af_layout *L, const af_axis *a, int horizontal)
{
    double prev_pos = 0, prev_half = 0;
    for (int i = 0; i < a->nmajor; i++) {
        double p = af_pos(a, a->major[i]);
        double half = horizontal ? 0.5 * af_label_width(cr, &a->label[i], L->fs_tick)
                                 : 0.75 * L->fs_tick;
        if (i > 0 && fabs(p - prev_pos) < prev_half + half + (horizontal ? 0.9 * L->fs_tick : 0))
            return 0;
        prev_pos = p;
        prev_half = half;
    }
    return 1;
}

/* Round linear ticks (1, 2 or 5 x 10^k apart) in [lo, hi]: the densest
 * step that gives at most AF_PLOT_MAX_TICKS ticks whose labels fit. */
static void af_ticks_linear(cairo_t *cr, const af_layout *L, af_axis *a, int horizontal, double lo,
                            double hi)
{
    static const double mult[3] = {1, 2, 5};
    int k = (int)floor(log10((hi - lo) / 10.0));
    a->nmajor = 0;
    for (int it = 0; it < 60; it++) {
        double step = mult[it % 3] * pow(10.0, k + it / 3);
        double i0 = ceil(lo / step - 1e-9), i1 = floor(hi / step + 1e-9);
        double n = i1 - i0 + 1;
        if (n > AF_PLOT_MAX_TICKS)
            continue;
        if (n < 1)
            break; /* keep the previous (too dense) ticks: better than none */
        a->nmajor = (int)n;
        double vmax = 0;
        for (int i = 0; i < a->nmajor; i++) {
            double v = (i0 + i) * step;
            if (fabs(v) < 1e-9 * step)
                v = 0;
            a->major[i] = v;
            vmax = fmax(vmax, fabs(v));
        }
        a->sci_exp = a->sci ? (int)floor(log10(vmax > 0 ? vmax : step) + 1e-9) : 0;
        for (int i = 0; i < a->nmajor; i++)
            af_label_linear(&a->label[i], a->major[i], step, a->sci_exp);
        if (af_ticks_fit(cr, L, a, horizontal) || n <= 1)
            break;
    }
    char e[16];
    snprintf(e, sizeof e, "%d", a->sci_exp);
    af_draw_minus_copy(a->sci_sup, sizeof a->sci_sup, e);
}

static void af_add_minor(af_axis *a, double v)
{
    if (a->nminor < AF_PLOT_MINOR_CAP)
        a->minor[a->nminor++] = v;
}

/* Ticks at m x 10^k in the range for m in mant[0..nm-1]; minor ticks at the
 * other m in 2..9 (when minors).  Returns the number of labelled ticks
 * (they are stored only when they fit in AF_PLOT_MAX_TICKS). */
static int af_ticks_log_mantissas(af_axis *a, const int *mant, int nm, int plain_ok)
{
    int k0 = (int)floor(a->tlo) - 1, k1 = (int)ceil(a->thi) + 1;
    double lo = a->lo * (1 - 1e-9), hi = a->hi * (1 + 1e-9);
    int n = 0, allplain = 1, tk[AF_PLOT_TICK_CAP], tm[AF_PLOT_TICK_CAP];
    for (int k = k0; k <= k1; k++)
        for (int j = 0; j < nm; j++) {
            double v = mant[j] * pow(10.0, k);
            if (v < lo || v > hi)
                continue;
            if (n < AF_PLOT_TICK_CAP) {
                a->major[n] = v;
                tk[n] = k;
                tm[n] = mant[j];
            }
            if (k < -3 || k > 3)
                allplain = 0;
            n++;
        }
    if (n > AF_PLOT_MAX_TICKS) {
        a->nmajor = 0;
        return n;
    }
    a->nmajor = n;
    for (int i = 0; i < n; i++)
        af_label_mant_exp(&a->label[i], tm[i], tk[i], plain_ok && allplain);
    a->nminor = 0;
    for (int k = k0; k <= k1; k++)
        for (int m = 1; m <= 9; m++) {
            int labelled = 0;
            for (int j = 0; j < nm; j++)
                labelled |= mant[j] == m;
            double v = m * pow(10.0, k);
            if (!labelled && v >= lo && v <= hi)
                af_add_minor(a, v);
        }
    return n;
}

/* Log-axis ticks: decades (every stride-th one when there are many), minor
 * ticks at 2..9 x 10^k; on a short range 1, 2, 5 x 10^k or 1..9 x 10^k;
 * on a very short one, round linear values. */
static void af_ticks_log(cairo_t *cr, const af_layout *L, af_axis *a, int horizontal)
{
    int k0 = (int)ceil(a->tlo - 1e-9), k1 = (int)floor(a->thi + 1e-9);
    int nd = k1 - k0 + 1;
    static const int m125[3] = {1, 2, 5}, m19[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    a->nmajor = a->nminor = 0;
    /* about one decade: two labels would be meagre, 1, 2, 5 x 10^k read better */
    if (nd == 2 && af_ticks_log_mantissas(a, m125, 3, 1) <= AF_PLOT_MAX_TICKS &&
        af_ticks_fit(cr, L, a, horizontal))
        return;
    if (nd >= 2) {
        int plain = k0 >= -3 && k1 <= 3;
        for (int stride = 1; stride <= nd; stride++) {
            int n = 0;
            for (int k = k0; k <= k1 && n <= AF_PLOT_MAX_TICKS; k++)
                if (((k % stride) + stride) % stride == 0) {
                    if (n < AF_PLOT_TICK_CAP) {
                        a->major[n] = pow(10.0, k);
                        af_label_mant_exp(&a->label[n], 1, k, plain);
                    }
                    n++;
                }
            if (n > AF_PLOT_MAX_TICKS)
                continue;
            a->nmajor = n;
            if (af_ticks_fit(cr, L, a, horizontal) || n <= 1) {
                a->nminor = 0;
                if (stride == 1) {
                    for (int k = k0 - 1; k <= k1; k++)
                        for (int m = 2; m <= 9; m++) {
                            double v = m * pow(10.0, k);
                            if (v >= a->lo && v <= a->hi)
                                af_add_minor(a, v);
                        }
                } else {
                    for (int k = k0; k <= k1; k++)
                        if (((k % stride) + stride) % stride != 0)
                            af_add_minor(a, pow(10.0, k));
                }
                break;
            }
        }
        return; /* the largest stride leaves one decade, which always fits */
    }
    if (af_ticks_log_mantissas(a, m125, 3, 1) >= 3 && a->nmajor >= 3 &&
        af_ticks_fit(cr, L, a, horizontal))
        return;
    if (af_ticks_log_mantissas(a, m19, 9, 1) >= 2 && a->nmajor >= 2 &&
        af_ticks_fit(cr, L, a, horizontal))
        return;
    a->nminor = 0;
    a->sci = af_axis_sci(a);
    af_ticks_linear(cr, L, a, horizontal, a->lo, a->hi);
}

static void af_ticks(cairo_t *cr, const af_layout *L, af_axis *a, int horizontal)
{
    a->nminor = 0;
    a->sci = a->log ? 0 : af_axis_sci(a); /* log axes: set if they fall back to linear ticks */
    a->sci_exp = 0;
    a->sci_sup[0] = '\0';
    if (a->log)
        af_ticks_log(cr, L, a, horizontal);
    else
        af_ticks_linear(cr, L, a, horizontal, a->lo, a->hi);
}

/* ------------------------------------------------------------------ */
/* Series geometry                                                     */

/* Clip the segment (ax, ay)-(bx, by) to the rectangle r = {xmin, xmax,
 * ymin, ymax} (Liang-Barsky).  Returns 0 when nothing is left. */
static int af_clip_segment(const double r[4], double *ax, double *ay, double *bx, double *by)
{
    double dx = *bx - *ax, dy = *by - *ay;
    if (!isfinite(dx) || !isfinite(dy))
        return 0;
    double p[4] = {-dx, dx, -dy, dy};
    double q[4] = {*ax - r[0], r[1] - *ax, *ay - r[2], r[3] - *ay};
    double t0 = 0, t1 = 1;
    for (int i = 0; i < 4; i++) {
        if (p[i] == 0) {
            if (q[i] < 0)
                return 0;
            continue;
        }
        double t = q[i] / p[i];
        if (p[i] < 0) {
            if (t > t1)
                return 0;
            if (t > t0)
                t0 = t;
        } else {
            if (t < t0)
                return 0;
            if (t < t1)
                t1 = t;
        }
    }
    double x0 = *ax, y0 = *ay;
    *ax = x0 + t0 * dx;
    *ay = y0 + t0 * dy;
    *bx = x0 + t1 * dx;
    *by = y0 + t1 * dy;
    return 1;
}

/* Device position of point i of s, or 0 when it breaks the line. */
static int af_point(const af_layout *L, const af_plot_series *s, int i, double *x, double *y)
{
    if (!af_usable(&L->ax, s->x[i]) || !af_usable(&L->ay, s->y[i]))
        return 0;
    *x = af_pos(&L->ax, s->x[i]);
    *y = af_pos(&L->ay, s->y[i]);
    return isfinite(*x) && isfinite(*y);
}

static int af_has_line(af_plot_style st) { return st != AF_PLOT_MARKERS; }
static int af_has_markers(af_plot_style st)
{
    return st == AF_PLOT_MARKERS || st == AF_PLOT_LINE_MARKERS;
}

/* Visit the visible pieces of the polyline of s, clipped to r: seg(ctx,
 * ax, ay, bx, by, joined), joined when the piece continues the previous. */
typedef void (*af_seg_fn)(void *ctx, double ax, double ay, double bx, double by, int joined);

static void af_segments(const af_layout *L, const af_plot_series *s, const double r[4],
                        af_seg_fn fn, void *ctx)
{
    int have_prev = 0, pen = 0;
    double px = 0, py = 0, penx = 0, peny = 0;
    for (int i = 0; i < s->count; i++) {
        double x, y;
        if (!af_point(L, s, i, &x, &y)) {
            have_prev = pen = 0;
            continue;
        }
        if (have_prev) {
            double ax = px, ay = py, bx = x, by = y;
            if (af_clip_segment(r, &ax, &ay, &bx, &by)) {
                int joined = pen && ax == penx && ay == peny;
                fn(ctx, ax, ay, bx, by, joined);
                pen = 1;
                penx = bx;
                peny = by;
            } else {
                pen = 0;
            }
        }
        have_prev = 1;
        px = x;
        py = y;
    }
}

/* ------------------------------------------------------------------ */
/* Legend placement                                                    */

typedef struct {
    double box[4]; /* xmin xmax ymin ymax */
    double score;
} af_leg_score;

static int af_in_box(const double b[4], double x, double y)
{
    return x >= b[0] && x <= b[1] && y >= b[2] && y <= b[3];
}

/* Line length under the box, sampled every 2 units. */
static void af_score_seg(void *ctx, double ax, double ay, double bx, double by, int joined)
{
    (void)joined;
    af_leg_score *sc = ctx;
    double len = hypot(bx - ax, by - ay);
    int n = (int)fmin(ceil(len / 2.0), 100000.0);
    for (int k = 0; k <= n; k++) {
        double t = n ? (double)k / n : 0;
        if (af_in_box(sc->box, ax + t * (bx - ax), ay + t * (by - ay)))
            sc->score += 2.0;
    }
}

static void af_legend_place(af_layout *L, const af_plot_series *series, int ns)
{
    double inset = 10 * L->s;
    /* top right, top left, bottom right, bottom left: the first best wins */
    double cx[4] = {L->x1 - inset - L->lw, L->x0 + inset, L->x1 - inset - L->lw, L->x0 + inset};
    double cy[4] = {L->y0 + inset, L->y0 + inset, L->y1 - inset - L->lh, L->y1 - inset - L->lh};
    double area[4] = {L->x0, L->x1, L->y0, L->y1};
    double best = INFINITY;
    for (int c = 0; c < 4; c++) {
        double m = 4 * L->s; /* lines just outside the box still crowd it */
        af_leg_score sc = {{cx[c] - m, cx[c] + L->lw + m, cy[c] - m, cy[c] + L->lh + m}, 0};
        for (int j = 0; j < ns; j++) {
            const af_plot_series *s = &series[j];
            if (af_has_line(s->style))
                af_segments(L, s, area, af_score_seg, &sc);
            for (int i = 0; i < s->count; i++) {
                double x, y;
                if (af_point(L, s, i, &x, &y) && af_in_box(sc.box, x, y))
                    sc.score += af_has_markers(s->style) ? 20.0 : 1.0;
            }
        }
        if (sc.score < best) {
            best = sc.score;
            L->lx = cx[c];
            L->ly = cy[c];
        }
    }
}

/* ------------------------------------------------------------------ */
/* Layout                                                              */

static int af_labelled(const af_plot_series *s) { return s->label && s->label[0]; }

static double af_max_label_width(cairo_t *cr, const af_axis *a, double fs)
{
    double w = 0;
    for (int i = 0; i < a->nmajor; i++)
        w = fmax(w, af_label_width(cr, &a->label[i], fs));
    return w;
}

static af_status af_layout_make(cairo_t *cr, const af_plot_axes *axes, const af_plot_series *series,
                                int ns, af_layout *L, const char *path, af_error *err)
{
    double s = fmin(L->w / (double)AF_PLOT_DEFAULT_W, L->h / (double)AF_PLOT_DEFAULT_H);
    s = fmax(0.75, fmin(4.0, s)); /* small figures keep readable text */
    if (L->force_s > 0)
        s = L->force_s;
    L->s = s;
    L->fs_tick = 13 * s;
    L->fs_label = 15 * s;
    L->fs_title = 16 * s;
    L->fs_legend = 13 * s;
    L->pad = 10 * s;
    L->ticklen = 5 * s;
    L->minorlen = 3 * s;
    L->gap = 4 * s;
    L->lw_thin = fmax(1.0, round(s));
    L->lw_series = 2 * s;

    cairo_font_extents_t fe_tick, fe_label, fe_title;
    af_font(cr, L->fs_tick, 0);
    cairo_font_extents(cr, &fe_tick);
    af_font(cr, L->fs_label, 0);
    cairo_font_extents(cr, &fe_label);
    af_font(cr, L->fs_title, 1);
    cairo_font_extents(cr, &fe_title);

    const char *title = axes->title && axes->title[0] ? axes->title : NULL;
    const char *xlabel = axes->xlabel && axes->xlabel[0] ? axes->xlabel : NULL;
    const char *ylabel = axes->ylabel && axes->ylabel[0] ? axes->ylabel : NULL;

    double top = L->pad + (title ? fe_title.ascent + fe_title.descent + 0.6 * L->fs_title
                                 : 0.6 * L->fs_tick);
    int xrow = xlabel || af_axis_sci(&L->ax), yrow = ylabel || af_axis_sci(&L->ay);
    double bottom = L->pad + L->ticklen + L->gap + fe_tick.ascent + fe_tick.descent +
                    (xrow ? L->gap + fe_label.ascent + fe_label.descent : 0);
    L->y0 = round(top);
    L->y1 = round(L->h - bottom);
    L->ay.p0 = L->y1;
    L->ay.p1 = L->y0;
    if (L->y1 - L->y0 < 20)
        return af_error_set(err, AF_EINVAL, "plot: '%s': height %d leaves no room for the plot",
                            path, L->h);
    af_ticks(cr, L, &L->ay, 0);

    double left = L->pad + (yrow ? fe_label.ascent + fe_label.descent + L->gap : 0) +
                  af_max_label_width(cr, &L->ay, L->fs_tick) + L->gap + L->ticklen;
    double right = fmax(1.5 * L->pad, L->force_right);
    left = fmax(left, L->force_left);
    L->x0 = round(left);
    for (int pass = 0; pass < 2; pass++) {
        L->x1 = round(L->w - right);
        L->ax.p0 = L->x0;
        L->ax.p1 = L->x1;
        if (L->x1 - L->x0 < 20)
            return af_error_set(err, AF_EINVAL, "plot: '%s': width %d leaves no room for the plot",
                                path, L->w);
        af_ticks(cr, L, &L->ax, 1);
        /* the last x tick label must not run off the right edge */
        double need = 0;
        for (int i = 0; i < L->ax.nmajor; i++) {
            double over = af_pos(&L->ax, L->ax.major[i]) +
                          0.5 * af_label_width(cr, &L->ax.label[i], L->fs_tick) - (L->w - 2 * s);
            need = fmax(need, over);
        }
        if (need <= 0)
            break;
        right += need;
    }

    /* legend */
    L->nleg = 0;
    double tw = 0;
    for (int j = 0; j < ns; j++)
        if (af_labelled(&series[j])) {
            L->nleg++;
            tw = fmax(tw, af_text_width(cr, series[j].label, L->fs_legend, 0));
        }
    if (L->nleg > 0) {
        L->leg_row = 1.45 * L->fs_legend;
        L->leg_ip = 0.6 * L->fs_legend;
        L->leg_sample = 2.4 * L->fs_legend;
        L->leg_textgap = 0.6 * L->fs_legend;
        L->lw = 2 * L->leg_ip + L->leg_sample + L->leg_textgap + tw;
        L->lh = L->nleg * L->leg_row + L->leg_ip;
        af_legend_place(L, series, ns);
    }
    return AF_OK;
}

/* ------------------------------------------------------------------ */
/* Drawing                                                             */

static double af_crisp(double v, double lw)
{
    return ((long)lw % 2 == 1) ? floor(v) + 0.5 : round(v);
}

static void af_path_seg(void *ctx, double ax, double ay, double bx, double by, int joined)
{
    cairo_t *cr = ctx;
    if (!joined)
        cairo_move_to(cr, ax, ay);
    cairo_line_to(cr, bx, by);
}

static void af_line_style(cairo_t *cr, const af_layout *L, af_plot_style st)
{
    cairo_set_line_width(cr, L->lw_series);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    if (st == AF_PLOT_DASHED) {
        double d[2] = {7 * L->s, 4 * L->s};
        cairo_set_dash(cr, d, 2, 0);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    } else {
        cairo_set_dash(cr, NULL, 0, 0);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    }
}

static void af_marker(cairo_t *cr, const af_layout *L, double x, double y)
{
    cairo_new_sub_path(cr);
    cairo_arc(cr, x, y, 3.5 * L->s, 0, 2 * AF_PI);
}

static void af_draw_series(cairo_t *cr, const af_layout *L, const af_plot_series *s)
{
    af_set_rgb(cr, s->rgb);
    /* clip the geometry a little beyond the area: the cairo clip does the rest */
    double m = 10 * L->s;
    double r[4] = {L->x0 - m, L->x1 + m, L->y0 - m, L->y1 + m};
    if (af_has_line(s->style)) {
        af_line_style(cr, L, s->style);
        cairo_new_path(cr);
        af_segments(L, s, r, af_path_seg, cr);
        cairo_stroke(cr);
    }
    if (af_has_markers(s->style)) {
        cairo_new_path(cr);
        for (int i = 0; i < s->count; i++) {
            double x, y;
            if (af_point(L, s, i, &x, &y) && af_in_box(r, x, y))
                af_marker(cr, L, x, y);
        }
        cairo_fill(cr);
    }
}

static void af_draw_grid(cairo_t *cr, const af_layout *L)
{
    double lw = L->lw_thin;
    cairo_set_line_width(cr, lw);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    for (int pass = 0; pass < 2; pass++) {
        const af_axis *ax = &L->ax, *ay = &L->ay;
        cairo_new_path(cr);
        if (pass == 0) { /* minor lines (log axes), fainter */
            cairo_set_source_rgb(cr, 0.94, 0.94, 0.94);
            for (int i = 0; i < ax->nminor; i++) {
                double x = af_crisp(af_pos(ax, ax->minor[i]), lw);
                cairo_move_to(cr, x, L->y0);
                cairo_line_to(cr, x, L->y1);
            }
            for (int i = 0; i < ay->nminor; i++) {
                double y = af_crisp(af_pos(ay, ay->minor[i]), lw);
                cairo_move_to(cr, L->x0, y);
                cairo_line_to(cr, L->x1, y);
            }
        } else {
            cairo_set_source_rgb(cr, 0.86, 0.86, 0.86);
            for (int i = 0; i < ax->nmajor; i++) {
                double x = af_crisp(af_pos(ax, ax->major[i]), lw);
                cairo_move_to(cr, x, L->y0);
                cairo_line_to(cr, x, L->y1);
            }
            for (int i = 0; i < ay->nmajor; i++) {
                double y = af_crisp(af_pos(ay, ay->major[i]), lw);
                cairo_move_to(cr, L->x0, y);
                cairo_line_to(cr, L->x1, y);
            }
        }
        cairo_stroke(cr);
    }
}

/* Frame around the plot area (just outside it), outward ticks, labels. */
static void af_draw_frame(cairo_t *cr, const af_layout *L)
{
    double lw = L->lw_thin, h = 0.5 * lw;
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    cairo_set_line_width(cr, lw);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
    cairo_new_path(cr);
    cairo_rectangle(cr, L->x0 - h, L->y0 - h, L->x1 - L->x0 + lw, L->y1 - L->y0 + lw);
    cairo_stroke(cr);

    const af_axis *ax = &L->ax, *ay = &L->ay;
    double yb = L->y1 + lw, xl = L->x0 - lw;
    cairo_new_path(cr);
    for (int i = 0; i < ax->nmajor; i++) {
        double x = af_crisp(af_pos(ax, ax->major[i]), lw);
        cairo_move_to(cr, x, yb);
        cairo_line_to(cr, x, yb + L->ticklen);
    }
    for (int i = 0; i < ax->nminor; i++) {
        double x = af_crisp(af_pos(ax, ax->minor[i]), lw);
        cairo_move_to(cr, x, yb);
        cairo_line_to(cr, x, yb + L->minorlen);
    }
    for (int i = 0; i < ay->nmajor; i++) {
        double y = af_crisp(af_pos(ay, ay->major[i]), lw);
        cairo_move_to(cr, xl, y);
        cairo_line_to(cr, xl - L->ticklen, y);
    }
    for (int i = 0; i < ay->nminor; i++) {
        double y = af_crisp(af_pos(ay, ay->minor[i]), lw);
        cairo_move_to(cr, xl, y);
        cairo_line_to(cr, xl - L->minorlen, y);
    }
    cairo_stroke(cr);

    cairo_font_extents_t fe;
    af_font(cr, L->fs_tick, 0);
    cairo_font_extents(cr, &fe);
    cairo_text_extents_t digit;
    cairo_text_extents(cr, "0", &digit);
    double base = yb + L->ticklen + L->gap + fe.ascent;
    for (int i = 0; i < ax->nmajor; i++)
        af_label_draw(cr, &ax->label[i], L->fs_tick, af_pos(ax, ax->major[i]), base, 0.5);
    for (int i = 0; i < ay->nmajor; i++)
        af_label_draw(cr, &ay->label[i], L->fs_tick, xl - L->ticklen - L->gap,
                      af_pos(ay, ay->major[i]) - 0.5 * digit.y_bearing, 1.0);
}

static void af_draw_texts(cairo_t *cr, const af_layout *L, const af_plot_axes *axes)
{
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_font_extents_t fe;
    double xc = 0.5 * (L->x0 + L->x1);
    if (axes->title && axes->title[0]) {
        af_font(cr, L->fs_title, 1);
        cairo_font_extents(cr, &fe);
        af_text(cr, axes->title, L->fs_title, 1, xc, L->pad + fe.ascent, 0.5);
    }
    af_font(cr, L->fs_label, 0);
    cairo_font_extents(cr, &fe);
    af_part p[4];
    const char *xl = axes->xlabel && axes->xlabel[0] ? axes->xlabel : NULL;
    const char *yl = axes->ylabel && axes->ylabel[0] ? axes->ylabel : NULL;
    int n = af_axis_title_parts(xl, L->ax.sci, L->ax.sci_sup, p);
    if (n)
        af_rich_draw(cr, p, n, L->fs_label, xc, L->h - L->pad - fe.descent, 0.5);
    n = af_axis_title_parts(yl, L->ay.sci, L->ay.sci_sup, p);
    if (n) {
        cairo_save(cr);
        cairo_translate(cr, L->pad + fe.ascent, 0.5 * (L->y0 + L->y1));
        cairo_rotate(cr, -0.5 * AF_PI);
        af_rich_draw(cr, p, n, L->fs_label, 0, 0, 0.5);
        cairo_restore(cr);
    }
}

static void af_draw_legend(cairo_t *cr, const af_layout *L, const af_plot_series *series, int ns)
{
    if (L->nleg == 0)
        return;
    double lw = L->lw_thin;
    cairo_new_path(cr);
    cairo_rectangle(cr, af_crisp(L->lx, lw), af_crisp(L->ly, lw), round(L->lw), round(L->lh));
    cairo_set_source_rgba(cr, 1, 1, 1, 0.92);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.7, 0.7, 0.7);
    cairo_set_line_width(cr, lw);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_stroke(cr);

    cairo_font_extents_t fe;
    af_font(cr, L->fs_legend, 0);
    cairo_font_extents(cr, &fe);
    cairo_text_extents_t xh;
    cairo_text_extents(cr, "x", &xh);
    int row = 0;
    for (int j = 0; j < ns; j++) {
        const af_plot_series *s = &series[j];
        if (!af_labelled(s))
            continue;
        double yc = L->ly + 0.5 * L->leg_ip + (row + 0.5) * L->leg_row;
        double xs = L->lx + L->leg_ip;
        af_set_rgb(cr, s->rgb);
        if (af_has_line(s->style)) {
            af_line_style(cr, L, s->style);
            cairo_new_path(cr);
            cairo_move_to(cr, xs, yc);
            cairo_line_to(cr, xs + L->leg_sample, yc);
            cairo_stroke(cr);
        }
        if (af_has_markers(s->style)) {
            cairo_new_path(cr);
            if (s->style == AF_PLOT_MARKERS) {
                af_marker(cr, L, xs + 0.2 * L->leg_sample, yc);
                af_marker(cr, L, xs + 0.8 * L->leg_sample, yc);
            } else {
                af_marker(cr, L, xs + 0.5 * L->leg_sample, yc);
            }
            cairo_fill(cr);
        }
        cairo_set_source_rgb(cr, 0, 0, 0);
        af_font(cr, L->fs_legend, 0);
        af_text(cr, s->label, L->fs_legend, 0, xs + L->leg_sample + L->leg_textgap,
                yc - 0.5 * xh.y_bearing, 0);
        row++;
    }
}

static void af_draw(cairo_t *cr, const af_layout *L, const af_plot_axes *axes,
                    const af_plot_series *series, int ns)
{
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    af_draw_grid(cr, L);
    cairo_save(cr);
    cairo_rectangle(cr, L->x0, L->y0, L->x1 - L->x0, L->y1 - L->y0);
    cairo_clip(cr);
    for (int j = 0; j < ns; j++)
        af_draw_series(cr, L, &series[j]);
    cairo_restore(cr);
    af_draw_frame(cr, L);
    af_draw_texts(cr, L, axes);
    af_draw_legend(cr, L, series, ns);
}

/* ------------------------------------------------------------------ */
/* Output                                                              */

/* Render the panels (stacked, each L[k].w x L[k].h) into the sink; the
 * status is cairo's, and sink->err tells a stdio failure apart. */
static cairo_status_t af_render(af_plot_format fmt, af_sink *sink, const af_layout *L,
                                const af_plot_panel *panels, int np)
{
    int w = L[0].w, h = 0;
    for (int k = 0; k < np; k++)
        h += L[k].h;
    const af_plot_axes *axes = panels[0].axes;
    cairo_surface_t *surf = NULL;
    switch (fmt) {
    case AF_FMT_PNG: surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h); break;
#if CAIRO_HAS_SVG_SURFACE
    case AF_FMT_SVG:
        surf = cairo_svg_surface_create_for_stream(af_sink_write, sink, w, h);
        break;
#endif
#if CAIRO_HAS_PDF_SURFACE
    case AF_FMT_PDF:
        surf = cairo_pdf_surface_create_for_stream(af_sink_write, sink, w, h);
        if (cairo_surface_status(surf) == CAIRO_STATUS_SUCCESS) {
            cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "advflow");
            if (axes->title && axes->title[0])
                cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, axes->title);
        }
        break;
#endif
    default: return CAIRO_STATUS_INVALID_FORMAT;
    }
    cairo_status_t st = cairo_surface_status(surf);
    if (st == CAIRO_STATUS_SUCCESS) {
        cairo_t *cr = cairo_create(surf);
        af_draw_font_setup(cr);
        int y = 0;
        for (int k = 0; k < np; k++) {
            cairo_save(cr);
            cairo_translate(cr, 0, y);
            cairo_rectangle(cr, 0, 0, L[k].w, L[k].h);
            cairo_clip(cr);
            af_draw(cr, &L[k], panels[k].axes, panels[k].series, panels[k].ns);
            cairo_restore(cr);
            y += L[k].h;
        }
        st = cairo_status(cr);
        cairo_destroy(cr);
    }
    if (st == CAIRO_STATUS_SUCCESS && fmt == AF_FMT_PNG) {
        cairo_surface_flush(surf);
        st = cairo_surface_write_to_png_stream(surf, af_sink_write, sink);
    }
    cairo_surface_finish(surf); /* vector surfaces write their file here */
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(surf);
    cairo_surface_destroy(surf);
    return st;
}

static af_status af_check_format(const char *path, af_plot_format *fmt, af_error *err)
{
    if (!path)
        return af_error_set(err, AF_EINVAL, "plot: path is NULL");
    if (af_has_suffix(path, ".png"))
        *fmt = AF_FMT_PNG;
    else if (af_has_suffix(path, ".svg"))
        *fmt = AF_FMT_SVG;
    else if (af_has_suffix(path, ".pdf"))
        *fmt = AF_FMT_PDF;
    else
        return af_error_set(err, AF_EINVAL, "plot: '%s': the name must end in .png, .svg or .pdf",
                            path);
#if !CAIRO_HAS_SVG_SURFACE
    if (*fmt == AF_FMT_SVG)
        return af_error_set(err, AF_EUNSUP, "plot: '%s': this cairo has no SVG output", path);
#endif
#if !CAIRO_HAS_PDF_SURFACE
    if (*fmt == AF_FMT_PDF)
        return af_error_set(err, AF_EUNSUP, "plot: '%s': this cairo has no PDF output", path);
#endif
    return AF_OK;
}

/* One panel's arguments; name is the path, or the path and the panel. */
static af_status af_check_args(const char *name, const af_plot_axes *axes,
                               const af_plot_series *series, int ns, af_error *err)
{
    if (!axes)
        return af_error_set(err, AF_EINVAL, "plot: '%s': axes is NULL", name);
    if ((axes->width != 0 && (axes->width < AF_PLOT_MIN_SIDE || axes->width > AF_PLOT_MAX_SIDE)) ||
        (axes->height != 0 && (axes->height < AF_PLOT_MIN_SIDE || axes->height > AF_PLOT_MAX_SIDE)))
        return af_error_set(err, AF_EINVAL, "plot: '%s': size %d x %d outside %d..%d (0: default)",
                            name, axes->width, axes->height, AF_PLOT_MIN_SIDE, AF_PLOT_MAX_SIDE);
    if (ns < 0)
        return af_error_set(err, AF_EINVAL, "plot: '%s': ns = %d is negative", name, ns);
    if (ns > 0 && !series)
        return af_error_set(err, AF_EINVAL, "plot: '%s': series is NULL with ns = %d", name, ns);
    for (int j = 0; j < ns; j++) {
        const af_plot_series *s = &series[j];
        if (s->count < 0)
            return af_error_set(err, AF_EINVAL, "plot: '%s': series %d has count = %d", name, j,
                                s->count);
        if (s->count > 0 && (!s->x || !s->y))
            return af_error_set(err, AF_EINVAL, "plot: '%s': series %d has a NULL x or y", name, j);
        if (s->style != AF_PLOT_LINE && s->style != AF_PLOT_DASHED && s->style != AF_PLOT_MARKERS &&
            s->style != AF_PLOT_LINE_MARKERS)
            return af_error_set(err, AF_EINVAL, "plot: '%s': series %d has style %d", name, j,
                                (int)s->style);
    }
    return AF_OK;
}

/* Write the panels to path atomically (file.h). */
static af_status af_write_atomic(const char *path, af_plot_format fmt, const af_layout *L,
                                 const af_plot_panel *panels, int np, af_error *err)
{
    af_file f;
    af_status code = af_file_open(&f, path, "plot", err);
    if (code != AF_OK)
        return code;
    af_sink sink = {f.fp, 0, NULL, 0, 0};
    cairo_status_t st = af_render(fmt, &sink, L, panels, np);
    if (st != CAIRO_STATUS_SUCCESS || sink.err) {
        const char *why = sink.err > 0 ? strerror(sink.err) : cairo_status_to_string(st);
        code = st == CAIRO_STATUS_NO_MEMORY && !sink.err ? AF_ENOMEM : AF_EIO;
        af_file_abort(&f);
        return af_error_set(err, code, "plot: cannot write '%s': %s", path, why);
    }
    return af_file_commit(&f, err);
}

/* The axis ranges of one panel, over the points that can be drawn. */
static af_status af_panel_ranges(af_layout *L, const af_plot_panel *p, const char *name,
                                 af_error *err)
{
    const af_plot_axes *axes = p->axes;
    L->ax.log = axes->logx != 0;
    L->ay.log = axes->logy != 0;
    double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
    long npoints = 0;
    for (int j = 0; j < p->ns; j++)
        for (int i = 0; i < p->series[j].count; i++) {
            double x = p->series[j].x[i], y = p->series[j].y[i];
            if (!af_usable(&L->ax, x) || !af_usable(&L->ay, y))
                continue;
            npoints++;
            xmin = fmin(xmin, x);
            xmax = fmax(xmax, x);
            ymin = fmin(ymin, y);
            ymax = fmax(ymax, y);
        }
    if (npoints == 0)
        return af_error_set(err, AF_EINVAL, "plot: '%s': no finite point to plot%s", name,
                            L->ax.log || L->ay.log ? " (log axes need positive values)" : "");
    af_status st = af_axis_range(&L->ax, "x", axes->xmin, axes->xmax, xmin, xmax, name, err);
    if (st == AF_OK)
        st = af_axis_range(&L->ay, "y", axes->ymin, axes->ymax, ymin, ymax, name, err);
    return st;
}

/* Lay out every panel on a scratch surface (nothing touches the disk
 * before it is done); with more than one, twice, the second time with
 * the widest margins of the first, so that the plot areas line up. */
static af_status af_panels_layout(af_layout *L, const af_plot_panel *panels, int np,
                                  char (*names)[4400], af_error *err)
{
    cairo_surface_t *scratch = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
    cairo_t *cr = cairo_create(scratch);
    af_draw_font_setup(cr);
    af_status st = AF_OK;
    for (int pass = 0; pass < (np > 1 ? 2 : 1) && st == AF_OK; pass++) {
        double left = 0, right = 0;
        for (int k = 0; k < np; k++) {
            left = fmax(left, L[k].x0);
            right = fmax(right, L[k].w - L[k].x1);
        }
        for (int k = 0; k < np && st == AF_OK; k++) {
            if (pass == 1) {
                L[k].force_left = left;
                L[k].force_right = right;
            }
            st = af_layout_make(cr, panels[k].axes, panels[k].series, panels[k].ns, &L[k],
                                names[k], err);
        }
    }
    cairo_status_t cst = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_destroy(scratch);
    if (st == AF_OK && cst != CAIRO_STATUS_SUCCESS) {
        if (cst == CAIRO_STATUS_INVALID_STRING)
            st = af_error_set(err, AF_EINVAL,
                              "plot: '%s': a title, axis label or legend text is not valid UTF-8",
                              names[0]);
        else
            st = af_error_set(err, cst == CAIRO_STATUS_NO_MEMORY ? AF_ENOMEM : AF_EFAILED,
                              "plot: '%s': cairo: %s", names[0], cairo_status_to_string(cst));
    }
    return st;
}

af_status af_plot_write_panels(const char *path, const af_plot_panel *panels, int np,
                               af_error *err)
{
    af_plot_format fmt = AF_FMT_PNG;
    af_status st = af_check_format(path, &fmt, err);
    if (st != AF_OK)
        return st;
    if (np < 1 || np > AF_PLOT_MAX_PANELS || !panels)
        return af_error_set(err, AF_EINVAL, "plot: '%s': %d panels (1..%d, panels %s)", path, np,
                            AF_PLOT_MAX_PANELS, panels ? "set" : "NULL");
    char names[AF_PLOT_MAX_PANELS][4400];
    int height = 0;
    for (int k = 0; k < np; k++) {
        if (np == 1)
            snprintf(names[k], sizeof names[k], "%s", path);
        else
            snprintf(names[k], sizeof names[k], "%s, panel %d", path, k + 1);
        st = af_check_args(names[k], panels[k].axes, panels[k].series, panels[k].ns, err);
        if (st != AF_OK)
            return st;
        int w0 = panels[0].axes->width, w = panels[k].axes->width;
        if (w != 0 && w0 != 0 && w != w0)
            return af_error_set(err, AF_EINVAL,
                                "plot: '%s': panel %d is %d wide, panel 1 %d: panels share one width",
                                path, k + 1, w, w0);
        height += panels[k].axes->height ? panels[k].axes->height : AF_PLOT_DEFAULT_H;
    }
    if (height > AF_PLOT_MAX_SIDE)
        return af_error_set(err, AF_EINVAL, "plot: '%s': the panels are %d high together, more than %d",
                            path, height, AF_PLOT_MAX_SIDE);

    af_layout *L = calloc((size_t)np, sizeof *L);
    if (!L)
        return af_error_set(err, AF_ENOMEM, "plot: '%s': out of memory", path);
    int width = 0;
    for (int k = 0; k < np; k++)
        width = width ? width : panels[k].axes->width;
    for (int k = 0; k < np && st == AF_OK; k++) {
        L[k].w = width ? width : AF_PLOT_DEFAULT_W;
        L[k].h = panels[k].axes->height ? panels[k].axes->height : AF_PLOT_DEFAULT_H;
        /* panels: text sized by the width alone, alike in every panel */
        if (np > 1)
            L[k].force_s = fmax(0.75, fmin(4.0, L[k].w / (double)AF_PLOT_DEFAULT_W));
        st = af_panel_ranges(&L[k], &panels[k], names[k], err);
    }
    if (st == AF_OK)
        st = af_panels_layout(L, panels, np, names, err);
    if (st == AF_OK)
        st = af_write_atomic(path, fmt, L, panels, np, err);
    free(L);
    return st;
}

af_status af_plot_write(const char *path, const af_plot_axes *axes, const af_plot_series *series,
                        int ns, af_error *err)
{
    af_plot_panel p = {axes, series, ns};
    return af_plot_write_panels(path, &p, 1, err);
}

void af_plot_release(void)
{
    cairo_debug_reset_static_data(); /* cairo's font faces first: they hold fontconfig patterns */
    FcFini();
}
