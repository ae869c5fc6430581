// SPDX-License-Identifier: MIT
#pragma once

#include "views/profiler/imgui_panels.h"
#include "views/profiler/profilerview.h"

#include <QElapsedTimer>
#include <QOpenGLWidget>
#include <deque>
#include <utility>

struct ImGuiContext;

namespace loupe::views {

// The profiler drawn with Dear ImGui in the widget's OpenGL context. Qt owns the context and the events;
// this feeds the mouse and wheel to ImGui's IO, sets the display size and framebuffer scale from
// devicePixelRatio, and renders ImGui's draw lists with Dear ImGui's OpenGL3 backend. Each widget has
// its own ImGui context, made current around every use. Frames are drawn only when a snapshot arrives
// or the user moves, clicks or scrolls.
class ImGuiProfilerView final : public QOpenGLWidget, public ProfilerView
{
    Q_OBJECT
public:
    explicit ImGuiProfilerView(QWidget* parent = nullptr);
    ~ImGuiProfilerView() override;

    QWidget* widget() override { return this; }
    void setSnapshot(const ProfilerSnapshot& snapshot) override;
    QString kind() const override { return QStringLiteral("imgui"); }
    QStringList shownOps() const override { return m_state.shownOps; }
    QStringList shownTimeline() const override { return m_state.shownTimeline; }
    QRect opsHeaderRect(int column) const override;
    int framesDrawn() const { return m_frames; }

signals:
    // The OpenGL backend could not start (e.g. no GLSL 1.30): the dock falls back to tables.
    void failed(const QString& why);

protected:
    void initializeGL() override;
    void paintGL() override;
    void mouseMoveEvent(QMouseEvent* e) override;
    void mousePressEvent(QMouseEvent* e) override;
    void mouseReleaseEvent(QMouseEvent* e) override;
    void wheelEvent(QWheelEvent* e) override;
    void leaveEvent(QEvent* e) override;

private:
    void releaseRenderer(); // ImGui's OpenGL objects, while their context is still current-able
    void mouseButton(QMouseEvent* e, bool down);
    void redrawAfterInput();

    ImGuiContext* m_context = nullptr;
    bool m_ready = false;
    int m_frames = 0;
    float m_fontScale = 1;                             // the device pixel ratio the font atlas was built for
    std::deque<std::pair<int, bool>> m_pendingButtons; // (button, down), applied one per frame
    QElapsedTimer m_clock;
    ProfilerSnapshot m_snapshot;
    ImGuiPanelState m_state;
};

} // namespace loupe::views
