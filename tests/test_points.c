/* advflow tests: labelled data points (src/points.c).
 *
 * CSV files are written here at run time into a fresh temporary directory
 * (removed at the end).  The checks are laws: a write then a read gives the
 * same bits; every malformed line is refused with its FILE:LINE; generated
 * sets lie on the curves that define them, with the class sizes and the
 * determinism the header promises.
 * GPL-3.0-or-later.
 */
#include <dirent.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "testfiles.h"

#include "advflow/points.h"

#define PI 3.14159265358979323846

static int setup_dir(void **state)
{
    (void)state;
    return tu_setup_dir("points");
}

static void write_bytes(const char *path, const void *data, size_t size)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, size, fp), size);
    assert_int_equal(fclose(fp), 0);
}

static void write_text(const char *path, const char *text) { write_bytes(path, text, strlen(text)); }

static af_grid grid_of(int n, double lo, double hi)
{
    af_grid g;
    assert_int_equal(af_grid_init(&g, 2, n, lo, hi, AF_EDGE_CLAMP, NULL), AF_OK);
    return g;
}

static int same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

/* Two point sets hold the same count, bits and labels. */
static int same_points(const af_points *a, const af_points *b)
{
    if (a->count != b->count)
        return 0;
    for (size_t k = 0; k < a->count; k++)
        if (!same_bits(a->x[k], b->x[k]) || !same_bits(a->y[k], b->y[k])
            || a->label[k] != b->label[k])
            return 0;
    return 1;
}

/* ------------------------------------------------------------------ */

static void test_alloc(void **state)
{
    (void)state;
    af_error err;
    af_points *p = af_points_alloc(0, &err);
    assert_non_null(p);
    assert_int_equal(p->count, 0);
    assert_non_null(p->x);
    assert_non_null(p->y);
    assert_non_null(p->label);
    af_points_free(p);

    p = af_points_alloc(5, &err);
    assert_non_null(p);
    assert_int_equal(p->count, 5);
    for (size_t k = 0; k < 5; k++)
        assert_true(p->x[k] == 0 && p->y[k] == 0 && p->label[k] == 0);
    assert_true(p->weight[0] == 1 && p->weight[1] == 1);
    af_points_free(p);

    af_error_clear(&err);
    assert_null(af_points_alloc(AF_POINTS_MAX + 1, &err));
    assert_int_equal(err.status, AF_EINVAL);
    assert_true(strlen(err.msg) > 0);
    af_points_free(NULL);
}

/* Awkward doubles: every one must come back bit for bit. */
static void test_roundtrip(void **state)
{
    (void)state;
    static const double special[] = {0.0, -0.0, 1.0, -1.0, PI, 0.1, 1.0 / 3.0, DBL_MAX,
                                     -DBL_MAX, DBL_MIN, 4.9406564584124654e-324, 1e-300,
                                     123456789.123456789, -2.5e17};
    size_t ns = sizeof special / sizeof special[0];
    tu_rng r;
    tu_seed(&r, 11);
    size_t count = 3000;
    af_points *p = af_points_alloc(count, NULL);
    assert_non_null(p);
    for (size_t k = 0; k < count; k++) {
        if (k < ns * ns) {
            p->x[k] = special[k % ns];
            p->y[k] = special[k / ns];
        } else {
            /* Random bit patterns of finite doubles. */
            uint64_t bits;
            double v;
            do {
                bits = tu_next(&r);
                memcpy(&v, &bits, sizeof v);
            } while (!isfinite(v));
            p->x[k] = v;
            p->y[k] = (tu_uniform(&r) - 0.5) * pow(10.0, (double)(k % 40) - 20.0);
        }
        p->label[k] = (uint8_t)(tu_next(&r) & 1);
    }

    char path[256];
    tpath(path, sizeof path, "round.csv");
    af_error err;
    assert_int_equal(af_points_write_csv(path, p, &err), AF_OK);
    af_points *q = af_points_read_csv(path, &err);
    assert_non_null(q);
    assert_true(same_points(p, q));
    assert_true(q->weight[0] == 1 && q->weight[1] == 1);

    /* The documented header, the usual mode, no temporary left behind. */
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    char head[32] = {0};
    assert_non_null(fgets(head, sizeof head, fp));
    fclose(fp);
    assert_string_equal(head, "x,y,label\n");
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0644);
    assert_int_equal(count_entries(tmpdir, ".tmp."), 0);

    /* An empty set round-trips too (header only). */
    af_points *e = af_points_alloc(0, NULL);
    assert_int_equal(af_points_write_csv(path, e, &err), AF_OK);
    af_points *e2 = af_points_read_csv(path, &err);
    assert_non_null(e2);
    assert_int_equal(e2->count, 0);
    af_points_free(e);
    af_points_free(e2);

    af_points_free(p);
    af_points_free(q);
    unlink(path);
}

