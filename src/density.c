/* advflow: densities of the two classes.  GPL-3.0-or-later. */
#include "advflow/density.h"

#include <math.h>
#include <string.h>

#include "advflow/png.h"

static const char *const kind_names[] = {
    [AF_DENSITY_UNIFORM] = "uniform", [AF_DENSITY_GAUSSIAN] = "gaussian",
    [AF_DENSITY_MIXTURE] = "mixture", [AF_DENSITY_EXP] = "exp",
    [AF_DENSITY_PNG] = "png",         [AF_DENSITY_KDE] = "kde",
};
#define NKINDS ((int)(sizeof kind_names / sizeof kind_names[0]))

const char *af_density_kind_name(af_density_kind kind)
{
    return (int)kind >= 0 && (int)kind < NKINDS ? kind_names[kind] : NULL;
}

int af_density_kind_parse(const char *name, af_density_kind *kind)
{
    for (int k = 0; k < NKINDS; k++)
        if (strcmp(name, kind_names[k]) == 0) {
            *kind = (af_density_kind)k;
            return 0;
        }
    return -1;
}

af_status af_density_check(const af_grid *g, const double *rho, const char *what, af_error *err)
{
    int n = g->n;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            double v = rho[(size_t)j * n + i];
            if (!isfinite(v) || v < 0)
                return af_error_set(err, AF_EINVAL,
                                    "%s is %s at cell (%d, %d), x = (%g, %g): densities must be "
                                    "finite and >= 0",
                                    what, isnan(v) ? "NaN" : isfinite(v) ? "negative" : "infinite",
                                    i, j, af_grid_center(g, i), af_grid_center(g, j));
        }
    /* a second pass, so that a field that overflows somewhere is reported
     * as infinite (the likelier cause) rather than as merely large */
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            double v = rho[(size_t)j * n + i];
            if (v > AF_DENSITY_MAX)
                return af_error_set(err, AF_EINVAL,
                                    "%s is %g at cell (%d, %d), x = (%g, %g): densities above %g "
                                    "overflow advflow's sums; the flow depends only on their "
                                    "ratios, so scale them down",
                                    what, v, i, j, af_grid_center(g, i), af_grid_center(g, j),
                                    AF_DENSITY_MAX);
        }
    return AF_OK;
}

af_status af_density_params_check(const af_density *d, af_error *err)
{
    const char *name = af_density_kind_name(d->kind);
    if (!name)
        return af_error_set(err, AF_EINVAL, "density: unknown kind %d", (int)d->kind);
    if ((d->kind == AF_DENSITY_UNIFORM || d->kind == AF_DENSITY_GAUSSIAN || d->kind == AF_DENSITY_EXP)
        && !(d->value >= 0 && isfinite(d->value)))
        return af_error_set(err, AF_EINVAL, "%s density: value must be finite and >= 0, got %g",
                            name, d->value);
    switch (d->kind) {
    case AF_DENSITY_GAUSSIAN:
        if (!isfinite(d->center[0]) || !isfinite(d->center[1]))
            return af_error_set(err, AF_EINVAL, "gaussian density: center must be finite");
        if (!(d->sigma > 0) || !isfinite(d->sigma))
            return af_error_set(err, AF_EINVAL, "gaussian density: sigma must be > 0, got %g", d->sigma);
        break;
    case AF_DENSITY_MIXTURE:
        if (d->ncomponents < 1 || !d->components)
            return af_error_set(err, AF_EINVAL,
                                "mixture density: needs at least one component (w cx cy sigma)");
        for (int k = 0; k < d->ncomponents; k++) {
            const double *c = d->components + 4 * k;
            if (!(c[0] >= 0 && isfinite(c[0])) || !isfinite(c[1]) || !isfinite(c[2])
                || !(c[3] > 0 && isfinite(c[3])))
                return af_error_set(err, AF_EINVAL,
                                    "mixture density: component %d needs w >= 0, finite centre "
                                    "and sigma > 0",
                                    k + 1);
        }
        break;
    case AF_DENSITY_EXP:
        if (!isfinite(d->a[0]) || !isfinite(d->a[1]))
            return af_error_set(err, AF_EINVAL, "exp density: a must be finite");
        break;
    case AF_DENSITY_PNG:
        if (!d->file || !d->file[0])
            return af_error_set(err, AF_EINVAL, "png density: file is missing");
        if (!(d->scale >= 0 && isfinite(d->scale)))
            return af_error_set(err, AF_EINVAL, "png density: scale must be finite and >= 0, got %g",
                                d->scale);
        break;
    case AF_DENSITY_KDE:
        if (!(d->bandwidth >= 0 && isfinite(d->bandwidth)))
            return af_error_set(err, AF_EINVAL, "kde density: bandwidth must be finite and >= 0, got %g",
                                d->bandwidth);
        if (!(d->floor >= 0 && isfinite(d->floor)))
            return af_error_set(err, AF_EINVAL, "kde density: floor must be finite and >= 0, got %g",
                                d->floor);
        break;
    default:
        break;
    }
    return AF_OK;
}

static double gauss(double dx, double dy, double sigma)
{
    return exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
}

af_status af_density_fill(const af_grid *g, const af_density *d, double *rho, af_error *err)
{
    af_status st = af_density_params_check(d, err);
    if (st != AF_OK)
        return st;
    if (d->kind == AF_DENSITY_KDE)
        return af_error_set(err, AF_EINVAL,
                            "kde density: it is estimated from data points (af_case_densities, "
                            "af_kde_fill), not filled from parameters");
    if (d->kind == AF_DENSITY_PNG) {
        st = af_png_read_density(d->file, g, d->scale, rho, err);
        if (st != AF_OK)
            return st;
    } else {
        int n = g->n;
        for (int j = 0; j < n; j++) {
            double y = af_grid_center(g, j);
            for (int i = 0; i < n; i++) {
                double x = af_grid_center(g, i), v = 0;
                switch (d->kind) {
                case AF_DENSITY_UNIFORM: v = d->value; break;
                case AF_DENSITY_GAUSSIAN:
                    v = d->value * gauss(x - d->center[0], y - d->center[1], d->sigma);
                    break;
                case AF_DENSITY_MIXTURE:
                    for (int k = 0; k < d->ncomponents; k++) {
                        const double *c = d->components + 4 * k;
                        v += c[0] * gauss(x - c[1], y - c[2], c[3]);
                    }
                    break;
                case AF_DENSITY_EXP: v = d->value * exp(d->a[0] * x + d->a[1] * y); break;
                default: break;
                }
                rho[(size_t)j * n + i] = v;
            }
        }
    }
    /* exp(a.x) can overflow for large a: the check catches it. */
    return af_density_check(g, rho, "density", err);
}
