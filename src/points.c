/* advflow: labelled data points -- CSV input and output, generators, crop.
 *
 * CSV input reads one line at a time into a fixed buffer of
 * AF_CSV_LINE_MAX bytes, so that no input (a file without newlines,
 * /dev/zero, a binary file) can make the reader grow without bound or run
 * long: it stops at the first over-long line or NUL byte.  Lines are read
 * byte by byte rather than with fgets because fgets does not say how many
 * bytes it stored, which hides NUL bytes.  Numbers are parsed with strtod,
 * which follows LC_NUMERIC: the library assumes the "C" locale (the default
 * of a program that does not call setlocale), so '.' is the decimal point.
 *
 * Generators draw from GSL's MT19937 and its ziggurat Gaussian; the order
 * of the draws is fixed (see af_points_generate) so that a seed names one
 * data set for good.
 *
 * GPL-3.0-or-later.
 */
#include "advflow/points.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "advflow/file.h"
#include "internal.h"

/* Line buffer: at most AF_CSV_LINE_MAX - 1 characters per line (the line
 * end not counted), plus the terminating NUL. */
#define AF_CSV_LINE_MAX 4096
/* First capacity of the arrays while reading; they double from there. */
#define AF_CSV_FIRST_CAPACITY 256
/* Longest piece of a bad field quoted in a message. */
#define AF_CSV_QUOTE "%.40s"

/* ------------------------------------------------------------------ */
/* Allocation                                                          */

af_points *af_points_alloc(size_t count, af_error *err)
{
    if (count > AF_POINTS_MAX) {
        af_error_set(err, AF_EINVAL, "points: %zu points exceed the limit %zu", count,
                     AF_POINTS_MAX);
        return NULL;
    }
    af_points *p = calloc(1, sizeof *p);
    if (!p) {
        af_error_set(err, AF_ENOMEM, "points: out of memory for %zu points", count);
        return NULL;
    }
    /* At least one element each, so that the arrays are never NULL, even
     * for an empty set (malloc(0) may return NULL). */
    size_t room = count ? count : 1;
    p->count = count;
    p->x = calloc(room, sizeof *p->x);
    p->y = calloc(room, sizeof *p->y);
    p->label = calloc(room, sizeof *p->label);
    p->weight[0] = p->weight[1] = 1.0;
    if (!p->x || !p->y || !p->label) {
        af_points_free(p);
        af_error_set(err, AF_ENOMEM, "points: out of memory for %zu points", count);
        return NULL;
    }
    return p;
}

void af_points_free(af_points *p)
{
    if (!p)
        return;
    free(p->x);
    free(p->y);
    free(p->label);
    free(p);
}

/* ------------------------------------------------------------------ */
/* CSV input                                                           */

static int af_is_blank(char c) { return c == ' ' || c == '\t'; }

/* Split line in place at commas into at most max fields, each trimmed of
 * blanks; returns the number of fields in the line (which may exceed max:
 * only the first max are stored). */
static size_t af_split_fields(char *line, char **field, size_t max)
{
    size_t count = 0;
    char *s = line;
    for (;;) {
        char *end = strchr(s, ',');
        char *next = end ? end + 1 : NULL;
        if (!end)
            end = s + strlen(s);
        while (s < end && af_is_blank(*s))
            s++;
        while (end > s && af_is_blank(end[-1]))
            end--;
        *end = '\0';
        if (count < max)
            field[count] = s;
        count++;
        if (!next)
            return count;
        s = next;
    }
}

/* 1 and *v set if the whole of s (already trimmed, non-empty) is a number
 * for strtod (which includes "nan" and "inf": finiteness is checked by the
 * caller, so that the message can say which rule failed). */
static int af_parse_number(const char *s, double *v)
{
    if (*s == '\0')
        return 0;
    char *end;
    *v = strtod(s, &end);
    return *end == '\0';
}

/* The growing arrays of the reader.  Invariant: count <= capacity, and the
 * three arrays each hold at least capacity elements (a failed grow may
 * leave some larger). */
