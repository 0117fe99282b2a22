/* advflow CLI: `advflow data`, the data points as CSV and a scatter
 * picture.  GPL-3.0-or-later. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* path with its ".csv" suffix (if any) replaced by ".png"; malloc'd. */
static char *picture_path(const char *path)
{
    size_t len = strlen(path);
    if (len >= 4 && !strcmp(path + len - 4, ".csv"))
        len -= 4;
    char *p = malloc(len + 5);
    if (p) {
        memcpy(p, path, len);
        memcpy(p + len, ".png", 5);
    }
    return p;
}

/* The folder part of path ("." when there is none); malloc'd. */
static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    size_t len = slash == path ? 1 : (size_t)(slash - path);
    char *d = malloc(len + 1);
    if (d) {
        memcpy(d, path, len);
        d[len] = '\0';
    }
    return d;
}

int cmd_data(const options *o)
{
    state s;
    int rc = load(o, &s, 0); /* the region is not needed */
    if (rc >= 0) {
        state_free(&s);
        return rc;
    }
    rc = 0;
    const af_case *c = s.c;
    const af_points *p = s.points;
    if (!p) {
        fprintf(stderr, "advflow: %s: the case has no [data] section: no points to write\n",
                o->case_path);
        state_free(&s);
        return EXIT_USAGE;
    }
    if ((rc = pictures_fit(o, &c->grid, c->output.scale)) != 0) {
        state_free(&s);
        return rc;
    }
    /* The outputs first (a bad name fails before any work), then every
     * figure: nothing is written if one fails. */
    af_error err;
    char csv[4200];
    if (o->out)
        snprintf(csv, sizeof csv, "%s", o->out);
    else
        snprintf(csv, sizeof csv, "%s/points.csv", c->output.dir);
    char *png = picture_path(csv), *dir = folder_of(csv);
    double bound = NAN;
    size_t conflicts = 0, count[2];
    if (!png || !dir) {
        fprintf(stderr, "advflow: out of memory\n");
        rc = EXIT_RUNTIME;
    } else if (make_output_dir(dir) != 0) {
        rc = EXIT_USAGE;
    } else if (af_file_check(csv, "output", &err) != AF_OK
               || af_file_check(png, "output", &err) != AF_OK) {
        rc = write_or_fail(err.status, &err); /* before the work */
    } else {
        rc = points_bound(o, &s, c->scheme.epsilon, &bound, &conflicts);
    }
    af_points_class_counts(p, count);
    double w0 = p->weight[0] * (double)count[0], w1 = p->weight[1] * (double)count[1];
    outputs out = {0};
    const char *csv_part = NULL, *png_part = NULL;
    if (rc == 0)
        rc = outputs_stage(&out, csv, &csv_part);
    if (rc == 0)
        rc = outputs_stage(&out, png, &png_part);
    if (rc == 0)
        rc = write_or_fail(af_points_write_csv(csv_part, p, &err), &err);
    if (rc == 0) {
        af_png_frame f;
        frame_of(&s, NULL, c->output.scale, &f);
        rc = write_or_fail(af_png_write_frame(png_part, &f, &err), &err);
    }
    if (rc == 0)
        rc = outputs_commit(&out); /* both or neither */
    outputs_abort(&out);
    if (rc == 0) {
        printf("points = %zu\n", p->count);
        printf("points_class0 = %zu\n", count[0]);
        printf("points_class1 = %zu\n", count[1]);
        printf("outside = %zu\n", s.outside);
        printf("prior1 = %.10g\n", w1 / (w0 + w1));
        if (c->split && c->density.kind == AF_DENSITY_KDE)
            for (int label = 0; label < 2; label++)
                printf("bandwidth%d = %.10g\n", label, af_case_bandwidth(c, p, label));
        printf("risk_adv_points_bound = %.10g\n", bound);
        if (isnan(bound))
            printf("conflicts = nan\n"); /* too many to build the graph */
        else
            printf("conflicts = %zu\n", conflicts);
        if (!o->quiet)
            fprintf(stderr, "advflow: wrote %s and %s\n", csv, png);
    }
    free(png);
    free(dir);
    state_free(&s);
    return rc;
}
