/* advflow: case files.
 *
 * A case file is an INI file (parsed by inih) that describes a grid, an
 * initial shape, the class densities, the scheme, the output and how to
 * run (threads); docs/cases.md
 * documents every key with units and defaults.  Reading is in three steps,
 * so that command-line overrides sit between the file and the checks:
 *
 *   af_case *c = af_case_alloc();
 *   af_case_read(c, "circle.ini", &err);        // syntax, known sections and keys
 *   af_case_set(c, "scheme.epsilon=0.02", &err); // any number of overrides
 *   af_case_finish(c, &err);                     // values, ranges, consistency
 *   af_case_points(c, &pts, &outside, &err);     // [data], if any
 *   af_case_densities(c, pts, rho0, rho1, &err);
 *   af_case_mask(c, rho0, rho1, mask, &err);     // the initial region
 *   ... use c->grid, c->shape, c->scheme ...
 *   af_case_free(c);
 *
 * Every error message starts with where the value came from: "FILE:LINE:"
 * for the file, "--set section.key:" for an override.
 * GPL-3.0-or-later.
 */
#ifndef ADVFLOW_CASE_H
#define ADVFLOW_CASE_H

#include <stdint.h>
#include <stdio.h>

#include "advflow/ball.h"
#include "advflow/density.h"
#include "advflow/dist.h"
#include "advflow/grid.h"
#include "advflow/mm.h"
#include "advflow/points.h"
#include "advflow/shape.h"
#include "advflow/threads.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Default [density] floor for kind = kde: the relative mass of the uniform
 * background added to the estimates (docs/cases.md explains the choice). */
#define AF_CASE_KDE_FLOOR 1e-3

typedef enum {
    AF_METHOD_MM = 0,  /* exact minimizing movements (min-cut) */
    AF_METHOD_MBO = 1  /* Merriman-Bence-Osher threshold dynamics (baseline) */
} af_method;

typedef enum {
    AF_REPR_MASK = 0,     /* the region as a characteristic function (the mask step) */
    AF_REPR_LEVELSET = 1  /* as a level-set function (af_mm_plan_step_levelset) */
} af_representation;

typedef struct {
    double epsilon;          /* budget, length units (> 0) */
    double epsilon_average[3]; /* further budgets whose perimeters are averaged with
                              * epsilon's (af_mm_params.eps_avg), length units, each in
                              * [dx, epsilon]; 0 = unused; default none.  method = mm only */
    double h;                /* time step, length^2 / ... units of time (> 0); default epsilon */
    double p;                /* fidelity exponent (>= 0); default 1 */
    af_norm norm;            /* ball norm; default 2 */
    af_selection selection;  /* default minimal */
    af_method method;        /* default mm */
    af_sdist_kind sdist;     /* signed distance form; default subcell */
    af_representation representation; /* default mask */
    int steps;               /* number of steps (>= 0); default 100 */
    double t_end;            /* stop time (> 0) or 0 for none; default 0 */
    int stop_when_still;     /* 1: a run stops at the first step that changes nothing
                              * (docs/cases.md); default 1 */
} af_case_scheme;

typedef enum {
    AF_FORMAT_PNG = 0,  /* masks as mask_NNNNN.png (8-bit, 255 inside) */
    AF_FORMAT_NPY = 1,  /* masks as mask_NNNNN.npy (uint8, 1 inside), densities as rho0/rho1.npy */
    AF_FORMAT_BOTH = 2  /* both */
} af_output_format;

typedef struct {
    char *dir;   /* output folder; default "out/<case file stem>" */
    int every;   /* write a frame every `every` steps (>= 1); default 1 */
    int frames;  /* 1: write frame_NNNNN.png, 0: masks only; default 1 */
    int scale;   /* frame pixels per cell, 0 = automatic; default 0 */
    af_output_format format; /* how masks (and densities) are written; default png */
} af_case_output;

typedef struct {
    int present;             /* 1 when the case has a [data] section */
    const char *file;        /* points CSV (resolved), or NULL when generated */
    af_data_gen gen;         /* generate = kind, count, noise, seed (when file is NULL) */
    double weight[2];        /* class weights weight0, weight1 (> 0; default 1) */
} af_case_data;

