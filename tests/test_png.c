/* advflow tests: PNG input and output (src/png.c).
 *
 * Every file the tests read, good or broken, is written here at run time
 * into a fresh temporary directory (removed at the end): no binary fixtures.
 * Setting AF_PNG_SAMPLE=path also saves a sample frame there for viewing.
 * GPL-3.0-or-later.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <png.h>

#include "testutil.h"
#include "testfiles.h"

#include "advflow/png.h"

static int setup_dir(void **state)
{
    (void)state;
    return tu_setup_dir("png");
}

static void make_grid(af_grid *g, int n)
{
    assert_int_equal(af_grid_init(g, 2, n, 0.0, 1.0, AF_EDGE_CLAMP, NULL), AF_OK);
}

/* Write raw pixels with libpng's simplified API, independently of advflow. */
static void write_raw(const char *path, uint32_t w, uint32_t h, uint32_t format,
                      const void *buffer, const void *colormap, uint32_t entries)
{
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = w;
    image.height = h;
    image.format = format;
    image.colormap_entries = entries;
    int ok = png_image_write_to_file(&image, path, 0, buffer, 0, colormap);
    if (!ok)
        fail_msg("write_raw %s: %s", path, image.message);
    png_image_free(&image);
}

/* CRC-32 (PNG chunks) and Adler-32 (zlib stream), bit by bit: tiny inputs. */
static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t len)
{
    crc = ~crc;
    for (size_t k = 0; k < len; k++) {
        crc ^= p[k];
        for (int b = 0; b < 8; b++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
    }
    return ~crc;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void write_chunk(FILE *fp, const char *type, const uint8_t *data, uint32_t len)
{
    uint8_t head[8];
    put32(head, len);
    memcpy(head + 4, type, 4);
    uint32_t crc = crc32_update(0, head + 4, 4);
    crc = crc32_update(crc, data, len);
    uint8_t tail[4];
    put32(tail, crc);
    assert_int_equal(fwrite(head, 1, 8, fp), 8);
    if (len)
        assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fwrite(tail, 1, 4, fp), 4);
}

/* A 16-bit gray PNG with no gAMA or sRGB chunk, as data tools write it (the
 * simplified API always adds gamma information).  Built by hand with a
 * stored (uncompressed) deflate block, so no zlib is needed. */
static void write_gray16_nogamma(const char *path, uint32_t w, uint32_t h, const uint16_t *v)
{
    uint32_t raw_len = h * (1 + 2 * w);
    assert_true(raw_len < 65536);
    uint8_t *z = malloc(2 + 5 + raw_len + 4);
    assert_non_null(z);
    z[0] = 0x78; /* deflate, 32K window, no dictionary; 0x7801 % 31 == 0 */
    z[1] = 0x01;
    z[2] = 1; /* final stored block */
    z[3] = (uint8_t)raw_len;
    z[4] = (uint8_t)(raw_len >> 8);
    z[5] = (uint8_t)~raw_len;
    z[6] = (uint8_t)(~raw_len >> 8);
    uint8_t *raw = z + 7;
    for (uint32_t r = 0; r < h; r++) {
        uint8_t *row = raw + r * (1 + 2 * w);
        row[0] = 0; /* filter: none */
        for (uint32_t c = 0; c < w; c++) {
            row[1 + 2 * c] = (uint8_t)(v[r * w + c] >> 8);
            row[2 + 2 * c] = (uint8_t)v[r * w + c];
        }
    }
    uint32_t a = 1, b = 0;
    for (uint32_t k = 0; k < raw_len; k++) {
        a = (a + raw[k]) % 65521;
        b = (b + a) % 65521;
    }
    put32(raw + raw_len, (b << 16) | a);

    uint8_t ihdr[13];
    put32(ihdr, w);
    put32(ihdr + 4, h);
    ihdr[8] = 16; /* bit depth */
    ihdr[9] = 0;  /* gray */
    ihdr[10] = ihdr[11] = ihdr[12] = 0;
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite("\x89PNG\r\n\x1a\n", 1, 8, fp), 8);
    write_chunk(fp, "IHDR", ihdr, sizeof ihdr);
    write_chunk(fp, "IDAT", z, 2 + 5 + raw_len + 4);
    write_chunk(fp, "IEND", NULL, 0);
    assert_int_equal(fclose(fp), 0);
    free(z);
}

/* Read a PNG as 8-bit gray with the simplified API; caller frees. */
static uint8_t *read_raw_gray(const char *path, uint32_t *w, uint32_t *h)
{
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&image, path))
        fail_msg("read_raw %s: %s", path, image.message);
    image.format = PNG_FORMAT_GRAY;
    uint8_t *buf = malloc(PNG_IMAGE_SIZE(image));
    assert_non_null(buf);
    if (!png_image_finish_read(&image, NULL, buf, 0, NULL))
        fail_msg("read_raw %s: %s", path, image.message);
    *w = image.width;
    *h = image.height;
    png_image_free(&image);
    return buf;
}

/* Read an RGB PNG; caller frees. */
static uint8_t *read_raw_rgb(const char *path, uint32_t *w, uint32_t *h)
{
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&image, path))
        fail_msg("read_raw %s: %s", path, image.message);
    image.format = PNG_FORMAT_RGB;
    uint8_t *buf = malloc(PNG_IMAGE_SIZE(image));
    assert_non_null(buf);
    if (!png_image_finish_read(&image, NULL, buf, 0, NULL))
        fail_msg("read_raw %s: %s", path, image.message);
    *w = image.width;
    *h = image.height;
    png_image_free(&image);
    return buf;
}

/* A gray PNG of noise, so that the compressed data fills most of the file. */
static void write_noise(const char *path, uint32_t side)
{
    tu_rng r;
    tu_seed(&r, 99);
    uint8_t *buf = malloc((size_t)side * side);
    assert_non_null(buf);
    for (size_t k = 0; k < (size_t)side * side; k++)
        buf[k] = (uint8_t)(tu_next(&r) >> 56);
    write_raw(path, side, side, PNG_FORMAT_GRAY, buf, NULL, 0);
    free(buf);
}

static void write_bytes(const char *path, const void *data, size_t size)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    if (size)
        assert_int_equal(fwrite(data, 1, size, fp), size);
    assert_int_equal(fclose(fp), 0);
}

static long file_size(const char *path)
{
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    return (long)sb.st_size;
}

/* The error carries status st and a message that names path. */

/* ------------------------------------------------------------------ */