/* Read text and check the points against expected triples (x, y, label). */
static void check_reads(const char *name, const char *text, size_t count, const double *xyl)
{
    char path[256];
    tpath(path, sizeof path, name);
    write_text(path, text);
    af_error err;
    af_error_clear(&err);
    af_points *p = af_points_read_csv(path, &err);
    if (!p)
        fail_msg("%s: %s", name, err.msg);
    assert_int_equal(p->count, count);
    for (size_t k = 0; k < count; k++) {
        if (!same_bits(p->x[k], xyl[3 * k]) || !same_bits(p->y[k], xyl[3 * k + 1])
            || p->label[k] != (uint8_t)xyl[3 * k + 2])
            fail_msg("%s: point %zu is (%.17g, %.17g, %d)", name, k, p->x[k], p->y[k],
                     p->label[k]);
    }
    af_points_free(p);
    unlink(path);
}

static void test_read_accepts(void **state)
{
    (void)state;
    static const double three[] = {1.5, -2, 0, 0.25, 3e-2, 1, -0.0, 7, 1};

    check_reads("plain.csv", "1.5,-2,0\n0.25,3e-2,1\n-0.0,7,1\n", 3, three);
    check_reads("header.csv", "x,y,label\n1.5,-2,0\n0.25,3e-2,1\n-0.0,7,1\n", 3, three);
    check_reads("header2.csv", "  horizontal , vertical , class 0/1\n1.5,-2,0\n0.25,3e-2,1\n-0.0,7,1\n",
                3, three);
    check_reads("comments.csv",
                "# a comment\n\n   # indented comment, 1,2,3\nx,y,label\n\n1.5,-2,0\n"
                "#,,,\n   \t \n0.25,3e-2,1\n-0.0,7,1",
                3, three); /* last line without newline */
    check_reads("crlf.csv", "x,y,label\r\n1.5,-2,0\r\n\r\n0.25,3e-2,1\r\n-0.0,7,1\r\n", 3, three);
    check_reads("blanks.csv", " 1.5 ,\t-2\t, 0 \n0.25,   3e-2,1  \n\t-0.0 ,7 ,  1\n", 3, three);
    check_reads("labels.csv", "1.5,-2,0.0\n0.25,3e-2,1.0\n-0.0,7,1e0\n", 3, three);
    check_reads("labels2.csv", "1.5,-2,-0\n0.25,3e-2,+1\n-0.0,7,10e-1\n", 3, three);
    check_reads("bom.csv", "\xEF\xBB\xBF" "1.5,-2,0\n0.25,3e-2,1\n-0.0,7,1\n", 3, three);
    check_reads("bomheader.csv", "\xEF\xBB\xBFx,y,label\n1.5,-2,0\n0.25,3e-2,1\n-0.0,7,1\n", 3, three);

    /* Empty sets are not an error here. */
    check_reads("empty.csv", "", 0, NULL);
    check_reads("onlyheader.csv", "x,y,label\n", 0, NULL);
    check_reads("onlycomments.csv", "# nothing\n\n#\n", 0, NULL);

    /* The longest line accepted: 4095 characters (padding blanks). */
    char *line = malloc(4097);
    assert_non_null(line);
    memset(line, ' ', 4095);
    memcpy(line, "1.5,-2,0", 8);
    line[4095] = '\n';
    line[4096] = '\0';
    check_reads("long4095.csv", line, 1, three);
    free(line);
}

/* Read text; the call must fail with status and a message that contains
 * "NAME:LINE:" and part (if not NULL). */
static void check_read_fails(const char *name, const void *data, size_t size, size_t lineno,
                             af_status status, const char *part)
{
    char path[256], where[300];
    tpath(path, sizeof path, name);
    write_bytes(path, data, size);
    af_error err;
    af_error_clear(&err);
    af_points *p = af_points_read_csv(path, &err);
    if (p) {
        size_t count = p->count;
        af_points_free(p);
        fail_msg("%s: read %zu points, expected an error", name, count);
    }
    if (err.status != status)
        fail_msg("%s: status %d, expected %d (%s)", name, err.status, status, err.msg);
    snprintf(where, sizeof where, "%s:%zu:", path, lineno);
    if (!strstr(err.msg, where))
        fail_msg("%s: message '%s' does not name '%s'", name, err.msg, where);
    if (part && !strstr(err.msg, part))
        fail_msg("%s: message '%s' does not say '%s'", name, err.msg, part);
    unlink(path);
}

