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

/* A disc of radius rad (in cells) centred at (cx, cy) (cell units from the
 * box corner): the cells whose centre lies inside. */
static void disc(uint8_t *m, int n, double cx, double cy, double rad)
{
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            double x = i + 0.5 - cx, y = j + 0.5 - cy;
            m[i + n * j] = x * x + y * y <= rad * rad;
        }
}

/* An image read back, with the frame's layout. */
typedef struct {
    uint32_t w, h;
    uint8_t *rgb;
    af_png_layout lay;
} frame_img;

/* Write the frame, read it back, and check that the image has the size
 * af_png_frame_layout promised.  Caller frees im.rgb. */
static frame_img write_frame_ok(const char *path, const af_png_frame *f)
{
    af_error err;
    af_error_clear(&err);
    frame_img im;
    af_status st = af_png_frame_layout(f, &im.lay, &err);
    if (st != AF_OK)
        fail_msg("frame layout %s: %s", path, err.msg);
    st = af_png_write_frame(path, f, &err);
    if (st != AF_OK)
        fail_msg("write_frame %s: %s", path, err.msg);
    im.rgb = read_raw_rgb(path, &im.w, &im.h);
    assert_int_equal(im.w, im.lay.width);
    assert_int_equal(im.h, im.lay.height);
    return im;
}

/* Pixel (x, y) of an RGB image w pixels wide. */
static const uint8_t *px_at(const uint8_t *pix, uint32_t w, int x, int y)
{
    return pix + ((size_t)y * w + (size_t)x) * 3;
}

/* Map pixel (x, y) (0, 0 the map's top left). */
static const uint8_t *map_px(const frame_img *im, int x, int y)
{
    return px_at(im->rgb, im->w, im->lay.map_x + x, im->lay.map_y + y);
}

/* Pixel p is colour c to within tol per channel. */
static int near_rgb(const uint8_t *p, int r, int g, int b, int tol)
{
    return abs(p[0] - r) <= tol && abs(p[1] - g) <= tol && abs(p[2] - b) <= tol;
}

/* The boundary's dark red (#960000), or most of it over a light pixel. */
static int is_red(const uint8_t *p) { return p[0] > 110 && p[1] < 70 && p[2] < 70; }

static int is_gray(const uint8_t *p) { return p[0] == p[1] && p[1] == p[2]; }

/* Sizes follow the layout: the map is n * scale pixels; the margins hold
 * the axes' numbers and grow with the font; the header and the colour bar
 * take room only when there is one; the time does not change the size. */
