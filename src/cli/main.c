/* advflow: command-line interface.  Uses only the public headers.
 *
 * Exit codes: 0 success, 1 runtime failure (a computation or a write that
 * failed after the inputs were accepted), 2 usage or input error (nothing
 * is written then).  GPL-3.0-or-later. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const char *const main_help =
    "advflow - the geometric flow hidden in adversarial training\n"
    "\n"
    "Adversarial training with budget eps adds eps * Per_eps(A) to the risk of a\n"
    "classifier A, where Per_eps is a nonlocal perimeter: the data mass within eps\n"
    "of the decision boundary.  advflow computes Per_eps on grids and runs the\n"
    "minimizing-movements scheme for it exactly (each step a minimum cut), which\n"
    "approximates weighted mean curvature flow V = kappa + d_nu log rho.\n"
    "\n"
    "usage: advflow COMMAND CASE.ini [options]\n"
    "\n"
    "commands:\n"
    "  run        run the flow of a case: history.csv, frames, masks, overview.png\n"
    "  perimeter  print Per_eps and its parts for the case's initial shape\n"
    "  render     write a PNG of the case's initial mask, density or frame\n"
    "  help CMD   explain a command (same as advflow CMD --help)\n"
    "\n"
    "options for every command:\n"
    "  --set SECTION.KEY=VALUE   override a key of the case file (repeatable)\n"
    "  -h, --help                show help\n"
    "  --version                 print the version\n"
    "\n"
    "Case files are INI files: see docs/cases.md and the examples in cases/.\n"
    "Exit status: 0 success, 1 runtime failure, 2 usage or input error.\n";

static const char *const run_help =
    "usage: advflow run CASE.ini [--set SECTION.KEY=VALUE]... [--out DIR] [--quiet]\n"
    "\n"
    "Runs the flow of a case: from the [initial] shape A_0, each step computes\n"
    "A_{k+1} = a minimiser of Per_eps(A) + (1/h) sum rho |s_k|^p |1_A - 1_{A_k}| dx^2\n"
    "exactly by a minimum cut ([scheme] method = mm), or one Merriman-Bence-Osher step\n"
    "(method = mbo), at time t_k = k h.  It stops after [scheme] steps, at t_end, or\n"
    "when the set vanishes.  Written into DIR (default: [output] dir, else\n"
    "out/<case name>), which is created if missing:\n"
    "  history.csv        one row per step: step,time,area,perimeter_eps,\n"
    "                     perimeter_local,energy,band_cells,solve_ms,... (docs/cases.md)\n"
    "  frame_NNNNN.png    every [output] every steps: region over the density\n"
    "  mask_NNNNN.png     the same steps as 8-bit masks (255 inside)\n"
    "  mask_final.png     the last step's mask\n"
    "  overview.png       boundaries at several times over the density\n"
    "On a terminal a progress line shows the step, time, area and time left.\n"
    "Every input is checked before anything is written; Ctrl-C stops after the\n"
    "current step and still writes the final mask, overview and history.\n"
    "tools/frames-to-video.sh DIR turns the frames into an MP4 or GIF.\n"
    "\n"
    "options:\n"
    "  --set SECTION.KEY=VALUE   override a case key, e.g. --set grid.n=512\n"
    "  --out DIR                 output folder\n"
    "  --quiet                   print nothing but errors\n";

static const char *const perimeter_help =
    "usage: advflow perimeter CASE.ini [--set SECTION.KEY=VALUE]...\n"
    "\n"
    "Prints one `name = value` line per figure for the case's initial shape:\n"
    "  eps            the budget [scheme] epsilon, in length units\n"
    "  eps_cells      eps / dx\n"
    "  per_eps        Per_eps(A; rho0, rho1), normalised by w_B (scheme.md section 4)\n"
    "  per_eps_outer  (1/w_B) * rho0-mass of the outer strip D(A) \\ A\n"
    "  per_eps_inner  (1/w_B) * rho1-mass of the inner strip A \\ E(A)\n"
    "  per_local      length of the smoothed boundary weighted by rho0 + rho1\n"
    "  per_eps_raw    Per_eps normalised by eps instead of w_B\n"
    "  w_B            eps * width_ratio\n"
    "  width_ratio    mean width of the digital ball / of the continuous ball\n"
    "  anisotropy     max/min of the digital ball's support function relative to\n"
    "                 the continuous ball's (1 = exact; prefer radii where it is small)\n"
    "  normal_gap_deg widest range of boundary normals, in degrees, over which the\n"
    "                 digital ball's perimeter has no curvature (its hull is a\n"
    "                 polygon); arcs inside it lag the flow.  36.9 for eps = 5\n"
    "                 cells, 18.9 for 20 cells; see docs/validation.md, ellipse\n"
    "  area           area of the mask\n"
    "For rho0 = rho1 = 1/2 (uniform density 1) and small eps, per_eps of a disc of\n"
    "radius r is close to 2 pi r.\n"
    "\n"
    "example:\n"
    "  advflow perimeter cases/circle.ini --set scheme.epsilon=0.02 --set grid.n=512\n";

static const char *const render_help =
    "usage: advflow render CASE.ini [--set SECTION.KEY=VALUE]... [--what mask|density|frame]\n"
    "                      [--scale N] -o FILE.png\n"
    "\n"
    "Writes one PNG of the case's initial state:\n"
    "  mask     8-bit gray, one pixel per cell, 255 inside (default)\n"
    "  density  8-bit gray, rho0 + rho1 scaled so that its maximum is white\n"
    "  frame    colour picture: density shading, region tint, boundary line;\n"
    "           N pixels per cell (--scale, default automatic up to 1024 pixels)\n";

int usage_error(const char *cmd, const char *msg, const char *arg)
{
    fprintf(stderr, "advflow%s%s: %s%s%s\n", cmd ? " " : "", cmd ? cmd : "", msg, arg ? " " : "",
            arg ? arg : "");
    fprintf(stderr, "try 'advflow %s--help'\n", cmd ? "" : "");
    return EXIT_USAGE;
}

static const char *help_of(const char *cmd)
{
    if (!strcmp(cmd, "run")) return run_help;
    if (!strcmp(cmd, "perimeter")) return perimeter_help;
    if (!strcmp(cmd, "render")) return render_help;
    return NULL;
}

/* Parse options after the command; returns -1 to go on, else an exit code. */
static int parse_options(int argc, char **argv, options *o)
{
    o->sets = calloc((size_t)argc, sizeof *o->sets);
    if (!o->sets) {
        fprintf(stderr, "advflow: out of memory\n");
        return EXIT_RUNTIME;
    }
    for (int k = 2; k < argc; k++) {
        const char *a = argv[k];
        const char *val = NULL;
#define TAKE(name)                                                                                  \
    (strcmp(a, name) == 0 ? (k + 1 < argc ? (val = argv[++k], 1) : -1)                             \
     : (strncmp(a, name "=", sizeof name) == 0 ? (val = a + sizeof name, 1) : 0))
        int t;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(help_of(o->cmd), stdout);
            return 0;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            o->quiet = 1;
        } else if ((t = TAKE("--set")) != 0) {
            if (t < 0) return usage_error(o->cmd, "--set needs SECTION.KEY=VALUE", NULL);
            o->sets[o->nsets++] = val;
        } else if ((t = TAKE("--out")) != 0 || (t = TAKE("-o")) != 0) {
            if (t < 0) return usage_error(o->cmd, "missing value after", a);
            o->out = val;
        } else if ((t = TAKE("--what")) != 0) {
            if (t < 0) return usage_error(o->cmd, "--what needs mask, density or frame", NULL);
            o->what = val;
        } else if ((t = TAKE("--scale")) != 0) {
            char *end;
            long s = t < 0 ? -1 : strtol(val, &end, 10);
            if (t < 0 || *end || s < 0 || s > 4096)
                return usage_error(o->cmd, "--scale needs a whole number in 0..4096", NULL);
            o->scale = (int)s;
        } else if (a[0] == '-' && a[1]) {
            return usage_error(o->cmd, "unknown option", a);
        } else if (!o->case_path) {
            o->case_path = a;
        } else {
            return usage_error(o->cmd, "more than one case file:", a);
        }
#undef TAKE
    }
    if (!o->case_path)
        return usage_error(o->cmd, "missing CASE.ini", NULL);
    return -1;
}

