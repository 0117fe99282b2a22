/* advflow: the library's thread count (threads.h).  GPL-3.0-or-later.
 *
 * The count is advflow's own variable, passed to each parallel region
 * (num_threads), rather than omp_set_num_threads: that would change the
 * calling program's OpenMP settings too.  It is atomic so that reading it
 * from a parallel region's launch never tears; threads.h asks callers not
 * to change it while the library runs. */
#include "advflow/threads.h"

#include <stdatomic.h>

#include "threads_internal.h"

static atomic_int af_threads_n; /* 0: the default, every core */

void af_threads_set(int n)
{
    atomic_store(&af_threads_n, n <= 0 ? 0 : n < AF_THREADS_MAX ? n : AF_THREADS_MAX);
}

int af_threads_cores(void)
{
#ifdef _OPENMP
    int c = omp_get_num_procs();
    return c > 0 ? c : 1;
#else
    return 1;
#endif
}

int af_threads_get(void)
{
#ifdef _OPENMP
    int n = atomic_load(&af_threads_n);
    return n > 0 ? n : af_threads_cores();
#else
    return 1;
#endif
}

int af_threads_slots(void)
{
    int n = af_threads_get(), c = af_threads_cores();
    return n > c ? n : c;
}
