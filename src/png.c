/* advflow: PNG input and output through libpng's simplified API.
 *
 * The simplified API does its own setjmp/longjmp error handling and reports
 * failure through return values and image.message, so no code here needs
 * setjmp.  Files are opened with stdio by this module rather than by libpng:
 * that lets a missing or unreadable file (AF_EIO, with strerror) be told apart
 * from a file that is not a valid PNG (AF_EFORMAT, with libpng's message), and
 * lets writes go to a temporary file that is renamed into place.
 *
 * GPL-3.0-or-later.
 */
#include "advflow/png.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <png.h>

#include "advflow/file.h"

/* Frame colours (sRGB, 8-bit). */
#define AF_SHADE_DARK 60 /* gray level of density_max; 255 is density 0 */
static const uint8_t af_tint[3] = {172, 206, 255};     /* multiplied into region cells */
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
static const uint8_t af_point_rim[3] = {51, 51, 51};   /* #333333 */
#define AF_POINT_RIM 1.5 /* rim width, pixels: one pixel of pure rim colour */
static const uint8_t af_path_rgb[3] = {34, 34, 34};    /* #222222 */
/* Paths are 2 * AF_PATH_HALF_WIDTH pixels wide; their start dot has radius
 * AF_PATH_DOT pixels. */
#define AF_PATH_HALF_WIDTH 0.8
#define AF_PATH_DOT 3.0
/* Path vertices farther than this (pixels) are moved in before clipping. */
#define AF_FAR 1e6
static const uint8_t af_region_line[3] = {150, 0, 0};  /* region boundary, dark red */
static const uint8_t af_contour_first[3] = {0, 60, 255}; /* first contour, blue */
static const uint8_t af_contour_last[3] = {230, 20, 0};  /* last contour, red */

/* Automatic frame scale aims for an image side of about this many pixels. */
#define AF_FRAME_AUTO_SIDE 1024
/* Boundary lines are max(1, scale / 2) pixels wide, but never wider than this:
 * at large scales a half-cell line would hide the cells it outlines. */
#define AF_LINE_MAX_WIDTH 6

/* ------------------------------------------------------------------ */
/* Argument checks                                                     */

static af_status af_png_check_grid(const char *what, const af_grid *g, af_error *err)
{
    if (!g)
        return af_error_set(err, AF_EINVAL, "png: %s: grid is NULL", what);
    if (g->dim != 2)
        return af_error_set(err, AF_EINVAL, "png: %s: only 2D grids can be imaged, got dim = %d",
                            what, g->dim);
    if (g->n < 1 || g->n > AF_GRID_MAX_N)
        return af_error_set(err, AF_EINVAL, "png: %s: grid n = %d out of range", what, g->n);
    return AF_OK;
}

/* ------------------------------------------------------------------ */
/* Atomic writing                                                      */

/* Write *image (format, width and height set by the caller) from buffer to
 * path, atomically (file.h): a failure never leaves a partial image under
 * the target name.  Frees the image's libpng state either way. */
static af_status af_png_write_atomic(const char *path, png_image *image, const void *buffer,
                                     af_error *err)
{
    af_file f;
    af_status st = af_file_open(&f, path, "png", err);
    if (st != AF_OK) {
        png_image_free(image);
        return st;
    }
    errno = 0;
    int ok = png_image_write_to_stdio(image, f.fp, 0, buffer, 0, NULL);
    int e = errno;
    if (!ok) {
        /* libpng says only "Write Error" for stdio failures: add errno. */
        char reason[sizeof image->message + 128];
        if (ferror(f.fp) && e != 0)
            snprintf(reason, sizeof reason, "%s (%s)", image->message, strerror(e));
        else
            snprintf(reason, sizeof reason, "%s", image->message);
        png_image_free(image);
        af_file_abort(&f);
        return af_error_set(err, AF_EIO, "png: cannot write '%s': %s", path, reason);
    }
    png_image_free(image);
    return af_file_commit(&f, err);
}

/* ------------------------------------------------------------------ */
/* Mask output                                                         */

/* Write one gray level per cell (level(cell) in 0..255), flipping rows so
 * that the top of the picture is +y: image row r shows grid row n - 1 - r. */
