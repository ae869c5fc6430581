// SPDX-License-Identifier: MIT
// Linear, MatMul and PatchEmbed as cuBLAS GEMMs (f32 inputs and accumulation, or f16/bf16 inputs with
// f32 accumulation for reduced-precision linear weights), with the bias/activation/residual epilogue
// as one kernel after the product. cuBLAS is column-major: the row-major C = A B is computed as
// C^T = B^T A^T, which reads the same memory with no copies.
#include "compute/backend/cuda/check.h"
#include "compute/backend/cuda/cublas.h"
#include "compute/backend/cuda/gemm_plan.h"
#include "compute/backend/cuda/ops.h"
#include "compute/backend/device_error.h"
#include "compute/error.h"

#include <algorithm>
#include <climits>

namespace loupe::compute::cuda {

namespace {

int toInt(int64_t v, const char* what)
{
    if (v > INT_MAX || v < INT_MIN)
        unsupported(std::string("gemm: ") + what + " exceeds cuBLAS's 32-bit range");
    return int(v);
}

size_t elementSize(cudaDataType t)
{
    return t == CUDA_R_32F ? 4 : 2;
}

void run(Exec& x, const Gemm& g)
{
    const std::vector<BlasCall> calls = planGemm(g);
    if (calls.empty()) return;
    std::string why;
    const CublasApi* api = cublas(&why);
    // A missing or broken cuBLAS is a driver-side failure: the scheduler moves the model to the CPU.
    if (!api)
        throw DeviceError(DeviceFailure::NoDriver, "cuda", "gemm: cuBLAS could not be loaded (" + why + ")");
    const float one = 1.f, zero = 0.f;
    const size_t es = elementSize(g.type);
    for (const BlasCall& c : calls) {
        const char* first = static_cast<const char*>(g.b) + size_t(c.offFirst) * es;
        const char* second = static_cast<const char*>(g.a) + size_t(c.offSecond) * es;
        float* out = g.c + c.offC;
        if (c.batch == 1)
            checkBlas(api->gemmEx(x.blas, c.opFirst, c.opSecond, toInt(c.m, "N"), toInt(c.n, "M"),
                                  toInt(c.k, "K"), &one, first, g.type, toInt(c.ldFirst, "ldb"), second,
                                  g.type, toInt(c.ldSecond, "lda"), &zero, out, CUDA_R_32F,
                                  toInt(c.ldc, "ldc"), CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT),
                      "gemm");
        else
            checkBlas(api->gemmStridedBatchedEx(
                          x.blas, c.opFirst, c.opSecond, toInt(c.m, "N"), toInt(c.n, "M"), toInt(c.k, "K"),
                          &one, first, g.type, toInt(c.ldFirst, "ldb"), c.strideFirst, second, g.type,
                          toInt(c.ldSecond, "lda"), c.strideSecond, &zero, out, CUDA_R_32F,
                          toInt(c.ldc, "ldc"), c.strideC, toInt(c.batch, "batch"), CUBLAS_COMPUTE_32F,
                          CUBLAS_GEMM_DEFAULT),
                      "batched gemm");
    }
}

// x [M, K] (packed or a 2-D view cuBLAS reads) times the weight [N, K]^T into packed out [M, N], then
// the epilogue.
void linear2d(Exec& x, const DTensor& out, const DTensor& in, int64_t M, const LinearWeight& w,
              const DTensor* bias, Activation act, const DTensor* residual)
{
    const int64_t N = w.f32.shape[0], K = w.f32.shape[1];
    Gemm g;
    g.M = M;
    g.N = N;
    g.K = K;
    g.c = out.data;
    g.cRow = N;
    if (w.half) {
        // Activations rounded to the weights' type; products accumulate in f32.
        const bool bf16 = w.bf16;
        const DTensor p = packed(x, in);
        void* h = x.scratch->take(size_t(M * K) * 2);
        check(launchToHalf(x.stream, h, p.data, M * K, bf16), "linear: f32 to half");
        g.type = bf16 ? CUDA_R_16BF : CUDA_R_16F;
        g.a = h;
        g.aRow = K;
        g.b = w.half;
        g.bRow = 1;
        g.bCol = K;
    } else {
        g.a = in.data;
        g.aRow = in.strides[0];
        g.aCol = in.strides[1];
        g.b = w.f32.data;
        g.bRow = w.f32.strides[1];
        g.bCol = w.f32.strides[0];
    }
    run(x, g);
    const DTensor pb = bias ? packed(x, *bias) : DTensor{};
    const DTensor pr = residual ? packed(x, *residual) : DTensor{};
    check(launchEpilogue(x.stream, out.data, M, N, bias ? pb.data : nullptr, int(act),
                         residual ? pr.data : nullptr),
          "linear epilogue");
}

} // namespace

void linear(Exec& x, const DTensor& out, const DTensor& in, const LinearWeight& wIn, const DTensor* bias,
            Activation act, const DTensor* residual)
{
    LinearWeight w = wIn;
    if (!gemmReadable(w.f32)) w.f32 = packed(x, w.f32);
    const int64_t K = in.shape.back(), N = w.f32.shape[0];
    if (w.f32.shape.size() != 2 || w.f32.shape[1] != K)
        throw Error("cuda", "linear: the weight must be [N, K]");
    if (bias && bias->numel() != N) throw Error("cuda", "linear: the bias must hold N values");
    if (residual && residual->shape != out.shape)
        throw Error("cuda", "linear: the residual must have the output's shape");
    const int64_t M = out.numel() / std::max<int64_t>(N, 1);
    DTensor x2;
    if (in.shape.size() == 2 && gemmReadable(in)) {
        x2 = in;
    } else {
        const DTensor p = packed(x, in);
        x2 = {p.data, {M, K}, {K, 1}};
    }
    linear2d(x, out, x2, M, w, bias, act, residual);
}

void matmul(Exec& x, const DTensor& out, const DTensor& aIn, const DTensor& bIn)
{
    const DTensor a = gemmReadable(aIn) ? aIn : packed(x, aIn);
    const DTensor b = gemmReadable(bIn) ? bIn : packed(x, bIn);
    run(x, matmulProblem(out, a, b));
}

void patchEmbed(Exec& x, const DTensor& out, const DTensor& pxIn, const LinearWeight& wIn,
                const DTensor* bias, int64_t P)
{
    if (pxIn.shape.size() != 4) throw Error("cuda", "patch_embed: pixels must be [B, C, H, W]");
    const DTensor px = packed(x, pxIn);
    const int64_t B = px.shape[0], C = px.shape[1], H = px.shape[2], W = px.shape[3];
    const int64_t gh = H / P, gw = W / P, K = C * P * P;
    // The weight [D, C, P, P] read as [D, K].
    const DTensor wp = packed(x, wIn.f32);
    const int64_t D = wp.shape[0];
    if (wp.numel() != D * K) throw Error("cuda", "patch_embed: the weight must be [D, C, P, P]");
    LinearWeight w{{wp.data, {D, K}, {K, 1}}, wIn.half, wIn.bf16};
    const int64_t rows = B * gh * gw;
    DTensor cols{x.scratch->takeF32(rows * K), {rows, K}, {K, 1}};
    check(launchIm2col(x.stream, cols.data, px.data, B, C, H, W, P), "patch_embed im2col");
    linear2d(x, out, cols, rows, w, bias, Activation::None, nullptr);
}

} // namespace loupe::compute::cuda
