/* Tests of the case-file reader: every error path names the file and line
 * (or the --set override), and good files give the documented values. */
#define _XOPEN_SOURCE 700 /* realpath, popen */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "advflow/advflow.h"

static char dir[64];

static const char *write_case(const char *name, const char *text)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* Read, apply overrides, finish; returns the status, message in err. */
static af_status load(const char *text, const char *const *sets, af_case **out, af_error *err)
{
    const char *path = write_case("case.ini", text);
    af_case *c = af_case_alloc();
    assert_non_null(c);
    af_error_clear(err);
    af_status s = af_case_read(c, path, err);
    for (int k = 0; s == AF_OK && sets && sets[k]; k++)
        s = af_case_set(c, sets[k], err);
    if (s == AF_OK)
        s = af_case_finish(c, err);
    if (out)
        *out = c;
    else
        af_case_free(c);
    return s;
}

#define GOOD "[grid]\nn = 64\nbox = -1 1\n[initial]\nshape = circle\nradius = 0.5\n"

/* The load fails with the given status and a message containing each needle. */
static void expect_error(const char *text, const char *const *sets, af_status status,
                         const char *needle1, const char *needle2)
{
    af_error err;
    af_status s = load(text, sets, NULL, &err);
    if (s != status || !strstr(err.msg, needle1) || (needle2 && !strstr(err.msg, needle2)))
        fail_msg("expected status %d with '%s' '%s', got %d: %s", status, needle1,
                 needle2 ? needle2 : "", s, err.msg);
}

static void test_good_defaults(void **state)
{
    (void)state;
    af_case *c;
    af_error err;
    assert_int_equal(load(GOOD, NULL, &c, &err), AF_OK);
    assert_int_equal(c->grid.n, 64);
    assert_int_equal(c->grid.dim, 2);
    assert_true(fabs(c->grid.dx - 2.0 / 64) < 1e-15);
    assert_int_equal(c->grid.edge, AF_EDGE_CLAMP);
    assert_int_equal(c->shape.kind, AF_SHAPE_CIRCLE);
    assert_true(c->shape.radius == 0.5);
    assert_true(c->split);
    assert_int_equal(c->density.kind, AF_DENSITY_UNIFORM);
    assert_true(c->density.value == 1);
    assert_true(fabs(c->scheme.epsilon - 5 * c->grid.dx) < 1e-15);
    for (int q = 0; q < 3; q++) /* no averaging */
        assert_true(c->scheme.epsilon_average[q] == 0);
    assert_true(c->scheme.h == c->scheme.epsilon);
    assert_true(c->scheme.p == 1);
    assert_int_equal(c->scheme.norm, AF_NORM_2);
    assert_int_equal(c->scheme.selection, AF_SELECT_MINIMAL);
    assert_int_equal(c->scheme.sdist, AF_SDIST_SUBCELL);
    assert_int_equal(c->output.every, 1);
    assert_int_equal(c->output.frames, 1);
    assert_int_equal(c->output.format, AF_FORMAT_PNG);
    assert_int_equal(c->scheme.stop_when_still, 1);
    assert_true(strstr(c->output.dir, "out/case") != NULL);
    af_case_free(c);
}

static void test_overrides(void **state)
{
    (void)state;
    af_case *c;
    af_error err;
    const char *sets[] = {"grid.n=128", "scheme.epsilon = 0.05", "scheme.norm=inf",
                          "output.frames=no", "density.kind=gaussian", "density.sigma=0.3", NULL};
    assert_int_equal(load(GOOD, sets, &c, &err), AF_OK);
    assert_int_equal(c->grid.n, 128);
    assert_true(c->scheme.epsilon == 0.05);
    assert_true(c->scheme.h == 0.05);
    assert_int_equal(c->scheme.norm, AF_NORM_INF);
    assert_int_equal(c->output.frames, 0);
    assert_int_equal(c->density.kind, AF_DENSITY_GAUSSIAN);
    af_case_free(c);
}

static void test_every_shape_and_density(void **state)
{
    (void)state;
    const char *texts[] = {
        GOOD,
        "[initial]\nshape = ellipse\naxes = 0.5 0.3\nangle = 20\n",
        "[initial]\nshape = rectangle\nsize = 0.5 0.3\ncenter = 0.1, 0.2\n",
        "[initial]\nshape = star\nradius = 0.5\npoints = 6\namplitude = 0.1\n",
        "[initial]\nshape = dumbbell\nradius = 0.3\nlength = 1\nneck = 0.1\n",
        "[initial]\nshape = halfplane\nnormal = 0 1\noffset = 0.2\n",
        "[initial]\nshape = polygon\nvertices = 0 0 1 0 0 1\n",
        GOOD "[density]\nkind = mixture\ncomponents = 1 0 0 0.3 2 0.5 0.5 0.2\n",
        GOOD "[density]\nkind = exp\na = 1 -1\n",
        GOOD "[rho0]\nkind = uniform\nvalue = 0.2\n[rho1]\nkind = gaussian\nsigma = 0.4\n",
    };
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
        af_case *c;
        af_error err;
        af_status s = load(texts[k], NULL, &c, &err);
        if (s != AF_OK)
            fail_msg("case %zu: %s", k, err.msg);
        size_t cells = af_grid_cells(&c->grid);
        uint8_t *m = malloc(cells);
        double *r0 = malloc(cells * sizeof *r0), *r1 = malloc(cells * sizeof *r1);
        assert_int_equal(af_case_densities(c, NULL, r0, r1, &err), AF_OK);
        assert_int_equal(af_case_mask(c, r0, r1, m, &err), AF_OK);
        free(m);
        free(r0);
        free(r1);
        af_case_free(c);
    }
}

