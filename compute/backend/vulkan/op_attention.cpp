// SPDX-License-Identifier: MIT
#include "compute/backend/vulkan/layout.h"
#include "compute/backend/vulkan/ops.h"
#include "compute/error.h"

namespace loupe::compute::vk {

namespace {

struct AttentionParams // shaders/attention.comp
{
    int32_t qs[4], ks[4], vs[4], bs[4];
    int32_t H, M, N, D, Dv;
    uint32_t offQ, offK, offV, offB, offO;
    uint32_t hasBias;
    float scale;
};
static_assert(sizeof(AttentionParams) == 112);

constexpr int64_t kRowsPerGroup = 16, kColumnsPerGroup = 64; // attention.comp's BM and TV

void strides4(const char* op, int32_t dst[4], const Shape& s)
{
    for (size_t d = 0; d < 4; ++d)
        dst[d] = int32_t(offset32(op, s[d] < 0 ? -s[d] : s[d])) * (s[d] < 0 ? -1 : 1);
}

} // namespace

void attention(Recorder& r, const DeviceTensor& out, const DeviceTensor& q, const DeviceTensor& k,
               const DeviceTensor& v, const DeviceTensor* bias, float scale)
{
    if (q.shape.size() != 4 || k.shape.size() != 4 || v.shape.size() != 4)
        throw Error("vulkan", "attention needs rank-4 q, k, v");
    const int64_t B = q.shape[0], H = q.shape[1], M = q.shape[2], N = k.shape[2], Dv = v.shape[3];
    AttentionParams p{};
    strides4("attention", p.qs, q.strides);
    strides4("attention", p.ks, k.strides);
    strides4("attention", p.vs, v.strides);
    p.H = int32_t(H);
    p.M = int32_t(M);
    p.N = int32_t(N);
    p.D = int32_t(q.shape[3]);
    p.Dv = int32_t(Dv);
    p.offQ = q.offset;
    p.offK = k.offset;
    p.offV = v.offset;
    p.offO = out.offset;
    p.scale = scale;
    VkBuffer biasBuffer = VK_NULL_HANDLE;
    if (bias) {
        if (bias->shape.size() > 4) throw Error("vulkan", "attention: the bias has more than 4 dims");
        strides4("attention", p.bs, broadcastStrides(bias->shape, bias->strides, {B, H, M, N}));
        p.offB = bias->offset;
        p.hasBias = 1;
        biasBuffer = bias->buffer;
    }
    offset32("attention", shapeNumel(out.shape));
    if (B * H > 65535 || M == 0 || N == 0 || Dv == 0) {
        if (B * H > 65535) throw Error("vulkan", "attention: more than 65535 batch x head pairs");
        return; // nothing to compute (N == 0 is refused when the graph is built)
    }
    r.dispatch("attention", {q.buffer, k.buffer, out.buffer, v.buffer, biasBuffer}, &p, sizeof p,
               uint32_t((M + kRowsPerGroup - 1) / kRowsPerGroup), uint32_t(B * H),
               uint32_t((Dv + kColumnsPerGroup - 1) / kColumnsPerGroup));
}

} // namespace loupe::compute::vk