static af_status af_png_write_levels(const char *path, const af_grid *g, const uint8_t *mask,
                                     const double *field, double vmax, af_error *err)
{
    int n = g->n;
    if (n > AF_PNG_MAX_SIDE)
        return af_error_set(err, AF_EINVAL, "png: '%s': grid n = %d exceeds the image limit %d",
                            path, n, AF_PNG_MAX_SIDE);
    uint8_t *pix = malloc((size_t)n * (size_t)n);
    if (!pix)
        return af_error_set(err, AF_ENOMEM, "png: '%s': out of memory for a %d x %d image",
                            path, n, n);
    for (int r = 0; r < n; r++) {
        size_t src = (size_t)(n - 1 - r) * (size_t)n;
        uint8_t *dst = pix + (size_t)r * (size_t)n;
        for (int i = 0; i < n; i++) {
            if (mask) {
                dst[i] = mask[src + i] ? 255 : 0;
            } else {
                double v = field[src + i] / vmax;
                dst[i] = (uint8_t)(v >= 1 ? 255 : v > 0 ? lround(255 * v) : 0);
            }
        }
    }
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = (png_uint_32)n;
    image.height = (png_uint_32)n;
    image.format = PNG_FORMAT_GRAY;
    af_status st = af_png_write_atomic(path, &image, pix, err);
    free(pix);
    return st;
}

af_status af_png_write_mask(const char *path, const af_grid *g, const uint8_t *mask,
                            af_error *err)
{
    if (!path)
        return af_error_set(err, AF_EINVAL, "png: write mask: path is NULL");
    af_status st = af_png_check_grid(path, g, err);
    if (st != AF_OK)
        return st;
    if (!mask)
        return af_error_set(err, AF_EINVAL, "png: '%s': mask is NULL", path);
    return af_png_write_levels(path, g, mask, NULL, 1, err);
}

af_status af_png_write_gray(const char *path, const af_grid *g, const double *field,
                            double vmax, af_error *err)
{
    if (!path)
        return af_error_set(err, AF_EINVAL, "png: write gray: path is NULL");
    af_status st = af_png_check_grid(path, g, err);
    if (st != AF_OK)
        return st;
    if (!field)
        return af_error_set(err, AF_EINVAL, "png: '%s': field is NULL", path);
    if (!(vmax > 0) || !isfinite(vmax)) {
        size_t cells = (size_t)g->n * (size_t)g->n;
        vmax = 0;
        for (size_t k = 0; k < cells; k++)
            if (field[k] > vmax)
                vmax = field[k];
        if (!(vmax > 0) || !isfinite(vmax))
            vmax = 1;
    }
    return af_png_write_levels(path, g, NULL, field, vmax, err);
}

/* ------------------------------------------------------------------ */
/* Frame output                                                        */

/* Is cell (i, j) inside?  Cells beyond the box are outside for a clamped grid
 * (so a region touching the box edge is outlined there) and wrap around for a
 * periodic one (where the box edge is not a boundary). */
static int af_cell_inside(const af_grid *g, const uint8_t *m, int i, int j)
{
    int n = g->n;
    if (i < 0 || i >= n || j < 0 || j >= n) {
        if (g->edge != AF_EDGE_PERIODIC)
            return 0;
        i = (i % n + n) % n;
        j = (j % n + n) % n;
    }
    return m[(size_t)i + (size_t)n * (size_t)j] != 0;
}

/* Is the pixel at offset (ox, oy) within cell (i, j) on the boundary of m?
 * oy counts down from the top of the cell (image orientation, +y up).  The
 * line is drawn inside the region, w pixels wide along every side of the cell
 * that faces an outside cell; the diagonal test fills the w x w corner square
 * at inner (concave) corners so lines join without notches. */
static int af_boundary_pixel(const af_grid *g, const uint8_t *m, int i, int j, int ox, int oy,
                             int scale, int w)
{
    if (!af_cell_inside(g, m, i, j))
        return 0;
    int di = ox < w ? -1 : (ox >= scale - w ? 1 : 0);
    int dj = oy < w ? 1 : (oy >= scale - w ? -1 : 0);
    if (di != 0 && !af_cell_inside(g, m, i + di, j))
        return 1;
    if (dj != 0 && !af_cell_inside(g, m, i, j + dj))
        return 1;
    if (di != 0 && dj != 0 && !af_cell_inside(g, m, i + di, j + dj))
        return 1;
    return 0;
}

static uint8_t af_lerp8(uint8_t a, uint8_t b, double t)
{
    return (uint8_t)lround(a + (b - a) * t);
}

