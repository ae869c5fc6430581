// SPDX-License-Identifier: MIT
#pragma once

#include "views/profiler/profilersnapshot.h"

#include <QStringList>

namespace loupe::views {

// The dock's gauge lines, the same in both views: device memory in use and peak, GPU utilisation and
// memory from NVML (or "NVML not available" and why), how many jobs run, and the queue depth of each
// device worker (running, waiting, the most at once).
QStringList gaugeLines(const ProfilerSnapshot& s);

// "waited 1.250 ms in the vulkan queue" for a run a device worker ran; empty for a run computed on
// the thread that asked for it.
QString queueWaitText(const compute::ProfileRun& run);

} // namespace loupe::views