static void test_long_line(void **state)
{
    (void)state;
    /* 2000 vertices on a circle: far beyond inih's default 200 characters */
    size_t cap = 200000;
    char *t = malloc(cap);
    strcpy(t, "[initial]\nshape = polygon\nvertices =");
    size_t len = strlen(t);
    for (int k = 0; k < 2000; k++)
        len += (size_t)snprintf(t + len, cap - len, " %.6f %.6f", 0.5 * cos(k * 2 * 3.14159265 / 2000),
                                0.5 * sin(k * 2 * 3.14159265 / 2000));
    strcat(t, "\n");
    af_case *c;
    af_error err;
    assert_int_equal(load(t, NULL, &c, &err), AF_OK);
    assert_int_equal(c->shape.nvertices, 2000);
    af_case_free(c);
    free(t);
}

static void test_syntax_errors(void **state)
{
    (void)state;
    expect_error("[grid]\nn = 64\nthis line has no equals sign\n", NULL, AF_EFORMAT, "case.ini:3:",
                 "syntax");
    expect_error("[grid\nn = 64\n", NULL, AF_EFORMAT, "case.ini:1:", "syntax");
    expect_error("n = 64\n", NULL, AF_EINVAL, "case.ini:1:", "before any [section]");
    /* NUL bytes end the reading at once, naming their line (a binary file
     * or /dev/zero would otherwise be read forever) */
    {
        const char *path = write_case("nul.ini", "");
        FILE *f = fopen(path, "wb");
        fwrite("[grid]\nn = 8\n# a\0b\n", 1, 20, f);
        fclose(f);
        af_case *c = af_case_alloc();
        af_error err;
        assert_int_equal(af_case_read(c, path, &err), AF_EFORMAT);
        assert_non_null(strstr(err.msg, "nul.ini:3:"));
        assert_non_null(strstr(err.msg, "NUL byte"));
        assert_int_equal(af_case_read(c, "/dev/zero", &err), AF_EFORMAT);
        assert_non_null(strstr(err.msg, "/dev/zero:1:"));
        af_case_free(c);
    }
    /* a NUL inside a long line, which inih reads in pieces: the pieces
     * read must stay terminated (found by fuzzing: strlen ran past inih's
     * buffer, seen by check-asan), and nothing after the NUL is read */
    {
        char text[1200];
        size_t len = (size_t)snprintf(text, sizeof text, "[grid]\nn = 8\n; ");
        memset(text + len, 'x', 700);
        len += 700;
        memcpy(text + len, "\0yyyy\n[grdi]\n", 13);
        len += 13;
        const char *path = write_case("nul2.ini", "");
        FILE *f = fopen(path, "wb");
        fwrite(text, 1, len, f);
        fclose(f);
        af_case *c = af_case_alloc();
        af_error err;
        assert_int_equal(af_case_read(c, path, &err), AF_EFORMAT);
        assert_non_null(strstr(err.msg, "nul2.ini:3:"));
        assert_non_null(strstr(err.msg, "NUL byte"));
        af_case_free(c);
    }
}

static void test_unknown_and_duplicate(void **state)
{
    (void)state;
    expect_error(GOOD "[grdi]\nn = 3\n", NULL, AF_EINVAL, "case.ini:7:", "unknown section [grdi]");
    expect_error(GOOD "\n[empty_unknown]\n", NULL, AF_EINVAL, "case.ini:8:", "[empty_unknown]");
    expect_error(GOOD "[scheme]\nepsilom = 0.1\n", NULL, AF_EINVAL, "case.ini:8:", "unknown key 'epsilom'");
    expect_error(GOOD "[grid]\nn = 32\n", NULL, AF_EINVAL, "case.ini:8:", "given twice (first on line 2)");
    expect_error(GOOD "[scheme]\nepsilon =\n", NULL, AF_EINVAL, "case.ini:8:", "no value");
    expect_error(GOOD "[initial]\n", NULL, AF_OK, "", NULL);
}

