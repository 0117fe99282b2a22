/* Tests of the Boykov-Kolmogorov wrapper: max-flow values and cut sides on
 * small graphs, against brute force over every cut. */
#include "testutil.h"

#include <math.h>

#include "bk.h"

/* Random graph on nn nodes; brute force over all 2^nn source sets. */
static void check_random(tu_rng *r, int nn)
{
    double cs[8], ct[8], cap[8][8];
    af_bk *g = af_bk_alloc(nn, nn * nn);
    assert_non_null(g);
    af_bk_add_nodes(g, nn);
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
    double flow = af_bk_solve(g);
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

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_random_graphs)};
    return cmocka_run_group_tests_name("bk", tests, NULL, NULL);
}
