// SPDX-License-Identifier: MIT
#include "compute/autograd/forward_node.h"

#include "compute/backend/cpu/ops.h"
#include "compute/backend/cpu/vmath.h"
#include "compute/threadpool.h"

namespace loupe::compute::autograd {

void forwardNode(const Graph& g, const Node& n, const Tensor& out, const std::vector<Tensor>& v,
                 const Tensor& preAct)
{
    if (n.op != Op::Linear || !preAct.defined()) {
        cpu::computeNode(g, n, out, v);
        return;
    }
    auto src = [&](int i) -> const Tensor& { return v[size_t(n.src[i])]; };
    const PackedWeight* packed = g.node(n.src[1]).packed.get();
    const Tensor* bias = n.src[2] >= 0 ? &src(2) : nullptr;
    const Tensor* res = n.src[3] >= 0 ? &src(3) : nullptr;
    cpu::linear(preAct, src(0), src(1), bias, Activation::None, nullptr, packed);
    const Tensor r = res ? res->contiguous() : Tensor();
    const int64_t N = n.shape.back();
    parallelFor(n.numel() / N, 16, [&](int64_t r0, int64_t r1) {
        for (int64_t row = r0; row < r1; ++row) {
            float* y = out.ptr<float>() + row * N;
            applyActivation(n.act, preAct.ptr<float>() + row * N, y, N);
            if (res) {
                const float* rr = r.ptr<float>() + row * N;
                for (int64_t j = 0; j < N; ++j)
                    y[j] += rr[j];
            }
        }
    });
}

} // namespace loupe::compute::autograd
