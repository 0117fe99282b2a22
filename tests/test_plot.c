/* advflow tests: line plots (src/plot.c).
 *
 * Properties, not pixel snapshots: each format starts with its magic, a PNG
 * has the requested size, a series in a pure colour shows inside the axes
 * frame and nowhere outside it, the legend avoids the data, bad arguments
 * and unwritable places fail cleanly.  Files go to a fresh temporary
 * directory, removed at the end.  Setting AF_PLOT_SAMPLE=dir also saves a
 * few sample plots there for viewing.  GPL-3.0-or-later.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <png.h>

#include "testutil.h"
#include "testfiles.h"

#include "advflow/plot.h"

static int setup_dir(void **state)
{
    (void)state;
    return tu_setup_dir("plot");
}


/* First n bytes of a file into buf (NUL-terminated); returns the count. */
static size_t read_head(const char *path, char *buf, size_t n)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    size_t got = fread(buf, 1, n, fp);
    fclose(fp);
    buf[got] = '\0';
    return got;
}

/* An RGB image read back with libpng's simplified API. */
typedef struct {
    int w, h;
    uint8_t *rgb;
} image;

static image read_png(const char *path)
{
    png_image pi;
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&pi, path))
        fail_msg("%s: %s", path, pi.message);
    pi.format = PNG_FORMAT_RGB;
    image im = {(int)pi.width, (int)pi.height, malloc(PNG_IMAGE_SIZE(pi))};
    assert_non_null(im.rgb);
    if (!png_image_finish_read(&pi, NULL, im.rgb, 0, NULL))
        fail_msg("%s: %s", path, pi.message);
    return im;
}

static const uint8_t *px(const image *im, int x, int y)
{
    return im->rgb + 3 * ((size_t)y * (size_t)im->w + (size_t)x);
}

static int is_dark(const uint8_t *p) { return p[0] < 90 && p[1] < 90 && p[2] < 90; }

/* The axes frame: the column (row) in each half of the image with the most
 * dark pixels.  The frame's sides span the plot area; no text comes close. */
static void find_frame(const image *im, int *left, int *right, int *top, int *bottom)
{
    int best[4] = {-1, -1, -1, -1};
    *left = *right = *top = *bottom = -1;
    for (int x = 0; x < im->w; x++) {
        int n = 0;
        for (int y = 0; y < im->h; y++)
            n += is_dark(px(im, x, y));
        int k = x < im->w / 2 ? 0 : 1;
        if (n > best[k]) {
            best[k] = n;
            *(k ? right : left) = x;
        }
    }
    for (int y = 0; y < im->h; y++) {
        int n = 0;
        for (int x = 0; x < im->w; x++)
            n += is_dark(px(im, x, y));
        int k = y < im->h / 2 ? 2 : 3;
        if (n > best[k]) {
            best[k] = n;
            *(k == 3 ? bottom : top) = y;
        }
    }
    /* each side is a long line */
    assert_true(best[0] > im->h / 2 && best[1] > im->h / 2);
    assert_true(best[2] > im->w / 2 && best[3] > im->w / 2);
}

/* Magenta (0xFF00FF) and its antialiased blends with white or gray. */
static int magenta_like(const uint8_t *p) { return p[0] - p[1] > 60 && p[2] - p[1] > 60; }
static int magenta_pure(const uint8_t *p) { return p[0] > 215 && p[2] > 215 && p[1] < 40; }

/* ------------------------------------------------------------------ */

static void save_sample(const char *name, const af_plot_axes *ax, const af_plot_series *s, int ns)
{
    const char *dir = getenv("AF_PLOT_SAMPLE");
    if (!dir || !dir[0])
        return;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    af_error err;
    assert_int_equal(af_plot_write(path, ax, s, ns, &err), AF_OK);
}

/* A small risk history: a decaying curve, a dashed bound, markers. */
enum { NH = 60 };
static double ht[NH], hr[NH], hb[NH];

