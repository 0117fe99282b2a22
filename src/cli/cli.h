/* advflow CLI: what the command files share.  GPL-3.0-or-later. */
#ifndef ADVFLOW_CLI_H
#define ADVFLOW_CLI_H

#include <stdio.h>

#include "advflow/advflow.h"

#define EXIT_RUNTIME 1 /* a computation or a write failed after the input was accepted */
#define EXIT_USAGE 2   /* usage or input error: nothing was written */
/* 128 + the signal (130 for SIGINT, 143 for SIGTERM), as a shell reports a
 * program the signal ended: advflow run stopped by a signal. */
#define EXIT_SIGNAL(sig) (128 + (sig))
#define MAX_DRAWN 20000 /* data points drawn in a picture, at most */
/* Bytes per cell the commands of this version hold besides a step's plan
 * (masks, three densities, morphology and distance workspaces), for the
 * memory checks. */
#define BYTES_PER_CELL 104

typedef struct {
    const char *cmd;
    const char *case_path;
    const char *out;
    const char *what;
    const char **sets;
    int nsets;
    int quiet;
    int force;            /* --force: replace the outputs of an earlier run */
    int resume;           /* run --resume: go on from the folder's last finished step */
    int scale;            /* render --scale, -1 unset */
    const char *eps_list; /* robust --eps-list */
    const char *mask;     /* attack --mask */
    long npoints;         /* attack --points, -1 unset */
    int steps;            /* attack --steps, -1 unset */
    double tau;           /* attack --tau, -1 unset */
    double max_memory;    /* --max-memory, bytes; 0: the default (resources.c) */
    int threads;          /* --threads (every command; 0: every core), -1 unset: the case's
                             [run] threads, else every core */
    int argc;             /* the command line, for run.txt */
    char **argv;
} options;

/* Everything a command needs from a case, checked before any output. */
typedef struct {
    af_case *c;
    uint8_t *mask;
    double *rho0, *rho1;
    double *rho;       /* rho0 + rho1 */
    int two_classes;   /* rho0 differs from rho1 somewhere: frames use two hues */
    af_points *points; /* [data], or NULL */
    double *xy;        /* coordinates of the points drawn in frames, interleaved */
    uint8_t *draw_label; /* their labels */
    size_t ndraw;      /* how many: all, or every k-th of more than MAX_DRAWN */
    size_t outside;    /* data points outside the box, left out */
} state;

/* Print "advflow CMD: msg arg" and a hint; returns EXIT_USAGE. */
int usage_error(const char *cmd, const char *msg, const char *arg);
/* Read the case with its overrides, check memory, load the data points,
 * build densities and (want_mask) the initial region; -1 on success, else
 * the exit code (the message is printed; points outside the box are
 * reported on stderr unless quiet). */
int load(const options *o, state *s, int want_mask);
void state_free(state *s);
/* Open and commit a text output through af_file (file.h: a temporary name
 * beside the path, renamed into place); the errors are printed, and the
 * result is 0 or -1.  out_abort drops the temporary.  From open to commit
 * or abort a signal waits (writes_begin). */
int out_open(af_file *of, const char *path);
int out_close(af_file *of);
void out_abort(af_file *of); /* drop it: af_file_abort */

/* A command's outputs appear all together or not at all, and a failure
 * leaves the files of an earlier run as they were: each output is written
 * under a staged name beside it (".advflow-part-NAME", keeping its suffix,
 * which some writers read), and outputs_commit renames them all at the end;
 * outputs_abort removes them. */
#define OUTPUTS_MAX 8
typedef struct {
    int n;
    char final[OUTPUTS_MAX][4300];
    char staged[OUTPUTS_MAX][4400];
} outputs;
/* The name to write path under, into *staged; 0, or the exit code (the
 * message printed, *staged NULL): EXIT_USAGE when path is not a writable
 * file name (af_file_check), EXIT_RUNTIME when out of memory or there are
 * too many outputs. */
int outputs_stage(outputs *w, const char *path, const char **staged);
/* Rename every staged file into place; 0, or EXIT_RUNTIME (printed) with
 * the rest removed. */
int outputs_commit(outputs *w);
void outputs_abort(outputs *w);

/* Create dir (and parents) and prove it writable; 0 or -1 (printed).  The
 * folders it creates are remembered: when it fails, and when the command
 * fails afterwards (output_dirs_undo), they are removed again, deepest
 * first, those that are empty. */
int make_output_dir(const char *dir);
/* Remove the empty folders make_output_dir created in this process, deepest
 * first (main calls it when a command fails). */
void output_dirs_undo(void);
/* 0 for AF_OK, else print err and return the exit code for st. */
int write_or_fail(af_status st, const af_error *err);