void state_free(state *s)
{
    af_case_free(s->c);
    free(s->mask);
    free(s->rho0);
    free(s->rho1);
}

/* Bytes per cell the commands of this version need at most (masks, two
 * densities, morphology and distance workspaces), for the memory check. */
#define BYTES_PER_CELL 96

int load(const options *o, state *s)
{
    af_error err;
    af_error_clear(&err);
    memset(s, 0, sizeof *s);
    if (!(s->c = af_case_alloc())) {
        fprintf(stderr, "advflow: out of memory\n");
        return EXIT_RUNTIME;
    }
    af_status st = af_case_read(s->c, o->case_path, &err);
    for (int k = 0; st == AF_OK && k < o->nsets; k++)
        st = af_case_set(s->c, o->sets[k], &err);
    if (st == AF_OK)
        st = af_case_finish(s->c, &err);
    if (st != AF_OK) {
        fprintf(stderr, "advflow: %s\n", err.msg);
        return EXIT_USAGE;
    }
    size_t cells = af_grid_cells(&s->c->grid);
    long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGE_SIZE);
    double need = (double)cells * BYTES_PER_CELL, have = (double)pages * (double)psize;
    if (pages > 0 && psize > 0 && need > 0.8 * have) {
        fprintf(stderr,
                "advflow: %s: [grid] n = %d needs about %.1f GiB, more than this machine's %.1f "
                "GiB allow\n",
                o->case_path, s->c->grid.n, need / (1 << 30), have / (1 << 30));
        return EXIT_USAGE;
    }
    s->mask = malloc(cells);
    s->rho0 = malloc(cells * sizeof *s->rho0);
    s->rho1 = malloc(cells * sizeof *s->rho1);
    if (!s->mask || !s->rho0 || !s->rho1) {
        fprintf(stderr, "advflow: %s: out of memory for %zu cells\n", o->case_path, cells);
        return EXIT_USAGE;
    }
    if ((st = af_case_mask(s->c, s->mask, &err)) != AF_OK
        || (st = af_case_densities(s->c, s->rho0, s->rho1, &err)) != AF_OK) {
        fprintf(stderr, "advflow: %s\n", err.msg);
        return EXIT_USAGE;
    }
    return -1;
}

