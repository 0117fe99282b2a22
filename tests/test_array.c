/* advflow tests: grid fields in .npy and .csv files (src/array.c).
 *
 * Every file the tests read, good or broken, is written here at run time
 * into a fresh temporary directory (removed at the end): no binary
 * fixtures.  Hand-made .npy files are built byte by byte the way numpy
 * lays them out, independently of advflow's writer.
 * GPL-3.0-or-later.
 */
#include <dirent.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "testfiles.h"

#include "advflow/array.h"

static int setup_dir(void **state)
{
    (void)state;
    return tu_setup_dir("array");
}

static void make_grid(af_grid *g, int n)
{
    assert_int_equal(af_grid_init(g, 2, n, -1.0, 2.0, AF_EDGE_CLAMP, NULL), AF_OK);
}

static void write_bytes(const char *path, const void *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    if (len)
        assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

/* The whole file at path; *len its size.  Caller frees. */
static unsigned char *read_bytes(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    long size = ftell(fp);
    assert_true(size >= 0);
    rewind(fp);
    unsigned char *buf = malloc((size_t)size + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)size, fp), (size_t)size);
    fclose(fp);
    *len = (size_t)size;
    return buf;
}

/* ------------------------------------------------------------------ */
/* Hand-made .npy files                                                */

/* Little-endian item bytes, written independently of src/array.c. */
static void le_f64(unsigned char *p, double v)
{
    uint64_t u;
    memcpy(&u, &v, 8);
    for (int b = 0; b < 8; b++)
        p[b] = (unsigned char)(u >> (8 * b));
}

static void le_f32(unsigned char *p, float v)
{
    uint32_t u;
    memcpy(&u, &v, 4);
    for (int b = 0; b < 4; b++)
        p[b] = (unsigned char)(u >> (8 * b));
}

/* A .npy file as numpy lays it out: magic, version major.0, the header
 * length (2 bytes for version 1, 4 otherwise), the dict text, blanks and a
 * newline up to a multiple of align bytes (64 today, 16 in old files), then
 * len data bytes.  align = 0 puts the dict as it is, without padding or
 * newline. */
static void write_npy(const char *path, int major, const char *dict, int align,
                      const void *data, size_t len)
{
    size_t lenbytes = major == 1 ? 2 : 4;
    size_t dlen = strlen(dict);
    size_t hlen = dlen;
    if (align > 0) {
        hlen = dlen + 1;
        size_t pre = 8 + lenbytes + hlen;
        if (pre % (size_t)align)
            hlen += (size_t)align - pre % (size_t)align;
    }
    size_t total = 8 + lenbytes + hlen + len;
    unsigned char *buf = malloc(total);
    assert_non_null(buf);
    memcpy(buf, "\x93NUMPY", 6);
    buf[6] = (unsigned char)major;
    buf[7] = 0;
    for (size_t b = 0; b < lenbytes; b++)
        buf[8 + b] = (unsigned char)(hlen >> (8 * b));
    unsigned char *h = buf + 8 + lenbytes;
    memcpy(h, dict, dlen);
    if (align > 0) {
        memset(h + dlen, ' ', hlen - dlen - 1);
        h[hlen - 1] = '\n';
    }
    if (len)
        memcpy(h + hlen, data, len);
    write_bytes(path, buf, total);
    free(buf);
}

/* 4 x 4 test values a[j, i] = 10 j + i + 0.25, as little-endian float64. */
static void values_4x4_f8(unsigned char data[128])
{
    for (int j = 0; j < 4; j++)
        for (int i = 0; i < 4; i++)
            le_f64(data + 8 * (4 * j + i), 10.0 * j + i + 0.25);
}

/* The field read from path is a[j, i] = 10 j + i + 0.25 at index i + 4 j. */
static void check_4x4(const char *path)
{
    af_grid g;
    make_grid(&g, 4);
    double f[16];
    af_error err;
    af_error_clear(&err);
    af_status st = af_array_read(path, &g, f, &err);
    if (st != AF_OK)
        fail_msg("%s: %s", path, err.msg);
    for (int j = 0; j < 4; j++)
        for (int i = 0; i < 4; i++)
            assert_true(f[i + 4 * j] == 10.0 * j + i + 0.25);
}

/* Reading path on an n x n grid fails with status, and the message names
 * the file and contains part. */
