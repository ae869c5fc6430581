// SPDX-License-Identifier: MIT
#include "compute/gemm/gemm.h"

namespace loupe::compute {

// The reference: one dot product per output element, no blocking, no threads. Slow on purpose.
void gemmNaive(const GemmProblem& p)
{
    for (int64_t b0 = 0; b0 < p.batch[0]; ++b0)
        for (int64_t b1 = 0; b1 < p.batch[1]; ++b1) {
            const float* a = p.a + b0 * p.aBatch[0] + b1 * p.aBatch[1];
            const float* b = p.b + b0 * p.bBatch[0] + b1 * p.bBatch[1];
            float* c = p.c + b0 * p.cBatch[0] + b1 * p.cBatch[1];
            for (int64_t m = 0; m < p.M; ++m)
                for (int64_t n = 0; n < p.N; ++n) {
                    float acc = 0;
                    for (int64_t k = 0; k < p.K; ++k)
                        acc += a[m * p.aRow + k * p.aCol] * b[k * p.bRow + n * p.bCol];
                    c[m * p.cRow + n] = acc;
                }
        }
    gemmEpilogue(p);
}

} // namespace loupe::compute
