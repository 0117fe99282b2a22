/* advflow CLI: `advflow robust`, the robust-optimal classifier, its risks
 * and the bound on the points, at one budget or along a list.
 * GPL-3.0-or-later. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define MAX_EPS 64

/* Figures of one budget. */
typedef struct {
    double eps;
    af_risk_value rob, bayes;
    af_risk_points_value rob_pts;
    double bound;
    size_t conflicts;
    int nodes;
    long long arcs;
    double ms;
} figures;

/* Parse "e1,e2,..." into eps[]; each finite, >= dx.  Returns the count, or
 * -1 (printed). */
static int parse_eps_list(const char *list, const af_grid *g, double *eps)
{
    int k = 0;
    const char *q = list;
    while (*q) {
        char *end;
        errno = 0;
        double v = strtod(q, &end);
        if (end == q || errno || !isfinite(v) || (*end && *end != ',') || (*end == ',' && !end[1])) {
            fprintf(stderr, "advflow robust: --eps-list: '%s' is not a list of numbers (E1,E2,...)\n",
                    list);
            return -1;
        }
        if (!(v > 0)) {
            fprintf(stderr, "advflow robust: --eps-list: eps = %g must be positive\n", v);
            return -1;
        }
        if (!(v >= g->dx * (1 - 1e-9))) {
            fprintf(stderr,
                    "advflow robust: --eps-list: eps = %g is smaller than one cell (dx = %g)\n", v,
                    g->dx);
            return -1;
        }
        if (k == MAX_EPS) {
            fprintf(stderr, "advflow robust: --eps-list: at most %d budgets\n", MAX_EPS);
            return -1;
        }
        eps[k++] = v;
        q = *end ? end + 1 : end;
    }
    if (k == 0)
        fprintf(stderr, "advflow robust: --eps-list is empty\n");
    return k ? k : -1;
}

/* Solve at budget eps into mask and fill *f.  Returns 0, or an exit code
 * (printed). */
static int solve_one(const options *o, const state *s, double eps, const uint8_t *bayes,
                     uint8_t *mask, figures *f)
{
    const af_case *c = s->c;
    af_error err;
    memset(f, 0, sizeof *f);
    f->eps = eps;
    af_robust *rb = af_robust_alloc(&c->grid, c->scheme.norm, eps, c->scheme.selection, s->rho0,
                                    s->rho1, &err);
    af_risk *rk = rb ? af_risk_alloc(&c->grid, c->scheme.norm, eps, &err) : NULL;
    af_robust_stats st;
    af_status status = !rk ? err.status : af_robust_solve(rb, mask, &st, &err);
    if (status == AF_OK && s->points)
        status = af_risk_points(rk, s->points, mask, &f->rob_pts, &err);
    if (status == AF_OK) {
        af_risk_eval(rk, s->rho0, s->rho1, mask, &f->rob);
        af_risk_eval(rk, s->rho0, s->rho1, bayes, &f->bayes);
        f->nodes = st.nodes;
        f->arcs = st.arcs;
        f->ms = st.ms;
    }
    af_robust_free(rb);
    af_risk_free(rk);
    if (status != AF_OK) {
        fprintf(stderr, "advflow: %s: eps = %g: %s\n", c->path, eps, err.msg);
        return status == AF_EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
    }
    return points_bound(o, s, eps, &f->bound, &f->conflicts);
}

static void print_header(FILE *f, int points)
{
    fprintf(f, "eps,eps_cells,w_B,risk_clean,risk_adv,per_eps,area,risk_clean_bayes,risk_adv_bayes");
    if (points)
        fprintf(f, ",risk_clean_points,risk_adv_points,risk_adv_points_bound,conflicts");
    fprintf(f, ",nodes,arcs,solve_ms\n");
}

static void print_row(FILE *f, const figures *r, double dx, int points)
{
    fprintf(f, "%.10g,%.6g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g", r->eps, r->eps / dx, r->rob.w_B,
            r->rob.clean, r->rob.adv, r->rob.per_eps, r->rob.area, r->bayes.clean, r->bayes.adv);
    if (points && isnan(r->bound))
        fprintf(f, ",%.10g,%.10g,nan,nan", r->rob_pts.clean, r->rob_pts.adv);
    else if (points)
        fprintf(f, ",%.10g,%.10g,%.10g,%zu", r->rob_pts.clean, r->rob_pts.adv, r->bound,
                r->conflicts);
    fprintf(f, ",%d,%lld,%.1f\n", r->nodes, r->arcs, r->ms);
}

