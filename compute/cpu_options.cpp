// SPDX-License-Identifier: MIT
#include "compute/cpu_options.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace loupe::compute {

namespace {

bool envFlag(const char* name)
{
    const char* v = std::getenv(name);
    return v && *v && std::strcmp(v, "0") != 0 && std::strcmp(v, "false") != 0;
}

CpuOptions fromEnvironment()
{
    CpuOptions o;
    if (const char* t = std::getenv("LOUPE_CPU_THREADS")) o.threads = std::max(0, std::atoi(t));
    o.useOneDnn = !envFlag("LOUPE_DISABLE_ONEDNN");
    if (const char* g = std::getenv("LOUPE_GEMM")) {
        if (!std::strcmp(g, "naive"))
            o.naiveGemm = true;
        else if (!std::strcmp(g, "blocked"))
            o.useOneDnn = false;
    }
    o.fusion = !envFlag("LOUPE_DISABLE_FUSION");
    o.fastMath = !envFlag("LOUPE_DISABLE_SIMD");
    o.adaptiveThreads = !envFlag("LOUPE_FIXED_THREADS");
    return o;
}

} // namespace

CpuOptions& cpuOptions()
{
    static CpuOptions options = fromEnvironment();
    return options;
}

std::string gemmKernelName()
{
    const CpuOptions& o = cpuOptions();
    if (o.naiveGemm) return "naive";
    return o.useOneDnn ? "onednn" : "blocked";
}

} // namespace loupe::compute
