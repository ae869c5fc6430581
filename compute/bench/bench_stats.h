// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace loupe::compute::bench {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point t0);
// Medians of even counts average the middle two.
double median(std::vector<double> v);
double percentile(std::vector<double> v, double fraction);
// The 1-minute load average (/proc/loadavg), -1 where unknown: every number is quoted with it, since
// other processes on a small machine move timings more than most changes do.
double loadAverage1();
// OMP_WAIT_POLICY as set, or "default".
std::string ompWaitPolicy();

} // namespace loupe::compute::bench
