// SPDX-License-Identifier: MIT
#pragma once

#include "core/models/hub_download.h"

#include <functional>

namespace loupe::core {

class JobHandle;
class JobTracker;

// Runs downloadFromHub on a worker thread as a job of `tracker` (progress in KiB). Cancelling the job
// stops the transfer and keeps what arrived: starting the same download again resumes it, so cancel
// doubles as pause. `onDone` runs on the tracker's thread with the result.
JobHandle* startHubDownload(JobTracker& tracker, const HubDownloadOptions& options,
                            std::function<void(const HubDownloadResult&)> onDone = {});

} // namespace loupe::core