/* Memory and time (resources.c).  The limit is --max-memory, else 80% of
 * the machine's memory (or of its control group's limit, when smaller).
 * memory_fits: 0 when `bytes` fit in the limit, else the message (naming
 * the case, what `what` needs and the limit) is printed and the result is
 * EXIT_USAGE. */
int memory_fits(const options *o, double bytes, const char *what);
/* The first minimizing-movements step from mask with the plan of prm
 * (af_mm_plan_estimate), with `extra` bytes the caller adds and the state
 * load() holds: EXIT_USAGE (printed: the estimate, the limit and what to
 * change) when it exceeds the limit; else 0, after a warning on stderr
 * (not with --quiet) when the step may take over a minute (levelset: the
 * level-set step, counted at twice the mask step's graph and four times
 * its time). */
int first_step_fits(const options *o, const af_case *c, const af_mm_params *prm,
                    const uint8_t *mask, double extra, int levelset);
/* --max-memory's SIZE in bytes: a number (a decimal fraction allowed) with
 * an optional K, M, G or T (powers of 1024, either case, optionally
 * followed by B or iB), from 1 byte to 2^60; -1 for anything else. */
double parse_size(const char *text);
/* "1.5 GiB", "12.0 MiB", "3.0 KiB" */
void format_bytes(char *buf, size_t size, double bytes);
/* The smallest adversarial risk on the state's points with budget eps
 * (af_risk_points_bound) into *bound, NaN without points or when the
 * conflict graph is too large (a warning then); 0, or the exit code of an
 * error (printed). */
int points_bound(const options *o, const state *s, double eps, double *bound, size_t *conflicts);
/* 0 when pictures of the grid with `scale` pixels per cell (0: automatic,
 * at least 1) fit AF_PNG_MAX_SIDE; else the message is printed and the
 * result is EXIT_USAGE. */
int pictures_fit(const options *o, const af_grid *g, int scale);
/* A frame of the state's densities (two hues when the classes differ) and
 * data points, with mask as the region (may be NULL). */
void frame_of(const state *s, const uint8_t *mask, int scale, af_png_frame *f);
/* history.png, history.svg and risks.png of the run folder dir, drawn
 * from dir/history.csv (src/cli/plot.c); all three are written or none.
 * 0, or the exit code (printed): EXIT_USAGE when history.csv is missing
 * or malformed (the message names the file and line). */
int history_plots(const char *dir);
/* The comment lines a run's history.csv starts with for history_plots:
 * "# area_rate_exact = -2 pi" when the density is uniform and the initial
 * region lies inside the box (then its boundary curves are closed). */
void history_comments(FILE *fp, const state *s);
/* The help text of a command, or the main help for NULL; NULL if unknown. */
const char *help_of(const char *cmd);

/* Output folders (outdir.c).  A command refuses a folder that already
 * holds its own outputs (an earlier run's frames would mix with this
 * one's), unless --force: then it removes them, and only them, before
 * writing.  Each command's own file names: */
int run_output_name(const char *name);
int robust_output_name(const char *name);
int attack_output_name(const char *name);
/* 0 when dir is missing or holds no file `own` accepts, or with --force;
 * else the refusal is printed (naming the folder, a file and --force) and
 * the result is EXIT_USAGE.  Call it before anything is written. */
int output_dir_check(const options *o, const char *dir, int (*own)(const char *),
                     const char *what);
/* EXIT_USAGE (printed) when the case file being run is dir/case.ini, which
 * a run replaces (with or without --force); else 0. */
int case_in_output_dir(const options *o, const char *dir);
/* With --force, remove the files `own` accepts from dir (regular files and
 * links only, never folders); 0, or EXIT_RUNTIME (printed). */
int output_dir_clear(const options *o, const char *dir, int (*own)(const char *));
/* For commands whose outputs are staged and committed together (robust,
 * attack): with --force, remove the files `own` accepts that the staged
 * outputs w will not replace (a sweep's table after a single budget's
 * run), just before outputs_commit; so a command that fails leaves the
 * earlier outputs as they were.  0, or EXIT_RUNTIME (printed). */
int output_dir_clear_stale(const options *o, const char *dir, int (*own)(const char *),
                           const outputs *w);

/* The run's record and checks (runinfo.c). */
/* Write dir/case.ini (the resolved case, its [output] dir the folder used)
 * and dir/run.txt (version, command line, folder, start time and, when
 * outcome is not NULL, how the run ended); 0 or EXIT_RUNTIME (printed). */
int write_run_record(const options *o, const af_case *c, const char *dir, const char *outcome);
/* The command that resumes this run in dir, quoted for a shell, and a
 * newline: advflow run CASE [--set ...] --out DIR --resume. */
