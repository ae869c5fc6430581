// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QPoint>

namespace loupe::views {

// Zoom policy of the canvas: the preset ladder for +/- keys and menus, the wheel step and the limits.
// Zoom values are device pixels per image pixel (1.0 = 100%).
class Zoomable
{
public:
    static const QList<double>& presets();
    static constexpr double kMinZoom = 1.0 / 128;
    static constexpr double kMaxZoom = 128.0;

    static double clamp(double zoom);
    // The next preset strictly above / below the current zoom.
    static double zoomIn(double zoom);
    static double zoomOut(double zoom);
    // Continuous zoom from a wheel event: one notch (120 units) is a factor of 1.25, and
    // high-resolution wheels giving fractions of a notch zoom proportionally.
    static double wheel(double zoom, QPoint angleDelta);
    // "25%", "100%", "1600%", "6.3%".
    static QString toText(double zoom);
};

} // namespace loupe::views