static void check_fails(const char *path, int n, af_status status, const char *part)
{
    af_grid g;
    make_grid(&g, n);
    double *f = malloc((size_t)n * (size_t)n * sizeof *f);
    assert_non_null(f);
    af_error err;
    af_error_clear(&err);
    af_status st = af_array_read(path, &g, f, &err);
    free(f);
    if (st != status)
        fail_msg("%s: status %d, expected %d (%s)", path, (int)st, (int)status, err.msg);
    assert_int_equal(err.status, status);
    if (!strstr(err.msg, path))
        fail_msg("message does not name the file: %s", err.msg);
    if (part && !strstr(err.msg, part))
        fail_msg("message lacks \"%s\": %s", part, err.msg);
}

/* ------------------------------------------------------------------ */
/* .npy round trips and layout                                         */

static void test_npy_roundtrip_f64(void **state)
{
    (void)state;
    const int sizes[] = {1, 2, 37, 100};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        int n = sizes[s];
        af_grid g;
        make_grid(&g, n);
        size_t cells = af_grid_cells(&g);
        double *f = malloc(cells * sizeof *f), *back = malloc(cells * sizeof *back);
        assert_non_null(f);
        assert_non_null(back);
        tu_rng r;
        tu_seed(&r, 11 + (uint64_t)n);
        /* Awkward values among the random ones: signed zero, subnormals,
         * extremes. */
        const double special[] = {-0.0, 5e-324, -DBL_MIN, DBL_MAX, -DBL_MAX, 1e-300, 0.1};
        for (size_t k = 0; k < cells; k++)
            f[k] = k < sizeof special / sizeof special[0]
                       ? special[k]
                       : (tu_uniform(&r) - 0.5) * pow(10.0, (double)(tu_next(&r) % 40) - 20);
        char path[256];
        tpath(path, sizeof path, "f64.npy");
        af_error err;
        assert_int_equal(af_array_write_npy(path, &g, f, AF_DTYPE_F64, &err), AF_OK);
        assert_int_equal(af_array_read(path, &g, back, &err), AF_OK);
        assert_memory_equal(f, back, cells * sizeof *f); /* bitwise */
        assert_int_equal(af_array_read_npy(path, &g, back, &err), AF_OK);
        assert_memory_equal(f, back, cells * sizeof *f);
        free(f);
        free(back);
    }
    char path[256];
    assert_int_equal(count_entries(tmpdir, ".tmp."), 0);
    unlink(tpath(path, sizeof path, "f64.npy"));
}

static void test_npy_roundtrip_f32_u8(void **state)
{
    (void)state;
    int n = 23;
    af_grid g;
    make_grid(&g, n);
    size_t cells = af_grid_cells(&g);
    float *f = malloc(cells * sizeof *f);
    uint8_t *u = malloc(cells);
    double *back = malloc(cells * sizeof *back);
    assert_non_null(f);
    assert_non_null(u);
    assert_non_null(back);
    tu_rng r;
    tu_seed(&r, 5);
    for (size_t k = 0; k < cells; k++) {
        f[k] = (float)((tu_uniform(&r) - 0.5) * 1e6);
        u[k] = (uint8_t)(k % 256); /* every byte value occurs */
    }
    f[0] = FLT_MAX;
    f[1] = -FLT_TRUE_MIN;
    char path[256];
    tpath(path, sizeof path, "f32.npy");
    af_error err;
    assert_int_equal(af_array_write_npy(path, &g, f, AF_DTYPE_F32, &err), AF_OK);
    assert_int_equal(af_array_read(path, &g, back, &err), AF_OK);
    for (size_t k = 0; k < cells; k++)
        assert_true(back[k] == (double)f[k]); /* float -> double is exact */

    tpath(path, sizeof path, "u8.npy");
    assert_int_equal(af_array_write_npy(path, &g, u, AF_DTYPE_U8, &err), AF_OK);
    assert_int_equal(af_array_read(path, &g, back, &err), AF_OK);
    for (size_t k = 0; k < cells; k++)
        assert_true(back[k] == (double)u[k]);
    free(f);
    free(u);
    free(back);
}

/* What the writer puts in the file, checked byte by byte: the preamble is
 * a multiple of 64 bytes, ends in a newline and holds numpy's dict; the
 * data are C order a[j, i] = f[i + n j], little endian. */
