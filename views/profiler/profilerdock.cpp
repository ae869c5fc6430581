// SPDX-License-Identifier: MIT
#include "views/profiler/profilerdock.h"

#include "core/jobs/jobtracker.h"
#include "views/profiler/tableprofilerview.h"

#if LOUPE_HAVE_IMGUI
#include "views/profiler/imgui_profilerview.h"

#include <QOffscreenSurface>
#include <QOpenGLContext>
#endif

#include <QVBoxLayout>

namespace loupe::views {

ProfilerDock::ProfilerDock(QWidget* parent) : QWidget(parent), m_layout(new QVBoxLayout(this))
{
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_timer.setInterval(250);
    connect(&m_timer, &QTimer::timeout, this, &ProfilerDock::refresh);
}

ProfilerDock::~ProfilerDock()
{
    setActive(false);
}

void ProfilerDock::setJobTracker(core::JobTracker* jobs)
{
    m_jobs = jobs;
}

bool ProfilerDock::imguiUsable(QString* why)
{
#if LOUPE_HAVE_IMGUI
    if (qEnvironmentVariableIntValue("LOUPE_PROFILER_TABLES") != 0) {
        if (why) *why = tr("Dear ImGui view switched off by LOUPE_PROFILER_TABLES");
        return false;
    }
    // The same check QOpenGLWidget would fail later, made up front so the dock can choose tables.
    QOpenGLContext context;
    QOffscreenSurface surface;
    surface.setFormat(context.format());
    surface.create();
    if (!context.create() || !surface.isValid() || !context.makeCurrent(&surface)) {
        if (why) *why = tr("OpenGL is not available on this display");
        return false;
    }
    const QSurfaceFormat f = context.format();
    context.doneCurrent();
    if (context.isOpenGLES() || f.majorVersion() < 3) {
        if (why)
            *why = tr("OpenGL %1.%2 is older than the 3.0 Dear ImGui needs")
                       .arg(f.majorVersion())
                       .arg(f.minorVersion());
        return false;
    }
    return true;
#else
    if (why) *why = tr("Built without Dear ImGui (libimgui-dev)");
    return false;
#endif
}

void ProfilerDock::createView()
{
    QString why;
#if LOUPE_HAVE_IMGUI
    if (imguiUsable(&why)) {
        auto* v = new ImGuiProfilerView(this);
        connect(v, &ImGuiProfilerView::failed, this, [this](const QString& reason) { useTables(reason); });
        m_view = v;
        m_layout->addWidget(v);
        v->show(); // a child added to a visible parent is otherwise shown only by a queued call
        return;
    }
#endif
    useTables(why);
}

void ProfilerDock::useTables(const QString& note)
{
    if (m_view) {
        QWidget* old = m_view->widget();
        m_layout->removeWidget(old);
        old->deleteLater();
    }
    auto* tables = new TableProfilerView(note.isEmpty() ? QString() : note + tr(": showing tables."), this);
    m_view = tables;
    m_layout->addWidget(tables);
    tables->show();
    tables->setSnapshot(m_snapshot);
}

void ProfilerDock::setActive(bool active)
{
    if (active == m_active) return;
    m_active = active;
    if (active) {
        m_profilerWasOn = compute::Profiler::enabled(); // LOUPE_PROFILE_OPS=1 keeps it on when hidden
        compute::Profiler::setEnabled(true);
        if (!m_view) createView();
        refresh();
        m_timer.start();
    } else {
        m_timer.stop();
        compute::Profiler::setEnabled(m_profilerWasOn);
    }
}

void ProfilerDock::refresh()
{
    const uint64_t generation = compute::Profiler::generation();
    if (generation == m_snapshot.generation && !m_snapshot.backends.empty()) {
        // No new run: only the live gauges move, and the runs need not be copied again.
        ProfilerSnapshot gauges = takeProfilerSnapshot(m_jobs, /*withRuns=*/false);
        gauges.backends = std::move(m_snapshot.backends);
        m_snapshot = std::move(gauges);
    } else {
        m_snapshot = takeProfilerSnapshot(m_jobs, /*withRuns=*/true);
    }
    if (m_view) m_view->setSnapshot(m_snapshot);
}

} // namespace loupe::views