/* Create dir and its parents; then prove it writable with a probe file. */
int make_output_dir(const char *dir)
{
    char *p = strdup(dir);
    if (!p)
        return -1;
    for (char *q = p + 1; *q; q++)
        if (*q == '/') {
            *q = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                fprintf(stderr, "advflow: cannot create output folder %s: %s\n", p, strerror(errno));
                free(p);
                return -1;
            }
            *q = '/';
        }
    free(p);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "advflow: cannot create output folder %s: %s\n", dir, strerror(errno));
        return -1;
    }
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "advflow: output folder %s is not a folder\n", dir);
        return -1;
    }
    char probe[4096];
    snprintf(probe, sizeof probe, "%s/.advflow-probe-XXXXXX", dir);
    int fd = mkstemp(probe);
    if (fd < 0) {
        fprintf(stderr, "advflow: output folder %s is not writable: %s\n", dir, strerror(errno));
        return -1;
    }
    close(fd);
    unlink(probe);
    return 0;
}

static int cmd_perimeter(const options *o)
{
    state s;
    int rc = load(o, &s);
    if (rc >= 0) {
        state_free(&s);
        return rc;
    }
    af_error err;
    af_perimeter *p = af_perimeter_alloc(&s.c->grid, s.c->scheme.norm, s.c->scheme.epsilon, &err);
    if (!p) {
        fprintf(stderr, "advflow: %s: [scheme] epsilon: %s\n", o->case_path, err.msg);
        state_free(&s);
        return err.status == AF_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
    }
    af_perimeter_value v;
    af_perimeter_eval(p, s.rho0, s.rho1, s.mask, &v);
    double local = af_perimeter_local(p, s.rho0, s.rho1, s.mask);
    printf("eps = %.10g\n", v.eps);
    printf("eps_cells = %.10g\n", v.eps_cells);
    printf("per_eps = %.10g\n", v.per_eps);
    printf("per_eps_outer = %.10g\n", v.outer);
    printf("per_eps_inner = %.10g\n", v.inner);
    printf("per_local = %.10g\n", local);
    printf("per_eps_raw = %.10g\n", v.per_eps_raw);
    printf("w_B = %.10g\n", v.w_B);
    printf("width_ratio = %.10g\n", v.width_ratio);
    printf("anisotropy = %.10g\n", v.anisotropy);
    printf("normal_gap_deg = %.10g\n", v.normal_gap * 180.0 / 3.14159265358979323846);
    printf("area = %.10g\n", v.area);
    af_perimeter_free(p);
    state_free(&s);
    return 0;
}