static void check_text_fails(const char *name, const char *text, size_t lineno, const char *part)
{
    check_read_fails(name, text, strlen(text), lineno, AF_EFORMAT, part);
}

static void test_read_errors(void **state)
{
    (void)state;
    check_text_fails("two.csv", "x,y,label\n1,2,0\n# c\n3,4\n", 4,
                     "expected 3 fields (x, y, label), got 2");
    check_text_fails("four.csv", "1,2,0,5\n", 1, "got 4");
    check_text_fails("comma.csv", "1,2,0\n1,2,1,\n", 2, "got 4");
    check_text_fails("one.csv", "1,2,0\n\n7\n", 3, "got 1");
    check_text_fails("xword.csv", "x,y,label\n1,2,0\n\nabc,2,0\n", 4, "x is not a number: 'abc'");
    check_text_fails("trail.csv", "1.5abc,2,0\n", 1, "x is not a number: '1.5abc'");
    check_text_fails("ytrail.csv", "1,2 3,0\n", 1, "y is not a number: '2 3'");
    check_text_fails("yempty.csv", "1,2,0\n1,,0\n", 2, "y is not a number: ''");
    check_text_fails("xnan.csv", "1,2,0\nnan,2,0\n", 2, "x must be finite");
    check_text_fails("yinf.csv", "1,-inf,0\n", 1, "y must be finite");
    check_text_fails("yhuge.csv", "1,1e999,0\n", 1, "y must be finite");
    check_text_fails("label2.csv", "x,y,label\n1,2,2\n", 2, "label must be 0 or 1, got '2'");
    check_text_fails("labelhalf.csv", "1,2,0.5\n", 1, "label must be 0 or 1, got '0.5'");
    check_text_fails("labelneg.csv", "1,2,-1\n", 1, "label must be 0 or 1, got '-1'");
    check_text_fails("labelnan.csv", "1,2,nan\n", 1, "label must be 0 or 1, got 'nan'");
    check_text_fails("labelword.csv", "1,2,yes\n", 1, "label must be 0 or 1, got 'yes'");
    check_text_fails("labelempty.csv", "1,2,\n", 1, "label must be 0 or 1, got ''");
    /* A header has three fields; only the first content line may be one. */
    check_text_fails("header2.csv", "# c\nx,y\n1,2,0\n", 2, "header of 3 fields");
    check_text_fails("header4.csv", "a,b,c,d\n", 1, "header of 3 fields");
    check_text_fails("twoheaders.csv", "x,y,label\nx,y,label\n", 2, "x is not a number");
    /* A typo in the first point is data, not a header. */
    check_text_fails("typo.csv", "1..5,2,0\n3,4,1\n", 1, "x is not a number: '1..5'");
    check_text_fails("typo2.csv", "1.5,y,label\n3,4,1\n", 1, "y is not a number: 'y'");
    check_text_fails("typo3.csv", "x,y,1\n3,4,1\n", 1, "x is not a number: 'x'");
    /* CR only at the line end: inside a field it is an error. */
    check_text_fails("cr.csv", "1,2\r,0\n", 1, "y is not a number");

    /* Over-long lines: 4096 characters, and one far longer. */
    char *line = malloc(20001);
    assert_non_null(line);
    memset(line, ' ', 20000);
    memcpy(line, "1,2,0\n", 6);
    memcpy(line + 6, "1,2,0", 5);
    line[6 + 4096] = '\n';
    check_read_fails("long4096.csv", line, 6 + 4097, 2, AF_EFORMAT, "longer than 4095");
    line[6 + 4096] = ' ';
    check_read_fails("long20000.csv", line + 6, 19994, 1, AF_EFORMAT, "longer than 4095");
    free(line);

    /* NUL bytes, first line or later. */
    check_read_fails("nul.csv", "1,2,0\n1,\0002,0\n", 13, 2, AF_EFORMAT, "NUL");
    check_read_fails("nul1.csv", "\0", 1, 1, AF_EFORMAT, "NUL");
}

/* 100 kB of valid-looking data with no newline: one over-long line. */
static void test_read_no_newline(void **state)
{
    (void)state;
    size_t size = 100 * 1000;
    char *data = malloc(size);
    assert_non_null(data);
    for (size_t k = 0; k < size; k++)
        data[k] = "1,2,0 "[k % 6];
    check_read_fails("nonl.csv", data, size, 1, AF_EFORMAT, "longer than 4095");
    free(data);
}