static void test_mask_roundtrip(void **state)
{
    (void)state;
    static const int sizes[] = {1, 7, 64, 100};
    tu_rng r;
    tu_seed(&r, 7);
    char path[256];
    tpath(path, sizeof path, "round.png");
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        int n = sizes[s];
        af_grid g;
        make_grid(&g, n);
        size_t cells = af_grid_cells(&g);
        uint8_t *m = malloc(cells), *back = malloc(cells);
        assert_non_null(m);
        assert_non_null(back);
        for (int rep = 0; rep < 3; rep++) {
            tu_random_mask(&r, m, cells, rep == 0 ? 0.5 : rep == 1 ? 0.1 : 0.9);
            if (n == 1)
                m[0] = (uint8_t)(rep != 1);
            af_error err;
            af_error_clear(&err);
            assert_int_equal(af_png_write_mask(path, &g, m, &err), AF_OK);
            memset(back, 7, cells);
            assert_int_equal(af_png_read_mask(path, &g, 0.5, back, &err), AF_OK);
            assert_int_equal(tu_first_diff(m, back, cells), -1);
            for (size_t k = 0; k < cells; k++)
                assert_true(back[k] == 0 || back[k] == 1);
        }
        free(m);
        free(back);
    }
    assert_int_equal(count_entries(tmpdir, ".tmp."), 0);
    unlink(path);
}

static void test_mask_orientation(void **state)
{
    (void)state;
    const int n = 5;
    af_grid g;
    make_grid(&g, n);
    uint8_t m[25] = {0};
    for (int i = 0; i < n; i++)
        m[i + n * (n - 1)] = 1; /* top row j = n - 1 */
    m[1] = 1;                   /* cell (1, 0): bottom row, second column */
    char path[256];
    tpath(path, sizeof path, "orient.png");
    af_error err;
    assert_int_equal(af_png_write_mask(path, &g, m, &err), AF_OK);

    uint32_t w, h;
    uint8_t *pix = read_raw_gray(path, &w, &h);
    assert_int_equal(w, n);
    assert_int_equal(h, n);
    for (int r = 0; r < n; r++)
        for (int c = 0; c < n; c++) {
            int want = r == 0 || (r == n - 1 && c == 1);
            assert_int_equal(pix[r * n + c], want ? 255 : 0);
        }
    free(pix);

    uint8_t back[25];
    assert_int_equal(af_png_read_mask(path, &g, 0.5, back, &err), AF_OK);
    assert_memory_equal(back, m, sizeof m);
    unlink(path);
}

static void test_read_density_scale(void **state)
{
    (void)state;
    /* 3 x 3 gray, row 0 at the top. */
    const uint8_t pix[9] = {0, 51, 102, 153, 204, 255, 1, 128, 254};
    char path[256];
    tpath(path, sizeof path, "dens.png");
    write_raw(path, 3, 3, PNG_FORMAT_GRAY, pix, NULL, 0);
    af_grid g;
    make_grid(&g, 3);
    double rho[9];
    af_error err;
    const double scales[] = {1.0, 2.5, 0.0, 1e6};
    for (size_t s = 0; s < 4; s++) {
        assert_int_equal(af_png_read_density(path, &g, scales[s], rho, &err), AF_OK);
        for (int j = 0; j < 3; j++)
            for (int i = 0; i < 3; i++) {
                double want = scales[s] * (pix[(2 - j) * 3 + i] / 255.0);
                assert_close(rho[i + 3 * j], want, 1e-12 * (1 + want));
            }
    }
    /* Thresholds 0 and 1 are allowed: > 0 is any nonzero pixel, > 1 none. */
    uint8_t m[9];
    assert_int_equal(af_png_read_mask(path, &g, 0.0, m, &err), AF_OK);
    for (int j = 0; j < 3; j++)
        for (int i = 0; i < 3; i++)
            assert_int_equal(m[i + 3 * j], pix[(2 - j) * 3 + i] > 0);
    assert_int_equal(af_png_read_mask(path, &g, 1.0, m, &err), AF_OK);
    for (int k = 0; k < 9; k++)
        assert_int_equal(m[k], 0);
    unlink(path);
}

/* Nearest-pixel sampling, by the formula of the header. */
static void check_resample(const char *path, const uint8_t *pix, int w, int h, int n)
{
    af_grid g;
    make_grid(&g, n);
    double *rho = malloc(sizeof *rho * (size_t)n * (size_t)n);
    assert_non_null(rho);
    af_error err;
    assert_int_equal(af_png_read_density(path, &g, 1.0, rho, &err), AF_OK);
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            int c = (int)floor((i + 0.5) * w / n);
            int r = (int)floor((n - 1 - j + 0.5) * h / n);
            assert_close(rho[i + n * j], pix[r * w + c] / 255.0, 1e-15);
        }
    free(rho);
}

static void test_resample(void **state)
{
    (void)state;
    uint8_t pix[16];
    for (int k = 0; k < 16; k++)
        pix[k] = (uint8_t)(10 * k + 5);
    char path[256];
    tpath(path, sizeof path, "four.png");
    write_raw(path, 4, 4, PNG_FORMAT_GRAY, pix, NULL, 0);
    check_resample(path, pix, 4, 4, 8);
    check_resample(path, pix, 4, 4, 2);
    check_resample(path, pix, 4, 4, 3);
    check_resample(path, pix, 4, 4, 1);

    /* Explicit values: on 2 x 2, cell (0, 1) (top left) is pixel (col 1, row 1);
     * on 8 x 8 every pixel is doubled. */
    af_grid g;
    make_grid(&g, 2);
    double rho[64];
    af_error err;
    assert_int_equal(af_png_read_density(path, &g, 255.0, rho, &err), AF_OK);
    assert_close(rho[0 + 2 * 1], pix[1 * 4 + 1], 1e-9);
    assert_close(rho[1 + 2 * 1], pix[1 * 4 + 3], 1e-9);
    assert_close(rho[0 + 2 * 0], pix[3 * 4 + 1], 1e-9);
    assert_close(rho[1 + 2 * 0], pix[3 * 4 + 3], 1e-9);
    make_grid(&g, 8);
    assert_int_equal(af_png_read_density(path, &g, 255.0, rho, &err), AF_OK);
    for (int j = 0; j < 8; j++)
        for (int i = 0; i < 8; i++)
            assert_close(rho[i + 8 * j], pix[((7 - j) / 2) * 4 + i / 2], 1e-9);
    unlink(path);

    /* Non-square images are stretched over the box. */
    uint8_t wide[12];
    for (int k = 0; k < 12; k++)
        wide[k] = (uint8_t)(20 * k + 3);
    tpath(path, sizeof path, "wide.png");
    write_raw(path, 6, 2, PNG_FORMAT_GRAY, wide, NULL, 0);
    check_resample(path, wide, 6, 2, 3);
    check_resample(path, wide, 6, 2, 5);
    unlink(path);
}

