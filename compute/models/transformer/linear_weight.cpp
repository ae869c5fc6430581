// SPDX-License-Identifier: MIT
#include "compute/models/transformer/linear_weight.h"

namespace loupe::compute::transformer {

LinearWeight makeLinearWeight(const Tensor& plainIn, const WeightFormat& format)
{
    LinearWeight lw;
    const Tensor plain = plainIn.dtype() == DType::F32 ? plainIn.contiguous() : plainIn.to(DType::F32);
    const int64_t n = plain.size(0), k = plain.numel() / n;
    lw.packed = packLinearWeight(plain.ptr<float>(), n, k, k, format);
    if (!lw.packed) lw.w = plain;
    return lw;
}

LinearWeight makeLinearWeightFromConv1D(const Tensor& inOut)
{
    const Tensor f = inOut.dtype() == DType::F32 ? inOut : inOut.to(DType::F32);
    return makeLinearWeight(f.transpose(0, 1).contiguous());
}

NodeId weightNode(Graph& g, const std::string& name, const Tensor& t)
{
    return t.defined() && t.numel() ? g.weight(name, t) : -1;
}

NodeId linearNode(Graph& g, const std::string& name, const LinearWeight& w)
{
    return w.packed ? g.packedWeight(name, w.packed) : weightNode(g, name, w.w);
}

} // namespace loupe::compute::transformer
