// SPDX-License-Identifier: MIT
#include "compute/cpu_options.h"
#include "compute/gemm/gemm.h"
#include "compute/gemm/onednn_internal.h"
#include "compute/threadpool.h"

#include <algorithm>
#include <mutex>
#include <oneapi/dnnl/dnnl.hpp>
#include <string>
#include <unordered_map>

namespace loupe::compute {

// oneDNN's matmul primitive with bias, activation and residual fused as post-ops. Creating a primitive
// costs far more than running a ViT-sized product, so primitives are cached by the full layout key
// (shapes, strides, epilogue); the pointers change per call and are bound through memory handles.
namespace {

using dnnl::memory;

struct Entry
{
    dnnl::matmul prim;
    memory::desc src, wei, dst, bias, res;
    std::string impl;
};

struct State
{
    dnnl::engine engine{dnnl::engine::kind::cpu, 0};
    dnnl::stream stream{engine};
    std::mutex mutex;
    std::unordered_map<std::string, std::shared_ptr<Entry>> cache;
};

State& state()
{
    static State s;
    return s;
}

} // namespace

namespace onednn {

dnnl::engine& engine()
{
    return state().engine;
}

dnnl::stream& stream()
{
    return state().stream;
}

std::mutex& runMutex()
{
    static std::mutex m;
    return m;
}

bool isReferenceImpl(const char* impl)
{
    return std::string(impl).rfind("ref", 0) == 0;
}

bool eltwiseFor(Activation a, dnnl::algorithm& alg, float& alpha)
{
    alpha = 0;
    switch (a) {
    case Activation::GeluErf:
        alg = dnnl::algorithm::eltwise_gelu_erf;
        return true;
    case Activation::GeluTanh:
        alg = dnnl::algorithm::eltwise_gelu_tanh;
        return true;
    case Activation::QuickGelu:
        alg = dnnl::algorithm::eltwise_swish;
        alpha = 1.702f;
        return true;
    case Activation::Relu:
        alg = dnnl::algorithm::eltwise_relu;
        return true;
    case Activation::Silu:
        alg = dnnl::algorithm::eltwise_swish;
        alpha = 1.f;
        return true;
    case Activation::Tanh:
        alg = dnnl::algorithm::eltwise_tanh;
        return true;
    case Activation::Sigmoid:
        alg = dnnl::algorithm::eltwise_logistic;
        return true;
    case Activation::None:
        return false;
    }
    return false;
}

} // namespace onednn

namespace {

std::string keyOf(const GemmProblem& p)
{
    std::string k;
    for (int64_t v : {p.batch[0], p.batch[1], p.M, p.N, p.K, p.aRow, p.aCol, p.aBatch[0], p.aBatch[1], p.bRow,
                      p.bCol, p.bBatch[0], p.bBatch[1], p.cRow, p.cBatch[0], p.cBatch[1]})
        k += std::to_string(v) + ',';
    k += p.bias ? 'b' : '-';
    k += p.residual ? 'r' : '-';
    k += char('0' + int(p.act));
    k += p.packedB ? 'P' : '-';
    // A primitive keeps the thread count it was built for: one built for two threads would start two
    // on a thread a StepThreadTuner has set to one.
    k += 't' + std::to_string(activeThreadCount());
    return k;
}

std::shared_ptr<Entry> build(const GemmProblem& p, State& s)
{
    const bool batched = p.batch[0] * p.batch[1] > 1;
    memory::dims sd = {p.M, p.K}, ss = {p.aRow, p.aCol};
    memory::dims wd = {p.K, p.N}, ws = {p.bRow, p.bCol};
    memory::dims dd = {p.M, p.N}, ds = {p.cRow, 1};
    memory::dims bd = {1, p.N};
    if (batched) {
        sd = {p.batch[0], p.batch[1], p.M, p.K};
        ss = {p.aBatch[0], p.aBatch[1], p.aRow, p.aCol};
        wd = {p.batch[0], p.batch[1], p.K, p.N};
        ws = {p.bBatch[0], p.bBatch[1], p.bRow, p.bCol};
        dd = {p.batch[0], p.batch[1], p.M, p.N};
        ds = {p.cBatch[0], p.cBatch[1], p.cRow, 1};
        bd = {1, 1, 1, p.N};
        // oneDNN wants a broadcast operand's batch dim to be 1, not stride 0, and a dim of size 1 to
        // have an ordinary stride (its kernels reject stride 0 and fall back to the reference one).
        auto fixUnit = [](memory::dims& d, memory::dims& st) {
            for (size_t i = 0; i < 2; ++i)
                if (d[i] == 1) {
                    int64_t extent = 1;
                    for (size_t j = i + 1; j < 4; ++j)
                        extent = std::max<int64_t>(extent, d[j] * st[j]);
                    st[i] = extent;
                }
        };
        for (int i = 0; i < 2; ++i) {
            if (p.aBatch[i] == 0 && p.batch[i] > 1) sd[size_t(i)] = 1;
            if (p.bBatch[i] == 0 && p.batch[i] > 1) wd[size_t(i)] = 1;
        }
        fixUnit(sd, ss);
        fixUnit(wd, ws);
        fixUnit(dd, ds);
    }
    auto e = std::make_shared<Entry>();
    e->src = memory::desc(sd, memory::data_type::f32, ss);
    e->wei = p.packedB ? memory::desc(wd, memory::data_type::f32, memory::format_tag::any)
                       : memory::desc(wd, memory::data_type::f32, ws);
    e->dst = memory::desc(dd, memory::data_type::f32, ds);
    if (p.bias)
        e->bias = memory::desc(bd, memory::data_type::f32,
                               batched ? memory::format_tag::abcd : memory::format_tag::ab);
    dnnl::post_ops ops;
    dnnl::algorithm alg;
    float alpha;
    if (onednn::eltwiseFor(p.act, alg, alpha)) ops.append_eltwise(1.f, alg, alpha, 0.f);
    if (p.residual) {
        e->res = e->dst;
        ops.append_binary(dnnl::algorithm::binary_add, e->res);
    }
    dnnl::primitive_attr attr;
    attr.set_post_ops(ops);
    auto desc = p.bias ? dnnl::matmul::desc(e->src, e->wei, e->bias, e->dst)
                       : dnnl::matmul::desc(e->src, e->wei, e->dst);
    dnnl::matmul::primitive_desc pd(desc, attr, s.engine);
    e->impl = pd.impl_info_str();
    e->wei = pd.weights_desc();
    e->prim = dnnl::matmul(pd);
    return e;
}

std::shared_ptr<Entry> lookup(const GemmProblem& p)
{
    State& s = state();
    const std::string key = keyOf(p);
    std::lock_guard lock(s.mutex);
    auto it = s.cache.find(key);
    if (it != s.cache.end()) return it->second;
    std::shared_ptr<Entry> e;
    try {
        e = build(p, s);
    } catch (const dnnl::error&) {
        e = nullptr; // remembered: the caller falls back to the blocked kernel
    }
    s.cache.emplace(key, e);
    return e;
}

class OneDnnPackedWeight final : public PackedWeight
{
public:
    int64_t n = 0, k = 0;
    memory mem; // owns the packed bytes
    int64_t rows() const override { return n; }
    int64_t cols() const override { return k; }
    size_t bytes() const override { return mem.get_desc().get_size(); }
    void unpack(float* dst) const override
    {
        State& s = state();
        memory plain(memory::desc({k, n}, memory::data_type::f32, memory::dims{1, k}), s.engine, dst);
        dnnl::stream local(s.engine);
        dnnl::reorder(mem, plain).execute(local, const_cast<memory&>(mem), plain);
        local.wait();
    }
};

bool isReference(const std::shared_ptr<Entry>& e)
{
    return !e || e->impl.rfind("ref", 0) == 0;
}

void execute(Entry& e, const GemmProblem& p, int64_t oa, int64_t ob, int64_t oc)
{
    State& s = state();
    std::unordered_map<int, memory> args;
    args.emplace(DNNL_ARG_SRC, memory(e.src, s.engine, const_cast<float*>(p.a + oa)));
    args.emplace(DNNL_ARG_WEIGHTS, memory(e.wei, s.engine, const_cast<float*>(p.b + ob)));
    args.emplace(DNNL_ARG_DST, memory(e.dst, s.engine, p.c + oc));
    if (p.bias) args.emplace(DNNL_ARG_BIAS, memory(e.bias, s.engine, const_cast<float*>(p.bias)));
    if (p.residual) {
        const int index = p.act != Activation::None ? 1 : 0;
        args.emplace(DNNL_ARG_ATTR_MULTIPLE_POST_OP(index) | DNNL_ARG_SRC_1,
                     memory(e.res, s.engine, const_cast<float*>(p.residual + oc)));
    }
    e.prim.execute(s.stream, args);
}

} // namespace

// oneDNN's optimised (brgemm) kernels take attention's strided batched views directly; where it only
// offers its reference kernel (small or odd shapes), the batch runs as one cached 2-D primitive per
// batch element, and where even that is the reference kernel Loupe's blocked kernel is used.
bool gemmOneDnn(const GemmProblem& p)
{
    if (p.M == 0 || p.N == 0) return true;
    if (p.K == 0) return false;
    // The stream is shared; oneDNN parallelises inside one call, so calls are serialised.
    std::mutex& runMutex = onednn::runMutex();
    auto e = lookup(p);
    if (p.packedB) {
        const auto* packed = dynamic_cast<const OneDnnPackedWeight*>(p.packedB);
        if (isReference(e) || !packed || !(packed->mem.get_desc() == e->wei) || p.batch[0] * p.batch[1] != 1)
            return false;
        GemmProblem q = p;
        q.b = static_cast<const float*>(packed->mem.get_data_handle());
        std::lock_guard lock(runMutex);
        execute(*e, q, 0, 0, 0);
        state().stream.wait();
        return true;
    }
    if (!isReference(e)) {
        std::lock_guard lock(runMutex);
        execute(*e, p, 0, 0, 0);
        state().stream.wait();
        return true;
    }
    if (p.batch[0] * p.batch[1] == 1) return false;
    GemmProblem one = p;
    one.batch[0] = one.batch[1] = 1;
    one.aBatch[0] = one.aBatch[1] = one.bBatch[0] = one.bBatch[1] = one.cBatch[0] = one.cBatch[1] = 0;
    e = lookup(one);
    if (isReference(e)) return false;
    std::lock_guard lock(runMutex);
    for (int64_t b0 = 0; b0 < p.batch[0]; ++b0)
        for (int64_t b1 = 0; b1 < p.batch[1]; ++b1)
            execute(*e, p, b0 * p.aBatch[0] + b1 * p.aBatch[1], b0 * p.bBatch[0] + b1 * p.bBatch[1],
                    b0 * p.cBatch[0] + b1 * p.cBatch[1]);
    state().stream.wait();
    return true;
}

std::shared_ptr<const PackedWeight> packLinearWeight(const float* w, int64_t N, int64_t K, int64_t rowStride)
{
    if (!cpuOptions().useOneDnn || cpuOptions().naiveGemm || N <= 0 || K <= 0) return nullptr;
    State& s = state();
    // The layout oneDNN picks for weights is the same for every M (checked here for two very
    // different ones), so one packed copy serves every batch size and graph.
    memory::desc chosen;
    for (int64_t m : {int64_t(1), int64_t(1576)}) {
        try {
            const memory::desc src({m, K}, memory::data_type::f32, memory::format_tag::ab);
            const memory::desc dst({m, N}, memory::data_type::f32, memory::format_tag::ab);
            const memory::desc any({K, N}, memory::data_type::f32, memory::format_tag::any);
            dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(src, any, dst), s.engine);
            if (std::string(pd.impl_info_str()).rfind("ref", 0) == 0) return nullptr;
            if (m == 1)
                chosen = pd.weights_desc();
            else if (!(pd.weights_desc() == chosen))
                return nullptr;
        } catch (const dnnl::error&) {
            return nullptr;
        }
    }
    auto packed = std::make_shared<OneDnnPackedWeight>();
    packed->n = N;
    packed->k = K;
    packed->mem = memory(chosen, s.engine);
    memory plain(memory::desc({K, N}, memory::data_type::f32, memory::dims{1, rowStride}), s.engine,
                 const_cast<float*>(w));
    dnnl::stream local(s.engine);
    dnnl::reorder(plain, packed->mem).execute(local, plain, packed->mem);
    local.wait();
    return packed;
}

std::string oneDnnImplementation(const GemmProblem& p)
{
    auto e = lookup(p);
    return e ? e->impl : std::string("unsupported");
}

} // namespace loupe::compute