static void test_frame_layout(void **state)
{
    (void)state;
    char path[256];
    tpath(path, sizeof path, "layout.png");
    static const struct {
        int n, scale, side;
    } cases[] = {{1, 0, 1024}, {1, 4, 4}, {64, 0, 1024}, {64, 4, 256}, {100, 0, 1000},
                 {2048, 0, 2048}, {5, 7, 35}};
    for (size_t q = 0; q < sizeof cases / sizeof cases[0]; q++) {
        af_grid g;
        make_grid(&g, cases[q].n);
        af_png_frame f = {.grid = &g, .scale = cases[q].scale};
        af_png_layout lay;
        af_error err;
        assert_int_equal(af_png_frame_layout(&f, &lay, &err), AF_OK);
        int side = cases[q].side;
        assert_int_equal(lay.map_side, side);
        assert_int_equal(lay.scale, side / cases[q].n);
        assert_close(lay.font_size, fmax(11.0, side / 50.0), 1e-12);
        double fs = lay.font_size;
        /* numbers left and below, a little room above and right */
        assert_true(lay.map_x >= 2 * fs && lay.map_x <= 6 * fs);
        assert_true(lay.map_y >= 0.5 * fs && lay.map_y <= 2 * fs);
        assert_true(lay.width - lay.map_x - side >= 0.5 * fs && lay.width - lay.map_x - side <= 3 * fs);
        assert_true(lay.height - lay.map_y - side >= 1.5 * fs && lay.height - lay.map_y - side <= 3 * fs);
        assert_int_equal(lay.header_bottom, 0);
        assert_int_equal(lay.bar_x, 0);
        if (cases[q].n <= 100) { /* the big one is checked by its layout alone */
            frame_img im = write_frame_ok(path, &f);
            /* white inside the map, the dark frame just outside it */
            assert_true(near_rgb(map_px(&im, side / 2, side / 2), 255, 255, 255, 0));
            assert_true(map_px(&im, -1, side / 2)[0] < 100 && map_px(&im, side, side / 2)[0] < 100);
            assert_true(map_px(&im, side / 2, -1)[0] < 100 && map_px(&im, side / 2, side)[0] < 100);
            assert_true(near_rgb(map_px(&im, 0, 0), 255, 255, 255, 0));
            assert_true(near_rgb(map_px(&im, side - 1, side - 1), 255, 255, 255, 0));
            /* the numbers: dark pixels left of the map and below it */
            int left = 0, below = 0;
            for (int y = 0; y < (int)im.h; y++)
                for (int x = 0; x < im.lay.map_x - 3; x++)
                    left += px_at(im.rgb, im.w, x, y)[0] < 128;
            for (int y = im.lay.map_y + side + 3; y < (int)im.h; y++)
                for (int x = 0; x < (int)im.w; x++)
                    below += px_at(im.rgb, im.w, x, y)[0] < 128;
            assert_true(left > 5 && below > 5);
            free(im.rgb);
        }
    }
    /* a header (title, time) moves the map down; the time never changes
     * the size */
    af_grid g;
    make_grid(&g, 64);
    af_png_frame f = {.grid = &g, .scale = 4};
    af_png_layout plain, timed, later, titled;
    af_error err;
    assert_int_equal(af_png_frame_layout(&f, &plain, &err), AF_OK);
    f.show_time = 1;
    assert_int_equal(af_png_frame_layout(&f, &timed, &err), AF_OK);
    f.time = 123.456789;
    f.step = 99999;
    assert_int_equal(af_png_frame_layout(&f, &later, &err), AF_OK);
    f.title = "A title";
    assert_int_equal(af_png_frame_layout(&f, &titled, &err), AF_OK);
    assert_true(timed.map_y > plain.map_y && timed.header_bottom > 0);
    assert_true(timed.header_bottom <= timed.map_y);
    assert_int_equal(later.width, timed.width);
    assert_int_equal(later.height, timed.height);
    assert_int_equal(later.map_y, timed.map_y);
    assert_int_equal(titled.map_y, timed.map_y);
    assert_int_equal(titled.width, timed.width); /* a short title fits over the map */
    /* a shaded density adds its colour bar right of the map; a constant
     * one is not shaded (white), so no bar */
    double rho[64 * 64];
    for (int k = 0; k < 64 * 64; k++)
        rho[k] = 1.0;
    af_png_frame fd = {.grid = &g, .scale = 4, .density = rho};
    af_png_layout lay;
    assert_int_equal(af_png_frame_layout(&fd, &lay, &err), AF_OK);
    assert_int_equal(lay.bar_x, 0);
    assert_int_equal(lay.width, plain.width);
    rho[7] = 2.0;
    assert_int_equal(af_png_frame_layout(&fd, &lay, &err), AF_OK);
    assert_true(lay.bar_x > lay.map_x + lay.map_side && lay.width > plain.width + 2 * lay.font_size);
    /* NULL layout: the checks alone */
    assert_int_equal(af_png_frame_layout(&fd, NULL, &err), AF_OK);
    unlink(path);
}

/* The density shading: white at 0, darker with more density (dark =
 * dense), the value shown darkest at gray 60; the colour bar runs from
 * that gray at its top to white at its bottom. */
static void test_frame_shading(void **state)
{
    (void)state;
    char path[256];
    tpath(path, sizeof path, "shade.png");
    const int n = 32, s = 8;
    af_grid g;
    make_grid(&g, n);
    double rho[32 * 32];
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
            rho[i + n * j] = 2.0 * i / (n - 1); /* 0 at the left, 2 at the right */
    af_png_frame f = {.grid = &g, .scale = s, .density = rho};
    frame_img im = write_frame_ok(path, &f);
    int prev = 256;
    for (int i = 0; i < n; i++) {
        const uint8_t *p = map_px(&im, i * s + s / 2, 100);
        assert_true(is_gray(p));
        assert_true(p[0] < prev); /* strictly darker to the right */
        prev = p[0];
        /* one flat colour per cell */
        assert_memory_equal(p, map_px(&im, i * s, 100), 3);
        assert_memory_equal(p, map_px(&im, i * s + s - 1, 100), 3);
    }
    assert_int_equal(map_px(&im, 2, 100)[0], 255);
    assert_int_equal(map_px(&im, n * s - 2, 100)[0], 60);
    /* the bar: darkest at the top, white at the bottom, gray throughout */
    int bx = im.lay.bar_x;
    assert_true(bx > im.lay.map_x + im.lay.map_side);
    int col = -1, top = -1, bottom = -1;
    for (int x = bx; x < (int)im.w && col < 0; x++) /* the bar's middle column */
        for (int y = im.lay.map_y; y < im.lay.map_y + im.lay.map_side; y++)
            if (px_at(im.rgb, im.w, x, y)[0] <= 62 && px_at(im.rgb, im.w, x + 3, y)[0] <= 62) {
                col = x + 1;
                break;
            }
    assert_true(col > 0);
    for (int y = 0; y < (int)im.h; y++) {
        const uint8_t *p = px_at(im.rgb, im.w, col, y);
        if (is_gray(p) && p[0] <= 62 && top < 0)
            top = y;
        if (is_gray(p) && p[0] >= 250 && top >= 0 && y > top + 10 && bottom < 0
            && px_at(im.rgb, im.w, col, y + 2)[0] < 128)
            bottom = y; /* white just above the bar's lower edge */
    }
    assert_true(top > 0 && bottom > top + 5 * im.lay.font_size);
    prev = -1;
    for (int y = top + 2; y < bottom - 1; y += 4) {
        const uint8_t *p = px_at(im.rgb, im.w, col, y);
        assert_true(is_gray(p) && p[0] >= prev);
        prev = p[0];
    }
    free(im.rgb);

    /* density_max caps: a cell at density_max is as dark as it gets */
    f.density_max = 1.0;
    im = write_frame_ok(path, &f);
    assert_int_equal(map_px(&im, (n / 2 + 1) * s + 2, 100)[0], 60);
    assert_true(map_px(&im, (n / 4) * s + 2, 100)[0] > 60);
    free(im.rgb);
    unlink(path);
}