/* /dev/zero never ends: the reader must stop at the first line (a NUL
 * byte, or at worst the line limit).  alarm() turns a hang into a failure
 * instead of a stuck test run. */
static void test_read_dev_zero(void **state)
{
    (void)state;
    if (!file_exists("/dev/zero"))
        skip();
    alarm(20);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    af_error err;
    af_error_clear(&err);
    assert_null(af_points_read_csv("/dev/zero", &err));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    alarm(0);
    assert_int_equal(err.status, AF_EFORMAT);
    assert_non_null(strstr(err.msg, "/dev/zero:1:"));
    double seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    assert_true(seconds < 1.0);
}

static void test_read_io_errors(void **state)
{
    (void)state;
    char path[256];
    af_error err;

    tpath(path, sizeof path, "missing.csv");
    assert_null(af_points_read_csv(path, &err));
    assert_int_equal(err.status, AF_EIO);
    assert_non_null(strstr(err.msg, path));
    assert_non_null(strstr(err.msg, strerror(ENOENT)));

    /* A directory opens but cannot be read. */
    assert_null(af_points_read_csv(tmpdir, &err));
    assert_int_equal(err.status, AF_EIO);
    assert_non_null(strstr(err.msg, tmpdir));

    assert_null(af_points_read_csv(NULL, &err));
    assert_int_equal(err.status, AF_EINVAL);
}

static void check_write_fails(const char *path, const af_points *p, af_status status,
                              const char *dir)
{
    af_error err;
    af_error_clear(&err);
    assert_int_equal(af_points_write_csv(path, p, &err), status);
    assert_int_equal(err.status, status);
    if (!strstr(err.msg, path))
        fail_msg("message '%s' does not name '%s'", err.msg, path);
    if (dir)
        assert_int_equal(count_entries(dir, ".tmp."), 0);
}

static void test_write_errors(void **state)
{
    (void)state;
    char path[256], dir[256];
    af_points *p = af_points_alloc(3, NULL);
    assert_non_null(p);
    p->x[1] = 2.5;
    p->label[2] = 1;

    /* Missing directory; below a regular file. */
    tpath(path, sizeof path, "nodir/p.csv");
    check_write_fails(path, p, AF_EIO, tmpdir);
    assert_false(file_exists(path));
    tpath(dir, sizeof dir, "regular");
    write_text(dir, "x");
    tpath(path, sizeof path, "regular/p.csv");
    check_write_fails(path, p, AF_EIO, tmpdir);
    unlink(dir);

    /* A directory as the target is refused before anything is written. */
    tpath(dir, sizeof dir, "adir");
    assert_int_equal(mkdir(dir, 0755), 0);
    check_write_fails(dir, p, AF_EINVAL, tmpdir);
    assert_int_equal(count_entries(dir, NULL), 0);
    rmdir(dir);

    /* What the reader would refuse is not written. */
    tpath(path, sizeof path, "bad.csv");
    p->label[0] = 2;
    check_write_fails(path, p, AF_EINVAL, tmpdir);
    p->label[0] = 0;
    p->y[2] = NAN;
    check_write_fails(path, p, AF_EINVAL, tmpdir);
    p->y[2] = INFINITY;
    check_write_fails(path, p, AF_EINVAL, tmpdir);
    p->y[2] = 0;
    assert_false(file_exists(path));
    check_write_fails(path, NULL, AF_EINVAL, NULL);
    af_error err;
    assert_int_equal(af_points_write_csv(NULL, p, &err), AF_EINVAL);

    /* Overwriting replaces the old file whole. */
    write_text(path, "old contents that are longer than the new file would be ...........\n"
                     "........................................................................\n");
    assert_int_equal(af_points_write_csv(path, p, &err), AF_OK);
    af_points *q = af_points_read_csv(path, &err);
    assert_non_null(q);
    assert_true(same_points(p, q));
    af_points_free(q);
    unlink(path);
    af_points_free(p);
}

/* ------------------------------------------------------------------ */
/* Generators                                                          */

static af_points *generate(const af_grid *g, af_data_kind kind, size_t count, double noise,
                           unsigned long seed)
{
    af_data_gen d = {kind, count, noise, seed};
    af_error err;
    af_error_clear(&err);
    af_points *p = af_points_generate(g, &d, &err);
    if (!p)
        fail_msg("generate %s count %zu: %s", af_data_kind_name(kind), count, err.msg);
    return p;
}

