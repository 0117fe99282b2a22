/* advflow CLI: `advflow run`, the flow.  GPL-3.0-or-later.
 *
 * The library does one step at a time; this file drives the loop (GSL's
 * model): step until [scheme] steps or t_end, or until the set vanishes,
 * and write history.csv (areas, perimeters, risks), frames, masks,
 * overview.png, and from history.csv (plot.c) history.png, history.svg and
 * risks.png.  Every input is checked and every plan is
 * made before the output folder is touched.  history.csv grows a flushed
 * row per step (readable with tail -f); every other file is written under
 * a temporary name and renamed, so no file under a final name is ever
 * half-written.  After each step's row and files, resume.state (resume.c)
 * records what --resume needs to go on exactly as if never stopped.
 *
 * Signals: the first SIGINT or SIGTERM raises a flag that the step's loops
 * and the max-flow read (af_mm_params.interrupt), so even a step of many
 * minutes is abandoned within milliseconds; the run keeps what the last
 * finished step wrote, says how to resume and exits 130 / 143.  A second
 * signal exits at once, except while files are being written: then right
 * after them, so that no temporary is left behind. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* Boundaries drawn in overview.png: at most OVERVIEW_LINES, evenly spaced
 * in steps from the first to the last.  The run does not know in advance
 * when the set will vanish, so it keeps up to SNAP_KEEP masks taken every
 * `gap` frames ([output] every steps a frame) and at the last step; when
 * they are all taken it drops every other one and doubles the gap, and at
 * the end it picks evenly among what it kept.  Only steps whose masks are
 * on disk are kept, so that a resumed run can take them up again. */
#define OVERVIEW_LINES 9
#define SNAP_KEEP 16


static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* The run's moving parts, so that one function frees them all. */
typedef struct {
    state s;
    af_mm_plan *mm;
    af_mbo *mbo;
    af_perimeter *per;
    af_risk *risk;
    uint8_t *a, *b;              /* A_k and A_{k+1} */
    /* level-set representation: u_k (a signed distance after redistancing),
     * the step's output, and the zero contour of u_k */
    int ls;
    double *u, *v;
    af_dist_work *dist;
    af_contour *ct;
    uint8_t *snap[SNAP_KEEP + 1];   /* masks, or (ls) copies of zero contours */
    size_t snap_len[SNAP_KEEP + 1]; /* segments of each kept contour (ls) */
    int snap_step[SNAP_KEEP + 1];   /* the step of each */
    int nsnap, gap;
    FILE *hist;                   /* history.csv, appended a row per step */
    /* stop_when_still in the level-set representation: u at the last step
     * that changed the mask, and the steps since (at_rest) */
    double *u_ref;
    int still_steps;
    png_text text;                /* carried by every frame */
} run_state;

static void run_free(run_state *r)
{
    state_free(&r->s);
    af_mm_plan_free(r->mm);
    af_mbo_free(r->mbo);
    af_perimeter_free(r->per);
    af_risk_free(r->risk);
    free(r->a);
    free(r->b);
    free(r->u);
    free(r->v);
    free(r->u_ref);
    af_dist_work_free(r->dist);
    af_contour_free(r->ct);
    png_text_free(&r->text);
    for (int k = 0; k < r->nsnap; k++)
        free(r->snap[k]);
    if (r->hist)
        fclose(r->hist);
}

/* A mask as [output] format says: NAME.png (8-bit, 255 inside), NAME.npy
 * (uint8, 1 inside) or both; name is a printf format taking k. */
static int write_mask(const af_case *c, const char *dir, const char *name, int k, const uint8_t *m)
{
    char base[64], path[4300];
    af_error err;
    int rc = 0;
    snprintf(base, sizeof base, name, k);
    if (c->output.format != AF_FORMAT_NPY) {
        snprintf(path, sizeof path, "%s/%s.png", dir, base);
        rc = write_or_fail(af_png_write_mask(path, &c->grid, m, &err), &err);
    }
    if (rc == 0 && c->output.format != AF_FORMAT_PNG) {
        snprintf(path, sizeof path, "%s/%s.npy", dir, base);
        rc = write_or_fail(af_array_write_npy(path, &c->grid, m, AF_DTYPE_U8, &err), &err);
    }
    return rc;
}