/* Read path on a w x h grid (w == h) and compare with want within tol / 255. */
static void check_gray(const char *path, int n, const uint8_t *want, int tol)
{
    af_grid g;
    make_grid(&g, n);
    double rho[16];
    af_error err;
    af_status st = af_png_read_density(path, &g, 255.0, rho, &err);
    if (st != AF_OK)
        fail_msg("%s: %s", path, err.msg);
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            double got = rho[i + n * j];
            int w = want[(n - 1 - j) * n + i];
            if (fabs(got - w) > tol + 1e-9)
                fail_msg("%s: cell (%d, %d) reads %g, expected %d +- %d", path, i, j, got, w, tol);
        }
}

static void test_formats(void **state)
{
    (void)state;
    char path[256];
    const uint8_t gray[4] = {0, 90, 200, 255};

    /* RGB with equal channels reads as that gray. */
    uint8_t rgb[12];
    for (int k = 0; k < 4; k++)
        rgb[3 * k] = rgb[3 * k + 1] = rgb[3 * k + 2] = gray[k];
    tpath(path, sizeof path, "rgb.png");
    write_raw(path, 2, 2, PNG_FORMAT_RGB, rgb, NULL, 0);
    check_gray(path, 2, gray, 1);
    /* Saturated colours read as mid grays, ordered by luminance. */
    const uint8_t colours[12] = {255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255};
    write_raw(path, 2, 2, PNG_FORMAT_RGB, colours, NULL, 0);
    {
        af_grid g;
        make_grid(&g, 2);
        double rho[4];
        af_error err;
        assert_int_equal(af_png_read_density(path, &g, 1.0, rho, &err), AF_OK);
        double red = rho[0 + 2 * 1], green = rho[1 + 2 * 1], blue = rho[0], white = rho[1];
        assert_true(blue > 0 && blue < red && red < green && green < white);
        assert_close(white, 1.0, 1e-12);
    }

    /* Palette. */
    uint8_t cmap[3 * 4];
    for (int k = 0; k < 4; k++)
        cmap[3 * k] = cmap[3 * k + 1] = cmap[3 * k + 2] = gray[3 - k];
    const uint8_t idx[4] = {3, 2, 1, 0}; /* so pixel k has colour gray[k] */
    tpath(path, sizeof path, "palette.png");
    write_raw(path, 2, 2, PNG_FORMAT_RGB_COLORMAP, idx, cmap, 4);
    check_gray(path, 2, gray, 1);

    /* Gray + alpha: opaque pixels keep their gray, transparent ones read 0. */
    const uint8_t ga[8] = {0, 255, 90, 255, 200, 255, 255, 0};
    const uint8_t ga_want[4] = {0, 90, 200, 0};
    tpath(path, sizeof path, "ga.png");
    write_raw(path, 2, 2, PNG_FORMAT_GA, ga, NULL, 0);
    check_gray(path, 2, ga_want, 1);

    /* 16-bit: the simplified API writes linear light (with gAMA 1.0), which
     * reads back gamma-encoded: 0 -> 0, 1 -> 255, 0.5 -> about 188 for sRGB
     * (libpng 1.6 actually encodes with gamma 2.2, giving 186: hence the
     * tolerance of 3). */
    const uint16_t lin[4] = {0, 65535, 32768, 65535 / 5};
    tpath(path, sizeof path, "sixteen.png");
    write_raw(path, 2, 2, PNG_FORMAT_LINEAR_Y, lin, NULL, 0);
    uint8_t lin_want[4];
    for (int k = 0; k < 4; k++) {
        double v = lin[k] / 65535.0;
        double s = v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055;
        lin_want[k] = (uint8_t)lround(255 * s);
    }
    assert_int_equal(lin_want[0], 0);
    assert_int_equal(lin_want[1], 255);
    check_gray(path, 2, lin_want, 3);
    /* A 16-bit file without gamma information is taken as plain values
     * (PNG_IMAGE_FLAG_16BIT_sRGB), not as linear light: 32768 reads 128. */
    const uint16_t plain[4] = {0, 32768, 65535, 13107};
    const uint8_t plain_want[4] = {0, 128, 255, 51};
    tpath(path, sizeof path, "plain16.png");
    write_gray16_nogamma(path, 2, 2, plain);
    check_gray(path, 2, plain_want, 0);
    unlink(path);
    tpath(path, sizeof path, "sixteen.png");
    /* The two extremes are exact, so a mask reads cleanly. */
    {
        af_grid g;
        make_grid(&g, 2);
        uint8_t m[4];
        af_error err;
        assert_int_equal(af_png_read_mask(path, &g, 0.9, m, &err), AF_OK);
        assert_int_equal(m[0 + 2 * 1], 0);
        assert_int_equal(m[1 + 2 * 1], 1);
    }
    unlink(path);
    tpath(path, sizeof path, "rgb.png");
    unlink(path);
    tpath(path, sizeof path, "palette.png");
    unlink(path);
    tpath(path, sizeof path, "ga.png");
    unlink(path);
}

/* ------------------------------------------------------------------ */
/* Frames                                                              */

/* A disc of radius rad (in cells) centred in the grid. */
static void disc(uint8_t *m, int n, double cx, double cy, double rad)
{
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            double x = i + 0.5 - cx, y = j + 0.5 - cy;
            m[i + n * j] = x * x + y * y <= rad * rad;
        }
}

/* Write the frame and check the image side. */
static void write_frame_ok(const char *path, const af_png_frame *f, uint32_t side)
{
    af_error err;
    af_error_clear(&err);
    af_status st = af_png_write_frame(path, f, &err);
    if (st != AF_OK)
        fail_msg("write_frame %s: %s", path, err.msg);
    uint32_t w, h;
    uint8_t *pix = read_raw_rgb(path, &w, &h);
    assert_int_equal(w, side);
    assert_int_equal(h, side);
    free(pix);
}