static void test_generate_counts(void **state)
{
    (void)state;
    af_grid g = grid_of(32, -2, 2);
    static const size_t counts[] = {2, 3, 4, 7, 100, 101};
    for (int kind = 0; kind < 4; kind++)
        for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
            size_t n = counts[c];
            af_points *p = generate(&g, (af_data_kind)kind, n, af_data_default_noise(kind), 5);
            assert_int_equal(p->count, n);
            size_t cc[2];
            af_points_class_counts(p, cc);
            assert_int_equal(cc[0], (n + 1) / 2);
            assert_int_equal(cc[1], n / 2);
            /* Class 0 first, then class 1. */
            for (size_t k = 0; k < n; k++)
                assert_int_equal(p->label[k], k >= (n + 1) / 2);
            assert_true(p->weight[0] == 1 && p->weight[1] == 1);
            for (size_t k = 0; k < n; k++)
                assert_true(isfinite(p->x[k]) && isfinite(p->y[k]));
            af_points_free(p);
        }
    size_t cc[2] = {7, 7};
    af_points_class_counts(NULL, cc);
    assert_true(cc[0] == 0 && cc[1] == 0);
}

static void test_generate_determinism(void **state)
{
    (void)state;
    af_grid g = grid_of(16, 0, 1);
    for (int kind = 0; kind < 4; kind++) {
        af_points *a = generate(&g, (af_data_kind)kind, 501, 0.2, 42);
        af_points *b = generate(&g, (af_data_kind)kind, 501, 0.2, 42);
        af_points *c = generate(&g, (af_data_kind)kind, 501, 0.2, 43);
        assert_true(same_points(a, b));
        assert_false(same_points(a, c));
        /* The same draws whatever the noise: the set is affine in the
         * noise, P(noise) = P(0) + noise Z. */
        af_points *z = generate(&g, (af_data_kind)kind, 501, 0.0, 42);
        af_points *d = generate(&g, (af_data_kind)kind, 501, 0.1, 42);
        for (size_t k = 0; k < a->count; k++) {
            assert_close(a->x[k] - z->x[k], 2.0 * (d->x[k] - z->x[k]), 1e-12);
            assert_close(a->y[k] - z->y[k], 2.0 * (d->y[k] - z->y[k]), 1e-12);
        }
        af_points_free(a);
        af_points_free(b);
        af_points_free(c);
        af_points_free(z);
        af_points_free(d);
    }
}

/* Noise 0: each moon lies on its circle of radius scale = (hi - lo) / 4,
 * class 0 on the upper half of the circle centred at (c - s/2, c - s/4),
 * class 1 on the lower half of the one at (c + s/2, c + s/4); the ends
 * are included and the set spans [c - 3s/2, c + 3s/2] x [c - 3s/4, c + 3s/4]. */
static void test_moons_exact(void **state)
{
    (void)state;
    af_grid g = grid_of(64, -1, 3);
    double s = 1.0, c = 1.0, tol = 1e-12;
    size_t n = 102; /* 51 + 51: odd, so t = pi/2 is a point of each class */
    af_points *p = generate(&g, AF_DATA_MOONS, n, 0.0, 1);
    double cx[2] = {c - s / 2, c + s / 2}, cy[2] = {c - s / 4, c + s / 4};
    double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
    for (size_t k = 0; k < n; k++) {
        int l = p->label[k];
        double dx = p->x[k] - cx[l], dy = p->y[k] - cy[l];
        assert_close(hypot(dx, dy), s, tol);
        if (l == 0)
            assert_true(dy >= -tol);
        else
            assert_true(dy <= tol);
        xmin = fmin(xmin, p->x[k]);
        xmax = fmax(xmax, p->x[k]);
        ymin = fmin(ymin, p->y[k]);
        ymax = fmax(ymax, p->y[k]);
    }
    assert_close(xmin, c - 1.5 * s, tol);
    assert_close(xmax, c + 1.5 * s, tol);
    assert_close(ymin, c - 0.75 * s, tol);
    assert_close(ymax, c + 0.75 * s, tol);
    assert_close((xmax - xmin) / (g.hi - g.lo), 0.75, tol);
    /* Ends: class 0 runs from t = 0 (right) to t = pi (left), class 1 the
     * other way round; evenly spaced (equal chords). */
    assert_close(p->x[0], cx[0] + s, tol);
    assert_close(p->x[50], cx[0] - s, tol);
    assert_close(p->x[51], cx[1] - s, tol);
    assert_close(p->x[101], cx[1] + s, tol);
    double chord0 = hypot(p->x[1] - p->x[0], p->y[1] - p->y[0]);
    for (size_t k = 1; k < 51; k++)
        assert_close(hypot(p->x[k] - p->x[k - 1], p->y[k] - p->y[k - 1]), chord0, tol);
    af_points_free(p);

    /* Two points: one per class, each at t = 0. */
    p = generate(&g, AF_DATA_MOONS, 2, 0.0, 1);
    assert_close(p->x[0], cx[0] + s, tol);
    assert_close(p->y[0], cy[0], tol);
    assert_close(p->x[1], cx[1] - s, tol);
    assert_close(p->y[1], cy[1], tol);
    af_points_free(p);
}

