/* advflow: fields on the grid in files, as NumPy .npy and as CSV.
 *
 * The .npy reader and writer are advflow's own (no Python, no library):
 * the format is a fixed preamble, a Python dict literal and the raw data.
 * The dict is parsed by a small recursive-descent parser that accepts
 * exactly the literals numpy writes (and the variations older versions and
 * hand-written files use: either quote, any key order, optional trailing
 * comma, Python 2 "256L" integers), and rejects everything else with a
 * message naming what was found.
 *
 * Values travel as explicit little-endian bytes (assembled and split with
 * shifts), so the code is the same on any host byte order: that is the
 * byte swap a big-endian host needs, done without asking which host it is.
 *
 * Nothing read from a file sizes an allocation: the header buffer is
 * bounded by AF_NPY_MAX_HEADER, the data go through a fixed chunk straight
 * into the caller's field once the shape has been checked against the
 * grid, and CSV lines are bounded by af_csv_max_line().
 *
 * GPL-3.0-or-later.
 */
#include "advflow/array.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "advflow/file.h"
#include "internal.h"

/* The .npy data are IEEE 754 binary64 / binary32; so must double and float
 * be for the bit copies below. */
_Static_assert(sizeof(double) == 8 && DBL_MANT_DIG == 53, "double must be IEEE binary64");
_Static_assert(sizeof(float) == 4 && FLT_MANT_DIG == 24, "float must be IEEE binary32");

/* Longest .npy header accepted (numpy's own limit is 10000 bytes for
 * untrusted files; a (n, n) header is about 128 bytes). */
#define AF_NPY_MAX_HEADER 65536
/* Most dimensions a shape may list (numpy's NPY_MAXDIMS is 64). */
#define AF_NPY_MAX_DIMS 64
/* Data are read and written through a buffer of this many bytes, a
 * multiple of every item size. */
#define AF_NPY_CHUNK 65536
/* Magic string, then major and minor version. */
static const unsigned char af_npy_magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};

/* ------------------------------------------------------------------ */
/* Little-endian bytes                                                 */

static uint64_t af_le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int b = 7; b >= 0; b--)
        v = (v << 8) | p[b];
    return v;
}

static uint32_t af_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void af_put_le64(unsigned char *p, uint64_t v)
{
    for (int b = 0; b < 8; b++, v >>= 8)
        p[b] = (unsigned char)v;
}

static void af_put_le32(unsigned char *p, uint32_t v)
{
    for (int b = 0; b < 4; b++, v >>= 8)
        p[b] = (unsigned char)v;
}

/* ------------------------------------------------------------------ */
/* Shared helpers                                                      */

/* The checks every entry point starts with; buf names the data argument. */
static af_status af_array_check_args(const char *path, const af_grid *g, const void *data,
                                     const char *buf, af_error *err)
{
    if (!path)
        return af_error_set(err, AF_EINVAL, "array: path is NULL");
    af_status st = af_grid_check(g, "array", err);
    if (st != AF_OK)
        return st;
    if (!data)
        return af_error_set(err, AF_EINVAL, "array: '%s': %s is NULL", path, buf);
    return AF_OK;
}

/* Open path for reading; *size is its size in bytes for a regular file,
 * -1 for anything else (a pipe, a device), whose size is only known by
 * reading it. */
static af_status af_array_open(const char *path, FILE **fp, long long *size, af_error *err)
{
    *fp = fopen(path, "rb");
    if (!*fp)
        return af_error_set(err, AF_EIO, "array: cannot open '%s': %s", path, strerror(errno));
    *size = -1;
    struct stat sb;
    if (fstat(fileno(*fp), &sb) == 0) {
        /* fopen succeeds on a directory on Linux: say so rather than fail
         * later with a vague read error. */
        if (S_ISDIR(sb.st_mode)) {
            fclose(*fp);
            *fp = NULL;
            return af_error_set(err, AF_EIO, "array: cannot read '%s': %s", path,
                                strerror(EISDIR));
        }
        if (S_ISREG(sb.st_mode))
            *size = (long long)sb.st_size;
    }
    return AF_OK;
}