static void test_frame(void **state)
{
    (void)state;
    char path[256];
    tpath(path, sizeof path, "frame.png");

    /* n = 1: every combination of fields. */
    af_grid g1;
    make_grid(&g1, 1);
    uint8_t one = 1;
    double d1 = 3.0;
    const uint8_t *c1[2] = {&one, &one};
    af_png_frame f = {.grid = &g1};
    write_frame_ok(path, &f, 1024);
    f.scale = 4;
    write_frame_ok(path, &f, 4);
    f.density = &d1;
    f.mask = &one;
    f.contours = c1;
    f.ncontours = 2;
    write_frame_ok(path, &f, 4);
    f.scale = 0;
    write_frame_ok(path, &f, 1024);
    f.scale = 4096;
    write_frame_ok(path, &f, 4096);

    /* n = 64. */
    const int n = 64;
    af_grid g;
    make_grid(&g, n);
    size_t cells = af_grid_cells(&g);
    double *rho = malloc(sizeof *rho * cells);
    uint8_t *region = malloc(cells), *ca = malloc(cells), *cb = malloc(cells), *cc = malloc(cells);
    assert_non_null(rho);
    assert_non_null(region);
    assert_non_null(ca);
    assert_non_null(cb);
    assert_non_null(cc);
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            double x = (i + 0.5) / n - 0.35, y = (j + 0.5) / n - 0.6;
            rho[i + n * j] = exp(-(x * x + y * y) / 0.03) + 0.3 * exp(-((x - 0.4) * (x - 0.4) + (y + 0.3) * (y + 0.3)) / 0.01);
        }
    disc(region, n, 22, 38, 14);
    for (int j = 44; j < 52; j++) /* a notch with inner corners */
        for (int i = 18; i < 26; i++)
            region[i + n * j] = 0;
    disc(ca, n, 40, 30, 6);
    disc(cb, n, 40, 30, 12);
    disc(cc, n, 40, 30, 18);
    const uint8_t *contours[3] = {ca, cb, cc};

    af_png_frame f64 = {.grid = &g};
    write_frame_ok(path, &f64, 1024);   /* nothing: white */
    f64.density = rho;
    write_frame_ok(path, &f64, 1024);   /* density only */
    f64.density = NULL;
    f64.mask = region;
    f64.scale = 4;
    write_frame_ok(path, &f64, 256);    /* region only */
    f64.density = rho;
    f64.density_max = 0.5;
    f64.contours = contours;
    f64.ncontours = 3;
    write_frame_ok(path, &f64, 256);
    f64.scale = 0;
    f64.density_max = 0;
    write_frame_ok(path, &f64, 1024);

    /* Colours: in the 1024 x 1024 frame a cell is 16 x 16 pixels. */
    uint32_t w, h;
    uint8_t *pix = read_raw_rgb(path, &w, &h);
    /* Cell (22, 38) is deep inside the region: tinted (blue dominates). */
    {
        const uint8_t *p = pix + ((size_t)(n - 1 - 38) * 16 + 8) * w * 3 + ((size_t)22 * 16 + 8) * 3;
        assert_true(p[2] > p[0] && p[2] > p[1]);
    }
    /* Cell (0, 0) is outside everything, density about 0: nearly white. */
    {
        const uint8_t *p = pix + ((size_t)(n - 1) * 16 + 8) * w * 3 + 8 * 3;
        assert_true(p[0] > 240 && p[1] > 240 && p[2] > 240);
    }
    /* The leftmost cell of the region's middle row, cell (8, 37), has its
     * left edge on the boundary: dark red. */
    {
        int i = 0;
        while (!region[i + n * 37])
            i++;
        const uint8_t *p = pix + ((size_t)(n - 1 - 37) * 16 + 8) * w * 3 + ((size_t)i * 16) * 3;
        assert_true(p[0] > 100 && p[1] < 40 && p[2] < 40);
    }
    free(pix);

    const char *sample = getenv("AF_PNG_SAMPLE");
    if (sample && *sample) {
        af_error err;
        assert_int_equal(af_png_write_frame(sample, &f64, &err), AF_OK);
    }

    /* Periodic grid: a region crossing the box edge gets no line there. */
    af_grid gp;
    assert_int_equal(af_grid_init(&gp, 2, 8, 0.0, 1.0, AF_EDGE_PERIODIC, NULL), AF_OK);
    uint8_t all[64];
    memset(all, 1, sizeof all);
    af_png_frame fp = {.grid = &gp, .mask = all, .scale = 4};
    write_frame_ok(path, &fp, 32);
    pix = read_raw_rgb(path, &w, &h);
    for (size_t k = 0; k < (size_t)w * h; k++)
        assert_true(pix[3 * k + 2] > pix[3 * k]); /* tinted, never red */
    free(pix);

    /* Scale too large, negative, or a grid too fine for any scale. */
    af_error err;
    char bad[256];
    tpath(bad, sizeof bad, "big.png");
    f64.scale = 65; /* 64 * 65 = 4160 > 4096 */
    check_error(af_png_write_frame(bad, &f64, &err), &err, AF_EINVAL, bad);
    f64.scale = -1;
    check_error(af_png_write_frame(bad, &f64, &err), &err, AF_EINVAL, bad);
    f64.scale = 1 << 30; /* overflows int if multiplied carelessly */
    check_error(af_png_write_frame(bad, &f64, &err), &err, AF_EINVAL, bad);
    f.scale = 4097;
    check_error(af_png_write_frame(bad, &f, &err), &err, AF_EINVAL, bad);
    af_grid gbig;
    make_grid(&gbig, 5000);
    af_png_frame fbig = {.grid = &gbig};
    check_error(af_png_write_frame(bad, &fbig, &err), &err, AF_EINVAL, bad);
    /* Inconsistent contours. */
    f64.scale = 1;
    f64.ncontours = 2;
    f64.contours = NULL;
    check_error(af_png_write_frame(bad, &f64, &err), &err, AF_EINVAL, bad);
    const uint8_t *holey[2] = {ca, NULL};
    f64.contours = holey;
    check_error(af_png_write_frame(bad, &f64, &err), &err, AF_EINVAL, bad);
    f64.ncontours = -1;
    check_error(af_png_write_frame(bad, &f64, &err), &err, AF_EINVAL, bad);
    assert_int_equal(af_png_write_frame(bad, NULL, &err), AF_EINVAL);
    af_png_frame nogrid = {.grid = NULL};
    assert_int_equal(af_png_write_frame(bad, &nogrid, &err), AF_EINVAL);
    assert_false(file_exists(bad));

    free(rho);
    free(region);
    free(ca);
    free(cb);
    free(cc);
    unlink(path);
    assert_int_equal(count_entries(tmpdir, ".tmp."), 0);
}

