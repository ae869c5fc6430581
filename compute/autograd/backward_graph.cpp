// SPDX-License-Identifier: MIT
#include "compute/autograd/backward_graph.h"

#include "compute/autograd/node_ref.h"
#include "compute/autograd/plain_weights.h"
#include "compute/backend/scheduler.h"
#include "compute/error.h"

#include <utility>

namespace loupe::compute {

namespace {

using namespace autograd;

class Builder
{
public:
    Builder(const Graph& g, NodeId output, const GradientRequest& request)
        : g_(g), output_(output), req_(request)
    {
    }

    GradientGraph build()
    {
        const size_t n = g_.size();
        auto checkId = [&](NodeId id) {
            if (id < 0 || size_t(id) >= n)
                throw Error("autograd", "node " + std::to_string(id) + " is not in the graph");
        };
        checkId(output_);
        out_.gradWanted.assign(n, false);
        out_.values.resize(n);
        out_.grads.resize(n);
        for (NodeId id : req_.gradients) {
            checkId(id);
            const NodeId root = g_.storageRoot(id);
            if (g_.node(root).op == Op::Weight)
                throw Error("autograd", "gradients of weights are not computed (" + nodeLabel(g_, id) + ")");
            out_.gradWanted[size_t(root)] = true;
        }
        for (NodeId id : req_.values)
            checkId(id);
        markPaths();
        forward();
        backward();
        return std::move(out_);
    }

private:
    // desc: depends on a requested node; anc: the output depends on it. Only nodes that are both pass
    // a gradient on (runWithGradients' rule: a late request makes the sweep short).
    void markPaths()
    {
        const size_t n = g_.size();
        desc_.assign(n, false);
        std::vector<bool> anc(n, false);
        for (size_t i = 0; i < n; ++i) {
            desc_[i] = out_.gradWanted[i];
            for (int s : g_.node(NodeId(i)).src)
                if (s >= 0 && desc_[size_t(s)]) desc_[i] = true;
        }
        anc[size_t(output_)] = true;
        for (size_t i = n; i-- > 0;)
            if (anc[i])
                for (int s : g_.node(NodeId(i)).src)
                    if (s >= 0) anc[size_t(s)] = true;
        process_.assign(n, false);
        for (size_t i = 0; i < n; ++i)
            process_[i] = computes(g_.node(NodeId(i))) && desc_[i] && anc[i];
        // The forward copy holds what the output, the requested values and gradients depend on.
        needed_ = anc;
        for (NodeId id : req_.values)
            needed_[size_t(id)] = true;
        for (NodeId id : req_.gradients)
            needed_[size_t(id)] = true;
        for (size_t i = n; i-- > 0;)
            if (needed_[i])
                for (int s : g_.node(NodeId(i)).src)
                    if (s >= 0) needed_[size_t(s)] = true;
    }

    bool needs(const Node& nd, int k) const { return nd.src[k] >= 0 && desc_[size_t(nd.src[k])]; }

    void forward()
    {
        Graph& b = out_.graph;
        m_.assign(g_.size(), -1);
        for (size_t i = 0; i < g_.size(); ++i) {
            if (!needed_[i]) continue;
            const Node& n = g_.node(NodeId(i));
            auto src = [&](int k) { return n.src[k] < 0 ? NodeId(-1) : m_[size_t(n.src[k])]; };
            if (n.op == Op::Linear && process_[i] && n.act != Activation::None && needs(n, 0)) {
                // z kept apart: the backward pass reads act'(z).
                const NodeId z = b.linear(src(0), src(1), src(2));
                preAct_[NodeId(i)] = z;
                const NodeId y = b.activation(z, n.act);
                m_[i] = n.src[3] >= 0 ? b.add(y, src(3)) : y;
                continue;
            }
            m_[i] = b.copyOf(n, {src(0), src(1), src(2), src(3)});
        }
        // Values the caller asked for (inputs come from the bindings, weights from the model).
        auto keepValue = [&](NodeId id) {
            const NodeId root = g_.storageRoot(id);
            const Op op = g_.node(root).op;
            if (op == Op::Input || op == Op::Weight) return;
            out_.values[size_t(root)] = keepAs(m_[size_t(root)], "__grad.value." + std::to_string(root));
        };
        keepValue(output_);
        for (NodeId id : req_.values)
            keepValue(id);
        for (NodeId id : req_.gradients)
            keepValue(id);
    }

    // Marks `id` kept and returns the name its value comes back under.
    std::string keepAs(NodeId id, const std::string& name)
    {
        Graph& b = out_.graph;
        if (b.node(id).name.empty()) b.name(id, name);
        b.keep(id);
        return b.node(id).name;
    }

