// SPDX-License-Identifier: MIT
#include "compute/backend/device_worker.h"

#include "compute/backend/backend.h"
#include "compute/backend/profiler.h"
#include "compute/error.h"

#include <cstdlib>
#include <map>
#include <memory>

namespace loupe::compute {

namespace {

struct Registry
{
    std::mutex mutex;
    std::map<const Device*, std::unique_ptr<DeviceWorker>> workers;
    bool stopped = false;
};

// Never destroyed: stopAll() runs from atexit, and a model thread that outlives main() must still
// find the (stopped) workers rather than a destroyed map.
Registry& registry()
{
    static Registry& r = *new Registry;
    return r;
}

} // namespace

DeviceWorker& DeviceWorker::of(Device& device)
{
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    std::unique_ptr<DeviceWorker>& w = r.workers[&device];
    if (!w) {
        w.reset(new DeviceWorker(device));
        // Registered after `device` was built, so it runs before the device's static is destroyed.
        // Registering once per worker is harmless: stopAll() stops each worker once.
        std::atexit(&DeviceWorker::stopAll);
    }
    return *w;
}

DeviceWorker::DeviceWorker(Device& device) : name_(device.name() + " (" + device.label() + ")")
{
    // A worker made during shutdown starts stopped: run() then computes inline.
    stopping_ = registry().stopped;
    if (!stopping_) thread_ = std::thread([this] { loop(); });
    publishDepth();
}

void DeviceWorker::run(const std::function<void()>& work)
{
    if (onWorkerThread()) {
        work();
        return;
    }
    Job job;
    job.work = &work;
    job.callerThread = Profiler::threadIndex();
    job.queuedNs = Profiler::nowNs();
    std::unique_lock lock(mutex_);
    if (stopping_) {
        lock.unlock();
        work(); // after exit began: no thread left to hand the work to
        return;
    }
    queue_.push_back(&job);
    publishDepth();
    wake_.notify_one();
    // Not interruptible: the job points at `work` and lives on this stack until the worker is done.
    finished_.wait(lock, [&] { return job.done; });
    lock.unlock();
    if (job.error) std::rethrow_exception(job.error);
}

int DeviceWorker::waiting() const
{
    std::lock_guard lock(mutex_);
    return int(queue_.size());
}

int DeviceWorker::running() const
{
    std::lock_guard lock(mutex_);
    return running_;
}

void DeviceWorker::publishDepth()
{
    Profiler::setQueueDepth(name_, int(queue_.size()) + running_, running_);
}

void DeviceWorker::loop()
{
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (stopping_) break;
        Job* job = queue_.front();
        queue_.pop_front();
        running_ = 1;
        publishDepth();
        lock.unlock();
        const int64_t startNs = Profiler::nowNs();
        Profiler::noteQueueWait(job->queuedNs, startNs - job->queuedNs, job->callerThread);
        try {
            (*job->work)();
        } catch (...) {
            job->error = std::current_exception();
        }
        Profiler::noteQueueWait(0, 0, 0);
        lock.lock();
        running_ = 0;
        job->done = true;
        publishDepth();
        finished_.notify_all();
    }
    // Jobs still queued at exit fail instead of leaving their callers waiting forever.
    for (Job* job : queue_) {
        job->error = std::make_exception_ptr(Error(name_, "the engine is shutting down"));
        job->done = true;
    }
    queue_.clear();
    publishDepth();
    finished_.notify_all();
}

void DeviceWorker::stop()
{
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && !thread_.joinable()) return;
        stopping_ = true;
        wake_.notify_one();
    }
    if (!thread_.joinable()) return;
    if (onWorkerThread())
        thread_.detach(); // exit() called from a job: it cannot wait for itself
    else
        thread_.join(); // the worker's backends are freed on it as it ends
}

void DeviceWorker::stopAll()
{
    Registry& r = registry();
    std::vector<DeviceWorker*> workers;
    {
        std::lock_guard lock(r.mutex);
        r.stopped = true;
        for (auto& [device, w] : r.workers)
            workers.push_back(w.get());
    }
    for (DeviceWorker* w : workers)
        w->stop();
}

} // namespace loupe::compute