/* Pixel (x, y) of an RGB image w pixels wide. */
static const uint8_t *px_at(const uint8_t *pix, uint32_t w, int x, int y)
{
    return pix + ((size_t)y * w + (size_t)x) * 3;
}

/* Pixel p is colour c to within tol per channel. */
static int near_rgb(const uint8_t *p, int r, int g, int b, int tol)
{
    return abs(p[0] - r) <= tol && abs(p[1] - g) <= tol && abs(p[2] - b) <= tol;
}

/* Two densities: class 0 (orange) dominates the left half, class 1 (blue)
 * the right; where both are even the colour is a neutral mix, where both
 * vanish white.  The region is hatched, not tinted blue. */
static void test_frame_two_hue(void **state)
{
    (void)state;
    char path[256];
    tpath(path, sizeof path, "hue.png");
    const int n = 32, s = 8;
    af_grid g;
    make_grid(&g, n);
    size_t cells = af_grid_cells(&g);
    double *r0 = malloc(cells * sizeof *r0), *r1 = malloc(cells * sizeof *r1);
    uint8_t *m = calloc(cells, 1);
    assert_non_null(r0);
    assert_non_null(r1);
    assert_non_null(m);
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            size_t c = (size_t)i + (size_t)n * j;
            int left = i < n / 2;
            r0[c] = left ? 2.0 : 0.2;
            r1[c] = left ? 0.2 : 2.0;
            if (j >= n - 4) /* top rows: both even, or both empty */
                r0[c] = r1[c] = left ? 2.0 : 0.0;
        }
    af_png_frame f = {.grid = &g, .density = r0, .density1 = r1, .scale = s};
    write_frame_ok(path, &f, (uint32_t)(n * s));
    uint32_t w, h;
    uint8_t *pix = read_raw_rgb(path, &w, &h);
    const uint8_t *lp = px_at(pix, w, 8 * s + 3, 16 * s + 3);  /* cell (8, 15) */
    const uint8_t *rp = px_at(pix, w, 24 * s + 3, 16 * s + 3); /* cell (24, 15) */
    assert_true(lp[0] > lp[2] + 80 && lp[0] > lp[1]); /* orange: red high, blue low */
    assert_true(rp[2] > rp[0] + 80 && rp[2] > rp[1]); /* blue */
    const uint8_t *even = px_at(pix, w, 8 * s + 3, s + 3);   /* cell (8, 30) */
    const uint8_t *empty = px_at(pix, w, 24 * s + 3, s + 3); /* cell (24, 30) */
    assert_true(abs(even[0] - even[2]) < 40 && even[1] < 220);
    assert_true(near_rgb(empty, 255, 255, 255, 0));
    free(pix);

    /* A region in two-hue mode: cells are hatched (some pixels darker, the
     * rest unchanged), never shifted towards blue. */
    for (int j = 8; j < 24; j++)
        for (int i = 4; i < 28; i++)
            m[(size_t)i + (size_t)n * j] = 1;
    uint8_t *plain = read_raw_rgb(path, &w, &h);
    f.mask = m;
    write_frame_ok(path, &f, (uint32_t)(n * s));
    pix = read_raw_rgb(path, &w, &h);
    int darker = 0, same = 0;
    for (int y = 16 * s; y < 17 * s; y++) /* one row of cells across the region */
        for (int x = 8 * s; x < 24 * s; x++) {
            const uint8_t *a = px_at(plain, w, x, y), *b = px_at(pix, w, x, y);
            if (!memcmp(a, b, 3))
                same++;
            else if (b[0] < a[0] && b[1] < a[1] && b[2] <= a[2])
                darker++;
            else
                fail_msg("pixel (%d, %d) changed colour under the hatch", x, y);
        }
    assert_true(darker > 0 && same > darker);
    free(plain);
    free(pix);

    /* density_max set by the caller caps both fields alike. */
    f.mask = NULL;
    f.density_max = 20.0;
    write_frame_ok(path, &f, (uint32_t)(n * s));
    pix = read_raw_rgb(path, &w, &h);
    lp = px_at(pix, w, 8 * s + 3, 16 * s + 3);
    assert_true(lp[0] > 240 && lp[2] > 200 && lp[2] < lp[0]); /* pale orange */
    free(pix);

    free(r0);
    free(r1);
    free(m);
    unlink(path);
}

/* Points: class colour at the centre, the dark rim at the edge, white beyond;
 * points outside the box or not finite are skipped. */
static void test_frame_points(void **state)
{
    (void)state;
    char path[256];
    tpath(path, sizeof path, "points.png");
    const int n = 16, s = 16, side = n * s;
    af_grid g;
    make_grid(&g, n);
    /* Pixel centres (100.5, 60.5) and (180.5, 200.5): x = px / side,
     * y = (side - py) / side. */
    double pts[] = {100.5 / side, (side - 60.5) / side, 180.5 / side, (side - 200.5) / side,
                    1.5,          0.5,                  NAN,          0.5,
                    0.5,          -0.01};
    uint8_t lab[] = {0, 1, 0, 1, 1};
    af_png_frame f = {.grid = &g, .scale = s, .points = pts, .point_labels = lab, .npoints = 5};
    write_frame_ok(path, &f, (uint32_t)side);
    uint32_t w, h;
    uint8_t *pix = read_raw_rgb(path, &w, &h);
    const int cx[2] = {100, 180}, cy[2] = {60, 200};
    const int want[2][3] = {{0xE6, 0x9F, 0x00}, {0x00, 0x72, 0xB2}};
    for (int k = 0; k < 2; k++) {
        const uint8_t *p = px_at(pix, w, cx[k], cy[k]);
        assert_true(near_rgb(p, want[k][0], want[k][1], want[k][2], 2));
        /* Going right from the centre: fill, then rim, then white. */
        int rim = 0;
        for (int x = cx[k]; x < cx[k] + 10; x++)
            if (near_rgb(px_at(pix, w, x, cy[k]), 0x33, 0x33, 0x33, 8))
                rim = x - cx[k];
        assert_true(rim >= 2 && rim <= 6);
        assert_true(near_rgb(px_at(pix, w, cx[k] + 8, cy[k]), 255, 255, 255, 0));
        assert_true(near_rgb(px_at(pix, w, cx[k], cy[k] - 8), 255, 255, 255, 0));
    }
    /* Nothing else is drawn. */
    for (int y = 0; y < side; y++)
        for (int x = 0; x < side; x++) {
            int close = 0;
            for (int k = 0; k < 2; k++)
                close |= abs(x - cx[k]) <= 7 && abs(y - cy[k]) <= 7;
            if (!close && !near_rgb(px_at(pix, w, x, y), 255, 255, 255, 0))
                fail_msg("pixel (%d, %d) is not white", x, y);
        }
    free(pix);
    unlink(path);
}

