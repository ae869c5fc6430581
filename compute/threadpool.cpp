// SPDX-License-Identifier: MIT
#include "compute/threadpool.h"

#include "compute/cpu_options.h"

#include <algorithm>
#include <omp.h>
#include <thread>

namespace loupe::compute {

namespace {
int g_threads = 0; // 0 = not yet decided
}

int hardwareThreads()
{
    return std::max(1, int(std::thread::hardware_concurrency()));
}

int threadCount()
{
    if (g_threads == 0) setThreadCount(0);
    return g_threads;
}

void setThreadCount(int n)
{
    if (n <= 0) n = cpuOptions().threads > 0 ? cpuOptions().threads : hardwareThreads();
    g_threads = n;
    omp_set_num_threads(n); // oneDNN reads the same setting
}

void parallelFor(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn)
{
    if (n <= 0) return;
    grain = std::max<int64_t>(grain, 1);
    const int threads = int(std::min<int64_t>(threadCount(), (n + grain - 1) / grain));
    if (threads <= 1) {
        fn(0, n);
        return;
    }
#pragma omp parallel num_threads(threads)
    {
        const int t = omp_get_thread_num();
        const int nt = omp_get_num_threads();
        const int64_t chunk = (n + nt - 1) / nt;
        const int64_t b = std::min<int64_t>(n, t * chunk);
        const int64_t e = std::min<int64_t>(n, b + chunk);
        if (b < e) fn(b, e);
    }
}

} // namespace loupe::compute
