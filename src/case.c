/* advflow: case files (INI, parsed by inih).  GPL-3.0-or-later.
 *
 * Reading keeps every key = value as a raw entry with its line number; the
 * overrides replace entries; af_case_finish then interprets each entry once
 * (marking it used) and reports, with the entry's origin, any value that is
 * malformed or out of range and any key the chosen kinds do not use.
 * Invariant: after a successful finish every entry has been used. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "advflow/case.h"

#include "advflow/advflow.h"
#include "advflow/kde.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <ini.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *section, *key, *value;
    int line; /* 0 for an override */
    int used;
} entry;

struct af_case_store {
    entry *e;
    int n, cap;
    /* parsing state */
    FILE *fp;
    int line;          /* line being parsed */
    int at_line_start; /* the next reader call starts a new line */
    int bad_section_line;
    char bad_section[64];
    int data_header;   /* a [data] header was read (an empty section has no entries) */
    int nul_line;      /* line of a NUL byte: reading stopped there */
    af_error *err;
    af_status status;
    /* storage that the descriptors point into */
    double *vertices;
    double *components[3];
    char *files[5]; /* resolved paths: shape, density, rho0, rho1, data */
};

/* The schema: every section and the keys it may hold. */
static const char *const grid_keys[] = {"dim", "n", "box", "boundary", NULL};
static const char *const initial_keys[] = {"shape", "center", "radius", "axes", "size",
                                           "angle", "points", "amplitude", "length", "neck",
                                           "normal", "offset", "vertices", "file", "threshold",
                                           "level", NULL};
static const char *const density_keys[] = {"kind", "value", "center", "sigma", "components",
                                           "a", "file", "scale", "bandwidth", "floor", NULL};
static const char *const data_keys[] = {"file", "generate", "count", "noise", "seed",
                                        "weight0", "weight1", NULL};
static const char *const scheme_keys[] = {"epsilon", "epsilon_average", "h", "p", "norm",
                                          "selection", "method", "distance", "representation",
                                          "steps", "t_end", "stop_when_still", NULL};
static const char *const output_keys[] = {"dir", "every", "frames", "scale", "format", NULL};
static const char *const run_keys[] = {"threads", NULL};

static const struct {
    const char *name;
    const char *const *keys;
} schema[] = {
    {"grid", grid_keys},       {"initial", initial_keys}, {"density", density_keys},
    {"rho0", density_keys},    {"rho1", density_keys},    {"scheme", scheme_keys},
    {"output", output_keys},   {"data", data_keys},       {"run", run_keys},
};
#define NSECTIONS ((int)(sizeof schema / sizeof schema[0]))

static int section_index(const char *name)
{
    for (int s = 0; s < NSECTIONS; s++)
        if (strcmp(schema[s].name, name) == 0)
            return s;
    return -1;
}

static int key_known(int s, const char *key)
{
    for (const char *const *k = schema[s].keys; *k; k++)
        if (strcmp(*k, key) == 0)
            return 1;
    return 0;
}

static char *dupstr(const char *s)
{
    size_t len = strlen(s) + 1;
    char *d = malloc(len);
    if (d)
        memcpy(d, s, len);
    return d;
}

af_case *af_case_alloc(void)
{
    af_case *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->store = calloc(1, sizeof *c->store);
    if (!c->store) {
        free(c);
        return NULL;
    }
    return c;
}

void af_case_free(af_case *c)
{
    if (!c)
        return;
    struct af_case_store *st = c->store;
    for (int k = 0; k < st->n; k++) {
        free(st->e[k].section);
        free(st->e[k].key);
        free(st->e[k].value);
    }
    free(st->e);
    free(st->vertices);
    for (int k = 0; k < 3; k++)
        free(st->components[k]);
    for (int k = 0; k < 5; k++)
        free(st->files[k]);
    free(st);
    free(c->path);
    free(c->output.dir);
    free(c);
}

/* "FILE:LINE: [section] key" or "--set section.key" into buf. */
static const char *origin(const af_case *c, const entry *e, char *buf, size_t size)
{
    if (e->line > 0)
        snprintf(buf, size, "%s:%d: [%s] %s", c->path ? c->path : "(case)", e->line, e->section,
                 e->key);
    else
        snprintf(buf, size, "--set %s.%s", e->section, e->key);
    return buf;
}

static entry *find(const af_case *c, const char *section, const char *key)
{
    struct af_case_store *st = c->store;
    for (int k = 0; k < st->n; k++)
        if (strcmp(st->e[k].section, section) == 0 && strcmp(st->e[k].key, key) == 0)
            return &st->e[k];
    return NULL;
}

static af_status add_entry(af_case *c, const char *section, const char *key, const char *value,
                           int line, af_error *err)
{
    struct af_case_store *st = c->store;
    if (st->n == st->cap) {
        int cap = st->cap ? 2 * st->cap : 32;
        entry *e = realloc(st->e, (size_t)cap * sizeof *e);
        if (!e)
            return af_error_set(err, AF_ENOMEM, "case: out of memory");
        st->e = e;
        st->cap = cap;
    }
    entry *e = &st->e[st->n];
    e->section = dupstr(section);
    e->key = dupstr(key);
    e->value = dupstr(value);
    e->line = line;
    e->used = 0;
    if (!e->section || !e->key || !e->value) {
        free(e->section);
        free(e->key);
        free(e->value);
        return af_error_set(err, AF_ENOMEM, "case: out of memory");
    }
    st->n++;
    return AF_OK;
}

/* Checks shared by the file and the overrides. */
static af_status check_key(const af_case *c, const char *where, const char *section,
                           const char *key, af_error *err)
{
    int s = section_index(section);
    if (s < 0)
        return af_error_set(err, AF_EINVAL,
                            "%s: unknown section [%s] (known: grid, initial, density, rho0, rho1, "
                            "scheme, output, data, run)",
                            where, section);
    if (!key_known(s, key)) {
        char list[512] = "";
        for (const char *const *k = schema[s].keys; *k; k++) {
            strncat(list, *k, sizeof list - strlen(list) - 3);
            if (k[1])
                strcat(list, ", ");
        }
        return af_error_set(err, AF_EINVAL, "%s: unknown key '%s' in [%s] (known: %s)", where, key,
                            section, list);
    }
    (void)c;
    return AF_OK;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    af_case *c = user;
    struct af_case_store *st = c->store;
    char where[1024];
    snprintf(where, sizeof where, "%s:%d", c->path, st->line);
    if (!section[0]) {
        st->status = af_error_set(st->err, AF_EINVAL,
                                  "%s: key '%s' before any [section]", where, name);
        return 0;
    }
    if ((st->status = check_key(c, where, section, name, st->err)) != AF_OK)
        return 0;
    entry *old = find(c, section, name);
    if (old) {
        st->status = af_error_set(st->err, AF_EINVAL, "%s: [%s] %s given twice (first on line %d)",
                                  where, section, name, old->line);
        return 0;
    }
    if (!value[0]) {
        st->status = af_error_set(st->err, AF_EINVAL, "%s: [%s] %s has no value", where, section,
                                  name);
        return 0;
    }
    st->status = add_entry(c, section, name, value, st->line, st->err);
    return st->status == AF_OK;
}