/* Paths: dark polylines with a start dot, broken at non-finite vertices,
 * drawn under points; far-away vertices are clipped, not overflowed. */
static void test_frame_paths(void **state)
{
    (void)state;
    char path[256];
    tpath(path, sizeof path, "paths.png");
    const int n = 16, s = 16, side = n * s;
    af_grid g;
    make_grid(&g, n);
    /* Rows y = 0.25 (pixel row 192), 0.5 (128) and 0.75 (64), on pixel
     * centres: y = (side - row - 0.5) / side. */
    double y1 = (side - 192.5) / side, y2 = (side - 128.5) / side, y3 = (side - 64.5) / side;
    double a[] = {0.1, y1, 0.4, y1, NAN, 0.0, 0.6, y1, 0.9, y1};
    double b[] = {-1e300, y2, 0.5, y2, 0.5, INFINITY, 0.6, 1e308};
    double c[] = {0.5, y3};
    const double *paths[] = {a, b, c, NULL};
    int len[] = {5, 4, 1, 0};
    double pt[] = {0.25, y1};
    uint8_t lab[] = {1};
    af_png_frame f = {.grid = &g, .scale = s, .paths = paths, .path_len = len, .npaths = 4,
                      .points = pt, .point_labels = lab, .npoints = 1};
    write_frame_ok(path, &f, (uint32_t)side);
    uint32_t w, h;
    uint8_t *pix = read_raw_rgb(path, &w, &h);
#define DARK(x, y) (px_at(pix, w, (x), (y))[0] < 60 && px_at(pix, w, (x), (y))[2] < 60)
#define WHITE(x, y) near_rgb(px_at(pix, w, (x), (y)), 255, 255, 255, 0)
    /* Path a: two pieces, with a gap where the NaN vertex is. */
    assert_true(DARK(80, 192) && DARK(180, 192) && DARK(220, 192));
    assert_true(WHITE(128, 192));
    /* under the class-1 point at x = 0.25, whose colour shows */
    assert_true(near_rgb(px_at(pix, w, 64, 192), 0x00, 0x72, 0xB2, 8));
    /* The start dot is wider than the line. */
    assert_true(DARK((int)(0.1 * side), 194) && WHITE(80, 194));
    /* Path b: from far left to the middle; then an infinite vertex breaks it. */
    assert_true(DARK(0, 128) && DARK(100, 128) && WHITE(140, 128));
    for (int y = 0; y < 120; y++)
        assert_true(WHITE(128, y) || y == 64 || abs(y - 64) <= 4);
    /* Path c: a single vertex, only its dot. */
    assert_true(DARK(128, 64) && WHITE(128, 56) && WHITE(136, 64));
#undef DARK
#undef WHITE
    free(pix);
    unlink(path);
}

