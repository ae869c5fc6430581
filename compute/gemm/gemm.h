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

struct GemmProblem;

// How a linear weight is stored: its precision and, for int8, how many consecutive K elements share a
// scale (0: one scale per output channel). Converts from a Precision so callers may pass one alone.
struct WeightFormat
{
    Precision precision = Precision::F32;
    int64_t groupSize = 0;

    WeightFormat() = default;
    WeightFormat(Precision p, int64_t group = 0) : precision(p), groupSize(group) {}
};

// A linear layer's weight W [N, K] reordered once into the GEMM library's preferred blocked layout,
// at f32 (same number of bytes; oneDNN's choice does not depend on M, checked when packing), bf16 or
// int8 (see gemm_bf16.cpp, gemm_int8.cpp). A problem whose B is a packed weight sets packedB and leaves
// b null; kernels that cannot read the packed layout unpack it into a temporary (kill switches keep
// working on packed models).
class PackedWeight
{
public:
    virtual ~PackedWeight() = default;
    virtual int64_t rows() const = 0; // N
    virtual int64_t cols() const = 0; // K
    virtual size_t bytes() const = 0;
    // Row-major [N, K] f32 values of the stored weights (bf16 or dequantised int8 values for reduced
    // precisions): what attribution and the fall-back kernels compute with.
    virtual void unpack(float* dst) const = 0;
    // The precision the weights are stored and multiplied at (never Default).
    virtual Precision precision() const { return Precision::F32; }
    virtual int64_t groupSize() const { return 0; }
    // Runs an unbatched problem whose packedB is this weight with the weight's own kernel; returns that
    // kernel's name, or null when it cannot (the caller then unpacks). f32 weights run in gemmOneDnn.
    virtual const char* multiply(const GemmProblem&) const { return nullptr; }
};

// Packs W (element (n, k) at w[n * rowStride + k]); null when oneDNN is off or has no packed kernel.
std::shared_ptr<const PackedWeight> packLinearWeight(const float* w, int64_t N, int64_t K, int64_t rowStride);
// The same at a model's precision: Default and F32 pack f32; BF16 stores bf16 and multiplies with
// oneDNN's bf16 kernels (f32 accumulation and output); F16 rounds the weights to f16 and multiplies in
// f32 (oneDNN 2.6 has no f16 matmul for CPUs); Int8 quantises symmetrically per output channel or per
// group. Returns null where the f32 overload would (the model then keeps plain f32 weights). Throws
// Error when an int8 group size does not divide K.
std::shared_ptr<const PackedWeight> packLinearWeight(const float* w, int64_t N, int64_t K, int64_t rowStride,
                                                     const WeightFormat& format);
// What packLinearWeight makes of a requested format on this machine, after the kill switches
// (LOUPE_DISABLE_BF16, LOUPE_DISABLE_ONEDNN) and Default: what a model loaded with it runs at.
WeightFormat effectiveWeightFormat(const WeightFormat& requested);
// Why effectiveWeightFormat(requested) is not the precision asked for ("bf16 was asked for;
// LOUPE_DISABLE_BF16 is set, so the weights are f32"); empty when it is, or nothing was asked.
// A precision is never changed silently: the execution record carries this.
std::string weightFormatNote(const WeightFormat& requested);

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