/* A circle's boundary is drawn at sub-cell position: from a mask, along
 * the 1/2-level line of the smoothed mask; from a level set, along its
 * zero line.  Every red pixel lies near the true circle, within a fraction
 * of a cell (0.4 from a mask, whose cells stair: their edges are up to 0.7
 * cells off at the staircase's corners; 0.15 from the exact distance), red
 * is found near the circle all round, and the tint follows the line. */
static void check_circle(const frame_img *im, int s, double cx, double cy, double r, double tol,
                         int check_tint)
{
    int side = im->lay.map_side;
    long red = 0;
    for (int y = 0; y < side; y++)
        for (int x = 0; x < side; x++) {
            const uint8_t *p = map_px(im, x, y);
            double px = (x + 0.5) / s - cx, py = (side - y - 0.5) / s - cy; /* cell units */
            double d = hypot(px, py) - r;
            if (is_red(p)) {
                red++;
                if (fabs(d) > tol)
                    fail_msg("red pixel (%d, %d) is %.3f cells from the circle (tolerance %.2f)", x,
                             y, d, tol);
            }
            if (check_tint && fabs(d) > tol + 0.3) { /* tinted inside (blue over red), white out */
                int tinted = p[2] > p[0] + 20;
                if (tinted != (d < 0))
                    fail_msg("pixel (%d, %d) at %.3f cells from the circle is %s", x, y, d,
                             tinted ? "tinted" : "not tinted");
            }
        }
    /* the line all round: on each of 90 rays, the reddest pixel within tol
     * of the radius is mostly red (a line 1.5 pixels wide may cover no
     * pixel wholly) */
    for (int k = 0; k < 90; k++) {
        double a = 2 * 3.14159265358979323846 * k / 90;
        int best = -255;
        for (double t = r - tol; t <= r + tol; t += 0.02) {
            int x = (int)floor((cx + t * cos(a)) * s), y = side - 1 - (int)floor((cy + t * sin(a)) * s);
            const uint8_t *p = map_px(im, x, y);
            if (p[0] - p[1] > best)
                best = p[0] - p[1];
        }
        if (best < 80)
            fail_msg("no red near the circle on the ray at %d degrees (red - green %d)", 4 * k, best);
    }
    assert_true(red > 0);
}

