/* advflow: what the modules share to run on threads (threads.h) (not
 * installed).  GPL-3.0-or-later.
 *
 * The rule that keeps results equal for every thread count: a parallel
 * loop's iterations write disjoint cells and compute each cell exactly as
 * the serial loop does; a floating-point sum over the grid is split into
 * rows (or fixed blocks) whose partial sums are added in row order after
 * the loop, never by an OpenMP reduction (whose order depends on the
 * team).  Integer counts, maxima, minima and bit ORs are exact in any
 * order and may use reduction clauses.
 *
 * Scheduling: loops over rows hand out a few rows at a time (dynamic), and
 * passes that sweep bands of rows or columns cut the grid into about
 * AF_PARTS_PER_THREAD parts per thread, handed out one at a time: on a
 * machine whose cores are busy with other work a thread may wait for a
 * core, and the others then take over its share instead of waiting for
 * it.  Which thread computes a row never changes what it computes.
 *
 * Scratch: a workspace allocates af_threads_slots() copies of its per-row
 * scratch when it is made, and a region runs on af_threads_for(slots,
 * cells) threads, so that thread t's scratch is copy t.  Regions over
 * fewer than AF_PAR_MIN_CELLS cells run on one thread: a team's start
 * costs microseconds, more than such a pass. */
#ifndef ADVFLOW_THREADS_INTERNAL_H
#define ADVFLOW_THREADS_INTERNAL_H

#include <stddef.h>

#include "advflow/threads.h"

#ifdef _OPENMP
#include <omp.h>
#endif

/* Cells below which a grid pass stays on one thread. */
#define AF_PAR_MIN_CELLS 16384

/* Scratch copies a workspace allocated now keeps: max(af_threads_get(),
 * af_threads_cores()), so that a count lowered and raised again between
 * calls still finds scratch for every core. */
int af_threads_slots(void);

/* Threads for a pass over `cells` cells with `slots` scratch copies: the
 * count in force, at most slots, 1 for small passes. */
static inline int af_threads_for(int slots, size_t cells)
{
    if (cells < AF_PAR_MIN_CELLS)
        return 1;
    int t = af_threads_get();
    return t < slots ? t : slots;
}

/* Parts per thread of a pass over bands (see the top). */
#define AF_PARTS_PER_THREAD 4

/* Number of parts of n rows (columns) for nt threads, each at least
 * min_len long (a part's own overhead, e.g. rows scanned twice, stays a
 * small share); at least 1. */
static inline int af_parts(int n, int nt, int min_len)
{
    int p = nt > 1 ? AF_PARTS_PER_THREAD * nt : 1;
    int most = min_len > 0 ? n / min_len : n;
    p = p < most ? p : most;
    return p > 1 ? p : 1;
}

/* Threads for a pass over `cells` cells without per-thread scratch. */
static inline int af_threads_for_cells(size_t cells)
{
    return af_threads_for(1 << 30, cells);
}

/* The calling thread's number in its team (0 outside a parallel region):
 * the index of its scratch. */
static inline int af_thread_id(void)
{
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

/* Part t of T of the range [0, n): [*lo, *hi), contiguous, about n / T
 * long, starting at a multiple of align (8 doubles or 64 bytes: parts of
 * one row then share no cache line); a part may be empty.  The parts cover
 * [0, n) whatever T is: which thread takes which part never matters. */
static inline int af_part_start(int n, int t, int T, int align)
{
    if (t >= T)
        return n;
    int lo = (int)((long long)n * t / T);
    return lo - lo % align;
}

static inline void af_thread_part(int n, int t, int T, int align, int *lo, int *hi)
{
    *lo = af_part_start(n, t, T, align);
    *hi = af_part_start(n, t + 1, T, align);
}

#endif
