// SPDX-License-Identifier: MIT
#pragma once

#include <QRgb>
#include <QStringList>
#include <array>
#include <optional>

namespace loupe::views {

// The heat-map colour tables: perceptually uniform viridis (default) and inferno, the classic jet, and
// gray (the value itself, for export and for colour-blind reading).
enum class Colormap { Viridis, Inferno, Jet, Gray };

QStringList colormapNames(); // in enum order: viridis, inferno, jet, gray
QString colormapName(Colormap map);
std::optional<Colormap> colormapFromName(const QString& name); // case-insensitive

// 256 entries, opaque.
const std::array<QRgb, 256>& colormapTable(Colormap map);
// Table index of a normalised value t ∈ [0, 1] (clamped).
int colormapIndex(float t);
QRgb colormapColor(Colormap map, float t);

} // namespace loupe::views