static void test_bad_values(void **state)
{
    (void)state;
    expect_error("[grid]\nn = abc\n[initial]\nshape = circle\nradius = 1\n", NULL, AF_EINVAL,
                 "case.ini:2: [grid] n", "whole number");
    expect_error("[grid]\nn = 0\n[initial]\nshape = circle\nradius = 1\n", NULL, AF_EINVAL,
                 "case.ini:2: [grid] n", "1..");
    expect_error("[grid]\nn = -5\n[initial]\nshape = circle\nradius = 1\n", NULL, AF_EINVAL,
                 "case.ini:2:", "n must be");
    expect_error("[grid]\nn = 99999999\n[initial]\nshape = circle\nradius = 1\n", NULL, AF_EINVAL,
                 "case.ini:2:", "n must be");
    expect_error("[grid]\nn = 40000\n[initial]\nshape = circle\nradius = 1\n", NULL, AF_ETOOBIG,
                 "case.ini:2:", "exceed");
    expect_error("[grid]\nbox = 1 -1\n[initial]\nshape = circle\nradius = 1\n", NULL, AF_EINVAL,
                 "case.ini:2: [grid] box", "lo < hi");
    expect_error("[grid]\nbox = 1\n[initial]\nshape = circle\nradius = 1\n", NULL, AF_EINVAL,
                 "case.ini:2: [grid] box", "two finite numbers");
    expect_error("[grid]\ndim = 3\n[initial]\nshape = circle\nradius = 1\n", NULL, AF_EUNSUP,
                 "case.ini:2: [grid] dim", "not implemented");
    expect_error("[grid]\nboundary = wrap\n[initial]\nshape = circle\nradius = 1\n", NULL,
                 AF_EINVAL, "case.ini:2: [grid] boundary", "clamp, periodic");
    expect_error("[initial]\nshape = square\n", NULL, AF_EINVAL, "case.ini:2: [initial] shape",
                 "unknown shape");
    expect_error("[initial]\nshape = circle\n", NULL, AF_EINVAL, "[initial] radius is required", NULL);
    expect_error("[initial]\nshape = circle\nradius = -1\n", NULL, AF_EINVAL,
                 "case.ini:3: [initial] radius", "> 0");
    expect_error("[initial]\nshape = circle\nradius = nan\n", NULL, AF_EINVAL,
                 "case.ini:3: [initial] radius", "finite");
    expect_error("[initial]\nshape = circle\nradius = 1e999\n", NULL, AF_EINVAL,
                 "case.ini:3: [initial] radius", "finite");
    /* a number that underflows to 0 is refused; a subnormal one is read */
    expect_error("[initial]\nshape = circle\nradius = 1e-400\n", NULL, AF_EINVAL,
                 "case.ini:3: [initial] radius", "finite");
    {
        af_case *c;
        af_error err;
        assert_int_equal(load("[initial]\nshape = circle\nradius = 1e-310\n", NULL, &c, &err),
                         AF_OK);
        assert_true(c->shape.radius == 1e-310);
        af_case_free(c);
    }
    expect_error("[initial]\nshape = circle\nradius = 0.5\naxes = 1 2\n", NULL, AF_EINVAL,
                 "case.ini:4: [initial] axes", "not used by shape = circle");
    expect_error("[initial]\nshape = star\nradius = 0.5\namplitude = 0.6\n", NULL, AF_EINVAL,
                 "case.ini:4: [initial] amplitude", "smaller than radius");
    expect_error("[initial]\nshape = polygon\nvertices = 0 0 1 0 1\n", NULL, AF_EINVAL,
                 "case.ini:3: [initial] vertices", "groups of 2");
    expect_error("[initial]\nshape = polygon\nvertices = 0 0 1 0\n", NULL, AF_EINVAL,
                 "case.ini:3: [initial] vertices", "at least 3");
    expect_error(GOOD "[density]\nkind = fancy\n", NULL, AF_EINVAL, "case.ini:8: [density] kind",
                 "unknown density");
    expect_error(GOOD "[density]\nvalue = -1\n", NULL, AF_EINVAL, "case.ini:8: [density] value",
                 ">= 0");
    expect_error(GOOD "[density]\nkind = gaussian\n", NULL, AF_EINVAL, "[density] sigma is required",
                 NULL);
    expect_error(GOOD "[density]\nkind = mixture\ncomponents = 1 0 0 -0.3\n", NULL, AF_EINVAL,
                 "case.ini:9: [density] components", "sigma > 0");
    expect_error(GOOD "[density]\nsigma = 0.3\n", NULL, AF_EINVAL, "case.ini:8: [density] sigma",
                 "not used by kind = uniform");
    expect_error(GOOD "[rho0]\nvalue = 1\n", NULL, AF_EINVAL, "[rho0] is given without [rho1]", NULL);
    expect_error(GOOD "[density]\nvalue = 1\n[rho0]\nvalue = 1\n[rho1]\nvalue = 1\n", NULL,
                 AF_EINVAL, "not both", NULL);
    expect_error(GOOD "[scheme]\nnorm = 3\n", NULL, AF_EINVAL, "case.ini:8: [scheme] norm", "2, inf, 1");
    expect_error(GOOD "[scheme]\nepsilon = 0\n", NULL, AF_EINVAL, "case.ini:8: [scheme] epsilon", "> 0");
    expect_error(GOOD "[scheme]\np = -1\n", NULL, AF_EINVAL, "case.ini:8: [scheme] p", ">= 0");
    /* epsilon_average: up to three budgets in [dx, epsilon] (dx = 2 / 64) */
    expect_error(GOOD "[scheme]\nepsilon = 0.2\nepsilon_average = 0.1, 0.1, 0.1, 0.1\n", NULL,
                 AF_EINVAL, "case.ini:9: [scheme] epsilon_average", "at most 3");
    expect_error(GOOD "[scheme]\nepsilon = 0.2\nepsilon_average = 0.1, nan\n", NULL, AF_EINVAL,
                 "case.ini:9: [scheme] epsilon_average", "finite numbers");
    expect_error(GOOD "[scheme]\nepsilon = 0.2\nepsilon_average = 0.1 zero\n", NULL, AF_EINVAL,
                 "case.ini:9: [scheme] epsilon_average", "finite numbers");
    expect_error(GOOD "[scheme]\nepsilon = 0.2\nepsilon_average = 0.25\n", NULL, AF_EINVAL,
                 "case.ini:9: [scheme] epsilon_average", "[dx, epsilon]");
    expect_error(GOOD "[scheme]\nepsilon = 0.2\nepsilon_average = 0.1, 0.01\n", NULL, AF_EINVAL,
                 "case.ini:9: [scheme] epsilon_average", "budget 2 is 0.01");
    expect_error(GOOD "[scheme]\nepsilon = 0.2\nepsilon_average = -0.1\n", NULL, AF_EINVAL,
                 "case.ini:9: [scheme] epsilon_average", "[dx, epsilon]");
    expect_error(GOOD "[scheme]\nepsilon = 0.2\nepsilon_average = 0\n", NULL, AF_EINVAL,
                 "case.ini:9: [scheme] epsilon_average", "[dx, epsilon]");
    expect_error(GOOD "[scheme]\nepsilon_average = 0.1\nmethod = mbo\n", NULL, AF_EINVAL,
                 "case.ini:8: [scheme] epsilon_average", "method = mm");
    {
        const char *set[] = {"scheme.epsilon_average=0.1, 0.05", NULL};
        af_case *c;
        af_error err;
        assert_int_equal(load(GOOD "[scheme]\nepsilon = 0.2\n", set, &c, &err), AF_OK);
        assert_true(c->scheme.epsilon_average[0] == 0.1 && c->scheme.epsilon_average[1] == 0.05
                    && c->scheme.epsilon_average[2] == 0);
        af_case_free(c);
        const char *bad[] = {"scheme.epsilon_average=0.3", NULL};
        expect_error(GOOD "[scheme]\nepsilon = 0.2\n", bad, AF_EINVAL,
                     "--set scheme.epsilon_average", "[dx, epsilon]");
    }
    expect_error(GOOD "[scheme]\nsteps = 1.5\n", NULL, AF_EINVAL, "case.ini:8: [scheme] steps", "whole");
    expect_error(GOOD "[scheme]\nselection = middle\n", NULL, AF_EINVAL, "case.ini:8:", "minimal, maximal");
    expect_error(GOOD "[output]\nevery = 0\n", NULL, AF_EINVAL, "case.ini:8: [output] every", ">= 1");
    expect_error(GOOD "[output]\nframes = maybe\n", NULL, AF_EINVAL, "case.ini:8: [output] frames", NULL);
    expect_error(GOOD "[output]\nformat = tiff\n", NULL, AF_EINVAL, "case.ini:8: [output] format",
                 "png, npy, both");
    expect_error(GOOD "[scheme]\nstop_when_still = sometimes\n", NULL, AF_EINVAL,
                 "case.ini:8: [scheme] stop_when_still", "yes");
}

