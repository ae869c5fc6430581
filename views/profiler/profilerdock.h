// SPDX-License-Identifier: MIT
#pragma once

#include "views/profiler/profilersnapshot.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>

class QVBoxLayout;

namespace loupe::core {
class JobTracker;
}

namespace loupe::views {

class ProfilerView;

// The Engine Profiler dock's content: per-op and per-layer timings of the last runs on each backend, the
// last run's timeline, device memory, GPU utilisation from NVML and the worker queues. While active
// (the dock visible) it turns the engine's profiler on and refreshes about four times a second; while
// hidden it has no timer, no OpenGL context and the profiler is off, so it costs nothing.
//
// Drawn with Dear ImGui in a QOpenGLWidget when imgui was built in and OpenGL 3 works here; otherwise
// (or with LOUPE_PROFILER_TABLES=1) with Qt tables, saying why.
class ProfilerDock : public QWidget
{
    Q_OBJECT
public:
    explicit ProfilerDock(QWidget* parent = nullptr);
    ~ProfilerDock() override;

    void setJobTracker(core::JobTracker* jobs); // its running jobs show as the queue
    bool isActive() const { return m_active; }
    ProfilerView* view() const { return m_view; } // nullptr until first activated
    const ProfilerSnapshot& snapshot() const { return m_snapshot; }

    // Whether the ImGui view can run in this process, and if not why (built without imgui, no OpenGL 3).
    static bool imguiUsable(QString* why);

public slots:
    void setActive(bool active);
    void refresh(); // takes a snapshot now

private:
    void createView();
    void useTables(const QString& note);

    QPointer<core::JobTracker> m_jobs;
    QVBoxLayout* m_layout;
    ProfilerView* m_view = nullptr;
    QTimer m_timer;
    bool m_active = false;
    bool m_profilerWasOn = false;
    ProfilerSnapshot m_snapshot;
};

} // namespace loupe::views
