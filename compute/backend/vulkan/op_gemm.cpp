// SPDX-License-Identifier: MIT
// Linear, MatMul and PatchEmbed all run the one tiled GEMM shader (shaders/gemm.comp); they differ only in
// how their operands map onto its strided A, B, C and two batch dims.
#include "compute/backend/device_error.h"
#include "compute/backend/vulkan/layout.h"
#include "compute/backend/vulkan/ops.h"
#include "compute/backend/vulkan/params.h"
#include "compute/error.h"

namespace loupe::compute::vk {

namespace {

int32_t i32(const char* op, int64_t v)
{
    return int32_t(offset32(op, v));
}

void run(Recorder& r, const GemmParams& p, int64_t batches, const DeviceTensor& a, const DeviceTensor& b,
         const DeviceTensor& c, const DeviceTensor* bias, const DeviceTensor* residual)
{
    if (p.M == 0 || p.N == 0 || batches == 0) return;
    const uint32_t gx = uint32_t((p.N + kGemmTile - 1) / kGemmTile),
                   gy = uint32_t((p.M + kGemmTile - 1) / kGemmTile);
    if (gy > 65535 || batches > 65535)
        throw DeviceError(DeviceFailure::Other, "vulkan", "gemm: too many rows or batches for one dispatch");
    // f16 weights on tensor cores where the device has them; the same tiles and parameters.
    const bool coopmat = b.half && r.cooperativeMatrix() && !(p.flags & kGemmIm2col);
    r.dispatch(coopmat  ? "gemm_coopmat"
               : b.half ? "gemm_f16"
                        : "gemm",
               {a.buffer, b.buffer, c.buffer, bias ? bias->buffer : VK_NULL_HANDLE,
                residual ? residual->buffer : VK_NULL_HANDLE},
               &p, sizeof p, gx, gy, uint32_t(batches));
}

void setEpilogue(const char* op, GemmParams& p, const DeviceTensor* bias, Activation act)
{
    p.flags = uint32_t(act);
    if (bias) {
        if (shapeNumel(bias->shape) != p.N || (p.N > 1 && bias->strides.back() != 1))
            throw Error("vulkan", std::string(op) + ": the bias must be a packed vector of N values");
        p.flags |= kGemmBias;
        p.offBias = bias->offset;
    }
}

} // namespace

void linear(Recorder& r, const DeviceTensor& out, const DeviceTensor& x, const DeviceTensor& w,
            const DeviceTensor* bias, Activation act, const DeviceTensor* residual)
{
    GemmParams p{};
    p.N = i32("linear", w.shape[0]);
    p.K = i32("linear", w.shape[1]);
    p.bRow = i32("linear", w.strides[1]);
    p.bCol = i32("linear", w.strides[0]);
    const Shape lead(out.shape.begin(), out.shape.end() - 1);
    std::vector<Shape> strides{Shape(x.strides.begin(), x.strides.end() - 1),
                               Shape(out.strides.begin(), out.strides.end() - 1)};
    if (residual) {
        if (residual->shape != out.shape || residual->strides.back() != 1)
            throw Error("vulkan",
                        "linear: the residual must have the output's shape with a unit last stride");
        strides.emplace_back(residual->strides.begin(), residual->strides.end() - 1);
    }
    // Leading dims fold onto (batch0, batch1, M).
    const Folded f = fold("linear", lead, strides, 3);
    p.M = f.shape[3];
    p.batch1 = f.shape[2];
    p.aRow = f.strides[0][3];
    p.aB1 = f.strides[0][2];
    p.aB0 = f.strides[0][1];
    p.aCol = i32("linear", x.strides.back());
    p.cRow = f.strides[1][3];
    p.cB1 = f.strides[1][2];
    p.cB0 = f.strides[1][1];
    p.offA = x.offset;
    p.offB = w.offset;
    p.offC = out.offset;
    setEpilogue("linear", p, bias, act);
    if (residual) {
        p.flags |= kGemmResidual;
        p.offR = residual->offset;
        p.rRow = f.strides[2][3];
        p.rB1 = f.strides[2][2];
        p.rB0 = f.strides[2][1];
    }
    // A row with size 1 folds away: give it a harmless stride.
    if (p.M == 1 && p.aRow == 0) p.aRow = p.K;
    run(r, p, int64_t(f.shape[1]) * f.shape[2], x, w, out, bias, residual);
}

void matmul(Recorder& r, const DeviceTensor& out, const DeviceTensor& a, const DeviceTensor& b)
{
    const size_t nd = out.shape.size();
    if (nd < 2 || nd > 4 || a.shape.size() != nd || b.shape.size() != nd)
        throw Error("vulkan", "matmul supports 2-D to 4-D operands of equal rank");
    GemmParams p{};
    p.M = i32("matmul", a.shape[nd - 2]);
    p.K = i32("matmul", a.shape[nd - 1]);
    p.N = i32("matmul", b.shape[nd - 1]);
    p.aRow = i32("matmul", a.strides[nd - 2]);
    p.aCol = i32("matmul", a.strides[nd - 1]);
    p.bRow = i32("matmul", b.strides[nd - 2]);
    p.bCol = i32("matmul", b.strides[nd - 1]);
    p.cRow = i32("matmul", out.strides[nd - 2]);
    const Shape batch(out.shape.begin(), out.shape.end() - 2);
    Shape as(nd - 2), bs(nd - 2), cs(nd - 2);
    for (size_t i = 0; i + 2 < nd; ++i) {
        as[i] = a.shape[i] == 1 ? 0 : a.strides[i];
        bs[i] = b.shape[i] == 1 ? 0 : b.strides[i];
        cs[i] = out.strides[i];
    }
    const Folded f = fold("matmul", batch, {as, bs, cs}, 2);
    p.batch1 = f.shape[3];
    p.aB1 = f.strides[0][3];
    p.aB0 = f.strides[0][2];
    p.bB1 = f.strides[1][3];
    p.bB0 = f.strides[1][2];
    p.cB1 = f.strides[2][3];
    p.cB0 = f.strides[2][2];
    p.offA = a.offset;
    p.offB = b.offset;
    p.offC = out.offset;
    run(r, p, int64_t(f.shape[2]) * f.shape[3], a, b, out, nullptr, nullptr);
}

void patchEmbed(Recorder& r, const DeviceTensor& out, const DeviceTensor& px, const DeviceTensor& w,
                const DeviceTensor* bias, int64_t P)
{
    if (px.shape.size() != 4 || px.strides[3] != 1)
        throw Error("vulkan", "patch_embed: pixels must be [B, C, H, W] with unit column stride");
    const int64_t B = px.shape[0], C = px.shape[1], H = px.shape[2], W = px.shape[3];
    const int64_t gh = H / P, gw = W / P, D = w.shape[0], K = C * P * P;
    // The weight [D, K] or [D, C, P, P] must be packed along K (its rows may be anywhere).
    Shape inner(w.shape.begin() + 1, w.shape.end());
    if (shapeNumel(inner) != K || contiguousStrides(inner) != Shape(w.strides.begin() + 1, w.strides.end()))
        throw Error("vulkan", "patch_embed: the weight must be packed along C*P*P");
    GemmParams p{};
    p.M = i32("patch_embed", gh * gw);
    p.N = i32("patch_embed", D);
    p.K = i32("patch_embed", K);
    p.aRow = i32("patch_embed", px.strides[2]);
    p.aCol = i32("patch_embed", px.strides[1]);
    p.aB1 = i32("patch_embed", px.strides[0]);
    p.bRow = 1;
    p.bCol = i32("patch_embed", w.strides[0]);
    p.batch1 = i32("patch_embed", B);
    p.cRow = i32("patch_embed", D);
    p.cB1 = i32("patch_embed", gh * gw * D);
    p.offA = px.offset;
    p.offB = w.offset;
    p.offC = out.offset;
    p.patchGw = i32("patch_embed", gw);
    p.patchSize = i32("patch_embed", P);
    setEpilogue("patch_embed", p, bias, Activation::None);
    p.flags |= kGemmIm2col;
    run(r, p, B, px, w, out, bias, nullptr);
}

} // namespace loupe::compute::vk
