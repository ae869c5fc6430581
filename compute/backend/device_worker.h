// SPDX-License-Identifier: MIT
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace loupe::compute {

class Device;

// One thread per GPU device that runs every graph computation for it, in the order they were asked
// for. A GPU queue (and a CUDA stream) belongs to one thread; model threads that run at the same time
// (a classify and an explain job) line up in one FIFO here instead of racing for a lock, and the
// profiler sees how long that line is (Profiler::setQueueDepth) and how long each run waited in it.
//
// The worker is started on first use and joined at exit by an atexit handler registered when it
// starts: that runs before the destructors of the statics built earlier (the device and its driver
// objects), so the worker's backends are freed while their device still exists.
class DeviceWorker
{
public:
    // The worker of `device`, started on first use; never destroyed before exit.
    static DeviceWorker& of(Device& device);

    // Runs `job` on the worker thread after the jobs queued before it and returns once it finished,
    // rethrowing what it threw (a DeviceError stays a DeviceError). The caller always waits for its
    // job, so the job may point at the caller's stack. Called from the worker thread itself (a job
    // that runs another graph) it runs at once.
    void run(const std::function<void()>& job);

    const std::string& name() const { return name_; } // "vulkan (llvmpipe ...)", as the profiler shows it
    int waiting() const;                              // jobs queued, not yet started
    int running() const;                              // 0 or 1
    bool onWorkerThread() const { return std::this_thread::get_id() == thread_.get_id(); }

    // Ends every worker: the running job finishes, queued ones fail with an Error saying the engine
    // is shutting down, the threads are joined. Runs at exit; later run() calls compute inline.
    static void stopAll();

    DeviceWorker(const DeviceWorker&) = delete;
    DeviceWorker& operator=(const DeviceWorker&) = delete;

private:
    struct Job
    {
        const std::function<void()>* work = nullptr;
        std::exception_ptr error;
        bool done = false;
        int64_t queuedNs = 0;
        int callerThread = 0;
    };

    explicit DeviceWorker(Device& device);
    void loop();
    void stop();
    void publishDepth(); // with mutex_ held

    std::string name_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;     // the worker: a job arrived or stop
    std::condition_variable finished_; // callers: a job is done
    std::deque<Job*> queue_;
    int running_ = 0;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace loupe::compute