typedef struct {
    size_t count, capacity;
    double *x, *y;
    uint8_t *label;
} af_csv_buffer;

static void af_csv_buffer_free(af_csv_buffer *b)
{
    free(b->x);
    free(b->y);
    free(b->label);
}

/* Double the capacity; 0 on failure (the arrays stay valid). */
static int af_csv_buffer_grow(af_csv_buffer *b)
{
    size_t cap = b->capacity ? 2 * b->capacity : AF_CSV_FIRST_CAPACITY;
    if (cap > AF_POINTS_MAX)
        cap = AF_POINTS_MAX;
    double *x = realloc(b->x, cap * sizeof *x);
    if (!x)
        return 0;
    b->x = x;
    double *y = realloc(b->y, cap * sizeof *y);
    if (!y)
        return 0;
    b->y = y;
    uint8_t *label = realloc(b->label, cap * sizeof *label);
    if (!label)
        return 0;
    b->label = label;
    b->capacity = cap;
    return 1;
}

/* Check the fields of one data line and append the point.  lineno names
 * the line in messages. */
static af_status af_csv_point(af_csv_buffer *b, const char *path, size_t lineno, char **field,
                              size_t nfield, af_error *err)
{
    static const char *const name[3] = {"x", "y", "label"};
    if (nfield != 3)
        return af_error_set(err, AF_EFORMAT, "%s:%zu: expected 3 fields (x, y, label), got %zu",
                            path, lineno, nfield);
    double v[3];
    char shown[3][80]; /* the fields as a message may show them (no control bytes) */
    for (int f = 0; f < 3; f++)
        af_printable(shown[f], sizeof shown[f], field[f]);
    for (int f = 0; f < 3; f++) {
        if (!af_parse_number(field[f], &v[f])) {
            if (f == 2)
                return af_error_set(err, AF_EFORMAT, "%s:%zu: label must be 0 or 1, got '"
                                    AF_CSV_QUOTE "'", path, lineno, shown[f]);
            return af_error_set(err, AF_EFORMAT, "%s:%zu: %s is not a number: '" AF_CSV_QUOTE "'",
                                path, lineno, name[f], shown[f]);
        }
    }
    for (int f = 0; f < 2; f++)
        if (!isfinite(v[f]))
            return af_error_set(err, AF_EFORMAT, "%s:%zu: %s must be finite, got '"
                                AF_CSV_QUOTE "'", path, lineno, name[f], shown[f]);
    if (v[2] != 0.0 && v[2] != 1.0) /* NaN fails both tests: refused too */
        return af_error_set(err, AF_EFORMAT, "%s:%zu: label must be 0 or 1, got '"
                            AF_CSV_QUOTE "'", path, lineno, shown[2]);
    if (b->count == AF_POINTS_MAX)
        return af_error_set(err, AF_EFORMAT, "%s:%zu: more than %zu points", path, lineno,
                            AF_POINTS_MAX);
    if (b->count == b->capacity && !af_csv_buffer_grow(b))
        return af_error_set(err, AF_ENOMEM, "%s:%zu: out of memory for %zu points", path, lineno,
                            b->count + 1);
    b->x[b->count] = v[0];
    b->y[b->count] = v[1];
    b->label[b->count] = (uint8_t)(v[2] == 1.0);
    b->count++;
    return AF_OK;
}

/* Read every line of fp into b.  The first line that is neither blank nor
 * a comment is a header when no field of it is a number; a line whose first
 * field is not a number but another is, is taken as data (so that a typo in
 * the first point is reported, not silently dropped as a header). */
