// SPDX-License-Identifier: MIT
#pragma once

#include "compute/engine_options.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace loupe::compute {

// Elementwise activations, named after transformers' ACT2FN entries that map onto them.
enum class Activation : uint8_t { None, GeluErf, GeluTanh, QuickGelu, Relu, Silu, Tanh, Sigmoid };
Activation activationFromName(const std::string& hiddenAct); // throws Error for unknown names
const char* activationName(Activation a);

// A linear layer's weight W [N, K] reordered once into the GEMM library's preferred blocked layout
// (same number of bytes; oneDNN's choice does not depend on M, checked when packing). A problem whose
// B is a packed weight sets packedB and leaves b null; kernels that cannot read the packed layout
// unpack it into a temporary (kill switches keep working on packed models).
class PackedWeight
{
public:
    virtual ~PackedWeight() = default;
    virtual int64_t rows() const = 0; // N
    virtual int64_t cols() const = 0; // K
    virtual size_t bytes() const = 0;
    virtual void unpack(float* dst) const = 0; // row-major [N, K]
};

// Packs W (element (n, k) at w[n * rowStride + k]); null when oneDNN is off or has no packed kernel.
std::shared_ptr<const PackedWeight> packLinearWeight(const float* w, int64_t N, int64_t K, int64_t rowStride);
// The same at a model's precision (engine_options.h). Reduced precisions are not implemented yet: every
// precision packs f32 today.
std::shared_ptr<const PackedWeight> packLinearWeight(const float* w, int64_t N, int64_t K, int64_t rowStride,
                                                     Precision precision);

// One (optionally batched, up to two batch dimensions) single-precision matrix product with epilogue:
//   C[b0,b1] = act(A[b0,b1] x B[b0,b1] + bias) + residual
// A is M x K, B is K x N, both with arbitrary element strides (so a transposed weight [N, K] is just
// bRow = 1, bCol = K). C is row-major within a batch (column stride 1). Batch strides may be 0 to
// broadcast an operand. The residual has C's layout and is applied after the activation.
struct GemmProblem
{
    int64_t batch[2] = {1, 1};
    int64_t M = 0, N = 0, K = 0;
    const float* a = nullptr;
    int64_t aRow = 0, aCol = 1, aBatch[2] = {0, 0};
    const float* b = nullptr;
    int64_t bRow = 0, bCol = 1, bBatch[2] = {0, 0};
    float* c = nullptr;
    int64_t cRow = 0, cBatch[2] = {0, 0};
    const float* bias = nullptr; // [N] or null
    Activation act = Activation::None;
    const float* residual = nullptr;       // same layout as C, or null
    const PackedWeight* packedB = nullptr; // instead of b (with bRow/bCol unused), unbatched only
};

// Runs the problem with the kernel the CPU options select (oneDNN, Loupe's blocked kernel or the naive
// reference); falls back to the blocked kernel where oneDNN refuses a layout. Returns the kernel used.
const char* gemm(const GemmProblem& p);

// The individual kernels, for tests and the benchmark.
void gemmNaive(const GemmProblem& p);
void gemmBlocked(const GemmProblem& p);
bool gemmOneDnn(const GemmProblem& p); // false when oneDNN has no implementation for this layout
// The oneDNN implementation string last chosen for a problem of this shape ("brg:avx512_core", ...).
std::string oneDnnImplementation(const GemmProblem& p);

// Applies the epilogue (bias, activation, residual) to C in place; used by kernels without fusion.
void gemmEpilogue(const GemmProblem& p);

} // namespace loupe::compute
