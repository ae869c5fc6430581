// SPDX-License-Identifier: MIT
#include "compute/gemm/gemm.h"

#include "compute/backend/cpu/vmath.h"
#include "compute/cpu_options.h"
#include "compute/error.h"
#include "compute/threadpool.h"

#include <vector>

namespace loupe::compute {

Activation activationFromName(const std::string& n)
{
    if (n == "gelu") return Activation::GeluErf;
    if (n == "gelu_new" || n == "gelu_pytorch_tanh" || n == "gelu_fast") return Activation::GeluTanh;
    if (n == "quick_gelu") return Activation::QuickGelu;
    if (n == "relu") return Activation::Relu;
    if (n == "silu" || n == "swish") return Activation::Silu;
    if (n == "tanh") return Activation::Tanh;
    if (n == "sigmoid") return Activation::Sigmoid;
    throw Error("hidden_act", "unsupported activation \"" + n + "\"");
}

const char* activationName(Activation a)
{
    switch (a) {
    case Activation::None:
        return "none";
    case Activation::GeluErf:
        return "gelu";
    case Activation::GeluTanh:
        return "gelu_tanh";
    case Activation::QuickGelu:
        return "quick_gelu";
    case Activation::Relu:
        return "relu";
    case Activation::Silu:
        return "silu";
    case Activation::Tanh:
        return "tanh";
    case Activation::Sigmoid:
        return "sigmoid";
    }
    return "?";
}

void gemmEpilogue(const GemmProblem& p)
{
    if (!p.bias && p.act == Activation::None && !p.residual) return;
    const int64_t rows = p.batch[0] * p.batch[1] * p.M;
    parallelFor(rows, 16, [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
            const int64_t m = r % p.M, bb = r / p.M, b1 = bb % p.batch[1], b0 = bb / p.batch[1];
            const int64_t off = b0 * p.cBatch[0] + b1 * p.cBatch[1] + m * p.cRow;
            float* c = p.c + off;
            if (p.bias)
                for (int64_t n = 0; n < p.N; ++n)
                    c[n] += p.bias[n];
            if (p.act != Activation::None) applyActivation(p.act, c, c, p.N);
            if (p.residual) {
                const float* res = p.residual + off;
                for (int64_t n = 0; n < p.N; ++n)
                    c[n] += res[n];
            }
        }
    });
}

namespace {

// A model whose weights are packed at a reduced precision says so in this thread's execution record
// (engine_options.h), which the stored run copies; the device fields are left to whoever ran the graph.
void noteReducedPrecision(Precision precision)
{
    const std::string_view name = precisionName(precision);
    if (lastExecution().precision == name) return;
    ExecutionRecord r = lastExecution();
    if (r.backend.empty()) r.backend = r.device = "cpu";
    r.precision = std::string(name);
    setLastExecution(std::move(r));
}

} // namespace

const char* gemm(const GemmProblem& p)
{
    const CpuOptions& o = cpuOptions();
    if (p.packedB) {
        const Precision precision = p.packedB->precision();
        if (precision != Precision::F32) {
            noteReducedPrecision(precision);
            if (!o.naiveGemm)
                if (const char* kernel = p.packedB->multiply(p)) return kernel;
        }
        if (precision == Precision::F32 && o.useOneDnn && !o.naiveGemm && gemmOneDnn(p)) return "onednn";
        std::vector<float> plain(size_t(p.N * p.K));
        p.packedB->unpack(plain.data());
        GemmProblem q = p;
        q.packedB = nullptr;
        q.b = plain.data();
        q.bRow = 1;
        q.bCol = p.K;
        return gemm(q);
    }
    if (o.naiveGemm) {
        gemmNaive(p);
        return "naive";
    }
    if (o.useOneDnn && gemmOneDnn(p)) return "onednn";
    gemmBlocked(p);
    return "blocked";
}

} // namespace loupe::compute
