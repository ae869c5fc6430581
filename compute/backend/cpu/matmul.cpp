// SPDX-License-Identifier: MIT
#include "compute/backend/cpu/ops.h"
#include "compute/cpu_options.h"
#include "compute/error.h"

namespace loupe::compute::cpu {

namespace {

// Runs the GEMM with its epilogue fused, or unfused when LOUPE_DISABLE_FUSION is set.
void runGemm(GemmProblem p)
{
    if (cpuOptions().fusion) {
        gemm(p);
        return;
    }
    GemmProblem plain = p;
    plain.bias = nullptr;
    plain.residual = nullptr;
    plain.act = Activation::None;
    gemm(plain);
    gemmEpilogue(p);
}

} // namespace

void linear(const Tensor& out, const Tensor& xIn, const Tensor& wIn, const Tensor* bias, Activation act,
            const Tensor* residual, const PackedWeight* packed)
{
    const int64_t K = xIn.shape().back();
    const int64_t N = packed ? packed->rows() : wIn.size(0);
    // x as an M x K matrix: packed, or a 2-D view with unit column stride.
    const Tensor x = (xIn.dim() == 2 && xIn.stride(1) == 1) ? xIn : xIn.contiguous();
    const Tensor& w = wIn; // [N, K] with any strides: B[k, n] = w[n, k]
    const Tensor b = bias ? bias->contiguous() : Tensor();
    const Tensor r = residual ? residual->contiguous() : Tensor();
    GemmProblem p;
    p.M = out.numel() / N;
    p.N = N;
    p.K = K;
    p.a = x.ptr<float>();
    p.aRow = x.dim() == 2 ? x.stride(0) : K;
    p.aCol = 1;
    if (packed) {
        p.packedB = packed;
    } else {
        p.b = w.ptr<float>();
        p.bRow = w.stride(1);
        p.bCol = w.stride(0);
    }
    p.c = out.ptr<float>();
    p.cRow = N;
    p.bias = bias ? b.ptr<float>() : nullptr;
    p.act = act;
    p.residual = residual ? r.ptr<float>() : nullptr;
    runGemm(p);
}

void matmul(const Tensor& out, const Tensor& a, const Tensor& b)
{
    const int64_t nd = a.dim();
    if (nd < 2 || nd > 4 || b.dim() != nd) throw Error("cpu", "matmul supports 2-D to 4-D operands");
    GemmProblem p;
    p.M = a.size(-2);
    p.K = a.size(-1);
    p.N = b.size(-1);
    p.a = a.ptr<float>();
    p.aRow = a.stride(-2);
    p.aCol = a.stride(-1);
    p.b = b.ptr<float>();
    p.bRow = b.stride(-2);
    p.bCol = b.stride(-1);
    p.c = out.ptr<float>();
    p.cRow = p.N;
    // Leading dims map onto the two batch slots, right-aligned; broadcast dims get stride 0.
    for (int64_t i = 0; i < nd - 2; ++i) {
        const int slot = int(2 - (nd - 2) + i);
        p.batch[slot] = out.size(i);
        p.aBatch[slot] = a.size(i) == 1 ? 0 : a.stride(i);
        p.bBatch[slot] = b.size(i) == 1 ? 0 : b.stride(i);
        p.cBatch[slot] = out.stride(i);
    }
    runGemm(p);
}

} // namespace loupe::compute::cpu
