/* advflow CLI: output folders that hold an earlier run.  GPL-3.0-or-later.
 *
 * A run writes frames, masks and arrays numbered by step; a second run into
 * the same folder that stops earlier would leave the first run's later
 * frames beside its own, and a video or an overview made from the folder
 * would mix them.  So a command refuses a folder that already holds its
 * own outputs, and with --force removes them first: only the names the
 * command writes (below), never other files, never folders.  Files of the
 * other commands are left alone: `advflow attack` may write beside the run
 * whose mask it attacks. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* name is prefix, then at least `digits` decimal digits, then suffix. */
static int numbered(const char *name, const char *prefix, int digits, const char *suffix)
{
    size_t lp = strlen(prefix), ls = strlen(suffix), ln = strlen(name);
    if (ln < lp + ls + (size_t)digits || strncmp(name, prefix, lp) || strcmp(name + ln - ls, suffix))
        return 0;
    for (size_t k = lp; k < ln - ls; k++)
        if (name[k] < '0' || name[k] > '9')
            return 0;
    return 1;
}

/* An output's name, or the temporary of one (af_file: NAME.tmp.XXXXXX;
 * outputs_stage: .advflow-part-NAME; and the two together, the staged
 * name's af_file temporary) left by a run that was killed. */
static int own_or_temporary(const char *name, int (*own)(const char *))
{
    if (own(name))
        return 1;
    if (!strncmp(name, ".advflow-part-", 14))
        return own_or_temporary(name + 14, own);
    const char *t = strstr(name, ".tmp.");
    if (t && strlen(t + 5) == 6) {
        char base[512];
        size_t len = (size_t)(t - name);
        if (len >= sizeof base)
            return 0;
        memcpy(base, name, len);
        base[len] = '\0';
        return own_or_temporary(base, own);
    }
    return 0;
}

int run_output_name(const char *name)
{
    static const char *const fixed[] = {
        "history.csv", "overview.png", "risks.png",   "case.ini", "run.txt",   "mask_final.png",
        "mask_final.npy", "levelset_final.npy", "rho0.npy", "rho1.npy",
        "history.svg", "flow.mp4", "flow.gif", /* flow.*: tools/frames-to-video.sh */
        "resume.state", "fftw.wisdom", /* resume.c; an MBO run's FFT plans */
        NULL,
    };
    for (int k = 0; fixed[k]; k++)
        if (!strcmp(name, fixed[k]))
            return 1;
    size_t len = strlen(name);
    int history_plot = !strncmp(name, "history", 7) && len >= 11
                       && (name[7] == '.' || name[7] == '_') && !strcmp(name + len - 4, ".png");
    return history_plot || numbered(name, "frame_", 5, ".png") || numbered(name, "mask_", 5, ".png")
           || numbered(name, "mask_", 5, ".npy") || numbered(name, "levelset_", 5, ".npy");
}

int robust_output_name(const char *name)
{
    static const char *const fixed[] = {"robust_frame.png", "robust_mask.png", "robust_mask.npy",
                                        "robust_eps.csv", "robust_eps.png", NULL};
    for (int k = 0; fixed[k]; k++)
        if (!strcmp(name, fixed[k]))
            return 1;
    return 0;
}

int attack_output_name(const char *name)
{
    return !strcmp(name, "attack_paths.csv") || !strcmp(name, "attack.png");
}

/* The step of a numbered run output (frame_, mask_, levelset_), or -1. */
static long step_of(const char *name)
{
    static const char *const pre[] = {"frame_", "mask_", "levelset_"};
    for (int k = 0; k < 3; k++) {
        size_t lp = strlen(pre[k]);
        if (strncmp(name, pre[k], lp) || !run_output_name(name))
            continue;
        return strtol(name + lp, NULL, 10);
    }
    return -1;
}

/* The files scan takes: with after < 0, the outputs own accepts and their
 * temporaries; with after >= 0 (output_dir_prune), what a run wrote after
 * step `after`: its numbered outputs of later steps, its final outputs and
 * the temporaries of any output. */
typedef struct {
    int (*own)(const char *);
    long after;
} selection;

static int selected(const char *name, const selection *sel)
{
    if (sel->after < 0)
        return own_or_temporary(name, sel->own);
    return step_of(name) > sel->after
           || (own_or_temporary(name, run_output_name) && !run_output_name(name))
           || !strcmp(name, "mask_final.png") || !strcmp(name, "mask_final.npy")
           || !strcmp(name, "levelset_final.npy") || !strcmp(name, "overview.png")
           || !strcmp(name, "history.png") || !strcmp(name, "history.svg")
           || !strcmp(name, "risks.png");
}

