// SPDX-License-Identifier: MIT
#include "compute/autograd/backward.h"

#include "compute/autograd/backward_kernels.h"
#include "compute/autograd/forward_node.h"
#include "compute/autograd/node_ref.h"
#include "compute/autograd/plain_weights.h"
#include "compute/autograd/scratch.h"
#include "compute/error.h"
#include "compute/graph/planner.h"
#include "compute/threadpool.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace loupe::compute {

namespace {

using namespace autograd;
using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// Strides of `r` seen with numpy broadcasting against `shape` (missing or size-1 dims read stride 0).
Shape broadcastStrides(const Ref& r, const Shape& shape)
{
    Shape s(shape.size(), 0);
    const size_t lead = shape.size() - r.shape.size();
    for (size_t i = 0; i < r.shape.size(); ++i)
        s[lead + i] = r.shape[i] == 1 ? 0 : r.strides[i];
    return s;
}

// The reverse sweep's state: gradient buffers per root, created on first write.
class Backward
{
public:
    Backward(const Graph& g, GradientRun& run) : g_(g), run_(run) {}

    // A packed buffer the caller fills with the gradient of `r` (logical shape `shape`, storage strides
    // `strides`, which may broadcast); commit() adds it into the root's gradient. Writes straight into
    // the root's buffer when this is its first and whole-covering gradient.
    struct Sink
    {
        Ref ref;
        Shape shape, strides;
        float* data = nullptr;
        Tensor temp;
    };
    Sink open(const Ref& r, const Shape& shape, const Shape& strides)
    {
        Sink s{r, shape, strides, nullptr, {}};
        Tensor& gt = run_.grads[size_t(r.root)];
        if (!gt.defined() && coversRoot(r, shape, strides)) {
            gt = Tensor::empty(DType::F32, g_.node(r.root).shape);
            s.data = gt.ptr<float>();
        } else {
            s.temp = Tensor::empty(DType::F32, shape);
            s.data = s.temp.ptr<float>();
        }
        return s;
    }
    Sink open(const Ref& r) { return open(r, r.shape, r.strides); }
    void commit(const Sink& s)
    {
        if (s.temp.defined()) add(s.ref, s.shape, s.strides, s.data);
    }
    // grad(r) += sign * data (packed over `shape`, read into storage through `strides`).
    void add(const Ref& r, const Shape& shape, const Shape& strides, const float* data, float sign = 1.0f)
    {
        Tensor& gt = run_.grads[size_t(r.root)];
        if (!gt.defined()) {
            gt = Tensor::empty(DType::F32, g_.node(r.root).shape);
            if (sign == 1.0f && coversRoot(r, shape, strides)) {
                std::memcpy(gt.ptr<float>(), data, size_t(gt.numel()) * sizeof(float));
                return;
            }
            std::memset(gt.ptr<float>(), 0, size_t(gt.numel()) * sizeof(float));
        }
        accumulate(gt.ptr<float>() + r.offset, shape, strides, data, sign);
    }

private:
    bool coversRoot(const Ref& r, const Shape& shape, const Shape& strides) const
    {
        return r.offset == 0 && shapeNumel(shape) == g_.node(r.root).numel() && packedLayout(shape, strides);
    }

    const Graph& g_;
    GradientRun& run_;
};

// A weight as the B operand of an input-gradient GEMM: packed Wᵀ or plain W [N, cols].
struct GemmWeight
{
    std::shared_ptr<const PackedWeight> packed;
    Tensor plain;
    int64_t cols = 0;
    void setB(GemmProblem& p) const
    {
        if (packed) {
            p.packedB = packed.get();
        } else {
            p.b = plain.ptr<float>();
            p.bRow = cols;
            p.bCol = 1;
        }
    }
};

// Leading (batch) dims of a matmul operand, right-aligned into GemmProblem's two batch slots.
void setBatch(int64_t (&slots)[2], const Shape& batchStrides)
{
    slots[0] = slots[1] = 0;
    for (size_t i = 0; i < batchStrides.size(); ++i)
        slots[2 - batchStrides.size() + i] = batchStrides[i];
}

} // namespace

