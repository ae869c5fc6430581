// SPDX-License-Identifier: MIT
#include "compute/autograd/forward_node.h"

#include "compute/backend/cpu/ops.h"
#include "compute/backend/cpu/vmath.h"
#include "compute/threadpool.h"

namespace loupe::compute::autograd {

void forwardNode(const Graph& g, const Node& n, const Tensor& out, const std::vector<Tensor>& v,
                 const Tensor& preAct)
{
    auto src = [&](int i) -> const Tensor& { return v[size_t(n.src[i])]; };
    const PackedWeight* packed = n.src[1] >= 0 ? g.node(n.src[1]).packed.get() : nullptr;
    switch (n.op) {
    case Op::Input:
    case Op::Weight:
    case Op::View:
        return;
    case Op::Cont:
        cpu::copy(out, src(0));
        return;
    case Op::Add:
    case Op::Sub:
    case Op::Mul:
        cpu::binary(n.op, out, src(0), src(1));
        return;
    case Op::Linear: {
        const Tensor* bias = n.src[2] >= 0 ? &src(2) : nullptr;
        const Tensor* res = n.src[3] >= 0 ? &src(3) : nullptr;
        if (!preAct.defined()) {
            cpu::linear(out, src(0), src(1), bias, n.act, res, packed);
            return;
        }
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
        return;
    }
    case Op::MatMul:
        cpu::matmul(out, src(0), src(1));
        return;
    case Op::LayerNorm:
        cpu::layerNorm(out, src(0), src(1), src(2), float(n.f0));
        return;
    case Op::Act:
        cpu::activation(out, src(0), n.act);
        return;
    case Op::Softmax:
        cpu::softmax(out, src(0), float(n.f0));
        return;
    case Op::PatchEmbed:
        cpu::patchEmbed(out, src(0), src(1), n.src[2] >= 0 ? &src(2) : nullptr, n.i0, packed);
        return;
    case Op::Concat:
        cpu::concat(out, src(0), src(1), n.i0);
        return;
    case Op::Bicubic:
        cpu::bicubic(out, src(0), n.f0, n.f1);
        return;
    case Op::Attention:
        cpu::attention(out, src(0), src(1), src(2), n.src[3] >= 0 ? &src(3) : nullptr, float(n.f0));
        return;
    case Op::SoftmaxGrad:
        cpu::softmaxGrad(out, src(0), src(1), float(n.f0));
        return;
    case Op::LayerNormGrad:
        cpu::layerNormGrad(out, src(0), n.src[1] >= 0 ? &src(1) : nullptr, src(2), n.f0);
        return;
    case Op::ActGrad:
        cpu::actGrad(out, src(0), src(1), n.act);
        return;
    case Op::BicubicGrad:
        cpu::bicubicGrad(out, src(0), n.f0, n.f1);
        return;
    case Op::Col2Im:
        cpu::col2im(out, src(0), n.i0);
        return;
    case Op::SumTo:
        cpu::sumTo(out, src(0));
        return;
    case Op::Embed:
        cpu::embed(out, src(0), n.aux, n.i0);
        return;
    }
}

} // namespace loupe::compute::autograd
