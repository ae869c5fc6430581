// SPDX-License-Identifier: MIT
#pragma once

#include "views/dataset/assetsource.h"

namespace loupe::views {

// The browser's AssetSource over a project file: its own read-only connection (core::AssetQuery),
// opened on the worker thread on first use. Rows carry the done flag and the annotations' counts per
// review state; the filter's review, done and needs-fix fields become SQL conditions.
AssetSourceFactory projectAssetSourceFactory(const QString& projectPath);

// The names the browser shows for an image's review state, and back (-1 for "any" / unknown).
QString assetReviewStateName(int state);
int assetReviewStateFromName(const QString& name);

} // namespace loupe::views
