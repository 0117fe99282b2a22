/* advflow: command-line interface.  Uses only the public headers.
 *
 * Exit codes: 0 success, 1 runtime failure (a computation or a write that
 * failed after the inputs were accepted), 2 usage or input error (nothing
 * is written then).  GPL-3.0-or-later. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

int usage_error(const char *cmd, const char *msg, const char *arg)
{
    fprintf(stderr, "advflow%s%s: %s%s%s\n", cmd ? " " : "", cmd ? cmd : "", msg, arg ? " " : "",
            arg ? arg : "");
    fprintf(stderr, "try 'advflow %s%s--help'\n", cmd ? cmd : "", cmd ? " " : "");
    return EXIT_USAGE;
}

/* The options each command takes besides --set, --quiet and --help. */
static int takes(const char *cmd, const char *opt)
{
    static const struct {
        const char *cmd, *opts;
    } table[] = {
        {"run", " out force resume max-memory "}, {"perimeter", " max-memory "},
        {"render", " out what scale max-memory "}, {"data", " out max-memory "},
        {"robust", " out eps-list force max-memory "},
        {"attack", " out mask points tau steps force max-memory "}, {"plot", " "},
    };
    char key[32];
    snprintf(key, sizeof key, " %s ", opt);
    for (size_t k = 0; k < sizeof table / sizeof table[0]; k++)
        if (!strcmp(table[k].cmd, cmd))
            return strstr(table[k].opts, key) != NULL;
    return 0;
}

/* A whole number in [lo, hi] from val; -1 on failure. */
static long whole(const char *val, long lo, long hi)
{
    char *end;
    errno = 0;
    long v = strtol(val, &end, 10);
    return (end == val || *end || errno || v < lo || v > hi) ? -1 : v;
}