static void test_npy_file_layout(void **state)
{
    (void)state;
    const int sizes[] = {1, 9, 10, 99, 100, 1000};
    const char *descr[] = {"<f8", "<f4", "|u1"};
    const size_t itemsize[] = {8, 4, 1};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        int n = sizes[s];
        af_grid g;
        make_grid(&g, n);
        size_t cells = af_grid_cells(&g);
        double *fd = malloc(cells * sizeof *fd);
        float *ff = malloc(cells * sizeof *ff);
        uint8_t *fu = malloc(cells);
        assert_non_null(fd);
        assert_non_null(ff);
        assert_non_null(fu);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) {
                size_t k = (size_t)i + (size_t)n * (size_t)j;
                fd[k] = af_grid_center(&g, i) + 1000.0 * j; /* x_i, marked by row */
                ff[k] = (float)fd[k];
                fu[k] = (uint8_t)(i + 3 * j);
            }
        const void *data[] = {fd, ff, fu};
        for (int dt = 0; dt < 3; dt++) {
            char path[256];
            tpath(path, sizeof path, "layout.npy");
            af_error err;
            assert_int_equal(af_array_write_npy(path, &g, data[dt], (af_dtype)dt, &err), AF_OK);
            size_t len;
            unsigned char *b = read_bytes(path, &len);
            assert_memory_equal(b, "\x93NUMPY\x01\x00", 8);
            size_t hlen = (size_t)b[8] | (size_t)b[9] << 8;
            size_t pre = 10 + hlen;
            assert_int_equal(pre % 64, 0);
            assert_int_equal(b[pre - 1], '\n');
            assert_int_equal(len, pre + cells * itemsize[dt]);
            char dict[160];
            snprintf(dict, sizeof dict,
                     "{'descr': '%s', 'fortran_order': False, 'shape': (%d, %d), }", descr[dt], n,
                     n);
            assert_memory_equal(b + 10, dict, strlen(dict));
            for (size_t c = 10 + strlen(dict); c < pre - 1; c++)
                assert_int_equal(b[c], ' ');
            for (int j = 0; j < n; j++)
                for (int i = 0; i < n; i++) {
                    size_t k = (size_t)i + (size_t)n * (size_t)j;
                    unsigned char want[8];
                    if (dt == 0)
                        le_f64(want, fd[k]);
                    else if (dt == 1)
                        le_f32(want, ff[k]);
                    else
                        want[0] = fu[k];
                    /* a[j, i] sits at C-order position j * n + i */
                    const unsigned char *got = b + pre + ((size_t)j * n + i) * itemsize[dt];
                    if (memcmp(got, want, itemsize[dt]) != 0)
                        fail_msg("n = %d %s: a[%d, %d] is not f[i + n j]", n, descr[dt], j, i);
                }
            free(b);
        }
        free(fd);
        free(ff);
        free(fu);
    }
}

/* Files written the way numpy writes them, or with the variations older
 * numpy versions and other tools use, all read as a[j, i] -> f[i + n j]. */
static void test_npy_handmade(void **state)
{
    (void)state;
    unsigned char d8[128];
    values_4x4_f8(d8);
    char path[256];

    /* numpy 1.x without the growth blanks, 64-byte aligned */
    tpath(path, sizeof path, "hand.npy");
    write_npy(path, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4, 4), }", 64, d8, 128);
    {
        size_t len;
        unsigned char *b = read_bytes(path, &len);
        assert_int_equal(len, 128 + 128); /* a 60-character dict pads to 128 */
        free(b);
    }
    check_4x4(path);

    /* numpy >= 1.24: 21 - len("4") spare blanks after the dict */
    write_npy(path, 1,
              "{'descr': '<f8', 'fortran_order': False, 'shape': (4, 4), }                    ",
              64, d8, 128);
    check_4x4(path);

    /* old numpy: 16-byte alignment; Python 2 longs */
    write_npy(path, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4L, 4L), }", 16, d8,
              128);
    check_4x4(path);

    /* other key order, double quotes, no trailing comma, tuple trailing
     * comma, odd spacing, no padding at all */
    write_npy(path, 1, "{\"shape\":(4,4,),\"fortran_order\" : False , 'descr':\"<f8\"}", 0, d8,
              128);
    check_4x4(path);
    write_npy(path, 1, "{ 'shape': ( 4 , 4 ) , 'descr': '<f8', 'fortran_order': False,}\t\r", 0,
              d8, 128);
    check_4x4(path);

    /* versions 2.0 and 3.0: 4-byte header length */
    tpath(path, sizeof path, "v2.npy");
    write_npy(path, 2, "{'descr': '<f8', 'fortran_order': False, 'shape': (4, 4), }", 64, d8, 128);
    check_4x4(path);
    tpath(path, sizeof path, "v3.npy");
    write_npy(path, 3, "{'descr': '<f8', 'fortran_order': False, 'shape': (4, 4), }", 64, d8, 128);
    check_4x4(path);

    /* float32 and uint8 ('|u1' as numpy writes it, '<u1' as some tools do) */
    unsigned char d4[64], d1[16];
    for (int k = 0; k < 16; k++) {
        le_f32(d4 + 4 * k, (float)(10 * (k / 4) + k % 4) + 0.25f);
        d1[k] = (unsigned char)(10 * (k / 4) + k % 4);
    }
    tpath(path, sizeof path, "f4.npy");
    write_npy(path, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 4), }", 64, d4, 64);
    check_4x4(path);
    const char *u1[] = {"{'descr': '|u1', 'fortran_order': False, 'shape': (4, 4), }",
                        "{'descr': '<u1', 'fortran_order': False, 'shape': (4, 4), }"};
    for (int v = 0; v < 2; v++) {
        tpath(path, sizeof path, "u1.npy");
        write_npy(path, 1, u1[v], 64, d1, 16);
        af_grid g;
        make_grid(&g, 4);
        double f[16];
        af_error err;
        assert_int_equal(af_array_read_npy(path, &g, f, &err), AF_OK);
        for (int j = 0; j < 4; j++)
            for (int i = 0; i < 4; i++)
                assert_true(f[i + 4 * j] == 10.0 * j + i);
    }
}

