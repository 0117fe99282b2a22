/* advflow benchmark: the cost of writing one frame (af_png_write_frame) of
 * a run, at n = 256 (automatic scale: 4 pixels per cell) and n = 1024 (1
 * pixel per cell), both about 1024 pixels of map: one gray density with a
 * star-shaped region, and two class densities with 400 data points; and an
 * overview of nine boundaries at n = 256.  The median of REPEATS writes,
 * PNG compression included (files go to /tmp and are removed), in CPU
 * time of the process: the work is single-threaded, and the wall clock of a
 * shared machine would add other programs' time.
 * GPL-3.0-or-later. */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "advflow/png.h"
#include "benchutil.h"

#define REPEATS 7
#define NPOINTS 400

/* A five-pointed star of radius 0.55 +- 0.2 about the centre, scaled by s. */
static void star(const af_grid *g, double s, uint8_t *m)
{
    int n = g->n;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            double x = g->lo + (i + 0.5) * g->dx, y = g->lo + (j + 0.5) * g->dx;
            double r = hypot(x, y), th = atan2(y, x);
            m[i + (size_t)n * j] = r <= s * (0.55 + 0.2 * cos(5 * (th - 1.5707963))) ;
        }
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static double time_frame(const char *path, const af_png_frame *f)
{
    double t[REPEATS];
    for (int k = 0; k < REPEATS; k++) {
        af_error err;
        double t0 = cpu_now();
        if (af_png_write_frame(path, f, &err) != AF_OK) {
            fprintf(stderr, "bench_frame: %s\n", err.msg);
            exit(1);
        }
        t[k] = 1e3 * (cpu_now() - t0);
    }
    unlink(path);
    return bu_median(t, REPEATS);
}

int main(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/af_bench_frame_%ld.png", (long)getpid());
    static const int sizes[2] = {256, 1024};
    for (int q = 0; q < 2; q++) {
        int n = sizes[q];
        af_grid g;
        af_error err;
        if (af_grid_init(&g, 2, n, -1.0, 1.0, AF_EDGE_CLAMP, &err) != AF_OK)
            return 1;
        size_t cells = af_grid_cells(&g);
        double *r0 = malloc(cells * sizeof *r0), *r1 = malloc(cells * sizeof *r1);
        uint8_t *m = malloc(cells);
        double pts[2 * NPOINTS];
        uint8_t lab[NPOINTS];
        if (!r0 || !r1 || !m)
            return 1;
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) {
                double x = g.lo + (i + 0.5) * g.dx, y = g.lo + (j + 0.5) * g.dx;
                r0[i + (size_t)n * j] = exp(-((x + 0.3) * (x + 0.3) + y * y) / 0.2);
                r1[i + (size_t)n * j] = exp(-((x - 0.3) * (x - 0.3) + y * y) / 0.2);
            }
        for (int k = 0; k < NPOINTS; k++) {
            pts[2 * k] = 0.9 * cos(0.7 * k);
            pts[2 * k + 1] = 0.9 * sin(1.3 * k);
            lab[k] = (uint8_t)(k % 2);
        }
        star(&g, 1.0, m);
        af_png_frame f;
        memset(&f, 0, sizeof f);
        f.grid = &g;
        f.density = r0;
        f.mask = m;
        char name[64];
        snprintf(name, sizeof name, "frame_gray_ms_%d", n);
        bu_print(name, time_frame(path, &f));
        f.density1 = r1;
        f.points = pts;
        f.point_labels = lab;
        f.npoints = NPOINTS;
        snprintf(name, sizeof name, "frame_two_hue_ms_%d", n);
        bu_print(name, time_frame(path, &f));
        if (n == 256) {
            uint8_t *c[9];
            for (int k = 0; k < 9; k++) {
                if (!(c[k] = malloc(cells)))
                    return 1;
                star(&g, 1.0 - 0.1 * k, c[k]);
            }
            memset(&f, 0, sizeof f);
            f.grid = &g;
            f.density = r0;
            f.contours = (const uint8_t *const *)c;
            f.ncontours = 9;
            bu_print("overview_ms_256", time_frame(path, &f));
            for (int k = 0; k < 9; k++)
                free(c[k]);
        }
        free(r0);
        free(r1);
        free(m);
    }
    return 0;
}