static void test_frame_boundary(void **state)
{
    (void)state;
    char path[256];
    tpath(path, sizeof path, "circle.png");
    const int n = 64, s = 8;
    const double cx = 31.3, cy = 32.8, r = 20.45;
    af_grid g;
    make_grid(&g, n);
    uint8_t m[64 * 64];
    disc(m, n, cx, cy, r);
    af_png_frame f = {.grid = &g, .scale = s, .mask = m};
    frame_img im = write_frame_ok(path, &f);
    check_circle(&im, s, cx, cy, r, 0.4, 1);
    free(im.rgb);
    /* the level set of the exact signed distance: closer still */
    double u[64 * 64];
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
            u[i + n * j] = (hypot(i + 0.5 - cx, j + 0.5 - cy) - r) * g.dx;
    af_png_frame fl = {.grid = &g, .scale = s, .levelset = u};
    im = write_frame_ok(path, &fl);
    check_circle(&im, s, cx, cy, r, 0.15, 1);
    free(im.rgb);
    /* given segments are drawn instead (here: none, so no red at all) */
    double seg[4] = {0, 0, 0, 0};
    fl.boundary = seg;
    fl.nboundary = 0;
    im = write_frame_ok(path, &fl);
    for (int y = 0; y < im.lay.map_side; y++)
        for (int x = 0; x < im.lay.map_side; x++)
            assert_false(is_red(map_px(&im, x, y)));
    free(im.rgb);

    /* a disc round the box corner (0, 0): on a torus its four parts are
     * outlined in all four corners of the map; clamped, only its quarter
     * in the lower left, and never along the box edge */
    for (int per = 0; per < 2; per++) {
        af_grid gp;
        assert_int_equal(af_grid_init(&gp, 2, n, 0.0, 1.0, per ? AF_EDGE_PERIODIC : AF_EDGE_CLAMP,
                                      NULL), AF_OK);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) {
                double x = fmin(i + 0.5, n - i - 0.5), y = fmin(j + 0.5, n - j - 0.5);
                m[i + n * j] = per ? x * x + y * y <= 100.0 : (i + 0.5) * (i + 0.5) + (j + 0.5) * (j + 0.5) <= 100.0;
            }
        af_png_frame fp = {.grid = &gp, .scale = s, .mask = m};
        im = write_frame_ok(path, &fp);
        int side = im.lay.map_side, corner[4] = {0, 0, 0, 0};
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
                if (is_red(map_px(&im, x, y))) {
                    int q = (x < side / 2 ? 0 : 1) + (y < side / 2 ? 2 : 0);
                    corner[q]++;
                    /* nothing along the box edge, away from where the circle meets it */
                    if ((x < 2 || x >= side - 2 || y < 2 || y >= side - 2)) {
                        double ex = x < side / 2 ? x : side - x, ey = y < side / 2 ? y : side - y;
                        assert_true(fabs(fmin(ex, ey) / s) < 1 && fabs(fmax(ex, ey) / s - 10) < 1.5);
                    }
                }
        assert_true(corner[0] > 0); /* lower left */
        if (per)
            assert_true(corner[1] > 0 && corner[2] > 0 && corner[3] > 0);
        else
            assert_true(corner[1] == 0 && corner[2] == 0 && corner[3] == 0);
        free(im.rgb);
    }
    /* everything inside on a torus: tinted, and no line anywhere */
    af_grid gp;
    assert_int_equal(af_grid_init(&gp, 2, 8, 0.0, 1.0, AF_EDGE_PERIODIC, NULL), AF_OK);
    memset(m, 1, 64);
    af_png_frame fp = {.grid = &gp, .mask = m, .scale = 4};
    im = write_frame_ok(path, &fp);
    for (int y = 0; y < im.lay.map_side; y++)
        for (int x = 0; x < im.lay.map_side; x++) {
            const uint8_t *p = map_px(&im, x, y);
            assert_true(p[2] > p[0]); /* tinted, never red */
        }
    free(im.rgb);

    const char *sample = getenv("AF_PNG_SAMPLE");
    if (sample && *sample) {
        f.show_time = 1;
        f.time = 0.0390625;
        f.step = 5;
        f.title = "disc";
        af_error err;
        assert_int_equal(af_png_write_frame(sample, &f, &err), AF_OK);
    }
    unlink(path);
}

/* The header: the time text changes pixels there and nowhere else. */
static void test_frame_time(void **state)
{
    (void)state;
    char a[256], b[256];
    tpath(a, sizeof a, "t1.png");
    tpath(b, sizeof b, "t2.png");
    const int n = 48;
    af_grid g;
    make_grid(&g, n);
    uint8_t m[48 * 48];
    double rho[48 * 48];
    disc(m, n, 20, 25, 12);
    for (int k = 0; k < n * n; k++)
        rho[k] = 1 + (k % n);
    af_png_frame f = {.grid = &g, .mask = m, .density = rho, .show_time = 1, .time = 0.0390625,
                      .step = 10};
    frame_img one = write_frame_ok(a, &f);
    frame_img same = write_frame_ok(b, &f);
    assert_memory_equal(one.rgb, same.rgb, (size_t)one.w * one.h * 3); /* deterministic */
    free(same.rgb);
    f.time = 0.46875;
    f.step = 60;
    frame_img two = write_frame_ok(b, &f);
    assert_int_equal(one.w, two.w);
    assert_int_equal(one.h, two.h);
    long differ = 0;
    for (int y = 0; y < (int)one.h; y++)
        for (int x = 0; x < (int)one.w; x++)
            if (memcmp(px_at(one.rgb, one.w, x, y), px_at(two.rgb, two.w, x, y), 3)) {
                differ++;
                if (y >= one.lay.header_bottom)
                    fail_msg("pixel (%d, %d) changed with the time, below the header (row %d)", x,
                             y, one.lay.header_bottom);
            }
    assert_true(differ > 20);
    /* without show_time there is no header, and a title alone makes one */
    free(two.rgb);
    f.show_time = 0;
    two = write_frame_ok(b, &f);
    assert_int_equal(two.lay.header_bottom, 0);
    assert_true(two.h < one.h);
    free(two.rgb);
    free(one.rgb);
    unlink(a);
    unlink(b);
}