/* ------------------------------------------------------------------ */
/* .npy errors                                                         */

static void test_npy_errors(void **state)
{
    (void)state;
    unsigned char d8[128 + 8];
    values_4x4_f8(d8);
    memset(d8 + 128, 0, 8);
    char path[256];
    static const char good[] = "{'descr': '<f8', 'fortran_order': False, 'shape': (4, 4), }";

    tpath(path, sizeof path, "missing.npy");
    check_fails(path, 4, AF_EIO, strerror(ENOENT));
    tpath(path, sizeof path, "dir.npy");
    assert_int_equal(mkdir(path, 0755), 0);
    check_fails(path, 4, AF_EIO, NULL);
    rmdir(path);

    tpath(path, sizeof path, "empty.npy");
    write_bytes(path, "", 0);
    check_fails(path, 4, AF_EFORMAT, "empty");

    tpath(path, sizeof path, "magic.npy");
    write_bytes(path, "\x93NUMPX\x01\x00\x10\x00{}", 12);
    check_fails(path, 4, AF_EFORMAT, "not a .npy file");
    write_bytes(path, "hello, world\n", 13);
    check_fails(path, 4, AF_EFORMAT, "not a .npy file");

    /* the file ends inside the preamble or the dict */
    tpath(path, sizeof path, "short.npy");
    write_bytes(path, "\x93NUM", 4);
    check_fails(path, 4, AF_EFORMAT, "truncated .npy header");
    write_bytes(path, "\x93NUMPY\x01\x00\x76", 9);
    check_fails(path, 4, AF_EFORMAT, "truncated .npy header");
    {
        static const char cut[] = "\x93NUMPY\x01\x00\x76\x00{'descr': '<f8', 'fortran_o";
        write_bytes(path, cut, sizeof cut - 1);
        check_fails(path, 4, AF_EFORMAT, "truncated .npy header: expected 118 bytes, found 27");
    }

    tpath(path, sizeof path, "version.npy");
    write_bytes(path, "\x93NUMPY\x04\x00\x76\x00", 10);
    check_fails(path, 4, AF_EFORMAT, "version 4.0");
    write_bytes(path, "\x93NUMPY\x01\x01\x76\x00", 10);
    check_fails(path, 4, AF_EFORMAT, "version 1.1");

    /* an absurd header length is refused before anything is allocated */
    tpath(path, sizeof path, "hlen.npy");
    write_bytes(path, "\x93NUMPY\x02\x00\xff\xff\xff\xff{", 13);
    check_fails(path, 4, AF_EFORMAT, "exceeds the limit");

    struct {
        const char *dict, *part;
    } bad[] = {
        {"{'descr': '>f8', 'fortran_order': False, 'shape': (4, 4), }", "big-endian dtype '>f8'"},
        {"{'descr': '>f4', 'fortran_order': False, 'shape': (4, 4), }", "big-endian dtype '>f4'"},
        {"{'descr': '=f8', 'fortran_order': False, 'shape': (4, 4), }", "byte order"},
        {"{'descr': '<i8', 'fortran_order': False, 'shape': (4, 4), }", "unsupported dtype '<i8'"},
        {"{'descr': '<f2', 'fortran_order': False, 'shape': (4, 4), }", "unsupported dtype '<f2'"},
        {"{'descr': '<c16', 'fortran_order': False, 'shape': (4, 4), }",
         "unsupported dtype '<c16'"},
        {"{'descr': '|b1', 'fortran_order': False, 'shape': (4, 4), }", "unsupported dtype '|b1'"},
        {"{'descr': '|O', 'fortran_order': False, 'shape': (4, 4), }", "unsupported dtype '|O'"},
        {"{'descr': [('x', '<f8'), ('y', '<f8')], 'fortran_order': False, 'shape': (4, 4), }",
         "structured dtype"},
        {"{'descr': '<f8', 'fortran_order': True, 'shape': (4, 4), }", "Fortran order"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (5, 5), }",
         "has shape (5, 5), the grid needs (4, 4)"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (4, 8), }",
         "has shape (4, 8), the grid needs (4, 4)"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (16,), }",
         "has shape (16,), the grid needs (4, 4); save a.reshape(4, 4)"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (4, 4, 1), }",
         "has shape (4, 4, 1), the grid needs (4, 4)"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (), }", "has shape (), the grid"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999, 4), }",
         "does not parse"},
        /* headers that do not parse */
        {"{'descr': '<f8', 'shape': (4, 4), }", "'fortran_order' key"},
        {"{'fortran_order': False, 'shape': (4, 4), }", "'descr' key"},
        {"{'descr': '<f8', 'fortran_order': False, }", "'shape' key"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (4, 4), 'x': 1}", "keys"},
        {"{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (4, 4)}", "once"},
        {"{'descr': '<f8', 'fortran_order': 0, 'shape': (4, 4), }", "True or False"},
        {"{'descr': '<f8', 'fortran_order': Falsey, 'shape': (4, 4), }", "True or False"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': [4, 4], }", "shape tuple"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (4, -4), }", "integer"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (4 4), }", "in the shape tuple"},
        {"{'descr': '<f8' 'fortran_order': False, 'shape': (4, 4), }", "',' or '}'"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (4, 4), } x", "only blanks"},
        {"{'descr: '<f8', 'fortran_order': False, 'shape': (4, 4), }", "does not parse"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (4, 4), ", "does not parse"},
        {"['descr', '<f8']", "'{'"},
        {"", "does not parse"},
    };
    tpath(path, sizeof path, "bad.npy");
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        write_npy(path, 1, bad[k].dict, 64, d8, 128);
        check_fails(path, 4, AF_EFORMAT, bad[k].part);
    }
    /* a NUL inside the dtype string does not pass for '<f8' */
    {
        static const char dict[] = "{'descr': '<f8\0x', 'fortran_order': False, 'shape': (4, 4), }";
        unsigned char buf[256];
        memcpy(buf, "\x93NUMPY\x01\x00\x76\x00", 10);
        memset(buf + 10, ' ', 118);
        memcpy(buf + 10, dict, sizeof dict - 1);
        buf[127] = '\n';
        memcpy(buf + 128, d8, 128);
        write_bytes(path, buf, 256);
        check_fails(path, 4, AF_EFORMAT, "unsupported dtype '<f8?x'");
    }

    /* data shorter or longer than the shape says */
    tpath(path, sizeof path, "truncated.npy");
    write_npy(path, 1, good, 64, d8, 120);
    check_fails(path, 4, AF_EFORMAT, "truncated: expected 128 bytes of data, found 120");
    write_npy(path, 1, good, 64, d8, 0);
    check_fails(path, 4, AF_EFORMAT, "expected 128 bytes of data, found 0");
    tpath(path, sizeof path, "trailing.npy");
    write_npy(path, 1, good, 64, d8, 129);
    check_fails(path, 4, AF_EFORMAT, "1 trailing bytes");
    write_npy(path, 1, good, 64, d8, 136);
    check_fails(path, 4, AF_EFORMAT, "trailing bytes");

    /* non-finite entries are named [j, i] */
    tpath(path, sizeof path, "nan.npy");
    unsigned char dn[128];
    memcpy(dn, d8, 128);
    le_f64(dn + 8 * (4 * 2 + 3), NAN);
    write_npy(path, 1, good, 64, dn, 128);
    check_fails(path, 4, AF_EFORMAT, "entry [2, 3]");
    check_fails(path, 4, AF_EFORMAT, "NaN");
    memcpy(dn, d8, 128);
    le_f64(dn + 8 * 1, -INFINITY);
    write_npy(path, 1, good, 64, dn, 128);
    check_fails(path, 4, AF_EFORMAT, "entry [0, 1] (row j, column i) is -inf");
    unsigned char d4[64] = {0};
    le_f32(d4 + 4 * 15, INFINITY);
    write_npy(path, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 4), }", 64, d4, 64);
    check_fails(path, 4, AF_EFORMAT, "entry [3, 3] (row j, column i) is inf");

    /* a grid other than the file's */
    tpath(path, sizeof path, "good.npy");
    write_npy(path, 1, good, 64, d8, 128);
    check_4x4(path);
    check_fails(path, 8, AF_EFORMAT, "has shape (4, 4), the grid needs (8, 8)");

    /* /dev/zero is not a .npy file and does not hang the reader */
    af_grid g;
    make_grid(&g, 4);
    double f[16];
    af_error err;
    assert_int_equal(af_array_read_npy("/dev/zero", &g, f, &err), AF_EFORMAT);
    assert_non_null(strstr(err.msg, "/dev/zero"));
}