/* The message for a non-finite value at flat index k of an n x n field. */
static af_status af_nonfinite(af_error *err, const char *path, size_t k, int n, double v)
{
    return af_error_set(err, AF_EFORMAT,
                        "array: '%s': entry [%zu, %zu] (row j, column i) is %s; values must "
                        "be finite",
                        path, k / (size_t)n, k % (size_t)n,
                        isnan(v) ? "NaN" : v > 0 ? "inf" : "-inf");
}

/* ------------------------------------------------------------------ */
/* .npy header parsing                                                 */

/* What the header dict says.  descr_list marks a structured dtype (a list
 * of fields), which is rejected without being parsed further. */
typedef struct {
    int have_descr, have_fortran, have_shape;
    int descr_list;
    char descr[32]; /* truncated copy; descr_len is the full length */
    size_t descr_len;
    int fortran;
    int ndim;
    uint64_t shape[AF_NPY_MAX_DIMS];
} af_npy_header;

/* Parser state over the header bytes [p, end).  On a syntax error, what
 * says what was expected and at is the offset where. */
typedef struct {
    const char *start, *p, *end;
    const char *what;
    size_t at;
} af_npy_parser;

static int af_npy_fail(af_npy_parser *ps, const char *what)
{
    ps->what = what;
    ps->at = (size_t)(ps->p - ps->start);
    return 0;
}

static void af_npy_ws(af_npy_parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' ||
                               *ps->p == '\r'))
        ps->p++;
}

/* Is the next character c (after blanks)?  Consumes it if so. */
static int af_npy_accept(af_npy_parser *ps, char c)
{
    af_npy_ws(ps);
    if (ps->p < ps->end && *ps->p == c) {
        ps->p++;
        return 1;
    }
    return 0;
}

/* A Python string literal in single or double quotes, without escapes
 * (numpy's keys and dtype strings never need them).  Sets *s, *len to its
 * contents. */
static int af_npy_string(af_npy_parser *ps, const char **s, size_t *len)
{
    af_npy_ws(ps);
    if (ps->p >= ps->end || (*ps->p != '\'' && *ps->p != '"'))
        return af_npy_fail(ps, "a quoted string");
    char q = *ps->p++;
    const char *b = ps->p;
    while (ps->p < ps->end && *ps->p != q) {
        if (*ps->p == '\\' || *ps->p == '\n')
            return af_npy_fail(ps, "a string without escapes or line breaks");
        ps->p++;
    }
    if (ps->p >= ps->end)
        return af_npy_fail(ps, "the closing quote of a string");
    *s = b;
    *len = (size_t)(ps->p - b);
    ps->p++;
    return 1;
}

/* Skip a bracketed Python literal (a structured dtype's field list),
 * respecting nesting and quotes. */
static int af_npy_skip_brackets(af_npy_parser *ps)
{
    int depth = 0;
    while (ps->p < ps->end) {
        char c = *ps->p;
        if (c == '\'' || c == '"') {
            const char *s;
            size_t len;
            if (!af_npy_string(ps, &s, &len))
                return 0;
            continue;
        }
        if (c == '[' || c == '(' || c == '{')
            depth++;
        else if (c == ']' || c == ')' || c == '}')
            depth--;
        ps->p++;
        if (depth == 0)
            return 1;
    }
    return af_npy_fail(ps, "the end of the dtype's field list");
}

/* The word w, not followed by more identifier characters. */
static int af_npy_word(af_npy_parser *ps, const char *w)
{
    af_npy_ws(ps);
    size_t len = strlen(w);
    if ((size_t)(ps->end - ps->p) < len || memcmp(ps->p, w, len) != 0)
        return 0;
    const char *q = ps->p + len;
    if (q < ps->end && (*q == '_' || (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
                        (*q >= '0' && *q <= '9')))
        return 0;
    ps->p = q;
    return 1;
}

/* A non-negative decimal integer, with an optional Python 2 long suffix
 * ("256L", written by numpy under Python 2 on some platforms).  Values above
 * 2^62 are refused: no grid is that large and the products stay exact. */
static int af_npy_uint(af_npy_parser *ps, uint64_t *v)
{
    af_npy_ws(ps);
    if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
        return af_npy_fail(ps, "a non-negative integer");
    uint64_t x = 0;
    while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
        x = x * 10 + (uint64_t)(*ps->p - '0');
        if (x > ((uint64_t)1 << 62))
            return af_npy_fail(ps, "a dimension below 2^62");
        ps->p++;
    }
    if (ps->p < ps->end && (*ps->p == 'L' || *ps->p == 'l'))
        ps->p++;
    *v = x;
    return 1;
}

