/* advflow CLI: `advflow attack`, iterated FGSM paths against the case's
 * classifier.  GPL-3.0-or-later. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Default number of attacked points: with data, 50 of them (evenly through
 * the list, so that both classes and all regions show); without, a lattice
 * of 25. */
#define DEFAULT_DATA_POINTS 50
#define DEFAULT_LATTICE_POINTS 25
/* Most path points an attack writes: 10^7 (160 MB of coordinates and a
 * CSV of about 600 MB). */
#define MAX_PATH_POINTS 1e7

int cmd_attack(const options *o)
{
    state s;
    int rc = load(o, &s, !o->mask); /* with --mask the initial region is not needed */
    if (rc >= 0) {
        state_free(&s);
        return rc;
    }
    rc = 0;
    outputs written = {0}; /* before any goto done */
    const af_case *c = s.c;
    const af_grid *g = &c->grid;
    const char *dir = o->out ? o->out : c->output.dir;
    af_error err;
    if ((rc = pictures_fit(o, g, c->output.scale)) != 0) {
        state_free(&s);
        return rc;
    }
    if ((rc = output_dir_check(o, dir, attack_output_name, "the outputs of advflow attack")) != 0) {
        state_free(&s);
        return rc;
    }
    /* the classifier: the case's initial region or a mask from a file */
    uint8_t *mask = s.mask;
    if (o->mask) {
        af_status st = af_png_read_mask(o->mask, g, 0.5, s.mask, &err);
        if (st != AF_OK) {
            fprintf(stderr, "advflow: --mask: %s\n", err.msg);
            state_free(&s);
            return st == AF_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
        }
    }
    af_attack *at = af_attack_alloc(g, mask, &err);
    if (!at) {
        fprintf(stderr, "advflow: %s: %s%s\n", o->case_path, o->mask ? "--mask: " : "[initial]: ",
                err.msg);
        state_free(&s);
        return err.status == AF_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
    }
    af_attack_params prm = {.norm = c->scheme.norm, .eps = c->scheme.epsilon};
    prm.tau = o->tau > 0 ? o->tau : prm.eps / 10;
    prm.steps = o->steps >= 0 ? o->steps : 20;

    /* the attacked points and their labels */
    const af_points *p = s.points;
    long K = o->npoints > 0 ? o->npoints : p ? DEFAULT_DATA_POINTS : DEFAULT_LATTICE_POINTS;
    if (p && (size_t)K > p->count)
        K = (long)p->count;
    size_t len = (size_t)prm.steps + 1;
    if ((double)K * (double)len > MAX_PATH_POINTS) {
        fprintf(stderr,
                "advflow: %s: %ld paths of %zu points would hold more than %g points (and a CSV "
                "line each): use fewer --points or --steps\n",
                o->case_path, K, len, (double)MAX_PATH_POINTS);
        state_free(&s);
        af_attack_free(at);
        return EXIT_USAGE;
    }
    double *x0 = malloc((size_t)K * 2 * sizeof *x0), *paths = malloc((size_t)K * 2 * len * sizeof *paths);
    uint8_t *label = malloc((size_t)K);
    int *flip = malloc((size_t)K * sizeof *flip), *plen = malloc((size_t)K * sizeof *plen);
    const double **pp = malloc((size_t)K * sizeof *pp);
    if (!x0 || !paths || !label || !flip || !plen || !pp) {
        fprintf(stderr, "advflow: out of memory for %ld paths of %zu points\n", K, len);
        rc = EXIT_RUNTIME;
        goto done;
    }
    int m = (int)ceil(sqrt((double)K));
    for (long k = 0; k < K; k++) {
        if (p) {
            size_t idx = (size_t)((double)k * (double)p->count / (double)K);
            x0[2 * k] = p->x[idx];
            x0[2 * k + 1] = p->y[idx];
            label[k] = p->label[idx];
        } else {
            /* a lattice over the box, labelled by the classifier: the
             * attack tries to change each prediction */
            double L = g->hi - g->lo;
            x0[2 * k] = g->lo + L * ((double)(k % m) + 0.5) / m;
            x0[2 * k + 1] = g->lo + L * ((double)(k / m) + 0.5) / m;
            label[k] = (uint8_t)af_attack_predict(at, x0[2 * k], x0[2 * k + 1]);
        }
    }
    long flipped = 0, wrong = 0; /* changed by the attack; misclassified already */
    double flip_steps = 0;
    for (long k = 0; k < K; k++) {
        double *path = paths + (size_t)k * 2 * len;
        af_status st = af_attack_path(at, &prm, x0[2 * k], x0[2 * k + 1], label[k], path, &flip[k], &err);
        if (st != AF_OK) {
            fprintf(stderr, "advflow: %s: attack: %s\n", o->case_path, err.msg);
            rc = st == AF_EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
            goto done;
        }
        pp[k] = path;
        plen[k] = (int)len;
        if (flip[k] == 0) {
            wrong++;
        } else if (flip[k] > 0) {
            flipped++;
            flip_steps += flip[k];
        }
    }

    /* outputs: the table, then the picture */
    if (make_output_dir(dir) != 0) {
        rc = EXIT_USAGE;
        goto done;
    }
    char path[4300];
    snprintf(path, sizeof path, "%s/attack_paths.csv", dir);
    const char *csv_part, *png_part;
    if ((rc = outputs_stage(&written, path, &csv_part)) != 0)
        goto done;
    snprintf(path, sizeof path, "%s/attack.png", dir);
    if ((rc = outputs_stage(&written, path, &png_part)) != 0)
        goto done;
    af_file of;
    if (out_open(&of, csv_part) != 0) {
        rc = EXIT_RUNTIME;
        goto done;
    }
    fprintf(of.fp, "# iterated FGSM: norm %s, eps %.10g, tau %.10g, steps %d\n",
            af_norm_name(prm.norm), prm.eps, prm.tau, prm.steps);
    fprintf(of.fp, "point,step,x,y,label,score,prediction\n");
    for (long k = 0; k < K; k++)
        for (size_t q = 0; q < len; q++) {
            double x = pp[k][2 * q], y = pp[k][2 * q + 1];
            fprintf(of.fp, "%ld,%zu,%.10g,%.10g,%d,%.6g,%d\n", k, q, x, y, label[k],
                    af_attack_score(at, x, y), af_attack_predict(at, x, y));
        }
    if (out_close(&of) != 0) {
        rc = EXIT_RUNTIME;
        goto done;
    }
    af_png_frame f;
    frame_of(&s, mask, c->output.scale, &f);
    f.points = x0; /* the attacked points only, with their labels */
    f.point_labels = label;
    f.npoints = (size_t)K;
    f.paths = pp;
    f.path_len = plen;
    f.npaths = (int)K;
    if ((rc = write_or_fail(af_png_write_frame(png_part, &f, &err), &err)) != 0
        || (rc = output_dir_clear_stale(o, dir, attack_output_name, &written)) != 0
        || (rc = outputs_commit(&written)) != 0)
        goto done;
    printf("points = %ld\n", K);
    printf("misclassified = %ld\n", wrong);
    printf("flipped = %ld\n", flipped);
    printf("flipped_fraction = %.6g\n", K > wrong ? (double)flipped / (K - wrong) : 0.0);
    printf("mean_flip_step = %.6g\n", flipped ? flip_steps / flipped : NAN);
    printf("eps = %.10g\ntau = %.10g\nsteps = %d\n", prm.eps, prm.tau, prm.steps);
    if (!o->quiet)
        fprintf(stderr, "advflow: wrote %s/attack_paths.csv and attack.png\n", dir);
done:
    outputs_abort(&written);
    free(x0);
    free(paths);
    free(label);
    free(flip);
    free(plen);
    free(pp);
    af_attack_free(at);
    state_free(&s);
    return rc;
}
