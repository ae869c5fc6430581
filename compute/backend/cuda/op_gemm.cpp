// SPDX-License-Identifier: MIT
// Linear, MatMul and PatchEmbed as cuBLAS GEMMs (f32 inputs and accumulation, or f16/bf16 inputs with
// f32 accumulation for reduced-precision linear weights), with the bias/activation/residual epilogue
// as one kernel after the product. cuBLAS is column-major: the row-major C = A B is computed as
// C^T = B^T A^T, which reads the same memory with no copies.
#include "compute/backend/cuda/check.h"
#include "compute/backend/cuda/cublas.h"
#include "compute/backend/cuda/ops.h"
#include "compute/error.h"

#include <algorithm>
#include <climits>

namespace loupe::compute::cuda {

namespace {

// One (up to two batch dims) row-major product C[b0, b1] = A[b0, b1] (M x K) x B[b0, b1] (K x N) with
// element strides; batch strides may be 0 (broadcast). C is packed within a batch (row stride cRow).
struct Gemm
{
    int64_t batch[2] = {1, 1};
    int64_t M = 0, N = 0, K = 0;
    const void* a = nullptr;
    int64_t aRow = 0, aCol = 1, aBatch[2] = {0, 0};
    const void* b = nullptr;
    int64_t bRow = 0, bCol = 1, bBatch[2] = {0, 0};
    float* c = nullptr;
    int64_t cRow = 0, cBatch[2] = {0, 0};
    cudaDataType type = CUDA_R_32F; // of A and B
};

// How cuBLAS reads the transpose of a row-major R x C operand with strides (rs, cs) as a column-major
// C x R matrix: directly (op N, ld = rs) when its columns are unit-stride, or as the transpose of a
// column-major R x C matrix (op T, ld = cs) when its rows are. False when neither holds.
bool columnMajor(int64_t R, int64_t C, int64_t rs, int64_t cs, cublasOperation_t& op, int64_t& ld)
{
    if ((cs == 1 || C == 1) && (R == 1 || rs >= std::max<int64_t>(C, 1))) {
        op = CUBLAS_OP_N;
        ld = R == 1 ? std::max<int64_t>(C, 1) : rs;
        return true;
    }
    if ((rs == 1 || R == 1) && (C == 1 || cs >= std::max<int64_t>(R, 1))) {
        op = CUBLAS_OP_T;
        ld = C == 1 ? std::max<int64_t>(R, 1) : cs;
        return true;
    }
    return false;
}

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
    if (g.M == 0 || g.N == 0 || g.batch[0] == 0 || g.batch[1] == 0) return;
    cublasOperation_t opA, opB;
    int64_t lda, ldb;
    if (!columnMajor(g.M, g.K, g.aRow, g.aCol, opA, lda) || !columnMajor(g.K, g.N, g.bRow, g.bCol, opB, ldb))
        throw Error("cuda", "gemm: an operand has neither unit row nor unit column stride");
    const CublasApi* api = cublas();
    if (!api) throw Error("cuda", "gemm: cuBLAS is not loaded");
    // Two batch dims become one where the strides allow (always for packed operands), else a loop over
    // the outer one.
    int64_t outer = g.batch[0], inner = g.batch[1];
    int64_t sa = g.aBatch[1], sb = g.bBatch[1], sc = g.cBatch[1];
    if (inner == 1) {
        inner = outer;
        outer = 1;
        sa = g.aBatch[0];
        sb = g.bBatch[0];
        sc = g.cBatch[0];
    } else if (outer > 1 && g.aBatch[0] == inner * g.aBatch[1] && g.bBatch[0] == inner * g.bBatch[1] &&
               g.cBatch[0] == inner * g.cBatch[1]) {
        inner *= outer;
        outer = 1;
    }
    const float one = 1.f, zero = 0.f;
    const size_t es = elementSize(g.type);
    for (int64_t o = 0; o < outer; ++o) {
        const char* a = static_cast<const char*>(g.a) + size_t(o * g.aBatch[0]) * es;
        const char* b = static_cast<const char*>(g.b) + size_t(o * g.bBatch[0]) * es;
        float* c = g.c + o * g.cBatch[0];
        // C^T (N x M) = B^T (N x K) * A^T (K x M).
        if (inner == 1)
            checkBlas(api->gemmEx(x.blas, opB, opA, toInt(g.N, "N"), toInt(g.M, "M"), toInt(g.K, "K"), &one,
                                  b, g.type, toInt(ldb, "ldb"), a, g.type, toInt(lda, "lda"), &zero, c,
                                  CUDA_R_32F, toInt(g.cRow, "ldc"), CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT),
                      "gemm");
        else
            checkBlas(api->gemmStridedBatchedEx(x.blas, opB, opA, toInt(g.N, "N"), toInt(g.M, "M"),
                                                toInt(g.K, "K"), &one, b, g.type, toInt(ldb, "ldb"), sb, a,
                                                g.type, toInt(lda, "lda"), sa, &zero, c, CUDA_R_32F,
                                                toInt(g.cRow, "ldc"), sc, toInt(inner, "batch"),
                                                CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT),
                      "batched gemm");
    }
}

bool gemmReadable(const DTensor& t)
{
    const size_t n = t.shape.size();
    cublasOperation_t op;
    int64_t ld;
    return n >= 2 && columnMajor(t.shape[n - 2], t.shape[n - 1], t.strides[n - 2], t.strides[n - 1], op, ld);
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
    const size_t nd = out.shape.size();
    if (nd < 2 || nd > 4 || aIn.shape.size() != nd || bIn.shape.size() != nd)
        throw Error("cuda", "matmul supports 2-D to 4-D operands of equal rank");
    const DTensor a = gemmReadable(aIn) ? aIn : packed(x, aIn);
    const DTensor b = gemmReadable(bIn) ? bIn : packed(x, bIn);
    Gemm g;
    g.M = a.shape[nd - 2];
    g.K = a.shape[nd - 1];
    g.N = b.shape[nd - 1];
    g.a = a.data;
    g.aRow = a.strides[nd - 2];
    g.aCol = a.strides[nd - 1];
    g.b = b.data;
    g.bRow = b.strides[nd - 2];
    g.bCol = b.strides[nd - 1];
    g.c = out.data;
    g.cRow = g.N;
    // Leading dims map onto the two batch slots, right-aligned; broadcast dims get stride 0 (as the CPU).
    for (size_t i = 0; i + 2 < nd; ++i) {
        const int slot = int(2 - (nd - 2) + i);
        g.batch[slot] = out.shape[i];
        g.aBatch[slot] = a.shape[i] == 1 ? 0 : a.strides[i];
        g.bBatch[slot] = b.shape[i] == 1 ? 0 : b.strides[i];
        g.cBatch[slot] = out.strides[i];
    }
    run(x, g);
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