/* Parse options after the command; returns -1 to go on, else an exit code. */
static int parse_options(int argc, char **argv, options *o)
{
    o->sets = calloc((size_t)argc, sizeof *o->sets);
    if (!o->sets) {
        fprintf(stderr, "advflow: out of memory\n");
        return EXIT_RUNTIME;
    }
    o->npoints = -1;
    o->steps = -1;
    o->tau = -1;
    o->scale = -1;
    o->threads = -1;
    o->argc = argc;
    o->argv = argv;
    for (int k = 2; k < argc; k++) {
        const char *a = argv[k];
        const char *val = NULL;
#define TAKE(name)                                                                                  \
    (strcmp(a, name) == 0 ? (k + 1 < argc ? (val = argv[++k], 1) : -1)                             \
     : (strncmp(a, name "=", sizeof name) == 0 ? (val = a + sizeof name, 1) : 0))
        int t;
        /* an option the command does not take: name it as such */
        if (a[0] == '-' && a[1] == '-' && a[2]) {
            char name[32];
            size_t len = strcspn(a + 2, "=");
            snprintf(name, sizeof name, "%.*s", (int)(len < 31 ? len : 31), a + 2);
            int known = takes("attack", name) || takes("render", name) || takes("robust", name);
            if (known && !takes(o->cmd, name))
                return usage_error(o->cmd, "this command does not take the option", a);
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(help_of(o->cmd), stdout);
            return 0;
        } else if (!strcmp(a, "--version")) {
            printf("advflow %s\n", af_version());
            return 0;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            o->quiet = 1;
        } else if (!strcmp(a, "--force")) {
            o->force = 1;
        } else if (!strcmp(a, "--resume")) {
            if (!takes(o->cmd, "resume"))
                return usage_error(o->cmd, "this command does not take the option", a);
            o->resume = 1;
        } else if ((t = TAKE("--set")) != 0) {
            if (t < 0) return usage_error(o->cmd, "--set needs SECTION.KEY=VALUE", NULL);
            o->sets[o->nsets++] = val;
        } else if ((t = TAKE("--out")) != 0 || (t = TAKE("-o")) != 0) {
            if (!takes(o->cmd, "out"))
                return usage_error(o->cmd, "this command does not take the option", a);
            if (t < 0) return usage_error(o->cmd, "missing value after", a);
            o->out = val;
        } else if ((t = TAKE("--what")) != 0) {
            if (t < 0) return usage_error(o->cmd, "--what needs mask, density or frame", NULL);
            o->what = val;
        } else if ((t = TAKE("--scale")) != 0) {
            long s = t < 0 ? -1 : whole(val, 0, 4096);
            if (s < 0)
                return usage_error(o->cmd, "--scale needs a whole number in 0..4096", NULL);
            o->scale = (int)s;
        } else if ((t = TAKE("--eps-list")) != 0) {
            if (t < 0) return usage_error(o->cmd, "--eps-list needs E1,E2,... (length units)", NULL);
            o->eps_list = val;
        } else if ((t = TAKE("--mask")) != 0) {
            if (t < 0) return usage_error(o->cmd, "--mask needs a mask PNG (white inside)", NULL);
            o->mask = val;
        } else if ((t = TAKE("--points")) != 0) {
            long v = t < 0 ? -1 : whole(val, 1, 100000);
            if (v < 0)
                return usage_error(o->cmd, "--points needs a whole number in 1..100000", NULL);
            o->npoints = v;
        } else if ((t = TAKE("--steps")) != 0) {
            long v = t < 0 ? -1 : whole(val, 0, 100000);
            if (v < 0)
                return usage_error(o->cmd, "--steps needs a whole number in 0..100000", NULL);
            o->steps = (int)v;
        } else if ((t = TAKE("--max-memory")) != 0) {
            double v = t < 0 ? -1 : parse_size(val);
            if (v < 0)
                return usage_error(o->cmd, "--max-memory needs a size such as 512M, 4G or 1.5G "
                                           "(bytes without a suffix), not", t < 0 ? "nothing" : val);
            o->max_memory = v;
        } else if ((t = TAKE("--threads")) != 0) {
            long v = t < 0 ? -1 : whole(val, 0, AF_THREADS_MAX);
            if (v < 0)
                return usage_error(o->cmd, "--threads needs a whole number in 0..256 (0: every core)",
                                   NULL);
            o->threads = (int)v;
        } else if ((t = TAKE("--tau")) != 0) {
            char *end = NULL;
            double v = t < 0 ? -1 : strtod(val, &end);
            if (t < 0 || *end || !(v > 0) || !isfinite(v))
                return usage_error(o->cmd, "--tau needs a step length > 0 (length units)", NULL);
            o->tau = v;
        } else if (a[0] == '-' && a[1]) {
            return usage_error(o->cmd, "unknown option", a);
        } else if (!o->case_path) {
            o->case_path = a;
        } else {
            return usage_error(o->cmd, strcmp(o->cmd, "plot") ? "more than one case file:"
                                                              : "more than one folder:", a);
        }
#undef TAKE
    }
    if (!o->case_path)
        return usage_error(o->cmd, strcmp(o->cmd, "plot") ? "missing CASE.ini" : "missing DIR", NULL);
    return -1;
}

void state_free(state *s)
{
    af_case_free(s->c);
    af_points_free(s->points);
    free(s->xy);
    free(s->draw_label);
    free(s->mask);
    free(s->rho0);
    free(s->rho1);
    free(s->rho);
}