/* Move pixel p a fraction a (0..1) of the way towards colour c. */
static void af_blend(uint8_t *p, const uint8_t c[3], double a)
{
    for (int ch = 0; ch < 3; ch++)
        p[ch] = af_lerp8(p[ch], c[ch], a);
}

/* Two-hue density colour: white moved towards the class colours by
 * AF_HUE_STRENGTH * max(t0, t1) in all, shared in proportion t0 : t1.  The
 * strength shows how much mass there is, the hue which class has more of it;
 * where the classes are even the two hues average to a muted olive-gray,
 * which is neither class (a subtractive mix would give a dark green that
 * reads as a third class). */
static void af_two_hue(uint8_t *p, double t0, double t1)
{
    double s = t0 > t1 ? t0 : t1;
    if (!(s > 0)) {
        p[0] = p[1] = p[2] = 255;
        return;
    }
    double f = t1 / (t0 + t1);
    for (int ch = 0; ch < 3; ch++) {
        double hue = (1 - f) * af_class_rgb[0][ch] + f * af_class_rgb[1][ch];
        p[ch] = (uint8_t)lround(255 + (hue - 255) * AF_HUE_STRENGTH * s);
    }
}

/* Field value c scaled to 0..1 by dmax; NaN and values <= 0 give 0. */
static double af_shade_t(const double *field, size_t c, double dmax)
{
    if (!field || !(dmax > 0) || !isfinite(dmax))
        return 0;
    double t = field[c] / dmax;
    if (!(t > 0)) /* also NaN */
        return 0;
    return t > 1 ? 1 : t;
}

static double af_clamp01(double v)
{
    return v < 0 ? 0 : (v > 1 ? 1 : v);
}

/* A filled disc of radius r pixels centred at (cx, cy) (pixel units, pixel k
 * spans [k, k + 1)), its outer rim pixels wide drawn in rim_c (rim = 0: no
 * rim).  Edges are antialiased by the distance of the pixel centre to them,
 * which is plenty for discs a few pixels across. */
static void af_disc(uint8_t *pix, int side, double cx, double cy, double r, double rim,
                    const uint8_t fill[3], const uint8_t rim_c[3])
{
    if (!(cx > -r - 1 && cx < side + r + 1 && cy > -r - 1 && cy < side + r + 1))
        return; /* off the image (also keeps the int conversions in range) */
    int x0 = (int)floor(cx - r - 1), x1 = (int)ceil(cx + r + 1);
    int y0 = (int)floor(cy - r - 1), y1 = (int)ceil(cy + r + 1);
    if (x0 < 0) x0 = 0;
    if (y0 < 0) y0 = 0;
    if (x1 > side - 1) x1 = side - 1;
    if (y1 > side - 1) y1 = side - 1;
    for (int y = y0; y <= y1; y++)
        for (int x = x0; x <= x1; x++) {
            double d = hypot(x + 0.5 - cx, y + 0.5 - cy);
            double outer = af_clamp01(r + 0.5 - d), inner = af_clamp01(r - rim + 0.5 - d);
            if (outer <= 0)
                continue;
            uint8_t *p = pix + ((size_t)y * (size_t)side + (size_t)x) * 3;
            if (rim > 0) {
                af_blend(p, rim_c, outer);
                af_blend(p, fill, inner);
            } else {
                af_blend(p, fill, outer);
            }
        }
}

/* Distance from (x, y) to the segment a-b (s[0..3] = ax ay bx by). */
static double af_seg_dist(const double s[4], double x, double y)
{
    double ux = s[2] - s[0], uy = s[3] - s[1], len2 = ux * ux + uy * uy;
    double t = len2 > 0 ? ((x - s[0]) * ux + (y - s[1]) * uy) / len2 : 0;
    t = af_clamp01(t);
    return hypot(x - s[0] - t * ux, y - s[1] - t * uy);
}

/* Clip segment s to [lo, hi]^2 (Liang-Barsky); 0 if nothing is left. */
static int af_clip(double s[4], double lo, double hi)
{
    double t0 = 0, t1 = 1, d[2] = {s[2] - s[0], s[3] - s[1]};
    for (int a = 0; a < 2; a++) {
        double p[2] = {-d[a], d[a]}, q[2] = {s[a] - lo, hi - s[a]};
        for (int k = 0; k < 2; k++) {
            if (p[k] == 0) {
                if (q[k] < 0)
                    return 0;
                continue;
            }
            double r = q[k] / p[k];
            if (p[k] < 0 && r > t0)
                t0 = r;
            if (p[k] > 0 && r < t1)
                t1 = r;
        }
    }
    if (t0 > t1)
        return 0;
    double a0[2] = {s[0] + t0 * d[0], s[1] + t0 * d[1]};
    s[2] = s[0] + t1 * d[0];
    s[3] = s[1] + t1 * d[1];
    s[0] = a0[0];
    s[1] = a0[1];
    return 1;
}