static void test_set_errors(void **state)
{
    (void)state;
    const char *a[] = {"grid.n", NULL};
    expect_error(GOOD, a, AF_EINVAL, "--set grid.n", "section.key=value");
    const char *b[] = {"gridn=3", NULL};
    expect_error(GOOD, b, AF_EINVAL, "--set gridn=3", "section.key=value");
    const char *c[] = {"grid.size=3", NULL};
    expect_error(GOOD, c, AF_EINVAL, "--set grid.size", "unknown key");
    const char *d[] = {"grod.n=3", NULL};
    expect_error(GOOD, d, AF_EINVAL, "--set grod.n", "unknown section");
    const char *e[] = {"grid.n=-3", NULL};
    expect_error(GOOD, e, AF_EINVAL, "--set grid.n", "n must be");
    const char *f[] = {"scheme.epsilon=", NULL};
    expect_error(GOOD, f, AF_EINVAL, "--set scheme.epsilon", "empty");
}

static void test_files(void **state)
{
    (void)state;
    af_case *c = af_case_alloc();
    af_error err;
    char path[256];
    snprintf(path, sizeof path, "%s/does-not-exist.ini", dir);
    assert_int_equal(af_case_read(c, path, &err), AF_EIO);
    assert_non_null(strstr(err.msg, "does-not-exist.ini"));
    assert_int_equal(af_case_read(c, dir, &err) != AF_OK, 1); /* a folder */
    af_case_free(c);
    /* a binary file must not crash the parser and must be rejected */
    char bin[512];
    for (int k = 0; k < 511; k++)
        bin[k] = (char)(k * 37 % 255 + 1);
    bin[511] = 0;
    af_status s = load(bin, NULL, NULL, &err);
    assert_int_not_equal(s, AF_OK);
    assert_non_null(strstr(err.msg, "case.ini"));
    /* PNG files named in a case are resolved relative to the case file and
     * their errors are prefixed with the case and section */
    af_case *c2;
    s = load("[initial]\nshape = png\nfile = missing.png\n", NULL, &c2, &err);
    assert_int_equal(s, AF_OK);
    assert_non_null(strstr(c2->shape.file, dir));
    uint8_t *m = malloc(af_grid_cells(&c2->grid));
    s = af_case_mask(c2, NULL, NULL, m, &err);
    assert_int_equal(s, AF_EIO);
    assert_non_null(strstr(err.msg, "[initial]"));
    assert_non_null(strstr(err.msg, "missing.png"));
    free(m);
    af_case_free(c2);
}

static void test_density_values(void **state)
{
    (void)state;
    af_case *c;
    af_error err;
    /* exp(a.x) overflows for absurd a: caught as an infinite density */
    assert_int_equal(load(GOOD "[density]\nkind = exp\na = 1000 0\n", NULL, &c, &err), AF_OK);
    size_t cells = af_grid_cells(&c->grid);
    double *r0 = malloc(cells * sizeof *r0), *r1 = malloc(cells * sizeof *r1);
    assert_int_equal(af_case_densities(c, NULL, r0, r1, &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "infinite"));
    assert_non_null(strstr(err.msg, "[density]"));
    af_case_free(c);
    /* even split */
    assert_int_equal(load(GOOD "[density]\nvalue = 3\n", NULL, &c, &err), AF_OK);
    assert_int_equal(af_case_densities(c, NULL, r0, r1, &err), AF_OK);
    for (size_t k = 0; k < cells; k++)
        assert_true(r0[k] == 1.5 && r1[k] == 1.5);
    af_case_free(c);
    free(r0);
    free(r1);
}

