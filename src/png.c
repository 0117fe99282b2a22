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

/* Frame colours (sRGB, 8-bit). */
#define AF_SHADE_DARK 60 /* gray level of density_max; 255 is density 0 */
static const uint8_t af_tint[3] = {172, 206, 255};     /* multiplied into region cells */
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
 * path via a temporary file in the same directory, so that rename() is
 * atomic and a failure never leaves a partial image under the target name. */
static af_status af_png_write_atomic(const char *path, png_image *image, const void *buffer,
                                     af_error *err)
{
    static const char suffix[] = ".tmp.XXXXXX";
    size_t len = strlen(path);
    char *tmp = malloc(len + sizeof suffix);
    if (!tmp) {
        png_image_free(image);
        return af_error_set(err, AF_ENOMEM, "png: '%s': out of memory for the temporary name", path);
    }
    memcpy(tmp, path, len);
    memcpy(tmp + len, suffix, sizeof suffix);

    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        png_image_free(image);
        return af_error_set(err, AF_EIO, "png: cannot create a temporary file for '%s': %s",
                            path, strerror(e));
    }
    /* mkstemp creates the file 0600; an image is not secret, so give it the
     * usual 0644.  Reading the umask would need umask(), which changes it
     * process-wide for a moment, so it is not consulted.  A failure here
     * (e.g. a file system without modes) is harmless and ignored. */
    (void)fchmod(fd, 0644);

    FILE *fp = fdopen(fd, "wb");
    if (!fp) {
        int e = errno;
        close(fd);
        unlink(tmp);
        free(tmp);
        png_image_free(image);
        return af_error_set(err, AF_EIO, "png: cannot write '%s': %s", path, strerror(e));
    }

    errno = 0;
    int ok = png_image_write_to_stdio(image, fp, 0, buffer, 0, NULL);
    int e = errno;
    if (!ok) {
        /* libpng says only "Write Error" for stdio failures: add errno. */
        char reason[sizeof image->message + 128];
        if (ferror(fp) && e != 0)
            snprintf(reason, sizeof reason, "%s (%s)", image->message, strerror(e));
        else
            snprintf(reason, sizeof reason, "%s", image->message);
        png_image_free(image);
        fclose(fp);
        unlink(tmp);
        free(tmp);
        return af_error_set(err, AF_EIO, "png: cannot write '%s': %s", path, reason);
    }
    png_image_free(image);

    /* fclose flushes the stdio buffer: a full disk may only show up here. */
    if (fclose(fp) != 0) {
        e = errno;
        unlink(tmp);
        free(tmp);
        return af_error_set(err, AF_EIO, "png: cannot write '%s': %s", path, strerror(e));
    }
    if (rename(tmp, path) != 0) {
        e = errno;
        unlink(tmp);
        free(tmp);
        return af_error_set(err, AF_EIO, "png: cannot rename the temporary file to '%s': %s",
                            path, strerror(e));
    }
    free(tmp);
    return AF_OK;
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

    /* Density shown darkest: the caller's value, or the field's maximum.
     * NaN cells and values <= 0 are shown white.  With the automatic scale
     * a constant density carries no picture: it is shown white too, not as
     * a uniform dark gray that would hide the region. */
    size_t cells = (size_t)n * (size_t)n;
    double dmax = frame->density_max;
    if (frame->density && !(dmax > 0)) {
        double dmin = INFINITY;
        dmax = 0;
        for (size_t c = 0; c < cells; c++)
            if (isfinite(frame->density[c])) {
                if (frame->density[c] > dmax)
                    dmax = frame->density[c];
                if (frame->density[c] < dmin)
                    dmin = frame->density[c];
            }
        if (dmax - dmin <= 1e-12 * dmax)
            dmax = 0;
    }

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

            double t = 0;
            if (frame->density && dmax > 0 && isfinite(dmax)) {
                t = frame->density[c] / dmax;
                if (!(t > 0)) /* also NaN */
                    t = 0;
                if (t > 1)
                    t = 1;
            }
            uint8_t shade = af_lerp8(255, AF_SHADE_DARK, t);
            p[0] = p[1] = p[2] = shade;

            /* Multiplying keeps the density shading visible under the tint. */
            if (frame->mask && frame->mask[c])
                for (int ch = 0; ch < 3; ch++)
                    p[ch] = (uint8_t)((p[ch] * af_tint[ch] + 127) / 255);

            /* Later contours are drawn over earlier ones, the region last. */
            for (int k = 0; k < frame->ncontours; k++) {
                if (!af_boundary_pixel(g, frame->contours[k], i, j, ox, oy, scale, w))
                    continue;
                double s = frame->ncontours > 1 ? (double)k / (frame->ncontours - 1) : 0;
                for (int ch = 0; ch < 3; ch++)
                    p[ch] = af_lerp8(af_contour_first[ch], af_contour_last[ch], s);
            }
            if (frame->mask && af_boundary_pixel(g, frame->mask, i, j, ox, oy, scale, w))
                memcpy(p, af_region_line, 3);
        }
    }

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
