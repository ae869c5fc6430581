// SPDX-License-Identifier: MIT
#include "compute/backend/cpu/ops.h"
#include "compute/error.h"

namespace loupe::compute::cpu {

namespace {
[[noreturn]] void notYet(const char* op)
{
    throw Error("cpu", std::string("the ") + op + " kernel is not built yet");
}
} // namespace

void softmaxGrad(const Tensor&, const Tensor&, const Tensor&, float)
{
    notYet("softmax_grad");
}
void layerNormGrad(const Tensor&, const Tensor&, const Tensor*, const Tensor&, double)
{
    notYet("layer_norm_grad");
}
void actGrad(const Tensor&, const Tensor&, const Tensor&, Activation)
{
    notYet("act_grad");
}
void bicubicGrad(const Tensor&, const Tensor&, double, double)
{
    notYet("bicubic_grad");
}
void col2im(const Tensor&, const Tensor&, int64_t)
{
    notYet("col2im");
}

} // namespace loupe::compute::cpu