/* Inconsistent points, paths or densities are refused, naming the file. */
static void test_frame_bad_data(void **state)
{
    (void)state;
    char bad[256];
    tpath(bad, sizeof bad, "bad.png");
    af_grid g;
    make_grid(&g, 8);
    double rho[64] = {0}, pts[8] = {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
    uint8_t lab[4] = {0, 1, 1, 2};
    double pa[4] = {0.1, 0.1, 0.9, 0.9};
    const double *paths[2] = {pa, NULL};
    int len[2] = {2, 1};
    af_error err;
    af_png_frame f = {.grid = &g, .density1 = rho};
    check_error(af_png_write_frame(bad, &f, &err), &err, AF_EINVAL, bad);
    assert_non_null(strstr(err.msg, "density1"));

    af_png_frame fp = {.grid = &g, .points = pts, .point_labels = lab, .npoints = 3};
    write_frame_ok(bad, &fp, 1024);
    unlink(bad);
    fp.npoints = 4; /* label 2 at index 3 */
    check_error(af_png_write_frame(bad, &fp, &err), &err, AF_EINVAL, bad);
    assert_non_null(strstr(err.msg, "point 3"));
    fp.npoints = 1;
    fp.points = NULL;
    check_error(af_png_write_frame(bad, &fp, &err), &err, AF_EINVAL, bad);
    fp.points = pts;
    fp.point_labels = NULL;
    check_error(af_png_write_frame(bad, &fp, &err), &err, AF_EINVAL, bad);
    fp.npoints = 0; /* no points: NULL arrays are fine */
    fp.points = NULL;
    write_frame_ok(bad, &fp, 1024);
    unlink(bad);

    af_png_frame fq = {.grid = &g, .paths = paths, .path_len = len, .npaths = 2};
    check_error(af_png_write_frame(bad, &fq, &err), &err, AF_EINVAL, bad); /* paths[1] NULL */
    assert_non_null(strstr(err.msg, "path 1"));
    len[1] = 0;
    write_frame_ok(bad, &fq, 1024);
    unlink(bad);
    len[1] = -1;
    check_error(af_png_write_frame(bad, &fq, &err), &err, AF_EINVAL, bad);
    assert_non_null(strstr(err.msg, "path 1"));
    len[1] = 0;
    fq.path_len = NULL;
    check_error(af_png_write_frame(bad, &fq, &err), &err, AF_EINVAL, bad);
    fq.path_len = len;
    fq.paths = NULL;
    check_error(af_png_write_frame(bad, &fq, &err), &err, AF_EINVAL, bad);
    fq.npaths = -1;
    check_error(af_png_write_frame(bad, &fq, &err), &err, AF_EINVAL, bad);
    assert_false(file_exists(bad));
    assert_int_equal(count_entries(tmpdir, ".tmp."), 0);
}

/* ------------------------------------------------------------------ */
/* Read errors                                                         */

/* Both readers fail on path with status st and a message naming path. */
static void check_read_fails(const char *path, af_status st)
{
    af_grid g;
    make_grid(&g, 4);
    uint8_t m[16];
    double rho[16];
    af_error err;
    af_error_clear(&err);
    check_error(af_png_read_mask(path, &g, 0.5, m, &err), &err, st, path);
    af_error_clear(&err);
    check_error(af_png_read_density(path, &g, 1.0, rho, &err), &err, st, path);
}

static void check_read_ok(const char *path)
{
    af_grid g;
    make_grid(&g, 4);
    uint8_t m[16];
    af_error err;
    af_status st = af_png_read_mask(path, &g, 0.5, m, &err);
    if (st != AF_OK)
        fail_msg("%s: %s", path, err.msg);
}

static void test_read_errors(void **state)
{
    (void)state;
    char path[256];

    tpath(path, sizeof path, "missing.png");
    check_read_fails(path, AF_EIO);
    check_read_fails(tmpdir, AF_EIO); /* a directory */

    tpath(path, sizeof path, "empty.png");
    write_bytes(path, "", 0);
    check_read_fails(path, AF_EFORMAT);

    tpath(path, sizeof path, "text.png");
    const char text[] = "this is not an image\nat all\n";
    write_bytes(path, text, sizeof text - 1);
    check_read_fails(path, AF_EFORMAT);

    /* Only the 8-byte signature. */
    tpath(path, sizeof path, "signature.png");
    write_bytes(path, "\x89PNG\r\n\x1a\n", 8);
    check_read_fails(path, AF_EFORMAT);

    /* A good PNG cut in half. */
    tpath(path, sizeof path, "truncated.png");
    write_noise(path, 64);
    check_read_ok(path); /* sanity: the source is good */
    long size = file_size(path);
    assert_int_equal(truncate(path, size / 2), 0);
    check_read_fails(path, AF_EFORMAT);
    {
        af_grid g;
        make_grid(&g, 2);
        uint8_t m[4];
        af_error err;
        assert_int_equal(af_png_read_mask(path, &g, 0.5, m, &err), AF_EFORMAT);
        assert_non_null(strstr(err.msg, "end of file"));
    }

    /* Cut just after the header: begin_read succeeds, finish_read fails. */
    tpath(path, sizeof path, "header_only.png");
    write_noise(path, 64);
    assert_int_equal(truncate(path, 60), 0);
    check_read_fails(path, AF_EFORMAT);

    /* Flipped bytes in the middle of the compressed data (bad CRC). */
    tpath(path, sizeof path, "corrupt.png");
    write_noise(path, 64);
    size = file_size(path);
    {
        FILE *fp = fopen(path, "r+b");
        assert_non_null(fp);
        assert_int_equal(fseek(fp, size / 2, SEEK_SET), 0);
        uint8_t b[16];
        assert_int_equal(fread(b, 1, sizeof b, fp), sizeof b);
        for (size_t k = 0; k < sizeof b; k++)
            b[k] ^= 0x5a;
        assert_int_equal(fseek(fp, size / 2, SEEK_SET), 0);
        assert_int_equal(fwrite(b, 1, sizeof b, fp), sizeof b);
        assert_int_equal(fclose(fp), 0);
    }
    check_read_fails(path, AF_EFORMAT);

    /* Too large: 4097 x 1 and 1 x 4097; 4096 x 1 is fine. */
    uint8_t *row = calloc(4097, 1);
    assert_non_null(row);
    tpath(path, sizeof path, "wide4097.png");
    write_raw(path, 4097, 1, PNG_FORMAT_GRAY, row, NULL, 0);
    check_read_fails(path, AF_EFORMAT);
    {
        af_grid g;
        make_grid(&g, 2);
        uint8_t m[4];
        af_error err;
        assert_int_equal(af_png_read_mask(path, &g, 0.5, m, &err), AF_EFORMAT);
        assert_non_null(strstr(err.msg, "4097 x 1 exceeds 4096"));
    }
    tpath(path, sizeof path, "tall4097.png");
    write_raw(path, 1, 4097, PNG_FORMAT_GRAY, row, NULL, 0);
    check_read_fails(path, AF_EFORMAT);
    tpath(path, sizeof path, "wide4096.png");
    write_raw(path, 4096, 1, PNG_FORMAT_GRAY, row, NULL, 0);
    check_read_ok(path);
    free(row);

    /* Bad threshold and scale: checked before the file is opened. */
    tpath(path, sizeof path, "wide4096.png");
    af_grid g;
    make_grid(&g, 4);
    uint8_t m[16];
    double rho[16];
    af_error err;
    const double thresholds[] = {NAN, -0.1, 1.5, INFINITY};
    for (int k = 0; k < 4; k++)
        check_error(af_png_read_mask(path, &g, thresholds[k], m, &err), &err, AF_EINVAL, path);
    const double scales[] = {NAN, -1.0, INFINITY, -INFINITY};
    for (int k = 0; k < 4; k++)
        check_error(af_png_read_density(path, &g, scales[k], rho, &err), &err, AF_EINVAL, path);
    /* NULL arguments. */
    check_error(af_png_read_mask(path, &g, 0.5, NULL, &err), &err, AF_EINVAL, path);
    check_error(af_png_read_density(path, &g, 1.0, NULL, &err), &err, AF_EINVAL, path);
    check_error(af_png_read_mask(path, NULL, 0.5, m, &err), &err, AF_EINVAL, path);
    assert_int_equal(af_png_read_mask(NULL, &g, 0.5, m, &err), AF_EINVAL);
    assert_int_equal(af_png_read_density(NULL, &g, 1.0, rho, &err), AF_EINVAL);
    /* A NULL error descriptor is allowed. */
    tpath(path, sizeof path, "missing.png");
    assert_int_equal(af_png_read_mask(path, &g, 0.5, m, NULL), AF_EIO);
}

/* Random garbage after a valid signature and header must never crash. */
static void test_read_fuzz(void **state)
{
    (void)state;
    char good[256], path[256];
    tpath(good, sizeof good, "fuzz_src.png");
    tpath(path, sizeof path, "fuzz.png");
    write_noise(good, 16);
    long size = file_size(good);
    uint8_t *orig = malloc((size_t)size), *buf = malloc((size_t)size);
    assert_non_null(orig);
    assert_non_null(buf);
    FILE *fp = fopen(good, "rb");
    assert_non_null(fp);
    assert_int_equal(fread(orig, 1, (size_t)size, fp), (size_t)size);
    fclose(fp);
    tu_rng r;
    tu_seed(&r, 2026);
    af_grid g;
    make_grid(&g, 8);
    uint8_t m[64];
    for (int rep = 0; rep < 200; rep++) {
        memcpy(buf, orig, (size_t)size);
        int flips = 1 + (int)(tu_next(&r) % 8);
        for (int k = 0; k < flips; k++)
            buf[8 + tu_next(&r) % (uint64_t)(size - 8)] ^= (uint8_t)(1 + tu_next(&r) % 255);
        size_t len = rep % 3 == 0 ? (size_t)(tu_next(&r) % (uint64_t)size) : (size_t)size;
        write_bytes(path, buf, len);
        af_error err;
        af_status st = af_png_read_mask(path, &g, 0.5, m, &err);
        assert_true(st == AF_OK || st == AF_EFORMAT);
        if (st != AF_OK)
            assert_non_null(strstr(err.msg, path));
    }
    free(orig);
    free(buf);
    unlink(good);
    unlink(path);
}

/* ------------------------------------------------------------------ */
/* Write errors                                                        */

/* Both writers fail on path with AF_EIO, naming path, and leave no
 * temporary file in dir. */
static void check_write_fails_with(const char *path, const char *dir, af_status status)
{
    af_grid g;
    make_grid(&g, 8);
    uint8_t m[64] = {0};
    m[9] = 1;
    af_error err;
    af_error_clear(&err);
    check_error(af_png_write_mask(path, &g, m, &err), &err, status, path);
    af_png_frame f = {.grid = &g, .mask = m};
    af_error_clear(&err);
    check_error(af_png_write_frame(path, &f, &err), &err, status, path);
    assert_int_equal(count_entries(dir, ".tmp."), 0);
}

static void check_write_fails(const char *path, const char *dir)
{
    check_write_fails_with(path, dir, AF_EIO);
}

static void test_write_errors(void **state)
{
    (void)state;
    char path[256], dir[256];

    /* Missing directory. */
    tpath(path, sizeof path, "nodir/x.png");
    check_write_fails(path, tmpdir);
    assert_false(file_exists(path));

    /* Below a regular file: ENOTDIR, even for root. */
    tpath(dir, sizeof dir, "regular");
    write_bytes(dir, "x", 1);
    tpath(path, sizeof path, "regular/x.png");
    check_write_fails(path, tmpdir);
    unlink(dir);

    /* A directory as the target is refused before anything is written. */
    tpath(dir, sizeof dir, "adir");
    assert_int_equal(mkdir(dir, 0755), 0);
    check_write_fails_with(dir, tmpdir, AF_EINVAL);
    assert_int_equal(count_entries(dir, NULL), 0);
    rmdir(dir);

    /* /proc refuses new files, even for root. */
    check_write_fails("/proc/x.png", "/proc");
    assert_false(file_exists("/proc/x.png"));

    /* A read-only directory (root ignores the mode, so only as a user). */
    tpath(dir, sizeof dir, "readonly");
    assert_int_equal(mkdir(dir, 0755), 0);
    if (geteuid() != 0) {
        assert_int_equal(chmod(dir, 0555), 0);
        tpath(path, sizeof path, "readonly/x.png");
        check_write_fails(path, dir);
        assert_int_equal(count_entries(dir, NULL), 0);
        chmod(dir, 0755);
    }
    rmdir(dir);

    /* Invalid arguments. */
    af_grid g;
    make_grid(&g, 8);
    uint8_t m[64] = {0};
    af_error err;
    tpath(path, sizeof path, "args.png");
    check_error(af_png_write_mask(path, &g, NULL, &err), &err, AF_EINVAL, path);
    check_error(af_png_write_mask(path, NULL, m, &err), &err, AF_EINVAL, path);
    assert_int_equal(af_png_write_mask(NULL, &g, m, &err), AF_EINVAL);
    af_grid gbig;
    make_grid(&gbig, 4097);
    uint8_t *big = calloc(af_grid_cells(&gbig), 1);
    assert_non_null(big);
    check_error(af_png_write_mask(path, &gbig, big, &err), &err, AF_EINVAL, path);
    free(big);
    assert_false(file_exists(path));

    /* Overwriting an existing file replaces it, with the usual mode. */
    write_bytes(path, "old", 3);
    assert_int_equal(af_png_write_mask(path, &g, m, &err), AF_OK);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_true(sb.st_size > 3);
    assert_int_equal(sb.st_mode & 0777, 0644);
    unlink(path);
    assert_int_equal(count_entries(tmpdir, ".tmp."), 0);
}

/* A field written as gray and read back as a density with scale = vmax
 * comes back to within half a gray level. */
static void test_gray_roundtrip(void **state)
{
    (void)state;
    af_grid g;
    make_grid(&g, 37);
    size_t cells = (size_t)g.n * g.n;
    double *f = malloc(cells * sizeof *f), *back = malloc(cells * sizeof *back);
    for (size_t k = 0; k < cells; k++)
        f[k] = 3.0 * (double)((k * 7919) % 1000) / 999.0;
    char path[256];
    tpath(path, sizeof path, "gray.png");
    af_error err;
    assert_int_equal(af_png_write_gray(path, &g, f, 3.0, &err), AF_OK);
    assert_int_equal(af_png_read_density(path, &g, 3.0, back, &err), AF_OK);
    for (size_t k = 0; k < cells; k++)
        assert_true(fabs(back[k] - f[k]) <= 0.5 * 3.0 / 255 + 1e-12);
    /* vmax <= 0: scaled by the field's maximum */
    assert_int_equal(af_png_write_gray(path, &g, f, 0, &err), AF_OK);
    assert_int_equal(af_png_read_density(path, &g, 3.0, back, &err), AF_OK);
    for (size_t k = 0; k < cells; k++)
        assert_true(fabs(back[k] - f[k]) <= 0.5 * 3.0 / 255 + 1e-12);
    assert_int_equal(af_png_write_gray(path, &g, NULL, 1, &err), AF_EINVAL);
    unlink(path);
    free(f);
    free(back);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mask_roundtrip),
        cmocka_unit_test(test_mask_orientation),
        cmocka_unit_test(test_read_density_scale),
        cmocka_unit_test(test_resample),
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_frame),
        cmocka_unit_test(test_frame_two_hue),
        cmocka_unit_test(test_frame_points),
        cmocka_unit_test(test_frame_paths),
        cmocka_unit_test(test_frame_bad_data),
        cmocka_unit_test(test_read_errors),
        cmocka_unit_test(test_read_fuzz),
        cmocka_unit_test(test_write_errors),
        cmocka_unit_test(test_gray_roundtrip),
    };
    return cmocka_run_group_tests_name("png", tests, setup_dir, teardown_dir);
}