/* fgets-style reader for inih that counts lines and checks section
 * headers (inih does not call the handler for an empty section, so an
 * unknown empty section would otherwise pass unnoticed).  With inih's
 * growing line buffer one line may come in several calls. */
static char *reader(char *str, int num, void *stream)
{
    af_case *c = stream;
    struct af_case_store *st = c->store;
    /* fgets, but a NUL byte (a binary file, /dev/zero) ends the reading at
     * once: fgets would hide it and read on forever.  Once, and for good:
     * inih may call again after a NULL, and nothing after the NUL counts. */
    if (st->nul_line)
        return NULL;
    int k = 0, ch = 0;
    while (k < num - 1 && (ch = getc(st->fp)) != EOF) {
        if (ch == '\0') {
            st->nul_line = st->line + (st->at_line_start ? 1 : 0);
            /* inih reads a long line in pieces, and after a NULL for a
             * piece it still parses the line: the bytes stored must end
             * in a NUL (fuzzing found strlen running past the buffer) */
            str[k] = '\0';
            return NULL;
        }
        str[k++] = (char)ch;
        if (ch == '\n')
            break;
    }
    if (k == 0)
        return NULL;
    str[k] = '\0';
    if (st->at_line_start) {
        st->line++;
        const char *p = str;
        while (isspace((unsigned char)*p))
            p++;
        if (*p == '[' && !st->bad_section_line) {
            const char *q = strchr(p, ']');
            size_t len = q ? (size_t)(q - p - 1) : 0;
            char name[64];
            if (q && len < sizeof name) {
                memcpy(name, p + 1, len);
                name[len] = '\0';
                if (section_index(name) < 0) {
                    st->bad_section_line = st->line;
                    snprintf(st->bad_section, sizeof st->bad_section, "%s", name);
                }
                st->data_header |= strcmp(name, "data") == 0;
            }
        }
    }
    size_t len = strlen(str);
    st->at_line_start = len > 0 && str[len - 1] == '\n';
    return str;
}

af_status af_case_read(af_case *c, const char *path, af_error *err)
{
    struct af_case_store *st = c->store;
    free(c->path);
    if (!(c->path = dupstr(path)))
        return af_error_set(err, AF_ENOMEM, "case: out of memory");
    st->fp = fopen(path, "r");
    if (!st->fp)
        return af_error_set(err, AF_EIO, "%s: cannot open case file: %s", path, strerror(errno));
    /* Debian's inih exposes its options as variables: grow the line buffer
     * so that long vertex lists parse, stop at the first error. */
    ini_use_stack = 0;
    ini_allow_realloc = 1;
    ini_max_line = 1 << 16;
    ini_stop_on_first_error = 1;
    ini_allow_multiline = 0;
    st->line = 0;
    st->at_line_start = 1;
    st->bad_section_line = 0;
    st->data_header = 0;
    st->nul_line = 0;
    st->err = err;
    st->status = AF_OK;
    int rc = ini_parse_stream(reader, c, handler, c);
    int read_error = ferror(st->fp);
    fclose(st->fp);
    st->fp = NULL;
    if (read_error)
        return af_error_set(err, AF_EIO, "%s: read error", path);
    if (st->nul_line)
        return af_error_set(err, AF_EFORMAT, "%s:%d: NUL byte (a binary file, not a case file?)",
                            path, st->nul_line);
    if (st->bad_section_line && (rc == 0 || rc > st->bad_section_line))
        return af_error_set(err, AF_EINVAL,
                            "%s:%d: unknown section [%s] (known: grid, initial, density, rho0, "
                            "rho1, scheme, output, data, run)",
                            path, st->bad_section_line, st->bad_section);
    if (rc == -2)
        return af_error_set(err, AF_ENOMEM, "%s: out of memory while parsing", path);
    if (rc != 0) {
        if (st->status != AF_OK)
            return st->status; /* the handler's message */
        return af_error_set(err, AF_EFORMAT,
                            "%s:%d: syntax error: expected '[section]', 'key = value', a comment "
                            "or a blank line (lines are limited to %d characters)",
                            path, rc, (1 << 16) - 3);
    }
    return AF_OK;
}

af_status af_case_set(af_case *c, const char *assignment, af_error *err)
{
    const char *eq = strchr(assignment, '=');
    const char *dot = strchr(assignment, '.');
    if (!eq || !dot || dot > eq)
        return af_error_set(err, AF_EINVAL,
                            "--set %s: expected section.key=value (e.g. scheme.epsilon=0.02)",
                            assignment);
    char section[64], key[64];
    /* trim blanks around the section and key names */
    while (isspace((unsigned char)*assignment))
        assignment++;
    const char *kend = eq;
    while (kend > dot + 1 && isspace((unsigned char)kend[-1]))
        kend--;
    size_t sl = (size_t)(dot - assignment), kl = (size_t)(kend - dot - 1);
    if (sl == 0 || kl == 0 || sl >= sizeof section || kl >= sizeof key)
        return af_error_set(err, AF_EINVAL, "--set %s: expected section.key=value", assignment);
    memcpy(section, assignment, sl);
    section[sl] = '\0';
    memcpy(key, dot + 1, kl);
    key[kl] = '\0';
    const char *value = eq + 1;
    while (isspace((unsigned char)*value))
        value++;
    char where[256];
    snprintf(where, sizeof where, "--set %s.%s", section, key);
    af_status s = check_key(c, where, section, key, err);
    if (s != AF_OK)
        return s;
    if (!value[0])
        return af_error_set(err, AF_EINVAL, "%s: empty value", where);
    entry *old = find(c, section, key);
    if (old) {
        char *v = dupstr(value);
        if (!v)
            return af_error_set(err, AF_ENOMEM, "case: out of memory");
        free(old->value);
        old->value = v;
        old->line = 0;
        return AF_OK;
    }
    return add_entry(c, section, key, value, 0, err);
}

/* ---- typed getters: each marks the entry used and names it on error ---- */

typedef struct {
    af_case *c;
    af_error *err;
    af_status status; /* first error; getters do nothing once set */
} ctx;

static entry *get(ctx *x, const char *section, const char *key)
{
    entry *e = find(x->c, section, key);
    if (e)
        e->used = 1;
    return e;
}

static void fail(ctx *x, const entry *e, const char *fmt, const char *detail)
{
    if (x->status != AF_OK)
        return;
    char where[1100];
    origin(x->c, e, where, sizeof where);
    x->status = af_error_set(x->err, AF_EINVAL, "%s = '%s': %s%s", where, e->value, fmt,
                             detail ? detail : "");
}

