// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace loupe::core {

// Identity of a checkpoint for provenance: SHA-256 (hex) over config.json and every weight file the
// engine reads, in name order, each preceded by its file name and size, so renaming or swapping shards
// changes it too. Reads the files once (about 1 s per GB); on failure returns an empty string and sets
// `error` (naming the file) when given.
QString checkpointHash(const QString& folder, QString* error = nullptr);

} // namespace loupe::core
