/* advflow CLI: the pictures of a run's history, and `advflow plot DIR`.
 * GPL-3.0-or-later.
 *
 * history.png and history.svg (area, perimeters and, with data, risks
 * against time, in stacked panels) and risks.png are drawn from the run
 * folder's history.csv alone, by the same code at the end of `advflow run`
 * and in `advflow plot DIR`, so that redrawing a finished run gives the
 * pictures the run wrote.  What a picture needs beyond the columns comes
 * from comment lines of history.csv ("# name = value (why)"): the bound
 * on the points (risk_adv_points_bound) and the exact area law of a
 * uniform density (area_rate_exact), which history_comments writes. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The columns the pictures use. */
enum { H_TIME, H_AREA, H_PER_EPS, H_PER_LOCAL, H_CLEAN, H_ADV, H_CLEAN_PTS, H_ADV_PTS, H_N };
static const char *const h_names[H_N] = {"time",       "area",     "perimeter_eps",
                                         "perimeter_local", "risk_clean", "risk_adv",
                                         "risk_clean_points", "risk_adv_points"};
#define H_REQUIRED 6 /* the first six; the points' two only with [data] */

typedef struct {
    size_t rows, cap;
    double *col[H_N];  /* rows values each (NULL: the column is absent) */
    double bound;      /* risk_adv_points_bound, NaN if absent */
    double area_rate;  /* area_rate_exact, NaN if absent */
} history;

static void history_free(history *h)
{
    for (int c = 0; c < H_N; c++)
        free(h->col[c]);
}

/* Split line (modified) at commas into at most max fields; the count. */
static int split(char *line, char **field, int max)
{
    int n = 0;
    for (char *p = line;; p++) {
        if (n < max)
            field[n] = p;
        n++;
        p = strchr(p, ',');
        if (!p)
            break;
        *p = '\0';
    }
    return n;
}

/* A number filling the whole field (surrounding blanks allowed). */
static int number(const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    if (end == s)
        return 0;
    while (*end == ' ' || *end == '\t' || *end == '\r')
        end++;
    return *end == '\0';
}

/* Read path into h; 0, or the exit code (the message, naming the file and
 * line, printed). */