static void missing(ctx *x, const char *section, const char *key, const char *why)
{
    if (x->status != AF_OK)
        return;
    x->status = af_error_set(x->err, AF_EINVAL, "%s: [%s] %s is required%s", x->c->path, section,
                             key, why ? why : "");
}

/* Parse up to max whitespace- or comma-separated numbers into out (or only
 * count them when out is NULL); returns the count, or -1 if a token is not
 * a finite number or there are more than max. */
static int parse_numbers(const char *s, double *out, int max)
{
    int k = 0;
    const char *p = s;
    for (;;) {
        while (isspace((unsigned char)*p) || *p == ',')
            p++;
        if (!*p)
            return k;
        char *end;
        errno = 0;
        double v = strtod(p, &end);
        /* ERANGE also flags a subnormal result, which is a finite number
         * and must read back: af_case_write writes computed defaults such
         * as epsilon = 5 dx, subnormal in a box of width 3e-308 (found by
         * fuzzing the round trip).  Underflow to 0 and overflow stay
         * refused. */
        if (end == p || (errno == ERANGE && v == 0) || !isfinite(v))
            return -1;
        if (*end && !isspace((unsigned char)*end) && *end != ',')
            return -1;
        if (k == max)
            return -1;
        if (out)
            out[k] = v;
        k++;
        p = end;
    }
}

static double get_num(ctx *x, const char *sec, const char *key, double def, int required,
                      const char *why)
{
    entry *e = get(x, sec, key);
    if (!e) {
        if (required)
            missing(x, sec, key, why);
        return def;
    }
    double v;
    if (parse_numbers(e->value, &v, 1) != 1) {
        fail(x, e, "expected one finite number", NULL);
        return def;
    }
    return v;
}

static int get_int(ctx *x, const char *sec, const char *key, int def, int required)
{
    entry *e = get(x, sec, key);
    if (!e) {
        if (required)
            missing(x, sec, key, NULL);
        return def;
    }
    char *end;
    errno = 0;
    long v = strtol(e->value, &end, 10);
    while (isspace((unsigned char)*end))
        end++;
    if (end == e->value || *end || errno == ERANGE || v < -2147483647L || v > 2147483647L) {
        fail(x, e, "expected a whole number", NULL);
        return def;
    }
    return (int)v;
}

static void get_pair(ctx *x, const char *sec, const char *key, double out[2], double d0,
                     double d1, int required)
{
    entry *e = get(x, sec, key);
    out[0] = d0;
    out[1] = d1;
    if (!e) {
        if (required)
            missing(x, sec, key, " (two numbers)");
        return;
    }
    double v[2];
    if (parse_numbers(e->value, v, 2) != 2) {
        fail(x, e, "expected two finite numbers", NULL);
        return;
    }
    out[0] = v[0];
    out[1] = v[1];
}

/* A list of numbers whose length is a multiple of `group` and at least
 * `min_groups` groups; stored in *dst (owned by the store). */
static int get_list(ctx *x, const char *sec, const char *key, int group, int min_groups,
                    double **dst, const char *what)
{
    entry *e = get(x, sec, key);
    if (!e) {
        missing(x, sec, key, what);
        return 0;
    }
    int count = parse_numbers(e->value, NULL, INT_MAX);
    if (count < 0) {
        fail(x, e, "expected finite numbers", NULL);
        return 0;
    }
    free(*dst);
    *dst = malloc((size_t)(count > 0 ? count : 1) * sizeof **dst);
    if (!*dst) {
        if (x->status == AF_OK)
            x->status = af_error_set(x->err, AF_ENOMEM, "case: out of memory");
        return 0;
    }
    parse_numbers(e->value, *dst, count);
    if (count % group || count / group < min_groups) {
        char msg[128];
        snprintf(msg, sizeof msg, "expected groups of %d numbers, at least %d group%s", group,
                 min_groups, what ? what : "");
        fail(x, e, msg, NULL);
        return 0;
    }
    return count / group;
}

/* One word out of a list of choices; returns its index or def. */
static int get_choice(ctx *x, const char *sec, const char *key, const char *const *choices,
                      int def)
{
    entry *e = get(x, sec, key);
    if (!e)
        return def;
    for (int k = 0; choices[k]; k++)
        if (strcmp(e->value, choices[k]) == 0)
            return k;
    char list[256] = "expected one of: ";
    for (int k = 0; choices[k]; k++) {
        strncat(list, choices[k], sizeof list - strlen(list) - 3);
        if (choices[k + 1])
            strcat(list, ", ");
    }
    fail(x, e, list, NULL);
    return def;
}

/* A file named relative to the case file's folder, unless absolute. */
static char *resolve(ctx *x, const entry *e)
{
    const char *p = x->c->path ? x->c->path : "";
    const char *slash = strrchr(p, '/');
    size_t dlen = (e->value[0] == '/' || e->line == 0 || !slash) ? 0 : (size_t)(slash - p + 1);
    char *r = malloc(dlen + strlen(e->value) + 1);
    if (!r) {
        if (x->status == AF_OK)
            x->status = af_error_set(x->err, AF_ENOMEM, "case: out of memory");
        return NULL;
    }
    memcpy(r, p, dlen);
    strcpy(r + dlen, e->value);
    return r;
}

static entry *entry_of(ctx *x, const char *sec, const char *key) { return find(x->c, sec, key); }

/* Checks a value read from (sec, key) with a condition; names the entry. */
static void require(ctx *x, int ok, const char *sec, const char *key, const char *msg)
{
    if (ok || x->status != AF_OK)
        return;
    entry *e = entry_of(x, sec, key);
    if (e)
        fail(x, e, msg, NULL);
    else
        x->status = af_error_set(x->err, AF_EINVAL, "%s: [%s] %s: %s", x->c->path, sec, key, msg);
}

/* [scheme] epsilon_average: up to three budgets (comma- or space-separated),
 * each in [dx, epsilon], into s->epsilon_average (the rest 0); an empty
 * value is none. */
static void read_epsilon_average(ctx *x, af_case_scheme *s, double dx)
{
    memset(s->epsilon_average, 0, sizeof s->epsilon_average);
    entry *e = get(x, "scheme", "epsilon_average");
    if (!e || x->status != AF_OK)
        return;
    double v[3];
    int k = parse_numbers(e->value, v, 3);
    if (k < 0) {
        fail(x, e,
             parse_numbers(e->value, NULL, INT_MAX) > 3
                 ? "expected at most 3 budgets (the perimeter averages epsilon's and up to three more)"
                 : "expected up to 3 finite numbers, comma-separated",
             NULL);
        return;
    }
    for (int q = 0; q < k; q++) {
        if (!(v[q] >= dx * (1 - 1e-9)) || v[q] > s->epsilon) {
            char detail[160];
            snprintf(detail, sizeof detail, " (budget %d is %.10g; dx = %.10g, epsilon = %.10g)",
                     q + 1, v[q], dx, s->epsilon);
            fail(x, e, "each budget must be in [dx, epsilon]: at least one cell, at most epsilon",
                 detail);
            return;
        }
        s->epsilon_average[q] = v[q];
    }
}

