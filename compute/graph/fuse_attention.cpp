// SPDX-License-Identifier: MIT
#include "compute/graph/fuse_attention.h"

#include "compute/error.h"

#include <cstdlib>
#include <cstring>

namespace loupe::compute {

namespace {

// One MatMul-[Add]-Softmax-MatMul chain of the original graph and what the Attention node reads.
struct Chain
{
    int s = -1, s2 = -1, p = -1, o = -1; // scores, biased scores, probabilities, output
    int q = -1, v = -1, bias = -1;
    int kBase = -1; // the [.., D, N] node whose last two dims are swapped to give k
    double scale = 1;
};

// Where an operand's rank-4 view starts: a view's own source and offset, or the node itself.
struct Strided
{
    int src = -1;
    int64_t offset = 0;
    Shape shape, strides;
};

std::vector<int> readerCounts(const Graph& g)
{
    std::vector<int> count(g.size(), 0);
    for (const Node& n : g.nodes())
        for (int s : n.src)
            if (s >= 0) ++count[size_t(s)];
    return count;
}

// x (rank 2 to 4, last two dims as they are) as a rank-4 operand with the output's batch dims `lead`:
// missing leading dims and size-1 batch dims the product broadcasts get stride 0.
Strided widen(const Graph& g, int x, const Shape& lead)
{
    const Node& n = g.node(x);
    const size_t r = n.shape.size(), pad = 4 - r;
    Strided w;
    w.src = x;
    w.shape.resize(4);
    w.strides.resize(4);
    for (size_t i = 0; i < 2; ++i) {
        w.shape[i] = lead[i];
        w.strides[i] = i < pad || n.shape[i - pad] != lead[i] ? 0 : n.strides[i - pad];
    }
    for (size_t i = 2; i < 4; ++i) {
        w.shape[i] = n.shape[i - pad];
        w.strides[i] = n.strides[i - pad];
    }
    return w;
}

bool sameAs(const Strided& w, const Node& n)
{
    return n.shape.size() == 4 && w.shape == n.shape && w.strides == n.strides;
}

// True when node `id` is private to the chain: not kept and read by the chain alone.
bool hidden(const Graph& g, const std::vector<int>& readers, int id)
{
    return !g.node(id).keep && readers[size_t(id)] == 1;
}

bool isF32(const Graph& g, int id)
{
    return g.node(id).dtype == DType::F32;
}

// The chain ending at MatMul `o`, or none (o < 0).
Chain match(const Graph& g, const std::vector<int>& readers, int o)
{
    const Node& on = g.node(o);
    Chain c;
    if (on.op != Op::MatMul) return c;
    const int p = on.src[0];
    const Node& pn = g.node(p);
    if (pn.op != Op::Softmax || !hidden(g, readers, p)) return c;
    int s = pn.src[0];
    int bias = -1, s2 = -1;
    if (g.node(s).op == Op::Add) {
        s2 = s;
        if (!hidden(g, readers, s2)) return c;
        const Node& an = g.node(s2);
        const int a = an.src[0], b = an.src[1];
        // The product is the operand with the sum's shape; the bias only broadcasts into it.
        if (g.node(a).op == Op::MatMul && g.node(a).shape == an.shape) {
            s = a;
            bias = b;
        } else if (g.node(b).op == Op::MatMul && g.node(b).shape == an.shape) {
            s = b;
            bias = a;
        } else {
            return c;
        }
        if (s == bias || !isF32(g, bias)) return c;
    }
    const Node& sn = g.node(s);
    if (sn.op != Op::MatMul || !hidden(g, readers, s)) return c;
    const size_t r = sn.shape.size();
    if (r < 2 || r > 4 || on.shape.size() != r) return c;
    const int q = sn.src[0], kT = sn.src[1], v = on.src[1];
    if (!isF32(g, q) || !isF32(g, kT) || !isF32(g, v)) return c;
    // A packed copy of a transposed view costs a copy the fused kernel does not need: read under it.
    int kBase = kT;
    if (g.node(kT).op == Op::Cont) kBase = g.node(kT).src[0];
    c.s = s;
    c.s2 = s2;
    c.p = p;
    c.o = o;
    c.q = q;
    c.v = v;
    c.bias = bias;
    c.kBase = kBase;
    c.scale = pn.f0;
    return c;
}

Shape batchOf(const Node& out)
{
    const size_t r = out.shape.size();
    Shape lead(2, 1);
    for (size_t i = 0; i + 2 < r; ++i)
        lead[i + 4 - r] = out.shape[i];
    return lead;
}

// k [.., N, D] as a view: kBase [.., D, N] with its last two dims swapped, read from kBase's source
// when kBase is itself a view (so a Cont between them is skipped).
Strided keyView(const Graph& g, const Chain& c, const Shape& lead)
{
    const Node& kb = g.node(c.kBase);
    Strided k = widen(g, c.kBase, lead);
    std::swap(k.shape[2], k.shape[3]);
    std::swap(k.strides[2], k.strides[3]);
    if (kb.op == Op::View) {
        k.src = kb.src[0];
        k.offset = kb.offset;
    }
    return k;
}

// The operand's node in the new graph: the node itself when already rank-4 as wanted, else a view.
NodeId operand(Graph& out, const Graph& g, const Strided& w, const std::vector<NodeId>& map)
{
    if (w.offset == 0 && sameAs(w, g.node(w.src))) return map[size_t(w.src)];
    return out.asStrided(map[size_t(w.src)], w.shape, w.strides, w.offset);
}

} // namespace

Graph fuseAttention(const Graph& g, const std::function<bool(const Node&)>& supported)
{
    const std::vector<int> readers = readerCounts(g);
    std::vector<Chain> chainAt(g.size()); // by output node
    std::vector<bool> dropped(g.size(), false);
    bool any = false;
    for (size_t i = 0; i < g.size(); ++i) {
        Chain c = match(g, readers, int(i));
        if (c.o < 0) continue;
        const Node& on = g.node(c.o);
        const Shape lead = batchOf(on);
        const Strided q = widen(g, c.q, lead), k = keyView(g, c, lead), v = widen(g, c.v, lead);
        Node probe; // what the device is asked about; src are the original graph's ids
        probe.op = Op::Attention;
        probe.shape = {lead[0], lead[1], q.shape[2], v.shape[3]};
        probe.strides = contiguousStrides(probe.shape);
        probe.src[0] = c.q;
        probe.src[1] = c.kBase;
        probe.src[2] = c.v;
        probe.src[3] = c.bias;
        probe.f0 = c.scale;
        probe.name = on.name;
        if (k.shape[2] != v.shape[2] || q.shape[3] != k.shape[3] || !supported(probe)) continue;
        chainAt[i] = c;
        any = true;
        for (int id : {c.s, c.s2, c.p})
            if (id >= 0) dropped[size_t(id)] = true;
        // The transposed key operand and a Cont of it die with the scores when nothing else reads them.
        const int kT = g.node(c.s).src[1];
        if (kT != c.kBase && hidden(g, readers, kT)) {
            dropped[size_t(kT)] = true;
            if (g.node(c.kBase).op == Op::View && hidden(g, readers, c.kBase))
                dropped[size_t(c.kBase)] = true;
        } else if (g.node(kT).op == Op::View && hidden(g, readers, kT)) {
            dropped[size_t(kT)] = true;
        }
    }
    if (!any) return g;

    Graph out;
    std::vector<NodeId> map(g.size(), -1);
    for (size_t i = 0; i < g.size(); ++i) {
        if (dropped[i]) continue;
        const Node& n = g.node(int(i));
        const size_t before = out.size();
        NodeId made;
        if (chainAt[i].o >= 0) {
            const Chain& c = chainAt[i];
            const Shape lead = batchOf(n);
            const NodeId q = operand(out, g, widen(g, c.q, lead), map);
            const NodeId k = operand(out, g, keyView(g, c, lead), map);
            const NodeId v = operand(out, g, widen(g, c.v, lead), map);
            made = out.attention(q, k, v, c.bias < 0 ? -1 : map[size_t(c.bias)], c.scale);
            if (n.shape.size() != 4)
                made = out.asStrided(made, n.shape, contiguousStrides(n.shape), 0); // back to o's rank
        } else {
            std::array<NodeId, 4> src;
            for (int k = 0; k < 4; ++k)
                src[size_t(k)] = n.src[k] < 0 ? NodeId(-1) : map[size_t(n.src[k])];
            made = out.copyOf(n, src);
        }
        map[i] = made;
        std::string name = n.name;
        if (name.empty() && n.keep && made != NodeId(i)) name = "node." + std::to_string(i);
        // A builder that hands back an existing node (cont of a packed one) keeps that node's name.
        if (!name.empty() && (size_t(made) >= before || out.node(made).name.empty())) out.name(made, name);
        if (n.keep) out.keep(made);
    }
    return out;
}

int countAttention(const Graph& g)
{
    int count = 0;
    for (const Node& n : g.nodes())
        count += n.op == Op::Attention;
    return count;
}

bool fusedAttentionEnabled()
{
    const char* v = std::getenv("LOUPE_NO_FUSED_ATTENTION");
    return !v || !*v || std::strcmp(v, "0") == 0;
}

} // namespace loupe::compute
