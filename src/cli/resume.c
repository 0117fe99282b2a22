/* advflow CLI: the state a run leaves for `advflow run --resume`.
 * GPL-3.0-or-later.
 *
 * After each step's row, frames and masks are on disk, the run writes
 * DIR/resume.state (through af_file: a temporary renamed into place, so
 * the file on disk is always one whole state).  It holds what the next
 * step needs and the files do not say exactly: the region of step k (the
 * mask, or the level set u_k as float64, bit for bit), whether step k was
 * the last, the mm plan's band and window (af_mm_plan_state: they decide
 * the statistics a history row records), and for level sets at rest the
 * reference field and its count.  A run that ends normally removes it.
 *
 * Layout: text lines "key value" ending with "end", then the region's
 * cells x elem bytes, then (ref 1) cells x 8 bytes of the reference.
 * Doubles are written with %a, so they read back exactly. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define STATE_MAGIC "advflow-resume 1"

int checkpoint_write(const char *dir, const checkpoint *cp)
{
    char path[4300];
    af_file f;
    af_error err;
    snprintf(path, sizeof path, "%s/resume.state", dir);
    if (af_file_open(&f, path, "resume", &err) != AF_OK) {
        fprintf(stderr, "\nadvflow: %s\n", err.msg);
        return EXIT_RUNTIME;
    }
    fprintf(f.fp,
            STATE_MAGIC "\nversion %s\nstep %d\nlast %d\ncells %zu\nelem %d\nband_in %a\n"
                        "band_out %a\nwindow %d\nstill_steps %d\nref %d\nend\n",
            af_version(), cp->step, cp->last, cp->cells, cp->elem, cp->plan.band_in,
            cp->plan.band_out, cp->plan.window, cp->still_steps, cp->ref != NULL);
    fwrite(cp->region, (size_t)cp->elem, cp->cells, f.fp);
    if (cp->ref)
        fwrite(cp->ref, sizeof(double), cp->cells, f.fp);
    if (af_file_commit(&f, &err) != AF_OK) {
        fprintf(stderr, "\nadvflow: %s\n", err.msg);
        return EXIT_RUNTIME;
    }
    return 0;
}

void checkpoint_remove(const char *dir)
{
    char path[4300];
    snprintf(path, sizeof path, "%s/resume.state", dir);
    unlink(path);
}

/* A header line "key value": the value as text in val (size 128). */
static int header_line(FILE *fp, const char *key, char *val)
{
    char line[256];
    size_t lk = strlen(key);
    if (!fgets(line, sizeof line, fp) || strncmp(line, key, lk) || line[lk] != ' ')
        return -1;
    line[strcspn(line, "\n")] = '\0';
    snprintf(val, 128, "%s", line + lk + 1);
    return 0;
}

static int header_int(FILE *fp, const char *key, long lo, long hi, long *v)
{
    char val[128], *end;
    if (header_line(fp, key, val))
        return -1;
    errno = 0;
    *v = strtol(val, &end, 10);
    return end == val || *end || errno || *v < lo || *v > hi ? -1 : 0;
}

static int header_real(FILE *fp, const char *key, double *v)
{
    char val[128], *end;
    if (header_line(fp, key, val))
        return -1;
    *v = strtod(val, &end);
    return end == val || *end || !isfinite(*v) ? -1 : 0;
}

