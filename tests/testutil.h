/* advflow tests: small shared helpers (header-only).  GPL-3.0-or-later. */
#ifndef ADVFLOW_TESTUTIL_H
#define ADVFLOW_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Deterministic generator (xorshift64*): tests are repeatable. */
typedef struct { uint64_t s; } tu_rng;

static inline void tu_seed(tu_rng *r, uint64_t seed) { r->s = seed * 2654435761u + 0x9E3779B97F4A7C15ull; }

static inline uint64_t tu_next(tu_rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 2685821657736338717ull;
}

/* Uniform in [0, 1). */
static inline double tu_uniform(tu_rng *r) { return (double)(tu_next(r) >> 11) * (1.0 / 9007199254740992.0); }

/* Random mask with probability p of a cell being inside. */
static inline void tu_random_mask(tu_rng *r, uint8_t *m, size_t cells, double p)
{
    for (size_t i = 0; i < cells; i++)
        m[i] = tu_uniform(r) < p;
}

/* cmocka 1.1 has no assert_double_equal. */
#define assert_close(a, b, tol) tu_assert_close_at((a), (b), (tol), __FILE__, __LINE__)
static inline void tu_assert_close_at(double a, double b, double tol, const char *file, int line)
{
    if (!(a - b <= tol && b - a <= tol))
        fail_msg("%s:%d: %.17g != %.17g (tolerance %g)", file, line, a, b, tol);
}

/* Index of the first difference of two byte arrays, or -1. */
static inline long tu_first_diff(const uint8_t *a, const uint8_t *b, size_t cells)
{
    for (size_t i = 0; i < cells; i++)
        if ((a[i] != 0) != (b[i] != 0))
            return (long)i;
    return -1;
}

#endif
