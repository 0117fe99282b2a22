/* Tests of the Boykov-Kolmogorov wrapper: max-flow values and cut sides on
 * small graphs, against brute force over every cut. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bk.h"

/* AddressSanitizer reserves terabytes of address space: an RLIMIT_AS below
 * that breaks it, so the out-of-memory test is skipped under it. */
#if defined(__SANITIZE_ADDRESS__)
#define TB_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TB_ASAN 1
#endif
#endif

/* Random graph on nn nodes; brute force over all 2^nn source sets. */
static void check_random(tu_rng *r, int nn)
{
    double cs[8], ct[8], cap[8][8];
    af_bk *g = af_bk_alloc(nn, nn * nn);
    assert_non_null(g);
    assert_int_equal(af_bk_add_nodes(g, nn), 0);
    for (int i = 0; i < nn; i++) {
        cs[i] = tu_uniform(r) < 0.5 ? 3 * tu_uniform(r) : 0;
        ct[i] = tu_uniform(r) < 0.5 ? 3 * tu_uniform(r) : 0;
        af_bk_add_tweights(g, i, cs[i], ct[i]);
        for (int j = 0; j < nn; j++)
            cap[i][j] = 0;
    }
    for (int i = 0; i < nn; i++)
        for (int j = i + 1; j < nn; j++)
            if (tu_uniform(r) < 0.5) {
                cap[i][j] = 2 * tu_uniform(r);
                cap[j][i] = 2 * tu_uniform(r);
                af_bk_add_edge(g, i, j, cap[i][j], cap[j][i]);
            }
    double flow;
    assert_int_equal(af_bk_solve(g, &flow), 0);
    double best = INFINITY;
    for (int s = 0; s < 1 << nn; s++) {
        double c = 0;
        for (int i = 0; i < nn; i++) {
            int in = s >> i & 1;
            c += in ? ct[i] : cs[i];
            for (int j = 0; j < nn; j++)
                if (in && !(s >> j & 1))
                    c += cap[i][j];
        }
        if (c < best)
            best = c;
    }
    assert_true(fabs(flow - best) < 1e-9);
    /* both reported cuts have the min-cut capacity, and they are the
     * smallest and the largest minimum source sets */
    for (int maximal = 0; maximal < 2; maximal++) {
        double c = 0;
        int set = 0;
        for (int i = 0; i < nn; i++) {
            int in = af_bk_in_source(g, i, maximal);
            set |= in << i;
            c += in ? ct[i] : cs[i];
            for (int j = 0; j < nn; j++)
                if (in && !af_bk_in_source(g, j, maximal))
                    c += cap[i][j];
        }
        assert_true(fabs(c - best) < 1e-9);
        for (int s = 0; s < 1 << nn; s++) {
            double cs2 = 0;
            for (int i = 0; i < nn; i++) {
                int in = s >> i & 1;
                cs2 += in ? ct[i] : cs[i];
                for (int j = 0; j < nn; j++)
                    if (in && !(s >> j & 1))
                        cs2 += cap[i][j];
            }
            if (fabs(cs2 - best) < 1e-9) { /* every minimum source set lies between the two */
                if (maximal)
                    assert_int_equal(s & ~set, 0);
                else
                    assert_int_equal(set & ~s, 0);
            }
        }
    }
    af_bk_free(g);
}

static void test_random_graphs(void **state)
{
    (void)state;
    tu_rng r;
    tu_seed(&r, 7);
    for (int k = 0; k < 300; k++)
        check_random(&r, 1 + k % 8);
    af_bk_free(NULL);
}

#ifndef TB_ASAN /* (the test that needs it does not run under ASan) */
/* The process's address space now, in bytes (/proc/self/statm); 0 if unknown. */
static size_t vm_size(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long pages = 0;
    if (f) {
        if (fscanf(f, "%lu", &pages) != 1)
            pages = 0;
        fclose(f);
    }
    return (size_t)pages * (size_t)sysconf(_SC_PAGESIZE);
}
#endif

/* A real allocation failure inside maxflow (its node array cannot grow:
 * the address space is limited to what the process has and 256 MiB more,
 * and 2^26 nodes need about 3 GiB) comes back as -1, not as a C++
 * exception through this C caller; the graph then stays failed: every
 * call fails, af_bk_free still frees it. */
static void test_out_of_memory(void **state)
{
    (void)state;
#ifdef TB_ASAN
    skip();
#else
    af_bk *g = af_bk_alloc(16, 16);
    assert_non_null(g);
    assert_int_equal(af_bk_add_nodes(g, 2), 0);
    assert_int_equal(af_bk_add_edge(g, 0, 1, 1, 0), 0);
    struct rlimit old, lim;
    size_t now = vm_size();
    if (now == 0 || getrlimit(RLIMIT_AS, &old) != 0)
        skip();
    lim = old;
    lim.rlim_cur = (rlim_t)now + ((rlim_t)256 << 20);
    if (old.rlim_cur != RLIM_INFINITY && old.rlim_cur < lim.rlim_cur)
        lim.rlim_cur = old.rlim_cur;
    assert_int_equal(setrlimit(RLIMIT_AS, &lim), 0);
    int first = af_bk_add_nodes(g, 1 << 26);
    assert_int_equal(setrlimit(RLIMIT_AS, &old), 0);
    assert_int_equal(first, -1);
    double flow = 1;
    assert_int_equal(af_bk_add_nodes(g, 1), -1);
    assert_int_equal(af_bk_add_edge(g, 0, 1, 1, 0), -1);
    assert_int_equal(af_bk_add_tweights(g, 0, 1, 0), -1);
    af_bk_reset(g);
    assert_int_equal(af_bk_solve(g, &flow), -1);
    assert_true(flow == 0);
    assert_int_equal(af_bk_in_source(g, 0, 1), 0);
    af_bk_free(g);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_random_graphs),
                                       cmocka_unit_test(test_out_of_memory)};
    return cmocka_run_group_tests_name("bk", tests, NULL, NULL);
}