/* has_data: the case has [data], so the shape defaults to the Bayes
 * classifier of its densities. */
static void read_shape(ctx *x, int has_data)
{
    af_case *c = x->c;
    af_shape *s = &c->shape;
    memset(s, 0, sizeof *s);
    entry *e = get(x, "initial", "shape");
    if (!e && has_data) {
        s->kind = AF_SHAPE_BAYES;
        return;
    }
    if (!e) {
        missing(x, "initial", "shape",
                " (circle, ellipse, rectangle, star, dumbbell, halfplane, polygon, png, bayes or "
                "score)");
        return;
    }
    if (af_shape_kind_parse(e->value, &s->kind) != 0) {
        fail(x, e,
             "unknown shape (circle, ellipse, rectangle, star, dumbbell, halfplane, polygon, png, "
             "bayes, score)",
             NULL);
        return;
    }
    const char *I = "initial";
    switch (s->kind) {
    case AF_SHAPE_CIRCLE:
    case AF_SHAPE_ELLIPSE:
    case AF_SHAPE_RECTANGLE:
    case AF_SHAPE_STAR:
    case AF_SHAPE_DUMBBELL:
        get_pair(x, I, "center", s->center, 0, 0, 0);
        if (s->kind != AF_SHAPE_CIRCLE)
            s->angle = get_num(x, I, "angle", 0, 0, NULL);
        break;
    default:
        break;
    }
    switch (s->kind) {
    case AF_SHAPE_CIRCLE:
        s->radius = get_num(x, I, "radius", 0, 1, NULL);
        require(x, s->radius > 0, I, "radius", "must be > 0");
        break;
    case AF_SHAPE_ELLIPSE:
        get_pair(x, I, "axes", s->axes, 0, 0, 1);
        require(x, s->axes[0] > 0 && s->axes[1] > 0, I, "axes", "both semi-axes must be > 0");
        break;
    case AF_SHAPE_RECTANGLE:
        get_pair(x, I, "size", s->size, 0, 0, 1);
        require(x, s->size[0] > 0 && s->size[1] > 0, I, "size", "width and height must be > 0");
        break;
    case AF_SHAPE_STAR:
        s->radius = get_num(x, I, "radius", 0, 1, NULL);
        s->points = get_int(x, I, "points", 5, 0);
        s->amplitude = get_num(x, I, "amplitude", 0, 1, NULL);
        require(x, s->radius > 0, I, "radius", "must be > 0");
        require(x, s->points >= 2 && s->points <= 10000, I, "points", "must be in 2..10000");
        require(x, s->amplitude >= 0 && s->amplitude < s->radius, I, "amplitude",
                "must be >= 0 and smaller than radius");
        break;
    case AF_SHAPE_DUMBBELL:
        s->radius = get_num(x, I, "radius", 0, 1, NULL);
        s->length = get_num(x, I, "length", 0, 1, NULL);
        s->neck = get_num(x, I, "neck", 0.5 * s->radius, 0, NULL);
        require(x, s->radius > 0, I, "radius", "must be > 0");
        require(x, s->length > 0, I, "length", "must be > 0");
        require(x, s->neck > 0 && s->neck <= 2 * s->radius, I, "neck",
                "must be > 0 and at most 2 radius");
        break;
    case AF_SHAPE_HALFPLANE:
        get_pair(x, I, "normal", s->normal, 0, 0, 1);
        s->offset = get_num(x, I, "offset", 0, 0, NULL);
        require(x, s->normal[0] != 0 || s->normal[1] != 0, I, "normal", "must not be zero");
        break;
    case AF_SHAPE_POLYGON:
        s->nvertices = get_list(x, I, "vertices", 2, 3, &c->store->vertices, " (x y pairs)");
        s->vertices = c->store->vertices;
        break;
    case AF_SHAPE_PNG: {
        entry *f = get(x, I, "file");
        if (!f)
            missing(x, I, "file", " (a PNG image covering the box)");
        else
            s->file = c->store->files[0] = resolve(x, f);
        s->threshold = get_num(x, I, "threshold", 0.5, 0, NULL);
        require(x, s->threshold >= 0 && s->threshold <= 1, I, "threshold", "must be in [0, 1]");
        break;
    }
    case AF_SHAPE_BAYES:
        break; /* the densities come later, in af_case_mask */
    case AF_SHAPE_SCORE: {
        entry *f = get(x, I, "file");
        if (!f)
            missing(x, I, "file", " (a score map, .npy or .csv, n x n values)");
        else
            s->file = c->store->files[0] = resolve(x, f);
        s->level = get_num(x, I, "level", 0.5, 0, NULL);
        break;
    }
    }
}

static void read_density(ctx *x, const char *sec, af_density *d, int slot)
{
    memset(d, 0, sizeof *d);
    d->kind = AF_DENSITY_UNIFORM;
    d->value = 1;
    entry *e = get(x, sec, "kind");
    if (e && af_density_kind_parse(e->value, &d->kind) != 0) {
        fail(x, e, "unknown density kind (uniform, gaussian, mixture, exp, png, kde)", NULL);
        return;
    }
    /* With data and no density given, the densities are the points' */
    if (!e && x->c->data.present && slot == 0)
        d->kind = AF_DENSITY_KDE;
    if (d->kind == AF_DENSITY_KDE && slot != 0) {
        fail(x, e, "kde estimates both classes at once: give it in [density]", NULL);
        return;
    }
    if (d->kind == AF_DENSITY_KDE && !x->c->data.present) { /* kde only as given: e is set */
        fail(x, e, "kde needs data points: add a [data] section", NULL);
        return;
    }
    if (d->kind == AF_DENSITY_UNIFORM || d->kind == AF_DENSITY_GAUSSIAN || d->kind == AF_DENSITY_EXP) {
        d->value = get_num(x, sec, "value", 1, 0, NULL);
        require(x, d->value >= 0, sec, "value", "densities must be >= 0");
    }
    switch (d->kind) {
    case AF_DENSITY_GAUSSIAN:
        get_pair(x, sec, "center", d->center, 0, 0, 0);
        d->sigma = get_num(x, sec, "sigma", 0, 1, NULL);
        require(x, d->sigma > 0, sec, "sigma", "must be > 0");
        break;
    case AF_DENSITY_MIXTURE:
        d->ncomponents = get_list(x, sec, "components", 4, 1, &x->c->store->components[slot],
                                  " (w cx cy sigma per component)");
        d->components = x->c->store->components[slot];
        for (int k = 0; k < d->ncomponents && x->status == AF_OK; k++) {
            const double *cp = d->components + 4 * k;
            require(x, cp[0] >= 0 && cp[3] > 0, sec, "components",
                    "each component needs weight w >= 0 and sigma > 0");
        }
        break;
    case AF_DENSITY_EXP:
        get_pair(x, sec, "a", d->a, 0, 0, 1);
        break;
    case AF_DENSITY_PNG: {
        entry *f = get(x, sec, "file");
        if (!f)
            missing(x, sec, "file", " (a grayscale PNG)");
        else
            d->file = x->c->store->files[1 + slot] = resolve(x, f);
        d->scale = get_num(x, sec, "scale", 1, 0, NULL);
        require(x, d->scale >= 0, sec, "scale", "must be >= 0");
        break;
    }
    case AF_DENSITY_KDE: {
        entry *b = get(x, sec, "bandwidth");
        d->bandwidth = 0; /* Silverman's rule */
        if (b && strcmp(b->value, "silverman") != 0) {
            d->bandwidth = get_num(x, sec, "bandwidth", 0, 0, NULL);
            require(x, d->bandwidth > 0, sec, "bandwidth",
                    "must be > 0 (length units) or 'silverman'");
            require(x, d->bandwidth <= 1000 * (x->c->grid.hi - x->c->grid.lo), sec, "bandwidth",
                    "must be at most 1000 box widths (the estimate is uniform long before)");
        }
        d->floor = get_num(x, sec, "floor", AF_CASE_KDE_FLOOR, 0, NULL);
        require(x, d->floor >= 0 && d->floor <= 1, sec, "floor", "must be in [0, 1]");
        break;
    }
    default:
        break;
    }
}

