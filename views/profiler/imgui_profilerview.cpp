// SPDX-License-Identifier: MIT
#include "views/profiler/imgui_profilerview.h"

#include <QFileInfo>
#include <QMouseEvent>
#include <QOpenGLContext>
#include <QOpenGLFunctions>
#include <QTimer>
#include <QWheelEvent>
#include <algorithm>
#include <backends/imgui_impl_opengl3.h>
#include <cfloat>
#include <imgui.h>

namespace loupe::views {

namespace {

// ImGui keeps one current context per process; every entry point makes ours current first.
class ContextScope
{
public:
    explicit ContextScope(ImGuiContext* c) : m_previous(ImGui::GetCurrentContext())
    {
        ImGui::SetCurrentContext(c);
    }
    ~ContextScope() { ImGui::SetCurrentContext(m_previous); }

private:
    ImGuiContext* m_previous;
};

// The atlas is rasterised at the device pixel ratio and drawn scaled back, so text stays sharp on HiDPI
// screens instead of being a magnified 13-pixel bitmap. DejaVu (fonts-dejavu-core) where installed,
// ImGui's built-in font otherwise.
void buildFonts(float dpr)
{
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    ImFont* font = nullptr;
    for (const char* path :
         {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans.ttf"})
        if (!font && QFileInfo::exists(QString::fromLatin1(path)))
            font = io.Fonts->AddFontFromFileTTF(path, 14.0f * dpr);
    if (!font) {
        ImFontConfig config;
        config.SizePixels = 13.0f * dpr;
        io.Fonts->AddFontDefault(&config);
    }
    io.FontGlobalScale = 1.0f / dpr;
}

} // namespace

ImGuiProfilerView::ImGuiProfilerView(QWidget* parent) : QOpenGLWidget(parent)
{
    setMouseTracking(true); // hover tooltips on the timeline
    setMinimumSize(320, 240);
    m_context = ImGui::CreateContext();
    ContextScope scope(m_context);
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr; // the dock's layout is Qt's business
    io.LogFilename = nullptr;
    ImGui::StyleColorsDark();
    m_clock.start();
}

ImGuiProfilerView::~ImGuiProfilerView()
{
    releaseRenderer();
    ImGui::DestroyContext(m_context);
}

void ImGuiProfilerView::releaseRenderer()
{
    if (!m_ready) return;
    m_ready = false;
    makeCurrent();
    {
        ContextScope scope(m_context);
        ImGui_ImplOpenGL3_Shutdown();
    }
    doneCurrent();
}

void ImGuiProfilerView::setSnapshot(const ProfilerSnapshot& snapshot)
{
    m_snapshot = snapshot;
    update();
}

QRect ImGuiProfilerView::opsHeaderRect(int column) const
{
    return column >= 0 && column < 5 ? m_state.opsHeaders[column].toAlignedRect() : QRect();
}

void ImGuiProfilerView::initializeGL()
{
    // Floating or re-docking the dock moves the widget to another window, whose new OpenGL context calls
    // this again: the renderer's objects die with the old context, so it is shut down first.
    connect(context(), &QOpenGLContext::aboutToBeDestroyed, this, &ImGuiProfilerView::releaseRenderer,
            Qt::UniqueConnection);
    ContextScope scope(m_context);
    const QSurfaceFormat f = context()->format();
    const bool glsl130 = !context()->isOpenGLES() &&
                         (f.majorVersion() > 3 || (f.majorVersion() == 3 && f.minorVersion() >= 0));
    m_fontScale = float(devicePixelRatioF());
    buildFonts(m_fontScale);
    m_ready = glsl130 && ImGui_ImplOpenGL3_Init("#version 130");
    if (!m_ready) {
        const QString why = tr("OpenGL %1.%2%3 cannot run Dear ImGui's OpenGL 3 renderer")
                                .arg(f.majorVersion())
                                .arg(f.minorVersion())
                                .arg(context()->isOpenGLES() ? QStringLiteral(" ES") : QString());
        QTimer::singleShot(0, this, [this, why] { emit failed(why); });
    }
}

void ImGuiProfilerView::paintGL()
{
    QOpenGLFunctions* gl = context()->functions();
    gl->glClearColor(0.12f, 0.12f, 0.14f, 1.0f);
    gl->glClear(GL_COLOR_BUFFER_BIT);
    if (!m_ready) return;
    ContextScope scope(m_context);
    ImGuiIO& io = ImGui::GetIO();
    const float dpr = float(devicePixelRatioF());
    if (dpr != m_fontScale) { // moved to a screen of another scale
        m_fontScale = dpr;
        buildFonts(dpr);
        ImGui_ImplOpenGL3_DestroyFontsTexture();
        ImGui_ImplOpenGL3_CreateFontsTexture();
    }
    io.DisplaySize = ImVec2(float(width()), float(height()));
    io.DisplayFramebufferScale = ImVec2(dpr, dpr);
    io.DeltaTime = std::max(1e-4f, float(m_clock.restart()) / 1000.0f);
    // ImGui reads button state once per frame: a press and its release queued before one frame would
    // cancel out, so each frame takes one transition and asks for another frame while any remain.
    if (!m_pendingButtons.empty()) {
        io.MouseDown[m_pendingButtons.front().first] = m_pendingButtons.front().second;
        m_pendingButtons.pop_front();
        if (!m_pendingButtons.empty()) QTimer::singleShot(0, this, qOverload<>(&QWidget::update));
    }
    ImGui_ImplOpenGL3_NewFrame();
    ImGui::NewFrame();
    drawProfilerPanels(m_snapshot, m_state);
    ImGui::Render();
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    io.MouseWheel = io.MouseWheelH = 0; // consumed by this frame
    ++m_frames;
}

void ImGuiProfilerView::mouseMoveEvent(QMouseEvent* e)
{
    ContextScope scope(m_context);
    ImGui::GetIO().MousePos = ImVec2(float(e->position().x()), float(e->position().y()));
    redrawAfterInput();
}

void ImGuiProfilerView::mouseButton(QMouseEvent* e, bool down)
{
    int button = -1;
    switch (e->button()) {
    case Qt::LeftButton:
        button = 0;
        break;
    case Qt::RightButton:
        button = 1;
        break;
    case Qt::MiddleButton:
        button = 2;
        break;
    default:
        return;
    }
    ContextScope scope(m_context);
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(float(e->position().x()), float(e->position().y()));
    m_pendingButtons.emplace_back(button, down);
    redrawAfterInput();
}

void ImGuiProfilerView::mousePressEvent(QMouseEvent* e)
{
    mouseButton(e, true);
}

void ImGuiProfilerView::mouseReleaseEvent(QMouseEvent* e)
{
    mouseButton(e, false);
}

void ImGuiProfilerView::wheelEvent(QWheelEvent* e)
{
    ContextScope scope(m_context);
    ImGuiIO& io = ImGui::GetIO();
    // One notch (120 eighths of a degree) is one ImGui wheel step.
    io.MouseWheel += float(e->angleDelta().y()) / 120.0f;
    io.MouseWheelH += float(e->angleDelta().x()) / 120.0f;
    redrawAfterInput();
}

void ImGuiProfilerView::leaveEvent(QEvent*)
{
    ContextScope scope(m_context);
    ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    redrawAfterInput();
}

void ImGuiProfilerView::redrawAfterInput()
{
    // ImGui settles a click over two frames (press, then the widget's response): draw a second one.
    update();
    QTimer::singleShot(30, this, qOverload<>(&QWidget::update));
}

} // namespace loupe::views
