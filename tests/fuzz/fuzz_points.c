/* advflow fuzzing: the points CSV reader (points.h).
 *
 * Input: the bytes of a points file.  af_points_read_csv reads it (twice,
 * with an af_error and with NULL: the result must not depend on it); the
 * points read must be finite with labels 0 or 1 and weights 1.  Then what
 * a case does with them on a small grid (af_points_crop,
 * af_points_class_counts, af_points_cell), and af_points_write_csv, whose
 * file must read back to the same points (points.h promises it).
 * GPL-3.0-or-later.
 */
#include <math.h>

#include "advflow/points.h"
#include "fuzz.h"

static void check_points(const af_points *p)
{
    FUZZ_CHECK(p->count <= AF_POINTS_MAX);
    FUZZ_CHECK(p->weight[0] == 1 && p->weight[1] == 1);
    for (size_t k = 0; k < p->count; k++) {
        FUZZ_CHECK(isfinite(p->x[k]) && isfinite(p->y[k]));
        FUZZ_CHECK(p->label[k] <= 1);
    }
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    char path[512], out[512];
    fuzz_path(path, sizeof path, "points.csv");
    fuzz_path(out, sizeof out, "written.csv");
    fuzz_write(path, data, size);

    af_error err;
    af_points *p = af_points_read_csv(path, &err);
    af_points *q = af_points_read_csv(path, NULL);
    FUZZ_CHECK((p == NULL) == (q == NULL));
    af_points_free(q);
    if (!p) {
        FUZZ_CHECK(err.status != AF_OK && err.msg[0] != '\0');
        return 0;
    }
    check_points(p);

    /* written and read back: the same points */
    af_status st = af_points_write_csv(out, p, &err);
    FUZZ_CHECK(st == AF_OK);
    af_points *back = af_points_read_csv(out, &err);
    FUZZ_CHECK(back != NULL);
    FUZZ_CHECK(back->count == p->count);
    for (size_t k = 0; k < p->count; k++)
        FUZZ_CHECK(back->x[k] == p->x[k] && back->y[k] == p->y[k] && back->label[k] == p->label[k]);
    af_points_free(back);

    /* a case's use on a small grid */
    af_grid g;
    FUZZ_CHECK(af_grid_init(&g, 2, 16, -1, 1, AF_EDGE_CLAMP, NULL) == AF_OK);
    size_t total = p->count, removed = af_points_crop(p, &g);
    FUZZ_CHECK(removed + p->count == total);
    size_t count[2];
    af_points_class_counts(p, count);
    FUZZ_CHECK(count[0] + count[1] == p->count);
    for (size_t k = 0; k < p->count; k++) {
        FUZZ_CHECK(p->x[k] >= g.lo && p->x[k] <= g.hi && p->y[k] >= g.lo && p->y[k] <= g.hi);
        FUZZ_CHECK(af_points_cell(p, &g, k) < af_grid_cells(&g));
    }
    af_points_free(p);
    return 0;
}