static void read_data(ctx *x)
{
    af_case_data *d = &x->c->data;
    const char *D = "data";
    entry *f = get(x, D, "file"), *g = get(x, D, "generate");
    if (f && g) {
        fail(x, g, "give either file or generate, not both", NULL);
        return;
    }
    if (!f && !g) {
        missing(x, D, "file", " (a CSV of x, y, label), or generate = moons, blobs, circles or xor");
        return;
    }
    if (f) {
        d->file = x->c->store->files[4] = resolve(x, f);
    } else {
        if (af_data_kind_parse(g->value, &d->gen.kind) != 0) {
            fail(x, g, "unknown data set (moons, blobs, circles, xor)", NULL);
            return;
        }
        int count = get_int(x, D, "count", 400, 0);
        require(x, count >= 2 && (size_t)count <= AF_POINTS_MAX, D, "count",
                "must be in 2 .. 16777216");
        d->gen.count = count > 0 ? (size_t)count : 0;
        d->gen.noise = get_num(x, D, "noise", af_data_default_noise(d->gen.kind), 0, NULL);
        require(x, d->gen.noise >= 0, D, "noise", "must be >= 0");
        /* GSL seeds MT19937 with 32 bits */
        double seed = get_num(x, D, "seed", 1, 0, NULL);
        require(x, seed >= 0 && seed <= 4294967295.0 && seed == floor(seed), D, "seed",
                "must be a whole number in 0 .. 4294967295");
        d->gen.seed = seed >= 0 && seed <= 4294967295.0 ? (unsigned long)seed : 0;
    }
    d->weight[0] = get_num(x, D, "weight0", 1, 0, NULL);
    d->weight[1] = get_num(x, D, "weight1", 1, 0, NULL);
    require(x, d->weight[0] > 0, D, "weight0", "must be > 0");
    require(x, d->weight[1] > 0, D, "weight1", "must be > 0");
    /* Only the ratio matters (priors; kde.c and risk.c divide by the
     * larger weight), and beyond 1e12 it would round a class away. */
    double lo = fmin(d->weight[0], d->weight[1]), hi = fmax(d->weight[0], d->weight[1]);
    require(x, !(lo > 0) || hi <= 1e12 * lo, D, d->weight[0] < d->weight[1] ? "weight0" : "weight1",
            "must be within a factor 1e12 of the other class's weight (only their ratio matters)");
}

static char *default_dir(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strlen(base);
    if (len > 4 && strcmp(base + len - 4, ".ini") == 0)
        len -= 4;
    char *d = malloc(len + 5);
    if (d) {
        memcpy(d, "out/", 4);
        memcpy(d + 4, base, len);
        d[4 + len] = '\0';
    }
    return d;
}

