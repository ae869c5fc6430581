// SPDX-License-Identifier: MIT
#include "compute/gemm/gemm.h"
#include "compute/threadpool.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace loupe::compute {

// Loupe's own GEMM, used when oneDNN is switched off or refuses a layout. B is packed row-major in
// K-panels so the inner loop is a unit-stride multiply-add over N that the compiler vectorises; four
// rows of A share each loaded panel row. About a tenth of oneDNN's speed, but simple and exact enough
// to bisect a wrong answer against.
namespace {

constexpr int64_t kPanelK = 256;
constexpr int64_t kPanelN = 512;

void kernelRows(int64_t rows, int64_t kc, int64_t nc, const float* a, int64_t aRow, int64_t aCol,
                const float* bp, float* c, int64_t cRow)
{
    int64_t m = 0;
    for (; m + 4 <= rows; m += 4) {
        float* c0 = c + m * cRow;
        float* c1 = c0 + cRow;
        float* c2 = c1 + cRow;
        float* c3 = c2 + cRow;
        for (int64_t k = 0; k < kc; ++k) {
            const float a0 = a[m * aRow + k * aCol], a1 = a[(m + 1) * aRow + k * aCol];
            const float a2 = a[(m + 2) * aRow + k * aCol], a3 = a[(m + 3) * aRow + k * aCol];
            const float* brow = bp + k * nc;
            for (int64_t n = 0; n < nc; ++n) {
                const float bv = brow[n];
                c0[n] += a0 * bv;
                c1[n] += a1 * bv;
                c2[n] += a2 * bv;
                c3[n] += a3 * bv;
            }
        }
    }
    for (; m < rows; ++m) {
        float* c0 = c + m * cRow;
        for (int64_t k = 0; k < kc; ++k) {
            const float a0 = a[m * aRow + k * aCol];
            const float* brow = bp + k * nc;
            for (int64_t n = 0; n < nc; ++n)
                c0[n] += a0 * brow[n];
        }
    }
}

} // namespace

void gemmBlocked(const GemmProblem& p)
{
    const int64_t nb = p.batch[0] * p.batch[1];
    for (int64_t bb = 0; bb < nb; ++bb) {
        const int64_t b0 = bb / p.batch[1], b1 = bb % p.batch[1];
        const float* a = p.a + b0 * p.aBatch[0] + b1 * p.aBatch[1];
        const float* b = p.b + b0 * p.bBatch[0] + b1 * p.bBatch[1];
        float* c = p.c + b0 * p.cBatch[0] + b1 * p.cBatch[1];
        for (int64_t m = 0; m < p.M; ++m)
            std::memset(c + m * p.cRow, 0, size_t(p.N) * sizeof(float));
        for (int64_t n0 = 0; n0 < p.N; n0 += kPanelN) {
            const int64_t nc = std::min(kPanelN, p.N - n0);
            for (int64_t k0 = 0; k0 < p.K; k0 += kPanelK) {
                const int64_t kc = std::min(kPanelK, p.K - k0);
                std::vector<float> panel(size_t(kc * nc));
                for (int64_t k = 0; k < kc; ++k)
                    for (int64_t n = 0; n < nc; ++n)
                        panel[size_t(k * nc + n)] = b[(k0 + k) * p.bRow + (n0 + n) * p.bCol];
                parallelFor((p.M + 3) / 4, 4, [&](int64_t q0, int64_t q1) {
                    const int64_t m0 = q0 * 4, m1 = std::min(p.M, q1 * 4);
                    kernelRows(m1 - m0, kc, nc, a + m0 * p.aRow + k0 * p.aCol, p.aRow, p.aCol, panel.data(),
                               c + m0 * p.cRow + n0, p.cRow);
                });
            }
        }
    }
    gemmEpilogue(p);
}

} // namespace loupe::compute