/* An antialiased line of half-width hw along segment s (pixel units, round
 * caps), colour c.  Each pixel's cover is from the distance of its centre to
 * the segment.  prev, the previous segment of the same polyline (or NULL),
 * already covered some pixels near the joint: those are only topped up to
 * the larger cover, so joints are not darker than the line.  The walk goes
 * along the segment's longer axis and visits a short run across it, so the
 * cost is proportional to the length, not to the bounding box. */
static void af_segment(uint8_t *pix, int side, const double seg[4], const double *prev,
                       double hw, const uint8_t c[3])
{
    double s[4] = {seg[0], seg[1], seg[2], seg[3]};
    double m = hw + 2;
    /* Clipping a segment with one end 1e300 pixels away would lose the
     * other end to rounding: first pull such an end in along the segment to
     * AF_FAR pixels from the near end, still well outside the image. */
    for (int e = 0; e < 2; e++) {
        double *a = s + 2 * e, *b = s + 2 - 2 * e;
        if (fmax(fabs(a[0]), fabs(a[1])) > AF_FAR && fmax(fabs(b[0]), fabs(b[1])) <= AF_FAR) {
            double ux = a[0] - b[0], uy = a[1] - b[1], len = hypot(ux, uy);
            if (!(len > 0) || !isfinite(len))
                return; /* overflowed: two such far apart points */
            a[0] = b[0] + ux / len * (2 * AF_FAR); /* divide first: no overflow */
            a[1] = b[1] + uy / len * (2 * AF_FAR);
        }
    }
    if (!af_clip(s, -m, side + m))
        return;
    /* Both ends far off may come out as NaN; nothing sensible to draw. */
    for (int k = 0; k < 4; k++)
        if (!isfinite(s[k]))
            return;
    int steep = fabs(s[3] - s[1]) > fabs(s[2] - s[0]);
    /* u: the walking axis, v: across; a = 0 for x, 1 for y. */
    int au = steep, av = !steep;
    double u0 = s[au], u1 = s[2 + au], v0 = s[av], v1 = s[2 + av];
    if (u0 > u1) {
        double t = u0; u0 = u1; u1 = t;
        t = v0; v0 = v1; v1 = t;
    }
    int ua = (int)floor(u0 - m), ub = (int)ceil(u1 + m);
    if (ua < 0) ua = 0;
    if (ub > side - 1) ub = side - 1;
    for (int u = ua; u <= ub; u++) {
        double t = u1 > u0 ? af_clamp01((u + 0.5 - u0) / (u1 - u0)) : 0;
        double vc = v0 + t * (v1 - v0);
        int va = (int)floor(vc - m), vb = (int)ceil(vc + m);
        if (va < 0) va = 0;
        if (vb > side - 1) vb = side - 1;
        for (int v = va; v <= vb; v++) {
            int x = steep ? v : u, y = steep ? u : v;
            double a = af_clamp01(hw + 0.5 - af_seg_dist(s, x + 0.5, y + 0.5));
            if (a <= 0)
                continue;
            if (prev) {
                double b = af_clamp01(hw + 0.5 - af_seg_dist(prev, x + 0.5, y + 0.5));
                if (b >= a)
                    continue;
                a = (a - b) / (1 - b);
            }
            af_blend(pix + ((size_t)y * (size_t)side + (size_t)x) * 3, c, a);
        }
    }
}

