// SPDX-License-Identifier: MIT
#pragma once

#include "views/profiler/profilersnapshot.h"

#include <QRect>
#include <QStringList>

class QWidget;

namespace loupe::views {

// One way of drawing the Engine Profiler: Dear ImGui in a QOpenGLWidget, or Qt tables where OpenGL or
// imgui is missing. The dock owns one and feeds it snapshots.
class ProfilerView
{
public:
    virtual ~ProfilerView() = default;
    virtual QWidget* widget() = 0;
    virtual void setSnapshot(const ProfilerSnapshot& snapshot) = 0;
    virtual QString kind() const = 0; // "imgui" or "tables"
    // The op names of the per-op table as last drawn (tests read what a user sees).
    virtual QStringList shownOps() const = 0;
    // The node names of the timeline as last drawn.
    virtual QStringList shownTimeline() const = 0;
    // Where the per-op table's header of `column` (0 name, 1 ms/run, 2 %, 3 nodes, 4 max ms) was drawn,
    // in widget() coordinates; clicking it sorts by that column.
    virtual QRect opsHeaderRect(int column) const = 0;
};

} // namespace loupe::views