static int make_history(af_plot_series s[3])
{
    for (int i = 0; i < NH; i++) {
        ht[i] = 0.1 * i;
        hr[i] = 0.3 * exp(-ht[i]) + 0.01;
        hb[i] = 0.4 * exp(-0.5 * ht[i]);
    }
    s[0] = (af_plot_series){ht, hr, NH, "risk", af_plot_colour(0), AF_PLOT_LINE};
    s[1] = (af_plot_series){ht, hb, NH, "bound", af_plot_colour(1), AF_PLOT_DASHED};
    s[2] = (af_plot_series){ht, hr, NH / 2, "samples", af_plot_colour(2), AF_PLOT_MARKERS};
    return 3;
}

static void test_formats(void **state)
{
    (void)state;
    af_plot_series s[3];
    int ns = make_history(s);
    af_plot_axes ax = {.title = "Risk", .xlabel = "t", .ylabel = "R(t)"};
    static const struct {
        const char *name, *magic, *alt;
    } f[] = {{"h.png", "\x89PNG\r\n\x1a\n", NULL},
             {"h.svg", "<?xml", "<svg"},
             {"h.pdf", "%PDF-", NULL},
             {"H.PNG", "\x89PNG", NULL},
             {"h.Svg", "<?xml", "<svg"}};
    for (size_t k = 0; k < sizeof f / sizeof f[0]; k++) {
        char path[256], head[16];
        tpath(path, sizeof path, f[k].name);
        af_error err;
        af_error_clear(&err);
        if (af_plot_write(path, &ax, s, ns, &err) != AF_OK)
            fail_msg("%s: %s", path, err.msg);
        assert_true(read_head(path, head, 8) >= 5);
        if (strncmp(head, f[k].magic, strlen(f[k].magic)) != 0 &&
            !(f[k].alt && strncmp(head, f[k].alt, strlen(f[k].alt)) == 0))
            fail_msg("%s does not start with its magic", path);
        struct stat sb;
        assert_int_equal(stat(path, &sb), 0);
        assert_true(sb.st_size > 200);
        assert_int_equal(sb.st_mode & 0777, 0644);
        unlink(path);
    }
    assert_int_equal(count_entries(tmpdir, NULL), 0);
    save_sample("history.png", &ax, s, ns);
    ax.logy = 1;
    save_sample("history-logy.png", &ax, s, ns);
}

static void test_png_size(void **state)
{
    (void)state;
    af_plot_series s[3];
    int ns = make_history(s);
    static const int sizes[][2] = {{0, 0}, {640, 400}, {AF_PLOT_MIN_SIDE, AF_PLOT_MIN_SIDE},
                                   {1600, 300}, {0, 900}};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        af_plot_axes ax = {.title = "size", .xlabel = "t", .ylabel = "R",
                           .width = sizes[k][0], .height = sizes[k][1]};
        char path[256];
        tpath(path, sizeof path, "size.png");
        af_error err;
        if (af_plot_write(path, &ax, s, ns, &err) != AF_OK)
            fail_msg("%dx%d: %s", sizes[k][0], sizes[k][1], err.msg);
        image im = read_png(path);
        assert_int_equal(im.w, sizes[k][0] ? sizes[k][0] : 800);
        assert_int_equal(im.h, sizes[k][1] ? sizes[k][1] : 560);
        /* white background in the corners */
        const uint8_t *c = px(&im, 0, 0);
        assert_true(c[0] == 255 && c[1] == 255 && c[2] == 255);
        c = px(&im, im.w - 1, im.h - 1);
        assert_true(c[0] == 255 && c[1] == 255 && c[2] == 255);
        free(im.rgb);
        unlink(path);
    }
}

/* A magenta series that leaves the given y range on both sides, with a
 * break (NaN) in the middle: magenta inside the frame, none outside. */
