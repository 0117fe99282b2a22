/* advflow: densities of the two classes.
 *
 * Densities are fields of doubles on a grid, one per cell, sampled at cell
 * centres.  They are unnormalised: only ratios and the product with the
 * fidelity weight matter for the flow.  Every fill checks that the result
 * is finite and >= 0 everywhere (AF_EINVAL names the first bad cell), so
 * no NaN or negative density can reach a solver.
 * GPL-3.0-or-later.
 */
#ifndef ADVFLOW_DENSITY_H
#define ADVFLOW_DENSITY_H

#include "advflow/grid.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    AF_DENSITY_UNIFORM,  /* rho = value (>= 0) */
    AF_DENSITY_GAUSSIAN, /* rho = value exp(-|x - center|^2 / (2 sigma^2)), sigma > 0 */
    AF_DENSITY_MIXTURE,  /* rho = sum_k w_k exp(-|x - c_k|^2 / (2 s_k^2)); components =
                            w cx cy s, repeated; w >= 0, s > 0 */
    AF_DENSITY_EXP,      /* rho = value exp(a . x) */
    AF_DENSITY_PNG,      /* rho = scale * gray of a PNG (0 = black .. 1 = white), scale >= 0 */
    AF_DENSITY_KDE       /* kernel density estimate of data points (kde.h), bandwidth
                            (length units; 0 = Silverman's rule) and floor (relative mass of a
                            uniform background, >= 0); filled by af_case_densities, not by
                            af_density_fill, which needs no points */
} af_density_kind;

typedef struct {
    af_density_kind kind;
    double value;             /* uniform, gaussian, exp: multiplier (default 1) */
    double center[2];         /* gaussian */
    double sigma;             /* gaussian */
    const double *components; /* mixture: 4 * ncomponents values, caller-owned */
    int ncomponents;
    double a[2];              /* exp */
    const char *file;         /* png, caller-owned */
    double scale;             /* png */
    double bandwidth;         /* kde: >= 0, 0 = Silverman */
    double floor;             /* kde: >= 0 */
} af_density;

/* rho[x] for every cell; checks parameters and the result.  AF_EINVAL for
 * AF_DENSITY_KDE, which is made from points (af_case_densities, kde.h). */
af_status af_density_fill(const af_grid *g, const af_density *d, double *rho, af_error *err);

/* Check d's parameters without evaluating it (af_density_fill does this
 * first): a known kind, value finite and >= 0, finite centres, sigma > 0,
 * mixture weights >= 0, a png file name.  Does not read the png. */
af_status af_density_params_check(const af_density *d, af_error *err);

/* Largest density value accepted.  The flow depends only on the densities'
 * ratios, and sums of densities times cell areas and costs must stay far
 * from overflow (at 1e306 Per_eps was 3e306 and the risks NaN; at 1e308
 * infinite, and the set vanished): scale larger data down. */
#define AF_DENSITY_MAX 1e150

/* Check that rho is finite, >= 0 and <= AF_DENSITY_MAX everywhere; `what`
 * names it in the message. */
af_status af_density_check(const af_grid *g, const double *rho, const char *what, af_error *err);

const char *af_density_kind_name(af_density_kind kind);
int af_density_kind_parse(const char *name, af_density_kind *kind);

#ifdef __cplusplus
}
#endif
#endif