af_status af_case_finish(af_case *c, af_error *err)
{
    ctx x = {c, err, AF_OK};
    if (!c->path && !(c->path = dupstr("(no case file)")))
        return af_error_set(err, AF_ENOMEM, "case: out of memory");

    /* [grid] */
    int dim = get_int(&x, "grid", "dim", 2, 0);
    int n = get_int(&x, "grid", "n", 256, 0);
    double box[2];
    get_pair(&x, "grid", "box", box, -1, 1, 0);
    static const char *const edges[] = {"clamp", "periodic", NULL};
    int edge = get_choice(&x, "grid", "boundary", edges, 0);
    if (x.status != AF_OK)
        return x.status;
    af_error gerr;
    af_status gs = af_grid_init(&c->grid, dim, n, box[0], box[1], (af_edge)edge, &gerr);
    if (gs != AF_OK) {
        int n_bad = n < 1 || n > AF_GRID_MAX_N || (size_t)n * (size_t)n > AF_GRID_MAX_CELLS;
        entry *e = entry_of(&x, "grid", dim != 2 ? "dim" : n_bad ? "n" : "box");
        char where[1100];
        if (e)
            origin(c, e, where, sizeof where);
        else
            snprintf(where, sizeof where, "%s: [grid]", c->path);
        return af_error_set(err, gs, "%s: %s", where, gerr.msg);
    }

    int has_density = 0, has0 = 0, has1 = 0, has_data = c->store->data_header;
    for (int k = 0; k < c->store->n; k++) {
        has_density |= strcmp(c->store->e[k].section, "density") == 0;
        has0 |= strcmp(c->store->e[k].section, "rho0") == 0;
        has1 |= strcmp(c->store->e[k].section, "rho1") == 0;
        has_data |= strcmp(c->store->e[k].section, "data") == 0;
    }

    /* [data] */
    memset(&c->data, 0, sizeof c->data);
    c->data.present = has_data;
    if (has_data)
        read_data(&x);

    /* [initial] */
    read_shape(&x, has_data);

    /* [density] or [rho0] + [rho1] */
    if ((has0 || has1) && !(has0 && has1) && x.status == AF_OK)
        x.status = af_error_set(err, AF_EINVAL,
                                "%s: [%s] is given without [%s]: give both class densities, or "
                                "one [density] split evenly",
                                c->path, has0 ? "rho0" : "rho1", has0 ? "rho1" : "rho0");
    if (has_density && has0 && has1 && x.status == AF_OK)
        x.status = af_error_set(err, AF_EINVAL,
                                "%s: give either [density] (split evenly) or [rho0] and [rho1], "
                                "not both",
                                c->path);
    c->split = !(has0 && has1);
    if (c->split)
        read_density(&x, "density", &c->density, 0);
    else {
        read_density(&x, "rho0", &c->rho0, 1);
        read_density(&x, "rho1", &c->rho1, 2);
    }

    /* [scheme] */
    af_case_scheme *s = &c->scheme;
    const char *S = "scheme";
    s->epsilon = get_num(&x, S, "epsilon", 5 * c->grid.dx, 0, NULL);
    require(&x, s->epsilon > 0, S, "epsilon", "must be > 0");
    read_epsilon_average(&x, s, c->grid.dx);
    s->h = get_num(&x, S, "h", s->epsilon, 0, NULL);
    require(&x, s->h > 0, S, "h", "must be > 0");
    s->p = get_num(&x, S, "p", 1, 0, NULL);
    require(&x, s->p >= 0, S, "p", "must be >= 0");
    static const char *const norms[] = {"2", "inf", "1", NULL};
    static const af_norm norm_of[] = {AF_NORM_2, AF_NORM_INF, AF_NORM_1};
    s->norm = norm_of[get_choice(&x, S, "norm", norms, 0)];
    static const char *const sels[] = {"minimal", "maximal", NULL};
    s->selection = (af_selection)get_choice(&x, S, "selection", sels, 0);
    static const char *const methods[] = {"mm", "mbo", NULL};
    s->method = (af_method)get_choice(&x, S, "method", methods, 0);
    static const char *const dists[] = {"subcell", "simple", NULL};
    s->sdist = (af_sdist_kind)get_choice(&x, S, "distance", dists, 0);
    static const char *const reprs[] = {"mask", "levelset", NULL};
    s->representation = (af_representation)get_choice(&x, S, "representation", reprs, 0);
    require(&x, s->epsilon_average[0] == 0 || s->method == AF_METHOD_MM, S, "epsilon_average",
            "averages the exact step's perimeters: needs method = mm (MBO has no ball)");
    require(&x, s->representation == AF_REPR_MASK || s->method == AF_METHOD_MM, S, "representation",
            "levelset needs method = mm (MBO thresholds a mask)");
    require(&x, s->representation == AF_REPR_MASK || s->p == 1, S, "representation",
            "levelset moves every level set with p = 1; remove p or set p = 1");
    s->steps = get_int(&x, S, "steps", 100, 0);
    require(&x, s->steps >= 0, S, "steps", "must be >= 0");
    s->t_end = get_num(&x, S, "t_end", 0, 0, NULL);
    require(&x, s->t_end >= 0, S, "t_end", "must be >= 0 (0: no time limit)");
    static const char *const yesno[] = {"no", "yes", "false", "true", "0", "1", "off", "on", NULL};
    s->stop_when_still = get_choice(&x, S, "stop_when_still", yesno, 1) % 2;

    /* [output] */
    af_case_output *o = &c->output;
    entry *d = get(&x, "output", "dir");
    free(o->dir);
    o->dir = d ? dupstr(d->value) : default_dir(c->path);
    if (!o->dir && x.status == AF_OK)
        x.status = af_error_set(err, AF_ENOMEM, "case: out of memory");
    o->every = get_int(&x, "output", "every", 1, 0);
    require(&x, o->every >= 1, "output", "every", "must be >= 1");
    o->frames = get_choice(&x, "output", "frames", yesno, 1) % 2;
    o->scale = get_int(&x, "output", "scale", 0, 0);
    require(&x, o->scale >= 0 && o->scale <= 4096, "output", "scale",
            "must be in 0..4096 (0: automatic)");
    static const char *const formats[] = {"png", "npy", "both", NULL};
    o->format = (af_output_format)get_choice(&x, "output", "format", formats, 0);

    /* [run] */
    c->run.threads = get_int(&x, "run", "threads", 0, 0);
    require(&x, c->run.threads >= 0 && c->run.threads <= AF_THREADS_MAX, "run", "threads",
            "must be a whole number in 0..256 (0: every core)");

    if (x.status != AF_OK)
        return x.status;
    /* Every key given must have been used by the chosen kinds. */
    for (int k = 0; k < c->store->n; k++) {
        entry *e = &c->store->e[k];
        if (e->used)
            continue;
        char where[1100], why[128] = "";
        origin(c, e, where, sizeof where);
        if (strcmp(e->section, "initial") == 0)
            snprintf(why, sizeof why, " by shape = %s", af_shape_kind_name(c->shape.kind));
        else if (strcmp(e->section, "data") == 0)
            snprintf(why, sizeof why, " with %s", c->data.file ? "file (count, noise and seed are "
                                                                 "for generated data)"
                                                               : "generate");
        else if (strcmp(e->section, "grid") && strcmp(e->section, "scheme")
                 && strcmp(e->section, "output") && strcmp(e->section, "run")) {
            const af_density *dd = strcmp(e->section, "rho1") == 0   ? &c->rho1
                                   : strcmp(e->section, "rho0") == 0 ? &c->rho0
                                                                     : &c->density;
            snprintf(why, sizeof why, " by kind = %s", af_density_kind_name(dd->kind));
        }
        return af_error_set(err, AF_EINVAL, "%s: key is not used%s", where, why);
    }
    return AF_OK;
}

