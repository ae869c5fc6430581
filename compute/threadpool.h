// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <functional>

namespace loupe::compute {

// The CPU worker threads. Debian's oneDNN runs its kernels on the OpenMP runtime; a second pool of our
// own would compete with OpenMP's spinning workers on a 2-core machine, so our parallel loops run on the
// same OpenMP team. One thread count governs both (LOUPE_CPU_THREADS, default = cores).
int threadCount();
void setThreadCount(int n); // n <= 0: back to the default (LOUPE_CPU_THREADS or the number of cores)
int hardwareThreads();

// Calls fn(begin, end) on disjoint chunks covering [0, n); chunks hold at least `grain` items.
// Runs inline when one thread is configured or the work is small.
void parallelFor(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

} // namespace loupe::compute