/* Random mutations of a full case file (flipped, inserted, deleted bytes,
 * truncation) never crash the reader and always give a status with a
 * message; when they are accepted, the mask and densities either fill or
 * fail with a message. */
/* [data]: generated and read points, kde densities with the floor, the
 * Bayes and score shapes, and every error naming the file. */
static void test_data(void **state)
{
    (void)state;
    af_case *c;
    af_error err;
    /* generated moons: shape bayes and density kde by default */
    assert_int_equal(load("[grid]\nn = 64\n[data]\ngenerate = moons\ncount = 301\nseed = 3\n", NULL,
                          &c, &err),
                     AF_OK);
    assert_int_equal(c->shape.kind, AF_SHAPE_BAYES);
    assert_int_equal(c->density.kind, AF_DENSITY_KDE);
    assert_true(c->density.floor == AF_CASE_KDE_FLOOR);
    af_points *p;
    size_t outside;
    assert_int_equal(af_case_points(c, &p, &outside, &err), AF_OK);
    size_t count[2];
    af_points_class_counts(p, count);
    assert_int_equal(count[0] + count[1] + outside, 301);
    size_t cells = af_grid_cells(&c->grid);
    double *r0 = malloc(cells * sizeof *r0), *r1 = malloc(cells * sizeof *r1);
    uint8_t *m = malloc(cells);
    assert_int_equal(af_case_densities(c, p, r0, r1, &err), AF_OK);
    assert_int_equal(af_case_mask(c, r0, r1, m, &err), AF_OK);
    /* each class keeps its share, plus half the floor's mass */
    double m0 = 0, m1 = 0, dx2 = c->grid.dx * c->grid.dx;
    for (size_t x = 0; x < cells; x++) {
        m0 += r0[x] * dx2;
        m1 += r1[x] * dx2;
        assert_int_equal(m[x], r1[x] > r0[x]);
    }
    double n = (double)(count[0] + count[1]);
    assert_true(fabs(m0 - (count[0] / n + 0.5e-3)) < 1e-12);
    assert_true(fabs(m1 - (count[1] / n + 0.5e-3)) < 1e-12);
    af_points_free(p);
    af_case_free(c);

    /* a file, with a point outside the box and class weights */
    const char *csv = write_case("pts.csv", "x,y,label\n-0.5,0,0\n0.5,0.1,1\n# a comment\n0.4,-0.2,1\n"
                                            "3,0,0\n-0.3,0.3,0\n");
    (void)csv;
    assert_int_equal(load("[grid]\nn = 32\n[data]\nfile = pts.csv\nweight1 = 2\n"
                          "[density]\nkind = kde\nbandwidth = 0.2\nfloor = 0\n",
                          NULL, &c, &err),
                     AF_OK);
    assert_int_equal(af_case_points(c, &p, &outside, &err), AF_OK);
    assert_int_equal(outside, 1);
    assert_int_equal(p->count, 4);
    assert_true(p->weight[0] == 1 && p->weight[1] == 2);
    cells = af_grid_cells(&c->grid);
    assert_int_equal(af_case_densities(c, p, r0, r1, &err), AF_OK);
    dx2 = c->grid.dx * c->grid.dx;
    m0 = m1 = 0;
    for (size_t x = 0; x < cells; x++) {
        m0 += r0[x] * dx2;
        m1 += r1[x] * dx2;
    }
    assert_true(fabs(m0 - 2.0 / 6) < 1e-12 && fabs(m1 - 4.0 / 6) < 1e-12);
    af_points_free(p);
    af_case_free(c);

    /* score maps: a csv whose region is x > 0 */
    {
        FILE *f = fopen(write_case("s.csv", ""), "w");
        for (int j = 0; j < 8; j++)
            for (int i = 0; i < 8; i++)
                fprintf(f, "%g%s", i - 3.5, i == 7 ? "\n" : ",");
        fclose(f);
    }
    assert_int_equal(load("[grid]\nn = 8\n[initial]\nshape = score\nfile = s.csv\nlevel = 0\n"
                          "[scheme]\nepsilon = 0.25\n",
                          NULL, &c, &err),
                     AF_OK);
    assert_int_equal(af_case_mask(c, NULL, NULL, m, &err), AF_OK);
    for (int x = 0; x < 64; x++)
        assert_int_equal(m[x], x % 8 >= 4);
    af_case_free(c);
    /* a score map of the wrong shape: the error names the case, section and file */
    assert_int_equal(load("[grid]\nn = 16\n[initial]\nshape = score\nfile = s.csv\n", NULL, &c, &err),
                     AF_OK);
    assert_int_equal(af_case_mask(c, NULL, NULL, m, &err), AF_EFORMAT);
    assert_non_null(strstr(err.msg, "[initial]"));
    assert_non_null(strstr(err.msg, "s.csv"));
    af_case_free(c);

    /* errors in the case itself */
    expect_error("[data]\nfile = a.csv\ngenerate = moons\n", NULL, AF_EINVAL, "not both", NULL);
    expect_error("[data]\nfile = pts.csv\ncount = 5\n", NULL, AF_EINVAL, "count", "not used");
    expect_error("[data]\ngenerate = spirals\n", NULL, AF_EINVAL, "unknown data set", NULL);
    expect_error("[data]\ngenerate = moons\ncount = 1\n", NULL, AF_EINVAL, "count", NULL);
    expect_error("[data]\ngenerate = moons\nweight0 = 0\n", NULL, AF_EINVAL, "weight0", NULL);
    expect_error("[data]\ngenerate = moons\nweight1 = 1e-13\n", NULL, AF_EINVAL, "weight1",
                 "factor 1e12");
    expect_error(GOOD "[density]\nkind = kde\n", NULL, AF_EINVAL, "needs data points", NULL);
    expect_error("[data]\ngenerate = xor\n[rho0]\nkind = kde\n[rho1]\nkind = uniform\n", NULL,
                 AF_EINVAL, "[density]", NULL);
    expect_error("[data]\ngenerate = xor\n[density]\nbandwidth = -1\n", NULL, AF_EINVAL,
                 "bandwidth", NULL);
    expect_error("[data]\ngenerate = xor\n[density]\nfloor = 2\n", NULL, AF_EINVAL, "floor", NULL);
    expect_error(GOOD "[density]\nfloor = 0.1\n", NULL, AF_EINVAL, "floor", "not used");
    expect_error("[data]\n", NULL, AF_EINVAL, "[data] file is required", NULL);

    /* errors in the data: empty, one class only, malformed line */
    write_case("empty.csv", "x,y,label\n");
    write_case("one.csv", "0,0,1\n0.1,0.1,1\n");
    write_case("bad.csv", "0,0,1\n0.1,0.1\n");
    write_case("far.csv", "5,5,1\n6,6,0\n");
    static const struct {
        const char *file, *needle;
    } bad[] = {{"empty.csv", "no data points"}, {"one.csv", "class 0 has no points"},
               {"bad.csv", "bad.csv:2"},        {"far.csv", "none of the 2 points"},
               {"nowhere.csv", "nowhere.csv"}};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char text[256];
        snprintf(text, sizeof text, "[grid]\nn = 16\n[data]\nfile = %s\n", bad[k].file);
        assert_int_equal(load(text, NULL, &c, &err), AF_OK);
        af_status st = af_case_points(c, &p, &outside, &err);
        assert_true(st != AF_OK);
        assert_null(p);
        if (!strstr(err.msg, bad[k].needle) || !strstr(err.msg, "[data]"))
            fail_msg("%s: %s", bad[k].file, err.msg);
        af_case_free(c);
    }
    /* one point per class: Silverman's rule has no spread to go on */
    write_case("two.csv", "0,0,0\n0.5,0.5,1\n");
    assert_int_equal(load("[grid]\nn = 16\n[data]\nfile = two.csv\n", NULL, &c, &err), AF_OK);
    assert_int_equal(af_case_points(c, &p, &outside, &err), AF_OK);
    assert_int_equal(af_case_densities(c, p, r0, r1, &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "no spread"));
    assert_non_null(strstr(err.msg, "[density]"));
    af_points_free(p);
    af_case_free(c);
    free(r0);
    free(r1);
    free(m);
}