/* Check the points, paths and the second density of a frame. */
static af_status af_frame_check_data(const char *path, const af_png_frame *f, af_error *err)
{
    if (f->density1 && !f->density)
        return af_error_set(err, AF_EINVAL,
                            "png: '%s': density1 (class 1) is set but density (class 0) is NULL",
                            path);
    if (f->npoints > 0 && (!f->points || !f->point_labels))
        return af_error_set(err, AF_EINVAL, "png: '%s': %zu points but %s is NULL", path,
                            f->npoints, f->points ? "point_labels" : "points");
    for (size_t k = 0; k < f->npoints; k++)
        if (f->point_labels[k] > 1)
            return af_error_set(err, AF_EINVAL, "png: '%s': point %zu has label %d, not 0 or 1",
                                path, k, f->point_labels[k]);
    if (f->npaths < 0 || (f->npaths > 0 && (!f->paths || !f->path_len)))
        return af_error_set(err, AF_EINVAL, "png: '%s': %d paths but %s is %s", path, f->npaths,
                            f->npaths < 0 ? "npaths" : !f->paths ? "paths" : "path_len",
                            f->npaths < 0 ? "negative" : "NULL");
    for (int k = 0; k < f->npaths; k++) {
        if (f->path_len[k] < 0)
            return af_error_set(err, AF_EINVAL, "png: '%s': path %d has length %d < 0", path, k,
                                f->path_len[k]);
        if (f->path_len[k] > 0 && !f->paths[k])
            return af_error_set(err, AF_EINVAL, "png: '%s': path %d has length %d but is NULL",
                                path, k, f->path_len[k]);
    }
    return AF_OK;
}

/* Box coordinates (x, y) to pixel units; image y runs down. */
static void af_to_pixel(const af_grid *g, int scale, double x, double y, double *px, double *py)
{
    *px = (x - g->lo) / g->dx * scale;
    *py = g->n * (double)scale - (y - g->lo) / g->dx * scale;
}

/* Data points: discs in the class colours with a dark rim, radius
 * scale / 2 + 1 clamped to 4..5 pixels: below 4 the rim leaves too little
 * colour to tell the classes apart, above 5 the points hide the boundary. */
static void af_draw_points(uint8_t *pix, int side, int scale, const af_png_frame *f)
{
    const af_grid *g = f->grid;
    double r = scale / 2.0 + 1;
    r = r < 4 ? 4 : (r > 5 ? 5 : r);
    for (size_t k = 0; k < f->npoints; k++) {
        double x = f->points[2 * k], y = f->points[2 * k + 1];
        if (!(x >= g->lo && x <= g->hi && y >= g->lo && y <= g->hi)) /* also NaN */
            continue;
        double px, py;
        af_to_pixel(g, scale, x, y, &px, &py);
        af_disc(pix, side, px, py, r, AF_POINT_RIM, af_class_rgb[f->point_labels[k]], af_point_rim);
    }
}

/* Paths: polylines with a dot at their first finite vertex.  A non-finite
 * vertex ends one piece of line and the next finite vertex starts another. */
/* Segments (4 doubles each, box coordinates) as antialiased lines of half
 * width hw pixels; a segment that continues the previous one is drawn
 * with it as `prev`, so that joints are not darker than the line. */
static void af_draw_segments(uint8_t *pix, int side, int scale, const af_png_frame *f,
                             const double *segs, size_t nseg, double hw, const uint8_t c[3])
{
    double prev[4];
    int have_prev = 0;
    for (size_t k = 0; k < nseg; k++) {
        const double *q = segs + 4 * k;
        double seg[4];
        af_to_pixel(f->grid, scale, q[0], q[1], &seg[0], &seg[1]);
        af_to_pixel(f->grid, scale, q[2], q[3], &seg[2], &seg[3]);
        int joined = have_prev && ((prev[2] == seg[0] && prev[3] == seg[1])
                                   || (prev[0] == seg[0] && prev[1] == seg[1])
                                   || (prev[2] == seg[2] && prev[3] == seg[3])
                                   || (prev[0] == seg[2] && prev[1] == seg[3]));
        af_segment(pix, side, seg, joined ? prev : NULL, hw, c);
        memcpy(prev, seg, sizeof prev);
        have_prev = 1;
    }
}

static void af_draw_paths(uint8_t *pix, int side, int scale, const af_png_frame *f)
{
    for (int k = 0; k < f->npaths; k++) {
        const double *v = f->paths[k];
        double seg[4], prev[4];
        int have = 0, have_prev = 0, dot = 0;
        for (int m = 0; m < f->path_len[k]; m++) {
            double px, py;
            af_to_pixel(f->grid, scale, v[2 * m], v[2 * m + 1], &px, &py);
            if (!isfinite(px) || !isfinite(py)) {
                have = have_prev = 0;
                continue;
            }
            if (!dot) {
                af_disc(pix, side, px, py, AF_PATH_DOT, 0, af_path_rgb, af_path_rgb);
                dot = 1;
            }
            if (have) {
                seg[2] = px;
                seg[3] = py;
                af_segment(pix, side, seg, have_prev ? prev : NULL, AF_PATH_HALF_WIDTH,
                           af_path_rgb);
                memcpy(prev, seg, sizeof prev);
                have_prev = 1;
            }
            seg[0] = px;
            seg[1] = py;
            have = 1;
        }
    }
}

