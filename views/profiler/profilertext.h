// SPDX-License-Identifier: MIT
#pragma once

#include "views/profiler/profilersnapshot.h"

#include <QStringList>

namespace loupe::views {

// The dock's gauge lines, the same in both views: device memory in use and peak, GPU utilisation and
// memory from NVML (or "NVML not available" and why), and how many jobs and device requests wait.
QStringList gaugeLines(const ProfilerSnapshot& s);

} // namespace loupe::views