static void test_fuzz(void **state)
{
    (void)state;
    const char *base = "[grid]\nn = 24\nbox = -1 1\nboundary = periodic\n"
                       "[initial]\nshape = star\ncenter = 0.1 0\nradius = 0.5\npoints = 5\n"
                       "amplitude = 0.1\nangle = 10\n[density]\nkind = mixture\n"
                       "components = 1 0 0 0.3 0.5 0.2 0.2 0.1\n[scheme]\nepsilon = 0.2\n"
                       "norm = inf\n[output]\nevery = 2\n";
    const char alphabet[] = "[]=;#.- \n\t0123456789eEnaixyz,";
    tu_rng r;
    tu_seed(&r, 2026);
    size_t blen = strlen(base);
    char *t = malloc(2 * blen + 64);
    uint8_t *m = malloc(64 * 64);
    double *r0 = malloc(64 * 64 * sizeof *r0), *r1 = malloc(64 * 64 * sizeof *r1);
    int accepted = 0;
    for (int it = 0; it < 1500; it++) {
        memcpy(t, base, blen + 1);
        size_t len = blen;
        int edits = 1 + (int)(tu_next(&r) % 2);
        for (int e = 0; e < edits && len > 0; e++) {
            size_t pos = tu_next(&r) % len;
            switch (tu_next(&r) % 4) {
            case 0: t[pos] = alphabet[tu_next(&r) % (sizeof alphabet - 1)]; break;
            case 1: t[pos] = (char)(1 + tu_next(&r) % 255); break;
            case 2: memmove(t + pos + 1, t + pos, len - pos + 1); t[pos] = alphabet[tu_next(&r) % (sizeof alphabet - 1)]; len++; break;
            default: memmove(t + pos, t + pos + 1, len - pos); len--; break;
            }
        }
        if (tu_next(&r) % 16 == 0)
            t[tu_next(&r) % (len + 1)] = '\0';
        af_case *c;
        af_error err;
        af_status s = load(t, NULL, &c, &err);
        if (s != AF_OK) {
            assert_true(strlen(err.msg) > 0);
        } else if (af_grid_cells(&c->grid) <= 64 * 64) {
            accepted++;
            af_error_clear(&err);
            if (af_case_densities(c, NULL, r0, r1, &err) != AF_OK
                || af_case_mask(c, r0, r1, m, &err) != AF_OK)
                assert_true(strlen(err.msg) > 0);
        }
        af_case_free(c);
    }
    print_message("fuzz: %d of 1500 mutated files accepted\n", accepted);
    assert_true(accepted > 50); /* the mutations also exercise the good paths */
    free(t);
    free(m);
    free(r0);
    free(r1);
}

/* ---- af_case_write: the resolved case reads back as the same case ---- */

/* Same file: both absent, or both naming the same existing file (the
 * writer makes paths absolute), or textually equal. */