static void test_clip_to_frame(void **state)
{
    (void)state;
    enum { N = 400 };
    double x[N], y[N];
    for (int i = 0; i < N; i++) {
        x[i] = -2.0 + 14.0 * i / (N - 1);
        y[i] = 0.5 + 1.5 * sin(0.05 * i);
    }
    y[N / 2] = NAN;
    x[N / 3] = INFINITY;
    for (int style = AF_PLOT_LINE; style <= AF_PLOT_LINE_MARKERS; style++) {
        af_plot_series s = {x, y, N, NULL, 0xFF00FF, (af_plot_style)style};
        af_plot_axes ax = {.title = "clipped", .xlabel = "x", .ylabel = "y",
                           .xmin = 0, .xmax = 10, .ymin = 0, .ymax = 1};
        char path[256];
        tpath(path, sizeof path, "clip.png");
        af_error err;
        assert_int_equal(af_plot_write(path, &ax, &s, 1, &err), AF_OK);
        image im = read_png(path);
        int left, right, top, bottom;
        find_frame(&im, &left, &right, &top, &bottom);
        assert_true(left < right && top < bottom);
        assert_true(right - left > im.w / 2 && bottom - top > im.h / 2);
        long inside = 0;
        for (int j = 0; j < im.h; j++)
            for (int i = 0; i < im.w; i++) {
                const uint8_t *p = px(&im, i, j);
                if (!magenta_like(p))
                    continue;
                if (!(i > left && i < right && j > top && j < bottom))
                    fail_msg("style %d: magenta at (%d, %d) outside the frame [%d, %d] x [%d, %d]",
                             style, i, j, left, right, top, bottom);
                inside += magenta_pure(p);
            }
        if (inside < 100)
            fail_msg("style %d: only %ld magenta pixels", style, inside);
        free(im.rgb);
        unlink(path);
    }
}

/* Data crowding the top right: the legend goes elsewhere, so the legend's
 * colour sample appears in the top left quarter, where there is no data. */
static void test_legend_avoids_data(void **state)
{
    (void)state;
    enum { N = 200 };
    double x[N], y[N], gx[2] = {0, 1}, gy[2] = {0, 1};
    for (int i = 0; i < N; i++) {
        x[i] = 0.6 + 0.4 * (double)(i % 20) / 19;
        y[i] = 0.6 + 0.4 * (double)(i / 20) / 9;
    }
    af_plot_series s[2] = {{x, y, N, "crowd", 0xFF00FF, AF_PLOT_MARKERS},
                           {gx, gy, 2, NULL, 0x000000, AF_PLOT_MARKERS}};
    af_plot_axes ax = {.xlabel = "x", .ylabel = "y"};
    char path[256];
    tpath(path, sizeof path, "legend.png");
    af_error err;
    assert_int_equal(af_plot_write(path, &ax, s, 2, &err), AF_OK);
    image im = read_png(path);
    int left, right, top, bottom;
    find_frame(&im, &left, &right, &top, &bottom);
    long tl = 0;
    for (int j = top + 1; j < (top + bottom) / 2; j++)
        for (int i = left + 1; i < (left + right) / 2; i++)
            tl += magenta_pure(px(&im, i, j));
    assert_true(tl > 10);
    free(im.rgb);
    save_sample("legend.png", &ax, s, 2);
    unlink(path);
}

/* Log axes: zero and negative values break the line, they do not fail. */
static void test_log_axes(void **state)
{
    (void)state;
    enum { N = 50 };
    double x[N], y[N];
    for (int i = 0; i < N; i++) {
        x[i] = pow(10.0, -3 + 6.0 * i / (N - 1));
        y[i] = exp(-0.2 * i);
    }
    y[5] = 0;
    y[6] = -1;
    x[9] = -2;
    y[10] = NAN;
    af_plot_series s = {x, y, N, "decay", af_plot_colour(0), AF_PLOT_LINE_MARKERS};
    af_plot_axes ax = {.title = "log", .xlabel = "x", .ylabel = "y", .logx = 1, .logy = 1};
    char path[256];
    tpath(path, sizeof path, "log.png");
    af_error err;
    assert_int_equal(af_plot_write(path, &ax, &s, 1, &err), AF_OK);
    ax.logx = 0;
    assert_int_equal(af_plot_write(path, &ax, &s, 1, &err), AF_OK);
    save_sample("logy.png", &ax, &s, 1);
    /* short log ranges (less than a decade, a bit more than one) */
    static const double ranges[][2] = {{2, 5}, {1.1, 1.3}, {0.5, 7}, {3e-5, 4e-4}, {1, 1},
                                       {1e-300, 1e300}, {7e12, 9e12}};
    for (size_t k = 0; k < sizeof ranges / sizeof ranges[0]; k++) {
        double ry[2] = {ranges[k][0], ranges[k][1]}, rx[2] = {1, 2};
        af_plot_series r = {rx, ry, 2, "r", af_plot_colour(1), AF_PLOT_LINE};
        af_plot_axes la = {.logy = 1, .width = 300, .height = 200};
        if (af_plot_write(path, &la, &r, 1, &err) != AF_OK)
            fail_msg("log range [%g, %g]: %s", ry[0], ry[1], err.msg);
    }
    /* nothing positive on a log axis: no finite point */
    double neg[3] = {0, -1, -2};
    af_plot_series sn = {x, neg, 3, NULL, 0, AF_PLOT_LINE};
    ax.logy = 1;
    check_error(af_plot_write(path, &ax, &sn, 1, &err), &err, AF_EINVAL, path);
    /* a given log range must be positive */
    ax.ymin = 0;
    ax.ymax = 1;
    check_error(af_plot_write(path, &ax, &s, 1, &err), &err, AF_EINVAL, path);
    unlink(path);
}

