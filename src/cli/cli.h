/* advflow CLI: what the command files share.  GPL-3.0-or-later. */
#ifndef ADVFLOW_CLI_H
#define ADVFLOW_CLI_H

#include <stdio.h>

#include "advflow/advflow.h"

#define EXIT_RUNTIME 1 /* a computation or a write failed after the input was accepted */
#define EXIT_USAGE 2   /* usage or input error: nothing was written */
#define MAX_DRAWN 20000 /* data points drawn in a picture, at most */

typedef struct {
    const char *cmd;
    const char *case_path;
    const char *out;
    const char *what;
    const char **sets;
    int nsets;
    int quiet;
    int scale;
    const char *eps_list; /* robust --eps-list */
    const char *mask;     /* attack --mask */
    long npoints;         /* attack --points, -1 unset */
    int steps;            /* attack --steps, -1 unset */
    double tau;           /* attack --tau, -1 unset */
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
 * result is 0 or -1.  af_file_abort drops the temporary. */
int out_open(af_file *of, const char *path);
int out_close(af_file *of);

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
/* The name to write path under; NULL (printed) when path is not a
 * writable file name (af_file_check) or there are too many outputs. */
const char *outputs_stage(outputs *w, const char *path);
/* Rename every staged file into place; 0, or EXIT_RUNTIME (printed) with
 * the rest removed. */
int outputs_commit(outputs *w);
void outputs_abort(outputs *w);

/* Create dir (and parents) and prove it writable; 0 or -1 (printed). */
int make_output_dir(const char *dir);
/* 0 for AF_OK, else print err and return the exit code for st. */
int write_or_fail(af_status st, const af_error *err);

/* 0 when `bytes` fit in 80% of the machine's memory, else the message
 * (naming the case and `what` needs it) is printed and the result is
 * EXIT_USAGE. */
int memory_fits(const options *o, double bytes, const char *what);
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

int cmd_run(const options *o);
int cmd_data(const options *o);
int cmd_robust(const options *o);
int cmd_attack(const options *o);
int cmd_plot(const options *o);

#endif