static af_status af_csv_read_lines(FILE *fp, const char *path, af_csv_buffer *b, af_error *err)
{
    char line[AF_CSV_LINE_MAX];
    int seen_content = 0; /* a header or a data line has been read */
    for (size_t lineno = 1;; lineno++) {
        errno = 0;
        size_t got;
        af_line_result r = af_line_read(fp, line, sizeof line, &got);
        if (r == AF_LINE_EOF)
            return AF_OK;
        if (r == AF_LINE_ERROR)
            return af_error_set(err, AF_EIO, "%s:%zu: read error: %s", path, lineno,
                                strerror(errno ? errno : EIO));
        if (r == AF_LINE_LONG)
            return af_error_set(err, AF_EFORMAT, "%s:%zu: line longer than %d characters", path,
                                lineno, AF_CSV_LINE_MAX - 1);
        if (r == AF_LINE_NUL)
            return af_error_set(err, AF_EFORMAT, "%s:%zu: NUL byte in the line (not a text file?)",
                                path, lineno);

        char *s = line;
        /* A UTF-8 byte order mark (spreadsheets write one) would otherwise
         * make the first field of a header-less file not a number. */
        if (lineno == 1 && !strncmp(s, "\xEF\xBB\xBF", 3))
            s += 3;
        size_t len = strlen(s);
        if (len > 0 && s[len - 1] == '\r') /* CRLF line end */
            s[--len] = '\0';
        while (af_is_blank(*s))
            s++;
        if (*s == '\0' || *s == '#')
            continue;

        char *field[3];
        size_t nfield = af_split_fields(s, field, 3);
        if (!seen_content) {
            seen_content = 1;
            int numbers = 0;
            double v;
            for (size_t f = 0; f < nfield && f < 3; f++)
                numbers += af_parse_number(field[f], &v);
            if (numbers == 0) {
                if (nfield != 3)
                    return af_error_set(err, AF_EFORMAT,
                                        "%s:%zu: expected a header of 3 fields (x, y, label), "
                                        "got %zu", path, lineno, nfield);
                continue;
            }
        }
        af_status st = af_csv_point(b, path, lineno, field, nfield, err);
        if (st != AF_OK)
            return st;
    }
}

