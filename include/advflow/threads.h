/* advflow: how many threads the library uses.
 *
 * advflow runs its grid passes on OpenMP threads (GCC's libgomp): the
 * distance transforms, signed distances and redistancing (dist.h), the
 * morphology's fast method (morph.h), the sums of Per_eps and of the risks
 * (perimeter.h, risk.h), the frame's map and boundary (png.h), the
 * per-cell loops of the step (mm.h) and of MBO (mbo.h), and the minimum
 * cuts of a step whose graph falls apart into independent pieces (separate
 * components of a set; the thresholds of a level-set step's rounds): each
 * thread cuts its own pieces.  The max-flow of a graph in one piece (a set
 * whose band is one ring, a level-set step's first round), the FFTs
 * (gauss.h) and the kernel density's binning are serial; docs/design.md
 * ("Threads") says why and what it measured.
 *
 * Every result is the same, bit for bit, for every thread count: a thread
 * count only decides which thread computes which rows, never the order of
 * any floating-point sum (sums over the grid are taken row by row, and the
 * rows' sums in row order), and which pieces of a graph are cut together
 * (the minimum cut advflow returns for a graph is the union of its pieces',
 * and the flow a sum of integers).  tests/test_threads.c checks it for 1, 2
 * and 3 threads.
 *
 * The count is one setting for the whole process (not per workspace): the
 * library's own, not OpenMP's (omp_set_num_threads and OMP_NUM_THREADS are
 * not read, so a program's own OpenMP code keeps its settings).  Called
 * from inside the caller's own OpenMP parallel region the library runs on
 * that region's thread alone (OpenMP's default: no nested parallelism).
 * Workspaces and plans keep per-thread scratch for max(af_threads_get(),
 * af_threads_cores()) threads, as counted when they were allocated (a few
 * hundred bytes per cell of a row per thread: about 0.5 MB per thread for
 * a distance workspace at n = 2048); a larger count set later is used in
 * full only by workspaces allocated after it.
 *
 * A library built without OpenMP (`make OMPFLAGS=`) is serial:
 * af_threads_get and af_threads_cores return 1 and af_threads_set does
 * nothing.
 *
 * Set the count before or between calls, not while another thread is
 * inside the library.  GPL-3.0-or-later.
 */
#ifndef ADVFLOW_THREADS_H
#define ADVFLOW_THREADS_H

#ifdef __cplusplus
extern "C" {
#endif

/* Most threads af_threads_set accepts (larger n is taken as this). */
#define AF_THREADS_MAX 256

/* Use n threads from now on; n <= 0 restores the default, every core
 * (af_threads_cores()).  n above the core count is allowed (the threads
 * then share cores), up to AF_THREADS_MAX. */
void af_threads_set(int n);

/* The thread count in force: the last af_threads_set's n, or the default
 * (af_threads_cores()).  At least 1. */
int af_threads_get(void);

/* Cores available to the process (OpenMP's omp_get_num_procs: it heeds
 * the CPU affinity mask, e.g. taskset); 1 without OpenMP. */
int af_threads_cores(void);

#ifdef __cplusplus
}
#endif
#endif
