/* advflow: binary morphology of masks by digital balls.
 *
 * Dilation D(x) = max of the mask over x + B, erosion E(x) = min over x + B,
 * with B a digital ball (ball.h).  With AF_EDGE_CLAMP the ball is cut to the
 * grid; with AF_EDGE_PERIODIC it wraps (the ball must then fit: 2r < n).
 * Masks are uint8 arrays of af_grid_cells() values, x fastest; on input any
 * non-zero value is inside, on output inside is 1 and outside 0.
 *
 * Four methods compute the same sets:
 *   af_morph_dilate / af_morph_erode   the fast method used everywhere: column
 *       distances to the nearest inside cell, then one forward and one
 *       backward sweep per row over the chord half-widths.  Exact, O(n^2)
 *       whatever the radius.  Needs a workspace (no allocation per call).
 *   af_morph_dilate_chords / _erode_chords   running max/min over segments
 *       of every chord half-width (layer w from layer w-1 by two shifts),
 *       then a max over the ball's rows: O(r) per cell; the structure the
 *       min-cut graphs use.
 *   af_morph_dilate_brute / _erode_brute     loop over every offset: O(|B|)
 *       per cell; the reference for tests.
 *   af_morph_fft_*   coverage counts by FFT convolution (FFTW); dilation is
 *       count > 0, erosion is count of the complement = 0.  Cross-check.
 * Erosion is computed as the complement of the dilation of the complement
 * (balls are symmetric), so both edge modes agree with the definition.
 * GPL-3.0-or-later.
 */
#ifndef ADVFLOW_MORPH_H
#define ADVFLOW_MORPH_H

#include <stdint.h>

#include "advflow/ball.h"
#include "advflow/grid.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Workspace for the fast and chord methods on one grid and ball. */
typedef struct af_morph_work af_morph_work;

/* Allocate a workspace; the grid and ball are copied (the caller may free
 * its own afterwards).  NULL with err set on bad sizes or no memory. */
af_morph_work *af_morph_work_alloc(const af_grid *g, const af_ball *b, af_error *err);
void af_morph_work_free(af_morph_work *w); /* accepts NULL */

/* Fast exact dilation / erosion.  in and out may not alias. */
void af_morph_dilate(af_morph_work *w, const uint8_t *in, uint8_t *out);
void af_morph_erode(af_morph_work *w, const uint8_t *in, uint8_t *out);

/* Chord method (same results, O(r) per cell). */
void af_morph_dilate_chords(af_morph_work *w, const uint8_t *in, uint8_t *out);
void af_morph_erode_chords(af_morph_work *w, const uint8_t *in, uint8_t *out);

/* Brute force over every offset (no workspace, no allocation). */
void af_morph_dilate_brute(const af_grid *g, const af_ball *b, const uint8_t *in, uint8_t *out);
void af_morph_erode_brute(const af_grid *g, const af_ball *b, const uint8_t *in, uint8_t *out);

/* FFT coverage counts.  The plan holds FFTW plans, the ball's transform and
 * buffers (zero-padded to at least n + r cells per axis for AF_EDGE_CLAMP;
 * AF_EDGE_PERIODIC needs 2r < n, as for the workspace). */
typedef struct af_morph_fft af_morph_fft;

af_morph_fft *af_morph_fft_alloc(const af_grid *g, const af_ball *b, af_error *err);
void af_morph_fft_free(af_morph_fft *p); /* accepts NULL */

/* count[x] = number of ball offsets z with x + z inside the mask (and inside
 * the grid, for clamp), rounded to the nearest integer. */
void af_morph_fft_count(af_morph_fft *p, const uint8_t *in, double *count);
void af_morph_fft_dilate(af_morph_fft *p, const uint8_t *in, uint8_t *out);
void af_morph_fft_erode(af_morph_fft *p, const uint8_t *in, uint8_t *out);

#ifdef __cplusplus
}
#endif
#endif
