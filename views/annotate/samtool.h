// SPDX-License-Identifier: MIT
#pragma once

#include "core/inference/segmenter.h"
#include "views/annotate/annotatetool.h"

#include <QFutureWatcher>
#include <memory>
#include <optional>

namespace loupe::core {
class Project;
}

namespace loupe::views {

// Click-to-mask: left click adds a positive point, right or Alt click a negative one, a drag gives a
// box. Each change asks the Segmenter (SAM, or GrabCut without a model) for a mask on a worker thread;
// only the latest request's answer is shown, so painting never waits. With SAM the mask also follows
// the cursor before the first click. Enter adds the mask as a polygon of the current label (outline
// simplified at tolerance(), [ ] to change), Shift+Enter as a mask, T turns the box into a tight
// rectangle around the object, Esc clears the prompt.
class SamTool : public AnnotateTool
{
    Q_OBJECT
public:
    explicit SamTool(ShapeScene* scene, QObject* parent = nullptr);
    ~SamTool() override;

    // The SAM checkpoint folder to use (empty: GrabCut). False, with a status message, when it cannot be
    // opened; the tool then falls back to GrabCut.
    bool setModelFolder(const QString& folder);
    // The first model of architecture SamModel the project registered, or empty.
    static QString samModelFolder(const core::Project& project);
    std::shared_ptr<core::Segmenter> segmenter() const { return m_segmenter; }
    // "SAM" or "GrabCut (fallback: no SAM model)".
    QString engineText() const;

    double tolerance() const { return m_tolerance; }
    void setTolerance(double imagePixels);

    QCursor cursor() const override { return Qt::CrossCursor; }
    QString hint() const override;
    void activate(ImageCanvas* canvas) override;
    void cancel() override;
    bool mousePressed(const CanvasMouseEvent& e) override;
    bool mouseMoved(const CanvasMouseEvent& e) override;
    bool mouseReleased(const CanvasMouseEvent& e) override;
    bool keyPressed(const CanvasKeyEvent& e) override;
    void paintOverlay(QPainter& painter, const ViewTransform& view) override;

    // Adds the current prompt's mask as a polygon (or a mask): one undo step. False when nothing came out.
    bool accept(bool asMask);
    // Replaces the dragged box by the bounding rectangle of the object inside it, as a rectangle shape.
    bool tightenBox();
    const core::SegmentPrompt& prompt() const { return m_prompt; }
    // The mask shown now (may be for the hovered point rather than the clicks).
    const core::SegmentResult& preview() const { return m_preview; }

signals:
    void previewChanged();

private:
    void request(const core::SegmentPrompt& prompt, bool hover);
    void startNext();
    void delivered();
    void showPreview(const core::SegmentResult& result, bool hover);
    core::SegmentResult maskForPrompt();

    std::shared_ptr<core::Segmenter> m_segmenter;
    core::SegmentPrompt m_prompt;
    double m_tolerance = 1.0;
    bool m_dragging = false;
    QPointF m_dragStart, m_dragNow;
    // Requests: one runs at a time, a newer one waits in m_next and replaces any older waiting one.
    int m_lastId = 0;
    bool m_running = false;
    struct Pending
    {
        core::SegmentPrompt prompt;
        bool hover = false;
        int id = 0;
    };
    std::optional<Pending> m_next;
    QFutureWatcher<core::SegmentResult>* m_watcher = nullptr;
    Pending m_runningRequest;
    core::SegmentResult m_preview;
    int m_previewId = 0;
    bool m_previewIsHover = false;
    int m_clickId = 0; // the request made for the current clicks
    core::SegmentResult m_clickResult;
    int m_clickResultId = -1;
    QImage m_tint; // the preview mask coloured for painting
};

} // namespace loupe::views
