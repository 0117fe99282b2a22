/* advflow fuzzing: the case-file reader with its overrides (case.h).
 *
 * Input: the bytes of a case file, optionally followed by a line
 * "#--set" and overrides, one a line, as `--set` takes them
 * ("section.key=value"; at most FUZZ_MAX_SETS).  A case file is an input
 * as it is.
 *
 * What runs: af_case_read, af_case_set for each override, af_case_finish;
 * then, when the case is cheap to load, what the CLI's load does with it
 * (af_case_points, af_case_densities, af_case_mask, af_case_levelset), and
 * the resolved case written by af_case_write and read back, which must
 * give the same values (case.h promises it).  Cheap means: no file named
 * in the case (the file readers have harnesses of their own, and a fuzzed
 * name could be /dev/stdin), n <= FUZZ_MAX_N and at most FUZZ_MAX_POINTS
 * generated points.  A finished case beyond those limits is loaded again
 * with grid.n and data.count overridden down to them, so that cases with
 * the default n = 256 are still loaded, in a few milliseconds.
 *
 * Every sequence runs twice, with an af_error and with NULL: the statuses
 * must be the same (a status must not depend on whether the caller asked
 * for a message), and a failure must leave a message.
 * GPL-3.0-or-later.
 */
#include <math.h>

#include "advflow/case.h"
#include "fuzz.h"

#define FUZZ_MAX_SETS 16
#define FUZZ_MAX_N 64
#define FUZZ_MAX_POINTS 2000

/* The statuses of one pass (AF_OK for the steps it did not reach). */
typedef struct {
    af_status read, set, finish, load, trip;
    int loaded; /* the load and round trip ran */
    int big;    /* finished, but beyond the limits: load again with the caps */
} pass;

static void check_failure(af_status st, const af_error *err)
{
    if (st != AF_OK && err) {
        FUZZ_CHECK(err->status == st);
        FUZZ_CHECK(err->msg[0] != '\0');
        FUZZ_CHECK(memchr(err->msg, '\0', sizeof err->msg) != NULL);
    }
}

static int names_a_file(const af_case *c)
{
    return c->shape.file || c->data.file || (c->split && c->density.file)
           || (!c->split && (c->rho0.file || c->rho1.file));
}

/* What the CLI's load does after af_case_finish, and the level set of run. */
static af_status load(const af_case *c, af_error *err)
{
    size_t cells = af_grid_cells(&c->grid);
    double *rho0 = malloc(cells * sizeof *rho0), *rho1 = malloc(cells * sizeof *rho1);
    double *u = malloc(cells * sizeof *u);
    uint8_t *mask = malloc(cells);
    FUZZ_CHECK(rho0 && rho1 && u && mask);
    af_points *pts = NULL;
    size_t outside = 0;
    af_status st = af_case_points(c, &pts, &outside, err);
    FUZZ_CHECK((pts != NULL) == (st == AF_OK && c->data.present));
    if (st == AF_OK)
        st = af_case_densities(c, pts, rho0, rho1, err);
    if (st == AF_OK) {
        for (size_t x = 0; x < cells; x++)
            FUZZ_CHECK(isfinite(rho0[x]) && rho0[x] >= 0 && isfinite(rho1[x]) && rho1[x] >= 0);
        st = af_case_mask(c, rho0, rho1, mask, err);
    }
    if (st == AF_OK) {
        for (size_t x = 0; x < cells; x++)
            FUZZ_CHECK(mask[x] <= 1);
        st = af_case_levelset(c, rho0, rho1, u, err);
    }
    if (st == AF_OK)
        for (size_t x = 0; x < cells; x++)
            FUZZ_CHECK(!isnan(u[x]));
    af_points_free(pts);
    free(rho0);
    free(rho1);
    free(u);
    free(mask);
    return st;
}

static int same_doubles(const double *a, const double *b, int count)
{
    for (int k = 0; k < count; k++)
        if (a[k] != b[k])
            return 0;
    return 1;
}