/* Odd data: a constant, one point, huge and tiny magnitudes, random ranges. */
static void test_ranges(void **state)
{
    (void)state;
    char path[256];
    tpath(path, sizeof path, "range.png");
    af_error err;
    double x[3] = {0, 1, 2}, c[3] = {3, 3, 3}, z[3] = {0, 0, 0};
    af_plot_axes ax = {.title = "t", .xlabel = "x", .ylabel = "y", .width = 320, .height = 240};
    af_plot_series s = {x, c, 3, "constant", af_plot_colour(0), AF_PLOT_LINE};
    assert_int_equal(af_plot_write(path, &ax, &s, 1, &err), AF_OK);
    s.y = z;
    assert_int_equal(af_plot_write(path, &ax, &s, 1, &err), AF_OK);
    s.count = 1;
    s.style = AF_PLOT_MARKERS;
    assert_int_equal(af_plot_write(path, &ax, &s, 1, &err), AF_OK);

    tu_rng rng;
    tu_seed(&rng, 7);
    for (int it = 0; it < 40; it++) {
        enum { N = 30 };
        double px_[N], py_[N];
        double ex = -300 + 600 * tu_uniform(&rng), ey = -12 + 24 * tu_uniform(&rng);
        double sx = pow(10.0, ex / 10), sy = pow(10.0, ey);
        double ox = (tu_uniform(&rng) - 0.5) * sx * 10, oy = (tu_uniform(&rng) - 0.5) * sy * 100;
        for (int i = 0; i < N; i++) {
            px_[i] = ox + sx * i;
            py_[i] = oy + sy * tu_uniform(&rng);
        }
        af_plot_series r = {px_, py_, N, it % 2 ? "random" : NULL, af_plot_colour(it),
                            (af_plot_style)(it % 4)};
        af_plot_axes ra = {.width = 200 + it * 10, .height = 150 + it * 5, .logy = it % 3 == 0,
                           .xlabel = "x", .ylabel = "y"};
        af_status st = af_plot_write(path, &ra, &r, 1, &err);
        if (st != AF_OK && st != AF_EINVAL)
            fail_msg("iteration %d: %s", it, err.msg);
        if (st == AF_EINVAL)
            assert_non_null(strstr(err.msg, path));
        /* the lin axes of ordinary data always succeed */
        if (!ra.logy && fabs(ex) < 250)
            if (st != AF_OK)
                fail_msg("iteration %d (x scale %g, y scale %g): %s", it, sx, sy, err.msg);
    }
    unlink(path);
    assert_int_equal(count_entries(tmpdir, ".tmp."), 0);
}

