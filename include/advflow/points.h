/* advflow: labelled data points.
 *
 * A data set is a list of points (x, y), in length (box) units, each with a
 * label 0 or 1 (the class), and one weight per class: every point of class c
 * counts weight[c] in densities, risks and bounds (default 1; a weight is how
 * a user sets class priors that differ from the class counts).
 *
 * Points come from a CSV file (af_points_read_csv) or from a generator
 * (af_points_generate: two moons, two blobs, two circles, XOR), seeded with
 * GSL's MT19937 so that the same seed gives the same points on every machine.
 * Generated sets are centred in the box and scaled with it (see
 * af_points_generate); files are taken as they are, and af_points_crop removes
 * the points that fall outside the box (docs/cases.md says why they are
 * dropped rather than refused).
 *
 * Ownership: an af_points owns its arrays; af_points_free frees them all.
 * GPL-3.0-or-later.
 */
#ifndef ADVFLOW_POINTS_H
#define ADVFLOW_POINTS_H

#include <stddef.h>
#include <stdint.h>

#include "advflow/grid.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest number of points read or generated. */
#define AF_POINTS_MAX ((size_t)1 << 24)

typedef struct {
    size_t count;     /* number of points */
    double *x, *y;    /* coordinates, length units, finite */
    uint8_t *label;   /* 0 or 1 */
    double weight[2]; /* weight of one point of class 0 and of class 1, finite and > 0 */
} af_points;

/* Room for count points (count <= AF_POINTS_MAX; 0 is allowed), coordinates
 * and labels 0, weights 1.  NULL with err set on a bad count or no memory. */
af_points *af_points_alloc(size_t count, af_error *err);
void af_points_free(af_points *p); /* accepts NULL */

/* Read a CSV file of points.  One point per line: x, y, label, separated by
 * commas (blanks around fields are ignored; CRLF line ends and a leading
 * UTF-8 byte order mark are accepted).  The first line that is neither
 * blank nor a comment may be a header: three fields none of which is a
 * number, e.g. "x,y,label" (a first line with some numeric field is data,
 * so that a typo in the first point is reported rather than dropped); lines
 * whose first non-blank character is '#' are comments, and blank lines are
 * skipped.  Numbers are read by strtod in the "C" locale.  Errors
 * (AF_EFORMAT unless said), each
 * naming "FILE:LINE:": a line without exactly three fields, a field that is
 * not a number, a coordinate that is NaN or infinite, a label other than 0
 * or 1 (written as 0, 1, 0.0, 1e0, ...), a line longer than 4095
 * characters, a NUL byte, more than AF_POINTS_MAX points; AF_EIO when the
 * file cannot be opened or read.  An empty file is not an error here: the
 * caller decides (af_case refuses it).  Weights are 1. */
af_points *af_points_read_csv(const char *path, af_error *err);

/* Write points as CSV: a header "x,y,label" and one line per point with
 * 17 significant digits (af_points_read_csv gives the same points back).
 * Atomic: written to a temporary file beside path and renamed (mode 0644).
 * Weights are not written.  AF_EINVAL (nothing written) when a coordinate
 * is not finite or a label is not 0 or 1, so that every file written reads
 * back; AF_EIO naming path when the file cannot be written. */
af_status af_points_write_csv(const char *path, const af_points *p, af_error *err);

/* Generated data sets. */
typedef enum {
    AF_DATA_MOONS = 0,   /* two interleaving half circles (class 0 the upper one) */
    AF_DATA_BLOBS = 1,   /* two isotropic Gaussian blobs */
    AF_DATA_CIRCLES = 2, /* two concentric circles (class 1 the inner one) */
    AF_DATA_XOR = 3      /* four Gaussian blobs at the corners of a square, label = xor of
                            the signs of x and y */
} af_data_kind;

typedef struct {
    af_data_kind kind;
    size_t count;        /* number of points, 2 <= count <= AF_POINTS_MAX; class 0 gets
                            count / 2 (rounded up), class 1 the rest */
    double noise;        /* standard deviation of the Gaussian noise added to each
                            coordinate, in the data set's own units (below), >= 0 */
    unsigned long seed;  /* GSL MT19937 seed; GSL uses its low 32 bits, and takes 0
                            as its default seed 4357 */
} af_data_gen;

/* Generate a data set and map it into the box of g.  Each kind is defined
 * in its own units, as scikit-learn defines it where it has one:
 *   moons    class 0 (cos t, sin t), class 1 (1 - cos t, 1/2 - sin t), t evenly
 *            spaced over [0, pi] (first and last included), then shifted by
 *            (-1/2, -1/4) so that the set is centred at 0;
 *   blobs    class 0 at (-1, 0), class 1 at (1, 0), plus the noise only;
 *   circles  class 0 on the circle of radius 1, class 1 on radius 1/2, angles
 *            evenly spaced over [0, 2 pi) (last excluded);
 *   xor      class 0 at (1, 1) and (-1, -1), class 1 at (1, -1) and (-1, 1),
 *            alternating, plus the noise;
 * then Gaussian noise of standard deviation `noise` is added to each
 * coordinate, and the set is scaled by (hi - lo) / 4 and moved to the
 * centre of the box (moons span 3/4 of the box's width).  Points that the
 * noise throws outside the box are kept (af_points_crop removes them).
 * The points come class 0 first, then class 1, each class in the order of
 * its parameter t (moons, circles) or alternating corner (xor).
 * Deterministic: the same parameters give the same points; the random
 * numbers are two standard Gaussians (gsl_ran_gaussian_ziggurat) per point,
 * x then y, in the order of the points, drawn even when noise = 0 (so a set
 * is an affine function of its noise).  AF_EINVAL on a bad kind, count or
 * noise (NaN, infinite or < 0); the grid is checked as by af_grid_check. */
af_points *af_points_generate(const af_grid *g, const af_data_gen *d, af_error *err);

/* Natural noise of a kind, used when a case does not give one: moons 0.1,
 * blobs 0.4, circles 0.05, xor 0.3; NaN for an unknown kind (which
 * af_points_generate then refuses). */
double af_data_default_noise(af_data_kind kind);

/* Name of a kind ("moons", "blobs", "circles", "xor"); NULL if unknown. */
const char *af_data_kind_name(af_data_kind kind);
/* Parse a kind name; 0 and *kind set, or -1 if unknown. */
int af_data_kind_parse(const char *name, af_data_kind *kind);

/* Remove the points outside the closed box [lo, hi]^2 of g, keeping the
 * order of the others; returns how many were removed.  The arrays keep
 * their size (count shrinks). */
size_t af_points_crop(af_points *p, const af_grid *g);

/* Number of points of each class (a nonzero label counts as class 1);
 * both 0 for p = NULL. */
void af_points_class_counts(const af_points *p, size_t count[2]);

/* The cell of g that holds point k: index i + n j with i = floor((x - lo) /
 * dx) clamped to 0 .. n - 1 (so x = hi is in the last cell), same for j.
 * The point must be inside the box. */
size_t af_points_cell(const af_points *p, const af_grid *g, size_t k);

#ifdef __cplusplus
}
#endif
#endif