/* risk_adv, risk_clean (and the points' risk and bound) against eps. */
static int plot_sweep(const char *path, const figures *r, int k, int points)
{
    double x[MAX_EPS], y[5][MAX_EPS];
    for (int q = 0; q < k; q++) {
        x[q] = r[q].eps;
        y[0][q] = r[q].rob.adv;
        y[1][q] = r[q].rob.clean;
        y[2][q] = r[q].bayes.adv;
        y[3][q] = r[q].rob_pts.adv;
        y[4][q] = r[q].bound;
    }
    af_plot_series ser[5] = {
        {x, y[0], k, "robust classifier: adversarial risk", af_plot_colour(0), AF_PLOT_LINE_MARKERS},
        {x, y[1], k, "robust classifier: clean risk", af_plot_colour(1), AF_PLOT_LINE_MARKERS},
        {x, y[2], k, "Bayes classifier: adversarial risk", af_plot_colour(2), AF_PLOT_LINE_MARKERS},
        {x, y[3], k, "robust classifier on the points: adversarial", af_plot_colour(3),
         AF_PLOT_LINE_MARKERS},
        {x, y[4], k, "lower bound on the points (any classifier)", af_plot_colour(4), AF_PLOT_DASHED},
    };
    af_plot_axes ax = {.title = "Optimal adversarial risk against the budget",
                       .xlabel = "budget eps (box units)",
                       .ylabel = "risk (fraction of the mass / of the points)"};
    af_error err;
    return write_or_fail(af_plot_write(path, &ax, ser, points ? 5 : 3, &err), &err);
}