int checkpoint_read(const char *dir, size_t cells, int elem, checkpoint *cp)
{
    char path[4300], val[128];
    snprintf(path, sizeof path, "%s/resume.state", dir);
    memset(cp, 0, sizeof *cp);
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr,
                "advflow run: %s: nothing to resume: %s (the run finished, or was made without "
                "resume support, or never finished a step)\n",
                dir, errno == ENOENT ? "no resume.state" : strerror(errno));
        return EXIT_USAGE;
    }
    char line[256];
    long step, last, ncells, nelem, window, still, ref;
    int bad = !fgets(line, sizeof line, fp) || strcmp(line, STATE_MAGIC "\n");
    if (!bad && (header_line(fp, "version", val) || strcmp(val, af_version()))) {
        fclose(fp);
        fprintf(stderr,
                "advflow run: %s/resume.state was written by advflow %s, this is %s: a resumed "
                "run would not equal an uninterrupted one; start it again (--force)\n",
                dir, val, af_version());
        return EXIT_USAGE;
    }
    bad = bad || header_int(fp, "step", 0, 1L << 30, &step) || header_int(fp, "last", 0, 3, &last)
          || header_int(fp, "cells", 0, 1L << 40, &ncells) || header_int(fp, "elem", 1, 8, &nelem)
          || header_real(fp, "band_in", &cp->plan.band_in)
          || header_real(fp, "band_out", &cp->plan.band_out)
          || header_int(fp, "window", 0, 1L << 30, &window)
          || header_int(fp, "still_steps", 0, 1L << 30, &still) || header_int(fp, "ref", 0, 1, &ref)
          || !fgets(line, sizeof line, fp) || strcmp(line, "end\n");
    if (!bad && ((size_t)ncells != cells || nelem != elem)) {
        fclose(fp);
        fprintf(stderr, "advflow run: %s/resume.state holds %ld cells of %ld bytes, the case %zu of "
                        "%d: it belongs to another case\n",
                dir, ncells, nelem, cells, elem);
        return EXIT_USAGE;
    }
    if (!bad) {
        cp->region = malloc(cells * (size_t)elem);
        cp->ref = ref ? malloc(cells * sizeof(double)) : NULL;
        if (!cp->region || (ref && !cp->ref)) {
            fclose(fp);
            checkpoint_free(cp);
            fprintf(stderr, "advflow: out of memory for the resume state of %zu cells\n", cells);
            return EXIT_RUNTIME;
        }
        bad = fread(cp->region, (size_t)elem, cells, fp) != cells
              || (ref && fread(cp->ref, sizeof(double), cells, fp) != cells) || fgetc(fp) != EOF;
    }
    fclose(fp);
    if (bad) {
        checkpoint_free(cp);
        fprintf(stderr, "advflow run: %s/resume.state is damaged or truncated: start the run again "
                        "(--force)\n", dir);
        return EXIT_USAGE;
    }
    cp->step = (int)step;
    cp->last = (int)last;
    cp->cells = cells;
    cp->elem = (int)elem;
    cp->plan.window = (int)window;
    cp->still_steps = (int)still;
    if (elem == 8)
        for (size_t x = 0; x < cells; x++)
            if (isnan(((double *)cp->region)[x])) {
                checkpoint_free(cp);
                fprintf(stderr, "advflow run: %s/resume.state is damaged (NaN)\n", dir);
                return EXIT_USAGE;
            }
    return -1;
}

void checkpoint_free(checkpoint *cp)
{
    free(cp->region);
    free(cp->ref);
    cp->region = NULL;
    cp->ref = NULL;
}

/* The whole of a small text file (NUL-terminated, length in *len), or NULL. */
static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf)
            break;
        n += fread(buf + n, 1, cap - n - 1, fp);
        if (n < cap - 1 || cap > (1u << 30))
            break;
        char *nb = realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    int err = ferror(fp);
    fclose(fp);
    if (!buf || err) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* A resolved case's text (NUL-terminated, len bytes) cut before its [run]
 * section, which af_case_write writes last: how a run runs (its threads)
 * changes none of its results, so a run may go on with other threads. */
static void cut_run_section(char *text, size_t *len)
{
    char *p = strstr(text, "\n[run]\n");
    if (p) {
        p[1] = '\0';
        *len = (size_t)(p + 1 - text);
    }
}