/* rho0.npy and rho1.npy (float64), once per run, with format = npy or both. */
static int write_densities(const state *s, const char *dir)
{
    char path[4300];
    af_error err;
    int rc = 0;
    if (s->c->output.format == AF_FORMAT_PNG)
        return 0;
    snprintf(path, sizeof path, "%s/rho0.npy", dir);
    rc = write_or_fail(af_array_write_npy(path, &s->c->grid, s->rho0, AF_DTYPE_F64, &err), &err);
    snprintf(path, sizeof path, "%s/rho1.npy", dir);
    if (rc == 0)
        rc = write_or_fail(af_array_write_npy(path, &s->c->grid, s->rho1, AF_DTYPE_F64, &err), &err);
    return rc;
}

/* Level sets at rest: the mask unchanged for LS_STILL_STEPS steps and, over
 * them, the zero contour moved less than LS_STILL_TOL cells (u, a signed
 * distance to it, changed by less near it).  A contour drifting slower than
 * that per step still adds up over the steps; one creeping by less than
 * 1/640 of a cell per step is below what the step resolves (dx / 64). */
#define LS_STILL_STEPS 10
#define LS_STILL_TOL (1.0 / 64)

/* After step k + 1 (st its statistics; for level sets r->u is u_{k+1}):
 * 1 when the scheme is at rest ([scheme] stop_when_still), 0 when not,
 * -1 without memory. */
static int at_rest(run_state *r, const af_mm_stats *st, size_t cells, double dx)
{
    if (!r->s.c->scheme.stop_when_still)
        return 0;
    if (!r->ls) /* the step is a function of A_k: A_{k+1} = A_k stays so */
        return st->changed == 0;
    if (!r->u_ref) { /* the first step: the window starts here */
        if (!(r->u_ref = malloc(cells * sizeof *r->u_ref)))
            return -1;
        memcpy(r->u_ref, r->u, cells * sizeof *r->u);
        r->still_steps = 0;
        return 0;
    }
    if (st->changed == 0 && ++r->still_steps >= LS_STILL_STEPS) {
        double moved = 0;
        for (size_t x = 0; x < cells; x++)
            if (fabs(r->u_ref[x]) <= 2 * dx)
                moved = fmax(moved, fabs(r->u[x] - r->u_ref[x]));
        if (moved <= LS_STILL_TOL * dx)
            return 1;
    } else if (st->changed == 0) {
        return 0;
    }
    /* the mask changed, or the contour crept: a new window from here */
    memcpy(r->u_ref, r->u, cells * sizeof *r->u);
    r->still_steps = 0;
    return 0;
}

static int write_frame(run_state *r, const char *dir, int k, int *rc)
{
    char path[4300];
    af_error err;
    const af_case *c = r->s.c;
    if (c->output.frames) {
        af_png_frame f;
        frame_of(&r->s, r->a, c->output.scale, &f);
        f.show_time = 1;
        f.time = k * c->scheme.h;
        f.step = k;
        f.text = r->text.pairs;
        f.ntext = 3;
        if (r->ls) { /* the region {u < 0} and its boundary at sub-cell position */
            f.levelset = r->u;
            f.boundary = (const double *)af_contour_segments(r->ct);
            f.nboundary = af_contour_count(r->ct);
        }
        snprintf(path, sizeof path, "%s/frame_%05d.png", dir, k);
        if ((*rc = write_or_fail(af_png_write_frame(path, &f, &err), &err)) != 0)
            return -1;
    }
    if ((*rc = write_mask(c, dir, "mask_%05d", k, r->a)) != 0)
        return -1;
    if (r->ls) {
        snprintf(path, sizeof path, "%s/levelset_%05d.npy", dir, k);
        if ((*rc = write_or_fail(af_array_write_npy(path, &c->grid, r->u, AF_DTYPE_F64, &err), &err))
            != 0)
            return -1;
    }
    return 0;
}

/* Keep A_k (r->a, or the level set's contour r->ct) for the overview, k
 * being frame f, or the last step (is_last); thin the kept ones when full.
 * Called for the frames f with f % gap == 0 and for the last step. */