static void test_bad_args(void **state)
{
    (void)state;
    af_plot_series s[3];
    int ns = make_history(s);
    af_plot_axes ax = {.title = "x"};
    char path[256], bad[256];
    tpath(path, sizeof path, "args.png");
    af_error err;

    assert_int_equal(af_plot_write(NULL, &ax, s, ns, &err), AF_EINVAL);
    check_error(af_plot_write(path, NULL, s, ns, &err), &err, AF_EINVAL, path);
    check_error(af_plot_write(path, &ax, s, -1, &err), &err, AF_EINVAL, path);
    check_error(af_plot_write(path, &ax, NULL, 2, &err), &err, AF_EINVAL, path);
    check_error(af_plot_write(path, &ax, s, 0, &err), &err, AF_EINVAL, path); /* no point */
    static const char *suffixes[] = {"args.jpg", "args", "args.png.txt", ".pn", "png"};
    for (size_t k = 0; k < sizeof suffixes / sizeof suffixes[0]; k++) {
        tpath(bad, sizeof bad, suffixes[k]);
        check_error(af_plot_write(bad, &ax, s, ns, &err), &err, AF_EINVAL, bad);
        assert_false(file_exists(bad));
    }

    af_plot_series b = s[0];
    b.count = -1;
    check_error(af_plot_write(path, &ax, &b, 1, &err), &err, AF_EINVAL, path);
    b = s[0];
    b.x = NULL;
    check_error(af_plot_write(path, &ax, &b, 1, &err), &err, AF_EINVAL, path);
    b = s[0];
    b.y = NULL;
    check_error(af_plot_write(path, &ax, &b, 1, &err), &err, AF_EINVAL, path);
    b = s[0];
    b.style = (af_plot_style)7;
    check_error(af_plot_write(path, &ax, &b, 1, &err), &err, AF_EINVAL, path);
    b = s[0];
    b.label = "bad \xff\xfe utf-8";
    check_error(af_plot_write(path, &ax, &b, 1, &err), &err, AF_EINVAL, path);
    /* an empty series beside a good one is fine; NULL arrays with count 0 too */
    b = (af_plot_series){NULL, NULL, 0, "empty", 0, AF_PLOT_LINE};
    af_plot_series two[2] = {s[0], b};
    assert_int_equal(af_plot_write(path, &ax, two, 2, &err), AF_OK);
    unlink(path);

    /* no finite point */
    double nan3[3] = {NAN, INFINITY, -INFINITY}, x3[3] = {1, 2, 3};
    b = (af_plot_series){x3, nan3, 3, "nan", 0, AF_PLOT_LINE};
    check_error(af_plot_write(path, &ax, &b, 1, &err), &err, AF_EINVAL, path);
    b = (af_plot_series){nan3, x3, 3, "nan", 0, AF_PLOT_LINE};
    check_error(af_plot_write(path, &ax, &b, 1, &err), &err, AF_EINVAL, path);

    /* sizes */
    static const int sizes[][2] = {{-1, 0}, {0, -5}, {AF_PLOT_MIN_SIDE - 1, 400},
                                   {400, AF_PLOT_MAX_SIDE + 1}, {1 << 30, 1 << 30}};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        af_plot_axes a2 = {.width = sizes[k][0], .height = sizes[k][1]};
        check_error(af_plot_write(path, &a2, s, ns, &err), &err, AF_EINVAL, path);
    }
    /* given ranges: not finite, too narrow for their magnitude */
    af_plot_axes a3 = {.xmin = -INFINITY, .xmax = 1};
    check_error(af_plot_write(path, &a3, s, ns, &err), &err, AF_EINVAL, path);
    a3 = (af_plot_axes){.ymin = 1e10, .ymax = 1e10 + 1e-3};
    check_error(af_plot_write(path, &a3, s, ns, &err), &err, AF_EINVAL, path);
    /* NaN limits: taken from the data */
    a3 = (af_plot_axes){.xmin = NAN, .xmax = NAN};
    assert_int_equal(af_plot_write(path, &a3, s, ns, &err), AF_OK);
    unlink(path);
    assert_int_equal(count_entries(tmpdir, NULL), 0);
}

/* Every format fails on path with AF_EIO, naming it, leaving no temporary
 * file in dir. */
