/* advflow: the minimizing-movements step's band and window (mm_plan.h).
 * GPL-3.0-or-later.
 *
 * Band.  Only cells with -w_in <= s / dx <= w_out are variables; the others
 * keep their value.  The reach on each side follows what the previous step
 * moved there (the drivers, mm.c and mm_levelset.c).  If a changed cell
 * touches a fixed cell of finite |s| the band grows on that side and the
 * step is solved again.
 *
 * Window.  On a clamped grid whose set is small next to the box, a step runs
 * on a square window around the set (the set's bounding box with a margin of
 * two and a half band reaches and two balls), a plan of its own (the child),
 * so that its cost follows the set and not the box; a change that reaches
 * near the window's edge makes the step run again on the whole grid.  The
 * result is the same (tested).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mm_plan.h"
#include "threads_internal.h"

void mm_band_set(af_mm_plan *p, const uint8_t *ak, int flip, double w_in, double w_out, int full)
{
    double lim_in = -w_in * p->g.dx, lim_out = w_out * p->g.dx;
    p->lim_in = -lim_in;
    p->lim_out = lim_out;
#pragma omp parallel for num_threads(af_threads_for_cells(p->cells)) schedule(static)
    for (size_t x = 0; x < p->cells; x++) {
        uint8_t v = ak[x] ^ (uint8_t)flip;
        p->var[x] = full || (p->s[x] >= lim_in && p->s[x] <= lim_out
                             && (!p->band_allow || p->band_allow[x]
                                 || fabs(p->s[x]) <= p->band_floor));
        p->fix1[x] = !p->var[x] && v;
        p->fix0[x] = !p->var[x] && !v;
    }
    af_morph_dilate(p->morph, p->fix1, p->m1);
    af_morph_dilate(p->morph, p->fix0, p->m0);
    /* Ball b's term is constant where B_b(x) meets a fixed 1 (max) or 0
     * (min): bit b of m1 / m0 (0 or 1 with one ball).  Ball 0 is the
     * largest, so its reach holds every centre whose terms may vary. */
    for (int b = 1; b < p->nb; b++)
        for (int k = 0; k < 2; k++) {
            uint8_t *m = k ? p->m0 : p->m1, *t = p->mtmp;
            af_morph_dilate(p->bmorph[b], k ? p->fix0 : p->fix1, t);
#pragma omp parallel for num_threads(af_threads_for_cells(p->cells)) schedule(static)
            for (size_t x = 0; x < p->cells; x++)
                m[x] |= (uint8_t)(t[x] << b);
        }
    af_morph_dilate(p->morph, p->var, p->reach);
}

/* Neighbour k (0-3: 4-neighbours) of cell (i, j): its index in *y and 1,
 * or 0 when it lies outside a clamped grid. */
static inline int neighbour(int n, int per_grid, int i, int j, int k, size_t *y)
{
    static const int di[4] = {1, -1, 0, 0}, dj[4] = {0, 0, 1, -1};
    int ii = i + di[k], jj = j + dj[k];
    if (per_grid) {
        ii = (ii + n) % n;
        jj = (jj + n) % n;
    } else if (ii < 0 || ii >= n || jj < 0 || jj >= n) {
        return 0;
    }
    *y = (size_t)jj * n + ii;
    return 1;
}

int mm_band_touches_edge(const af_mm_plan *p, const uint8_t *band,
                         int (*changed)(const af_mm_plan *p, const void *ctx, size_t x),
                         const void *ctx)
{
    int n = p->n, per = p->g.edge == AF_EDGE_PERIODIC, sides = 0;
#pragma omp parallel for num_threads(af_threads_for_cells(p->cells)) schedule(static) \
    reduction(| : sides)
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            size_t x = (size_t)j * n + i;
            if (!band[x] || !changed(p, ctx, x))
                continue;
            for (int k = 0; k < 4; k++) {
                size_t y;
                if (!neighbour(n, per, i, j, k, &y))
                    continue;
                if (!band[y] && fabs(p->s[y]) < p->s_cap) {
                    sides |= p->s[y] < 0 ? 1 : 2;
                    if (p->s[y] < -p->lim_in || p->s[y] > p->lim_out)
                        sides |= p->s[y] < 0 ? 4 : 8;
                }
            }
        }
    return sides;
}

int mm_band_moved(const af_mm_plan *p, const uint8_t *in, const uint8_t *out, double shift[2])
{
    int changed = 0;
    shift[0] = shift[1] = 0;
#pragma omp parallel for num_threads(af_threads_for_cells(p->cells)) schedule(static) \
    reduction(+ : changed) reduction(max : shift[:2])
    for (size_t x = 0; x < p->cells; x++)
        if (out[x] != in[x]) {
            changed++;
            int side = p->s[x] > 0;
            double d = fabs(p->s[x]);
            if (d > shift[side])
                shift[side] = d;
        }
    return changed;
}

/* Copy the window [i0, i0 + m) x [j0, j0 + m) of a full-grid field into a
 * child-sized one (elem bytes per cell), or back (to_full). */
static void window_copy(const af_mm_plan *p, int i0, int j0, int m, void *full, void *win,
                        size_t elem, int to_full)
{
    for (int j = 0; j < m; j++) {
        char *f = (char *)full + ((size_t)(j0 + j) * p->n + i0) * elem;
        char *w = (char *)win + (size_t)j * m * elem;
        if (to_full)
            memcpy(f, w, (size_t)m * elem);
        else
            memcpy(w, f, (size_t)m * elem);
    }
}

void mm_window_drop(af_mm_plan *p)
{
    af_mm_plan_free(p->child);
    free(p->win_in);
    free(p->win_out);
    p->child = NULL;
    p->win_in = p->win_out = NULL;
    p->win_elem = 0;
}

