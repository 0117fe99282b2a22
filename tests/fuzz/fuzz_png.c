/* advflow fuzzing: the PNG readers of png.h (shape = png, density kind =
 * png, attack --mask).
 *
 * Input: two bytes, then the file.  n = 1 + (byte0 & 63) is the grid;
 * byte1 & 1 chooses af_png_read_density (scale = byte1 >> 1, over 16) over
 * af_png_read_mask (threshold = (byte1 >> 1) / 127).  The file is read
 * twice, with an af_error and with NULL (the same status); a mask read
 * holds 0 and 1, a density values in [0, scale].
 * GPL-3.0-or-later.
 */
#include <math.h>

#include "advflow/png.h"
#include "fuzz.h"

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    int n = 1 + (data[0] & 63), density = data[1] & 1;
    double threshold = (data[1] >> 1) / 127.0, scale = (data[1] >> 1) / 16.0;
    char path[512];
    fuzz_path(path, sizeof path, "image.png");
    fuzz_write(path, data + 2, size - 2);

    af_grid g;
    FUZZ_CHECK(af_grid_init(&g, 2, n, -1, 1, AF_EDGE_CLAMP, NULL) == AF_OK);
    size_t cells = af_grid_cells(&g);
    uint8_t *mask = malloc(cells);
    double *rho = malloc(cells * sizeof *rho);
    FUZZ_CHECK(mask && rho);
    af_error err;
    af_status st = density ? af_png_read_density(path, &g, scale, rho, &err)
                           : af_png_read_mask(path, &g, threshold, mask, &err);
    af_status st2 = density ? af_png_read_density(path, &g, scale, rho, NULL)
                            : af_png_read_mask(path, &g, threshold, mask, NULL);
    FUZZ_CHECK(st == st2);
    if (st != AF_OK)
        FUZZ_CHECK(err.status == st && err.msg[0] != '\0');
    else
        for (size_t k = 0; k < cells; k++)
            FUZZ_CHECK(density ? rho[k] >= 0 && rho[k] <= scale : mask[k] <= 1);
    free(mask);
    free(rho);
    return 0;
}