int cmd_robust(const options *o)
{
    state s;
    int rc = load(o, &s, 0); /* its own regions: the initial one is not needed */
    if (rc >= 0) {
        state_free(&s);
        return rc;
    }
    rc = 0;
    const af_case *c = s.c;
    const af_grid *g = &c->grid;
    double eps[MAX_EPS];
    int k = 1;
    eps[0] = c->scheme.epsilon;
    if (o->eps_list && (k = parse_eps_list(o->eps_list, g, eps)) < 0) {
        state_free(&s);
        return EXIT_USAGE;
    }
    if (o->out && (rc = pictures_fit(o, g, c->output.scale)) != 0) {
        state_free(&s);
        return rc;
    }
    if (o->out && (rc = output_dir_check(o, o->out, robust_output_name,
                                         "the outputs of advflow robust")) != 0) {
        state_free(&s);
        return rc;
    }
    for (int q = 0; q < k; q++) {
        /* every budget is checked before anything is made or solved: the
         * perimeter's conditions (a ball of a cell at least; within half a
         * periodic box) through a risk plan, then the memory */
        af_error err;
        af_risk *probe = af_risk_alloc(g, c->scheme.norm, eps[q], &err);
        if (!probe) {
            fprintf(stderr, "advflow: %s: eps = %g: %s\n", o->case_path, eps[q], err.msg);
            state_free(&s);
            return err.status == AF_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
        }
        af_risk_free(probe);
        char what[128];
        snprintf(what, sizeof what, "the robust cut over the whole grid at eps = %g (%.1f cells)",
                 eps[q], eps[q] / g->dx);
        if ((rc = memory_fits(o, af_robust_bytes(g, c->scheme.norm, eps[q]), what)) != 0) {
            state_free(&s);
            return rc;
        }
    }
    if (o->out && make_output_dir(o->out) != 0) {
        state_free(&s);
        return EXIT_USAGE;
    }
    size_t cells = af_grid_cells(g);
    figures *fig = calloc((size_t)k, sizeof *fig);
    uint8_t *bayes = malloc(cells), **masks = calloc((size_t)k, sizeof *masks);
    af_error err;
    af_shape bs = {.kind = AF_SHAPE_BAYES, .rho0 = s.rho0, .rho1 = s.rho1};
    if (!fig || !bayes || !masks) {
        fprintf(stderr, "advflow: out of memory\n");
        rc = EXIT_RUNTIME;
    } else if (af_shape_mask(g, &bs, bayes, &err) != AF_OK) {
        fprintf(stderr, "advflow: %s\n", err.msg);
        rc = EXIT_RUNTIME;
    }
    int progress = !o->quiet && isatty(2);
    for (int q = 0; rc == 0 && q < k; q++) {
        if (!(masks[q] = malloc(cells))) {
            fprintf(stderr, "advflow: out of memory\n");
            rc = EXIT_RUNTIME;
            break;
        }
        if (progress)
            fprintf(stderr, "\rrobust: eps = %g (%d/%d) ...   ", eps[q], q + 1, k);
        rc = solve_one(o, &s, eps[q], bayes, masks[q], &fig[q]);
    }
    if (progress)
        fputc('\n', stderr);

    int points = s.points != NULL;
    if (rc == 0 && !o->eps_list) {
        const figures *r = &fig[0];
        printf("eps = %.10g\neps_cells = %.10g\nw_B = %.10g\n", r->eps, r->eps / g->dx, r->rob.w_B);
        printf("risk_clean = %.10g\nrisk_adv = %.10g\n", r->rob.clean, r->rob.adv);
        printf("per_eps = %.10g\narea = %.10g\n", r->rob.per_eps, r->rob.area);
        printf("risk_clean_bayes = %.10g\nrisk_adv_bayes = %.10g\n", r->bayes.clean, r->bayes.adv);
        if (points) {
            printf("risk_clean_points = %.10g\nrisk_adv_points = %.10g\n", r->rob_pts.clean,
                   r->rob_pts.adv);
            printf("risk_adv_points_bound = %.10g\n", r->bound);
            if (isnan(r->bound))
                printf("conflicts = nan\n"); /* too many to build the graph */
            else
                printf("conflicts = %zu\n", r->conflicts);
        }
        printf("nodes = %d\narcs = %lld\nsolve_ms = %.1f\n", r->nodes, r->arcs, r->ms);
    } else if (rc == 0) {
        print_header(stdout, points);
        for (int q = 0; q < k; q++)
            print_row(stdout, &fig[q], g->dx, points);
    }

    if (rc == 0 && o->out) {
        char path[4300];
        af_png_frame f;
        frame_of(&s, o->eps_list ? NULL : masks[0], c->output.scale, &f);
        /* the Bayes boundary, or one boundary per budget (blue to red) */
        const uint8_t *bayes_c[1] = {bayes};
        f.contours = o->eps_list ? (const uint8_t *const *)masks : bayes_c;
        f.ncontours = o->eps_list ? k : 1;
        if (o->eps_list) { /* the budgets in a legend */
            f.line_values = eps;
            f.line_label = "\xce\xb5"; /* epsilon */
        }
        /* every output staged first (a bad name fails before any is
         * written), then written, then renamed into place together */
        outputs out = {0};
        const char *part[3] = {NULL, NULL, NULL};
        static const char *const single[3] = {"robust_frame.png", "robust_mask.png", "robust_mask.npy"};
        static const char *const sweep[3] = {"robust_frame.png", "robust_eps.csv", "robust_eps.png"};
        for (int q = 0; q < 3 && rc == 0; q++) {
            snprintf(path, sizeof path, "%s/%s", o->out, (o->eps_list ? sweep : single)[q]);
            rc = outputs_stage(&out, path, &part[q]);
        }
        if (rc == 0)
            rc = write_or_fail(af_png_write_frame(part[0], &f, &err), &err);
        if (rc == 0 && !o->eps_list)
            rc = write_or_fail(af_png_write_mask(part[1], g, masks[0], &err), &err);
        if (rc == 0 && !o->eps_list)
            rc = write_or_fail(af_array_write_npy(part[2], g, masks[0], AF_DTYPE_U8, &err), &err);
        if (rc == 0 && o->eps_list) {
            af_file of;
            if (out_open(&of, part[1]) != 0) {
                rc = EXIT_RUNTIME;
            } else {
                print_header(of.fp, points);
                for (int q = 0; q < k; q++)
                    print_row(of.fp, &fig[q], g->dx, points);
                rc = out_close(&of) ? EXIT_RUNTIME : 0;
            }
        }
        if (rc == 0 && o->eps_list)
            rc = plot_sweep(part[2], fig, k, points);
        if (rc == 0)
            rc = output_dir_clear_stale(o, o->out, robust_output_name, &out);
        if (rc == 0)
            rc = outputs_commit(&out);
        outputs_abort(&out);
        if (rc == 0 && !o->quiet)
            fprintf(stderr, "advflow: wrote %s/\n", o->out);
    }
    for (int q = 0; masks && q < k; q++)
        free(masks[q]);
    free(masks);
    free(fig);
    free(bayes);
    state_free(&s);
    return rc;
}
