/* advflow tests: the failing allocator.  Linked into a test build of the
 * CLI (build/failalloc/advflow, Makefile) with -Wl,--wrap=malloc,... so that
 * every allocation advflow's own code makes (library and CLI, not the
 * allocations inside libc, libpng, cairo, fftw or GSL) goes through a
 * __wrap_ function here, which counts it and can make it fail: in the style
 * of Lua's test allocator, but by site rather than by global count, so that
 * a driver (tests/cli/test_failalloc.sh) can reach every site however many
 * allocations come before it.
 *
 * A site is the return address of the call, as an offset into the binary
 * (so it survives address-space randomisation and `addr2line -e BINARY
 * OFFSET` names the file and line), and the call path to it: a hash of the
 * return addresses of up to AF_FAILALLOC_DEPTH (default 8) frames of
 * advflow's code, walked by frame pointer.  So one helper (file.c's
 * open_tmp, case.c's dupstr) called from many places counts as many sites:
 * each caller's handling of the failure is tried.  Environment:
 *
 *   AF_FAILALLOC_LOG   a file to report to; without it (or AF_FAILALLOC)
 *                      every call passes straight through.
 *   AF_FAILALLOC       "record": at exit, write one line per site and path
 *                      reached, in first-hit order: "SITE PATH HITS KIND"
 *                      (SITE and PATH in hex).
 *                      "SITE/PATH:HIT": the HIT-th call (from 1) there
 *                      fails, once; the log then gets "injected
 *                      SITE/PATH:HIT KIND" at that moment (so a crash after
 *                      it still shows it).  With "SITE/PATH:HIT:all" every
 *                      call from then on fails too, everywhere (memory that
 *                      stays exhausted).
 *   AF_FAILALLOC_DEPTH the frames of a call path, 1..32 (1: the site alone).
 *
 * A failure looks as the real one would: NULL with errno = ENOMEM (getline
 * returns -1 and leaves the line as it was, realpath and open_memstream
 * NULL; fftw's and GSL's allocators NULL, which is what they return with
 * their error handlers off).
 *
 * The counters are plain: advflow allocates from one thread (the progress
 * timer thread, on a terminal only, does not allocate).  GPL-3.0-or-later. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <fftw3.h>
#include <gsl/gsl_interp.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_spline.h>

/* The binary's image and the end of its code (GNU ld's default script):
 * sites are offsets from the start, and a return address below __etext is
 * in advflow's code, whose frames keep frame pointers (FA_FLAGS). */
extern char __executable_start, __etext;

#define MAX_SITES 8192 /* a power of two */
#define MAX_DEPTH 32
static int depth = 8; /* frames of advflow's code that tell call paths apart */

typedef struct {
    uintptr_t site;  /* 0: free slot */
    uint64_t path;   /* the call path: a hash of up to `depth` return addresses */
    unsigned long hits;
    const char *kind;
    unsigned order;  /* first-hit order, from 1 */
} slot;

static slot table[MAX_SITES];
static unsigned nsites;
static int mode = -1; /* -1 unknown yet, 0 off, 1 record, 2 fail */
static int log_fd = -1;
static uintptr_t fail_site;
static uint64_t fail_path;
static unsigned long fail_hit;
static int fail_all;     /* ":all": every call after the injected one fails too */
static int exhausted;    /* fail_all and the injection happened */

static void write_all(const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(log_fd, s, n);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

/* Report the sites at exit (record mode).  No allocation here: snprintf
 * into a stack buffer. */
static void report(void)
{
    for (unsigned k = 1; k <= nsites; k++)
        for (size_t i = 0; i < MAX_SITES; i++)
            if (table[i].site && table[i].order == k) {
                char line[160];
                int n = snprintf(line, sizeof line, "%lx %llx %lu %s\n",
                                 (unsigned long)table[i].site, (unsigned long long)table[i].path,
                                 table[i].hits, table[i].kind);
                write_all(line, (size_t)n);
                break;
            }
}

static void init(void)
{
    const char *log = getenv("AF_FAILALLOC_LOG"), *what = getenv("AF_FAILALLOC");
    const char *dep = getenv("AF_FAILALLOC_DEPTH");
    mode = 0;
    if (dep && atoi(dep) >= 1 && atoi(dep) <= MAX_DEPTH)
        depth = atoi(dep);
    if (!log || !what)
        return;
    log_fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0)
        return;
    if (!strcmp(what, "record")) {
        mode = 1;
        atexit(report);
        return;
    }
    char *end;
    fail_site = (uintptr_t)strtoull(what, &end, 16);
    if (*end == '/')
        fail_path = (uint64_t)strtoull(end + 1, &end, 16);
    if (*end == ':') {
        fail_hit = strtoul(end + 1, &end, 10);
        fail_all = !strcmp(end, ":all");
    }
    mode = fail_site && fail_hit ? 2 : 0;
}

