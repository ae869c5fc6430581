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

// The count in force on this thread: a StepThreadTuner's choice while one runs here, else threadCount().
int activeThreadCount();

// Chooses, for a loop of near-identical steps (one token per step of a decoding loop), between the
// configured thread count and one thread by timing both. On a machine whose cores are busy with other
// processes, two threads meeting at a barrier per op wait for each other's time slices (OpenMP spins, and
// oneDNN's kernels run on its team): measured under load 13 on 2 cores, GPT-2 small decoded 0.5-1.7
// tokens/s with 2 threads and 14.7 with one. On an idle machine the configured count wins and stays.
// After 3 steps, the other count runs 2 steps (the first only aborts the probe when it is 4x slower, as
// it may build GEMM primitives); the second is kept if 5% faster than the best of the last two steps
// before. A lost probe doubles the wait before the next (32 steps up to 512): probing a stalled count
// costs. The choice applies to the calling thread only and ends with the tuner.
// LOUPE_FIXED_THREADS=1 turns it off.
class StepThreadTuner
{
public:
    StepThreadTuner();
    ~StepThreadTuner();
    StepThreadTuner(const StepThreadTuner&) = delete;
    StepThreadTuner& operator=(const StepThreadTuner&) = delete;

    void beforeStep(); // sets this step's thread count
    void afterStep();  // records its time
    int chosen() const { return chosen_; }

private:
    int other() const { return chosen_ == 1 ? configured_ : 1; }
    void endProbe(bool won);

    int configured_ = 1, chosen_ = 1, current_ = 1;
    bool active_ = false;
    int64_t step_ = 0, nextProbe_ = 3, period_ = 32;
    int probeStep_ = -1; // -1: not probing
    double started_ = 0;
    double recent_[2] = {-1, -1}; // the last two times with the chosen count (ms), -1 = none
};

// Calls fn(begin, end) on disjoint chunks covering [0, n); chunks hold at least `grain` items.
// Runs inline when one thread is configured or the work is small.
void parallelFor(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

} // namespace loupe::compute
