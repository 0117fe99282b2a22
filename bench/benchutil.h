/* advflow benchmarks: timing helpers (header-only).  Every figure is printed
 * as one `name = value` line so that scripts can read it.  GPL-3.0-or-later. */
#ifndef ADVFLOW_BENCHUTIL_H
#define ADVFLOW_BENCHUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double bu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int bu_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of t[0..k-1] (sorts t). */
static inline double bu_median(double *t, int k)
{
    qsort(t, (size_t)k, sizeof *t, bu_cmp_double);
    return k % 2 ? t[k / 2] : 0.5 * (t[k / 2 - 1] + t[k / 2]);
}

static inline void bu_print(const char *name, double value) { printf("%s = %.6g\n", name, value); fflush(stdout); }

#endif