int resume_same_case(const options *o, const af_case *c, const char *dir)
{
    char path[4300];
    snprintf(path, sizeof path, "%s/resume.state", dir);
    if (access(path, F_OK) != 0) {
        /* a finished run says how it ended in run.txt: nothing to do */
        size_t len = 0;
        snprintf(path, sizeof path, "%s/run.txt", dir);
        char *rec = slurp(path, &len), *stopped = rec ? strstr(rec, "\nstopped: ") : NULL;
        if (stopped && strncmp(stopped, "\nstopped: interrupted", 22)) {
            if (!o->quiet)
                printf("advflow run: %s: the run is complete (%.*s): nothing to resume\n", dir,
                       (int)strcspn(stopped + 1, "\n"), stopped + 1);
            free(rec);
            return RESUME_COMPLETE;
        }
        free(rec);
        fprintf(stderr,
                "advflow run: %s: nothing to resume: no resume.state (the run never finished a "
                "step, or %s is not a run's folder)\n", dir, dir);
        return EXIT_USAGE;
    }
    snprintf(path, sizeof path, "%s/case.ini", dir);
    size_t had_len = 0, now_len = 0;
    char *had = slurp(path, &had_len), *now = NULL;
    if (!had) {
        fprintf(stderr, "advflow run: %s: cannot resume: no readable case.ini (%s)\n", dir,
                strerror(errno));
        return EXIT_USAGE;
    }
    FILE *mf = open_memstream(&now, &now_len);
    af_error err;
    af_case resolved = *c; /* as the run wrote it: the folder it writes */
    resolved.output.dir = (char *)dir;
    if (!mf || af_case_write(&resolved, mf, &err) != AF_OK) {
        if (mf)
            fclose(mf);
        free(had);
        free(now);
        fprintf(stderr, "advflow: out of memory\n");
        return EXIT_RUNTIME;
    }
    fclose(mf);
    cut_run_section(had, &had_len);
    cut_run_section(now, &now_len);
    int same = had_len == now_len && !memcmp(had, now, had_len);
    if (!same) {
        /* the first line that differs, to say what changed */
        const char *a = had, *b = now;
        int line = 1;
        while (*a && *b) {
            size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");
            if (la != lb || memcmp(a, b, la))
                break;
            a += la + (a[la] == '\n');
            b += lb + (b[lb] == '\n');
            line++;
        }
        fprintf(stderr,
                "advflow run: cannot resume: %s/case.ini was made by a different case (line %d: "
                "'%.*s' there, '%.*s' now): run %s with the same --set options as before, or "
                "start again (--force)\n",
                dir, line, (int)strcspn(a, "\n"), a, (int)strcspn(b, "\n"), b, o->case_path);
    }
    free(had);
    free(now);
    (void)o;
    return same ? 0 : EXIT_USAGE;
}

int resume_history(const char *dir, int step)
{
    char path[4300];
    snprintf(path, sizeof path, "%s/history.csv", dir);
    size_t len = 0;
    char *text = slurp(path, &len);
    if (!text) {
        fprintf(stderr, "advflow run: cannot resume: %s: %s\n", path,
                errno ? strerror(errno) : "unreadable");
        return EXIT_USAGE;
    }
    /* keep the comments, the header and the complete rows of steps 0 ..
     * step, which must all be there, in order */
    size_t keep = 0;
    int next = 0, header = 0;
    for (size_t at = 0; at < len;) {
        char *nl = memchr(text + at, '\n', len - at);
        if (!nl)
            break; /* a row cut short by a kill */
        size_t end = (size_t)(nl - text) + 1;
        if (text[at] == '#' || !header) {
            header |= text[at] != '#';
            keep = end;
        } else {
            char *e;
            long k = strtol(text + at, &e, 10);
            if (e == text + at || *e != ',' || k != next)
                break;
            if (k > step)
                break;
            keep = end;
            next++;
        }
        at = end;
    }
    if (next != step + 1) {
        free(text);
        fprintf(stderr,
                "advflow run: cannot resume: %s has rows for steps 0 to %d, the saved state is "
                "step %d: start the run again (--force)\n",
                path, next - 1, step);
        return EXIT_USAGE;
    }
    int rc = 0;
    if (keep < len) {
        af_file f;
        af_error err;
        if (af_file_open(&f, path, "history", &err) != AF_OK) {
            fprintf(stderr, "advflow: %s\n", err.msg);
            rc = EXIT_RUNTIME;
        } else {
            fwrite(text, 1, keep, f.fp);
            if (af_file_commit(&f, &err) != AF_OK) {
                fprintf(stderr, "advflow: %s\n", err.msg);
                rc = EXIT_RUNTIME;
            }
        }
    }
    free(text);
    return rc;
}
