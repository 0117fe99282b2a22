// advflow: extern "C" wrapper around Boykov-Kolmogorov max-flow (maxflow 3.0).
// GPL-3.0-or-later.
#include "bk.h"

#include <new>

#include <maxflow/graph.h>

typedef maxflow::Graph<double, double, double> Graph;

struct af_bk {
    Graph *g;
};

extern "C" af_bk *af_bk_alloc(int nodes, int edges)
{
    af_bk *b = new (std::nothrow) af_bk;
    if (!b)
        return nullptr;
    try {
        // maxflow calls the error function and then exit()s on allocation
        // failure unless it is given one that throws; ours throws.
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

extern "C" void af_bk_reset(af_bk *b) { b->g->reset(); }

extern "C" int af_bk_add_nodes(af_bk *b, int n) { return b->g->add_node(n); }

extern "C" void af_bk_add_edge(af_bk *b, int i, int j, double cap, double rev_cap)
{
    b->g->add_edge(i, j, cap, rev_cap);
}

extern "C" void af_bk_add_tweights(af_bk *b, int i, double cap_source, double cap_sink)
{
    b->g->add_tweights(i, cap_source, cap_sink);
}

extern "C" double af_bk_solve(af_bk *b) { return b->g->maxflow(); }

extern "C" int af_bk_in_source(const af_bk *b, int i, int maximal)
{
    // what_segment reports SOURCE for nodes of the source tree, SINK for the
    // sink tree, and the default for free nodes (in neither tree).
    return b->g->what_segment(i, maximal ? Graph::SOURCE : Graph::SINK) == Graph::SOURCE;
}
