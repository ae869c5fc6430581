// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <array>
#include <optional>

namespace loupe::kitti {

// One line of a KITTI object label file (the devkit's readme): type, truncated, occluded, alpha, the 2D
// box (left top right bottom, pixels), dimensions (height width length, m), location (x y z in camera
// coordinates, m), rotation_y and, in result files only, a score.
struct KittiObject
{
    QString type;
    double truncated = 0;
    int occluded = 0;
    double alpha = -10; // the devkit's "unknown"
    double left = 0, top = 0, right = 0, bottom = 0;
    std::array<double, 3> dimensions{-1, -1, -1};
    std::array<double, 3> location{-1000, -1000, -1000};
    double rotationY = -10;
    std::optional<double> score;
};

inline constexpr int kLabelFields = 15; // 16 with a score

// nullopt with *error ("field 5 (left) is not a number: 'x'") when the line is not 15 or 16 fields.
std::optional<KittiObject> parseLine(const QString& line, QString* error);
// The devkit's own layout: two decimals for floats, the score last when there is one.
QString formatLine(const KittiObject& object);

} // namespace loupe::kitti