static int snapshot(run_state *r, int k, int f, int is_last, size_t cells)
{
    if (r->nsnap == SNAP_KEEP) {
        /* drop every other snapshot after the first; double the gap */
        int m = 1;
        for (int q = 1; q < r->nsnap; q++) {
            if (q % 2 == 0) {
                r->snap_len[m] = r->snap_len[q];
                r->snap_step[m] = r->snap_step[q];
                r->snap[m++] = r->snap[q];
            } else
                free(r->snap[q]);
        }
        r->nsnap = m;
        r->gap *= 2;
        if (!is_last && f % r->gap != 0)
            return 0;
    }
    r->snap_step[r->nsnap] = k;
    if (r->ls) { /* the zero contour (a few kB), not the field */
        size_t m = af_contour_count(r->ct), bytes = m * sizeof(af_segment);
        if (!(r->snap[r->nsnap] = malloc(bytes ? bytes : 1)))
            return -1;
        memcpy(r->snap[r->nsnap], af_contour_segments(r->ct), bytes);
        r->snap_len[r->nsnap++] = m;
        return 0;
    }
    if (!(r->snap[r->nsnap] = malloc(cells)))
        return -1;
    memcpy(r->snap[r->nsnap++], r->a, cells);
    return 0;
}

int planned_steps_of(const af_case_scheme *sc)
{
    int n = sc->steps;
    if (sc->t_end > 0) {
        double k = ceil(sc->t_end / sc->h - 1e-9);
        if (k < n)
            n = (int)k;
    }
    return n;
}

/* Why the run ended, in words. */
static void stop_reason(char *buf, size_t size, int ls, int k, int vanished, int still)
{
    if (vanished)
        snprintf(buf, size, "the set vanished");
    else if (still && ls)
        snprintf(buf, size,
                 "at rest: the mask has not changed for %d steps and the boundary moved less than "
                 "1/%.0f cell over them (stop_when_still = yes)",
                 LS_STILL_STEPS, 1 / LS_STILL_TOL);
    else if (still)
        snprintf(buf, size, "at rest: step %d changed nothing, so no later step would "
                            "(stop_when_still = yes)", k);
    else
        snprintf(buf, size, "the last planned step");
}

/* overview.png: at most OVERVIEW_LINES of the kept masks (or contours),
 * evenly spaced, with the first and the last.  0 or the exit code. */
static int write_overview(run_state *r, const char *dir, double h)
{
    const uint8_t *lines[OVERVIEW_LINES];
    const double *seglines[OVERVIEW_LINES];
    size_t seglen[OVERVIEW_LINES];
    double times[OVERVIEW_LINES];
    int nl = 0, kept = r->nsnap;
    for (int q = 0; q < OVERVIEW_LINES && q < kept; q++) {
        int idx = kept <= OVERVIEW_LINES ? q
                  : (int)lround((double)q * (kept - 1) / (OVERVIEW_LINES - 1));
        times[nl] = r->snap_step[idx] * h;
        seglines[nl] = (const double *)r->snap[idx];
        seglen[nl] = r->snap_len[idx];
        lines[nl++] = r->snap[idx];
    }
    af_png_frame f;
    frame_of(&r->s, NULL, r->s.c->output.scale, &f);
    f.contours = lines;
    f.ncontours = nl;
    f.line_values = times;
    f.text = r->text.pairs;
    f.ntext = 3;
    if (r->ls) { /* the kept zero contours, at sub-cell position */
        f.lines = seglines;
        f.line_len = seglen;
        f.nlines = nl;
    }
    char path[4300];
    af_error err;
    snprintf(path, sizeof path, "%s/overview.png", dir);
    return write_or_fail(af_png_write_frame(path, &f, &err), &err);
}

/* fftw.wisdom of an MBO run, for --resume (gauss.h). */
static int write_wisdom(const char *dir)
{
    char path[4300];
    af_error err;
    snprintf(path, sizeof path, "%s/fftw.wisdom", dir);
    return write_or_fail(af_gauss_wisdom_export(path, &err), &err);
}

/* resume.state for step k (why_last: checkpoint.last). */
static int save_state(run_state *r, const char *dir, int k, int why_last, size_t cells)
{
    checkpoint cp = {.step = k, .last = why_last, .cells = cells, .elem = r->ls ? 8 : 1,
                     .region = r->ls ? (void *)r->u : (void *)r->a, .ref = r->u_ref,
                     .still_steps = r->still_steps};
    if (r->mm)
        af_mm_plan_get_state(r->mm, &cp.plan);
    return checkpoint_write(dir, &cp);
}

/* A run's uint8 mask array (0 or 1), read as a field. */
static af_status read_mask_npy(const char *path, const af_grid *g, uint8_t *m, size_t cells,
                               af_error *err)
{
    double *field = malloc(cells * sizeof *field);
    if (!field)
        return af_error_set(err, AF_ENOMEM, "out of memory for %zu cells", cells);
    af_status s = af_array_read_npy(path, g, field, err);
    for (size_t x = 0; s == AF_OK && x < cells; x++)
        m[x] = field[x] > 0.5;
    free(field);
    return s;
}