af_status af_png_write_frame(const char *path, const af_png_frame *frame, af_error *err)
{
    if (!path)
        return af_error_set(err, AF_EINVAL, "png: write frame: path is NULL");
    if (!frame)
        return af_error_set(err, AF_EINVAL, "png: '%s': frame is NULL", path);
    const af_grid *g = frame->grid;
    af_status st = af_png_check_grid(path, g, err);
    if (st != AF_OK)
        return st;
    if (frame->ncontours < 0 || (frame->ncontours > 0 && !frame->contours))
        return af_error_set(err, AF_EINVAL, "png: '%s': %d contours but contours is %s", path,
                            frame->ncontours, frame->contours ? "set" : "NULL");
    for (int k = 0; k < frame->ncontours; k++)
        if (!frame->contours[k])
            return af_error_set(err, AF_EINVAL, "png: '%s': contour %d is NULL", path, k);
    st = af_frame_check_data(path, frame, err);
    if (st != AF_OK)
        return st;
    if (frame->nlines < 0 || (frame->nlines > 0 && (!frame->lines || !frame->line_len)))
        return af_error_set(err, AF_EINVAL, "png: '%s': %d lines but lines or line_len is NULL",
                            path, frame->nlines);
    for (int k = 0; k < frame->nlines; k++)
        if (frame->line_len[k] > 0 && !frame->lines[k])
            return af_error_set(err, AF_EINVAL, "png: '%s': line set %d is NULL", path, k);

    int n = g->n;
    int scale = frame->scale;
    if (scale < 0)
        return af_error_set(err, AF_EINVAL, "png: '%s': scale must be >= 0, got %d", path, scale);
    if (scale == 0) {
        scale = AF_FRAME_AUTO_SIDE / n;
        if (scale < 1)
            scale = 1;
    }
    if ((long long)n * scale > AF_PNG_MAX_SIDE)
        return af_error_set(err, AF_EINVAL,
                            "png: '%s': image side %d x %d = %lld exceeds the limit %d",
                            path, n, scale, (long long)n * scale, AF_PNG_MAX_SIDE);
    int side = n * scale;
    int w = scale / 2;
    if (w < 1)
        w = 1;
    if (w > AF_LINE_MAX_WIDTH)
        w = AF_LINE_MAX_WIDTH;

    /* Density shown darkest: the caller's value, or the fields' maximum
     * (both fields in two-hue mode, so that the hues compare masses).
     * NaN cells and values <= 0 are shown white.  With the automatic scale
     * a constant density carries no picture: it is shown white too, not as
     * a uniform dark gray that would hide the region. */
    size_t cells = (size_t)n * (size_t)n;
    double dmax = frame->density_max;
    if (frame->density && !(dmax > 0)) {
        double dmin = INFINITY;
        dmax = 0;
        for (int fld = 0; fld < 2; fld++) {
            const double *d = fld ? frame->density1 : frame->density;
            for (size_t c = 0; d && c < cells; c++)
                if (isfinite(d[c])) {
                    if (d[c] > dmax)
                        dmax = d[c];
                    if (d[c] < dmin)
                        dmin = d[c];
                }
        }
        if (dmax - dmin <= 1e-12 * dmax)
            dmax = 0;
    }
    int two_hue = frame->density1 != NULL;

    uint8_t *pix = malloc((size_t)side * (size_t)side * 3);
    if (!pix)
        return af_error_set(err, AF_ENOMEM, "png: '%s': out of memory for a %d x %d image",
                            path, side, side);

    for (int py = 0; py < side; py++) {
        int j = n - 1 - py / scale;
        int oy = py % scale;
        uint8_t *row = pix + (size_t)py * (size_t)side * 3;
        for (int px = 0; px < side; px++) {
            int i = px / scale;
            int ox = px % scale;
            size_t c = (size_t)i + (size_t)n * (size_t)j;
            uint8_t *p = row + (size_t)px * 3;

            double t = af_shade_t(frame->density, c, dmax);
            if (two_hue) {
                af_two_hue(p, t, af_shade_t(frame->density1, c, dmax));
            } else {
                uint8_t shade = af_lerp8(255, AF_SHADE_DARK, t);
                p[0] = p[1] = p[2] = shade;
            }

            /* Multiplying keeps the density shading visible under the tint
             * or the hatching.  The hatch runs along image anti-diagonals,
             * continuous across cells. */
            if (frame->mask && frame->mask[c]) {
                if (!two_hue)
                    for (int ch = 0; ch < 3; ch++)
                        p[ch] = (uint8_t)((p[ch] * af_tint[ch] + 127) / 255);
                else if ((px + py) % AF_HATCH_STEP == 0)
                    for (int ch = 0; ch < 3; ch++)
                        p[ch] = (uint8_t)((p[ch] * AF_HATCH_LEVEL + 127) / 255);
            }

            /* Later contours are drawn over earlier ones, the region last. */
            for (int k = 0; !frame->lines && k < frame->ncontours; k++) {
                if (!af_boundary_pixel(g, frame->contours[k], i, j, ox, oy, scale, w))
                    continue;
                double s = frame->ncontours > 1 ? (double)k / (frame->ncontours - 1) : 0;
                for (int ch = 0; ch < 3; ch++)
                    p[ch] = af_lerp8(af_contour_first[ch], af_contour_last[ch], s);
            }
            if (frame->mask && !frame->boundary
                && af_boundary_pixel(g, frame->mask, i, j, ox, oy, scale, w))
                memcpy(p, af_region_line, 3);
        }
    }
    /* Sub-cell lines: as wide as the cell-edge lines above. */
    for (int k = 0; k < frame->nlines; k++) {
        double s = frame->nlines > 1 ? (double)k / (frame->nlines - 1) : 0;
        uint8_t c[3];
        for (int ch = 0; ch < 3; ch++)
            c[ch] = af_lerp8(af_contour_first[ch], af_contour_last[ch], s);
        af_draw_segments(pix, side, scale, frame, frame->lines[k], frame->line_len[k], 0.5 * w, c);
    }
    if (frame->boundary)
        af_draw_segments(pix, side, scale, frame, frame->boundary, frame->nboundary, 0.5 * w,
                         af_region_line);
    /* Points over paths: an attacked point's class colour must show at
     * the start of its path. */
    af_draw_paths(pix, side, scale, frame);
    af_draw_points(pix, side, scale, frame);

    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = (png_uint_32)side;
    image.height = (png_uint_32)side;
    image.format = PNG_FORMAT_RGB;
    st = af_png_write_atomic(path, &image, pix, err);
    free(pix);
    return st;
}

