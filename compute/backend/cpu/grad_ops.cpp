// SPDX-License-Identifier: MIT
// The backward ops of a gradient graph on the CPU. They call the kernels runWithGradients uses
// (compute/autograd/backward_kernels.h), so the graph path and the direct sweep agree bit for bit.
#include "compute/autograd/backward_kernels.h"
#include "compute/backend/cpu/ops.h"

namespace loupe::compute::cpu {

namespace {
int64_t lastDim(const Tensor& t)
{
    return t.dim() ? t.shape().back() : 1;
}
} // namespace

void softmaxGrad(const Tensor& out, const Tensor& yIn, const Tensor& gyIn, float scale)
{
    const Tensor y = yIn.contiguous(), gy = gyIn.contiguous();
    const int64_t C = lastDim(out);
    autograd::softmaxBackward(y.ptr<float>(), gy.ptr<float>(), out.ptr<float>(), C ? out.numel() / C : 0, C,
                              scale);
}

void layerNormGrad(const Tensor& out, const Tensor& xIn, const Tensor* wIn, const Tensor& gyIn, double eps)
{
    const Tensor x = xIn.contiguous(), gy = gyIn.contiguous();
    const Tensor w = wIn ? wIn->contiguous() : Tensor();
    const int64_t C = lastDim(out);
    autograd::layerNormBackward(x.ptr<float>(), w.defined() ? w.ptr<float>() : nullptr, gy.ptr<float>(),
                                out.ptr<float>(), C ? out.numel() / C : 0, C, eps);
}

void actGrad(const Tensor& out, const Tensor& zIn, const Tensor& gyIn, Activation act)
{
    const Tensor z = zIn.contiguous(), gy = gyIn.contiguous();
    autograd::activationBackward(act, z.ptr<float>(), gy.ptr<float>(), out.ptr<float>(), out.numel());
}

void bicubicGrad(const Tensor& out, const Tensor& gyIn, double scaleH, double scaleW)
{
    const Tensor gy = gyIn.contiguous();
    const Shape& s = out.shape();
    autograd::bicubicBackward(gy.ptr<float>(), out.ptr<float>(), s[0] * s[1], s[2], s[3], gy.size(2),
                              gy.size(3), scaleH, scaleW);
}

void col2im(const Tensor& out, const Tensor& gcolsIn, int64_t patch)
{
    const Tensor gcols = gcolsIn.contiguous();
    const Shape& s = out.shape();
    autograd::col2im(gcols.ptr<float>(), out.ptr<float>(), s[0], s[1], s[2], s[3], patch);
}

} // namespace loupe::compute::cpu