int load(const options *o, state *s, int want_mask)
{
    af_error err;
    af_error_clear(&err);
    memset(s, 0, sizeof *s);
    if (!(s->c = af_case_alloc())) {
        fprintf(stderr, "advflow: out of memory\n");
        return EXIT_RUNTIME;
    }
    af_status st = af_case_read(s->c, o->case_path, &err);
    for (int k = 0; st == AF_OK && k < o->nsets; k++)
        st = af_case_set(s->c, o->sets[k], &err);
    if (st == AF_OK)
        st = af_case_finish(s->c, &err);
    if (st != AF_OK) {
        fprintf(stderr, "advflow: %s\n", err.msg);
        /* a case too big (AF_ETOOBIG) or wrong is the input's fault; an
         * allocation that failed while reading it is not */
        return st == AF_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
    }
    /* --threads wins over [run] threads.  The resolved case (a run's
     * case.ini, the frames' text) keeps the case's key, so that no output
     * but run.txt depends on --threads. */
    af_threads_set(o->threads >= 0 ? o->threads : s->c->run.threads);
    size_t cells = af_grid_cells(&s->c->grid);
    char what[64];
    snprintf(what, sizeof what, "[grid] n = %d", s->c->grid.n);
    if (memory_fits(o, (double)cells * BYTES_PER_CELL, what) != 0)
        return EXIT_USAGE;
    s->mask = malloc(cells);
    s->rho0 = malloc(cells * sizeof *s->rho0);
    s->rho1 = malloc(cells * sizeof *s->rho1);
    s->rho = malloc(cells * sizeof *s->rho);
    if (!s->mask || !s->rho0 || !s->rho1 || !s->rho) {
        fprintf(stderr, "advflow: %s: out of memory for %zu cells\n", o->case_path, cells);
        return EXIT_RUNTIME;
    }
    if ((st = af_case_points(s->c, &s->points, &s->outside, &err)) != AF_OK
        || (st = af_case_densities(s->c, s->points, s->rho0, s->rho1, &err)) != AF_OK
        || (want_mask && (st = af_case_mask(s->c, s->rho0, s->rho1, s->mask, &err)) != AF_OK)) {
        fprintf(stderr, "advflow: %s\n", err.msg);
        return st == AF_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
    }
    for (size_t x = 0; x < cells; x++) {
        s->rho[x] = s->rho0[x] + s->rho1[x];
        s->two_classes |= s->rho0[x] != s->rho1[x];
    }
    if (s->points) {
        /* pictures show at most MAX_DRAWN points, every stride-th: more
         * would cover the picture and take minutes to draw */
        size_t np = s->points->count, stride = (np + MAX_DRAWN - 1) / MAX_DRAWN;
        s->ndraw = (np + stride - 1) / stride;
        s->xy = malloc(2 * s->ndraw * sizeof *s->xy);
        s->draw_label = malloc(s->ndraw);
        if (!s->xy || !s->draw_label) {
            fprintf(stderr, "advflow: out of memory for %zu points\n", np);
            return EXIT_RUNTIME;
        }
        for (size_t k = 0, q = 0; k < np; k += stride, q++) {
            s->xy[2 * q] = s->points->x[k];
            s->xy[2 * q + 1] = s->points->y[k];
            s->draw_label[q] = s->points->label[k];
        }
    }
    if (s->outside && !o->quiet)
        fprintf(stderr,
                "advflow: warning: %s: [data]: %zu of %zu points lie outside the box [%g, %g]^2 "
                "and are left out (densities, risks, pictures)\n",
                o->case_path, s->outside, s->outside + s->points->count, s->c->grid.lo, s->c->grid.hi);
    return -1;
}

int points_bound(const options *o, const state *s, double eps, double *bound, size_t *conflicts)
{
    af_error err;
    *bound = NAN;
    *conflicts = 0;
    if (!s->points)
        return 0;
    af_status st = af_risk_points_bound(&s->c->grid, s->c->scheme.norm, eps, s->points, bound,
                                        conflicts, &err);
    if (st == AF_EUNSUP) { /* too large to compute: say so, and go on without it */
        *bound = NAN;
        if (!o->quiet)
            fprintf(stderr, "advflow: warning: %s: [data]: %s\n", o->case_path, err.msg);
        return 0;
    }
    if (st != AF_OK) {
        fprintf(stderr, "advflow: %s: [data]: %s\n", o->case_path, err.msg);
        return st == AF_EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
    }
    return 0;
}

int pictures_fit(const options *o, const af_grid *g, int scale)
{
    long side = (long)g->n * (scale > 0 ? scale : 1);
    if (side <= AF_PNG_MAX_SIDE)
        return 0;
    fprintf(stderr,
            "advflow: %s: [grid] n = %d with %d pixels per cell: pictures are limited to %d "
            "pixels per side\n",
            o->case_path, g->n, scale > 0 ? scale : 1, AF_PNG_MAX_SIDE);
    return EXIT_USAGE;
}