/* Noise 0: circles of radii s and s/2 about the box centre, evenly spaced
 * angles starting at 0, so each class has its mean at the centre. */
static void test_circles_exact(void **state)
{
    (void)state;
    af_grid g = grid_of(64, 2, 10);
    double s = 2.0, c = 6.0, tol = 1e-12;
    size_t n = 99;
    af_points *p = generate(&g, AF_DATA_CIRCLES, n, 0.0, 3);
    double sum[2][2] = {{0, 0}, {0, 0}};
    size_t cc[2] = {0, 0};
    for (size_t k = 0; k < n; k++) {
        int l = p->label[k];
        double r = hypot(p->x[k] - c, p->y[k] - c);
        assert_close(r, l == 0 ? s : s / 2, tol);
        sum[l][0] += p->x[k] - c;
        sum[l][1] += p->y[k] - c;
        cc[l]++;
    }
    for (int l = 0; l < 2; l++) {
        assert_close(sum[l][0] / (double)cc[l], 0.0, tol);
        assert_close(sum[l][1] / (double)cc[l], 0.0, tol);
    }
    assert_close(p->x[0], c + s, tol);
    assert_close(p->y[0], c, tol);
    assert_close(p->x[50], c + s / 2, tol);
    /* Angle step 2 pi / 50 in class 0 (last excluded: no repeat of 0). */
    assert_close(atan2(p->y[1] - c, p->x[1] - c), 2 * PI / 50, tol);
    assert_close(atan2(p->y[49] - c, p->x[49] - c), -2 * PI / 50, tol);
    af_points_free(p);
}

/* Blobs: exact centres at noise 0; for a large count, the class means are
 * near (c -+ s, c) and the spread near noise * s. */
static void test_blobs(void **state)
{
    (void)state;
    af_grid g = grid_of(64, 0, 4);
    double s = 1.0, c = 2.0;
    af_points *p = generate(&g, AF_DATA_BLOBS, 10, 0.0, 9);
    for (size_t k = 0; k < 10; k++) {
        assert_true(p->x[k] == (p->label[k] ? c + s : c - s));
        assert_true(p->y[k] == c);
    }
    af_points_free(p);

    double noise = 0.4;
    size_t n = 40000;
    p = generate(&g, AF_DATA_BLOBS, n, noise, 9);
    double m[2][2] = {{0, 0}, {0, 0}}, v[2] = {0, 0};
    for (size_t k = 0; k < n; k++) {
        m[p->label[k]][0] += p->x[k];
        m[p->label[k]][1] += p->y[k];
    }
    for (int l = 0; l < 2; l++) {
        m[l][0] /= n / 2.0;
        m[l][1] /= n / 2.0;
    }
    for (size_t k = 0; k < n; k++) {
        double dx = p->x[k] - m[p->label[k]][0], dy = p->y[k] - m[p->label[k]][1];
        v[p->label[k]] += dx * dx + dy * dy;
    }
    double se = 5 * noise * s / sqrt(n / 2.0); /* 5 standard errors */
    assert_close(m[0][0], c - s, se);
    assert_close(m[0][1], c, se);
    assert_close(m[1][0], c + s, se);
    assert_close(m[1][1], c, se);
    for (int l = 0; l < 2; l++)
        assert_close(sqrt(v[l] / (double)n), noise * s, 0.02 * noise * s);
    af_points_free(p);
}

/* XOR at noise 0: corners (c +- s, c +- s), label = xor of the signs,
 * alternating corners within a class; with small noise the sign rule still
 * holds (the noise cannot cross an axis at 0.1). */
