/* advflow CLI: what the command files share.  GPL-3.0-or-later. */
#ifndef ADVFLOW_CLI_H
#define ADVFLOW_CLI_H

#include "advflow/advflow.h"

#define EXIT_RUNTIME 1 /* a computation or a write failed after the input was accepted */
#define EXIT_USAGE 2   /* usage or input error: nothing was written */

typedef struct {
    const char *cmd;
    const char *case_path;
    const char *out;
    const char *what;
    const char **sets;
    int nsets;
    int quiet;
    int scale;
} options;

/* Everything a command needs from a case, checked before any output. */
typedef struct {
    af_case *c;
    uint8_t *mask;
    double *rho0, *rho1;
} state;

/* Print "advflow CMD: msg arg" and a hint; returns EXIT_USAGE. */
int usage_error(const char *cmd, const char *msg, const char *arg);
/* Read the case with its overrides, check memory, build mask and
 * densities; -1 on success, else the exit code (the message is printed). */
int load(const options *o, state *s);
void state_free(state *s);
/* Create dir (and parents) and prove it writable; 0 or -1 (printed). */
int make_output_dir(const char *dir);
/* 0 for AF_OK, else print err and return the exit code for st. */
int write_or_fail(af_status st, const af_error *err);

int cmd_run(const options *o);

#endif
