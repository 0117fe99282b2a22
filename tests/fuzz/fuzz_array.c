/* advflow fuzzing: the field readers of array.h, .npy and CSV (score maps,
 * initial level sets).
 *
 * Input: one byte, then the file.  The byte chooses the grid and the
 * reader: n = 1 + (byte & 63), and byte & 0x80 the CSV reader
 * (af_array_read_csv), else the .npy reader (af_array_read_npy).  The
 * file is read twice, with an af_error and with NULL (the same status);
 * a field read must be finite, and written by af_array_write_npy it must
 * read back bit for bit.
 * GPL-3.0-or-later.
 */
#include <math.h>

#include "advflow/array.h"
#include "fuzz.h"

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int n = 1 + (data[0] & 63), csv = (data[0] & 0x80) != 0;
    char path[512], out[512];
    fuzz_path(path, sizeof path, csv ? "field.csv" : "field.npy");
    fuzz_path(out, sizeof out, "written.npy");
    fuzz_write(path, data + 1, size - 1);

    af_grid g;
    FUZZ_CHECK(af_grid_init(&g, 2, n, 0, 1, AF_EDGE_CLAMP, NULL) == AF_OK);
    size_t cells = af_grid_cells(&g);
    double *field = malloc(cells * sizeof *field), *again = malloc(cells * sizeof *again);
    FUZZ_CHECK(field && again);
    af_error err;
    af_status st = csv ? af_array_read_csv(path, &g, field, &err)
                       : af_array_read_npy(path, &g, field, &err);
    af_status st2 = csv ? af_array_read_csv(path, &g, again, NULL)
                        : af_array_read_npy(path, &g, again, NULL);
    FUZZ_CHECK(st == st2);
    if (st != AF_OK) {
        FUZZ_CHECK(err.status == st && err.msg[0] != '\0');
    } else {
        for (size_t k = 0; k < cells; k++)
            FUZZ_CHECK(isfinite(field[k]));
        FUZZ_CHECK(af_array_write_npy(out, &g, field, AF_DTYPE_F64, &err) == AF_OK);
        FUZZ_CHECK(af_array_read_npy(out, &g, again, &err) == AF_OK);
        FUZZ_CHECK(memcmp(field, again, cells * sizeof *field) == 0);
    }
    free(field);
    free(again);
    return 0;
}