/* A shape tuple: "()", "(n,)", "(a, b)", "(a, b,)"; "(n)" (which Python
 * reads as a plain integer) is taken as 1-D so that the shape error, not a
 * syntax error, is reported. */
static int af_npy_shape(af_npy_parser *ps, af_npy_header *h)
{
    if (!af_npy_accept(ps, '('))
        return af_npy_fail(ps, "'(' starting the shape tuple");
    h->ndim = 0;
    if (af_npy_accept(ps, ')'))
        return 1;
    for (;;) {
        if (h->ndim == AF_NPY_MAX_DIMS)
            return af_npy_fail(ps, "at most 64 dimensions");
        if (!af_npy_uint(ps, &h->shape[h->ndim]))
            return 0;
        h->ndim++;
        if (af_npy_accept(ps, ')'))
            return 1;
        if (!af_npy_accept(ps, ','))
            return af_npy_fail(ps, "',' or ')' in the shape tuple");
        if (af_npy_accept(ps, ')'))
            return 1;
    }
}

/* One "key: value" entry of the dict. */
static int af_npy_entry(af_npy_parser *ps, af_npy_header *h)
{
    const char *key;
    size_t klen;
    const char *key_at = ps->p;
    if (!af_npy_string(ps, &key, &klen))
        return 0;
    if (!af_npy_accept(ps, ':'))
        return af_npy_fail(ps, "':' after a key");
#define AF_KEY_IS(name) (klen == sizeof name - 1 && memcmp(key, name, klen) == 0)
    int *seen = AF_KEY_IS("descr")           ? &h->have_descr
                : AF_KEY_IS("fortran_order") ? &h->have_fortran
                : AF_KEY_IS("shape")         ? &h->have_shape
                                             : NULL;
    if (!seen) {
        ps->p = key_at;
        return af_npy_fail(ps, "one of the keys 'descr', 'fortran_order', 'shape'");
    }
    if (*seen) {
        ps->p = key_at;
        return af_npy_fail(ps, "each key only once");
    }
    *seen = 1;
    if (AF_KEY_IS("descr")) {
        af_npy_ws(ps);
        if (ps->p < ps->end && *ps->p == '[') {
            h->descr_list = 1;
            return af_npy_skip_brackets(ps);
        }
        const char *s;
        if (!af_npy_string(ps, &s, &h->descr_len))
            return 0;
        /* Non-printable bytes become '?': the copy goes into messages, and
         * an embedded NUL must not make "<f8\0junk" compare equal to "<f8". */
        size_t c = h->descr_len < sizeof h->descr ? h->descr_len : sizeof h->descr - 1;
        for (size_t k = 0; k < c; k++)
            h->descr[k] = (s[k] >= 0x20 && s[k] < 0x7f) ? s[k] : '?';
        h->descr[c] = '\0';
        return 1;
    }
    if (AF_KEY_IS("fortran_order")) {
        if (af_npy_word(ps, "True"))
            h->fortran = 1;
        else if (af_npy_word(ps, "False"))
            h->fortran = 0;
        else
            return af_npy_fail(ps, "True or False for 'fortran_order'");
        return 1;
    }
#undef AF_KEY_IS
    return af_npy_shape(ps, h);
}

/* The whole header: a dict with the three keys in any order, an optional
 * trailing comma, then only blanks (numpy's padding and final newline). */
static int af_npy_dict(af_npy_parser *ps, af_npy_header *h)
{
    if (!af_npy_accept(ps, '{'))
        return af_npy_fail(ps, "'{' starting the header dict");
    while (!af_npy_accept(ps, '}')) {
        if (!af_npy_entry(ps, h))
            return 0;
        if (af_npy_accept(ps, '}'))
            break;
        if (!af_npy_accept(ps, ','))
            return af_npy_fail(ps, "',' or '}' after a dict entry");
    }
    af_npy_ws(ps);
    if (ps->p != ps->end)
        return af_npy_fail(ps, "only blanks after the header dict");
    if (!h->have_descr)
        return af_npy_fail(ps, "a 'descr' key");
    if (!h->have_fortran)
        return af_npy_fail(ps, "a 'fortran_order' key");
    if (!h->have_shape)
        return af_npy_fail(ps, "a 'shape' key");
    return 1;
}