    // Adds gradient `gv` of model node `operand` (shaped like it) to the gradient of its storage root:
    // broadcast (stride 0) dims are summed, a part of the root is placed into zeros with Embed.
    void contribute(NodeId operand, NodeId gv)
    {
        Graph& b = out_.graph;
        Ref r = refOf(g_, operand);
        Shape reduced = r.shape;
        for (size_t d = 0; d < reduced.size(); ++d)
            if (r.strides[d] == 0) reduced[d] = 1;
        gv = b.sumTo(gv, reduced);
        const Shape& rootShape = g_.node(r.root).shape;
        const bool covers =
            r.offset == 0 && shapeNumel(reduced) == shapeNumel(rootShape) && packedLayout(reduced, r.strides);
        if (covers)
            gv = reduced == rootShape ? gv : b.reshape(gv, rootShape);
        else
            gv = b.embed(gv, rootShape, r.strides, r.offset);
        NodeId& acc = grad_[size_t(r.root)];
        acc = acc < 0 ? gv : b.add(acc, gv);
    }

    // gx = g · W for a linear weight W [N, K] (or PatchEmbed's [D, C, P, P]): a Linear by Wᵀ packed
    // the way runWithGradients multiplies, else a MatMul by the plain weight.
    NodeId timesWeight(NodeId g, NodeId weight)
    {
        Graph& b = out_.graph;
        const Node& w = g_.node(weight);
        if (w.op == Op::Weight) {
            auto it = wt_.find(weight);
            if (it == wt_.end()) {
                std::shared_ptr<const PackedWeight> p = autograd::packedInputGradWeight(w);
                const std::string name = (w.name.empty() ? "w" + std::to_string(weight) : w.name) + ".grad_t";
                it = wt_.emplace(weight, p ? b.packedWeight(name, p) : -1).first;
            }
            if (it->second >= 0) return b.linear(g, it->second);
        }
        NodeId plain = m_[size_t(weight)];
        if (w.packed) plain = b.weight(w.name + ".plain", autograd::plainWeight(w));
        const int64_t N = w.shape[0], K = shapeNumel(w.shape) / N;
        if (b.node(plain).shape.size() != 2) plain = b.reshape(plain, {N, K});
        const Shape gs = b.node(g).shape;
        Shape outShape = gs;
        outShape.back() = K;
        const NodeId g2 = b.reshape(g, {shapeNumel(gs) / N, N});
        return b.reshape(b.matmul(g2, plain), outShape);
    }

    NodeId minusOne()
    {
        if (minusOne_ < 0) {
            Tensor t = Tensor::empty(DType::F32, {1});
            t.ptr<float>()[0] = -1.0f;
            minusOne_ = out_.graph.weight("__grad.minus_one", t);
        }
        return minusOne_;
    }

    void backward()
    {
        Graph& b = out_.graph;
        const size_t n = g_.size();
        grad_.assign(n, -1);
        const NodeId seed = b.input(out_.seed, g_.node(output_).shape);
        contribute(output_, seed);
        for (size_t ii = n; ii-- > 0;) {
            const NodeId id = NodeId(ii);
            const Node& nd = g_.node(id);
            if (!process_[ii] || grad_[ii] < 0) continue;
            const NodeId gy = grad_[ii];
            if (nd.op == Op::Linear || nd.op == Op::LayerNorm || nd.op == Op::PatchEmbed)
                for (int k : {1, 2})
                    if (needs(nd, k))
                        throw Error("autograd", std::string("gradient of ") + opName(nd.op) + " operand " +
                                                    std::to_string(k) + " is not implemented");
            auto M = [&](int k) { return m_[size_t(nd.src[k])]; };
            auto shapeOf = [&](int k) { return g_.node(nd.src[k]).shape; };
            switch (nd.op) {
            case Op::Cont:
                contribute(nd.src[0], gy);
                break;
            case Op::Add:
            case Op::Sub:
                if (needs(nd, 0)) contribute(nd.src[0], b.sumTo(gy, shapeOf(0)));
                if (needs(nd, 1)) {
                    NodeId gb = b.sumTo(gy, shapeOf(1));
                    contribute(nd.src[1], nd.op == Op::Sub ? b.mul(gb, minusOne()) : gb);
                }
                break;
            case Op::Mul:
                if (needs(nd, 0)) contribute(nd.src[0], b.sumTo(b.mul(gy, M(1)), shapeOf(0)));
                if (needs(nd, 1)) contribute(nd.src[1], b.sumTo(b.mul(gy, M(0)), shapeOf(1)));
                break;
            case Op::Linear: {
                if (needs(nd, 3)) contribute(nd.src[3], gy);
                if (!needs(nd, 0)) break;
                auto z = preAct_.find(id);
                const NodeId gz = z == preAct_.end() ? gy : b.actGrad(z->second, gy, nd.act);
                contribute(nd.src[0], timesWeight(gz, nd.src[1]));
                break;
            }
            case Op::MatMul: {
                auto transposed = [&](NodeId x) {
                    std::vector<int64_t> dims(b.node(x).shape.size());
                    for (size_t d = 0; d < dims.size(); ++d)
                        dims[d] = int64_t(d);
                    std::swap(dims[dims.size() - 1], dims[dims.size() - 2]);
                    return b.permute(x, dims);
                };
                if (needs(nd, 0)) contribute(nd.src[0], b.sumTo(b.matmul(gy, transposed(M(1))), shapeOf(0)));
                if (needs(nd, 1)) contribute(nd.src[1], b.sumTo(b.matmul(transposed(M(0)), gy), shapeOf(1)));
                break;
            }
            case Op::Softmax:
                if (needs(nd, 0)) contribute(nd.src[0], b.softmaxGrad(m_[ii], gy, nd.f0));
                break;
            case Op::LayerNorm:
                if (needs(nd, 0))
                    contribute(nd.src[0], b.layerNormGrad(M(0), nd.src[1] >= 0 ? M(1) : -1, gy, nd.f0));
                break;
            case Op::Act:
                if (needs(nd, 0)) contribute(nd.src[0], b.actGrad(M(0), gy, nd.act));
                break;
            case Op::PatchEmbed:
                if (needs(nd, 0))
                    contribute(nd.src[0], b.col2im(timesWeight(gy, nd.src[1]), shapeOf(0), nd.i0));
                break;
            case Op::Concat: {
                const int64_t split = shapeOf(0)[size_t(nd.i0)];
                if (needs(nd, 0)) contribute(nd.src[0], b.slice(gy, nd.i0, 0, split));
                if (needs(nd, 1)) contribute(nd.src[1], b.slice(gy, nd.i0, split, nd.shape[size_t(nd.i0)]));
                break;
            }
            case Op::Bicubic:
                if (needs(nd, 0))
                    contribute(nd.src[0], b.bicubicGrad(gy, shapeOf(0)[2], shapeOf(0)[3], nd.f0, nd.f1));
                break;
            case Op::Input:
            case Op::Weight:
            case Op::View:
                break;
            case Op::Attention:
            case Op::SoftmaxGrad:
            case Op::LayerNormGrad:
            case Op::ActGrad:
            case Op::BicubicGrad:
            case Op::Col2Im:
            case Op::SumTo:
            case Op::Embed:
                throw Error("autograd",
                            std::string("no gradient for ") + opName(nd.op) + " (" + nodeLabel(g_, id) + ")");
            }
        }
        for (size_t i = 0; i < n; ++i)
            if (out_.gradWanted[i] && grad_[i] >= 0)
                out_.grads[i] = keepAs(b.cont(grad_[i]), "__grad.d." + std::to_string(i));
    }