void frame_of(const state *s, const uint8_t *mask, int scale, af_png_frame *f)
{
    memset(f, 0, sizeof *f);
    f->grid = &s->c->grid;
    f->density = s->two_classes ? s->rho0 : s->rho;
    f->density1 = s->two_classes ? s->rho1 : NULL;
    f->mask = mask;
    f->scale = scale;
    if (s->points) {
        f->points = s->xy;
        f->point_labels = s->draw_label;
        f->npoints = s->ndraw;
    }
}

int outputs_stage(outputs *w, const char *path, const char **staged)
{
    af_error err;
    *staged = NULL;
    af_status st = af_file_check(path, "output", &err);
    if (st != AF_OK) {
        fprintf(stderr, "advflow: %s\n", err.msg);
        /* a name that cannot be written is the user's to change; out of
         * memory for the check is not */
        return st == AF_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
    }
    if (w->n == OUTPUTS_MAX) {
        fprintf(stderr, "advflow: too many outputs\n");
        return EXIT_RUNTIME;
    }
    const char *slash = strrchr(path, '/');
    int dir = slash ? (int)(slash - path + 1) : 0;
    snprintf(w->final[w->n], sizeof w->final[0], "%s", path);
    snprintf(w->staged[w->n], sizeof w->staged[0], "%.*s.advflow-part-%s", dir, path, path + dir);
    if (w->n == 0) /* from the first staged name to commit or abort, a signal waits */
        writes_begin();
    *staged = w->staged[w->n++];
    return 0;
}

/* No staged file is left: the writes are over. */
static void outputs_done(outputs *w)
{
    if (w->n) {
        w->n = 0;
        writes_end();
    }
}

int outputs_commit(outputs *w)
{
    for (int k = 0; k < w->n; k++)
        if (rename(w->staged[k], w->final[k]) != 0) {
            fprintf(stderr, "advflow: cannot write %s: %s\n", w->final[k], strerror(errno));
            for (int q = k; q < w->n; q++)
                unlink(w->staged[q]);
            outputs_done(w);
            return EXIT_RUNTIME;
        }
    outputs_done(w);
    return 0;
}

void outputs_abort(outputs *w)
{
    for (int k = 0; k < w->n; k++)
        unlink(w->staged[k]);
    outputs_done(w);
}

int out_open(af_file *of, const char *path)
{
    af_error err;
    writes_begin(); /* until out_close or out_abort: a signal waits */
    if (write_or_fail(af_file_open(of, path, "output", &err), &err) == 0)
        return 0;
    writes_end();
    return -1;
}

int out_close(af_file *of)
{
    af_error err;
    int rc = write_or_fail(af_file_commit(of, &err), &err) ? -1 : 0;
    writes_end();
    return rc;
}

void out_abort(af_file *of)
{
    af_file_abort(of);
    writes_end();
}

/* The folders make_output_dir created, in order (a command writes into
 * one folder; a few more calls fit). */
#define CREATED_MAX 64
static char *created[CREATED_MAX];
static int ncreated;

void output_dirs_undo(void)
{
    /* deepest first: each was created after the folders that hold it;
     * rmdir removes only an empty one, so nothing written is lost */
    while (ncreated > 0) {
        char *d = created[--ncreated];
        rmdir(d);
        free(d);
    }
}

static void forget_created(void)
{
    while (ncreated > 0)
        free(created[--ncreated]);
}

/* mkdir, remembering what it created; 0, or -1 with errno (EEXIST is 0). */
static int make_one(const char *p)
{
    if (mkdir(p, 0777) != 0)
        return errno == EEXIST ? 0 : -1;
    char *copy = ncreated < CREATED_MAX ? strdup(p) : NULL;
    if (copy)
        created[ncreated++] = copy;
    return 0; /* (a folder not remembered is only not removed) */
}

/* Create dir and its parents; then prove it writable with a probe file.
 * On failure the folders made here are removed again.  The parents' names
 * are cut from a copy on the stack, not the heap: the callers take every
 * -1 for a folder that cannot be made (exit 2), which an allocation
 * failure is not. */