/* [run]: how the commands run, not what they compute (no result depends
 * on it). */
typedef struct {
    int threads; /* threads of the computations (threads.h), 0..AF_THREADS_MAX; 0 = every
                    core (the default).  The CLI's --threads wins over it (and is not
                    written into the resolved case). */
} af_case_run;

typedef struct {
    char *path;              /* the case file as given */
    af_grid grid;
    af_shape shape;          /* pointers inside point into this struct's storage */
    int split;               /* 1: rho0 = rho1 = rho/2 from [density]; 0: [rho0] and [rho1] */
    af_density density;      /* [density] (when split) */
    af_density rho0, rho1;   /* [rho0], [rho1] (when not split) */
    af_case_data data;       /* [data] */
    af_case_scheme scheme;
    af_case_output output;
    af_case_run run;         /* [run] */
    struct af_case_store *store; /* raw entries, line numbers, owned strings */
} af_case;

af_case *af_case_alloc(void);
void af_case_free(af_case *c); /* accepts NULL */

/* Parse the file: syntax, known sections and keys, no duplicates. */
af_status af_case_read(af_case *c, const char *path, af_error *err);

/* Override one key: "section.key=value" (the section need not be in the file). */
af_status af_case_set(af_case *c, const char *assignment, af_error *err);

/* Interpret every value, apply defaults, check ranges and that every key
 * given is used by the chosen shape / density kinds. */
af_status af_case_finish(af_case *c, af_error *err);

/* The data points of [data], read or generated, with the class weights
 * set and the points outside the box removed (their number in *outside,
 * which may be NULL; the caller decides whether to warn).  *points = NULL
 * when the case has no [data].  Errors (an unreadable or malformed file, no
 * point in the box, a class without points) are prefixed with the case
 * file and section. */
af_status af_case_points(const af_case *c, af_points **points, size_t *outside, af_error *err);

/* Fill rho0 and rho1 (af_grid_cells doubles each) from the case's
 * densities: [density] split evenly, or [rho0] and [rho1], or for
 * kind = kde the kernel density estimates of the points' two classes plus
 * the floor (points may be NULL unless the kind is kde).  Checks
 * finiteness and sign. */
af_status af_case_densities(const af_case *c, const af_points *points, double *rho0, double *rho1,
                            af_error *err);

/* Fill u (af_grid_cells doubles) with the initial level set: negative
 * inside, zero on the shape's boundary at sub-cell position
 * (af_shape_field), or for png and polygon shapes the sub-cell signed
 * distance of the mask (it may be infinite when the mask is empty or
 * full).  Not yet a signed distance: callers redistance it. */
af_status af_case_levelset(const af_case *c, const double *rho0, const double *rho1, double *u,
                           af_error *err);

/* The kernel bandwidth of class `label` for [density] kind = kde: the
 * case's bandwidth, or Silverman's rule on the points (0 when the class
 * has no spread). */
double af_case_bandwidth(const af_case *c, const af_points *points, int label);

/* Fill mask (af_grid_cells bytes) with the initial shape; rho0 and rho1
 * are the densities for shape = bayes (may be NULL for other shapes).
 * Errors are prefixed with the case file and section. */
af_status af_case_mask(const af_case *c, const double *rho0, const double *rho1, uint8_t *mask,
                       af_error *err);

/* Write the finished case c as a case file: every key that applies, with
 * its value, defaults included ("the resolved case", after overrides), so
 * that reading the file back (af_case_read, af_case_finish) gives the same
 * grid, shape, densities, data, scheme and output.  Numbers are written
 * with the fewest digits (15 to 17) that read back exactly.  Files named
 * in the case (png shapes and densities, score maps, points CSVs) are
 * written as absolute paths (realpath), so the file may be read from any
 * folder.  The first lines are comments: the case file it came from and
 * the version.  AF_EINVAL (naming the key; nothing useful written) when a
 * text value cannot be written as an INI value (a line break, blanks at
 * its ends, a blank followed by ';'); AF_EIO when writing fails. */
af_status af_case_write(const af_case *c, FILE *f, af_error *err);

#ifdef __cplusplus
}
#endif
#endif