/* Two densities: class 0 (orange) dominates the left half, class 1 (blue)
 * the right; where both are even the colour is a neutral mix, where both
 * vanish white.  The region is hatched, not tinted blue.  Two bars. */
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
    frame_img im = write_frame_ok(path, &f);
    const uint8_t *lp = map_px(&im, 8 * s + 3, 16 * s + 3);  /* cell (8, 15) */
    const uint8_t *rp = map_px(&im, 24 * s + 3, 16 * s + 3); /* cell (24, 15) */
    assert_true(lp[0] > lp[2] + 80 && lp[0] > lp[1]); /* orange: red high, blue low */
    assert_true(rp[2] > rp[0] + 80 && rp[2] > rp[1]); /* blue */
    const uint8_t *even = map_px(&im, 8 * s + 3, s + 3);   /* cell (8, 30) */
    const uint8_t *empty = map_px(&im, 24 * s + 3, s + 3); /* cell (24, 30) */
    assert_true(abs(even[0] - even[2]) < 40 && even[1] < 220);
    assert_true(near_rgb(empty, 255, 255, 255, 0));
    /* two bars right of the map: an orange one, then a blue one */
    int orange = -1, blue = -1;
    for (int x = im.lay.bar_x; x < (int)im.w; x++) {
        const uint8_t *p = px_at(im.rgb, im.w, x, im.lay.map_y + (int)(2 * im.lay.font_size));
        if (orange < 0 && p[0] > p[2] + 80)
            orange = x;
        if (blue < 0 && p[2] > p[0] + 80)
            blue = x;
    }
    assert_true(orange > 0 && blue > orange);
    frame_img plain = im;

    /* A region in two-hue mode: pixels are hatched (some darker, the
     * rest unchanged), never shifted towards blue. */
    for (int j = 8; j < 24; j++)
        for (int i = 4; i < 28; i++)
            m[(size_t)i + (size_t)n * j] = 1;
    f.mask = m;
    im = write_frame_ok(path, &f);
    int darker = 0, same = 0;
    for (int y = 16 * s; y < 17 * s; y++) /* one row of cells across the region */
        for (int x = 8 * s; x < 24 * s; x++) {
            const uint8_t *a = map_px(&plain, x, y), *b = map_px(&im, x, y);
            if (!memcmp(a, b, 3))
                same++;
            else if (b[0] < a[0] && b[1] < a[1] && b[2] <= a[2])
                darker++;
            else
                fail_msg("pixel (%d, %d) changed colour under the hatch", x, y);
        }
    assert_true(darker > 0 && same > darker);
    free(plain.rgb);
    free(im.rgb);

    /* density_max set by the caller caps both fields alike. */
    f.mask = NULL;
    f.density_max = 20.0;
    im = write_frame_ok(path, &f);
    lp = map_px(&im, 8 * s + 3, 16 * s + 3);
    assert_true(lp[0] > 240 && lp[2] > 200 && lp[2] < lp[0]); /* pale orange */
    free(im.rgb);

    free(r0);
    free(r1);
    free(m);
    unlink(path);
}

/* Contour lines: blue to red in drawing order, each visible where it runs
 * alone, and a legend of their values right of the map. */
