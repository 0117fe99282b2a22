// advflow: extern "C" wrapper around Boykov-Kolmogorov max-flow (maxflow 3.0).
// GPL-3.0-or-later.
//
// No exception leaves this file: maxflow reports an allocation that failed
// through the error function we give it, which throws std::bad_alloc (else
// maxflow calls exit), and operator new throws it too; unwinding through the
// C callers' frames would skip their cleanup (and is undefined for frames
// compiled without unwind tables).  Every entry point catches, marks the
// graph failed and returns -1 (bk.h).
#include "bk.h"

#include <new>

#include <maxflow/graph.h>

typedef maxflow::Graph<double, double, double> Graph;

struct af_bk {
    Graph *g;
    // An allocation failed inside maxflow: its arrays may be half replaced
    // (reallocate_nodes sets `nodes` to the NULL realloc returned), so
    // nothing but af_bk_free may touch the graph again.
    bool failed;
};

// Run f on b's graph unless it failed before; 0, or -1 (and b failed) when f
// throws.
template <class F> static int guarded(af_bk *b, F f)
{
    if (b->failed)
        return -1;
    try {
        f();
    } catch (...) {
        b->failed = true;
        return -1;
    }
    return 0;
}

extern "C" af_bk *af_bk_alloc(int nodes, int edges)
{
    af_bk *b = new (std::nothrow) af_bk;
    if (!b)
        return nullptr;
    b->failed = false;
    try {
        b->g = new Graph(nodes > 0 ? nodes : 1, edges > 0 ? edges : 1,
                         [](const char *) { throw std::bad_alloc(); });
    } catch (...) {
        delete b;
        return nullptr;
    }
    return b;
}

extern "C" void af_bk_free(af_bk *b)
{
    if (!b)
        return;
    delete b->g;
    delete b;
}

extern "C" void af_bk_reset(af_bk *b)
{
    if (!b->failed) // reset keeps the arrays: a failed graph stays failed
        b->g->reset();
}

extern "C" int af_bk_add_nodes(af_bk *b, int n)
{
    int first = -1;
    return guarded(b, [&] { first = b->g->add_node(n); }) == 0 ? first : -1;
}

extern "C" int af_bk_add_edge(af_bk *b, int i, int j, double cap, double rev_cap)
{
    return guarded(b, [&] { b->g->add_edge(i, j, cap, rev_cap); });
}

extern "C" int af_bk_add_tweights(af_bk *b, int i, double cap_source, double cap_sink)
{
    return guarded(b, [&] { b->g->add_tweights(i, cap_source, cap_sink); });
}

extern "C" int af_bk_solve(af_bk *b, double *flow)
{
    *flow = 0;
    return guarded(b, [&] { *flow = b->g->maxflow(); });
}

extern "C" int af_bk_in_source(const af_bk *b, int i, int maximal)
{
    if (b->failed)
        return 0;
    // what_segment reports SOURCE for nodes of the source tree, SINK for the
    // sink tree, and the default for free nodes (in neither tree).
    return b->g->what_segment(i, maximal ? Graph::SOURCE : Graph::SINK) == Graph::SOURCE;
}