static void test_xor(void **state)
{
    (void)state;
    af_grid g = grid_of(64, -1, 1);
    double s = 0.5, c = 0.0;
    size_t n = 41;
    af_points *p = generate(&g, AF_DATA_XOR, n, 0.0, 4);
    for (size_t k = 0; k < n; k++) {
        assert_true(fabs(p->x[k] - c) == s && fabs(p->y[k] - c) == s);
        assert_int_equal(p->label[k], (p->x[k] > c) != (p->y[k] > c));
    }
    assert_true(p->x[0] == c + s && p->y[0] == c + s);
    assert_true(p->x[1] == c - s && p->y[1] == c - s);
    assert_true(p->x[21] == c + s && p->y[21] == c - s);
    assert_true(p->x[22] == c - s && p->y[22] == c + s);
    af_points_free(p);

    p = generate(&g, AF_DATA_XOR, 2000, 0.1, 4);
    for (size_t k = 0; k < p->count; k++)
        assert_int_equal(p->label[k], (p->x[k] > c) != (p->y[k] > c));
    af_points_free(p);
}

static void test_generate_errors(void **state)
{
    (void)state;
    af_grid g = grid_of(8, 0, 1);
    af_error err;
    struct {
        af_data_gen d;
        af_status status;
    } bad[] = {
        {{(af_data_kind)4, 10, 0.1, 1}, AF_EINVAL},
        {{(af_data_kind)-1, 10, 0.1, 1}, AF_EINVAL},
        {{AF_DATA_MOONS, 0, 0.1, 1}, AF_EINVAL},
        {{AF_DATA_MOONS, 1, 0.1, 1}, AF_EINVAL},
        {{AF_DATA_BLOBS, AF_POINTS_MAX + 1, 0.1, 1}, AF_EINVAL},
        {{AF_DATA_CIRCLES, 10, -0.1, 1}, AF_EINVAL},
        {{AF_DATA_XOR, 10, NAN, 1}, AF_EINVAL},
        {{AF_DATA_XOR, 10, INFINITY, 1}, AF_EINVAL},
    };
    for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
        af_error_clear(&err);
        assert_null(af_points_generate(&g, &bad[b].d, &err));
        assert_int_equal(err.status, bad[b].status);
        assert_true(strlen(err.msg) > 0);
    }
    af_data_gen ok = {AF_DATA_MOONS, 10, 0.1, 1};
    assert_null(af_points_generate(NULL, &ok, &err));
    assert_int_equal(err.status, AF_EINVAL);
    assert_null(af_points_generate(&g, NULL, &err));
    assert_int_equal(err.status, AF_EINVAL);
    af_grid g3 = g;
    g3.dim = 3;
    assert_null(af_points_generate(&g3, &ok, &err));
    assert_int_equal(err.status, AF_EUNSUP);
}

static void test_kind_names(void **state)
{
    (void)state;
    static const char *names[] = {"moons", "blobs", "circles", "xor"};
    static const double noise[] = {0.1, 0.4, 0.05, 0.3};
    for (int k = 0; k < 4; k++) {
        assert_string_equal(af_data_kind_name((af_data_kind)k), names[k]);
        af_data_kind kind = (af_data_kind)-1;
        assert_int_equal(af_data_kind_parse(names[k], &kind), 0);
        assert_int_equal(kind, k);
        assert_true(af_data_default_noise((af_data_kind)k) == noise[k]);
    }
    af_data_kind kind = AF_DATA_XOR;
    assert_int_equal(af_data_kind_parse("Moons", &kind), -1);
    assert_int_equal(af_data_kind_parse("", &kind), -1);
    assert_int_equal(af_data_kind_parse(NULL, &kind), -1);
    assert_int_equal(kind, AF_DATA_XOR);
    assert_null(af_data_kind_name((af_data_kind)4));
    assert_true(isnan(af_data_default_noise((af_data_kind)4)));
}

/* ------------------------------------------------------------------ */
/* Crop and cells                                                      */