/* A resumed run's overview: the snapshots the run had kept up to step k,
 * taken again from the masks (level sets) of those steps on disk, in the
 * order and with the thinning of the run.  r->a and r->u are scratch here.
 * 0 or the exit code (printed). */
static int resume_overview(run_state *r, const char *dir, int k_last, size_t cells)
{
    const af_case *c = r->s.c;
    int every = c->output.every;
    char path[4300];
    af_error err;
    r->gap = 1;
    for (int k = 0; k <= k_last; k += every) {
        int f = k / every;
        if (f % r->gap != 0)
            continue;
        af_status s;
        if (r->ls) {
            snprintf(path, sizeof path, "%s/levelset_%05d.npy", dir, k);
            s = af_array_read_npy(path, &c->grid, r->u, &err);
            if (s == AF_OK)
                s = af_contour_trace(r->ct, r->u, 0, &err);
        } else if (c->output.format != AF_FORMAT_PNG) {
            snprintf(path, sizeof path, "%s/mask_%05d.npy", dir, k);
            s = read_mask_npy(path, &c->grid, r->a, cells, &err);
        } else {
            snprintf(path, sizeof path, "%s/mask_%05d.png", dir, k);
            s = af_png_read_mask(path, &c->grid, 0.5, r->a, &err);
        }
        if (s != AF_OK) {
            fprintf(stderr, "advflow run: cannot resume: step %d's files: %s\n", k, err.msg);
            return s == AF_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
        }
        if (snapshot(r, k, f, 0, cells)) {
            fprintf(stderr, "advflow: out of memory\n");
            return EXIT_RUNTIME;
        }
    }
    return 0;
}