/* The child plan for windows of side m (made or remade only when the set
 * needs a larger window than any before, or other cells). */
static af_status child_for(af_mm_plan *p, int m, size_t elem, af_error *err)
{
    /* a resumed run's plan makes its first child as large as the run had
     * made it (af_mm_plan_set_state): the window's size decides which
     * cells the step sees, and so the statistics a history records */
    if (!p->child && p->window_hint > m)
        m = p->window_hint < p->n ? p->window_hint : p->n;
    if (p->child && p->child->n >= m && p->win_elem == elem)
        return AF_OK;
    mm_window_drop(p);
    af_grid cg;
    /* only dx matters to the step: coordinates never enter it */
    af_status s = af_grid_init(&cg, 2, m, 0, m * p->g.dx, AF_EDGE_CLAMP, err);
    if (s != AF_OK)
        return s;
    cg.dx = p->g.dx;
    /* the parent's parameters are checked; the window's densities are copied
     * in before every step */
    af_error e; /* the status, whether or not the caller wants the message */
    if (!(p->child = mm_plan_new(&cg, &p->prm, &e))) {
        if (err)
            *err = e;
        return e.status;
    }
    p->child->is_child = 1;
    p->child->own_rho0 = malloc((size_t)m * m * sizeof(double));
    p->child->own_rho1 = malloc((size_t)m * m * sizeof(double));
    p->child->rho0 = p->child->own_rho0;
    p->child->rho1 = p->child->own_rho1;
    p->win_in = malloc((size_t)m * m * elem);
    p->win_out = malloc((size_t)m * m * elem);
    if (!p->win_in || !p->win_out || !p->child->own_rho0 || !p->child->own_rho1) {
        /* leave no child whose buffers are missing */
        af_mm_plan_free(p->child);
        free(p->win_in);
        free(p->win_out);
        p->child = NULL;
        p->win_in = p->win_out = NULL;
        return af_error_set(err, AF_ENOMEM, "mm: out of memory for a %d^2 window", m);
    }
    p->win_elem = elem;
    return AF_OK;
}

af_status mm_window_step(af_mm_plan *p, const void *in, void *out, size_t elem,
                         int (*inside)(const void *in, size_t x),
                         int (*changed)(const af_mm_plan *p, const void *in, const void *out, size_t x),
                         mm_step_fn step_grid, af_mm_stats *st, int *done, af_error *err)
{
    *done = 0;
    int n = p->n;
    double t0 = mm_now_ms();
    /* The set's bounding box; an empty set is left to the whole-grid step. */
    int bi0 = n, bi1 = -1, bj0 = n, bj1 = -1;
#pragma omp parallel for num_threads(af_threads_for_cells(p->cells)) schedule(static) \
    reduction(min : bi0, bj0) reduction(max : bi1, bj1)
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
            if (inside(in, (size_t)j * n + i)) {
                bi0 = i < bi0 ? i : bi0;
                bi1 = i > bi1 ? i : bi1;
                bj0 = j < bj0 ? j : bj0;
                bj1 = j > bj1 ? j : bj1;
            }
    if (bi1 < 0)
        return AF_OK;
    /* Margin: the band's reach with room for widening, and two balls (the
     * band's terms reach one ball out, and their balls one more). */
    double w = p->w_in > p->w_out ? p->w_in : p->w_out;
    if (w < MM_FIRST_BAND(p) || p->prm.band_cells > 0)
        w = p->prm.band_cells > 0 ? p->prm.band_cells : MM_FIRST_BAND(p);
    int margin = (int)ceil(2.5 * w) + 2 * p->r + 8;
    int bw = bi1 - bi0 + 1, bh = bj1 - bj0 + 1;
    int need = (bw > bh ? bw : bh) + 2 * margin;
    if (need > (3 * n) / 4)
        return AF_OK; /* no gain: the box itself */
    af_status s = child_for(p, need + need / 16 < n ? need + need / 16 : n, elem, err);
    if (s != AF_OK)
        return s;
    af_mm_plan *c = p->child;
    int m = c->n;
    int i0 = (bi0 + bi1) / 2 - m / 2, j0 = (bj0 + bj1) / 2 - m / 2;
    i0 = i0 < 0 ? 0 : i0 > n - m ? n - m : i0;
    j0 = j0 < 0 ? 0 : j0 > n - m ? n - m : j0;
    window_copy(p, i0, j0, m, (void *)in, p->win_in, elem, 0);
    window_copy(p, i0, j0, m, (void *)p->rho0, c->own_rho0, sizeof(double), 0);
    window_copy(p, i0, j0, m, (void *)p->rho1, c->own_rho1, sizeof(double), 0);
    c->w_in = p->w_in;
    c->w_out = p->w_out;
    if ((s = step_grid(c, p->win_in, p->win_out, st, err)) != AF_OK)
        return s;
    /* A change near an edge of the window that is not the box's edge means
     * the window cut something off: the caller solves on the whole grid. */
    int guard = 2 * p->r + 2;
    for (int j = 0; j < m; j++)
        for (int i = 0; i < m; i++) {
            size_t x = (size_t)j * m + i;
            if (!changed(p, p->win_in, p->win_out, x))
                continue;
            if ((i < guard && i0 > 0) || (j < guard && j0 > 0) || (i >= m - guard && i0 + m < n)
                || (j >= m - guard && j0 + m < n))
                return AF_OK;
        }
    memcpy(out, in, p->cells * elem); /* outside the window nothing is set, nothing changes */
    window_copy(p, i0, j0, m, out, p->win_out, elem, 1);
    p->w_in = c->w_in;
    p->w_out = c->w_out;
    p->last = c;
    st->ms = mm_now_ms() - t0;
    *done = 1;
    return AF_OK;
}
