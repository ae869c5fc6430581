// SPDX-License-Identifier: MIT
#include "views/profiler/profilertext.h"

#include <QCoreApplication>

namespace loupe::views {

namespace {
QString tr(const char* text)
{
    return QCoreApplication::translate("loupe::views::ProfilerDock", text);
}
} // namespace

QStringList gaugeLines(const ProfilerSnapshot& s)
{
    QStringList lines;
    if (!s.recording) lines << tr("Not recording (the dock records while it is visible)");
    QStringList memory;
    for (const compute::MemoryGauge& g : s.memory)
        memory << tr("%1 %2 in use, peak %3")
                      .arg(QString::fromStdString(g.device), formatBytes(g.inUse), formatBytes(g.peak));
    lines << tr("Memory: %1")
                 .arg(memory.isEmpty() ? tr("no device buffers") : memory.join(QStringLiteral("; ")));
    if (!s.nvml.available)
        lines << tr("GPU: NVML not available (%1)").arg(QString::fromStdString(s.nvml.reason));
    else if (s.nvml.gpus.empty())
        lines << tr("GPU: NVML sees no GPU");
    for (const compute::GpuSample& g : s.nvml.gpus)
        lines << tr("GPU %1 %2: %3% busy, memory %4 of %5")
                     .arg(g.index)
                     .arg(QString::fromStdString(g.name))
                     .arg(g.utilisationPercent)
                     .arg(formatBytes(int64_t(g.memoryUsed)), formatBytes(int64_t(g.memoryTotal)));
    QStringList queue;
    if (s.jobsRunning >= 0)
        queue << QCoreApplication::translate("loupe::views::ProfilerDock", "%n job(s) running", nullptr,
                                             s.jobsRunning);
    if (!queue.isEmpty()) lines << tr("Jobs: %1").arg(queue.join(QStringLiteral("; ")));
    for (const compute::QueueGauge& q : s.queues)
        lines << tr("Queue depth %1: %2 (%3 running, %4 waiting), at most %5")
                     .arg(QString::fromStdString(q.name))
                     .arg(q.depth)
                     .arg(q.running)
                     .arg(q.depth - q.running)
                     .arg(q.peak);
    return lines;
}

QString queueWaitText(const compute::ProfileRun& run)
{
    if (run.callerThread <= 0) return {};
    return tr("waited %1 ms in the %2 queue")
        .arg(double(run.queueWaitNs) / 1e6, 0, 'f', 3)
        .arg(QString::fromStdString(run.backend));
}

} // namespace loupe::views
