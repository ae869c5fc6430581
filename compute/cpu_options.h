// SPDX-License-Identifier: MIT
#pragma once

#include <string>

namespace loupe::compute {

// Every fast path of the CPU engine can be switched off, so a wrong answer can be bisected by a user.
// Read once from the environment (see compute/README.md); tests and tools may change them at run time.
struct CpuOptions
{
    int threads = 0;             // LOUPE_CPU_THREADS=N (0 = all cores)
    bool useOneDnn = true;       // LOUPE_DISABLE_ONEDNN=1 -> Loupe's own blocked GEMM
    bool naiveGemm = false;      // LOUPE_GEMM=naive -> the reference triple loop (slow; for bisecting)
    bool fusion = true;          // LOUPE_DISABLE_FUSION=1 -> bias/activation/residual as separate ops
    bool adaptiveThreads = true; // LOUPE_FIXED_THREADS=1 -> decoding loops keep the configured count
    bool fastMath = true;        // LOUPE_DISABLE_SIMD=1 -> scalar std::exp/erf/tanh loops, no AVX2 kernels
};

CpuOptions& cpuOptions();
// Which GEMM implementation the current options select ("onednn", "blocked", "naive").
std::string gemmKernelName();

} // namespace loupe::compute