static void test_frame_contours(void **state)
{
    (void)state;
    char path[256];
    tpath(path, sizeof path, "contours.png");
    const int n = 64, s = 8;
    af_grid g;
    make_grid(&g, n);
    size_t cells = af_grid_cells(&g);
    uint8_t *c[3];
    for (int k = 0; k < 3; k++) {
        c[k] = malloc(cells);
        assert_non_null(c[k]);
        disc(c[k], n, 32, 32, 8 + 8 * k);
    }
    const uint8_t *const cs[3] = {c[0], c[1], c[2]};
    double times[3] = {0, 0.0625, 0.125};
    af_png_frame f = {.grid = &g, .scale = s, .contours = cs, .ncontours = 3};
    frame_img im = write_frame_ok(path, &f);
    assert_int_equal(im.lay.bar_x, 0);
    /* along the row through the centre: blue (first, radius 8), then the
     * middle colour, then red (last, radius 24), from the centre out */
    int y = (n - 32) * s, x0 = 32 * s;
    int first = -1, last = -1;
    for (int x = x0; x < x0 + 28 * s; x++) {
        const uint8_t *p = map_px(&im, x, y);
        if (first < 0 && p[2] - p[0] > 120)
            first = x - x0;
        if (p[0] - p[2] > 120)
            last = x - x0;
    }
    assert_true(first > 7 * s && first < 9 * s);
    assert_true(last > 23 * s && last < 25 * s);
    free(im.rgb);
    /* the legend: heading and three samples right of the map */
    f.line_values = times;
    f.line_label = "time";
    im = write_frame_ok(path, &f);
    assert_true(im.lay.bar_x > im.lay.map_x + im.lay.map_side);
    int blue = 0, red = 0;
    for (int yy = 0; yy < (int)im.h; yy++)
        for (int x = im.lay.bar_x; x < (int)im.w; x++) {
            const uint8_t *p = px_at(im.rgb, im.w, x, yy);
            blue += p[2] - p[0] > 120;
            red += p[0] - p[2] > 120;
        }
    assert_true(blue > 10 && red > 10);
    free(im.rgb);
    /* sets of segments in place of the masks, also with a legend */
    double sq[4][4] = {{0.2, 0.2, 0.8, 0.2}, {0.8, 0.2, 0.8, 0.8}, {0.8, 0.8, 0.2, 0.8},
                       {0.2, 0.8, 0.2, 0.2}};
    const double *lines[2] = {&sq[0][0], &sq[2][0]};
    size_t len[2] = {2, 2};
    af_png_frame fl = {.grid = &g, .scale = s, .lines = lines, .line_len = len, .nlines = 2,
                       .line_values = times, .contours = cs, .ncontours = 3};
    im = write_frame_ok(path, &fl);
    const uint8_t *p = map_px(&im, (int)(0.5 * n * s), (int)(0.8 * n * s)); /* y = 0.2: the first set */
    assert_true(p[2] > 200 && p[0] < 60);
    p = map_px(&im, (int)(0.5 * n * s), (int)(0.2 * n * s)); /* y = 0.8: the second */
    assert_true(p[0] > 200 && p[2] < 60);
    free(im.rgb);
    for (int k = 0; k < 3; k++)
        free(c[k]);
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
    /* Map pixel centres (100.5, 60.5) and (180.5, 200.5): x = px / side,
     * y = (side - py) / side. */
    double pts[] = {100.5 / side, (side - 60.5) / side, 180.5 / side, (side - 200.5) / side,
                    1.5,          0.5,                  NAN,          0.5,
                    0.5,          -0.01};
    uint8_t lab[] = {0, 1, 0, 1, 1};
    af_png_frame f = {.grid = &g, .scale = s, .points = pts, .point_labels = lab, .npoints = 5};
    frame_img im = write_frame_ok(path, &f);
    const int cx[2] = {100, 180}, cy[2] = {60, 200};
    const int want[2][3] = {{0xE6, 0x9F, 0x00}, {0x00, 0x72, 0xB2}};
    for (int k = 0; k < 2; k++) {
        const uint8_t *p = map_px(&im, cx[k], cy[k]);
        assert_true(near_rgb(p, want[k][0], want[k][1], want[k][2], 2));
        /* Going right from the centre: fill, then rim, then white. */
        int rim = 0;
        for (int x = cx[k]; x < cx[k] + 10; x++)
            if (near_rgb(map_px(&im, x, cy[k]), 0x33, 0x33, 0x33, 30))
                rim = x - cx[k];
        assert_true(rim >= 2 && rim <= 6);
        assert_true(near_rgb(map_px(&im, cx[k] + 8, cy[k]), 255, 255, 255, 0));
        assert_true(near_rgb(map_px(&im, cx[k], cy[k] - 8), 255, 255, 255, 0));
    }
    /* Nothing else is drawn on the map. */
    for (int y = 0; y < side; y++)
        for (int x = 0; x < side; x++) {
            int close = 0;
            for (int k = 0; k < 2; k++)
                close |= abs(x - cx[k]) <= 7 && abs(y - cy[k]) <= 7;
            if (!close && !near_rgb(map_px(&im, x, y), 255, 255, 255, 0))
                fail_msg("map pixel (%d, %d) is not white", x, y);
        }
    free(im.rgb);
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
    /* Rows y = 0.25 (map row 192), 0.5 (128) and 0.75 (64), on pixel
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
    frame_img im = write_frame_ok(path, &f);
#define DARK(x, y) (map_px(&im, (x), (y))[0] < 70 && map_px(&im, (x), (y))[2] < 70)
#define WHITE(x, y) near_rgb(map_px(&im, (x), (y)), 255, 255, 255, 0)
    /* Path a: two pieces, with a gap where the NaN vertex is. */
    assert_true(DARK(80, 192) && DARK(180, 192) && DARK(220, 192));
    assert_true(WHITE(128, 192));
    /* under the class-1 point at x = 0.25, whose colour shows */
    assert_true(near_rgb(map_px(&im, 64, 192), 0x00, 0x72, 0xB2, 8));
    /* The start dot is wider than the line. */
    assert_true(DARK((int)(0.1 * side), 194) && WHITE(80, 195));
    /* Path b: from far left to the middle; then an infinite vertex breaks it. */
    assert_true(DARK(0, 128) && DARK(100, 128) && WHITE(140, 128));
    for (int y = 0; y < 120; y++)
        assert_true(WHITE(128, y) || abs(y - 64) <= 4);
    /* Path c: a single vertex, only its dot. */
    assert_true(DARK(128, 64) && WHITE(128, 56) && WHITE(136, 64));
#undef DARK
#undef WHITE
    free(im.rgb);
    unlink(path);
}

