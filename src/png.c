/* advflow: PNG input and output through libpng's simplified API.
 *
 * The simplified API does its own setjmp/longjmp error handling and reports
 * failure through return values and image.message, so no code here needs
 * setjmp.  Files are opened with stdio by this module rather than by libpng:
 * that lets a missing or unreadable file (AF_EIO, with strerror) be told apart
 * from a file that is not a valid PNG (AF_EFORMAT, with libpng's message), and
 * lets writes go to a temporary file that is renamed into place.  Frames
 * (af_png_write_frame) are drawn with cairo, in png_frame.c.
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
