// SPDX-License-Identifier: MIT
#pragma once

#include "views/profiler/profilersnapshot.h"

#include <QRectF>
#include <QStringList>

namespace loupe::views {

// What the ImGui panels remember between frames, and what the last frame drew (for tests).
struct ImGuiPanelState
{
    QStringList shownOps;
    QStringList shownTimeline;
    QRectF opsHeaders[5]; // the per-op table's column headers, in ImGui (logical pixel) coordinates
};

// Draws one frame of the profiler into the current ImGui context, filling the display: gauges, then a
// tab per backend with the last run's timeline and the sortable per-op and per-layer tables.
void drawProfilerPanels(const ProfilerSnapshot& snapshot, ImGuiPanelState& state);

} // namespace loupe::views
