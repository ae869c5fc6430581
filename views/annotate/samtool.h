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
// the cursor before the first click. Enter adds the mask as the chosen output (a polygon of the current
// label, outline simplified at tolerance(), [ ] to change, or a mask), Shift+Enter as the other one,
// T turns the box into a tight rectangle around the object, Esc clears the prompt. The SAM checkpoint
// loads on a worker too: meanwhile the tool says so and keeps the clicks for when it is there, and an
// Enter or T pressed before a mask has arrived is carried out when it does. Tolerance and output are
// remembered in the settings.
class SamTool : public AnnotateTool
{
    Q_OBJECT
public:
    enum class Output { Polygon, Mask };

    explicit SamTool(ShapeScene* scene, QObject* parent = nullptr);
    ~SamTool() override;

    // Loads the SAM checkpoint folder on a worker thread (empty: GrabCut at once); modelLoaded follows.
    // A folder that cannot be opened leaves GrabCut answering, and the status bar says why.
    void setModelFolder(const QString& folder);
    QString modelFolder() const { return m_modelFolder; }
    bool isLoadingModel() const { return m_loading; }
    // The first model of architecture SamModel the project registered, or empty.
    static QString samModelFolder(const core::Project& project);
    std::shared_ptr<core::Segmenter> segmenter() const { return m_segmenter; }
    // "SAM", "Loading SAM…" or "GrabCut (fallback: no SAM model)".
    QString engineText() const;

    double tolerance() const { return m_tolerance; }
    void setTolerance(double imagePixels);
    Output output() const { return m_output; }
    void setOutput(Output output);

    QCursor cursor() const override { return Qt::CrossCursor; }
    QString hint() const override;
    void activate(ImageCanvas* canvas) override;
    void deactivate() override;
    void cancel() override;
    bool mousePressed(const CanvasMouseEvent& e) override;
    bool mouseMoved(const CanvasMouseEvent& e) override;
    bool mouseReleased(const CanvasMouseEvent& e) override;
    bool keyPressed(const CanvasKeyEvent& e) override;
    void paintOverlay(QPainter& painter, const ViewTransform& view) override;

    // Adds the current prompt's mask as a polygon (or a mask): one undo step, now when the mask is
    // there, else when it arrives. False when there is nothing to accept.
    bool accept(bool asMask);
    // A box to tighten: the dragged one, or else the one selected rectangle.
    bool canTightenBox() const;
    // Replaces that box by the bounding rectangle of the object inside it (a new rectangle for a dragged
    // box, the selected rectangle's geometry otherwise); now or when the mask arrives.
    bool tightenBox();
    const core::SegmentPrompt& prompt() const { return m_prompt; }
    // The mask shown now (may be for the hovered point rather than the clicks).
    const core::SegmentResult& preview() const { return m_preview; }

signals:
    void previewChanged();
    void promptChanged();
    void optionsChanged();
    void activeChanged(bool active);
    // After setModelFolder: ok false (with the reason) when GrabCut answers instead.
    void modelLoaded(bool ok, const QString& error);

private:
    enum class Action { None, Polygon, Mask, Tighten };
    struct Loaded
    {
        int id = 0;
        std::shared_ptr<const core::SamCheckpoint> model;
        QString error;
    };

    void request(const core::SegmentPrompt& prompt, bool hover);
    void startNext();
    void delivered();
    void loadFinished();
    void showPreview(const core::SegmentResult& result, bool hover);
    // Runs `action` on the clicks' mask now, or once it arrives.
    bool perform(Action action);
    bool finish(Action action, const core::SegmentResult& r);
    bool addMask(bool asMask, const core::SegmentResult& r);
    bool tightenTo(const core::SegmentResult& r);
    qint64 selectedRectangle() const;
    void saveOptions() const;

    std::shared_ptr<core::Segmenter> m_segmenter;
    core::SegmentPrompt m_prompt;
    double m_tolerance = 1.0;
    Output m_output = Output::Polygon;
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
    Action m_pendingAction = Action::None; // asked for before the clicks' mask arrived
    qint64 m_tightenShape = 0;             // the selected rectangle being tightened
    QImage m_tint;                         // the preview mask coloured for painting
    QFutureWatcher<Loaded>* m_loadWatcher = nullptr;
    QString m_modelFolder;
    int m_loadId = 0;
    bool m_loading = false;
};

} // namespace loupe::views