Tensor GradientRun::valueOf(NodeId id) const
{
    const Ref r = refOf(*graph, id);
    const Tensor& root = graph->node(r.root).op == Op::Weight && !values[size_t(r.root)].defined()
                             ? autograd::plainWeight(graph->node(r.root))
                             : values[size_t(r.root)];
    if (!root.defined())
        throw Error("autograd", "the value of " + nodeLabel(*graph, id) +
                                    " was not kept (list it in GradientRequest::values)");
    return Tensor::strided(root.ptr<float>() + r.offset, DType::F32, r.shape, r.strides, root.owner())
        .contiguous();
}

Tensor GradientRun::gradOf(NodeId id) const
{
    const Ref r = refOf(*graph, id);
    if (!gradWanted[size_t(r.root)])
        throw Error("autograd", "the gradient of " + nodeLabel(*graph, id) +
                                    " was not requested (list it in GradientRequest::gradients)");
    const Tensor& root = grads[size_t(r.root)];
    if (!root.defined()) return Tensor::zeros(DType::F32, r.shape);
    return Tensor::strided(root.ptr<float>() + r.offset, DType::F32, r.shape, r.strides, root.owner())
        .contiguous();
}

GradientRun runWithGradients(const Graph& graph, const std::map<std::string, Tensor>& inputs, NodeId output,
                             const Tensor& seed)
{
    GradientRequest request;
    for (size_t i = 0; i < graph.size(); ++i)
        if (graph.node(NodeId(i)).op == Op::Input) request.gradients.push_back(NodeId(i));
    return runWithGradients(graph, inputs, output, seed, request);
}

