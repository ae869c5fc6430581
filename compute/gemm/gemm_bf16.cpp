// SPDX-License-Identifier: MIT
#include "compute/cpu_options.h"
#include "compute/dtype.h"
#include "compute/gemm/gemm.h"
#include "compute/gemm/gemm_reduced.h"
#include "compute/gemm/onednn_internal.h"
#include "compute/threadpool.h"

#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

namespace loupe::compute {

// bf16 weights stored once in oneDNN's blocked layout; the activations are rounded to bf16 as they
// enter (oneDNN 2.6 has no f32 x bf16 matmul), products accumulate in f32 and C, bias, activation and
// residual stay f32, as the GPU libraries' mixed precision does it. On AVX512-BF16 and AMX CPUs this
// is oneDNN's brgemm bf16 kernel.
namespace {

using dnnl::memory;

struct Bf16Entry
{
    dnnl::matmul prim;
    memory::desc src, wei, dst, bias, res;
};

class Bf16PackedWeight final : public PackedWeight
{
public:
    int64_t n = 0, k = 0;
    memory mem;
    int64_t rows() const override { return n; }
    int64_t cols() const override { return k; }
    size_t bytes() const override { return mem.get_desc().get_size(); }
    Precision precision() const override { return Precision::BF16; }
    void unpack(float* dst) const override
    {
        memory plain(memory::desc({k, n}, memory::data_type::f32, memory::dims{1, k}), onednn::engine(), dst);
        dnnl::stream local(onednn::engine());
        dnnl::reorder(mem, plain).execute(local, const_cast<memory&>(mem), plain);
        local.wait();
    }
    const char* multiply(const GemmProblem& p) const override;

private:
    std::shared_ptr<Bf16Entry> entryFor(const GemmProblem& p) const;
};

memory::desc bf16WeightsDesc(int64_t m, int64_t N, int64_t K)
{
    const memory::desc src({m, K}, memory::data_type::bf16, memory::format_tag::ab);
    const memory::desc dst({m, N}, memory::data_type::f32, memory::format_tag::ab);
    const memory::desc any({K, N}, memory::data_type::bf16, memory::format_tag::any);
    dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(src, any, dst), onednn::engine());
    if (onednn::isReferenceImpl(pd.impl_info_str())) return {};
    return pd.weights_desc();
}

std::shared_ptr<Bf16Entry> Bf16PackedWeight::entryFor(const GemmProblem& p) const
{
    // Shared by every weight of the same shape (their packed layouts are the same), so a new prompt
    // length creates one primitive per distinct layer shape, not one per layer.
    static std::mutex cacheMutex_;
    static std::unordered_map<std::string, std::shared_ptr<Bf16Entry>> cache_;
    std::string key = std::to_string(n) + 'x' + std::to_string(k) + ',' + std::to_string(p.M) + ',' +
                      std::to_string(p.cRow) + (p.bias ? 'b' : '-') + (p.residual ? 'r' : '-') +
                      char('0' + int(p.act)) + 't' + std::to_string(activeThreadCount());
    std::lock_guard lock(cacheMutex_);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    std::shared_ptr<Bf16Entry> e = std::make_shared<Bf16Entry>();
    try {
        e->src = memory::desc({p.M, k}, memory::data_type::bf16, memory::format_tag::ab);
        e->dst = memory::desc({p.M, n}, memory::data_type::f32, memory::dims{p.cRow, 1});
        e->wei = mem.get_desc();
        if (p.bias) e->bias = memory::desc({1, n}, memory::data_type::f32, memory::format_tag::ab);
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
        dnnl::matmul::primitive_desc pd(desc, attr, onednn::engine());
        if (onednn::isReferenceImpl(pd.impl_info_str()) || !(pd.weights_desc() == e->wei))
            e = nullptr;
        else
            e->prim = dnnl::matmul(pd);
    } catch (const dnnl::error&) {
        e = nullptr;
    }
    cache_.emplace(key, e);
    return e;
}

const char* Bf16PackedWeight::multiply(const GemmProblem& p) const
{
    if (!cpuOptions().useOneDnn || p.batch[0] * p.batch[1] != 1) return nullptr;
    if (p.M == 0) return "onednn_bf16";
    auto e = entryFor(p);
    if (!e) return nullptr;
    thread_local std::vector<uint16_t> src;
    src.resize(size_t(p.M * k));
    roundRowsToBf16(p.a, p.M, k, p.aRow, p.aCol, src.data());
    std::unordered_map<int, memory> args;
    dnnl::engine& eng = onednn::engine();
    args.emplace(DNNL_ARG_SRC, memory(e->src, eng, src.data()));
    args.emplace(DNNL_ARG_WEIGHTS, memory(e->wei, eng, mem.get_data_handle()));
    args.emplace(DNNL_ARG_DST, memory(e->dst, eng, p.c));
    if (p.bias) args.emplace(DNNL_ARG_BIAS, memory(e->bias, eng, const_cast<float*>(p.bias)));
    if (p.residual) {
        const int index = p.act != Activation::None ? 1 : 0;
        args.emplace(DNNL_ARG_ATTR_MULTIPLE_POST_OP(index) | DNNL_ARG_SRC_1,
                     memory(e->res, eng, const_cast<float*>(p.residual)));
    }
    std::lock_guard lock(onednn::runMutex());
    e->prim.execute(onednn::stream(), args);
    onednn::stream().wait();
    return "onednn_bf16";
}

} // namespace

void roundRowsToBf16(const float* a, int64_t M, int64_t K, int64_t aRow, int64_t aCol, uint16_t* dst)
{
    parallelFor(M, 4, [&](int64_t m0, int64_t m1) {
        for (int64_t m = m0; m < m1; ++m) {
            const float* row = a + m * aRow;
            uint16_t* out = dst + m * K;
            if (aCol == 1) {
                for (int64_t kk = 0; kk < K; ++kk) {
                    uint32_t u;
                    std::memcpy(&u, row + kk, 4);
                    // Round to nearest even; NaN payloads are not produced by the models' activations.
                    out[kk] = uint16_t((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
                }
            } else {
                for (int64_t kk = 0; kk < K; ++kk)
                    out[kk] = floatToBf16(row[kk * aCol]);
            }
        }
    });
}

bool bf16KernelAvailable()
{
    static const bool available = [] {
        try {
            return !bf16WeightsDesc(1, 64, 64).is_zero();
        } catch (const dnnl::error&) {
            return false;
        }
    }();
    return available;
}

std::shared_ptr<const PackedWeight> packBf16Weight(const float* w, int64_t N, int64_t K, int64_t rowStride)
{
    if (!cpuOptions().useOneDnn || cpuOptions().naiveGemm || N <= 0 || K <= 0) return nullptr;
    memory::desc chosen;
    try {
        // As for f32, one packed copy must serve every batch size: the layout is checked for two M.
        chosen = bf16WeightsDesc(1, N, K);
        const memory::desc big = bf16WeightsDesc(1576, N, K);
        if (chosen.is_zero() || !(chosen == big)) return nullptr;
    } catch (const dnnl::error&) {
        return nullptr;
    }
    auto packed = std::make_shared<Bf16PackedWeight>();
    packed->n = N;
    packed->k = K;
    packed->mem = memory(chosen, onednn::engine());
    memory plain(memory::desc({K, N}, memory::data_type::f32, memory::dims{1, rowStride}), onednn::engine(),
                 const_cast<float*>(w));
    dnnl::stream local(onednn::engine());
    dnnl::reorder(plain, packed->mem).execute(local, plain, packed->mem);
    local.wait();
    return packed;
}

} // namespace loupe::compute