/* Inconsistent points, paths, densities, lines or texts are refused,
 * naming the file, before anything is written. */
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
    check_error(af_png_frame_layout(&f, NULL, &err), &err, AF_EINVAL, "frame");

    af_png_frame fp = {.grid = &g, .points = pts, .point_labels = lab, .npoints = 3};
    free(write_frame_ok(bad, &fp).rgb);
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
    free(write_frame_ok(bad, &fp).rgb);
    unlink(bad);

    af_png_frame fq = {.grid = &g, .paths = paths, .path_len = len, .npaths = 2};
    check_error(af_png_write_frame(bad, &fq, &err), &err, AF_EINVAL, bad); /* paths[1] NULL */
    assert_non_null(strstr(err.msg, "path 1"));
    len[1] = 0;
    free(write_frame_ok(bad, &fq).rgb);
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

    /* a level set with a NaN, segments counted but missing, bad text */
    double u[64];
    for (int k = 0; k < 64; k++)
        u[k] = k - 30.5;
    af_png_frame fl = {.grid = &g, .levelset = u};
    free(write_frame_ok(bad, &fl).rgb);
    unlink(bad);
    u[9] = NAN;
    check_error(af_png_write_frame(bad, &fl, &err), &err, AF_EINVAL, bad);
    assert_non_null(strstr(err.msg, "(1, 1)"));
    u[9] = 0;
    fl.nboundary = 3;
    check_error(af_png_write_frame(bad, &fl, &err), &err, AF_EINVAL, bad);
    fl.nboundary = 0;
    fl.title = "bad \xff\xfe utf-8";
    check_error(af_png_write_frame(bad, &fl, &err), &err, AF_EINVAL, bad);
    fl.title = NULL;
    fl.line_label = "\xc3";
    fl.line_values = u;
    const double *ls[1] = {pa};
    size_t ll[1] = {1};
    fl.lines = ls;
    fl.line_len = ll;
    fl.nlines = 1;
    check_error(af_png_write_frame(bad, &fl, &err), &err, AF_EINVAL, bad);
    fl.line_label = NULL;
    free(write_frame_ok(bad, &fl).rgb);
    unlink(bad);
    assert_false(file_exists(bad));
    assert_int_equal(count_entries(tmpdir, ".tmp."), 0);
}

/* Scales, sizes and contours out of range are refused, nothing written. */
static void test_frame_bad_sizes(void **state)
{
    (void)state;
    char bad[256];
    tpath(bad, sizeof bad, "big.png");
    af_error err;
    af_grid g1, g;
    make_grid(&g1, 1);
    make_grid(&g, 64);
    uint8_t ca[64 * 64] = {0};
    af_png_frame f = {.grid = &g1, .scale = 4096};
    af_png_layout lay;
    assert_int_equal(af_png_frame_layout(&f, &lay, &err), AF_OK); /* the map may be 4096 */
    assert_int_equal(lay.map_side, 4096);
    f.scale = 4097;
    check_error(af_png_write_frame(bad, &f, &err), &err, AF_EINVAL, bad);
    af_png_frame f64 = {.grid = &g, .scale = 65}; /* 64 * 65 = 4160 > 4096 */
    check_error(af_png_write_frame(bad, &f64, &err), &err, AF_EINVAL, bad);
    f64.scale = -1;
    check_error(af_png_write_frame(bad, &f64, &err), &err, AF_EINVAL, bad);
    f64.scale = 1 << 30; /* overflows int if multiplied carelessly */
    check_error(af_png_write_frame(bad, &f64, &err), &err, AF_EINVAL, bad);
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
    assert_int_equal(af_png_write_frame(NULL, &f64, &err), AF_EINVAL);
    af_png_frame nogrid = {.grid = NULL};
    assert_int_equal(af_png_write_frame(bad, &nogrid, &err), AF_EINVAL);
    assert_false(file_exists(bad));
    assert_int_equal(count_entries(tmpdir, ".tmp."), 0);
}

