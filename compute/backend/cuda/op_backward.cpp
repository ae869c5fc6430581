// SPDX-License-Identifier: MIT
// The backward ops a gradient graph is built from, with the CPU backend's semantics: row gradients
// (backward_rows.cu), the activation gradient (elementwise.cu), the adjoints of bicubic and im2col
// (image.cu), SumTo (reduce.cu) and Embed (a zero fill, then the strided copy into the placed view).
// Strided operands are packed first where a kernel reads packed rows.
#include "compute/backend/cuda/check.h"
#include "compute/backend/cuda/ops.h"
#include "compute/error.h"

#include <algorithm>

namespace loupe::compute::cuda {

namespace {

int64_t lastDim(const DTensor& t)
{
    return t.shape.empty() ? 1 : t.shape.back();
}

int64_t rowsOf(const DTensor& t)
{
    return t.numel() / std::max<int64_t>(lastDim(t), 1);
}

} // namespace

void softmaxGrad(Exec& x, const DTensor& out, const DTensor& y, const DTensor& gy, float scale)
{
    const DTensor py = packed(x, y), pg = packed(x, gy);
    check(launchSoftmaxGrad(x.stream, out.data, py.data, pg.data, rowsOf(y), lastDim(y), scale),
          "softmax_grad");
}

void layerNormGrad(Exec& x, const DTensor& out, const DTensor& in, const DTensor* w, const DTensor& gy,
                   float eps)
{
    const DTensor px = packed(x, in), pg = packed(x, gy);
    const float* pw = w ? packed(x, *w).data : nullptr;
    check(launchLayerNormGrad(x.stream, out.data, px.data, pw, pg.data, rowsOf(in), lastDim(in), eps),
          "layer_norm_grad");
}

void actGrad(Exec& x, const DTensor& out, const DTensor& z, const DTensor& gy, Activation act)
{
    const DTensor pz = packed(x, z), pg = packed(x, gy);
    check(launchActGrad(x.stream, int(act), out.data, pz.data, pg.data, out.numel()),
          std::string("act_grad ") + activationName(act));
}

void bicubicGrad(Exec& x, const DTensor& out, const DTensor& gy, double scaleH, double scaleW)
{
    const DTensor pg = packed(x, gy);
    const int64_t H = out.shape[2], W = out.shape[3], OH = gy.shape[2], OW = gy.shape[3];
    // The forward's source steps (bicubic in op_rows.cpp), so the gather is its exact transpose.
    const float sh = scaleH > 0 ? float(1.0 / scaleH) : float(H) / float(OH);
    const float sw = scaleW > 0 ? float(1.0 / scaleW) : float(W) / float(OW);
    check(launchBicubicGrad(x.stream, out.data, pg.data, out.shape[0] * out.shape[1], H, W, OH, OW, sh, sw),
          "bicubic_grad");
}

void col2im(Exec& x, const DTensor& out, const DTensor& gcols, int64_t patch)
{
    const DTensor pc = packed(x, gcols);
    check(launchCol2im(x.stream, out.data, pc.data, out.shape[0], out.shape[1], out.shape[2], out.shape[3],
                       patch),
          "col2im");
}

void sumTo(Exec& x, const DTensor& out, const DTensor& in)
{
    Layout kept, reduced;
    sumToLayouts(in, out.shape, kept, reduced);
    const int64_t splits = sumToSplits(kept, reduced);
    double* partial = splits > 1
                          ? static_cast<double*>(x.scratch->take(size_t(splits * kept.n) * sizeof(double)))
                          : nullptr;
    check(launchSumTo(x.stream, out.data, in.data, kept, reduced, partial), "sum_to");
}

void embed(Exec& x, const DTensor& out, const DTensor& in, const Shape& strides, int64_t offset)
{
    if (out.numel() > 0)
        check(cudaMemsetAsync(out.data, 0, size_t(out.numel()) * sizeof(float), x.stream), "embed");
    copy(x, DTensor{out.data + offset, in.shape, strides}, in);
}

} // namespace loupe::compute::cuda