static int history_read(const char *path, history *h)
{
    memset(h, 0, sizeof *h);
    h->bound = h->area_rate = NAN;
    FILE *fp = fopen(path, "r");
    if (!fp) {
        fprintf(stderr, "advflow: cannot read %s: %s (the output folder of advflow run holds it)\n",
                path, strerror(errno));
        return EXIT_USAGE;
    }
    char *line = NULL;
    size_t size = 0;
    ssize_t len;
    long lineno = 0;
    int ncol = -1, at[H_N], rc = 0;
    char *field[256];
    /* getline's -1 is the end or an error: errno (cleared before each
     * call) tells out of memory, which is not the file's fault */
    while (rc == 0 && (errno = 0, len = getline(&line, &size, fp)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if ((size_t)len != strlen(line)) {
            fprintf(stderr, "advflow: %s:%ld: a NUL byte: not a text file\n", path, lineno);
            rc = EXIT_USAGE;
            break;
        }
        if (len == 0)
            continue;
        if (line[0] == '#') {
            char name[64];
            int off = 0;
            double v;
            if (sscanf(line, "# %63[a-z_0-9] = %n", name, &off) == 1 && off > 0) {
                char *end;
                v = strtod(line + off, &end);
                if (end != line + off && !strcmp(name, "risk_adv_points_bound"))
                    h->bound = v;
                else if (end != line + off && !strcmp(name, "area_rate_exact"))
                    h->area_rate = v;
            }
            continue;
        }
        int n = split(line, field, 256);
        if (ncol < 0) { /* the header */
            if (n > 256) {
                fprintf(stderr, "advflow: %s:%ld: %d columns, more than a history has\n", path,
                        lineno, n);
                rc = EXIT_USAGE;
                break;
            }
            ncol = n;
            for (int c = 0; c < H_N; c++) {
                at[c] = -1;
                for (int k = 0; k < n; k++)
                    if (!strcmp(field[k], h_names[c]))
                        at[c] = k;
                if (at[c] < 0 && c < H_REQUIRED) {
                    fprintf(stderr,
                            "advflow: %s:%ld: the header has no column '%s' (not a history.csv "
                            "of advflow run?)\n",
                            path, lineno, h_names[c]);
                    rc = EXIT_USAGE;
                    break;
                }
            }
            if (rc == 0 && (at[H_CLEAN_PTS] < 0) != (at[H_ADV_PTS] < 0))
                at[H_CLEAN_PTS] = at[H_ADV_PTS] = -1;
            continue;
        }
        if (n != ncol) {
            fprintf(stderr, "advflow: %s:%ld: %d fields, the header has %d\n", path, lineno, n,
                    ncol);
            rc = EXIT_USAGE;
            break;
        }
        if (h->rows == h->cap) {
            size_t cap = h->cap ? 2 * h->cap : 256;
            for (int c = 0; c < H_N && rc == 0; c++) {
                if (at[c] < 0)
                    continue;
                double *q = realloc(h->col[c], cap * sizeof *q);
                if (!q) {
                    fprintf(stderr, "advflow: out of memory reading %s\n", path);
                    rc = EXIT_RUNTIME;
                } else {
                    h->col[c] = q;
                }
            }
            if (rc)
                break;
            h->cap = cap;
        }
        for (int c = 0; c < H_N && rc == 0; c++) {
            if (at[c] < 0)
                continue;
            if (!number(field[at[c]], &h->col[c][h->rows])) {
                fprintf(stderr, "advflow: %s:%ld: field %d (%s) is not a number: '%.40s'\n", path,
                        lineno, at[c] + 1, h_names[c], field[at[c]]);
                rc = EXIT_USAGE;
            }
        }
        h->rows++;
    }
    if (rc == 0 && errno == ENOMEM) {
        fprintf(stderr, "advflow: out of memory reading %s\n", path);
        rc = EXIT_RUNTIME;
    }
    if (rc == 0 && ferror(fp)) {
        fprintf(stderr, "advflow: cannot read %s: %s\n", path, strerror(errno));
        rc = EXIT_USAGE;
    }
    if (rc == 0 && ncol < 0) {
        fprintf(stderr, "advflow: %s:%ld: no header line (an empty history)\n", path, lineno + 1);
        rc = EXIT_USAGE;
    }
    if (rc == 0 && h->rows == 0) {
        fprintf(stderr, "advflow: %s:%ld: no rows under the header\n", path, lineno + 1);
        rc = EXIT_USAGE;
    }
    free(line);
    fclose(fp);
    if (rc)
        history_free(h);
    return rc;
}

#define PANEL_W 800
#define PANEL_H 330

/* The risks: on the densities, and with points on them with the bound. */
static int risk_series(const history *h, af_plot_series *s, double *bound_y)
{
    int m = (int)h->rows, n = 0;
    const double *t = h->col[H_TIME];
    s[n++] = (af_plot_series){t, h->col[H_ADV], m, "adversarial risk (densities)", af_plot_colour(0),
                              AF_PLOT_LINE};
    s[n++] = (af_plot_series){t, h->col[H_CLEAN], m, "clean risk (densities)", af_plot_colour(1),
                              AF_PLOT_LINE};
    if (h->col[H_ADV_PTS]) {
        s[n++] = (af_plot_series){t, h->col[H_ADV_PTS], m, "adversarial risk (points)",
                                  af_plot_colour(2), AF_PLOT_LINE};
        s[n++] = (af_plot_series){t, h->col[H_CLEAN_PTS], m, "clean risk (points)",
                                  af_plot_colour(3), AF_PLOT_LINE};
        if (isfinite(h->bound)) {
            for (int k = 0; k < m; k++)
                bound_y[k] = h->bound;
            s[n++] = (af_plot_series){t, bound_y, m, "lower bound on the points (any classifier)",
                                      af_plot_colour(4), AF_PLOT_DASHED};
        }
    }
    return n;
}

/* Write the three pictures of h into the staged names. */
static int history_draw(const history *h, const char *png, const char *svg, const char *risks)
{
    int m = (int)h->rows;
    const double *t = h->col[H_TIME];
    double *bound_y = malloc((size_t)m * sizeof *bound_y);
    if (!bound_y) {
        fprintf(stderr, "advflow: out of memory\n");
        return EXIT_RUNTIME;
    }
    /* the exact law A(t) = A0 + rate (t - t0), while A >= 0 */
    double lx[2], ly[2];
    int law = isfinite(h->area_rate) && h->area_rate < 0 && isfinite(h->col[H_AREA][0]);
    if (law) {
        double t0 = t[0], a0 = h->col[H_AREA][0], t1 = t[m - 1];
        if (a0 + h->area_rate * (t1 - t0) < 0)
            t1 = t0 - a0 / h->area_rate;
        lx[0] = t0;
        ly[0] = a0;
        lx[1] = t1;
        ly[1] = a0 + h->area_rate * (t1 - t0);
    }
    af_plot_series area[2] = {
        {t, h->col[H_AREA], m, "area of the region", af_plot_colour(0), AF_PLOT_LINE},
        {lx, ly, 2, "exact: dA/dt = \xe2\x88\x92" "2\xcf\x80", af_plot_colour(1), AF_PLOT_DASHED},
    };
    af_plot_series per[2] = {
        {t, h->col[H_PER_EPS], m, "Per_eps (nonlocal)", af_plot_colour(0), AF_PLOT_LINE},
        {t, h->col[H_PER_LOCAL], m, "local perimeter", af_plot_colour(1), AF_PLOT_LINE},
    };
    af_plot_series risk[5];
    int nr = risk_series(h, risk, bound_y);
    int points = h->col[H_ADV_PTS] != NULL;
    af_plot_axes ax_area = {.title = "Area", .ylabel = "area", .width = PANEL_W, .height = PANEL_H};
    af_plot_axes ax_per = {.title = "Perimeters", .ylabel = "perimeter", .width = PANEL_W,
                           .height = PANEL_H};
    af_plot_axes ax_risk = {.title = "Risks", .ylabel = "risk", .width = PANEL_W,
                            .height = PANEL_H};
    af_plot_panel panels[3] = {{&ax_area, area, law ? 2 : 1}, {&ax_per, per, 2}, {&ax_risk, risk, nr}};
    int np = points ? 3 : 2;
    (points ? &ax_risk : &ax_per)->xlabel = "time t";

    af_error err;
    int rc = write_or_fail(af_plot_write_panels(png, panels, np, &err), &err);
    if (rc == 0)
        rc = write_or_fail(af_plot_write_panels(svg, panels, np, &err), &err);
    if (rc == 0) {
        af_plot_axes ax = {.title = "Risks along the flow", .xlabel = "time t", .ylabel = "risk"};
        rc = write_or_fail(af_plot_write(risks, &ax, risk, nr, &err), &err);
    }
    free(bound_y);
    return rc;
}

int history_plots(const char *dir)
{
    char path[4300], out[3][4300];
    snprintf(path, sizeof path, "%s/history.csv", dir);
    history h;
    int rc = history_read(path, &h);
    if (rc)
        return rc;
    static const char *const names[3] = {"history.png", "history.svg", "risks.png"};
    outputs w = {0};
    const char *part[3];
    for (int k = 0; k < 3 && rc == 0; k++) {
        snprintf(out[k], sizeof out[k], "%s/%s", dir, names[k]);
        rc = outputs_stage(&w, out[k], &part[k]);
    }
    if (rc == 0)
        rc = history_draw(&h, part[0], part[1], part[2]);
    if (rc == 0)
        rc = outputs_commit(&w); /* all three or none */
    outputs_abort(&w);
    history_free(&h);
    return rc;
}

void history_comments(FILE *fp, const state *s)
{
    const af_grid *g = &s->c->grid;
    size_t cells = af_grid_cells(g);
    int n = g->n, uniform = !s->two_classes && isfinite(s->rho[0]) && s->rho[0] > 0, inside = 0;
    for (size_t x = 0; uniform && x < cells; x++)
        uniform = s->rho[x] == s->rho[0];
    for (int j = 0; uniform && j < n; j++)
        for (int i = 0; i < n; i++)
            if (s->mask[(size_t)i + (size_t)n * j]) {
                inside = 1;
                if (i == 0 || j == 0 || i == n - 1 || j == n - 1)
                    uniform = 0;
            }
    if (uniform && inside)
        fprintf(fp, "# area_rate_exact = %.10g (uniform density: a closed boundary curve "
                    "loses area at 2 pi per unit time)\n",
                -2 * 3.14159265358979323846);
}

int cmd_plot(const options *o)
{
    if (o->nsets > 0)
        return usage_error("plot", "takes no --set: it reads a finished run's", "history.csv");
    int rc = history_plots(o->case_path);
    if (rc == 0 && !o->quiet)
        printf("advflow: wrote %s/history.png, %s/history.svg and %s/risks.png\n", o->case_path,
               o->case_path, o->case_path);
    return rc;
}