/* The call path of an allocation: a hash of the return addresses from the
 * wrapper's frame fp up, as long as they lie in advflow's code (whose
 * frames all keep frame pointers; the walk stops at the first frame of
 * libc or a library calling back, whose frame pointer may be anything). */
static __attribute__((noinline)) uint64_t path_of(void *const *fp)
{
    uintptr_t lo = (uintptr_t)&__executable_start, hi = (uintptr_t)&__etext;
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (int d = 0; d < depth; d++) {
        uintptr_t ra = (uintptr_t)fp[1];
        if (ra < lo || ra >= hi)
            break;
        h = (h ^ (ra - lo)) * 1099511628211ull;
        void *const *up = fp[0];
        if (up <= fp || ((uintptr_t)up & 7)) /* not a caller's frame */
            break;
        fp = up;
    }
    return h;
}

/* Count a call from return address ra with the wrapper's frame fp;
 * nonzero when it must fail. */
static int hit(void *ra, void *const *fp, const char *kind)
{
    if (mode < 0)
        init();
    if (mode == 0)
        return 0;
    if (exhausted)
        return 1;
    uintptr_t site = (uintptr_t)ra - (uintptr_t)&__executable_start;
    uint64_t path = path_of(fp);
    size_t i = ((site ^ path) * 0x9E3779B97F4A7C15ull >> 40) & (MAX_SITES - 1);
    while (table[i].site && (table[i].site != site || table[i].path != path))
        i = (i + 1) & (MAX_SITES - 1);
    if (!table[i].site) {
        if (nsites + 1 >= MAX_SITES / 2) /* keep the table sparse; beyond it, uncounted */
            return 0;
        table[i].site = site;
        table[i].path = path;
        table[i].kind = kind;
        table[i].order = ++nsites;
    }
    unsigned long n = ++table[i].hits;
    if (mode != 2 || site != fail_site || path != fail_path || n != fail_hit)
        return 0;
    char line[160];
    int len = snprintf(line, sizeof line, "injected %lx/%llx:%lu %s\n", (unsigned long)site,
                       (unsigned long long)path, n, kind);
    write_all(line, (size_t)len);
    exhausted = fail_all;
    return 1;
}

#define FAIL(kind) (hit(__builtin_return_address(0), __builtin_frame_address(0), (kind)) \
                    ? (errno = ENOMEM, 1) : 0)

void *__real_malloc(size_t n);
void *__real_calloc(size_t m, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_realpath(const char *path, char *resolved);
ssize_t __real_getline(char **line, size_t *cap, FILE *fp);
FILE *__real_open_memstream(char **buf, size_t *size);
void *__real_fftw_malloc(size_t n);
gsl_rng *__real_gsl_rng_alloc(const gsl_rng_type *t);
gsl_spline *__real_gsl_spline_alloc(const gsl_interp_type *t, size_t n);
gsl_interp_accel *__real_gsl_interp_accel_alloc(void);

void *__wrap_malloc(size_t n) { return FAIL("malloc") ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t m, size_t n) { return FAIL("calloc") ? NULL : __real_calloc(m, n); }
/* A failed realloc leaves the block as it was. */
void *__wrap_realloc(void *p, size_t n) { return FAIL("realloc") ? NULL : __real_realloc(p, n); }
char *__wrap_strdup(const char *s) { return FAIL("strdup") ? NULL : __real_strdup(s); }

/* realpath allocates its result when resolved is NULL. */
char *__wrap_realpath(const char *path, char *resolved)
{
    if (!resolved && FAIL("realpath"))
        return NULL;
    return __real_realpath(path, resolved);
}

/* getline grows *line; a failure leaves it as it was. */
ssize_t __wrap_getline(char **line, size_t *cap, FILE *fp)
{
    return FAIL("getline") ? -1 : __real_getline(line, cap, fp);
}

FILE *__wrap_open_memstream(char **buf, size_t *size)
{
    return FAIL("open_memstream") ? NULL : __real_open_memstream(buf, size);
}

void *__wrap_fftw_malloc(size_t n) { return FAIL("fftw_malloc") ? NULL : __real_fftw_malloc(n); }

gsl_rng *__wrap_gsl_rng_alloc(const gsl_rng_type *t)
{
    return FAIL("gsl_rng_alloc") ? NULL : __real_gsl_rng_alloc(t);
}

gsl_spline *__wrap_gsl_spline_alloc(const gsl_interp_type *t, size_t n)
{
    return FAIL("gsl_spline_alloc") ? NULL : __real_gsl_spline_alloc(t, n);
}

gsl_interp_accel *__wrap_gsl_interp_accel_alloc(void)
{
    return FAIL("gsl_interp_accel_alloc") ? NULL : __real_gsl_interp_accel_alloc();
}
