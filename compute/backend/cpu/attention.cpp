// SPDX-License-Identifier: MIT
#include "compute/backend/cpu/ops.h"
#include "compute/backend/cpu/vmath.h"
#include "compute/threadpool.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace loupe::compute::cpu {

// The reference for every backend's fused attention: one query row at a time, scores in f32, softmax
// max-subtracted, probabilities never stored. Operands are read through their strides.
void attention(const Tensor& out, const Tensor& q, const Tensor& k, const Tensor& v, const Tensor* bias,
               float scale)
{
    const int64_t B = q.size(0), H = q.size(1), M = q.size(2), D = q.size(3), N = k.size(2), Dv = v.size(3);
    Shape bs(4, 0);
    const float* bp = nullptr;
    if (bias) {
        const size_t lead = 4 - bias->shape().size();
        for (size_t i = 0; i < bias->shape().size(); ++i)
            bs[lead + i] = bias->shape()[i] == 1 ? 0 : bias->strides()[i];
        bp = bias->ptr<float>();
    }
    const float *qp = q.ptr<float>(), *kp = k.ptr<float>(), *vp = v.ptr<float>();
    float* op = out.ptr<float>();
    parallelFor(B * H * M, 4, [&](int64_t r0, int64_t r1) {
        std::vector<float> s(static_cast<size_t>(N)), qrow(static_cast<size_t>(D)),
            acc(static_cast<size_t>(Dv));
        for (int64_t r = r0; r < r1; ++r) {
            const int64_t b = r / (H * M), h = (r / M) % H, m = r % M;
            const float* qr = qp + b * q.stride(0) + h * q.stride(1) + m * q.stride(2);
            for (int64_t d = 0; d < D; ++d)
                qrow[size_t(d)] = qr[d * q.stride(3)];
            const float* kb = kp + b * k.stride(0) + h * k.stride(1);
            for (int64_t n = 0; n < N; ++n) {
                const float* kr = kb + n * k.stride(2);
                float dot = 0;
                for (int64_t d = 0; d < D; ++d)
                    dot += qrow[size_t(d)] * kr[d * k.stride(3)];
                if (bp) dot += bp[b * bs[0] + h * bs[1] + m * bs[2] + n * bs[3]];
                s[size_t(n)] = dot;
            }
            const float mx = vmax(s.data(), N);
            const float shift = std::isfinite(mx) ? mx * scale : 0.f;
            vexpShifted(s.data(), s.data(), N, scale, shift);
            const float inv = 1.f / vsum(s.data(), N);
            std::fill(acc.begin(), acc.end(), 0.f);
            const float* vb = vp + b * v.stride(0) + h * v.stride(1);
            for (int64_t n = 0; n < N; ++n) {
                const float p = s[size_t(n)] * inv;
                const float* vr = vb + n * v.stride(2);
                for (int64_t d = 0; d < Dv; ++d)
                    acc[size_t(d)] += p * vr[d * v.stride(3)];
            }
            std::copy(acc.begin(), acc.end(), op + r * Dv);
        }
    });
}

} // namespace loupe::compute::cpu