static void check_write_fails_with(const char *path, const char *dir, af_status status)
{
    af_plot_series s[3];
    int ns = make_history(s);
    af_plot_axes ax = {.title = "x"};
    static const char *suffixes[] = {".png", ".svg", ".pdf"};
    for (int k = 0; k < 3; k++) {
        char p[512];
        snprintf(p, sizeof p, "%s%s", path, suffixes[k]);
        af_error err;
        af_error_clear(&err);
        check_error(af_plot_write(p, &ax, s, ns, &err), &err, status, p);
        assert_int_equal(count_entries(dir, ".tmp."), 0);
    }
}

static void check_write_fails(const char *path, const char *dir)
{
    check_write_fails_with(path, dir, AF_EIO);
}

static void test_write_errors(void **state)
{
    (void)state;
    char path[256], dir[256];

    tpath(path, sizeof path, "nodir/x");
    check_write_fails(path, tmpdir);

    /* a directory as the target is refused before anything is written */
    static const char *names[] = {"adir.png", "adir.svg", "adir.pdf"};
    for (int k = 0; k < 3; k++) {
        tpath(dir, sizeof dir, names[k]);
        assert_int_equal(mkdir(dir, 0755), 0);
    }
    tpath(path, sizeof path, "adir");
    check_write_fails_with(path, tmpdir, AF_EINVAL);
    for (int k = 0; k < 3; k++) {
        tpath(dir, sizeof dir, names[k]);
        assert_int_equal(count_entries(dir, NULL), 0);
        rmdir(dir);
    }

    /* /proc refuses new files, even for root */
    check_write_fails("/proc/x", "/proc");

    /* a read-only directory (root ignores the mode, so only as a user) */
    tpath(dir, sizeof dir, "readonly");
    assert_int_equal(mkdir(dir, 0755), 0);
    if (geteuid() != 0) {
        assert_int_equal(chmod(dir, 0555), 0);
        tpath(path, sizeof path, "readonly/x");
        check_write_fails(path, dir);
        assert_int_equal(count_entries(dir, NULL), 0);
        chmod(dir, 0755);
    }
    rmdir(dir);

    /* overwriting an existing file replaces it */
    tpath(path, sizeof path, "old.svg");
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs("old", fp);
    fclose(fp);
    af_plot_series s[3];
    int ns = make_history(s);
    af_plot_axes ax = {0};
    af_error err;
    assert_int_equal(af_plot_write(path, &ax, s, ns, &err), AF_OK);
    char head[16];
    read_head(path, head, 5);
    assert_true(strncmp(head, "<?xml", 5) == 0 || strncmp(head, "<svg", 4) == 0);
    unlink(path);
    assert_int_equal(count_entries(tmpdir, NULL), 0);
}

/* Left frame column of the rows [y0, y1): the column with the most dark
 * pixels in the left half. */
static int frame_left(const image *im, int y0, int y1)
{
    int best = -1, at = -1;
    for (int x = 0; x < im->w / 2; x++) {
        int n = 0;
        for (int y = y0; y < y1; y++)
            n += is_dark(px(im, x, y));
        if (n > best) {
            best = n;
            at = x;
        }
    }
    assert_true(best > (y1 - y0) / 3);
    return at;
}

/* Panels: stacked to the sum of their heights, plot areas lined up even
 * when the y labels differ in width, every format, errors naming the
 * panel. */
