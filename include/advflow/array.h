/* advflow: fields on the grid in files, as NumPy .npy and as CSV.
 *
 * Layout.  A 2D field on an n x n grid is the array a[j, i] (n rows of n
 * values, C order) with a[j, i] the value at the cell centre
 * (x_i, y_j), x_i = lo + (i + 1/2) dx, j counting up from y = lo: exactly
 * advflow's flat index i + n j, and exactly what
 *
 *     xc = lo + (np.arange(n) + 0.5) * dx
 *     X, Y = np.meshgrid(xc, xc)          # X[j, i] = x_i, Y[j, i] = y_j
 *     np.save("scores.npy", f(X, Y))
 *
 * produces.  (Shown as an image with row 0 on top, such an array is upside
 * down; advflow's PNGs put y = hi on top.)
 *
 * .npy: format versions 1.0, 2.0 and 3.0; dtypes float64 ('<f8'), float32
 * ('<f4') and uint8 ('|u1', '<u1'), little endian, C order; 2D arrays whose
 * shape is (n, n).  Anything else (big endian, Fortran order, other dtypes,
 * other shapes, a header that does not parse, a file shorter or longer than
 * its header says) is AF_EFORMAT with a message naming the file and what
 * was found.  advflow reads .npy with its own reader (no Python needed).
 * Headers longer than 64 KiB are refused.  Files advflow writes are
 * version 1.0, byte for byte what np.save (numpy 1.24) writes for the
 * same array.
 *
 * .csv: n lines of n numbers separated by commas or blanks, the first line
 * being j = 0 (y = lo); '#' comment lines and blank lines are skipped.
 * Numbers are read with strtod, in the program's numeric locale (the C
 * locale, decimal point '.', unless the program calls setlocale); lines
 * may end in CRLF.  A line longer than n * 64 + 1024 characters, or one
 * holding a NUL byte, is an error, so a binary file or one without
 * newlines is refused early.  Errors name the file and line.
 *
 * Values read must be finite: NaN or infinity is AF_EFORMAT naming the
 * entry [j, i].  Writes store the values as given, without that check.
 * Writes are atomic (a temporary file PATH.tmp.XXXXXX renamed into place,
 * mode 0644).
 * GPL-3.0-or-later.
 */
#ifndef ADVFLOW_ARRAY_H
#define ADVFLOW_ARRAY_H

#include <stdint.h>

#include "advflow/grid.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    AF_DTYPE_F64 = 0, /* float64, '<f8' */
    AF_DTYPE_F32 = 1, /* float32, '<f4' */
    AF_DTYPE_U8 = 2   /* uint8, '|u1' */
} af_dtype;

/* Read the field of an n x n grid (n = g->n) from path into field
 * (af_grid_cells doubles, caller-owned), choosing the format by the name's
 * suffix: ".npy", else ".csv" (case-insensitive); another suffix is
 * AF_EINVAL.  On failure field may hold a partial result. */
af_status af_array_read(const char *path, const af_grid *g, double *field, af_error *err);

/* The same for one format, whatever the suffix. */
af_status af_array_read_npy(const char *path, const af_grid *g, double *field, af_error *err);
af_status af_array_read_csv(const char *path, const af_grid *g, double *field, af_error *err);

/* Write an n x n field as .npy version 1.0 of the given dtype; data holds
 * af_grid_cells values of that type (double, float or uint8_t). */
af_status af_array_write_npy(const char *path, const af_grid *g, const void *data,
                             af_dtype dtype, af_error *err);

#ifdef __cplusplus
}
#endif
#endif