int make_output_dir(const char *dir)
{
    int mark = ncreated;
    char p[4096];
    if (strlen(dir) >= sizeof p) {
        fprintf(stderr, "advflow: output folder name too long (%zu characters): %.60s...\n",
                strlen(dir), dir);
        return -1;
    }
    strcpy(p, dir);
    for (char *q = p + 1; *q; q++)
        if (*q == '/') {
            *q = '\0';
            if (make_one(p) != 0) {
                fprintf(stderr, "advflow: cannot create output folder %s: %s\n", p, strerror(errno));
                goto fail;
            }
            *q = '/';
        }
    if (make_one(dir) != 0) {
        fprintf(stderr, "advflow: cannot create output folder %s: %s\n", dir, strerror(errno));
        goto fail;
    }
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "advflow: output folder %s is not a folder\n", dir);
        goto fail;
    }
    char probe[4096];
    snprintf(probe, sizeof probe, "%s/.advflow-probe-XXXXXX", dir);
    writes_begin(); /* the probe is a temporary too */
    int fd = mkstemp(probe);
    if (fd < 0) {
        writes_end();
        fprintf(stderr, "advflow: output folder %s is not writable: %s\n", dir, strerror(errno));
        goto fail;
    }
    close(fd);
    unlink(probe);
    writes_end();
    return 0;
fail:
    /* only this call's folders: an earlier call's may hold outputs by now */
    while (ncreated > mark) {
        char *d = created[--ncreated];
        rmdir(d);
        free(d);
    }
    return -1;
}

static int cmd_perimeter(const options *o)
{
    state s;
    int rc = load(o, &s, 1);
    if (rc >= 0) {
        state_free(&s);
        return rc;
    }
    af_error err;
    af_perimeter *p = af_perimeter_alloc(&s.c->grid, s.c->scheme.norm, s.c->scheme.epsilon, &err);
    if (!p) {
        fprintf(stderr, "advflow: %s: [scheme] epsilon: %s\n", o->case_path, err.msg);
        state_free(&s);
        return err.status == AF_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
    }
    af_perimeter_value v;
    af_perimeter_eval(p, s.rho0, s.rho1, s.mask, &v);
    /* [scheme] epsilon_average: the averaged perimeter and the gap of the
     * union of the balls' edge normals (af_ball_normal_gap_union) */
    const double *ea = s.c->scheme.epsilon_average;
    af_perimeter *pa[3] = {NULL, NULL, NULL};
    const af_ball *balls[4] = {af_perimeter_ball(p)};
    int m = 1;
    double per_avg = v.per_eps, gap = v.normal_gap;
    for (int q = 0; q < 3 && ea[q] != 0; q++, m++) {
        if (!(pa[q] = af_perimeter_alloc(&s.c->grid, s.c->scheme.norm, ea[q], &err))) {
            fprintf(stderr, "advflow: %s: [scheme] epsilon_average: %s\n", o->case_path, err.msg);
            for (int k = 0; k < q; k++)
                af_perimeter_free(pa[k]);
            af_perimeter_free(p);
            state_free(&s);
            return err.status == AF_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
        }
        af_perimeter_value va;
        af_perimeter_eval(pa[q], s.rho0, s.rho1, s.mask, &va);
        per_avg += va.per_eps;
        balls[m] = af_perimeter_ball(pa[q]);
    }
    if (m > 1) {
        per_avg /= m;
        gap = af_ball_normal_gap_union(balls, m);
    }
    for (int q = 0; q < 3; q++)
        af_perimeter_free(pa[q]);
    double local = af_perimeter_local(p, s.rho0, s.rho1, s.mask);
    if (isnan(local)) { /* its buffers, allocated by this first call, failed */
        fprintf(stderr, "advflow: %s: out of memory for the local perimeter\n", o->case_path);
        af_perimeter_free(p);
        state_free(&s);
        return EXIT_RUNTIME;
    }
    printf("eps = %.10g\n", v.eps);
    printf("eps_cells = %.10g\n", v.eps_cells);
    printf("per_eps = %.10g\n", v.per_eps);
    if (m > 1)
        printf("per_eps_avg = %.10g\n", per_avg);
    printf("per_eps_outer = %.10g\n", v.outer);
    printf("per_eps_inner = %.10g\n", v.inner);
    printf("per_local = %.10g\n", local);
    printf("per_eps_raw = %.10g\n", v.per_eps_raw);
    printf("w_B = %.10g\n", v.w_B);
    printf("width_ratio = %.10g\n", v.width_ratio);
    printf("anisotropy = %.10g\n", v.anisotropy);
    printf("normal_gap_deg = %.10g\n", gap * 180.0 / 3.14159265358979323846);
    printf("area = %.10g\n", v.area);
    af_perimeter_free(p);
    state_free(&s);
    return 0;
}

