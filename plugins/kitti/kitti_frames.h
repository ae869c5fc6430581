// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace loupe::kitti {

// KITTI keeps one flat folder per kind: label_2/<frame>.txt beside image_2/<frame>.png. A Loupe image
// may sit in folders ("day1/cam0/000001.png"), so its frame name is its path without the suffix with
// '/' written as %2F (and '%' as %25, so the rule can be undone): "day1%2Fcam0%2F000001". Writer and
// reader both go through these two functions; a frame name without '%' (every devkit frame) is its own
// path.
QString frameName(const QString& imagePath);
// The image path (without suffix) a frame name stands for.
QString framePath(const QString& frameName);

} // namespace loupe::kitti