static int same_file(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    if (strcmp(a, b) == 0)
        return 1;
    char *ra = realpath(a, NULL), *rb = realpath(b, NULL);
    int same = ra && rb && strcmp(ra, rb) == 0;
    free(ra);
    free(rb);
    return same;
}

static int same_list(const double *a, const double *b, int n)
{
    for (int k = 0; k < n; k++)
        if (a[k] != b[k])
            return 0;
    return 1;
}

static int same_density(const af_density *a, const af_density *b)
{
    return a->kind == b->kind && a->value == b->value && a->center[0] == b->center[0]
           && a->center[1] == b->center[1] && a->sigma == b->sigma
           && a->ncomponents == b->ncomponents
           && same_list(a->components, b->components, 4 * a->ncomponents) && a->a[0] == b->a[0]
           && a->a[1] == b->a[1] && same_file(a->file, b->file) && a->scale == b->scale
           && a->bandwidth == b->bandwidth && a->floor == b->floor;
}

/* Every field a case's reader fills, compared exactly (numbers bit for bit). */
static void assert_same_case(const af_case *a, const af_case *b, const char *what)
{
    const af_shape *p = &a->shape, *q = &b->shape;
    const af_case_scheme *s = &a->scheme, *t = &b->scheme;
    const af_case_data *d = &a->data, *e = &b->data;
    struct {
        const char *name;
        int same;
    } f[] = {
        {"grid", a->grid.dim == b->grid.dim && a->grid.n == b->grid.n && a->grid.lo == b->grid.lo
                     && a->grid.hi == b->grid.hi && a->grid.dx == b->grid.dx
                     && a->grid.edge == b->grid.edge},
        {"shape kind", p->kind == q->kind},
        {"shape numbers",
         p->center[0] == q->center[0] && p->center[1] == q->center[1] && p->radius == q->radius
             && p->axes[0] == q->axes[0] && p->axes[1] == q->axes[1] && p->size[0] == q->size[0]
             && p->size[1] == q->size[1] && p->angle == q->angle && p->points == q->points
             && p->amplitude == q->amplitude && p->length == q->length && p->neck == q->neck
             && p->normal[0] == q->normal[0] && p->normal[1] == q->normal[1]
             && p->offset == q->offset && p->threshold == q->threshold && p->level == q->level},
        {"vertices", p->nvertices == q->nvertices && same_list(p->vertices, q->vertices, 2 * p->nvertices)},
        {"shape file", same_file(p->file, q->file)},
        {"split", a->split == b->split},
        {"density", !a->split || same_density(&a->density, &b->density)},
        {"rho0, rho1", a->split || (same_density(&a->rho0, &b->rho0) && same_density(&a->rho1, &b->rho1))},
        {"data", d->present == e->present && same_file(d->file, e->file)
                     && (d->file || (d->gen.kind == e->gen.kind && d->gen.count == e->gen.count
                                     && d->gen.noise == e->gen.noise && d->gen.seed == e->gen.seed))
                     && d->weight[0] == e->weight[0] && d->weight[1] == e->weight[1]},
        {"scheme", s->epsilon == t->epsilon && same_list(s->epsilon_average, t->epsilon_average, 3)
                       && s->h == t->h && s->p == t->p && s->norm == t->norm
                       && s->selection == t->selection && s->method == t->method
                       && s->sdist == t->sdist && s->representation == t->representation
                       && s->steps == t->steps && s->t_end == t->t_end
                       && s->stop_when_still == t->stop_when_still},
        {"output", strcmp(a->output.dir, b->output.dir) == 0 && a->output.every == b->output.every
                       && a->output.frames == b->output.frames && a->output.scale == b->output.scale
                       && a->output.format == b->output.format},
    };
    for (size_t k = 0; k < sizeof f / sizeof f[0]; k++)
        if (!f[k].same)
            fail_msg("%s: the written case reads back with a different %s", what, f[k].name);
}

/* Write c into path (a file in dir); returns the text (caller frees). */
static char *write_text(const af_case *c, const char *path)
{
    FILE *f = fopen(path, "w+");
    assert_non_null(f);
    af_error err;
    af_status s = af_case_write(c, f, &err);
    if (s != AF_OK)
        fail_msg("af_case_write: %s", err.msg);
    long len = ftell(f);
    char *text = malloc((size_t)len + 1);
    rewind(f);
    assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
    text[len] = '\0';
    fclose(f);
    return text;
}

/* Read, write, read the written file: the same case; written again: the
 * same text after the first (comment) line. */
static void round_trip(af_case *c, const char *what)
{
    char path[256];
    snprintf(path, sizeof path, "%s/written.ini", dir);
    char *t1 = write_text(c, path);
    af_case *c2 = af_case_alloc();
    af_error err;
    af_status s = af_case_read(c2, path, &err);
    if (s == AF_OK)
        s = af_case_finish(c2, &err);
    if (s != AF_OK)
        fail_msg("%s: the written case does not read back: %s\n%s", what, err.msg, t1);
    assert_same_case(c, c2, what);
    char path2[256];
    snprintf(path2, sizeof path2, "%s/written2.ini", dir);
    char *t2 = write_text(c2, path2);
    if (strcmp(strchr(t1, '\n'), strchr(t2, '\n')) != 0)
        fail_msg("%s: written twice, the texts differ:\n%s\n---\n%s", what, t1, t2);
    free(t1);
    free(t2);
    af_case_free(c2);
}

