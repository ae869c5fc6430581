// SPDX-License-Identifier: MIT
#include "compute/autograd/backward.h"

#include "compute/backend/backend.h"
#include "compute/error.h"
#include "compute/graph/planner.h"

#include <cmath>
#include <cstring>

namespace loupe::compute {

namespace {

// Where a node's elements live inside its storage root: views compose their offsets down the chain
// and already carry storage strides.
struct Ref
{
    NodeId root = -1;
    int64_t offset = 0;
    Shape shape, strides;
};

Ref refOf(const Graph& g, NodeId id)
{
    Ref r;
    r.shape = g.node(id).shape;
    r.strides = g.node(id).strides;
    while (g.node(id).op == Op::View) {
        r.offset += g.node(id).offset;
        id = g.node(id).src[0];
    }
    r.root = id;
    return r;
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

// Offset of logical element `linear` of `shape` read through `strides` (+ base).
int64_t offsetAt(const Shape& shape, const Shape& strides, int64_t base, int64_t linear)
{
    int64_t off = base;
    for (size_t i = shape.size(); i-- > 0;) {
        off += (linear % shape[i]) * strides[i];
        linear /= shape[i];
    }
    return off;
}

double sigmoid(double x)
{
    return 1.0 / (1.0 + std::exp(-x));
}

} // namespace

double activationValue(Activation act, double x)
{
    switch (act) {
    case Activation::None:
        return x;
    case Activation::GeluErf:
        return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
    case Activation::GeluTanh: {
        const double c = std::sqrt(2.0 / M_PI);
        return 0.5 * x * (1.0 + std::tanh(c * (x + 0.044715 * x * x * x)));
    }
    case Activation::QuickGelu:
        return x * sigmoid(1.702 * x);
    case Activation::Relu:
        return x > 0 ? x : 0;
    case Activation::Silu:
        return x * sigmoid(x);
    case Activation::Tanh:
        return std::tanh(x);
    case Activation::Sigmoid:
        return sigmoid(x);
    }
    return x;
}

double activationDerivative(Activation act, double x)
{
    switch (act) {
    case Activation::None:
        return 1;
    case Activation::GeluErf:
        return 0.5 * (1.0 + std::erf(x / std::sqrt(2.0))) +
               x * std::exp(-0.5 * x * x) / std::sqrt(2.0 * M_PI);
    case Activation::GeluTanh: {
        const double c = std::sqrt(2.0 / M_PI);
        const double u = c * (x + 0.044715 * x * x * x), t = std::tanh(u);
        return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * c * (1.0 + 3 * 0.044715 * x * x);
    }
    case Activation::QuickGelu: {
        const double s = sigmoid(1.702 * x);
        return s + x * 1.702 * s * (1.0 - s);
    }
    case Activation::Relu:
        return x > 0 ? 1 : 0;
    case Activation::Silu: {
        const double s = sigmoid(x);
        return s + x * s * (1.0 - s);
    }
    case Activation::Tanh: {
        const double t = std::tanh(x);
        return 1.0 - t * t;
    }
    case Activation::Sigmoid: {
        const double s = sigmoid(x);
        return s * (1.0 - s);
    }
    }
    return 1;
}

Tensor GradientRun::valueOf(NodeId id) const
{
    const Ref r = refOf(*graph, id);
    const Tensor& root = values[size_t(r.root)];
    return Tensor::strided(root.ptr<float>() + r.offset, DType::F32, r.shape, r.strides, root.owner())
        .contiguous();
}

Tensor GradientRun::gradOf(NodeId id) const
{
    const Ref r = refOf(*graph, id);
    const Tensor& root = grads[size_t(r.root)];
    if (!root.defined()) return Tensor::zeros(DType::F32, r.shape);
    return Tensor::strided(root.ptr<float>() + r.offset, DType::F32, r.shape, r.strides, root.owner())
        .contiguous();
}

GradientRun runWithGradients(const Graph& graph, const std::map<std::string, Tensor>& inputs, NodeId output,
                             const Tensor& seed)
{
    const size_t n = graph.size();
    // Forward with every computed node kept under a private name.
    Graph g = graph;
    std::vector<std::string> keyOf(n);
    for (size_t i = 0; i < n; ++i) {
        const Node& nd = g.node(NodeId(i));
        if (nd.op == Op::View || nd.op == Op::Input || nd.op == Op::Weight) continue;
        keyOf[i] = "__grad." + std::to_string(i);
        g.name(NodeId(i), keyOf[i]);
        g.keep(NodeId(i));
    }
    GraphRun run;
    run.inputs = inputs;
    {
        const MemoryPlan plan = planMemory(g);
        auto arena = cpuDevice().bufferType().allocate(plan.arenaBytes);
        auto backend = cpuDevice().createBackend();
        backend->compute(g, plan, *arena, run);
    }
    GradientRun out;
    out.graph = &graph;
    out.values.resize(n);
    out.grads.resize(n);
    std::vector<bool> needs(n, false);
    for (size_t i = 0; i < n; ++i) {
        const Node& nd = graph.node(NodeId(i));
        if (nd.op == Op::Input) {
            auto it = inputs.find(nd.name);
            if (it == inputs.end()) throw Error("autograd", "input '" + nd.name + "' is not bound");
            out.values[i] = it->second.to(DType::F32).contiguous();
            needs[i] = true;
        } else if (nd.op == Op::Weight) {
            if (nd.packed) {
                Tensor t = Tensor::empty(DType::F32, nd.shape);
                nd.packed->unpack(t.ptr<float>());
                out.values[i] = t;
            } else {
                out.values[i] = nd.value.contiguous();
            }
        } else if (nd.op != Op::View) {
            out.values[i] = run.kept.at(keyOf[i]).contiguous();
        }
        if (nd.op != Op::Input && nd.op != Op::Weight)
            for (int s : nd.src)
                if (s >= 0 && needs[size_t(s)]) needs[i] = true;
    }

    auto V = [&](NodeId id) { return out.values[size_t(id)].ptr<float>(); };
    // Gradient buffer of a root, created on first use.
    auto G = [&](NodeId root) -> float* {
        Tensor& t = out.grads[size_t(root)];
        if (!t.defined()) t = Tensor::zeros(DType::F32, graph.node(root).shape);
        return t.ptr<float>();
    };

    if (seed.shape() != graph.node(output).shape)
        throw Error("autograd", "seed " + shapeString(seed.shape()) + " does not match output " +
                                    shapeString(graph.node(output).shape));
    {
        const Ref r = refOf(graph, output);
        const Tensor s = seed.to(DType::F32).contiguous();
        float* gr = G(r.root);
        for (int64_t i = 0; i < s.numel(); ++i)
            gr[offsetAt(r.shape, r.strides, r.offset, i)] += s.ptr<float>()[i];
    }

    for (size_t ii = n; ii-- > 0;) {
        const NodeId id = NodeId(ii);
        const Node& nd = graph.node(id);
        if (nd.op == Op::View || nd.op == Op::Input || nd.op == Op::Weight || !out.grads[ii].defined())
            continue;
        const float* gy = out.grads[ii].ptr<float>();
        const float* y = V(id);
        const int64_t numel = nd.numel();
        auto needsGrad = [&](int k) { return nd.src[k] >= 0 && needs[size_t(nd.src[k])]; };
        auto noWeightGrad = [&](int k) {
            if (needsGrad(k))
                throw Error("autograd", std::string("gradient of ") + opName(nd.op) + " operand " +
                                            std::to_string(k) + " is not implemented");
        };
        switch (nd.op) {
        case Op::Cont: {
            if (!needsGrad(0)) break;
            const Ref x = refOf(graph, nd.src[0]);
            float* gx = G(x.root);
            for (int64_t i = 0; i < numel; ++i)
                gx[offsetAt(x.shape, x.strides, x.offset, i)] += gy[i];
            break;
        }
        case Op::Add:
        case Op::Sub:
        case Op::Mul: {
            const Ref a = refOf(graph, nd.src[0]), b = refOf(graph, nd.src[1]);
            const Shape sa = broadcastStrides(a, nd.shape), sb = broadcastStrides(b, nd.shape);
            const float *va = V(a.root), *vb = V(b.root);
            float* ga = needsGrad(0) ? G(a.root) : nullptr;
            float* gb = needsGrad(1) ? G(b.root) : nullptr;
            for (int64_t i = 0; i < numel; ++i) {
                const int64_t oa = offsetAt(nd.shape, sa, a.offset, i),
                              ob = offsetAt(nd.shape, sb, b.offset, i);
                if (nd.op == Op::Mul) {
                    if (ga) ga[oa] += gy[i] * vb[ob];
                    if (gb) gb[ob] += gy[i] * va[oa];
                } else {
                    if (ga) ga[oa] += gy[i];
                    if (gb) gb[ob] += nd.op == Op::Sub ? -gy[i] : gy[i];
                }
            }
            break;
        }
        case Op::Linear: {
            noWeightGrad(1);
            noWeightGrad(2);
            const Ref x = refOf(graph, nd.src[0]);
            const float* w = V(nd.src[1]);
            const float* bias = nd.src[2] >= 0 ? V(nd.src[2]) : nullptr;
            const int64_t N = nd.shape.back(), K = x.shape.back(), M = numel / N;
            if (nd.src[3] >= 0 && needsGrad(3)) {
                const Ref r = refOf(graph, nd.src[3]);
                float* gr = G(r.root);
                for (int64_t i = 0; i < numel; ++i)
                    gr[offsetAt(r.shape, r.strides, r.offset, i)] += gy[i];
            }
            if (!needsGrad(0)) break;
            const float* vx = V(x.root);
            float* gx = G(x.root);
            std::vector<double> row(static_cast<size_t>(K)), gz(static_cast<size_t>(N));
            for (int64_t m = 0; m < M; ++m) {
                for (int64_t k = 0; k < K; ++k)
                    row[size_t(k)] = vx[offsetAt(x.shape, x.strides, x.offset, m * K + k)];
                for (int64_t j = 0; j < N; ++j) {
                    double d = 1;
                    if (nd.act != Activation::None) {
                        double z = bias ? bias[j] : 0.0;
                        for (int64_t k = 0; k < K; ++k)
                            z += row[size_t(k)] * w[j * K + k];
                        d = activationDerivative(nd.act, z);
                    }
                    gz[size_t(j)] = gy[m * N + j] * d;
                }
                for (int64_t k = 0; k < K; ++k) {
                    double s = 0;
                    for (int64_t j = 0; j < N; ++j)
                        s += gz[size_t(j)] * w[j * K + k];
                    gx[offsetAt(x.shape, x.strides, x.offset, m * K + k)] += float(s);
                }
            }
            break;
        }
        case Op::MatMul: {
            const Ref a = refOf(graph, nd.src[0]), b = refOf(graph, nd.src[1]);
            const size_t nd_ = nd.shape.size();
            const int64_t M = nd.shape[nd_ - 2], N = nd.shape[nd_ - 1], K = a.shape.back();
            const Shape batch(nd.shape.begin(), nd.shape.end() - 2);
            auto batchStrides = [&](const Ref& r) {
                Ref rb;
                rb.shape.assign(r.shape.begin(), r.shape.end() - 2);
                rb.strides.assign(r.strides.begin(), r.strides.end() - 2);
                return broadcastStrides(rb, batch);
            };
            const Shape ba = batchStrides(a), bb = batchStrides(b);
            const int64_t am = a.strides[a.shape.size() - 2], ak = a.strides.back();
            const int64_t bk = b.strides[b.shape.size() - 2], bn = b.strides.back();
            const float *va = V(a.root), *vb = V(b.root);
            float* ga = needsGrad(0) ? G(a.root) : nullptr;
            float* gb = needsGrad(1) ? G(b.root) : nullptr;
            const int64_t batches = shapeNumel(batch);
            for (int64_t t = 0; t < batches; ++t) {
                const int64_t oa = offsetAt(batch, ba, a.offset, t), ob = offsetAt(batch, bb, b.offset, t);
                const float* g = gy + t * M * N;
                if (ga)
                    for (int64_t m = 0; m < M; ++m)
                        for (int64_t k = 0; k < K; ++k) {
                            double s = 0;
                            for (int64_t j = 0; j < N; ++j)
                                s += double(g[m * N + j]) * vb[ob + k * bk + j * bn];
                            ga[oa + m * am + k * ak] += float(s);
                        }
                if (gb)
                    for (int64_t k = 0; k < K; ++k)
                        for (int64_t j = 0; j < N; ++j) {
                            double s = 0;
                            for (int64_t m = 0; m < M; ++m)
                                s += double(va[oa + m * am + k * ak]) * g[m * N + j];
                            gb[ob + k * bk + j * bn] += float(s);
                        }
            }
            break;
        }
        case Op::Softmax: {
            if (!needsGrad(0)) break;
            const Ref x = refOf(graph, nd.src[0]);
            float* gx = G(x.root);
            const int64_t C = nd.shape.back();
            for (int64_t r = 0; r < numel / C; ++r) {
                double dot = 0;
                for (int64_t c = 0; c < C; ++c)
                    dot += double(gy[r * C + c]) * y[r * C + c];
                for (int64_t c = 0; c < C; ++c)
                    gx[offsetAt(x.shape, x.strides, x.offset, r * C + c)] +=
                        float(nd.f0 * y[r * C + c] * (gy[r * C + c] - dot));
            }
            break;
        }
        case Op::LayerNorm: {
            noWeightGrad(1);
            noWeightGrad(2);
            if (!needsGrad(0)) break;
            const Ref x = refOf(graph, nd.src[0]);
            const float* vx = V(x.root);
            const float* w = nd.src[1] >= 0 ? V(nd.src[1]) : nullptr;
            float* gx = G(x.root);
            const int64_t C = nd.shape.back();
            std::vector<double> xh(static_cast<size_t>(C)), gh(static_cast<size_t>(C));
            for (int64_t r = 0; r < numel / C; ++r) {
                double mean = 0, var = 0;
                for (int64_t c = 0; c < C; ++c)
                    mean += vx[offsetAt(x.shape, x.strides, x.offset, r * C + c)];
                mean /= double(C);
                for (int64_t c = 0; c < C; ++c) {
                    const double d = vx[offsetAt(x.shape, x.strides, x.offset, r * C + c)] - mean;
                    xh[size_t(c)] = d;
                    var += d * d;
                }
                const double rstd = 1.0 / std::sqrt(var / double(C) + nd.f0);
                double mg = 0, mgx = 0;
                for (int64_t c = 0; c < C; ++c) {
                    xh[size_t(c)] *= rstd;
                    gh[size_t(c)] = double(gy[r * C + c]) * (w ? w[c] : 1.0);
                    mg += gh[size_t(c)];
                    mgx += gh[size_t(c)] * xh[size_t(c)];
                }
                mg /= double(C);
                mgx /= double(C);
                for (int64_t c = 0; c < C; ++c)
                    gx[offsetAt(x.shape, x.strides, x.offset, r * C + c)] +=
                        float(rstd * (gh[size_t(c)] - mg - xh[size_t(c)] * mgx));
            }
            break;
        }
        case Op::Act: {
            if (!needsGrad(0)) break;
            const Ref x = refOf(graph, nd.src[0]);
            const float* vx = V(x.root);
            float* gx = G(x.root);
            for (int64_t i = 0; i < numel; ++i) {
                const int64_t o = offsetAt(x.shape, x.strides, x.offset, i);
                gx[o] += float(gy[i] * activationDerivative(nd.act, vx[o]));
            }
            break;
        }
        case Op::PatchEmbed: {
            noWeightGrad(1);
            noWeightGrad(2);
            if (!needsGrad(0)) break;
            const Ref x = refOf(graph, nd.src[0]);
            const float* w = V(nd.src[1]);
            float* gx = G(x.root);
            const int64_t B = x.shape[0], C = x.shape[1], P = nd.i0, gw = x.shape[3] / P, np = nd.shape[1],
                          D = nd.shape[2];
            for (int64_t b = 0; b < B; ++b)
                for (int64_t p = 0; p < np; ++p)
                    for (int64_t c = 0; c < C; ++c)
                        for (int64_t i = 0; i < P; ++i)
                            for (int64_t j = 0; j < P; ++j) {
                                double s = 0;
                                for (int64_t d = 0; d < D; ++d)
                                    s += double(gy[(b * np + p) * D + d]) * w[((d * C + c) * P + i) * P + j];
                                const int64_t yy = (p / gw) * P + i, xx = (p % gw) * P + j;
                                gx[x.offset + b * x.strides[0] + c * x.strides[1] + yy * x.strides[2] +
                                   xx * x.strides[3]] += float(s);
                            }
            break;
        }
        case Op::Concat: {
            const int64_t dim = nd.i0;
            const Ref a = refOf(graph, nd.src[0]), b = refOf(graph, nd.src[1]);
            float* ga = needsGrad(0) ? G(a.root) : nullptr;
            float* gb = needsGrad(1) ? G(b.root) : nullptr;
            const int64_t split = a.shape[size_t(dim)];
            for (int64_t i = 0; i < numel; ++i) {
                // Decompose i into the index along `dim` and route to the operand that owns it.
                int64_t rest = i, offA = a.offset, offB = b.offset;
                bool inA = true;
                for (size_t d = nd.shape.size(); d-- > 0;) {
                    int64_t k = rest % nd.shape[d];
                    rest /= nd.shape[d];
                    if (int64_t(d) == dim && k >= split) {
                        inA = false;
                        k -= split;
                    }
                    offA += k * a.strides[d];
                    offB += k * b.strides[d];
                }
                if (inA && ga) ga[offA] += gy[i];
                if (!inA && gb) gb[offB] += gy[i];
            }
            break;
        }
        default:
            for (int k = 0; k < 4; ++k)
                if (needsGrad(k))
                    throw Error("autograd",
                                std::string("gradient of ") + opName(nd.op) + " is not implemented");
        }
    }
    return out;
}

} // namespace loupe::compute
