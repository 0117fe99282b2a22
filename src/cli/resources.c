/* advflow CLI: memory and time, checked before the work.  GPL-3.0-or-later.
 *
 * A command refuses (exit 2, nothing written) a case whose estimated memory
 * exceeds the limit: --max-memory, or by default 80% of what the machine
 * (or the control group the process runs in) has, so that the system and
 * the estimate's error keep room: the estimates are within a factor 1.5 of
 * the measured peak in docs/design.md, mostly above it.  A first step
 * estimated to take over a minute is announced on stderr, with what makes
 * it faster. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* The share of the machine's memory a command may plan to use by default. */
#define MEMORY_SHARE 0.8
/* Warn when the first step is estimated to take longer, seconds. */
#define SLOW_STEP_S 60.0

double parse_size(const char *text)
{
    /* digits first, and no hexadecimal: strtod would also take "inf",
     * "nan", " 5" and "0x10" */
    if (!text || !(isdigit((unsigned char)text[0])
                   || (text[0] == '.' && isdigit((unsigned char)text[1])))
        || strpbrk(text, "xX"))
        return -1;
    char *end;
    double v = strtod(text, &end);
    static const char units[] = "kmgt";
    const char *u = *end ? strchr(units, tolower((unsigned char)*end)) : NULL;
    if (*end && !u)
        return -1;
    if (u) {
        v *= pow(1024, (double)(u - units + 1));
        end++;
        if (!strcmp(end, "iB") || !strcmp(end, "B") || !strcmp(end, "b"))
            end += strlen(end);
    }
    /* at least a byte, at most an exbibyte (beyond any machine, and exact
     * in the doubles the checks compare) */
    if (*end || !isfinite(v) || v < 1 || v > 0x1p60)
        return -1;
    return v;
}

void format_bytes(char *buf, size_t size, double bytes)
{
    if (!isfinite(bytes))
        snprintf(buf, size, "more than any machine has");
    else if (bytes >= 0x1p30)
        snprintf(buf, size, "%.1f GiB", bytes / 0x1p30);
    else if (bytes >= 0x1p20)
        snprintf(buf, size, "%.1f MiB", bytes / 0x1p20);
    else if (bytes >= 0x1p10)
        snprintf(buf, size, "%.1f KiB", bytes / 0x1p10);
    else
        snprintf(buf, size, "%.0f bytes", bytes);
}

/* The memory limit of the process's control group, bytes, or 0 when there
 * is none (cgroup v2's memory.max, "max" when unlimited; v1's
 * memory.limit_in_bytes, a huge number when unlimited).  A container's
 * limit is what the process has, whatever the machine holds. */
static double cgroup_limit(void)
{
    static const char *const files[] = {"/sys/fs/cgroup/memory.max",
                                        "/sys/fs/cgroup/memory/memory.limit_in_bytes"};
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        FILE *fp = fopen(files[k], "r");
        if (!fp)
            continue;
        char line[64] = "";
        char *got = fgets(line, sizeof line, fp);
        fclose(fp);
        char *end;
        double v = got ? strtod(line, &end) : 0;
        if (got && end != line && v > 0 && v < 0x1p60)
            return v;
    }
    return 0;
}

/* The limit in bytes, and in words (for messages); 0 when unknown. */
static double memory_limit(const options *o, char *words, size_t size)
{
    char b[64];
    if (o->max_memory > 0) {
        format_bytes(b, sizeof b, o->max_memory);
        snprintf(words, size, "the limit of %s (--max-memory)", b);
        return o->max_memory;
    }
    long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGE_SIZE);
    double have = pages > 0 && psize > 0 ? (double)pages * (double)psize : 0;
    double group = cgroup_limit();
    const char *whose = "this machine's";
    if (group > 0 && (have <= 0 || group < have)) {
        have = group;
        whose = "this process's control group's";
    }
    if (have <= 0)
        return 0;
    format_bytes(b, sizeof b, have);
    snprintf(words, size, "%.0f%% of %s %s (--max-memory sets another limit)",
             100 * MEMORY_SHARE, whose, b);
    return MEMORY_SHARE * have;
}

int memory_fits(const options *o, double bytes, const char *what)
{
    char words[160], need[64];
    double limit = memory_limit(o, words, sizeof words);
    if (limit <= 0 || bytes <= limit)
        return 0;
    format_bytes(need, sizeof need, bytes);
    fprintf(stderr, "advflow: %s: %s needs about %s, more than %s\n", o->case_path, what, need,
            words);
    return EXIT_USAGE;
}

int first_step_fits(const options *o, const af_case *c, const af_mm_params *prm,
                    const uint8_t *mask, double extra, int levelset)
{
    const af_grid *g = &c->grid;
    af_mm_estimate est;
    af_error err;
    if (af_mm_plan_estimate(g, prm, mask, &est, &err) != AF_OK) {
        fprintf(stderr, "advflow: %s: [scheme]: %s\n", o->case_path, err.msg);
        return EXIT_USAGE;
    }
    /* The level-set step (mm.h) cuts every threshold at once, its first
     * band 2 cells wider and its terms split by class: measured on the
     * circle at n = 512, eps = 5 and 10 cells, its largest graph held 1.5
     * and 2 times the mask step's nodes, and it took 2.7 and 4.4 times as
     * long (docs/design.md). */
    double gscale = levelset ? 2 : 1, graph = est.graph_bytes * gscale;
    double seconds = est.seconds * (levelset ? 4 : 1);
    /* and the state load() holds, besides the plan */
    double bytes = est.plan_bytes + graph + extra + (double)af_grid_cells(g) * BYTES_PER_CELL;
    char words[160], need[64], gbytes[64];
    double limit = memory_limit(o, words, sizeof words);
    format_bytes(need, sizeof need, bytes);
    format_bytes(gbytes, sizeof gbytes, graph);
    double eps_cells = prm->eps / g->dx;
    if (limit > 0 && bytes > limit) {
        fprintf(stderr,
                "advflow: %s: the first step needs about %s (a graph of %.3g million nodes and "
                "%.3g million arcs, %s, on a band of %.0f cells: [scheme] epsilon = %g is %.1f "
                "cells at [grid] n = %d), more than %s: nothing was written; choose a smaller "
                "[scheme] epsilon or a smaller [grid] n, or raise --max-memory\n",
                o->case_path, need, gscale * est.nodes / 1e6, gscale * est.arcs / 1e6, gbytes,
                est.band_cells,
                prm->eps, eps_cells, g->n, words);
        return EXIT_USAGE;
    }
    if (seconds > SLOW_STEP_S && !o->quiet) {
        char when[64];
        if (seconds < 5400)
            snprintf(when, sizeof when, "%.0f minute%s", fmax(1, round(seconds / 60)),
                     round(seconds / 60) > 1 ? "s" : "");
        else
            snprintf(when, sizeof when, "%.1f hours", seconds / 3600);
        fprintf(stderr,
                "advflow: warning: %s: the first step may take about %s (a rough estimate: a "
                "graph of %.3g million nodes, %s in all; [scheme] epsilon = %g is %.1f cells "
                "at [grid] n = %d); a smaller epsilon or n is faster\n",
                o->case_path, when, gscale * est.nodes / 1e6, need, prm->eps, eps_cells, g->n);
    }
    return 0;
}