static void test_panels(void **state)
{
    (void)state;
    af_plot_series s[3];
    int ns = make_history(s);
    enum { N = 20 };
    double x[N], big[N];
    for (int i = 0; i < N; i++) {
        x[i] = 0.3 * i;
        big[i] = 123456.0 * (1 + sin(0.3 * i)); /* wide tick labels */
    }
    af_plot_series b = {x, big, N, "big", af_plot_colour(1), AF_PLOT_LINE};
    af_plot_axes a1 = {.title = "small", .ylabel = "R", .width = 640, .height = 200};
    af_plot_axes a2 = {.title = "big", .xlabel = "t", .ylabel = "B", .height = 300};
    af_plot_panel p[2] = {{&a1, s, ns}, {&a2, &b, 1}};
    char path[256];
    tpath(path, sizeof path, "panels.png");
    af_error err;
    if (af_plot_write_panels(path, p, 2, &err) != AF_OK)
        fail_msg("%s", err.msg);
    image im = read_png(path);
    assert_int_equal(im.w, 640);
    assert_int_equal(im.h, 500);
    assert_int_equal(frame_left(&im, 40, 160), frame_left(&im, 250, 440));
    free(im.rgb);
    unlink(path);
    const char *sample = getenv("AF_PLOT_SAMPLE");
    if (sample && sample[0]) {
        char sp[512];
        snprintf(sp, sizeof sp, "%s/panels.png", sample);
        assert_int_equal(af_plot_write_panels(sp, p, 2, &err), AF_OK);
    }
    static const char *const names[] = {"panels.svg", "panels.pdf"};
    for (int k = 0; k < 2; k++) {
        tpath(path, sizeof path, names[k]);
        assert_int_equal(af_plot_write_panels(path, p, 2, &err), AF_OK);
        struct stat sb;
        assert_int_equal(stat(path, &sb), 0);
        assert_true(sb.st_size > 500);
        unlink(path);
    }
    /* one panel is af_plot_write */
    tpath(path, sizeof path, "one.png");
    assert_int_equal(af_plot_write_panels(path, p, 1, &err), AF_OK);
    image one = read_png(path);
    assert_int_equal(one.w, 640);
    assert_int_equal(one.h, 200);
    free(one.rgb);
    unlink(path);

    /* errors */
    tpath(path, sizeof path, "panels.png");
    check_error(af_plot_write_panels(path, p, 0, &err), &err, AF_EINVAL, path);
    check_error(af_plot_write_panels(path, NULL, 2, &err), &err, AF_EINVAL, path);
    check_error(af_plot_write_panels(path, p, AF_PLOT_MAX_PANELS + 1, &err), &err, AF_EINVAL, path);
    a2.width = 700;
    check_error(af_plot_write_panels(path, p, 2, &err), &err, AF_EINVAL, path);
    assert_non_null(strstr(err.msg, "panel 2"));
    a2.width = 0;
    a2.height = AF_PLOT_MAX_SIDE;
    check_error(af_plot_write_panels(path, p, 2, &err), &err, AF_EINVAL, path);
    a2.height = 300;
    b.count = -1;
    check_error(af_plot_write_panels(path, p, 2, &err), &err, AF_EINVAL, path);
    assert_non_null(strstr(err.msg, "panel 2"));
    b.count = N;
    p[1].axes = NULL;
    check_error(af_plot_write_panels(path, p, 2, &err), &err, AF_EINVAL, path);
    p[1].axes = &a2;
    double nan1[1] = {NAN};
    af_plot_series none = {nan1, nan1, 1, NULL, 0, AF_PLOT_LINE};
    p[1].series = &none;
    check_error(af_plot_write_panels(path, p, 2, &err), &err, AF_EINVAL, path);
    assert_non_null(strstr(err.msg, "panel 2"));
    assert_false(file_exists(path));
    assert_int_equal(count_entries(tmpdir, NULL), 0);
}

static void test_colours(void **state)
{
    (void)state;
    for (int i = 0; i < 8; i++) {
        assert_true(af_plot_colour(i) <= 0xFFFFFF);
        assert_int_equal(af_plot_colour(i), af_plot_colour(i + 8));
        assert_int_equal(af_plot_colour(i), af_plot_colour(i - 8));
        for (int j = 0; j < i; j++)
            assert_true(af_plot_colour(i) != af_plot_colour(j));
    }
    /* the first two: Okabe-Ito blue and vermillion */
    assert_int_equal(af_plot_colour(0), 0x0072B2);
    assert_int_equal(af_plot_colour(1), 0xD55E00);
    (void)af_plot_colour(-2147483647 - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_png_size),
        cmocka_unit_test(test_clip_to_frame),
        cmocka_unit_test(test_legend_avoids_data),
        cmocka_unit_test(test_log_axes),
        cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_bad_args),
        cmocka_unit_test(test_write_errors),
        cmocka_unit_test(test_colours),
        cmocka_unit_test(test_panels),
    };
    return cmocka_run_group_tests_name("plot", tests, setup_dir, teardown_dir);
}