int cmd_run(const options *o)
{
    if (o->resume && o->force)
        return usage_error("run", "--resume goes on with a folder's run, --force replaces it: "
                                  "give one of them", NULL);
    /* From here a signal only raises the flag: the run answers it at the
     * next look (at once before the folder is made; within milliseconds
     * during a step). */
    signals_install(1);
    run_state r;
    memset(&r, 0, sizeof r);
    int rc = load(o, &r.s, 1);
    if (rc >= 0) {
        run_free(&r);
        return rc;
    }
    const af_case *c = r.s.c;
    const af_grid *g = &c->grid;
    const af_case_scheme *sc = &c->scheme;
    const char *dir = o->out ? o->out : c->output.dir;
    size_t cells = af_grid_cells(g);
    af_error err;

    /* Images are at most AF_PNG_MAX_SIDE pixels wide: refuse before writing. */
    if ((rc = pictures_fit(o, g, c->output.frames ? c->output.scale : 1)) != 0) {
        run_free(&r);
        return rc;
    }
    /* A folder holding an earlier run is refused before any work (--force);
     * --resume wants one (and may read its case from the folder's case.ini,
     * which it rewrites unchanged). */
    if (!o->resume
        && ((rc = case_in_output_dir(o, dir)) != 0
            || (rc = output_dir_check(o, dir, run_output_name, "the outputs of a run")) != 0)) {
        run_free(&r);
        return rc;
    }

    /* Plans, before anything is written. */
    r.a = malloc(cells);
    r.b = malloc(cells);
    if (!r.a || !r.b) {
        fprintf(stderr, "advflow: out of memory for %zu cells\n", cells);
        run_free(&r);
        return EXIT_RUNTIME;
    }
    memcpy(r.a, r.s.mask, cells);
    r.ls = sc->representation == AF_REPR_LEVELSET;
    if (r.ls) {
        /* u_0: the shape's field (a score map keeps its real values), made
         * a signed distance to its sub-cell zero contour; A_0 = {u_0 < 0} */
        r.u = malloc(cells * sizeof *r.u);
        r.v = malloc(cells * sizeof *r.v);
        if (!r.u || !r.v || !(r.dist = af_dist_work_alloc(g, &err)) || !(r.ct = af_contour_alloc(g, &err))) {
            fprintf(stderr, "advflow: out of memory for the level set of %zu cells\n", cells);
            run_free(&r);
            return EXIT_RUNTIME;
        }
        af_status st0 = af_case_levelset(c, r.s.rho0, r.s.rho1, r.v, &err);
        if (st0 == AF_OK)
            st0 = af_dist_redistance(r.dist, r.v, r.u, &err);
        if (st0 != AF_OK) {
            fprintf(stderr, "advflow: %s: %s\n", o->case_path, err.msg);
            run_free(&r);
            return st0 == AF_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
        }
        for (size_t x = 0; x < cells; x++)
            r.a[x] = r.u[x] < 0;
    }
    if (!(r.per = af_perimeter_alloc(g, sc->norm, sc->epsilon, &err))
        || !(r.risk = af_risk_alloc(g, sc->norm, sc->epsilon, &err))) {
        fprintf(stderr, "advflow: %s: [scheme] epsilon: %s\n", o->case_path, err.msg);
        run_free(&r);
        return err.status == AF_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
    }
    if (sc->method == AF_METHOD_MBO) {
        /* a resumed MBO run plans the FFTs the run planned: the same
         * algorithms, the same roundings (gauss.h) */
        char wpath[4300];
        snprintf(wpath, sizeof wpath, "%s/fftw.wisdom", dir);
        if (o->resume && af_gauss_wisdom_import(wpath, &err) != AF_OK) {
            fprintf(stderr, "advflow run: cannot resume this MBO run exactly: %s\n", err.msg);
            run_free(&r);
            return EXIT_USAGE;
        }
        r.mbo = af_mbo_alloc(g, sc->h, r.s.rho, &err);
    } else {
        af_mm_params prm;
        af_mm_params_default(&prm);
        prm.norm = sc->norm;
        prm.eps = sc->epsilon;
        for (int q = 0; q < 3; q++)
            prm.eps_avg[q] = sc->epsilon_average[q];
        prm.h = sc->h;
        prm.p = sc->p;
        prm.selection = sc->selection;
        prm.sdist = sc->sdist;
        prm.interrupt = &signal_stop;
        /* the level set: u, v, the step's intervals and classes, the
         * redistancing's buffers (about 80 bytes a cell), and u at rest
         * (stop_when_still); the first step's graph (resources.c) */
        double extra = r.ls ? 88.0 * (double)cells : 0;
        if ((rc = first_step_fits(o, c, &prm, r.a, extra, r.ls)) != 0) {
            run_free(&r);
            return rc;
        }
        r.mm = af_mm_plan_create(g, &prm, r.s.rho0, r.s.rho1, &err);
    }
    if (!r.mm && !r.mbo) {
        fprintf(stderr, "advflow: %s: [scheme]: %s\n", o->case_path, err.msg);
        run_free(&r);
        return err.status == AF_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
    }

    /* Pinning (docs/cases.md, [scheme]): a front moves only when it moves by
     * more than about half a cell per step. */
    double eps_cells = sc->epsilon / g->dx;
    if (!o->quiet && sc->method == AF_METHOD_MM && !r.ls && eps_cells < 2)
        fprintf(stderr,
                "advflow: warning: epsilon = %g is %.2f cells: under two cells the digital ball is "
                "coarse and fronts pin; refine the grid or raise epsilon\n",
                sc->epsilon, eps_cells);
    if (!o->quiet && sc->method == AF_METHOD_MBO && sqrt(2 * sc->h) / g->dx < 2)
        fprintf(stderr,
                "advflow: warning: MBO kernel width sqrt(2h) = %g is %.2f cells: under two cells "
                "fronts pin; raise h or refine the grid\n",
                sqrt(2 * sc->h), sqrt(2 * sc->h) / g->dx);

    /* h against the sizes of the components (a warning) */
    warn_large_h(o, &r.s, r.a);

    /* The bound on the points, before anything is written. */
    double bound;
    size_t conflicts;
    if ((rc = points_bound(o, &r.s, sc->epsilon, &bound, &conflicts)) != 0) {
        run_free(&r);
        return rc;
    }

    if (signal_stop) { /* a signal before anything was written */
        run_free(&r);
        return EXIT_SIGNAL(signal_stop);
    }
    checkpoint cp;
    memset(&cp, 0, sizeof cp);
    int k = 0, vanished = 0, still = 0, why_last = 0;
    if (png_text_make(o, c, dir, &r.text) != 0) { /* before the folder: nothing written */
        fprintf(stderr, "advflow: out of memory\n");
        run_free(&r);
        return EXIT_RUNTIME;
    }
    FILE *hist = NULL;
    r.gap = 1;
    char hist_path[4300];
    snprintf(hist_path, sizeof hist_path, "%s/history.csv", dir);
    if (o->resume) {
        /* the folder's case, state and history, checked before any change */
        if ((rc = resume_same_case(o, c, dir)) != 0
            || (rc = checkpoint_read(dir, cells, r.ls ? 8 : 1, &cp)) >= 0) {
            run_free(&r);
            return rc == RESUME_COMPLETE ? 0 : rc;
        }
        rc = 0;
        writes_begin(); /* the folder is changed from here */
        if (r.mm && af_mm_plan_set_state(r.mm, &cp.plan, &err) != AF_OK) {
            fprintf(stderr, "advflow run: %s/resume.state: %s\n", dir, err.msg);
            rc = EXIT_USAGE;
        }
        if (rc == 0 && (rc = resume_history(dir, cp.step)) == 0
            && (rc = output_dir_prune(dir, cp.step)) == 0
            && (rc = write_run_record(o, c, dir, NULL)) == 0
            && (rc = write_densities(&r.s, dir)) == 0
            && (rc = resume_overview(&r, dir, cp.step, cells)) == 0) {
            if (!(hist = fopen(hist_path, "a"))) {
                fprintf(stderr, "advflow: cannot open %s: %s\n", hist_path, strerror(errno));
                rc = EXIT_RUNTIME;
            }
        }
        writes_end();
        if (rc != 0) {
            checkpoint_free(&cp);
            run_free(&r);
            return rc;
        }
        /* A_k (and u_k, and the level set's window at rest) as saved */
        k = cp.step;
        why_last = cp.last;
        vanished = why_last == 2;
        still = why_last == 3;
        if (r.ls) {
            memcpy(r.u, cp.region, cells * sizeof *r.u);
            for (size_t x = 0; x < cells; x++)
                r.a[x] = r.u[x] < 0;
            r.u_ref = cp.ref;
            cp.ref = NULL;
            r.still_steps = cp.still_steps;
        } else {
            memcpy(r.a, cp.region, cells);
        }
        checkpoint_free(&cp);
        if (!o->quiet)
            fprintf(stderr, "advflow: %s: resuming after step %d (t = %g)\n", dir, k, k * sc->h);
    } else {
        writes_begin(); /* the folder, case.ini, run.txt and the history's header */
        if ((rc = output_dir_clear(o, dir, run_output_name)) != 0) {
            run_free(&r);
            return rc;
        }
        if (make_output_dir(dir) != 0) {
            run_free(&r);
            return EXIT_USAGE;
        }
        if ((rc = write_run_record(o, c, dir, NULL)) != 0 || (rc = write_densities(&r.s, dir)) != 0
            || (r.mbo && (rc = write_wisdom(dir)) != 0)) {
            run_free(&r);
            return rc;
        }
        /* history.csv under its own name from the start, mode 0666 less
         * the umask as for any file the user makes */
        if (!(hist = fopen(hist_path, "w"))) {
            fprintf(stderr, "advflow: cannot write %s: %s\n", hist_path, strerror(errno));
            run_free(&r);
            return EXIT_RUNTIME;
        }
        if (r.s.points && isnan(bound))
            fprintf(hist, "# risk_adv_points_bound = nan (not computed: the conflict graph of the %zu "
                          "points is too large)\n",
                    r.s.points->count);
        else if (r.s.points)
            fprintf(hist, "# risk_adv_points_bound = %.10g (the smallest adversarial risk on the %zu "
                          "points of any classifier; %zu conflicting pairs)\n",
                    bound, r.s.points->count, conflicts);
        history_comments(hist, &r.s);
        fprintf(hist, "step,time,area,perimeter_eps,perimeter_local,energy,band_cells,solve_ms,"
                      "step_ms,changed,nodes,arcs,band_widenings,global_moves,radius_equiv,"
                      "risk_clean,risk_adv%s\n",
                r.s.points ? ",risk_clean_points,risk_adv_points" : "");
        fflush(hist);
        writes_end();
    }
    r.hist = hist;

    int total = planned_steps_of(sc), every = c->output.every, k0 = k;
    progress_bar *bar = progress_start(o, total);
    double t_start = now_s(), ms_sum = 0;
    af_mm_stats st;
    memset(&st, 0, sizeof st);
    /* A resumed run starts after step k's row, files and state: with its
     * step, unless k was the last. */
    int top = !o->resume;
    if (!top && why_last)
        goto finished;
    for (;;) {
        if (top) {
            writes_begin(); /* a second signal waits for the files to be whole */
            af_risk_value v; /* Per_eps and the risks from one dilation and erosion */
            af_risk_eval(r.risk, r.s.rho0, r.s.rho1, r.a, &v);
            double local;
            if (r.ls) {
                /* area and length of the sub-cell zero contour (the risks and
                 * Per_eps are those of the mask {u < 0}) */
                if (af_contour_trace(r.ct, r.u, 0, &err) != AF_OK) {
                    fprintf(stderr, "\nadvflow: step %d: %s\n", k, err.msg);
                    rc = EXIT_RUNTIME;
                    break;
                }
                v.area = af_contour_area(g, r.u, 0);
                local = af_contour_length(r.ct);
            } else {
                local = af_perimeter_local(r.per, r.s.rho0, r.s.rho1, r.a);
                if (isnan(local)) { /* its buffers, allocated by the first call, failed */
                    fprintf(stderr, "\nadvflow: step %d: out of memory for the local perimeter\n", k);
                    rc = EXIT_RUNTIME;
                    break;
                }
            }
            double energy = k == 0 || r.mbo ? v.per_eps : st.energy;
            if (k == 0 && r.mm && sc->epsilon_average[0] != 0) /* E(A_0): the averaged perimeter */
                af_mm_plan_energy(r.mm, r.a, r.a, &energy, NULL);
            af_risk_points_value pv = {0};
            if (r.s.points && af_risk_points(r.risk, r.s.points, r.a, &pv, &err) != AF_OK) {
                fprintf(stderr, "\nadvflow: step %d: %s\n", k, err.msg);
                rc = EXIT_RUNTIME;
                break;
            }
            fprintf(hist, "%d,%.10g,%.10g,%.10g,%.10g,%.10g,%d,%.4f,%.4f,%d,%d,%lld,%d,%d,%.10g,%.10g,%.10g",
                    k, k * sc->h, v.area, v.per_eps, local, energy, st.band_cells, st.solve_ms, st.ms,
                    st.changed, st.nodes, st.arcs, st.band_widenings, st.global_moves,
                    sqrt(v.area / 3.14159265358979323846), v.clean, v.adv);
            if (r.s.points)
                fprintf(hist, ",%.10g,%.10g", pv.clean, pv.adv);
            fputc('\n', hist);
            if (fflush(hist) != 0 || ferror(hist)) { /* a row per step, readable as the run goes */
                fprintf(stderr, "\nadvflow: cannot write %s: %s\n", hist_path, strerror(errno));
                rc = EXIT_RUNTIME;
                break;
            }
            if (k > k0)
                progress_step(bar, k, k * sc->h, v.area, ms_sum / (k - k0));
            vanished = v.area == 0;
            int last = k >= total || vanished || still;
            why_last = !last ? 0 : vanished ? 2 : still ? 3 : 1;
            int frame = k % every == 0;
            if (frame || last) /* the last frame belongs to step k */
                progress_phase(bar, last ? k : k + 1, last ? "writing the outputs" : "writing frame");
            if ((frame || last) && write_frame(&r, dir, k, &rc))
                break;
            if (((frame && (k / every) % r.gap == 0) || last) && !vanished
                && snapshot(&r, k, k / every, last && !frame, cells)) {
                fprintf(stderr, "advflow: out of memory\n");
                rc = EXIT_RUNTIME;
                break;
            }
            if ((rc = save_state(&r, dir, k, why_last, cells)) != 0)
                break;
            writes_end();
            if (last || signal_stop)
                break;
        }
        top = 1;

        /* one step */
        memset(&st, 0, sizeof st);
        progress_phase(bar, k + 1, "solving");
        af_status s = AF_OK;
        if (r.ls) {
            s = af_mm_plan_step_levelset(r.mm, r.u, r.v, &st, &err);
            if (s == AF_OK) {
                progress_phase(bar, k + 1, "redistancing");
                s = af_dist_redistance(r.dist, r.v, r.u, &err);
            }
            for (size_t x = 0; s == AF_OK && x < cells; x++)
                r.b[x] = r.u[x] < 0;
        } else if (r.mm) {
            s = af_mm_plan_step(r.mm, r.a, r.b, &st, &err);
        } else {
            double t0 = now_s();
            af_mbo_step(r.mbo, r.a, r.b);
            st.ms = st.solve_ms = 1e3 * (now_s() - t0);
            for (size_t x = 0; x < cells; x++)
                st.changed += r.a[x] != r.b[x];
        }
        if (s == AF_EINTR) /* abandoned: A_k (u_k) is untouched, and on disk */
            break;
        if (s != AF_OK) {
            fprintf(stderr, "\nadvflow: step %d: %s\n", k + 1, err.msg);
            rc = EXIT_RUNTIME;
            break;
        }
        if (k == 0 && r.mm && !r.ls && !o->quiet && st.changed > 0 && st.max_shift < 2 * g->dx) {
            progress_clear(bar);
            fprintf(stderr,
                    "advflow: warning: the boundary moved at most %.2f cells in the first step: "
                    "under two cells per step fronts pin; raise h or refine the grid\n",
                    st.max_shift / g->dx);
        }
        if (k == k0)
            progress_estimate(o, bar, total - k0, (now_s() - t_start));
        progress_phase(bar, k + 1, "risks and perimeters");
        if ((still = at_rest(&r, &st, cells, g->dx)) < 0) {
            fprintf(stderr, "advflow: out of memory\n");
            rc = EXIT_RUNTIME;
            break;
        }
        uint8_t *t = r.a;
        r.a = r.b;
        r.b = t;
        k++;
        ms_sum += st.ms;
    }
finished:
    writes_reset(); /* a loop left on an error may be inside its writes */
    progress_stop(bar);
    r.hist = NULL;
    if (fclose(hist) != 0 && rc == 0) {
        fprintf(stderr, "advflow: cannot write %s: %s\n", hist_path, strerror(errno));
        rc = EXIT_RUNTIME;
    }
    char why[256];
    if (rc == 0 && signal_stop && !why_last) {
        /* Interrupted: steps 0 .. k and their files are on disk, with the
         * state to go on from (resume.state).  Nothing more is written but
         * the record of how the run ended. */
        int sig = signal_stop;
        char outcome[512];
        snprintf(outcome, sizeof outcome,
                 "steps: %d (t = %.10g)\nstopped: interrupted by %s after step %d; resume with "
                 "--resume\nseconds: %.1f\n",
                 k, k * sc->h, sig == SIGINT ? "SIGINT" : "SIGTERM", k, now_s() - t_start);
        writes_begin();
        write_run_record(o, c, dir, outcome);
        writes_end();
        fprintf(stderr, "\nadvflow: interrupted (%s): steps 0 to %d (t = %g) are in %s/; to go on:\n  ",
                sig == SIGINT ? "SIGINT" : "SIGTERM", k, k * sc->h, dir);
        print_resume_command(stderr, o, dir);
        run_free(&r);
        return EXIT_SIGNAL(sig);
    }
    writes_begin(); /* the last files: a signal now waits for them */
    char path[4300];
    if (rc == 0)
        rc = write_mask(c, dir, "mask_final", 0, r.a);
    if (rc == 0 && r.ls) {
        snprintf(path, sizeof path, "%s/levelset_final.npy", dir);
        rc = write_or_fail(af_array_write_npy(path, g, r.u, AF_DTYPE_F64, &err), &err);
    }
    if (rc == 0)
        rc = write_overview(&r, dir, sc->h);
    if (rc == 0)
        rc = history_plots(dir);
    stop_reason(why, sizeof why, r.ls, k, vanished, still);
    if (rc == 0) {
        char outcome[512];
        snprintf(outcome, sizeof outcome, "steps: %d (t = %.10g)\nstopped: %s\nseconds: %.1f\n", k,
                 k * sc->h, why, now_s() - t_start);
        rc = write_run_record(o, c, dir, outcome);
    }
    if (rc == 0)
        checkpoint_remove(dir); /* the run is complete: nothing to resume */
    writes_end();
    if (rc == 0 && !o->quiet)
        printf("advflow: %s: %d step%s to t = %.6g in %.1f s, %s; wrote %s/\n", o->case_path, k,
               k == 1 ? "" : "s", k * sc->h, now_s() - t_start, why, dir);
    if (rc == 0 && signal_stop) /* the run is complete: nothing was lost, nothing to resume */
        fprintf(stderr, "advflow: %s came while the last files were written; they are "
                        "complete and the run finished\n", signal_stop == SIGINT ? "SIGINT" : "SIGTERM");
    run_free(&r);
    return rc;
}
