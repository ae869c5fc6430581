// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/formats/formats.h"

#include <functional>

namespace loupe::views {

// Writes `data` to outDir without ever leaving it half-written: the format writes into a staging folder
// beside outDir, and only when the whole export succeeded are its files moved in (same-named files are
// replaced, others kept). On failure, or when `cancelled` says so before the move, outDir is as it was
// and the staging folder is removed.
bool exportStaged(annotation::Format format, const annotation::Dataset& data, const QString& outDir,
                  const annotation::ExportOptions& options, annotation::FormatReport& report,
                  const std::function<bool()>& cancelled = {});

// What an export would drop or convert, written to a temporary folder (images not copied) and thrown away.
bool exportDryRun(annotation::Format format, const annotation::Dataset& data,
                  const annotation::ExportOptions& options, annotation::FormatReport& report);

// True when `dir` exists and holds anything, so writing there could replace a user's files.
bool folderHasEntries(const QString& dir);

} // namespace loupe::views