static int same_density(const af_density *a, const af_density *b)
{
    return a->kind == b->kind && a->value == b->value && same_doubles(a->center, b->center, 2)
           && a->sigma == b->sigma && a->ncomponents == b->ncomponents
           && same_doubles(a->components, b->components, 4 * a->ncomponents)
           && same_doubles(a->a, b->a, 2) && a->scale == b->scale
           && a->bandwidth == b->bandwidth && a->floor == b->floor;
}

/* The values af_case_write promises to carry (case.h). */
static void check_same_case(const af_case *a, const af_case *b)
{
    FUZZ_CHECK(a->grid.dim == b->grid.dim && a->grid.n == b->grid.n);
    FUZZ_CHECK(a->grid.lo == b->grid.lo && a->grid.hi == b->grid.hi);
    FUZZ_CHECK(a->grid.edge == b->grid.edge);
    const af_shape *s = &a->shape, *t = &b->shape;
    FUZZ_CHECK(s->kind == t->kind);
    FUZZ_CHECK(same_doubles(s->center, t->center, 2) && s->radius == t->radius);
    FUZZ_CHECK(same_doubles(s->axes, t->axes, 2) && same_doubles(s->size, t->size, 2));
    FUZZ_CHECK(s->angle == t->angle && s->points == t->points && s->amplitude == t->amplitude);
    FUZZ_CHECK(s->length == t->length && s->neck == t->neck);
    FUZZ_CHECK(same_doubles(s->normal, t->normal, 2) && s->offset == t->offset);
    FUZZ_CHECK(s->nvertices == t->nvertices);
    FUZZ_CHECK(same_doubles(s->vertices, t->vertices, 2 * s->nvertices));
    FUZZ_CHECK(s->threshold == t->threshold && s->level == t->level);
    FUZZ_CHECK(a->split == b->split);
    if (a->split)
        FUZZ_CHECK(same_density(&a->density, &b->density));
    else
        FUZZ_CHECK(same_density(&a->rho0, &b->rho0) && same_density(&a->rho1, &b->rho1));
    FUZZ_CHECK(a->data.present == b->data.present);
    if (a->data.present) {
        FUZZ_CHECK(a->data.gen.kind == b->data.gen.kind && a->data.gen.count == b->data.gen.count);
        FUZZ_CHECK(a->data.gen.noise == b->data.gen.noise && a->data.gen.seed == b->data.gen.seed);
        FUZZ_CHECK(same_doubles(a->data.weight, b->data.weight, 2));
    }
    const af_case_scheme *p = &a->scheme, *q = &b->scheme;
    FUZZ_CHECK(p->epsilon == q->epsilon && p->h == q->h && p->p == q->p);
    FUZZ_CHECK(p->norm == q->norm && p->selection == q->selection && p->method == q->method);
    FUZZ_CHECK(p->sdist == q->sdist && p->representation == q->representation);
    FUZZ_CHECK(p->steps == q->steps && p->t_end == q->t_end);
    FUZZ_CHECK(p->stop_when_still == q->stop_when_still);
    FUZZ_CHECK(strcmp(a->output.dir, b->output.dir) == 0);
    FUZZ_CHECK(a->output.every == b->output.every && a->output.frames == b->output.frames);
    FUZZ_CHECK(a->output.scale == b->output.scale && a->output.format == b->output.format);
}

/* Write the resolved case and read it back: it must finish and agree. */
static af_status round_trip(const af_case *c, af_error *err)
{
    char path[512];
    fuzz_path(path, sizeof path, "resolved.ini");
    FILE *f = fopen(path, "w");
    FUZZ_CHECK(f != NULL);
    af_status st = af_case_write(c, f, err);
    FUZZ_CHECK(fclose(f) == 0);
    check_failure(st, err);
    if (st != AF_OK) {
        /* only text values that an INI file cannot hold are refused */
        FUZZ_CHECK(st == AF_EINVAL);
        return st;
    }
    af_case *back = af_case_alloc();
    FUZZ_CHECK(back != NULL);
    af_error e2;
    af_status s2 = af_case_read(back, path, &e2);
    if (s2 == AF_OK)
        s2 = af_case_finish(back, &e2);
    if (s2 != AF_OK)
        fprintf(stderr, "fuzz_case: the resolved case does not read back: %s\n", e2.msg);
    FUZZ_CHECK(s2 == AF_OK);
    check_same_case(c, back);
    af_case_free(back);
    return AF_OK;
}