int write_or_fail(af_status st, const af_error *err)
{
    if (st == AF_OK)
        return 0;
    fprintf(stderr, "advflow: %s\n", err->msg);
    return st == AF_EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
}

static int cmd_render(const options *o)
{
    const char *what = o->what ? o->what : "mask";
    if (strcmp(what, "mask") && strcmp(what, "density") && strcmp(what, "frame"))
        return usage_error("render", "--what must be mask, density or frame, not", what);
    if (!o->out)
        return usage_error("render", "missing -o FILE.png", NULL);
    state s;
    int rc = load(o, &s);
    if (rc >= 0) {
        state_free(&s);
        return rc;
    }
    int n = s.c->grid.n, scale = o->scale ? o->scale : s.c->output.scale;
    if (n > AF_PNG_MAX_SIDE || (!strcmp(what, "frame") && (long)n * (scale ? scale : 1) > AF_PNG_MAX_SIDE)) {
        fprintf(stderr, "advflow: %s: [grid] n = %d (scale %d): images are limited to %d pixels per side\n",
                o->case_path, n, scale, AF_PNG_MAX_SIDE);
        state_free(&s);
        return EXIT_USAGE;
    }
    af_error err;
    size_t cells = af_grid_cells(&s.c->grid);
    for (size_t k = 0; k < cells; k++)
        s.rho0[k] += s.rho1[k];
    af_status st;
    if (!strcmp(what, "mask")) {
        st = af_png_write_mask(o->out, &s.c->grid, s.mask, &err);
    } else if (!strcmp(what, "density")) {
        st = af_png_write_gray(o->out, &s.c->grid, s.rho0, 0, &err);
    } else {
        af_png_frame f = {.grid = &s.c->grid, .density = s.rho0, .mask = s.mask, .scale = scale};
        st = af_png_write_frame(o->out, &f, &err);
    }
    rc = write_or_fail(st, &err);
    state_free(&s);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(main_help, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
        fputs(main_help, stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("advflow %s\n", af_version());
        return 0;
    }
    if (!strcmp(cmd, "help")) {
        const char *h = argc > 2 ? help_of(argv[2]) : main_help;
        if (!h)
            return usage_error(NULL, "no such command:", argv[2]);
        fputs(h, stdout);
        return 0;
    }
    if (!help_of(cmd))
        return usage_error(NULL, "unknown command:", cmd);
    options o = {.cmd = cmd};
    int rc = parse_options(argc, argv, &o);
    if (rc < 0) {
        if (!strcmp(cmd, "run")) rc = cmd_run(&o);
        else if (!strcmp(cmd, "perimeter")) rc = cmd_perimeter(&o);
        else rc = cmd_render(&o);
    }
    free(o.sets);
    return rc;
}