/* ------------------------------------------------------------------ */
/* Input                                                               */

/* A read that libpng rejected without a stdio error: the file is malformed.
 * libpng reports running out of data only as "Read Error", so say when the
 * file ended early. */
static af_status af_png_format_error(const char *path, FILE *fp, const png_image *image,
                                     af_error *err)
{
    if (feof(fp))
        return af_error_set(err, AF_EFORMAT,
                            "png: '%s' is not a valid PNG: unexpected end of file (libpng: %s)",
                            path, image->message);
    return af_error_set(err, AF_EFORMAT, "png: '%s' is not a valid PNG: %s", path,
                        image->message);
}

/* Read any PNG at path as 8-bit gray (sRGB-encoded, as stored in ordinary
 * images).  On success *pix (caller frees) holds *w x *h bytes, top row first. */
static af_status af_png_load_gray(const char *path, uint8_t **pix, uint32_t *w, uint32_t *h,
                                  af_error *err)
{
    *pix = NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return af_error_set(err, AF_EIO, "png: cannot open '%s': %s", path, strerror(errno));
    /* fopen succeeds on a directory on Linux; say so instead of "read error". */
    struct stat sb;
    if (fstat(fileno(fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        fclose(fp);
        return af_error_set(err, AF_EIO, "png: cannot read '%s': %s", path, strerror(EISDIR));
    }

    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    errno = 0;
    if (!png_image_begin_read_from_stdio(&image, fp)) {
        int e = errno;
        af_status st;
        if (ferror(fp))
            st = af_error_set(err, AF_EIO, "png: cannot read '%s': %s", path,
                              strerror(e ? e : EIO));
        else
            st = af_png_format_error(path, fp, &image, err);
        png_image_free(&image);
        fclose(fp);
        return st;
    }
    if (image.width > AF_PNG_MAX_SIDE || image.height > AF_PNG_MAX_SIDE) {
        af_status st = af_error_set(err, AF_EFORMAT, "png: '%s': image %lu x %lu exceeds %d",
                                    path, (unsigned long)image.width,
                                    (unsigned long)image.height, AF_PNG_MAX_SIDE);
        png_image_free(&image);
        fclose(fp);
        return st;
    }

    image.format = PNG_FORMAT_GRAY;
    /* 16-bit files without gamma information are usually plain data (height
     * maps, densities): take their values as they are, not as linear light. */
    image.flags |= PNG_IMAGE_FLAG_16BIT_sRGB;
    size_t size = (size_t)image.width * (size_t)image.height;
    uint8_t *buf = calloc(size, 1);
    if (!buf) {
        af_status st = af_error_set(err, AF_ENOMEM, "png: '%s': out of memory for a %lu x %lu image",
                                    path, (unsigned long)image.width, (unsigned long)image.height);
        png_image_free(&image);
        fclose(fp);
        return st;
    }
    /* Transparent pixels are composited onto black, i.e. read as empty. */
    png_color black = {0, 0, 0};
    errno = 0;
    if (!png_image_finish_read(&image, &black, buf, 0, NULL)) {
        int e = errno;
        af_status st;
        if (ferror(fp))
            st = af_error_set(err, AF_EIO, "png: cannot read '%s': %s", path,
                              strerror(e ? e : EIO));
        else
            st = af_png_format_error(path, fp, &image, err);
        png_image_free(&image);
        fclose(fp);
        free(buf);
        return st;
    }
    *w = image.width;
    *h = image.height;
    png_image_free(&image);
    fclose(fp);
    *pix = buf;
    return AF_OK;
}

/* Image pixel nearest to the centre of cell (i, j): the image covers the
 * whole box, so column c = floor((i + 1/2) W / n) and row
 * r = floor((n - 1 - j + 1/2) H / n), computed exactly in integers. */
static uint8_t af_sample(const uint8_t *pix, uint32_t w, uint32_t h, int n, int i, int j)
{
    long long c = ((2LL * i + 1) * w) / (2LL * n);
    long long r = ((2LL * (n - 1 - j) + 1) * h) / (2LL * n);
    return pix[(size_t)r * w + (size_t)c];
}

/* Shared by the two readers: load the image and sample it on the grid,
 * into mask (gray > threshold) or into rho (scale * gray). */
static af_status af_png_read_sampled(const char *path, const af_grid *g, uint8_t *mask,
                                     double threshold, double *rho, double scale, af_error *err)
{
    uint8_t *pix;
    uint32_t w, h;
    af_status st = af_png_load_gray(path, &pix, &w, &h, err);
    if (st != AF_OK)
        return st;
    int n = g->n;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            double gray = af_sample(pix, w, h, n, i, j) / 255.0;
            size_t c = (size_t)i + (size_t)n * (size_t)j;
            if (mask)
                mask[c] = gray > threshold;
            else
                rho[c] = scale * gray;
        }
    free(pix);
    return AF_OK;
}

af_status af_png_read_mask(const char *path, const af_grid *g, double threshold,
                           uint8_t *mask, af_error *err)
{
    if (!path)
        return af_error_set(err, AF_EINVAL, "png: read mask: path is NULL");
    af_status st = af_png_check_grid(path, g, err);
    if (st != AF_OK)
        return st;
    if (!mask)
        return af_error_set(err, AF_EINVAL, "png: '%s': mask is NULL", path);
    if (!(threshold >= 0 && threshold <= 1)) /* also rejects NaN */
        return af_error_set(err, AF_EINVAL, "png: '%s': threshold must be in [0, 1], got %g",
                            path, threshold);
    return af_png_read_sampled(path, g, mask, threshold, NULL, 0, err);
}

af_status af_png_read_density(const char *path, const af_grid *g, double scale,
                              double *rho, af_error *err)
{
    if (!path)
        return af_error_set(err, AF_EINVAL, "png: read density: path is NULL");
    af_status st = af_png_check_grid(path, g, err);
    if (st != AF_OK)
        return st;
    if (!rho)
        return af_error_set(err, AF_EINVAL, "png: '%s': density is NULL", path);
    if (!(scale >= 0) || !isfinite(scale))
        return af_error_set(err, AF_EINVAL, "png: '%s': scale must be finite and >= 0, got %g",
                            path, scale);
    return af_png_read_sampled(path, g, NULL, 0, rho, scale, err);
}