static void test_write_round_trip(void **state)
{
    (void)state;
    /* files the cases name, so that paths are made absolute */
    fclose(fopen(write_case("shape.png", ""), "w"));
    fclose(fopen(write_case("scores.npy", ""), "w"));
    fclose(fopen(write_case("points.csv", ""), "w"));
    const char *texts[] = {
        GOOD,
        "[grid]\nn = 100\nbox = -1.5 2.25\nboundary = periodic\n[initial]\nshape = ellipse\n"
        "axes = 0.5 0.3\nangle = 20\n[scheme]\nepsilon = 0.1\nh = 0.003\nsteps = 7\nt_end = 0.5\n"
        "stop_when_still = off\n[output]\nformat = both\nframes = no\nevery = 3\nscale = 2\n",
        "[initial]\nshape = rectangle\nsize = 0.5 0.3\ncenter = 0.1, 0.2\n[scheme]\nnorm = inf\n"
        "selection = maximal\ndistance = simple\np = 2\n",
        GOOD "[scheme]\nepsilon = 0.2\nepsilon_average = 0.17, 0.123456789012345, 0.2\n",
        GOOD "[scheme]\nepsilon = 0.2\nepsilon_average = 0.1\nrepresentation = levelset\n",
        "[initial]\nshape = star\nradius = 0.5\npoints = 6\namplitude = 0.1\n[scheme]\n"
        "representation = levelset\n[output]\nformat = npy\n",
        "[initial]\nshape = dumbbell\nradius = 0.3\nlength = 1\nneck = 0.1\n[scheme]\nmethod = mbo\n",
        "[initial]\nshape = halfplane\nnormal = 0 1\noffset = 0.2\n",
        "[initial]\nshape = polygon\nvertices = 0 0 1 0 0 1 0.1 0.3333333333333333\n",
        "[initial]\nshape = png\nfile = shape.png\nthreshold = 0.25\n",
        GOOD "[density]\nkind = mixture\ncomponents = 1 0 0 0.3 2 0.5 0.5 0.2\n",
        GOOD "[density]\nkind = exp\na = 1 -1\nvalue = 0.1\n",
        GOOD "[density]\nkind = gaussian\nsigma = 0.3\ncenter = 0.1 0.7\n",
        GOOD "[density]\nkind = png\nfile = shape.png\nscale = 3\n",
        GOOD "[rho0]\nkind = uniform\nvalue = 0.2\n[rho1]\nkind = gaussian\nsigma = 0.4\n",
        "[data]\ngenerate = moons\n",
        "[data]\ngenerate = xor\ncount = 1001\nnoise = 0.123456789\nseed = 4294967295\nweight1 = 3\n"
        "[density]\nkind = kde\nbandwidth = 0.07\nfloor = 0\n[initial]\nshape = score\n"
        "file = scores.npy\nlevel = 0.25\n",
        "[data]\nfile = points.csv\nweight0 = 0.5\n[initial]\nshape = circle\nradius = 0.2\n"
        "[density]\nkind = uniform\n",
        /* subnormal defaults (epsilon = 5 dx, neck = radius / 2) read back
         * (found by fuzzing: they were refused as out of range) */
        "[grid]\nn = 64\nbox = 0 3e-308\n[initial]\nshape = dumbbell\nradius = 3e-308\n"
        "length = 1e-307\n",
    };
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
        af_case *c;
        af_error err;
        if (load(texts[k], NULL, &c, &err) != AF_OK)
            fail_msg("case %zu: %s", k, err.msg);
        char what[32];
        snprintf(what, sizeof what, "case %zu", k);
        round_trip(c, what);
        af_case_free(c);
    }
    /* with overrides: the values after them */
    af_case *c;
    af_error err;
    const char *sets[] = {"grid.n=96", "scheme.h=0.00123", "output.dir=somewhere/else",
                          "scheme.stop_when_still=no", NULL};
    assert_int_equal(load(GOOD, sets, &c, &err), AF_OK);
    round_trip(c, "overrides");
    af_case_free(c);
    /* a value an INI file cannot hold is refused, naming the key */
    const char *bad[] = {"output.dir=a ;b", NULL};
    assert_int_equal(load(GOOD, bad, &c, &err), AF_OK);
    FILE *f = fopen(write_case("bad.ini", ""), "w");
    assert_int_equal(af_case_write(c, f, &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "[output] dir"));
    fclose(f);
    af_case_free(c);
}

/* The examples in cases/ (run from the top of the repository). */
static void test_write_examples(void **state)
{
    (void)state;
    FILE *ls = popen("ls cases/*.ini 2>/dev/null", "r");
    assert_non_null(ls);
    char path[512];
    int count = 0;
    while (fgets(path, sizeof path, ls)) {
        path[strcspn(path, "\n")] = '\0';
        af_case *c = af_case_alloc();
        af_error err;
        if (af_case_read(c, path, &err) != AF_OK || af_case_finish(c, &err) != AF_OK)
            fail_msg("%s: %s", path, err.msg);
        round_trip(c, path);
        af_case_free(c);
        count++;
    }
    pclose(ls);
    assert_true(count >= 10);
}

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/advflow-test-case-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_defaults),   cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_every_shape_and_density), cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_syntax_errors),   cmocka_unit_test(test_unknown_and_duplicate),
        cmocka_unit_test(test_bad_values),      cmocka_unit_test(test_set_errors),
        cmocka_unit_test(test_files),           cmocka_unit_test(test_density_values),
        cmocka_unit_test(test_data), cmocka_unit_test(test_fuzz),
        cmocka_unit_test(test_write_round_trip), cmocka_unit_test(test_write_examples),
    };
    return cmocka_run_group_tests_name("case", tests, setup, teardown);
}