/* Every prefix of a good file and random corruptions of it: the reader
 * returns AF_OK or AF_EFORMAT with a message naming the file, never
 * crashes (run under a sanitizer to see more). */
static void test_npy_fuzz(void **state)
{
    (void)state;
    af_grid g;
    make_grid(&g, 4);
    double src[16], f[16];
    for (int k = 0; k < 16; k++)
        src[k] = k * 0.5;
    char path[256], bad[256];
    tpath(path, sizeof path, "fuzz_src.npy");
    tpath(bad, sizeof bad, "fuzz.npy");
    af_error err;
    assert_int_equal(af_array_write_npy(path, &g, src, AF_DTYPE_F64, &err), AF_OK);
    size_t len;
    unsigned char *b = read_bytes(path, &len);
    for (size_t cut = 0; cut < len; cut++) {
        write_bytes(bad, b, cut);
        af_error_clear(&err);
        assert_int_equal(af_array_read_npy(bad, &g, f, &err), AF_EFORMAT);
        assert_non_null(strstr(err.msg, bad));
    }
    tu_rng r;
    tu_seed(&r, 99);
    unsigned char *m = malloc(len);
    assert_non_null(m);
    for (int trial = 0; trial < 3000; trial++) {
        memcpy(m, b, len);
        int flips = 1 + (int)(tu_next(&r) % 4);
        for (int k = 0; k < flips; k++) {
            /* mostly the preamble, where the parser is */
            size_t at = tu_next(&r) % 4 ? tu_next(&r) % 128 : tu_next(&r) % len;
            m[at] = (unsigned char)tu_next(&r);
        }
        write_bytes(bad, m, len);
        af_error_clear(&err);
        af_status st = af_array_read_npy(bad, &g, f, &err);
        if (st != AF_OK && st != AF_EFORMAT)
            fail_msg("trial %d: status %d: %s", trial, (int)st, err.msg);
        if (st != AF_OK && !strstr(err.msg, bad))
            fail_msg("trial %d: message does not name the file: %s", trial, err.msg);
    }
    free(m);
    free(b);
}

