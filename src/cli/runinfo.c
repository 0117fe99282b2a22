/* advflow CLI: what `advflow run` records about itself, and its check of
 * the time step against the components' sizes.  GPL-3.0-or-later. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* An argument as a POSIX shell reads it back. */
static void put_quoted(FILE *f, const char *a)
{
    if (a[0] && strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./=:,+-@%")
                    == strlen(a)) {
        fputs(a, f);
        return;
    }
    fputc('\'', f);
    for (; *a; a++)
        if (*a == '\'')
            fputs("'\\''", f);
        else
            fputc(*a, f);
    fputc('\'', f);
}

int write_run_record(const options *o, const af_case *c, const char *dir, const char *outcome)
{
    char path[4300];
    af_file f;
    af_error err;
    if (!outcome) { /* case.ini once, at the start */
        snprintf(path, sizeof path, "%s/case.ini", dir);
        if (out_open(&f, path) != 0)
            return EXIT_RUNTIME;
        af_case resolved = *c; /* the folder the run writes, which --out may have set */
        resolved.output.dir = (char *)dir;
        if (write_or_fail(af_case_write(&resolved, f.fp, &err), &err) != 0) {
            out_abort(&f);
            return EXIT_RUNTIME;
        }
        if (out_close(&f) != 0)
            return EXIT_RUNTIME;
    }
    snprintf(path, sizeof path, "%s/run.txt", dir);
    if (out_open(&f, path) != 0)
        return EXIT_RUNTIME;
    static char started[64] = "";
    if (!started[0]) {
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    char cwd[4096];
    fprintf(f.fp, "advflow %s\ncommand:", af_version());
    for (int k = 0; k < o->argc; k++) {
        fputc(' ', f.fp);
        put_quoted(f.fp, o->argv[k]);
    }
    fprintf(f.fp, "\nin: %s\nstarted: %s\n", getcwd(cwd, sizeof cwd) ? cwd : "?", started);
    fprintf(f.fp, "threads: %d (of %d cores)\n", af_threads_get(), af_threads_cores());
    fprintf(f.fp, "case: case.ini beside this file, the resolved case (every key after the "
                  "overrides); advflow run %s/case.ini --out DIR repeats the run\n", dir);
    if (outcome)
        fprintf(f.fp, "%s", outcome);
    return out_close(&f) != 0 ? EXIT_RUNTIME : 0;
}

void print_resume_command(FILE *fp, const options *o, const char *dir)
{
    fputs("advflow run ", fp);
    put_quoted(fp, o->case_path);
    for (int k = 0; k < o->nsets; k++) {
        fputs(" --set ", fp);
        put_quoted(fp, o->sets[k]);
    }
    fputs(" --out ", fp);
    put_quoted(fp, dir);
    if (o->max_memory > 0) /* in bytes, exactly */
        fprintf(fp, " --max-memory %.0f", o->max_memory);
    fputs(" --resume\n", fp);
}

int png_text_make(const options *o, const af_case *c, const char *dir, png_text *t)
{
    memset(t, 0, sizeof *t);
    size_t n = 0;
    FILE *f = open_memstream(&t->command, &n);
    if (!f)
        return -1;
    for (int k = 0; k < o->argc; k++) {
        if (k)
            fputc(' ', f);
        put_quoted(f, o->argv[k]);
    }
    if (fclose(f))
        return -1;
    if (!(f = open_memstream(&t->case_text, &n)))
        return -1;
    af_case resolved = *c; /* as case.ini says it */
    resolved.output.dir = (char *)dir;
    af_error err;
    af_status st = af_case_write(&resolved, f, &err);
    if (fclose(f) || st != AF_OK)
        return -1;
    snprintf(t->software, sizeof t->software, "advflow %s", af_version());
    t->pairs[0] = "Software";
    t->pairs[1] = t->software;
    t->pairs[2] = "advflow command";
    t->pairs[3] = t->command;
    t->pairs[4] = "advflow case";
    t->pairs[5] = t->case_text;
    return 0;
}

void png_text_free(png_text *t)
{
    free(t->command);
    free(t->case_text);
    memset(t, 0, sizeof *t);
}

/* ---- h against the components ---- */

/* Label the 4-connected components of {mask == inside} (label[x] = -1
 * elsewhere); their cell counts into *sizes, whether each touches the box
 * edge (clamped grids) into *edge.  Returns the count, or -1 without memory. */
static long components(const af_grid *g, const uint8_t *mask, int inside, int32_t *label,
                       long **sizes, uint8_t **edge)
{
    int n = g->n, periodic = g->edge == AF_EDGE_PERIODIC;
    size_t cells = af_grid_cells(g);
    size_t *queue = malloc(cells * sizeof *queue);
    long count = 0, cap = 64;
    *sizes = malloc((size_t)cap * sizeof **sizes);
    *edge = malloc((size_t)cap);
    if (!queue || !*sizes || !*edge) {
        free(queue);
        return -1;
    }
    for (size_t x = 0; x < cells; x++)
        label[x] = (mask[x] != 0) == inside ? -2 : -1; /* -2: not yet labelled */
    for (size_t s = 0; s < cells; s++) {
        if (label[s] != -2)
            continue;
        if (count == cap) {
            cap *= 2;
            long *ns = realloc(*sizes, (size_t)cap * sizeof *ns);
            uint8_t *ne = ns ? realloc(*edge, (size_t)cap) : NULL;
            if (ns)
                *sizes = ns;
            if (!ns || !ne) {
                free(queue);
                return -1;
            }
            *edge = ne;
        }
        long size = 0;
        int touches = 0;
        size_t head = 0, tail = 0;
        queue[tail++] = s;
        label[s] = (int32_t)count;
        while (head < tail) {
            size_t x = queue[head++];
            size++;
            int i = (int)(x % (size_t)n), j = (int)(x / (size_t)n);
            touches |= i == 0 || j == 0 || i == n - 1 || j == n - 1;
            int ni[4] = {i - 1, i + 1, i, i}, nj[4] = {j, j, j - 1, j + 1};
            for (int q = 0; q < 4; q++) {
                int a = ni[q], b = nj[q];
                if (periodic) {
                    a = (a + n) % n;
                    b = (b + n) % n;
                } else if (a < 0 || b < 0 || a >= n || b >= n) {
                    continue;
                }
                size_t y = (size_t)b * (size_t)n + (size_t)a;
                if (label[y] == -2) {
                    label[y] = (int32_t)count;
                    queue[tail++] = y;
                }
            }
        }
        (*sizes)[count] = size;
        (*edge)[count] = (uint8_t)(touches && !periodic);
        count++;
    }
    free(queue);
    return count;
}

/* Steps until the implicit step's circle r' = (r + sqrt(r^2 - 4h)) / 2
 * vanishes from radius r: it jumps to the empty set at the first step from
 * a radius under 4 sqrt(h / 3), where the empty set's energy falls below
 * that of every disc (docs/cases.md). */
static int disc_steps(double r, double h)
{
    int k = 1;
    for (; k < 100000 && r * r >= 16 * h / 3; k++)
        r = (r + sqrt(r * r - 4 * h)) / 2;
    return k;
}

/* The largest h at which a disc of radius r lasts `steps` steps. */
static double h_for_steps(double r, int steps)
{
    double lo = 0, hi = 3 * r * r / 16;
    for (int q = 0; q < 60; q++) {
        double mid = 0.5 * (lo + hi);
        if (disc_steps(r, mid) >= steps)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

#define FEW_STEPS 8

void warn_large_h(const options *o, const state *st, const uint8_t *mask)
{
    const af_case *c = st->c;
    const af_grid *g = &c->grid;
    const af_case_scheme *sc = &c->scheme;
    if (o->quiet)
        return;
    /* the largest h at which a disc of radius r does not vanish in one
     * step: 3 r^2 / 16 for the exact step (p = 1, uniform density),
     * r^2 / (4 ln 2) for MBO; r is the inradius of a component, which for
     * a long strip of half-width r is on the safe side (docs/cases.md) */
    int mbo = sc->method == AF_METHOD_MBO;
    double factor = mbo ? 1 / (4 * log(2.0)) : 3.0 / 16;
    size_t cells = af_grid_cells(g);
    int32_t *label = malloc(cells * sizeof *label); /* n^2 <= 2^30 */
    double *sd = malloc(cells * sizeof *sd);
    af_error err;
    af_dist_work *w = label && sd ? af_dist_work_alloc(g, &err) : NULL;
    if (!w) {
        free(label);
        free(sd);
        return;
    }
    af_dist_signed(w, AF_SDIST_SIMPLE, mask, sd); /* -inside, +outside, to the boundary */
    af_dist_work_free(w);
    int found = 0;
    long at_risk = 0, largest = 0, total = 0;
    int largest_free = 0; /* the largest component lies off the box edge */
    double worst_r = 0, worst_eq = 0;
    for (int inside = 1; inside >= 0; inside--) {
        long *sizes = NULL;
        uint8_t *edge = NULL;
        long m = components(g, mask, inside, label, &sizes, &edge);
        double *rin = m > 0 ? calloc((size_t)m, sizeof *rin) : NULL;
        for (size_t x = 0; rin && x < cells; x++)
            if (label[x] >= 0)
                rin[label[x]] = fmax(rin[label[x]], inside ? -sd[x] : sd[x]);
        for (long q = 0; rin && q < m; q++) {
            if (inside && sizes[q] > largest) {
                largest = sizes[q];
                largest_free = !edge[q] && g->edge != AF_EDGE_PERIODIC;
            }
            total += inside;
            if (!inside && edge[q])
                continue; /* the outside, not a hole */
            double r = rin[q];
            /* thinner than the budget's ball: below what Per_eps resolves */
            if (!isfinite(r) || sc->h <= factor * r * r || r < sc->epsilon)
                continue;
            at_risk++;
            if (r > worst_r) {
                worst_r = r;
                worst_eq = sqrt((double)sizes[q] * g->dx * g->dx / 3.14159265358979323846);
                found = inside ? 1 : 2;
            }
        }
        free(rin);
        free(sizes);
        free(edge);
    }
    free(label);
    free(sd);
    if (found) {
        double bound = factor * worst_r * worst_r;
        char others[64] = "";
        if (at_risk > 1)
            snprintf(others, sizeof others, " (and %ld smaller %s)", at_risk - 1,
                     at_risk > 2 ? "ones" : "one");
        fprintf(stderr,
                "advflow: warning: %s: [scheme] h = %g is large next to a %s of inradius r = %.3g "
                "(%.1f cells; equivalent radius %.3g)%s: for h > %s = %.3g the %s may %s it in "
                "one step; take h <= %.3g to see it move (docs/cases.md, \"How large h may be\")\n",
                o->case_path, sc->h, found == 1 ? "component" : "hole", worst_r, worst_r / g->dx,
                worst_eq, others, mbo ? "r^2 / (4 ln 2)" : "3 r^2 / 16", bound,
                mbo ? "MBO step" : "exact step's minimiser", found == 1 ? "remove" : "fill", bound);
        return;
    }
    /* Under uniform density, how many steps the largest component lasts
     * (the implicit step's disc of the same area). */
    double lo = INFINITY, hi = 0;
    for (size_t x = 0; x < cells; x++) {
        lo = fmin(lo, st->rho[x]);
        hi = fmax(hi, st->rho[x]);
    }
    if (mbo || !largest_free || lo != hi || largest == 0)
        return;
    double r = sqrt((double)largest * g->dx * g->dx / 3.14159265358979323846);
    int steps = disc_steps(r, sc->h);
    if (steps >= FEW_STEPS || steps >= planned_steps_of(sc))
        return;
    fprintf(stderr,
            "advflow: warning: %s: [scheme] h = %g is large next to the %scomponent of "
            "equivalent radius r = %.3g: the exact step r' = (r + sqrt(r^2 - 4h)) / 2 removes "
            "a disc of that area in %d step%s; take h <= %.3g for %d steps (docs/cases.md, "
            "\"How large h may be\")\n",
            o->case_path, sc->h, total > 1 ? "largest " : "", r, steps, steps > 1 ? "s" : "",
            h_for_steps(r, FEW_STEPS), FEW_STEPS);
}