af_points *af_points_read_csv(const char *path, af_error *err)
{
    if (!path) {
        af_error_set(err, AF_EINVAL, "points: CSV path is NULL");
        return NULL;
    }
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        af_error_set(err, AF_EIO, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    af_csv_buffer b = {0, 0, NULL, NULL, NULL};
    af_status st = af_csv_read_lines(fp, path, &b, err);
    fclose(fp); /* read only: a failing close loses nothing */
    if (st != AF_OK) {
        af_csv_buffer_free(&b);
        return NULL;
    }

    af_points *p = af_points_alloc(b.count, NULL);
    if (!p) {
        af_csv_buffer_free(&b);
        af_error_set(err, AF_ENOMEM, "%s: out of memory for %zu points", path, b.count);
        return NULL;
    }
    if (b.count > 0) {
        memcpy(p->x, b.x, b.count * sizeof *p->x);
        memcpy(p->y, b.y, b.count * sizeof *p->y);
        memcpy(p->label, b.label, b.count * sizeof *p->label);
    }
    af_csv_buffer_free(&b);
    return p;
}

/* ------------------------------------------------------------------ */
/* CSV output                                                          */

/* Write the header and the points to fp; 0 on a stdio error (errno set). */
static int af_csv_write_points(FILE *fp, const af_points *p)
{
    if (fputs("x,y,label\n", fp) == EOF)
        return 0;
    for (size_t k = 0; k < p->count; k++)
        if (fprintf(fp, "%.17g,%.17g,%d\n", p->x[k], p->y[k], (int)p->label[k]) < 0)
            return 0;
    return !ferror(fp);
}

af_status af_points_write_csv(const char *path, const af_points *p, af_error *err)
{
    if (!path)
        return af_error_set(err, AF_EINVAL, "points: CSV path is NULL");
    if (!p)
        return af_error_set(err, AF_EINVAL, "%s: points are NULL", path);
    /* Refuse what the reader would refuse, so that every file written reads
     * back. */
    if (p->count > AF_POINTS_MAX)
        return af_error_set(err, AF_EINVAL, "%s: %zu points exceed the limit %zu", path, p->count,
                            AF_POINTS_MAX);
    for (size_t k = 0; k < p->count; k++) {
        if (!isfinite(p->x[k]) || !isfinite(p->y[k]))
            return af_error_set(err, AF_EINVAL, "%s: point %zu is not finite", path, k);
        if (p->label[k] > 1)
            return af_error_set(err, AF_EINVAL, "%s: point %zu has label %d, not 0 or 1", path, k,
                                (int)p->label[k]);
    }

    af_file f;
    af_status st = af_file_open(&f, path, "points", err);
    if (st != AF_OK)
        return st;
    errno = 0;
    if (!af_csv_write_points(f.fp, p)) {
        int e = errno;
        af_file_abort(&f);
        return af_error_set(err, AF_EIO, "points: cannot write '%s': %s", path,
                            strerror(e ? e : EIO));
    }
    return af_file_commit(&f, err);
}

/* ------------------------------------------------------------------ */
/* Generators                                                          */

static const char *const af_data_names[] = {"moons", "blobs", "circles", "xor"};
static const double af_data_noise[] = {0.1, 0.4, 0.05, 0.3};
#define AF_DATA_KINDS (sizeof af_data_names / sizeof af_data_names[0])

const char *af_data_kind_name(af_data_kind kind)
{
    return (unsigned)kind < AF_DATA_KINDS ? af_data_names[kind] : NULL;
}

int af_data_kind_parse(const char *name, af_data_kind *kind)
{
    if (!name)
        return -1;
    for (unsigned k = 0; k < AF_DATA_KINDS; k++)
        if (!strcmp(name, af_data_names[k])) {
            if (kind)
                *kind = (af_data_kind)k;
            return 0;
        }
    return -1;
}

double af_data_default_noise(af_data_kind kind)
{
    return (unsigned)kind < AF_DATA_KINDS ? af_data_noise[kind] : NAN;
}

/* Point k (0-based) of m of one class, before noise, in the kind's own
 * units (the header defines them). */
static void af_data_point(af_data_kind kind, int label, size_t k, size_t m, double *x, double *y)
{
    switch (kind) {
    case AF_DATA_MOONS: {
        /* numpy.linspace(0, pi, m): both ends included; one point sits at 0. */
        double t = m > 1 ? AF_PI * (double)k / (double)(m - 1) : 0.0;
        if (label == 0) {
            *x = cos(t) - 0.5;
            *y = sin(t) - 0.25;
        } else {
            *x = (1.0 - cos(t)) - 0.5;
            *y = (0.5 - sin(t)) - 0.25;
        }
        return;
    }
    case AF_DATA_BLOBS:
        *x = label == 0 ? -1.0 : 1.0;
        *y = 0.0;
        return;
    case AF_DATA_CIRCLES: {
        /* numpy.linspace(0, 2 pi, m, endpoint=False). */
        double t = 2.0 * AF_PI * (double)k / (double)m;
        double r = label == 0 ? 1.0 : 0.5;
        *x = r * cos(t);
        *y = r * sin(t);
        return;
    }
    case AF_DATA_XOR: {
        /* Alternating corners: class 0 (1, 1), (-1, -1), ...; class 1
         * (1, -1), (-1, 1), ...  The sign of x flips with k, that of y
         * also with the class. */
        double sx = k % 2 == 0 ? 1.0 : -1.0;
        *x = sx;
        *y = label == 0 ? sx : -sx;
        return;
    }
    }
    *x = *y = 0.0; /* unreachable: the kind is checked by the caller */
}

/* Points are stored class 0 first (indices 0 .. n0 - 1, in the order of
 * af_data_point's k), then class 1.  Random numbers are drawn in that same
 * order, two per point, whatever the noise (0 included):
 *     for each point, in storage order: zx, then zy,
 * each zx, zy = gsl_ran_gaussian_ziggurat(rng, 1.0) from one
 * gsl_rng_mt19937 seeded with gsl_rng_set(rng, seed), and the point is
 * (x + noise zx, y + noise zy).  Drawing even when noise = 0 keeps the set
 * an exact affine function of the noise for a given seed.  This order is
 * part of the contract: changing it changes every generated data set. */
af_points *af_points_generate(const af_grid *g, const af_data_gen *d, af_error *err)
{
    if (af_grid_check(g, "points", err) != AF_OK)
        return NULL;
    if (!d) {
        af_error_set(err, AF_EINVAL, "points: generator parameters are NULL");
        return NULL;
    }
    if ((unsigned)d->kind >= AF_DATA_KINDS) {
        af_error_set(err, AF_EINVAL, "points: unknown data kind %d", (int)d->kind);
        return NULL;
    }
    if (d->count < 2 || d->count > AF_POINTS_MAX) {
        af_error_set(err, AF_EINVAL, "points: %s: count %zu out of range 2 .. %zu",
                     af_data_names[d->kind], d->count, AF_POINTS_MAX);
        return NULL;
    }
    if (!(d->noise >= 0.0) || !isfinite(d->noise)) {
        af_error_set(err, AF_EINVAL, "points: %s: noise must be finite and >= 0, got %g",
                     af_data_names[d->kind], d->noise);
        return NULL;
    }

    af_points *p = af_points_alloc(d->count, err);
    if (!p)
        return NULL;
    /* gsl_rng_alloc calls the GSL error handler (abort by default) when out
     * of memory: switched off around it, as in ref.c, so that the failure
     * comes back as a status. */
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_set_error_handler(old);
    if (!rng) {
        af_points_free(p);
        af_error_set(err, AF_ENOMEM, "points: out of memory for the random number generator");
        return NULL;
    }
    gsl_rng_set(rng, d->seed);

    size_t n0 = (d->count + 1) / 2, n1 = d->count - n0;
    double scale = (g->hi - g->lo) / 4.0;
    double centre = g->lo + 0.5 * (g->hi - g->lo);
    for (size_t k = 0; k < d->count; k++) {
        int label = k < n0 ? 0 : 1;
        size_t kc = label == 0 ? k : k - n0;
        double x, y;
        af_data_point(d->kind, label, kc, label == 0 ? n0 : n1, &x, &y);
        double zx = gsl_ran_gaussian_ziggurat(rng, 1.0);
        double zy = gsl_ran_gaussian_ziggurat(rng, 1.0);
        p->x[k] = centre + scale * (x + d->noise * zx);
        p->y[k] = centre + scale * (y + d->noise * zy);
        p->label[k] = (uint8_t)label;
    }
    gsl_rng_free(rng);
    return p;
}

/* ------------------------------------------------------------------ */
/* Box and cells                                                       */

size_t af_points_crop(af_points *p, const af_grid *g)
{
    if (!p || !g)
        return 0;
    double lo = g->lo, hi = g->hi;
    size_t kept = 0;
    /* Invariant: points 0 .. kept - 1 are the inside points among 0 .. k - 1,
     * in their order; kept <= k, so copying forward never overwrites a point
     * not yet looked at. */
    for (size_t k = 0; k < p->count; k++) {
        double x = p->x[k], y = p->y[k];
        if (!(x >= lo && x <= hi && y >= lo && y <= hi)) /* NaN is outside */
            continue;
        p->x[kept] = x;
        p->y[kept] = y;
        p->label[kept] = p->label[k];
        kept++;
    }
    size_t removed = p->count - kept;
    p->count = kept;
    return removed;
}

void af_points_class_counts(const af_points *p, size_t count[2])
{
    count[0] = count[1] = 0;
    if (!p)
        return;
    for (size_t k = 0; k < p->count; k++)
        count[p->label[k] != 0]++;
}

/* floor((v - lo) / dx) clamped to 0 .. n - 1; tested in double before the
 * conversion so that no out-of-range (or NaN) value is converted. */

size_t af_points_cell(const af_points *p, const af_grid *g, size_t k)
{
    size_t i = (size_t)af_grid_cell_of(g, p->x[k]);
    size_t j = (size_t)af_grid_cell_of(g, p->y[k]);
    return i + (size_t)g->n * j;
}
