// SPDX-License-Identifier: MIT
#include "compute/backend/cpu/ops.h"
#include "compute/threadpool.h"

#include <cstring>
#include <vector>

namespace loupe::compute::cpu {

// Conv2d with kernel = stride = patch and no padding, as im2col + one GEMM: every patch becomes a row
// of C*P*P values in the weight's (c, ky, kx) order, so the product with the [D, C*P*P] weight gives
// the [B, patches, D] token layout the transformer wants directly (no NCHW -> NHWC permute after).
void patchEmbed(const Tensor& out, const Tensor& pxIn, const Tensor& wIn, const Tensor* bias, int64_t P,
                const PackedWeight* packed)
{
    const Tensor px = pxIn.contiguous();
    const int64_t B = px.size(0), C = px.size(1), H = px.size(2), W = px.size(3);
    const int64_t gh = H / P, gw = W / P, D = packed ? packed->rows() : wIn.size(0), K = C * P * P;
    std::vector<float> cols(size_t(B * gh * gw * K));
    parallelFor(B * gh, 1, [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
            const int64_t b = r / gh, py = r % gh;
            for (int64_t pxi = 0; pxi < gw; ++pxi) {
                float* row = cols.data() + ((b * gh + py) * gw + pxi) * K;
                for (int64_t c = 0; c < C; ++c)
                    for (int64_t ky = 0; ky < P; ++ky)
                        std::memcpy(row + (c * P + ky) * P,
                                    px.ptr<float>() + ((b * C + c) * H + py * P + ky) * W + pxi * P,
                                    size_t(P) * sizeof(float));
            }
        }
    });
    const Tensor colsT = Tensor::wrap(cols.data(), DType::F32, {B * gh * gw, K});
    const Tensor w2 = packed ? Tensor() : wIn.contiguous().reshape({D, K});
    linear(out, colsT, w2, bias, Activation::None, nullptr, packed);
}

} // namespace loupe::compute::cpu