static void test_arguments(void **state)
{
    (void)state;
    af_grid g;
    make_grid(&g, 4);
    double f[16] = {0};
    char path[256];
    tpath(path, sizeof path, "args.npy");
    af_error err;
    assert_int_equal(af_array_read(NULL, &g, f, &err), AF_EINVAL);
    assert_int_equal(af_array_read(path, NULL, f, &err), AF_EINVAL);
    assert_int_equal(af_array_read(path, &g, NULL, &err), AF_EINVAL);
    assert_int_equal(af_array_read_npy(NULL, &g, f, &err), AF_EINVAL);
    assert_int_equal(af_array_read_csv(path, &g, NULL, &err), AF_EINVAL);
    assert_int_equal(af_array_write_npy(NULL, &g, f, AF_DTYPE_F64, &err), AF_EINVAL);
    assert_int_equal(af_array_write_npy(path, NULL, f, AF_DTYPE_F64, &err), AF_EINVAL);
    assert_int_equal(af_array_write_npy(path, &g, NULL, AF_DTYPE_F64, &err), AF_EINVAL);
    assert_int_equal(af_array_write_npy(path, &g, f, (af_dtype)7, &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "dtype"));
    af_grid g3 = g;
    g3.dim = 3;
    assert_int_equal(af_array_read(path, &g3, f, &err), AF_EUNSUP);
    af_grid g0 = g;
    g0.n = 0;
    assert_int_equal(af_array_write_npy(path, &g0, f, AF_DTYPE_F64, &err), AF_EINVAL);
    assert_int_equal(count_entries(tmpdir, "args"), 0); /* nothing written */

    /* the suffix chooses the format, in any case */
    tpath(path, sizeof path, "field.txt");
    assert_int_equal(af_array_read(path, &g, f, &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, path));
    assert_non_null(strstr(err.msg, ".npy or .csv"));
    tpath(path, sizeof path, "npy");
    assert_int_equal(af_array_read(path, &g, f, &err), AF_EINVAL);
    unsigned char d8[128];
    values_4x4_f8(d8);
    tpath(path, sizeof path, "UPPER.NPY");
    write_npy(path, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4, 4), }", 64, d8, 128);
    check_4x4(path);
    tpath(path, sizeof path, "Mixed.Csv");
    {
        static const char text[] = "0.25 1.25 2.25 3.25\n10.25 11.25 12.25 13.25\n"
                                   "20.25 21.25 22.25 23.25\n30.25 31.25 32.25 33.25\n";
        write_bytes(path, text, sizeof text - 1);
    }
    check_4x4(path);
    /* the explicit readers ignore the suffix */
    assert_int_equal(af_array_read_csv(path, &g, f, &err), AF_OK);
    assert_int_equal(af_array_read_npy(path, &g, f, &err), AF_EFORMAT);
}

