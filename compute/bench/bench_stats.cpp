// SPDX-License-Identifier: MIT
#include "compute/bench/bench_stats.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>

namespace loupe::compute::bench {

double msSince(Clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const size_t h = v.size() / 2;
    return v.empty() ? 0 : v.size() % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
}

double percentile(std::vector<double> v, double fraction)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[std::min(v.size() - 1, size_t(double(v.size()) * fraction))];
}

double loadAverage1()
{
    double load = -1;
    std::ifstream("/proc/loadavg") >> load;
    return load;
}

std::string ompWaitPolicy()
{
    const char* wait = std::getenv("OMP_WAIT_POLICY");
    return wait ? wait : "default";
}

} // namespace loupe::compute::bench
