// SPDX-License-Identifier: MIT
// How a row-major strided product maps onto column-major cuBLAS calls. cuBLAS computes C^T = B^T A^T,
// which reads our row-major memory as it is: no transposing copies. Kept apart from the calls
// themselves so the mapping is tested without a GPU (tst_cuda_backend's gemmPlan case).
#include "compute/backend/cuda/gemm_plan.h"

#include "compute/error.h"

#include <algorithm>

namespace loupe::compute::cuda {

namespace {

// How cuBLAS reads the transpose of a row-major R x C operand with strides (rs, cs) as a column-major
// C x R matrix: directly (op N, ld = rs) when its columns are unit-stride, or as the transpose of a
// column-major R x C matrix (op T, ld = cs) when its rows are. False when neither holds. A dim of size 1
// makes its stride irrelevant; cuBLAS still wants ld >= the stored matrix's rows.
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

} // namespace

std::vector<BlasCall> planGemm(const Gemm& g)
{
    if (g.M == 0 || g.N == 0 || g.batch[0] == 0 || g.batch[1] == 0) return {};
    BlasCall call;
    if (!columnMajor(g.M, g.K, g.aRow, g.aCol, call.opSecond, call.ldSecond) ||
        !columnMajor(g.K, g.N, g.bRow, g.bCol, call.opFirst, call.ldFirst))
        throw Error("cuda", "gemm: an operand has neither unit row nor unit column stride");
    call.m = g.N;
    call.n = g.M;
    call.k = g.K;
    call.ldc = g.cRow;
    // Two batch dims become one where the strides allow, else a call per outer batch.
    int64_t outer = g.batch[0], inner = g.batch[1];
    call.strideSecond = g.aBatch[1];
    call.strideFirst = g.bBatch[1];
    call.strideC = g.cBatch[1];
    if (inner == 1) {
        inner = outer;
        outer = 1;
        call.strideSecond = g.aBatch[0];
        call.strideFirst = g.bBatch[0];
        call.strideC = g.cBatch[0];
    } else if (outer > 1 && g.aBatch[0] == inner * g.aBatch[1] && g.bBatch[0] == inner * g.bBatch[1] &&
               g.cBatch[0] == inner * g.cBatch[1]) {
        inner *= outer;
        outer = 1;
    }
    call.batch = inner;
    std::vector<BlasCall> calls;
    for (int64_t o = 0; o < outer; ++o) {
        BlasCall c = call;
        c.offSecond = o * g.aBatch[0];
        c.offFirst = o * g.bBatch[0];
        c.offC = o * g.cBatch[0];
        calls.push_back(c);
    }
    return calls;
}

bool gemmReadable(const DTensor& t)
{
    const size_t n = t.shape.size();
    cublasOperation_t op;
    int64_t ld;
    return n >= 2 && columnMajor(t.shape[n - 2], t.shape[n - 1], t.strides[n - 2], t.strides[n - 1], op, ld);
}

Gemm matmulProblem(const DTensor& out, const DTensor& a, const DTensor& b)
{
    const size_t nd = out.shape.size();
    if (nd < 2 || nd > 4 || a.shape.size() != nd || b.shape.size() != nd)
        throw Error("cuda", "matmul supports 2-D to 4-D operands of equal rank");
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
    return g;
}

} // namespace loupe::compute::cuda