/* One pass over the case file at path with the overrides sets[0 .. nsets). */
static void run(const char *path, char *const *sets, int nsets, af_error *err, pass *r)
{
    memset(r, 0, sizeof *r);
    r->set = r->finish = r->load = r->trip = AF_OK;
    af_case *c = af_case_alloc();
    FUZZ_CHECK(c != NULL);
    r->read = af_case_read(c, path, err);
    check_failure(r->read, err);
    for (int k = 0; r->read == AF_OK && r->set == AF_OK && k < nsets; k++) {
        r->set = af_case_set(c, sets[k], err);
        check_failure(r->set, err);
    }
    if (r->read == AF_OK && r->set == AF_OK) {
        r->finish = af_case_finish(c, err);
        check_failure(r->finish, err);
    }
    if (r->read == AF_OK && r->set == AF_OK && r->finish == AF_OK && !names_a_file(c)) {
        r->big = c->grid.n > FUZZ_MAX_N
                 || (c->data.present && c->data.gen.count > FUZZ_MAX_POINTS);
        if (!r->big) {
            r->loaded = 1;
            r->load = load(c, err);
            check_failure(r->load, err);
            r->trip = round_trip(c, err);
        }
    }
    af_case_free(c);
}

/* Both passes, with and without a message: the same statuses. */
static int run_both(const char *path, char *const *sets, int nsets)
{
    af_error err;
    pass a, b;
    run(path, sets, nsets, &err, &a);
    run(path, sets, nsets, NULL, &b);
    FUZZ_CHECK(a.read == b.read && a.set == b.set && a.finish == b.finish);
    FUZZ_CHECK(a.loaded == b.loaded && a.big == b.big);
    FUZZ_CHECK(a.load == b.load && a.trip == b.trip);
    return a.big;
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    static const char marker[] = "\n#--set\n";
    const uint8_t *m = NULL;
    for (size_t k = 0; k + sizeof marker - 1 <= size; k++)
        if (data[k] == '\n' && memcmp(data + k, marker, sizeof marker - 1) == 0) {
            m = data + k;
            break;
        }
    size_t case_len = m ? (size_t)(m - data) + 1 : size; /* keep the line's '\n' */
    char path[512];
    fuzz_path(path, sizeof path, "case.ini");
    fuzz_write(path, data, case_len);

    /* the overrides: NUL-terminated copies of the lines after the marker
     * (a NUL inside a line ends it early, as it would on a command line) */
    char *sets[FUZZ_MAX_SETS + 2] = {NULL};
    int nsets = 0;
    if (m) {
        const uint8_t *p = m + sizeof marker - 1, *end = data + size;
        while (p < end && nsets < FUZZ_MAX_SETS) {
            const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
            size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
            sets[nsets] = malloc(len + 1);
            FUZZ_CHECK(sets[nsets] != NULL);
            memcpy(sets[nsets], p, len);
            sets[nsets][len] = '\0';
            nsets++;
            p += len + 1;
        }
    }
    if (run_both(path, sets, nsets)) {
        /* too large to load here: the same case at a small grid and with
         * few points (an override of a key the case does not use would be
         * refused, so count only for generated data) */
        af_case *c = af_case_alloc();
        FUZZ_CHECK(c != NULL);
        FUZZ_CHECK(af_case_read(c, path, NULL) == AF_OK);
        for (int k = 0; k < nsets; k++)
            FUZZ_CHECK(af_case_set(c, sets[k], NULL) == AF_OK);
        FUZZ_CHECK(af_case_finish(c, NULL) == AF_OK);
        int extra = nsets;
        static char set_n[] = "grid.n=48", set_count[] = "data.count=400";
        if (c->grid.n > FUZZ_MAX_N)
            sets[extra++] = set_n;
        if (c->data.present && !c->data.file && c->data.gen.count > FUZZ_MAX_POINTS)
            sets[extra++] = set_count;
        af_case_free(c);
        run_both(path, sets, extra);
    }
    for (int k = 0; k < nsets; k++)
        free(sets[k]);
    return 0;
}
