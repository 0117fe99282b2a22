/* advflow benchmark: morphology by an l2 ball of radius 32 cells on 2048^2,
 * against one FFTW r2c + c2r pair of the same size (the cost of one FFT
 * convolution, the obvious alternative).  Target: morph_vs_fft_pair_ratio
 * <= 3.  GPL-3.0-or-later. */
#include <fftw3.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "advflow/morph.h"
#include "benchutil.h"

#define N 2048
#define RADIUS 32.0
#define REPEATS 7


/* xorshift64*, so the mask is the same on every run */
static uint64_t bm_rng = 0x9E3779B97F4A7C15ull;
static double bm_uniform(void)
{
    bm_rng ^= bm_rng >> 12;
    bm_rng ^= bm_rng << 25;
    bm_rng ^= bm_rng >> 27;
    return (double)((bm_rng * 2685821657736338717ull) >> 11) * (1.0 / 9007199254740992.0);
}

/* A disc of radius 600 cells, a five-pointed star with a hole, and random
 * blobs (discs) of various sizes, some overlapping the edge of the box. */
static void make_mask(uint8_t *m)
{
    memset(m, 0, (size_t)N * N);
    for (int j = 0; j < N; j++)
        for (int i = 0; i < N; i++) {
            double x = i - 800.0, y = j - 900.0;
            int in = x * x + y * y <= 600.0 * 600.0;
            /* star centred at (1600, 1500): radius oscillates 150..400 */
            double sx = i - 1600.0, sy = j - 1500.0;
            double rho = sqrt(sx * sx + sy * sy), th = atan2(sy, sx);
            double rs = 275.0 + 125.0 * cos(5.0 * th);
            in |= rho <= rs && rho >= 60.0;
            m[i + (size_t)N * j] = (uint8_t)in;
        }
    for (int k = 0; k < 120; k++) {
        double cx = bm_uniform() * N, cy = bm_uniform() * N, rr = 5.0 + 75.0 * bm_uniform();
        int in = bm_uniform() < 0.7; /* some blobs punch holes */
        int j0 = (int)fmax(0, cy - rr), j1 = (int)fmin(N - 1, cy + rr);
        int i0 = (int)fmax(0, cx - rr), i1 = (int)fmin(N - 1, cx + rr);
        for (int j = j0; j <= j1; j++)
            for (int i = i0; i <= i1; i++)
                if ((i - cx) * (i - cx) + (j - cy) * (j - cy) <= rr * rr)
                    m[i + (size_t)N * j] = (uint8_t)in;
    }
}

typedef void (*bm_op)(void *ctx, const uint8_t *in, uint8_t *out);

static void bm_fast_d(void *c, const uint8_t *in, uint8_t *out) { af_morph_dilate(c, in, out); }
static void bm_fast_e(void *c, const uint8_t *in, uint8_t *out) { af_morph_erode(c, in, out); }
static void bm_chord_d(void *c, const uint8_t *in, uint8_t *out) { af_morph_dilate_chords(c, in, out); }
static void bm_chord_e(void *c, const uint8_t *in, uint8_t *out) { af_morph_erode_chords(c, in, out); }
static void bm_fft_d(void *c, const uint8_t *in, uint8_t *out) { af_morph_fft_dilate(c, in, out); }
static void bm_fft_e(void *c, const uint8_t *in, uint8_t *out) { af_morph_fft_erode(c, in, out); }

/* Median over repeats of one dilation plus one erosion, in ms. */
static double time_pair(bm_op dil, bm_op ero, void *ctx, const uint8_t *in, uint8_t *d, uint8_t *e,
                        int repeats)
{
    double t[REPEATS];
    for (int k = 0; k < repeats; k++) {
        double t0 = bu_now();
        dil(ctx, in, d);
        ero(ctx, in, e);
        t[k] = 1e3 * (bu_now() - t0);
    }
    return bu_median(t, repeats);
}

int main(void)
{
    const size_t cells = (size_t)N * N;
    af_error err;
    af_grid g;
    if (af_grid_init(&g, 2, N, 0.0, 1.0, AF_EDGE_CLAMP, &err) != AF_OK) {
        fprintf(stderr, "bench_morph: %s\n", err.msg);
        return 1;
    }
    af_ball *b = af_ball_alloc(AF_NORM_2, RADIUS, &err);
    af_morph_work *w = b ? af_morph_work_alloc(&g, b, &err) : NULL;
    af_morph_fft *f = w ? af_morph_fft_alloc(&g, b, &err) : NULL;
    uint8_t *m = malloc(cells), *d1 = malloc(cells), *e1 = malloc(cells), *d2 = malloc(cells),
            *e2 = malloc(cells);
    double *re = fftw_malloc(cells * sizeof *re);
    fftw_complex *sp = fftw_malloc((size_t)N * (N / 2 + 1) * sizeof *sp);
    if (!f || !m || !d1 || !e1 || !d2 || !e2 || !re || !sp) {
        fprintf(stderr, "bench_morph: setup failed: %s\n", f ? "out of memory" : err.msg);
        return 1;
    }
    make_mask(m);

    /* one warm-up pass each, which also pages the buffers in */
    af_morph_dilate(w, m, d1);
    af_morph_erode(w, m, e1);
    double t_fast = time_pair(bm_fast_d, bm_fast_e, w, m, d1, e1, REPEATS);

    /* FFTW pair: plan first (MEASURE overwrites the arrays), time execute only */
    fftw_plan fwd = fftw_plan_dft_r2c_2d(N, N, re, sp, FFTW_MEASURE);
    fftw_plan bwd = fftw_plan_dft_c2r_2d(N, N, sp, re, FFTW_MEASURE);
    if (!fwd || !bwd) {
        fprintf(stderr, "bench_morph: FFTW planning failed\n");
        return 1;
    }
    for (size_t k = 0; k < cells; k++)
        re[k] = m[k];
    double tf[REPEATS];
    fftw_execute(fwd);
    fftw_execute(bwd);
    for (int k = 0; k < REPEATS; k++) {
        double t0 = bu_now();
        fftw_execute(fwd);
        fftw_execute(bwd);
        tf[k] = 1e3 * (bu_now() - t0);
    }
    double t_fft = bu_median(tf, REPEATS);

    double t_chord = time_pair(bm_chord_d, bm_chord_e, w, m, d2, e2, REPEATS);
    int agree = memcmp(d1, d2, cells) == 0 && memcmp(e1, e2, cells) == 0;
    double t_fftm = time_pair(bm_fft_d, bm_fft_e, f, m, d2, e2, REPEATS);
    agree = agree && memcmp(d1, d2, cells) == 0 && memcmp(e1, e2, cells) == 0;

    bu_print("morph_dilate_erode_2048_r32_ms", t_fast);
    bu_print("fftw_r2c_c2r_2048_ms", t_fft);
    bu_print("morph_vs_fft_pair_ratio", t_fast / t_fft);
    bu_print("morph_chords_dilate_erode_2048_r32_ms", t_chord);
    bu_print("morph_fft_dilate_erode_2048_r32_ms", t_fftm);
    bu_print("morph_methods_agree", agree);

    fftw_destroy_plan(fwd);
    fftw_destroy_plan(bwd);
    fftw_free(re);
    fftw_free(sp);
    free(m);
    free(d1);
    free(e1);
    free(d2);
    free(e2);
    af_morph_fft_free(f);
    af_morph_work_free(w);
    af_ball_free(b);
    return agree ? 0 : 1;
}