static void test_write_errors(void **state)
{
    (void)state;
    af_grid g;
    make_grid(&g, 4);
    double f[16] = {0};
    char path[256];
    af_error err;
    tpath(path, sizeof path, "no/such/dir/x.npy");
    assert_int_equal(af_array_write_npy(path, &g, f, AF_DTYPE_F64, &err), AF_EIO);
    assert_non_null(strstr(err.msg, path));
    /* a directory as the target is refused before anything is written */
    tpath(path, sizeof path, "taken.npy");
    assert_int_equal(mkdir(path, 0755), 0);
    char sub[300];
    snprintf(sub, sizeof sub, "%s/inside", path);
    write_bytes(sub, "x", 1);
    assert_int_equal(af_array_write_npy(path, &g, f, AF_DTYPE_F64, &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, path));
    assert_int_equal(count_entries(tmpdir, ".tmp."), 0);
    unlink(sub);
    rmdir(path);

    /* an existing file is replaced whole, with mode 0644 */
    tpath(path, sizeof path, "replace.npy");
    write_bytes(path, "old contents that are longer than nothing", 41);
    for (int k = 0; k < 16; k++)
        f[k] = k;
    assert_int_equal(af_array_write_npy(path, &g, f, AF_DTYPE_F64, &err), AF_OK);
    double back[16];
    assert_int_equal(af_array_read(path, &g, back, &err), AF_OK);
    assert_memory_equal(f, back, sizeof f);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0644);
}

/* ------------------------------------------------------------------ */
/* CSV                                                                 */

static void test_csv_roundtrip(void **state)
{
    (void)state;
    int n = 17;
    af_grid g;
    make_grid(&g, n);
    size_t cells = af_grid_cells(&g);
    double *f = malloc(cells * sizeof *f), *back = malloc(cells * sizeof *back);
    assert_non_null(f);
    assert_non_null(back);
    tu_rng r;
    tu_seed(&r, 3);
    for (size_t k = 0; k < cells; k++)
        f[k] = (tu_uniform(&r) - 0.5) * pow(10.0, (double)(tu_next(&r) % 20) - 10);
    f[0] = -0.0;
    f[1] = 5e-324;
    /* Three spellings: commas, blanks, commas with blanks, plus comments,
     * blank lines and CRLF ends; %.17g round-trips doubles exactly. */
    const char *sep[] = {",", " \t ", " , "};
    for (int v = 0; v < 3; v++) {
        char path[256];
        tpath(path, sizeof path, "rt.csv");
        FILE *fp = fopen(path, "wb");
        assert_non_null(fp);
        fprintf(fp, "# scores, row j = 0 first\n\n");
        for (int j = 0; j < n; j++) {
            if (j == 5)
                fprintf(fp, "   # a comment between rows\n  \t\n");
            fprintf(fp, v == 1 ? "  " : "");
            for (int i = 0; i < n; i++)
                fprintf(fp, "%s%.17g", i ? sep[v] : "", f[(size_t)i + (size_t)n * (size_t)j]);
            fprintf(fp, v == 2 ? " \r\n" : "\n");
        }
        fprintf(fp, "# end\n\n");
        assert_int_equal(fclose(fp), 0);
        af_error err;
        af_error_clear(&err);
        if (af_array_read(path, &g, back, &err) != AF_OK)
            fail_msg("%s", err.msg);
        assert_memory_equal(f, back, cells * sizeof *f);
    }
    /* no newline after the last line; hexadecimal and signed forms */
    char path[256];
    tpath(path, sizeof path, "small.csv");
    const char text[] = "0x1p-2,+1.25,2.25,3.25e0\n10.25,11.25,12.25,13.25\n"
                        "20.25,21.25,22.25,23.25\n30.25,31.25,32.25,33.25";
    write_bytes(path, text, sizeof text - 1);
    check_4x4(path);
    free(f);
    free(back);
}

