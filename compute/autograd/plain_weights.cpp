// SPDX-License-Identifier: MIT
#include "compute/autograd/plain_weights.h"

#include "compute/threadpool.h"

#include <mutex>
#include <unordered_map>

namespace loupe::compute::autograd {

namespace {

struct Cached
{
    std::weak_ptr<const void> owner; // the weight's memory: an expired entry is stale
    std::shared_ptr<const PackedWeight> packed;
};

std::mutex& cacheMutex()
{
    static std::mutex m;
    return m;
}

std::unordered_map<const void*, Cached>& cache()
{
    static std::unordered_map<const void*, Cached> c;
    return c;
}

} // namespace

Tensor plainWeight(const Node& weight)
{
    if (!weight.packed) return weight.value.contiguous();
    Tensor t = Tensor::empty(DType::F32, {weight.packed->rows(), weight.packed->cols()});
    weight.packed->unpack(t.ptr<float>());
    return t;
}

std::shared_ptr<const PackedWeight> packedInputGradWeight(const Node& weight)
{
    std::shared_ptr<const void> owner =
        weight.packed ? std::shared_ptr<const void>(weight.packed) : weight.value.owner();
    if (!owner || (!weight.packed && weight.value.dim() < 2)) return nullptr;
    const void* key = weight.packed ? static_cast<const void*>(weight.packed.get()) : weight.value.data();
    {
        std::lock_guard lock(cacheMutex());
        auto& c = cache();
        for (auto it = c.begin(); it != c.end();)
            it = it->second.owner.expired() ? c.erase(it) : std::next(it);
        auto it = c.find(key);
        if (it != c.end()) return it->second.packed;
    }
    const Tensor w = plainWeight(weight);
    const int64_t N = w.size(0), K = w.numel() / N;
    Tensor t = Tensor::empty(DType::F32, {K, N}); // Wᵀ, row-major
    const float* src = w.ptr<float>();
    float* dst = t.ptr<float>();
    constexpr int64_t kTile = 64;
    parallelFor((K + kTile - 1) / kTile, 1, [&](int64_t b0, int64_t b1) {
        for (int64_t kb = b0 * kTile; kb < std::min(K, b1 * kTile); kb += kTile)
            for (int64_t nb = 0; nb < N; nb += kTile)
                for (int64_t k = kb; k < std::min(K, kb + kTile); ++k)
                    for (int64_t n = nb; n < std::min(N, nb + kTile); ++n)
                        dst[k * N + n] = src[n * K + k];
    });
    std::shared_ptr<const PackedWeight> packed = packLinearWeight(dst, K, N, N);
    if (!packed) return nullptr;
    std::lock_guard lock(cacheMutex());
    cache()[key] = Cached{owner, packed};
    return packed;
}

void releaseGradientWeights()
{
    std::lock_guard lock(cacheMutex());
    cache().clear();
}

} // namespace loupe::compute::autograd