static void test_crop(void **state)
{
    (void)state;
    af_grid g = grid_of(10, -1, 1);
    tu_rng r;
    tu_seed(&r, 8);
    size_t n = 2000;
    af_points *p = af_points_alloc(n, NULL);
    af_points *orig = af_points_alloc(n, NULL);
    assert_non_null(p);
    assert_non_null(orig);
    size_t inside = 0;
    for (size_t k = 0; k < n; k++) {
        double x = 3 * (tu_uniform(&r) - 0.5), y = 3 * (tu_uniform(&r) - 0.5);
        if (k % 10 == 0)
            x = (k % 20 == 0) ? 1.0 : -1.0; /* on the closed box's edge: kept if y is in */
        if (k % 50 == 0)
            y = nextafter(1.0, 2.0); /* just outside */
        p->x[k] = orig->x[k] = x;
        p->y[k] = orig->y[k] = y;
        p->label[k] = orig->label[k] = (uint8_t)(k % 3 == 0);
        inside += x >= -1 && x <= 1 && y >= -1 && y <= 1;
    }
    size_t removed = af_points_crop(p, &g);
    assert_int_equal(removed, n - inside);
    assert_int_equal(p->count, inside);
    /* The kept points are the inside ones, in their order. */
    size_t j = 0;
    for (size_t k = 0; k < n; k++) {
        double x = orig->x[k], y = orig->y[k];
        if (!(x >= -1 && x <= 1 && y >= -1 && y <= 1))
            continue;
        assert_true(same_bits(p->x[j], x) && same_bits(p->y[j], y));
        assert_int_equal(p->label[j], orig->label[k]);
        j++;
    }
    assert_int_equal(j, inside);
    /* Cropping again removes nothing. */
    assert_int_equal(af_points_crop(p, &g), 0);
    assert_int_equal(p->count, inside);
    af_points_free(p);
    af_points_free(orig);

    /* A generated set with large noise: after the crop every point is in
     * the box, and the class counts add up. */
    p = generate(&g, AF_DATA_BLOBS, 1000, 2.0, 6);
    removed = af_points_crop(p, &g);
    assert_true(removed > 0 && removed < 1000);
    size_t cc[2];
    af_points_class_counts(p, cc);
    assert_int_equal(cc[0] + cc[1], p->count);
    assert_int_equal(p->count + removed, 1000);
    for (size_t k = 0; k < p->count; k++)
        assert_true(p->x[k] >= -1 && p->x[k] <= 1 && p->y[k] >= -1 && p->y[k] <= 1);
    af_points_free(p);
}

static void test_cell(void **state)
{
    (void)state;
    af_grid g = grid_of(8, -1, 3);
    af_points *p = af_points_alloc(6, NULL);
    assert_non_null(p);
    double xy[6][2] = {{-1, -1}, {3, 3}, {3, -1}, {-1, 3}, {-0.5, 0.0}, {2.99, 0.49}};
    size_t want[6] = {0, 63, 7, 56, 1 + 8 * 2, 7 + 8 * 2};
    for (int k = 0; k < 6; k++) {
        p->x[k] = xy[k][0];
        p->y[k] = xy[k][1];
    }
    for (size_t k = 0; k < 6; k++)
        assert_int_equal(af_points_cell(p, &g, k), want[k]);
    af_points_free(p);

    /* Every cell centre, and random points, fall in the cell whose
     * interval [lo + i dx, lo + (i + 1) dx) holds them. */
    af_grid h = grid_of(37, -2.5, 1.0);
    p = af_points_alloc(37 * 37 + 500, NULL);
    assert_non_null(p);
    for (int j = 0; j < 37; j++)
        for (int i = 0; i < 37; i++) {
            p->x[i + 37 * j] = af_grid_center(&h, i);
            p->y[i + 37 * j] = af_grid_center(&h, j);
        }
    for (size_t k = 0; k < 37 * 37; k++)
        assert_int_equal(af_points_cell(p, &h, k), k);
    tu_rng r;
    tu_seed(&r, 2);
    for (size_t k = 37 * 37; k < p->count; k++) {
        p->x[k] = h.lo + 3.5 * tu_uniform(&r);
        p->y[k] = h.lo + 3.5 * tu_uniform(&r);
        size_t c = af_points_cell(p, &h, k);
        size_t i = c % 37, j = c / 37;
        assert_true(j < 37);
        assert_true(p->x[k] >= h.lo + (double)i * h.dx - 1e-12);
        assert_true(p->x[k] <= h.lo + (double)(i + 1) * h.dx + 1e-12);
        assert_true(p->y[k] >= h.lo + (double)j * h.dx - 1e-12);
        assert_true(p->y[k] <= h.lo + (double)(j + 1) * h.dx + 1e-12);
    }
    af_points_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc),
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_read_accepts),
        cmocka_unit_test(test_read_errors),
        cmocka_unit_test(test_read_no_newline),
        cmocka_unit_test(test_read_dev_zero),
        cmocka_unit_test(test_read_io_errors),
        cmocka_unit_test(test_write_errors),
        cmocka_unit_test(test_generate_counts),
        cmocka_unit_test(test_generate_determinism),
        cmocka_unit_test(test_moons_exact),
        cmocka_unit_test(test_circles_exact),
        cmocka_unit_test(test_blobs),
        cmocka_unit_test(test_xor),
        cmocka_unit_test(test_generate_errors),
        cmocka_unit_test(test_kind_names),
        cmocka_unit_test(test_crop),
        cmocka_unit_test(test_cell),
    };
    return cmocka_run_group_tests_name("points", tests, setup_dir, teardown_dir);
}