/* Every combination of fields draws, on the smallest grids too. */
static void test_frame_combinations(void **state)
{
    (void)state;
    char path[256];
    tpath(path, sizeof path, "combo.png");
    for (int n = 1; n <= 3; n++) {
        for (int per = 0; per < 2; per++) {
            af_grid g;
            assert_int_equal(af_grid_init(&g, 2, n, -1.0, 1.0, per ? AF_EDGE_PERIODIC : AF_EDGE_CLAMP, NULL),
                             AF_OK);
            uint8_t m[9] = {1, 0, 1, 0, 1, 0, 1, 0, 1};
            double d0[9] = {3, 1, 2, 0, NAN, 5, -1, 2, 1}, d1[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
            double u[9] = {-1, 1, -1, 1, HUGE_VAL, 1, -HUGE_VAL, 1, -1};
            const uint8_t *c[2] = {m, m};
            double vals[2] = {0, 1};
            for (int bits = 0; bits < 32; bits++) {
                af_png_frame f = {.grid = &g, .scale = bits % 3 ? 4 : 0};
                if (bits & 1) f.mask = m;
                if (bits & 2) f.levelset = u;
                if (bits & 4) f.density = d0;
                if (bits & 8) f.density1 = f.density ? d1 : NULL;
                if (bits & 16) {
                    f.contours = c;
                    f.ncontours = 2;
                    f.line_values = vals;
                    f.show_time = 1;
                    f.title = "small";
                }
                free(write_frame_ok(path, &f).rgb);
            }
        }
    }
    unlink(path);
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

/* Text chunks: a frame's text pairs come back as tEXt chunks right after
 * IHDR, in order, each with a valid CRC (the PNG specification's CRC-32,
 * computed here independently); the image still reads; a bad keyword is
 * refused and nothing is written. */
static uint32_t crc_spec(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t k = 0; k < n; k++) {
        c ^= p[k];
        for (int b = 0; b < 8; b++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xFFFFFFFFu;
}

static void test_frame_text(void **state)
{
    (void)state;
    af_grid g;
    make_grid(&g, 16);
    uint8_t m[256];
    for (int k = 0; k < 256; k++)
        m[k] = (uint8_t)(k % 16 > 4 && k % 16 < 11 && k / 16 > 4 && k / 16 < 11);
    const char *text[] = {"Software", "advflow test", "advflow case", "[grid]\nn = 16\n"};
    af_png_frame f;
    memset(&f, 0, sizeof f);
    f.grid = &g;
    f.mask = m;
    f.text = text;
    f.ntext = 2;
    char path[256];
    tpath(path, sizeof path, "text.png");
    af_error err;
    assert_int_equal(af_png_write_frame(path, &f, &err), AF_OK);
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    static unsigned char b[1 << 20];
    size_t len = fread(b, 1, sizeof b, fp);
    fclose(fp);
    assert_true(len > 33 && len < sizeof b);
    assert_memory_equal(b + 12, "IHDR", 4);
    size_t p = 33;
    for (int k = 0; k < 2; k++) {
        uint32_t n = (uint32_t)b[p] << 24 | (uint32_t)b[p + 1] << 16 | (uint32_t)b[p + 2] << 8 | b[p + 3];
        assert_memory_equal(b + p + 4, "tEXt", 4);
        size_t kl = strlen(text[2 * k]), tl = strlen(text[2 * k + 1]);
        assert_int_equal(n, kl + 1 + tl);
        assert_memory_equal(b + p + 8, text[2 * k], kl + 1);
        assert_memory_equal(b + p + 9 + kl, text[2 * k + 1], tl);
        uint32_t crc = (uint32_t)b[p + 8 + n] << 24 | (uint32_t)b[p + 9 + n] << 16
                       | (uint32_t)b[p + 10 + n] << 8 | b[p + 11 + n];
        assert_int_equal(crc, crc_spec(b + p + 4, n + 4));
        p += 12 + n;
    }
    /* libpng reads it whole (it checks every CRC) */
    double *d = malloc(256 * sizeof *d);
    assert_int_equal(af_png_read_density(path, &g, 1.0, d, &err), AF_OK);
    free(d);
    unlink(path);
    const char *bad[] = {"", "x"};
    f.text = bad;
    f.ntext = 1;
    assert_int_equal(af_png_write_frame(path, &f, &err), AF_EINVAL);
    assert_null(fopen(path, "rb"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mask_roundtrip),
        cmocka_unit_test(test_mask_orientation),
        cmocka_unit_test(test_read_density_scale),
        cmocka_unit_test(test_resample),
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_frame_layout),
        cmocka_unit_test(test_frame_shading),
        cmocka_unit_test(test_frame_boundary),
        cmocka_unit_test(test_frame_time),
        cmocka_unit_test(test_frame_text),
        cmocka_unit_test(test_frame_two_hue),
        cmocka_unit_test(test_frame_contours),
        cmocka_unit_test(test_frame_points),
        cmocka_unit_test(test_frame_paths),
        cmocka_unit_test(test_frame_bad_data),
        cmocka_unit_test(test_frame_bad_sizes),
        cmocka_unit_test(test_frame_combinations),
        cmocka_unit_test(test_read_errors),
        cmocka_unit_test(test_read_fuzz),
        cmocka_unit_test(test_write_errors),
        cmocka_unit_test(test_gray_roundtrip),
    };
    return cmocka_run_group_tests_name("png", tests, setup_dir, teardown_dir);
}