/* Prefix err's message with "CASE: [section]: ". */
static af_status prefixed(const af_case *c, const char *section, af_status s, af_error *err)
{
    if (s != AF_OK && err) {
        char msg[AF_ERROR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", err->msg);
        af_error_set(err, s, "%s: [%s]: %s", c->path, section, msg);
    }
    return s;
}

af_status af_case_points(const af_case *c, af_points **points, size_t *outside, af_error *err)
{
    *points = NULL;
    if (outside)
        *outside = 0;
    if (!c->data.present)
        return AF_OK;
    const af_case_data *d = &c->data;
    af_error e2;
    af_points *p = d->file ? af_points_read_csv(d->file, &e2) : af_points_generate(&c->grid, &d->gen, &e2);
    if (!p) {
        if (err)
            *err = e2;
        return prefixed(c, "data", e2.status, err);
    }
    p->weight[0] = d->weight[0];
    p->weight[1] = d->weight[1];
    size_t total = p->count, out = af_points_crop(p, &c->grid);
    size_t count[2];
    af_points_class_counts(p, count);
    const char *src = d->file ? d->file : af_data_kind_name(d->gen.kind);
    af_status s = AF_OK;
    if (total == 0)
        s = af_error_set(err, AF_EINVAL, "%s: [data]: %s: no data points", c->path, src);
    else if (p->count == 0)
        s = af_error_set(err, AF_EINVAL,
                         "%s: [data]: %s: none of the %zu points lies in the box [%g, %g]^2",
                         c->path, src, total, c->grid.lo, c->grid.hi);
    else if (count[0] == 0 || count[1] == 0)
        s = af_error_set(err, AF_EINVAL,
                         "%s: [data]: %s: class %d has no points in the box (class %d has %zu): "
                         "a classifier needs both",
                         c->path, src, count[0] == 0 ? 0 : 1, count[0] == 0 ? 1 : 0,
                         count[0] + count[1]);
    if (s != AF_OK) {
        af_points_free(p);
        return s;
    }
    *points = p;
    if (outside)
        *outside = out;
    return AF_OK;
}

af_status af_case_mask(const af_case *c, const double *rho0, const double *rho1, uint8_t *mask,
                       af_error *err)
{
    af_shape s = c->shape;
    s.rho0 = rho0;
    s.rho1 = rho1;
    return prefixed(c, "initial", af_shape_mask(&c->grid, &s, mask, err), err);
}

af_status af_case_levelset(const af_case *c, const double *rho0, const double *rho1, double *u,
                           af_error *err)
{
    af_shape s = c->shape;
    s.rho0 = rho0;
    s.rho1 = rho1;
    af_status st = af_shape_field(&c->grid, &s, u, err);
    if (st != AF_EUNSUP)
        return prefixed(c, "initial", st, err);
    /* png and polygon: the mask's sub-cell signed distance */
    size_t cells = af_grid_cells(&c->grid);
    uint8_t *mask = malloc(cells);
    af_dist_work *w = mask ? af_dist_work_alloc(&c->grid, err) : NULL;
    if (!mask || !w) {
        free(mask);
        return af_error_set(err, AF_ENOMEM, "case: out of memory for the initial level set");
    }
    st = af_case_mask(c, rho0, rho1, mask, err);
    if (st == AF_OK)
        af_dist_signed(w, AF_SDIST_SUBCELL, mask, u);
    af_dist_work_free(w);
    free(mask);
    return st;
}

double af_case_bandwidth(const af_case *c, const af_points *points, int label)
{
    return c->density.bandwidth > 0 ? c->density.bandwidth : af_kde_silverman(points, label);
}

/* rho0, rho1 = the kernel density estimates of the two classes (kde.h) plus
 * a uniform background of total mass `floor`, split evenly: the estimates
 * have total mass 1, so the background adds floor / (2 |box|) to each. */
static af_status kde_densities(const af_case *c, const af_points *p, double *rho0, double *rho1,
                               af_error *err)
{
    const af_density *d = &c->density;
    if (!p)
        return af_error_set(err, AF_EINVAL, "kind = kde: no data points");
    /* the allocator's status is in its af_error: a local one when the
     * caller gave none, so that the status does not depend on err */
    af_error local, *e = err ? err : &local;
    af_kde *k = af_kde_alloc(&c->grid, e);
    if (!k)
        return e->status;
    af_status s = AF_OK;
    double *rho[2] = {rho0, rho1};
    for (int label = 0; label < 2 && s == AF_OK; label++) {
        double b = af_case_bandwidth(c, p, label);
        if (!(b > 0)) {
            s = af_error_set(err, AF_EINVAL,
                             "kind = kde: the points of class %d have no spread, so Silverman's "
                             "rule gives no bandwidth: give [density] bandwidth",
                             label);
            break;
        }
        s = af_kde_fill(k, p, label, b, rho[label], err);
    }
    af_kde_free(k);
    if (s != AF_OK)
        return s;
    double L = c->grid.hi - c->grid.lo, bg = 0.5 * d->floor / (L * L);
    size_t cells = af_grid_cells(&c->grid);
    for (size_t x = 0; x < cells; x++) {
        rho0[x] += bg;
        rho1[x] += bg;
    }
    return AF_OK;
}

af_status af_case_densities(const af_case *c, const af_points *points, double *rho0, double *rho1,
                            af_error *err)
{
    size_t cells = af_grid_cells(&c->grid);
    af_status s;
    if (c->split && c->density.kind == AF_DENSITY_KDE)
        return prefixed(c, "density", kde_densities(c, points, rho0, rho1, err), err);
    if (c->split) {
        s = af_density_fill(&c->grid, &c->density, rho0, err);
        if (s != AF_OK)
            return prefixed(c, "density", s, err);
        for (size_t k = 0; k < cells; k++)
            rho1[k] = rho0[k] *= 0.5;
        return AF_OK;
    }
    if ((s = af_density_fill(&c->grid, &c->rho0, rho0, err)) != AF_OK)
        return prefixed(c, "rho0", s, err);
    return prefixed(c, "rho1", af_density_fill(&c->grid, &c->rho1, rho1, err), err);
}

/* ---- writing a resolved case ---- */

/* The fewest significant digits (15 ... 17) that read back as v. */
static void put_num(FILE *f, double v)
{
    char buf[40];
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, sizeof buf, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    fputs(buf, f);
}

static void put_key_num(FILE *f, const char *key, double v)
{
    fprintf(f, "%s = ", key);
    put_num(f, v);
    fputc('\n', f);
}

static void put_key_pair(FILE *f, const char *key, const double v[2])
{
    fprintf(f, "%s = ", key);
    put_num(f, v[0]);
    fputc(' ', f);
    put_num(f, v[1]);
    fputc('\n', f);
}

/* Numbers in groups of `group` per line-part, separated by blanks. */
static void put_key_list(FILE *f, const char *key, const double *v, int count, int group)
{
    fprintf(f, "%s =", key);
    for (int k = 0; k < count; k++) {
        fputs(k > 0 && k % group == 0 ? "   " : " ", f);
        put_num(f, v[k]);
    }
    fputc('\n', f);
}

/* A text value as inih will read it back: no line break, no blanks at its
 * ends (inih strips them), no blank before ';' (an inline comment). */
static af_status put_key_text(FILE *f, const char *section, const char *key, const char *v,
                              af_error *err)
{
    size_t len = strlen(v);
    int ok = len > 0 && !isspace((unsigned char)v[0]) && !isspace((unsigned char)v[len - 1])
             && !strpbrk(v, "\n\r");
    for (size_t k = 1; ok && k < len; k++)
        ok = !(v[k] == ';' && isspace((unsigned char)v[k - 1]));
    if (!ok)
        return af_error_set(err, AF_EINVAL,
                            "case: [%s] %s = '%s' cannot be written to a case file (line breaks, "
                            "blanks at its ends or a blank before ';')",
                            section, key, v);
    fprintf(f, "%s = %s\n", key, v);
    return AF_OK;
}

/* A file of the case, as an absolute path when it exists.  Out of memory
 * for the absolute path is a failure: the path as given would be written
 * silently, and a relative one may not lead to the file from elsewhere. */
static af_status put_key_file(FILE *f, const char *section, const char *key, const char *path,
                              af_error *err)
{
    errno = 0;
    char *abs = realpath(path, NULL);
    if (!abs && errno == ENOMEM)
        return af_error_set(err, AF_ENOMEM, "case: out of memory for the absolute path of %s", path);
    af_status s = put_key_text(f, section, key, abs ? abs : path, err);
    free(abs);
    return s;
}

static af_status write_density(FILE *f, const char *sec, const af_density *d, af_error *err)
{
    fprintf(f, "\n[%s]\nkind = %s\n", sec, af_density_kind_name(d->kind));
    switch (d->kind) {
    case AF_DENSITY_UNIFORM:
        put_key_num(f, "value", d->value);
        break;
    case AF_DENSITY_GAUSSIAN:
        put_key_num(f, "value", d->value);
        put_key_pair(f, "center", d->center);
        put_key_num(f, "sigma", d->sigma);
        break;
    case AF_DENSITY_MIXTURE:
        put_key_list(f, "components", d->components, 4 * d->ncomponents, 4);
        break;
    case AF_DENSITY_EXP:
        put_key_num(f, "value", d->value);
        put_key_pair(f, "a", d->a);
        break;
    case AF_DENSITY_PNG:
        put_key_num(f, "scale", d->scale);
        return put_key_file(f, sec, "file", d->file, err);
    case AF_DENSITY_KDE:
        if (d->bandwidth > 0)
            put_key_num(f, "bandwidth", d->bandwidth);
        else
            fputs("bandwidth = silverman\n", f);
        put_key_num(f, "floor", d->floor);
        break;
    }
    return AF_OK;
}

static af_status write_shape(FILE *f, const af_shape *s, af_error *err)
{
    const char *I = "initial";
    fprintf(f, "\n[initial]\nshape = %s\n", af_shape_kind_name(s->kind));
    switch (s->kind) {
    case AF_SHAPE_CIRCLE:
    case AF_SHAPE_ELLIPSE:
    case AF_SHAPE_RECTANGLE:
    case AF_SHAPE_STAR:
    case AF_SHAPE_DUMBBELL:
        put_key_pair(f, "center", s->center);
        if (s->kind != AF_SHAPE_CIRCLE)
            put_key_num(f, "angle", s->angle);
        break;
    default:
        break;
    }
    switch (s->kind) {
    case AF_SHAPE_CIRCLE:
        put_key_num(f, "radius", s->radius);
        break;
    case AF_SHAPE_ELLIPSE:
        put_key_pair(f, "axes", s->axes);
        break;
    case AF_SHAPE_RECTANGLE:
        put_key_pair(f, "size", s->size);
        break;
    case AF_SHAPE_STAR:
        put_key_num(f, "radius", s->radius);
        fprintf(f, "points = %d\n", s->points);
        put_key_num(f, "amplitude", s->amplitude);
        break;
    case AF_SHAPE_DUMBBELL:
        put_key_num(f, "radius", s->radius);
        put_key_num(f, "length", s->length);
        put_key_num(f, "neck", s->neck);
        break;
    case AF_SHAPE_HALFPLANE:
        put_key_pair(f, "normal", s->normal);
        put_key_num(f, "offset", s->offset);
        break;
    case AF_SHAPE_POLYGON:
        put_key_list(f, "vertices", s->vertices, 2 * s->nvertices, 2);
        break;
    case AF_SHAPE_PNG:
        put_key_num(f, "threshold", s->threshold);
        return put_key_file(f, I, "file", s->file, err);
    case AF_SHAPE_BAYES:
        break;
    case AF_SHAPE_SCORE:
        put_key_num(f, "level", s->level);
        return put_key_file(f, I, "file", s->file, err);
    }
    return AF_OK;
}

af_status af_case_write(const af_case *c, FILE *f, af_error *err)
{
    static const char *const sels[] = {"minimal", "maximal"};
    static const char *const methods[] = {"mm", "mbo"};
    static const char *const dists[] = {"subcell", "simple"};
    static const char *const reprs[] = {"mask", "levelset"};
    static const char *const formats[] = {"png", "npy", "both"};
    af_status s = AF_OK;
    const char *from = c->path && !strpbrk(c->path, "\n\r") ? c->path : "(a case)";
    fprintf(f, "; the resolved case of %s (every key, defaults included), written by advflow %s\n",
            from, af_version());
    fprintf(f, "[grid]\ndim = %d\nn = %d\nbox = ", c->grid.dim, c->grid.n);
    put_num(f, c->grid.lo);
    fputc(' ', f);
    put_num(f, c->grid.hi);
    fprintf(f, "\nboundary = %s\n", c->grid.edge == AF_EDGE_PERIODIC ? "periodic" : "clamp");

    if (c->data.present) {
        const af_case_data *d = &c->data;
        fputs("\n[data]\n", f);
        if (d->file) {
            s = put_key_file(f, "data", "file", d->file, err);
        } else {
            fprintf(f, "generate = %s\ncount = %zu\n", af_data_kind_name(d->gen.kind), d->gen.count);
            put_key_num(f, "noise", d->gen.noise);
            fprintf(f, "seed = %lu\n", d->gen.seed);
        }
        put_key_num(f, "weight0", d->weight[0]);
        put_key_num(f, "weight1", d->weight[1]);
    }
    if (s == AF_OK)
        s = write_shape(f, &c->shape, err);
    if (s == AF_OK && c->split)
        s = write_density(f, "density", &c->density, err);
    if (s == AF_OK && !c->split && (s = write_density(f, "rho0", &c->rho0, err)) == AF_OK)
        s = write_density(f, "rho1", &c->rho1, err);
    if (s != AF_OK)
        return s;

    const af_case_scheme *sc = &c->scheme;
    fputs("\n[scheme]\n", f);
    put_key_num(f, "epsilon", sc->epsilon);
    if (sc->epsilon_average[0] != 0) { /* written only when given */
        fputs("epsilon_average = ", f);
        for (int q = 0; q < 3 && sc->epsilon_average[q] != 0; q++) {
            if (q)
                fputs(", ", f);
            put_num(f, sc->epsilon_average[q]);
        }
        fputc('\n', f);
    }
    put_key_num(f, "h", sc->h);
    put_key_num(f, "p", sc->p);
    fprintf(f, "norm = %s\n", af_norm_name(sc->norm));
    fprintf(f, "selection = %s\n", sels[sc->selection == AF_SELECT_MAXIMAL]);
    fprintf(f, "method = %s\n", methods[sc->method == AF_METHOD_MBO]);
    fprintf(f, "distance = %s\n", dists[sc->sdist == AF_SDIST_SIMPLE]);
    fprintf(f, "representation = %s\n", reprs[sc->representation == AF_REPR_LEVELSET]);
    fprintf(f, "steps = %d\n", sc->steps);
    put_key_num(f, "t_end", sc->t_end);
    fprintf(f, "stop_when_still = %s\n", sc->stop_when_still ? "yes" : "no");

    const af_case_output *o = &c->output;
    fputs("\n[output]\n", f);
    if (o->dir && (s = put_key_text(f, "output", "dir", o->dir, err)) != AF_OK)
        return s;
    fprintf(f, "every = %d\nframes = %s\nscale = %d\nformat = %s\n", o->every,
            o->frames ? "yes" : "no", o->scale, formats[o->format]);
    /* last: --resume compares case.ini without it (threads change no result) */
    fprintf(f, "\n[run]\nthreads = %d\n", c->run.threads);
    if (fflush(f) != 0 || ferror(f))
        return af_error_set(err, AF_EIO, "case: writing the resolved case failed: %s",
                            strerror(errno));
    return AF_OK;
}
