// SPDX-License-Identifier: MIT
// Softmax, LayerNorm (rows.cu) and bicubic interpolation (image.cu) on packed operands; strided inputs
// are packed first, as the CPU backend does.
#include "compute/backend/cuda/check.h"
#include "compute/backend/cuda/ops.h"

#include <algorithm>

namespace loupe::compute::cuda {

void softmax(Exec& x, const DTensor& out, const DTensor& in, float scale)
{
    const DTensor p = packed(x, in);
    const int64_t d = in.shape.empty() ? 1 : in.shape.back();
    check(launchSoftmax(x.stream, out.data, p.data, p.numel() / std::max<int64_t>(d, 1), d, scale),
          "softmax");
}

void layerNorm(Exec& x, const DTensor& out, const DTensor& in, const DTensor& w, const DTensor& b, float eps)
{
    const DTensor p = packed(x, in), pw = packed(x, w), pb = packed(x, b);
    const int64_t d = in.shape.back();
    check(launchLayerNorm(x.stream, out.data, p.data, pw.data, pb.data, p.numel() / std::max<int64_t>(d, 1),
                          d, eps),
          "layer_norm");
}

void bicubic(Exec& x, const DTensor& out, const DTensor& in, double scaleH, double scaleW)
{
    const DTensor p = packed(x, in);
    const int64_t H = in.shape[2], W = in.shape[3], OH = out.shape[2], OW = out.shape[3];
    // As the CPU: a positive scale factor is used as given (1 / scale), otherwise in / out.
    const float sh = scaleH > 0 ? float(1.0 / scaleH) : float(H) / float(OH);
    const float sw = scaleW > 0 ? float(1.0 / scaleW) : float(W) / float(OW);
    check(launchBicubic(x.stream, out.data, p.data, in.shape[0] * in.shape[1], H, W, OH, OW, sh, sw),
          "bicubic");
}

} // namespace loupe::compute::cuda
