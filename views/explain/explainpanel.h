// SPDX-License-Identifier: MIT
#pragma once

#include "core/explain/explain_record.h"
#include "views/explain/explainjob.h"

#include <QFutureWatcher>
#include <QHash>
#include <QPointer>
#include <QWidget>
#include <atomic>
#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QScrollArea;
class QSlider;
class QTabWidget;

namespace loupe::core {
class JobHandle;
class JobTracker;
class Project;
} // namespace loupe::core

namespace loupe::views {

class CompareView;
class FaithfulnessChart;
class HeadGrid;
class HeadImportanceChart;
class HeatMapLayer;
class ImageCanvas;
class MethodForm;
class PatchProbeTool;
class TargetPicker;

// The Explain panel: why did the model say that about this image. For the current image and model it
// runs one forward pass in the background and keeps its attention probabilities, so attention and
// rollout follow every slider (and a clicked patch) without running the model again; gradient and
// perturbation methods run as a cancellable background job with progress. The map is drawn on the
// canvas as a HeatMapLayer. Every explicit run is stored in the project (kind "explain") with its
// provenance, and the stored ones for the image are listed and shown without recomputing.
class ExplainPanel : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kCachedForwards = 8;
    static constexpr int kMinimumHeight = 300; // below this the controls scroll
    explicit ExplainPanel(ImageCanvas* canvas, QWidget* parent = nullptr);
    ~ExplainPanel() override;

    void setProject(core::Project* project);
    // Explanations (not the quick first forward) also show in the window's Jobs dock and can be
    // cancelled there.
    void setJobTracker(core::JobTracker* jobs) { m_jobs = jobs; }
    void setModelFolder(const QString& folder);
    void setAsset(qint64 assetId);
    // While inactive (its dock hidden) the panel still shows stored explanations but runs no model.
    void setActive(bool active);

    // The forward pass of the current (image, model) is cached: targets and attention maps are ready.
    bool isReady() const { return bool(m_forward); }
    // An explanation or the forward pass of the current image is running.
    bool isRunning() const { return m_watcher.isRunning() || m_prepare.isRunning(); }
    bool isExplaining() const { return m_watcher.isRunning(); }
    // Starts a run of the selected method for the selected target; false (with lastError()) when
    // there is no project, image or model, or a job is running.
    bool explain();
    void cancel();
    void setCurvesEnabled(bool on);

    bool hasShown() const { return m_hasShown; }
    const core::Explanation& shown() const { return m_shown; }
    bool shownIsStored() const { return m_hasShown && m_shown.runId > 0; }
    const QVector<core::Explanation>& stored() const { return m_stored; }
    bool showStored(qint64 runId);
    // Picks the patch under an image point as the attention token (what the probe tool does).
    void probeAt(QPointF imagePos);
    void pinComparison();
    // BASE.png, BASE.grey.png, BASE.npy of the shown map (see exportExplanation).
    QStringList exportShown(const QString& basePath, QString* error);

    QString lastError() const { return m_lastError; }
    QString caption() const;
    // As wide as the controls need (the dock never scrolls sideways and cuts a button), short enough for a
    // laptop window: the controls scroll vertically below that, the tabs keeping their height.
    QSize minimumSizeHint() const override;
    MethodForm* methodForm() const { return m_form; }
    TargetPicker* targetPicker() const { return m_targets; }
    HeatMapLayer* layer() const { return m_layer; }
    HeadGrid* headGrid() const { return m_heads; }
    HeadImportanceChart* headChart() const { return m_headChart; }
    FaithfulnessChart* curvesChart() const { return m_curves; }
    CompareView* compareView() const { return m_compare; }
    QListWidget* storedList() const { return m_storedList; }
    QComboBox* modelBox() const { return m_models; }

signals:
    void ready(bool ok);    // a Prepare job ended (ok false: lastError() says why)
    void finished(bool ok); // an explain run ended (ok false: failed or cancelled)
    void shownChanged();
    void progressChanged(int done, int total);
    void statusMessage(const QString& text); // hover values for the status bar

private:
    QWidget* buildControls();
    QWidget* buildTabs();
    // The model as the Models panel has it set up (folder, backend, precision).
    compute::EngineOptions engine() const;
    QString sessionKey() const { return modelKey(m_folder, engine()); }
    QString cacheKey() const { return sessionKey() + QLatin1Char('\n') + m_imagePath; }
    void syncForward();
    void startJob(ExplainRequest request);
    void startPrepare(ExplainRequest request);
    void keepOutcome(const ExplainOutcome& out);
    void onJobFinished();
    void onPrepareFinished();
    QString overlayCaption(const core::Explanation& e) const;
    QString targetName(int target) const;
    void onForwardReady();
    void restoreLayer();
    void onFormChanged();
    void recomputeLive();
    void refreshModels();
    void refreshStored();
    void show(const core::Explanation& e);
    void clearShown(const QString& caption);
    void setCaption(const QString& text);
    void setBusy(bool busy, const QString& what = {});
    QImage overlayPreview(const core::Explanation& e) const;

    QPointer<core::Project> m_project;
    QPointer<ImageCanvas> m_canvas;
    qint64 m_assetId = -1;
    bool m_active = true;
    QString m_imagePath;
    QString m_folder;

    // Opened models (by sessionKey), their hashes (by folder) and recent forwards, so nothing is loaded,
    // hashed or run twice.
    QHash<QString, std::shared_ptr<const core::VitSession>> m_sessions;
    QHash<QString, QString> m_hashes;
    QHash<QString, std::shared_ptr<const core::CachedForward>> m_forwards;
    QHash<QString, QImage> m_previews;
    QStringList m_forwardOrder; // oldest first
    QString m_failedKey;        // a Prepare that failed is not retried until the selection is made again
    std::shared_ptr<const core::CachedForward> m_forward;

    QFutureWatcher<ExplainOutcome> m_watcher; // explanations
    // The forward pass of the selected image runs beside an explanation, so the targets follow the image
    // at once instead of after a long run.
    QFutureWatcher<ExplainOutcome> m_prepare;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    core::JobTracker* m_jobs = nullptr;
    QPointer<core::JobHandle> m_handle;
    qint64 m_jobAsset = -1;

    core::Explanation m_shown;
    bool m_hasShown = false;
    QVector<core::Explanation> m_stored;
    QString m_lastError;

    HeatMapLayer* m_layer = nullptr;
    PatchProbeTool* m_probe = nullptr;
    QComboBox* m_models = nullptr;
    TargetPicker* m_targets = nullptr;
    MethodForm* m_form = nullptr;
    QComboBox* m_colormap = nullptr;
    QSlider* m_opacity = nullptr;
    QSlider* m_threshold = nullptr;
    QCheckBox* m_overlayVisible = nullptr;
    QCheckBox* m_curvesEnabled = nullptr;
    QPushButton* m_explainButton = nullptr;
    QPushButton* m_cancelButton = nullptr;
    QPushButton* m_probeButton = nullptr;
    QPushButton* m_exportButton = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_caption = nullptr;
    QTabWidget* m_tabs = nullptr;
    HeadGrid* m_heads = nullptr;
    HeadImportanceChart* m_headChart = nullptr;
    FaithfulnessChart* m_curves = nullptr;
    CompareView* m_compare = nullptr;
    QListWidget* m_storedList = nullptr;
    QScrollArea* m_scroll = nullptr;
};

} // namespace loupe::views
