// SPDX-License-Identifier: MIT
#include "compute/threadpool.h"

#include "compute/cpu_options.h"

#include <algorithm>
#include <chrono>
#include <omp.h>
#include <thread>

namespace loupe::compute {

namespace {
int g_threads = 0;            // 0 = not yet decided
thread_local int t_tuned = 0; // a StepThreadTuner's choice on this thread, 0 = none

void applyOnThisThread(int n)
{
    t_tuned = n;
    omp_set_num_threads(n > 0 ? n : threadCount()); // per-thread: oneDNN reads it when it builds primitives
}

double nowMs()
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

constexpr int64_t kFirstPeriod = 32, kLongestPeriod = 512;
} // namespace

int activeThreadCount()
{
    return t_tuned > 0 ? t_tuned : threadCount();
}

StepThreadTuner::StepThreadTuner()
    : configured_(activeThreadCount()), chosen_(configured_), current_(configured_),
      active_(configured_ > 1 && cpuOptions().adaptiveThreads)
{
}

StepThreadTuner::~StepThreadTuner()
{
    if (active_) applyOnThisThread(0);
}

void StepThreadTuner::beforeStep()
{
    if (!active_) return;
    if (probeStep_ < 0 && step_ >= nextProbe_) probeStep_ = 0;
    const int n = probeStep_ >= 0 ? other() : chosen_;
    if (n != current_) applyOnThisThread(n);
    current_ = n;
    started_ = nowMs();
}

void StepThreadTuner::endProbe(bool won)
{
    if (won) {
        chosen_ = other();
        period_ = kFirstPeriod;
        recent_[0] = recent_[1] = -1;
    } else {
        period_ = std::min(2 * period_, kLongestPeriod);
    }
    probeStep_ = -1;
    nextProbe_ = step_ + 1 + period_;
}

void StepThreadTuner::afterStep()
{
    if (!active_) return;
    const double ms = nowMs() - started_;
    const double best = recent_[0] < 0   ? recent_[1]
                        : recent_[1] < 0 ? recent_[0]
                                         : std::min(recent_[0], recent_[1]);
    if (probeStep_ == 0) {
        probeStep_ = 1;
        if (best > 0 && ms > 4 * best) endProbe(false); // stalled: do not spend a second step on it
    } else if (probeStep_ == 1) {
        endProbe(best < 0 || ms < 0.95 * best);
    } else {
        recent_[0] = recent_[1];
        recent_[1] = ms;
    }
    ++step_;
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
    const int threads = int(std::min<int64_t>(activeThreadCount(), (n + grain - 1) / grain));
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