/* Python's repr of a shape tuple, "(65536,)" or "(4, 4)", into buf. */
static void af_shape_str(char *buf, size_t size, const af_npy_header *h)
{
    size_t used = (size_t)snprintf(buf, size, "(");
    for (int d = 0; d < h->ndim && used < size; d++)
        used += (size_t)snprintf(buf + used, size - used, "%s%llu", d ? ", " : "",
                                 (unsigned long long)h->shape[d]);
    if (used < size)
        snprintf(buf + used, size - used, "%s)", h->ndim == 1 ? "," : "");
}

/* A printable excerpt of the header around byte at, for syntax errors. */
static void af_header_excerpt(char *buf, size_t size, const char *hdr, size_t len, size_t at)
{
    size_t from = at > 24 ? at - 24 : 0;
    size_t k = 0;
    for (size_t c = from; c < len && c < from + 48 && k + 1 < size; c++) {
        unsigned char ch = (unsigned char)hdr[c];
        buf[k++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
    }
    buf[k] = '\0';
}

/* ------------------------------------------------------------------ */
/* .npy reading                                                        */

/* Map a descr to a dtype and its item size, or explain why not. */
static af_status af_npy_dtype(const char *path, const af_npy_header *h, af_dtype *dt,
                              size_t *itemsize, af_error *err)
{
    static const char supported[] =
        "supported: '<f8' (float64), '<f4' (float32), '|u1' (uint8); "
        "convert with a.astype('<f8')";
    if (h->descr_list)
        return af_error_set(err, AF_EFORMAT,
                            "array: '%s' has a structured dtype (a list of fields), not a "
                            "plain array; %s",
                            path, supported);
    const char *d = h->descr;
    if (h->descr_len < sizeof h->descr) {
        if (!strcmp(d, "<f8")) {
            *dt = AF_DTYPE_F64;
            *itemsize = 8;
            return AF_OK;
        }
        if (!strcmp(d, "<f4")) {
            *dt = AF_DTYPE_F32;
            *itemsize = 4;
            return AF_OK;
        }
        if (!strcmp(d, "|u1") || !strcmp(d, "<u1")) {
            *dt = AF_DTYPE_U8;
            *itemsize = 1;
            return AF_OK;
        }
        if (!strcmp(d, ">f8") || !strcmp(d, ">f4"))
            return af_error_set(err, AF_EFORMAT,
                                "array: '%s' has big-endian dtype '%s'; save it little endian "
                                "(a.astype('<%s'))",
                                path, d, d + 1);
        if (!strcmp(d, "=f8") || !strcmp(d, "=f4"))
            return af_error_set(err, AF_EFORMAT,
                                "array: '%s' has dtype '%s' of unstated (native) byte order; "
                                "write '<%s' explicitly",
                                path, d, d + 1);
    }
    return af_error_set(err, AF_EFORMAT, "array: '%s' has unsupported dtype '%s%s'; %s", path,
                        d, h->descr_len < sizeof h->descr ? "" : "...", supported);
}

/* Read the preamble and the header dict; on success *data_offset is the
 * preamble's length. */
static af_status af_npy_read_header(const char *path, FILE *fp, af_npy_header *h,
                                    long long *data_offset, af_error *err)
{
    unsigned char pre[12];
    size_t got = fread(pre, 1, 8, fp);
    if (ferror(fp))
        return af_error_set(err, AF_EIO, "array: cannot read '%s': %s", path, strerror(errno));
    if (got == 0)
        return af_error_set(err, AF_EFORMAT, "array: '%s' is empty, not a .npy file", path);
    if (memcmp(pre, af_npy_magic, got < 6 ? got : 6) != 0)
        return af_error_set(err, AF_EFORMAT,
                            "array: '%s' is not a .npy file (it does not start with "
                            "\\x93NUMPY)",
                            path);
    if (got < 8)
        return af_error_set(err, AF_EFORMAT,
                            "array: '%s': truncated .npy header (file ends after %zu bytes)",
                            path, got);
    int major = pre[6], minor = pre[7];
    size_t lenbytes;
    if (major == 1 && minor == 0)
        lenbytes = 2;
    else if ((major == 2 || major == 3) && minor == 0)
        lenbytes = 4;
    else
        return af_error_set(err, AF_EFORMAT,
                            "array: '%s': .npy format version %d.%d is not supported (1.0, 2.0, "
                            "3.0 are)",
                            path, major, minor);
    got = fread(pre + 8, 1, lenbytes, fp);
    if (ferror(fp))
        return af_error_set(err, AF_EIO, "array: cannot read '%s': %s", path, strerror(errno));
    if (got < lenbytes)
        return af_error_set(err, AF_EFORMAT,
                            "array: '%s': truncated .npy header (file ends after %zu bytes)",
                            path, 8 + got);
    uint32_t hlen = lenbytes == 2 ? (uint32_t)pre[8] | (uint32_t)pre[9] << 8 : af_le32(pre + 8);
    if (hlen > AF_NPY_MAX_HEADER)
        return af_error_set(err, AF_EFORMAT,
                            "array: '%s': .npy header length %lu exceeds the limit %d bytes",
                            path, (unsigned long)hlen, AF_NPY_MAX_HEADER);

    char *hdr = malloc(hlen ? hlen : 1);
    if (!hdr)
        return af_error_set(err, AF_ENOMEM, "array: '%s': out of memory for the header", path);
    got = fread(hdr, 1, hlen, fp);
    if (ferror(fp)) {
        int e = errno;
        free(hdr);
        return af_error_set(err, AF_EIO, "array: cannot read '%s': %s", path, strerror(e));
    }
    if (got < hlen) {
        free(hdr);
        return af_error_set(err, AF_EFORMAT,
                            "array: '%s': truncated .npy header: expected %lu bytes, found %zu",
                            path, (unsigned long)hlen, got);
    }

    memset(h, 0, sizeof *h);
    af_npy_parser ps = {hdr, hdr, hdr + hlen, NULL, 0};
    if (!af_npy_dict(&ps, h)) {
        char excerpt[64];
        af_header_excerpt(excerpt, sizeof excerpt, hdr, hlen, ps.at);
        free(hdr);
        return af_error_set(err, AF_EFORMAT,
                            "array: '%s': .npy header does not parse: expected %s at byte %zu "
                            "(near \"%s\")",
                            path, ps.what, ps.at, excerpt);
    }
    free(hdr);
    *data_offset = (long long)(6 + 2 + lenbytes + hlen);
    return AF_OK;
}

/* Convert count items of dtype dt from little-endian bytes into out,
 * checking finiteness; base is the flat index of the first item. */
static af_status af_npy_decode(const char *path, const unsigned char *bytes, size_t count,
                               af_dtype dt, double *out, size_t base, int n, af_error *err)
{
    for (size_t k = 0; k < count; k++) {
        double v;
        if (dt == AF_DTYPE_F64) {
            uint64_t u = af_le64(bytes + 8 * k);
            memcpy(&v, &u, sizeof v);
        } else if (dt == AF_DTYPE_F32) {
            uint32_t u = af_le32(bytes + 4 * k);
            float f;
            memcpy(&f, &u, sizeof f);
            v = (double)f;
        } else {
            v = (double)bytes[k];
        }
        if (!isfinite(v))
            return af_nonfinite(err, path, base + k, n, v);
        out[k] = v;
    }
    return AF_OK;
}

af_status af_array_read_npy(const char *path, const af_grid *g, double *field, af_error *err)
{
    af_status st = af_array_check_args(path, g, field, "field", err);
    if (st != AF_OK)
        return st;
    int n = g->n;
    FILE *fp;
    long long size;
    if ((st = af_array_open(path, &fp, &size, err)) != AF_OK)
        return st;

    af_npy_header h;
    long long offset = 0;
    af_dtype dt = AF_DTYPE_F64;
    size_t itemsize = 8;
    if ((st = af_npy_read_header(path, fp, &h, &offset, err)) != AF_OK ||
        (st = af_npy_dtype(path, &h, &dt, &itemsize, err)) != AF_OK) {
        fclose(fp);
        return st;
    }
    if (h.fortran) {
        fclose(fp);
        return af_error_set(err, AF_EFORMAT,
                            "array: '%s' is in Fortran order (fortran_order: True); save a "
                            "C-order array (np.ascontiguousarray(a))",
                            path);
    }
    if (h.ndim != 2 || h.shape[0] != (uint64_t)n || h.shape[1] != (uint64_t)n) {
        char shape[128];
        af_shape_str(shape, sizeof shape, &h);
        int flat = h.ndim == 1 && h.shape[0] == (uint64_t)n * (uint64_t)n;
        fclose(fp);
        if (flat)
            return af_error_set(err, AF_EFORMAT,
                                "array: '%s' has shape %s, the grid needs (%d, %d); save "
                                "a.reshape(%d, %d)",
                                path, shape, n, n, n, n);
        return af_error_set(err, AF_EFORMAT, "array: '%s' has shape %s, the grid needs (%d, %d)",
                            path, shape, n, n);
    }

    /* The shape matches the grid, so the data size is known and bounded. */
    size_t cells = (size_t)n * (size_t)n;
    long long expected = (long long)cells * (long long)itemsize;
    if (size >= 0) {
        long long found = size - offset;
        if (found < expected) {
            fclose(fp);
            return af_error_set(err, AF_EFORMAT,
                                "array: '%s' is truncated: expected %lld bytes of data, found %lld",
                                path, expected, found);
        }
        if (found > expected) {
            fclose(fp);
            return af_error_set(err, AF_EFORMAT,
                                "array: '%s' has %lld trailing bytes after the %lld bytes of data",
                                path, found - expected, expected);
        }
    }

    unsigned char *chunk = malloc(AF_NPY_CHUNK);
    if (!chunk) {
        fclose(fp);
        return af_error_set(err, AF_ENOMEM, "array: '%s': out of memory", path);
    }
    size_t per_chunk = AF_NPY_CHUNK / itemsize;
    size_t done = 0;
    while (done < cells && st == AF_OK) {
        size_t want = cells - done < per_chunk ? cells - done : per_chunk;
        size_t got = fread(chunk, itemsize, want, fp);
        if (got < want) {
            if (ferror(fp))
                st = af_error_set(err, AF_EIO, "array: cannot read '%s': %s", path,
                                  strerror(errno));
            else /* only for non-regular files: sizes were checked above */
                st = af_error_set(err, AF_EFORMAT,
                                  "array: '%s' is truncated: expected %lld bytes of data, found "
                                  "%lld",
                                  path, expected, (long long)((done + got) * itemsize));
            break;
        }
        st = af_npy_decode(path, chunk, got, dt, field + done, done, n, err);
        done += got;
    }
    free(chunk);
    if (st == AF_OK && size < 0 && getc(fp) != EOF)
        st = af_error_set(err, AF_EFORMAT,
                          "array: '%s' has trailing bytes after the %lld bytes of data", path,
                          expected);
    fclose(fp);
    return st;
}

/* ------------------------------------------------------------------ */
/* .npy writing                                                        */

/* The preamble numpy writes for an (n, n) array, byte for byte (numpy
 * 1.24): the dict with its keys sorted, spare blanks so the first
 * dimension can grow to 21 digits in place, then blanks and a newline up to
 * a multiple of 64 bytes (numpy adds a full 64 when already aligned).
 * Returns the length written into buf (at most 256 bytes). */
static size_t af_npy_preamble(unsigned char *buf, int n, af_dtype dt)
{
    static const char *descr[] = {"<f8", "<f4", "|u1"};
    char dict[160];
    int len = snprintf(dict, sizeof dict,
                       "{'descr': '%s', 'fortran_order': False, 'shape': (%d, %d), }", descr[dt],
                       n, n);
    char digits[16];
    int grow = 21 - snprintf(digits, sizeof digits, "%d", n);
    size_t hlen = (size_t)len + (size_t)grow + 1; /* + the newline */
    size_t pad = 64 - (10 + hlen) % 64;
    hlen += pad;
    memcpy(buf, af_npy_magic, 6);
    buf[6] = 1;
    buf[7] = 0;
    buf[8] = (unsigned char)(hlen & 0xff);
    buf[9] = (unsigned char)(hlen >> 8);
    memcpy(buf + 10, dict, (size_t)len);
    memset(buf + 10 + len, ' ', hlen - 1 - (size_t)len);
    buf[10 + hlen - 1] = '\n';
    return 10 + hlen;
}

/* Write preamble and data to fp; errno tells why on failure. */
static int af_npy_write_stream(FILE *fp, int n, const void *data, af_dtype dt)
{
    unsigned char pre[256];
    size_t plen = af_npy_preamble(pre, n, dt);
    if (fwrite(pre, 1, plen, fp) != plen)
        return 0;
    size_t cells = (size_t)n * (size_t)n;
    if (dt == AF_DTYPE_U8)
        return fwrite(data, 1, cells, fp) == cells;
    size_t itemsize = dt == AF_DTYPE_F64 ? 8 : 4;
    unsigned char *chunk = malloc(AF_NPY_CHUNK);
    if (!chunk) {
        errno = ENOMEM;
        return 0;
    }
    size_t per_chunk = AF_NPY_CHUNK / itemsize;
    int ok = 1;
    for (size_t done = 0; done < cells && ok;) {
        size_t count = cells - done < per_chunk ? cells - done : per_chunk;
        for (size_t k = 0; k < count; k++) {
            if (dt == AF_DTYPE_F64) {
                uint64_t u;
                memcpy(&u, (const double *)data + done + k, sizeof u);
                af_put_le64(chunk + 8 * k, u);
            } else {
                uint32_t u;
                memcpy(&u, (const float *)data + done + k, sizeof u);
                af_put_le32(chunk + 4 * k, u);
            }
        }
        ok = fwrite(chunk, itemsize, count, fp) == count;
        done += count;
    }
    free(chunk);
    return ok;
}

af_status af_array_write_npy(const char *path, const af_grid *g, const void *data,
                             af_dtype dtype, af_error *err)
{
    af_status st = af_array_check_args(path, g, data, "data", err);
    if (st != AF_OK)
        return st;
    if (dtype != AF_DTYPE_F64 && dtype != AF_DTYPE_F32 && dtype != AF_DTYPE_U8)
        return af_error_set(err, AF_EINVAL, "array: '%s': unknown dtype %d", path, (int)dtype);

    af_file f;
    if ((st = af_file_open(&f, path, "array", err)) != AF_OK)
        return st;
    errno = 0;
    if (!af_npy_write_stream(f.fp, g->n, data, dtype)) {
        int e = errno;
        af_file_abort(&f);
        return af_error_set(err, e == ENOMEM ? AF_ENOMEM : AF_EIO, "array: cannot write '%s': %s",
                            path, e ? strerror(e) : "write error");
    }
    return af_file_commit(&f, err);
}

/* ------------------------------------------------------------------ */
/* CSV reading                                                         */

/* Longest CSV line accepted, in characters: 64 per value (a %.17g double
 * with separators needs about 25) plus slack for comments.  A file without
 * newlines (or /dev/zero) stops here instead of filling memory. */
static size_t af_csv_max_line(int n)
{
    return (size_t)n * 64 + 1024;
}

static int af_csv_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Parse the data line buf (line number line) as row j of field.  The values
 * are separated by a comma (blanks around it allowed) or by blanks. */
static af_status af_csv_row(const char *path, long line, const char *buf, int n, int j,
                            double *field, af_error *err)
{
    const char *p = buf;
    int count = 0;
    for (;;) {
        while (af_csv_blank(*p))
            p++;
        if (!*p)
            break;
        if (*p == ',')
            return af_error_set(err, AF_EFORMAT,
                                "array: %s:%ld: empty value %d (column %ld): two separating "
                                "commas or a comma at the start or end of the line",
                                path, line, count + 1, (long)(p - buf) + 1);
        char *end;
        double v = strtod(p, &end);
        if (end == p || (*end && *end != ',' && !af_csv_blank(*end))) {
            size_t tok = strcspn(p, ", \t\r\v\f");
            char shown[32], word[28];
            snprintf(word, sizeof word, "%.*s", (int)(tok < 24 ? tok : 24), p);
            af_printable(shown, sizeof shown, word); /* no control bytes in messages */
            return af_error_set(err, AF_EFORMAT,
                                "array: %s:%ld: value %d (column %ld) is not a number: '%s%s'",
                                path, line, count + 1, (long)(p - buf) + 1, shown,
                                tok > 24 ? "..." : "");
        }
        if (count < n) {
            if (!isfinite(v)) {
                char shown[32], word[28];
                snprintf(word, sizeof word, "%.*s", (int)(end - p < 24 ? end - p : 24), p);
                af_printable(shown, sizeof shown, word);
                return af_error_set(err, AF_EFORMAT,
                                    "array: %s:%ld: entry [%d, %d] (row j, column i) is '%s', "
                                    "%s; values must be finite",
                                    path, line, j, count, shown,
                                    isnan(v) ? "NaN" : v > 0 ? "inf" : "-inf");
            }
            field[(size_t)count + (size_t)n * (size_t)j] = v;
        }
        count++;
        p = end;
        while (af_csv_blank(*p))
            p++;
        if (*p == ',') {
            p++;
            while (af_csv_blank(*p))
                p++;
            if (!*p || *p == ',')
                return af_error_set(err, AF_EFORMAT,
                                    "array: %s:%ld: empty value %d (column %ld): two separating "
                                    "commas or a comma at the start or end of the line",
                                    path, line, count + 1, (long)(p - buf) + 1);
        }
    }
    if (count != n)
        return af_error_set(err, AF_EFORMAT, "array: %s:%ld: expected %d values, got %d", path,
                            line, n, count);
    return AF_OK;
}

af_status af_array_read_csv(const char *path, const af_grid *g, double *field, af_error *err)
{
    af_status st = af_array_check_args(path, g, field, "field", err);
    if (st != AF_OK)
        return st;
    int n = g->n;
    FILE *fp;
    long long size;
    if ((st = af_array_open(path, &fp, &size, err)) != AF_OK)
        return st;
    size_t max = af_csv_max_line(n);
    char *buf = malloc(max + 1);
    if (!buf) {
        fclose(fp);
        return af_error_set(err, AF_ENOMEM, "array: '%s': out of memory for a line buffer", path);
    }

    int rows = 0;
    long line = 0;
    for (;;) {
        size_t len = 0;
        af_line_result r = af_line_read(fp, buf, max + 1, &len);
        if (r == AF_LINE_EOF || r == AF_LINE_ERROR)
            break; /* a read error is reported below */
        line++;
        if (r == AF_LINE_NUL) {
            st = af_error_set(err, AF_EFORMAT,
                              "array: %s:%ld: NUL byte at column %zu (a binary file, not CSV?)",
                              path, line, len + 1);
            break;
        }
        if (r == AF_LINE_LONG) {
            st = af_error_set(err, AF_EFORMAT,
                              "array: %s:%ld: line longer than %zu characters (the limit for "
                              "n = %d values)",
                              path, line, max, n);
            break;
        }
        const char *p = buf;
        while (af_csv_blank(*p))
            p++;
        if (!*p || *p == '#')
            continue;
        if (rows == n) {
            st = af_error_set(err, AF_EFORMAT,
                              "array: %s:%ld: more than %d data lines (the grid has n = %d rows)",
                              path, line, n, n);
            break;
        }
        if ((st = af_csv_row(path, line, buf, n, rows, field, err)) != AF_OK)
            break;
        rows++;
    }
    if (st == AF_OK && ferror(fp))
        st = af_error_set(err, AF_EIO, "array: cannot read '%s': %s", path, strerror(errno));
    if (st == AF_OK && rows < n)
        st = af_error_set(err, AF_EFORMAT,
                          "array: %s: expected %d data lines of %d values, found %d", path, n, n,
                          rows);
    free(buf);
    fclose(fp);
    return st;
}

/* ------------------------------------------------------------------ */
/* Dispatch                                                            */

af_status af_array_read(const char *path, const af_grid *g, double *field, af_error *err)
{
    af_status st = af_array_check_args(path, g, field, "field", err);
    if (st != AF_OK)
        return st;
    if (af_has_suffix(path, ".npy"))
        return af_array_read_npy(path, g, field, err);
    if (af_has_suffix(path, ".csv"))
        return af_array_read_csv(path, g, field, err);
    return af_error_set(err, AF_EINVAL,
                        "array: '%s': unknown file type (the name must end in .npy or .csv)",
                        path);
}