int write_or_fail(af_status st, const af_error *err)
{
    if (st == AF_OK)
        return 0;
    fprintf(stderr, "advflow: %s\n", err->msg);
    return st == AF_EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
}

static int cmd_render(const options *o)
{
    const char *what = o->what ? o->what : "mask";
    if (strcmp(what, "mask") && strcmp(what, "density") && strcmp(what, "frame"))
        return usage_error("render", "--what must be mask, density or frame, not", what);
    if (!o->out)
        return usage_error("render", "missing -o FILE.png", NULL);
    if (o->scale >= 0 && !strcmp(what, "mask"))
        return usage_error("render",
                           "--scale applies to --what frame and density (masks have one pixel "
                           "per cell), not to --what", what);
    state s;
    int rc = load(o, &s, 1);
    if (rc >= 0) {
        state_free(&s);
        return rc;
    }
    int scale = o->scale >= 0 ? o->scale : s.c->output.scale; /* 0: automatic */
    if ((rc = pictures_fit(o, &s.c->grid, strcmp(what, "mask") ? scale : 1)) != 0) {
        state_free(&s);
        return rc;
    }
    af_error err;
    af_status st;
    writes_begin(); /* the picture's temporary: a signal waits for it */
    if (!strcmp(what, "mask")) {
        st = af_png_write_mask(o->out, &s.c->grid, s.mask, &err);
    } else if (!strcmp(what, "density")) {
        /* the frames' shading of rho0 + rho1 (dark = dense), with its bar */
        af_png_frame f = {.grid = &s.c->grid, .density = s.rho, .scale = scale};
        size_t cells = af_grid_cells(&s.c->grid);
        for (size_t x = 0; x < cells; x++) /* a constant too is shown (dark), with its bar */
            if (isfinite(s.rho[x]) && s.rho[x] > f.density_max)
                f.density_max = s.rho[x];
        st = af_png_write_frame(o->out, &f, &err);
    } else {
        af_png_frame f;
        frame_of(&s, s.mask, scale, &f);
        st = af_png_write_frame(o->out, &f, &err);
    }
    writes_end();
    rc = write_or_fail(st, &err);
    state_free(&s);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(help_of(NULL), stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
        fputs(help_of(NULL), stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("advflow %s\n", af_version());
        return 0;
    }
    if (!strcmp(cmd, "help")) {
        const char *h = help_of(argc > 2 ? argv[2] : NULL);
        if (!h)
            return usage_error(NULL, "no such command:", argv[2]);
        fputs(h, stdout);
        return 0;
    }
    static const struct {
        const char *name;
        int (*fn)(const options *);
    } commands[] = {
        {"run", cmd_run},   {"perimeter", cmd_perimeter}, {"render", cmd_render},
        {"data", cmd_data}, {"robust", cmd_robust},       {"attack", cmd_attack},
        {"plot", cmd_plot},
    };
    int (*fn)(const options *) = NULL;
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        if (!strcmp(cmd, commands[k].name))
            fn = commands[k].fn;
    if (!fn)
        return usage_error(NULL, "unknown command:", cmd);
    if (strcmp(cmd, "run")) /* run installs its own: it stops between steps */
        signals_install(0);
    options o = {.cmd = cmd};
    int rc = parse_options(argc, argv, &o);
    if (rc < 0 && o.threads >= 0) /* commands without a case (plot) too */
        af_threads_set(o.threads);
    if (rc < 0)
        rc = fn(&o);
    /* A command that fails leaves no folder it created and left empty
     * (exit 2 promises that nothing is written). */
    if (rc != 0)
        output_dirs_undo();
    forget_created();
    free(o.sets);
    af_plot_release(); /* a clean exit for leak checkers */
    return rc;
}