/* Files in dir that sel takes: their count, the first name in *first
 * (history.csv if it is one); with remove, each is removed unless keep (NULL
 * or staged outputs) names it.  The names are collected first and removed
 * after the folder is read (readdir is unspecified for entries removed
 * while it reads). */
static long scan(const char *dir, const selection *sel, char *first, size_t size, int remove,
                 int *failed, const outputs *keep)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0; /* missing (or unreadable: make_output_dir will say) */
    long count = 0, cap = 0;
    char **names = NULL;
    struct dirent *e;
    char path[4400];
    while ((e = readdir(d)) != NULL) {
        if (!selected(e->d_name, sel))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat sb;
        if (lstat(path, &sb) != 0 || !(S_ISREG(sb.st_mode) || S_ISLNK(sb.st_mode)))
            continue;
        int kept = 0;
        for (int q = 0; keep && q < keep->n; q++) {
            const char *f = strrchr(keep->final[q], '/'), *t = strrchr(keep->staged[q], '/');
            kept |= !strcmp(f ? f + 1 : keep->final[q], e->d_name)
                    || !strcmp(t ? t + 1 : keep->staged[q], e->d_name);
        }
        if (kept)
            continue;
        if (first && (count == 0 || !strcmp(e->d_name, "history.csv")))
            snprintf(first, size, "%s", e->d_name); /* history.csv says "a run" best */
        count++;
        if (!remove)
            continue;
        if (count > cap) {
            cap = cap ? 2 * cap : 64;
            char **nn = realloc(names, (size_t)cap * sizeof *nn);
            if (!nn) {
                *failed = 1;
                break;
            }
            names = nn;
        }
        if (!(names[count - 1] = strdup(e->d_name))) {
            *failed = 1;
            count--;
            break;
        }
    }
    closedir(d);
    if (remove && *failed)
        fprintf(stderr, "advflow: out of memory while reading %s\n", dir);
    for (long k = 0; remove && k < count; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[k]);
        if (!*failed && unlink(path) != 0 && errno != ENOENT) {
            fprintf(stderr, "advflow: cannot remove %s: %s\n", path, strerror(errno));
            *failed = 1;
        }
        free(names[k]);
    }
    free(names);
    return count;
}

int output_dir_check(const options *o, const char *dir, int (*own)(const char *), const char *what)
{
    char first[512] = "";
    int failed = 0;
    selection sel = {own, -1};
    long count = scan(dir, &sel, first, sizeof first, 0, &failed, NULL);
    if (count == 0 || o->force)
        return 0;
    fprintf(stderr,
            "advflow %s: %s already holds %s (%s%s, %ld file%s): nothing was written; choose "
            "another --out, or add --force to replace them (it removes only the files advflow "
            "%s writes)\n",
            o->cmd, dir, what, first, count > 1 ? ", ..." : "", count, count > 1 ? "s" : "",
            o->cmd);
    return EXIT_USAGE;
}

int case_in_output_dir(const options *o, const char *dir)
{
    char path[4400];
    struct stat a, b;
    snprintf(path, sizeof path, "%s/case.ini", dir);
    if (stat(o->case_path, &a) != 0 || stat(path, &b) != 0 || a.st_dev != b.st_dev
        || a.st_ino != b.st_ino)
        return 0;
    fprintf(stderr,
            "advflow %s: the case file %s is the output folder's case.ini, which the run "
            "replaces: nothing was written; choose another --out (advflow run %s --out DIR)\n",
            o->cmd, o->case_path, o->case_path);
    return EXIT_USAGE;
}

int output_dir_clear(const options *o, const char *dir, int (*own)(const char *))
{
    if (!o->force)
        return 0;
    int failed = 0;
    selection sel = {own, -1};
    scan(dir, &sel, NULL, 0, 1, &failed, NULL);
    return failed ? EXIT_RUNTIME : 0;
}

int output_dir_clear_stale(const options *o, const char *dir, int (*own)(const char *),
                           const outputs *w)
{
    if (!o->force)
        return 0;
    int failed = 0;
    selection sel = {own, -1};
    scan(dir, &sel, NULL, 0, 1, &failed, w);
    return failed ? EXIT_RUNTIME : 0;
}

int output_dir_prune(const char *dir, int step)
{
    /* scan takes a folder it cannot read for an empty one; here the folder
     * must be read, or later files and temporaries would stay */
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "advflow: cannot read %s: %s\n", dir, strerror(errno));
        return EXIT_RUNTIME;
    }
    closedir(d);
    selection sel = {run_output_name, step};
    int failed = 0;
    scan(dir, &sel, NULL, 0, 1, &failed, NULL);
    return failed ? EXIT_RUNTIME : 0;
}