/* Write text to name and check that reading it on a 4 x 4 grid fails with
 * a message containing part (after the file name). */
static void csv_fails(const char *name, const char *text, const char *part)
{
    char path[256], want[400];
    tpath(path, sizeof path, name);
    write_bytes(path, text, strlen(text));
    snprintf(want, sizeof want, "%s%s", path, part);
    check_fails(path, 4, AF_EFORMAT, want);
}

static void test_csv_errors(void **state)
{
    (void)state;
    static const char rows[] = "1,2,3,4\n5,6,7,8\n9,10,11,12\n";
    char text[512];

    csv_fails("count.csv", "1,2,3,4\n5,6,7,8\n9,10,11\n13,14,15,16\n",
              ":3: expected 4 values, got 3");
    csv_fails("count.csv", "# head\n1,2,3,4\n5,6,7,8,9\n", ":3: expected 4 values, got 5");
    csv_fails("lines.csv", rows, ": expected 4 data lines of 4 values, found 3");
    csv_fails("empty.csv", "", ": expected 4 data lines of 4 values, found 0");
    csv_fails("comments.csv", "# only\n\n# comments\n", ": expected 4 data lines");
    snprintf(text, sizeof text, "%s13,14,15,16\n\n17,18,19,20\n", rows);
    csv_fails("more.csv", text, ":6: more than 4 data lines");
    snprintf(text, sizeof text, "%s13,14,abc,16\n", rows);
    csv_fails("word.csv", text, ":4: value 3 (column 7) is not a number: 'abc'");
    csv_fails("word.csv", "1,2,3,4\n5,6,7,8x\n", ":2: value 4 (column 7) is not a number: '8x'");
    csv_fails("word.csv", "1;2;3;4\n", ":1: value 1 (column 1) is not a number: '1;2;3;4'");
    csv_fails("quote.csv", "\"1\",2,3,4\n", ":1: value 1 (column 1) is not a number");
    csv_fails("empty_value.csv", "1,,3,4\n", ":1: empty value 2");
    csv_fails("empty_value.csv", "1,2,3,4,\n", ":1: empty value 5");
    csv_fails("empty_value.csv", ",1,2,3,4\n", ":1: empty value 1 (column 1)");
    snprintf(text, sizeof text, "%s13,nan,15,16\n", rows);
    csv_fails("nan.csv", text, ":4: entry [3, 1] (row j, column i) is 'nan', NaN");
    csv_fails("inf.csv", "1,2,3,4\n5 6 -inf 8\n", ":2: entry [1, 2] (row j, column i) is '-inf'");
    csv_fails("inf.csv", "1,2,3,1e999\n", ":1: entry [0, 3] (row j, column i) is '1e999', inf");

    /* NUL bytes, as in a binary file given by mistake */
    char path[256], want[300];
    tpath(path, sizeof path, "nul.csv");
    write_bytes(path, "1,2,3,4\n5,6\0,7,8\n", 17);
    snprintf(want, sizeof want, "%s:2: NUL byte at column 4", path);
    check_fails(path, 4, AF_EFORMAT, want);

    /* a line beyond the limit n * 64 + 1024, without a newline */
    tpath(path, sizeof path, "long.csv");
    size_t len = 4 * 64 + 1024 + 10;
    char *big = malloc(len);
    assert_non_null(big);
    memset(big, '1', len);
    write_bytes(path, big, len);
    free(big);
    snprintf(want, sizeof want, "%s:1: line longer than 1280 characters", path);
    check_fails(path, 4, AF_EFORMAT, want);

    tpath(path, sizeof path, "missing.csv");
    check_fails(path, 4, AF_EIO, strerror(ENOENT));

    /* /dev/zero: stops at once on the NUL byte */
    af_grid g;
    make_grid(&g, 4);
    double f[16];
    af_error err;
    assert_int_equal(af_array_read_csv("/dev/zero", &g, f, &err), AF_EFORMAT);
    assert_non_null(strstr(err.msg, "/dev/zero:1: NUL byte"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_npy_roundtrip_f64),
        cmocka_unit_test(test_npy_roundtrip_f32_u8),
        cmocka_unit_test(test_npy_file_layout),
        cmocka_unit_test(test_npy_handmade),
        cmocka_unit_test(test_npy_errors),
        cmocka_unit_test(test_npy_fuzz),
        cmocka_unit_test(test_arguments),
        cmocka_unit_test(test_write_errors),
        cmocka_unit_test(test_csv_roundtrip),
        cmocka_unit_test(test_csv_errors),
    };
    return cmocka_run_group_tests_name("array", tests, setup_dir, teardown_dir);
}