GradientRun runWithGradients(const Graph& graph, const std::map<std::string, Tensor>& inputs, NodeId output,
                             const Tensor& seed, const GradientRequest& request)
{
    const size_t n = graph.size();
    auto checkId = [&](NodeId id) {
        if (id < 0 || size_t(id) >= n)
            throw Error("autograd", "node " + std::to_string(id) + " is not in the graph");
    };
    checkId(output);
    if (seed.shape() != graph.node(output).shape)
        throw Error("autograd", "seed " + shapeString(seed.shape()) + " does not match output " +
                                    shapeString(graph.node(output).shape));

    GradientRun out;
    out.graph = &graph;
    out.values.resize(n);
    out.grads.resize(n);
    out.gradWanted.assign(n, false);
    for (NodeId id : request.gradients) {
        checkId(id);
        const NodeId root = graph.storageRoot(id);
        if (graph.node(root).op == Op::Weight)
            throw Error("autograd", "gradients of weights are not computed (" + nodeLabel(graph, id) + ")");
        out.gradWanted[size_t(root)] = true;
    }

    // desc: depends on a requested node; anc: the output depends on it. Only nodes that are both get
    // a gradient, so a late request (Grad-CAM's last block) makes the sweep short.
    std::vector<bool> desc(n, false), anc(n, false), process(n, false);
    for (size_t i = 0; i < n; ++i) {
        const Node& nd = graph.node(NodeId(i));
        desc[i] = out.gradWanted[i];
        for (int s : nd.src)
            if (s >= 0 && desc[size_t(s)]) desc[i] = true;
    }
    anc[size_t(output)] = true;
    for (size_t i = n; i-- > 0;)
        if (anc[i])
            for (int s : graph.node(NodeId(i)).src)
                if (s >= 0) anc[size_t(s)] = true;
    for (size_t i = 0; i < n; ++i)
        process[i] = computes(graph.node(NodeId(i))) && desc[i] && anc[i];
    auto needs = [&](const Node& nd, int k) { return nd.src[k] >= 0 && desc[size_t(nd.src[k])]; };

    // Keep what the sweep reads; everything else is freed as the forward pass goes (liveness plan).
    Graph g = graph;
    std::vector<Tensor> preAct(n);
    std::vector<bool> keepsPreAct(n, false);
    for (size_t i = 0; i < n; ++i) {
        if (!process[i]) continue;
        const Node& nd = graph.node(NodeId(i));
        switch (nd.op) {
        case Op::Mul:
            g.keep(nd.src[0]);
            g.keep(nd.src[1]);
            break;
        case Op::MatMul:
            if (needs(nd, 0)) g.keep(nd.src[1]);
            if (needs(nd, 1)) g.keep(nd.src[0]);
            break;
        case Op::Softmax:
            g.keep(NodeId(i));
            break;
        case Op::LayerNorm:
        case Op::Act:
            g.keep(nd.src[0]);
            if (nd.op == Op::LayerNorm && nd.src[1] >= 0) g.keep(nd.src[1]);
            break;
        case Op::PatchEmbed:
            g.keep(nd.src[1]); // a computed (non-weight) kernel is read back; weights cost nothing
            break;
        case Op::Linear:
            g.keep(nd.src[1]);
            if (nd.act != Activation::None && needs(nd, 0)) keepsPreAct[i] = true;
            break;
        default:
            break;
        }
    }
    g.keep(output);
    for (NodeId id : request.gradients)
        g.keep(id);
    for (NodeId id : request.values) {
        checkId(id);
        g.keep(id);
    }
    std::vector<bool> kept(n, false);
    for (size_t i = 0; i < n; ++i)
        if (g.node(NodeId(i)).keep) kept[size_t(g.storageRoot(NodeId(i)))] = true;

    // LOUPE_PROFILE=1 prints the time per op kind, forward and backward, after each run (stderr).
    static const bool profile = std::getenv("LOUPE_PROFILE") != nullptr;
    double forwardMs[32] = {}, backwardMs[32] = {};
    const auto start = Clock::now();
    // Forward.
    const MemoryPlan plan = planMemory(g);
    // One block for the arena and every kept pre-activation.
    size_t preActBytes = 0;
    auto padded = [](size_t b) { return (b + 63) / 64 * 64; };
    for (size_t i = 0; i < n; ++i)
        if (keepsPreAct[i]) preActBytes += padded(size_t(graph.node(NodeId(i)).numel()) * sizeof(float));
    const std::shared_ptr<void> block = scratchBlock(plan.arenaBytes + preActBytes);
    char* base = static_cast<char*>(block.get());
    {
        size_t at = plan.arenaBytes;
        for (size_t i = 0; i < n; ++i)
            if (keepsPreAct[i]) {
                preAct[i] = Tensor::wrap(base + at, DType::F32, graph.node(NodeId(i)).shape, block);
                at += padded(preAct[i].nbytes());
            }
    }
    std::vector<Tensor> v(n);
    for (size_t i = 0; i < n; ++i) {
        const Node& nd = g.node(NodeId(i));
        switch (nd.op) {
        case Op::Input: {
            auto it = inputs.find(nd.name);
            if (it == inputs.end()) throw Error("autograd", "input '" + nd.name + "' is not bound");
            if (it->second.shape() != nd.shape)
                throw Error("autograd", "input '" + nd.name + "' must be " + shapeString(nd.shape) +
                                            ", got " + shapeString(it->second.shape()));
            v[i] = it->second.dtype() == DType::F32 ? it->second.contiguous() : it->second.to(DType::F32);
            out.values[i] = v[i];
            break;
        }
        case Op::Weight:
            v[i] = nd.value;
            break;
        case Op::View: {
            const Tensor& s = v[size_t(nd.src[0])];
            v[i] = Tensor::strided(s.ptr<float>() + nd.offset, nd.dtype, nd.shape, nd.strides);
            break;
        }
        default:
            v[i] = Tensor::wrap(base + plan.offset[i], nd.dtype, nd.shape, block);
            const auto t0 = Clock::now();
            forwardNode(g, nd, v[i], v, preAct[i]);
            if (profile) forwardMs[int(nd.op)] += msSince(t0);
            if (kept[i]) out.values[i] = v[i];
        }
    }
    // Weights as plain tensors (unpacked once per packed weight) wherever the sweep multiplies by them.
    auto weightOf = [&](NodeId id) -> const Tensor& {
        Tensor& t = out.values[size_t(id)];
        if (!t.defined()) t = plainWeight(graph.node(id));
        return t;
    };
    auto V = [&](NodeId root) {
        if (graph.node(root).op == Op::Weight) weightOf(root);
        return out.values[size_t(root)].ptr<float>();
    };
    // A node's value as a packed tensor (a copy only when the node is a strided view).
    auto packedValue = [&](NodeId id) {
        const Ref r = refOf(graph, id);
        return Tensor::strided(V(r.root) + r.offset, DType::F32, r.shape, r.strides).contiguous();
    };

    // W [N, K] as the B operand of dX = dY · W: packed once per weight where the GEMM can, else plain.
    auto inputGradWeight = [&](NodeId id) {
        GemmWeight w;
        if (graph.node(id).op == Op::Weight) w.packed = packedInputGradWeight(graph.node(id));
        if (w.packed) {
            w.cols = w.packed->rows();
        } else {
            w.plain = graph.node(id).op == Op::Weight ? weightOf(id) : packedValue(id);
            w.cols = w.plain.numel() / w.plain.size(0);
        }
        return w;
    };

    Backward bw(graph, out);
    {
        const Ref r = refOf(graph, output);
        const Tensor s = seed.to(DType::F32).contiguous();
        bw.add(r, r.shape, r.strides, s.ptr<float>());
    }

    for (size_t ii = n; ii-- > 0;) {
        const NodeId id = NodeId(ii);
        const Node& nd = graph.node(id);
        if (!process[ii] || !out.grads[ii].defined()) continue;
        const float* gy = out.grads[ii].ptr<float>();
        const int64_t numel = nd.numel();
        const auto t0 = Clock::now();
        // Parameters get no gradients: a request that reaches one through a computed node is refused.
        if (nd.op == Op::Linear || nd.op == Op::LayerNorm || nd.op == Op::PatchEmbed)
            for (int k : {1, 2})
                if (needs(nd, k))
                    throw Error("autograd", std::string("gradient of ") + opName(nd.op) + " operand " +
                                                std::to_string(k) + " is not implemented");
        switch (nd.op) {
        case Op::Cont: {
            const Ref x = refOf(graph, nd.src[0]);
            bw.add(x, x.shape, x.strides, gy);
            break;
        }
        case Op::Add:
        case Op::Sub:
        case Op::Mul: {
            const Ref a = refOf(graph, nd.src[0]), b = refOf(graph, nd.src[1]);
            const Shape sa = broadcastStrides(a, nd.shape), sb = broadcastStrides(b, nd.shape);
            if (nd.op == Op::Mul) {
                Tensor t = Tensor::empty(DType::F32, nd.shape);
                if (needs(nd, 0)) {
                    multiplyBroadcast(t.ptr<float>(), gy, V(b.root) + b.offset, nd.shape, sb);
                    bw.add(a, nd.shape, sa, t.ptr<float>());
                }
                if (needs(nd, 1)) {
                    multiplyBroadcast(t.ptr<float>(), gy, V(a.root) + a.offset, nd.shape, sa);
                    bw.add(b, nd.shape, sb, t.ptr<float>());
                }
            } else {
                if (needs(nd, 0)) bw.add(a, nd.shape, sa, gy);
                if (needs(nd, 1)) bw.add(b, nd.shape, sb, gy, nd.op == Op::Sub ? -1.0f : 1.0f);
            }
            break;
        }
        case Op::Linear: {
            if (needs(nd, 3)) {
                const Ref r = refOf(graph, nd.src[3]);
                bw.add(r, r.shape, r.strides, gy);
            }
            if (!needs(nd, 0)) break;
            const GemmWeight w = inputGradWeight(nd.src[1]);
            const int64_t N = nd.shape.back(), M = numel / N, K = w.cols;
            Tensor gz;
            if (nd.act != Activation::None) {
                gz = Tensor::empty(DType::F32, nd.shape);
                activationBackward(nd.act, preAct[ii].ptr<float>(), gy, gz.ptr<float>(), numel);
            }
            const Ref x = refOf(graph, nd.src[0]);
            Backward::Sink sink = bw.open(x);
            GemmProblem p; // gx [M, K] = gz [M, N] · W [N, K]
            p.M = M;
            p.N = K;
            p.K = N;
            p.a = gz.defined() ? gz.ptr<float>() : gy;
            p.aRow = N;
            w.setB(p);
            p.c = sink.data;
            p.cRow = K;
            gemm(p);
            bw.commit(sink);
            break;
        }
        case Op::MatMul: {
            const Ref a = refOf(graph, nd.src[0]), b = refOf(graph, nd.src[1]);
            const size_t d = nd.shape.size();
            const int64_t M = nd.shape[d - 2], N = nd.shape[d - 1], K = a.shape.back();
            const Shape batch(nd.shape.begin(), nd.shape.end() - 2);
            auto batchStrides = [&](const Ref& r) {
                Ref rb;
                rb.shape.assign(r.shape.begin(), r.shape.end() - 2);
                rb.strides.assign(r.strides.begin(), r.strides.end() - 2);
                return broadcastStrides(rb, batch);
            };
            auto packedBatch = [&](int64_t rows, int64_t cols) {
                Shape s = contiguousStrides(batch);
                for (int64_t& x : s)
                    x *= rows * cols;
                return s;
            };
            const Shape ba = batchStrides(a), bb = batchStrides(b), bg = packedBatch(M, N);
            const int64_t am = a.strides[a.shape.size() - 2], ak = a.strides.back();
            const int64_t bk = b.strides[b.shape.size() - 2], bn = b.strides.back();
            GemmProblem base;
            for (size_t i = 0; i < batch.size(); ++i)
                base.batch[2 - batch.size() + i] = batch[i];
            if (needs(nd, 0)) { // gA [.., M, K] = gC · Bᵀ
                Shape shape = batch, strides = ba;
                shape.insert(shape.end(), {M, K});
                strides.insert(strides.end(), {am, ak});
                Backward::Sink sink = bw.open(a, shape, strides);
                GemmProblem p = base;
                p.M = M;
                p.N = K;
                p.K = N;
                p.a = gy;
                p.aRow = N;
                setBatch(p.aBatch, bg);
                p.b = V(b.root) + b.offset;
                p.bRow = bn;
                p.bCol = bk;
                setBatch(p.bBatch, bb);
                p.c = sink.data;
                p.cRow = K;
                setBatch(p.cBatch, packedBatch(M, K));
                gemm(p);
                bw.commit(sink);
            }
            if (needs(nd, 1)) { // gB [.., K, N] = Aᵀ · gC
                Shape shape = batch, strides = bb;
                shape.insert(shape.end(), {K, N});
                strides.insert(strides.end(), {bk, bn});
                Backward::Sink sink = bw.open(b, shape, strides);
                GemmProblem p = base;
                p.M = K;
                p.N = N;
                p.K = M;
                p.a = V(a.root) + a.offset;
                p.aRow = ak;
                p.aCol = am;
                setBatch(p.aBatch, ba);
                p.b = gy;
                p.bRow = N;
                setBatch(p.bBatch, bg);
                p.c = sink.data;
                p.cRow = N;
                setBatch(p.cBatch, packedBatch(K, N));
                gemm(p);
                bw.commit(sink);
            }
            break;
        }
        case Op::Softmax: {
            if (!needs(nd, 0)) break;
            Backward::Sink sink = bw.open(refOf(graph, nd.src[0]));
            const int64_t C = nd.shape.back();
            softmaxBackward(V(id), gy, sink.data, numel / C, C, float(nd.f0));
            bw.commit(sink);
            break;
        }
        case Op::LayerNorm: {
            if (!needs(nd, 0)) break;
            const Tensor x = packedValue(nd.src[0]);
            const Tensor wv = nd.src[1] >= 0 ? packedValue(nd.src[1]) : Tensor();
            const float* w = wv.defined() ? wv.ptr<float>() : nullptr;
            Backward::Sink sink = bw.open(refOf(graph, nd.src[0]));
            const int64_t C = nd.shape.back();
            layerNormBackward(x.ptr<float>(), w, gy, sink.data, numel / C, C, nd.f0);
            bw.commit(sink);
            break;
        }
        case Op::Act: {
            if (!needs(nd, 0)) break;
            const Tensor x = packedValue(nd.src[0]);
            Backward::Sink sink = bw.open(refOf(graph, nd.src[0]));
            activationBackward(nd.act, x.ptr<float>(), gy, sink.data, numel);
            bw.commit(sink);
            break;
        }
        case Op::PatchEmbed: {
            if (!needs(nd, 0)) break;
            const Ref x = refOf(graph, nd.src[0]);
            const GemmWeight w = inputGradWeight(nd.src[1]);
            const int64_t B = x.shape[0], C = x.shape[1], H = x.shape[2], W = x.shape[3], P = nd.i0;
            const int64_t rows = nd.shape[0] * nd.shape[1], D = nd.shape[2], K = C * P * P;
            Tensor cols = Tensor::empty(DType::F32, {rows, K});
            GemmProblem p; // gcols [rows, K] = gy [rows, D] · W [D, K]
            p.M = rows;
            p.N = K;
            p.K = D;
            p.a = gy;
            p.aRow = D;
            w.setB(p);
            p.c = cols.ptr<float>();
            p.cRow = K;
            gemm(p);
            Backward::Sink sink = bw.open(x);
            col2im(cols.ptr<float>(), sink.data, B, C, H, W, P);
            bw.commit(sink);
            break;
        }
        case Op::Concat: {
            const Ref a = refOf(graph, nd.src[0]), b = refOf(graph, nd.src[1]);
            Backward::Sink sa, sb;
            if (needs(nd, 0)) sa = bw.open(a);
            if (needs(nd, 1)) sb = bw.open(b);
            concatBackward(gy, nd.shape, nd.i0, a.shape[size_t(nd.i0)], sa.data, sb.data);
            if (sa.data) bw.commit(sa);
            if (sb.data) bw.commit(sb);
            break;
        }
        case Op::Bicubic: {
            if (!needs(nd, 0)) break;
            const Ref x = refOf(graph, nd.src[0]);
            Backward::Sink sink = bw.open(x);
            bicubicBackward(gy, sink.data, x.shape[0] * x.shape[1], x.shape[2], x.shape[3], nd.shape[2],
                            nd.shape[3], nd.f0, nd.f1);
            bw.commit(sink);
            break;
        }
        case Op::Input:
        case Op::Weight:
        case Op::View:
            break;
        // Fused attention never appears in a gradient graph (attribution reads the probabilities), and
        // the backward ops are not differentiated again.
        case Op::Attention:
        case Op::SoftmaxGrad:
        case Op::LayerNormGrad:
        case Op::ActGrad:
        case Op::BicubicGrad:
        case Op::Col2Im:
        case Op::SumTo:
        case Op::Embed:
            throw Error("autograd",
                        std::string("no gradient for ") + opName(nd.op) + " (" + nodeLabel(graph, id) + ")");
        }
        if (!out.gradWanted[ii]) out.grads[ii] = Tensor(); // consumed: give the memory back
        if (profile) backwardMs[int(nd.op)] += msSince(t0);
    }
    if (profile) {
        for (int op = 0; op <= int(Op::Embed); ++op)
            if (forwardMs[op] > 0 || backwardMs[op] > 0)
                std::fprintf(stderr, "loupe grad profile: %-12s forward %8.3f ms  backward %8.3f ms\n",
                             opName(Op(op)), forwardMs[op], backwardMs[op]);
        std::fprintf(stderr, "loupe grad profile: total %.3f ms (arena %.1f MiB)\n", msSince(start),
                     double(plan.arenaBytes) / (1 << 20));
    }
    return out;
}

} // namespace loupe::compute