void print_resume_command(FILE *fp, const options *o, const char *dir);
/* What a run's PNG frames carry as text chunks (af_png_frame.text, 3
 * pairs): the version ("Software"), the command line and the resolved
 * case (the text of case.ini).  0, or -1 out of memory. */
typedef struct {
    char software[64];
    char *command, *case_text;
    const char *pairs[6];
} png_text;
int png_text_make(const options *o, const af_case *c, const char *dir, png_text *t);
void png_text_free(png_text *t); /* accepts a zeroed one */
/* Warn (stderr, not with --quiet) when h is large next to the squared size
 * of a component or hole of mask: the exact step may remove it in one
 * step; or, under uniform density, when the largest component would
 * vanish within 8 steps (docs/cases.md, "How large h may be"). */
void warn_large_h(const options *o, const state *s, const uint8_t *mask);
/* Steps a run makes at most: [scheme] steps, cut by t_end. */
int planned_steps_of(const af_case_scheme *sc);

/* Progress on a terminal (progress.c): a line per step, and during a long
 * step a timer thread shows the phase and its elapsed time. */
typedef struct progress_bar progress_bar;
/* NULL (and every call a no-op) unless stderr is a terminal and not quiet. */
progress_bar *progress_start(const options *o, int total);
/* The loop enters a phase of step k, e.g. "solving", "writing frames". */
void progress_phase(progress_bar *p, int k, const char *phase);
/* Step k is done: t, area, seconds it took, mean ms per step so far. */
void progress_step(progress_bar *p, int k, double t, double area, double ms_per_step);
/* After the first step (first_s seconds): when the planned steps may take
 * over a minute, say how long (stderr, also off a terminal; not quiet). */
void progress_estimate(const options *o, progress_bar *p, int total, double first_s);
/* Clear the progress line, so that a message can be printed. */
void progress_clear(progress_bar *p);
void progress_stop(progress_bar *p); /* accepts NULL; ends the line */

int cmd_run(const options *o);

/* Signals (signals.c): SIGINT and SIGTERM end a command at once, or (coop,
 * advflow run) the first one raises signal_stop (the signal's number) for
 * the run to stop at its next look.  Between writes_begin and writes_end
 * (they nest) a signal waits, so that no temporary file is left; the exit
 * status is EXIT_SIGNAL(sig).  writes_reset ends all open writes. */
#include <signal.h>
extern volatile sig_atomic_t signal_stop;
void signals_install(int coop);
void writes_begin(void);
void writes_end(void);
void writes_reset(void);

/* Resuming a run (resume.c).  The state of the last finished step k, kept
 * in DIR/resume.state (written after step k's row, frames and masks). */
typedef struct {
    int step;              /* k */
    int last;              /* 0, or why step k was the last: 1 planned steps, 2 vanished, 3 at rest */
    size_t cells;
    int elem;              /* bytes a cell: 1 (mask), 8 (level set, float64) */
    void *region;          /* A_k or u_k */
    double *ref;           /* level set at rest: u at the window's start (NULL: none) */
    int still_steps;       /* ... and the steps since */
    af_mm_plan_state plan; /* the mm plan's band and window (zero for MBO) */
} checkpoint;
/* 0, or EXIT_RUNTIME (printed). */
int checkpoint_write(const char *dir, const checkpoint *cp);
/* -1 with *cp filled (the caller frees it: checkpoint_free), else the exit
 * code (printed): no state, damaged, another version, another size. */
int checkpoint_read(const char *dir, size_t cells, int elem, checkpoint *cp);
void checkpoint_free(checkpoint *cp);
void checkpoint_remove(const char *dir);
/* 0 when dir/case.ini is the case c resolved as a run into dir writes it,
 * else the exit code (printed: the first line that differs), or
 * RESUME_COMPLETE when dir holds a run that finished (then there is nothing
 * to do, and the command exits 0). */
#define RESUME_COMPLETE (-2)
int resume_same_case(const options *o, const af_case *c, const char *dir);
/* Cut dir/history.csv after the row of `step` (dropping later rows and a
 * row cut short); 0, or the exit code (printed) when rows 0 .. step are
 * not all there. */
int resume_history(const char *dir, int step);
/* Remove from dir what a run wrote after step `step`: numbered outputs of
 * later steps, the final outputs, and temporaries of any; 0 or
 * EXIT_RUNTIME (printed). */
int output_dir_prune(const char *dir, int step);
int cmd_data(const options *o);
int cmd_robust(const options *o);
int cmd_attack(const options *o);
int cmd_plot(const options *o);

#endif