    const Graph& g_;
    NodeId output_;
    const GradientRequest& req_;
    GradientGraph out_;
    std::vector<bool> desc_, process_, needed_;
    std::vector<NodeId> m_;    // model node -> its copy in the gradient graph
    std::vector<NodeId> grad_; // model root -> its summed gradient so far
    std::map<NodeId, NodeId> preAct_, wt_;
    NodeId minusOne_ = -1;
};

} // namespace

GradientGraph buildGradientGraph(const Graph& g, NodeId output, const GradientRequest& request)
{
    return Builder(g, output, request).build();
}

GradientRun runGradientGraph(const Graph& g, const GradientGraph& gg,
                             const std::map<std::string, Tensor>& inputs, const Tensor& seed,
                             Scheduler& scheduler)
{
    const NodeId seedNode = gg.graph.find(gg.seed);
    if (seedNode < 0 || seed.shape() != gg.graph.node(seedNode).shape)
        throw Error("autograd",
                    "seed " + shapeString(seed.shape()) + " does not match output " +
                        (seedNode < 0 ? std::string("?") : shapeString(gg.graph.node(seedNode).shape)));
    GraphRun run;
    for (const auto& [name, t] : inputs)
        run.inputs[name] = t.dtype() == DType::F32 ? t.contiguous() : t.to(DType::F32);
    run.inputs[gg.seed] = seed.to(DType::F32).contiguous();
    scheduler.run(gg.graph, run);

    GradientRun out;
    out.graph = &g;
    const size_t n = g.size();
    out.values.resize(n);
    out.grads.resize(n);
    out.gradWanted = gg.gradWanted;
    auto kept = [&](const std::string& name) {
        auto it = run.kept.find(name);
        if (it == run.kept.end()) throw Error("autograd", "the gradient graph did not return '" + name + "'");
        return it->second.contiguous();
    };
    for (size_t i = 0; i < n; ++i) {
        const Node& nd = g.node(NodeId(i));
        if (nd.op == Op::Input) {
            auto it = run.inputs.find(nd.name);
            if (it != run.inputs.end()) out.values[i] = it->second;
        } else if (!gg.values[i].empty()) {
            out.values[i] = kept(gg.values[i]);
        }
        if (!gg.grads[i].empty()) out.grads[i] = kept(gg.grads[i]);
    }
    return out;
}

GradientRun runWithGradients(const Graph& g, const std::map<std::string, Tensor>& inputs, NodeId output,
                             const Tensor& seed, const GradientRequest& request, Scheduler& scheduler)
{
    if (&scheduler.device() == &cpuDevice()) {
        GradientRun run = runWithGradients(g, inputs, output, seed, request);
        scheduler.recordCpu("");
        return run;
    }
    const GradientGraph gg = buildGradientGraph(g, output, request);
    return runGradientGraph(g, gg, inputs, seed, scheduler);
}

} // namespace loupe::compute
