// SPDX-License-Identifier: MIT
#pragma once

#include "views/match/matchengine.h"

#include <QFutureWatcher>
#include <QPointer>
#include <QThreadPool>
#include <QWidget>
#include <atomic>
#include <memory>

class QLabel;
class QListWidget;
class QPushButton;
class QTimer;

namespace loupe::core {
class Project;
} // namespace loupe::core

namespace loupe::views {

class HeatMapLayer;
class ImageCanvas;

// The Match panel: how well each of a list of texts describes the current image, with a CLIP model. The
// texts are an editable list ("From labels" fills "a photo of a {label}" for the project's labels); each
// shows its probability as a bar once matched. Clicking a text puts its heat map (which patches made the
// image match that text) on the canvas through the Explain view's heat-map layer. The model runs on a
// worker thread; a result for an image or texts that changed meanwhile is dropped and the run repeated.
class MatchPanel : public QWidget
{
    Q_OBJECT
public:
    explicit MatchPanel(ImageCanvas* canvas, QWidget* parent = nullptr);
    ~MatchPanel() override;

    // The default runs CLIP through the engine (clipMatchFunction); tests may put another.
    void setMatchFunction(MatchFunction function);
    void setProject(core::Project* project);
    void setModelFolder(const QString& folder);
    QString modelFolder() const { return m_model; }
    // The project's asset (its path from the project), or an image file directly.
    void setAsset(qint64 assetId);
    void setImagePath(const QString& path);
    QString imagePath() const { return m_image; }
    // While active (the dock shown) a new image, model or list of texts is matched at once.
    void setActive(bool active);

    QStringList texts() const;
    void setTexts(const QStringList& texts);
    // "a photo of a {label}" for each of the project's labels.
    void fillFromLabels();
    static QStringList defaultPrompts(const QStringList& labels);

    // Starts a run; false (with lastError()) without a model, image or texts.
    bool match();
    void cancel();
    bool isRunning() const { return m_watcher.isRunning(); }
    // The last finished run, for the shown image and texts (empty after they change).
    const MatchResult& result() const { return m_result; }
    QString lastError() const { return m_error; }
    // Shows text `row`'s heat map on the canvas (and selects it), computing it in the background first
    // when needed (heatmapShown follows); -1 clears the map.
    void showHeatmap(int row);
    int shownHeatmap() const { return m_shown; }

    QListWidget* list() const { return m_list; }
    HeatMapLayer* layer() const { return m_layer; }

signals:
    // A run for the probabilities ended (result() or lastError() tell how).
    void finished();
    void heatmapShown(int row);
    void statusMessage(const QString& text);

private:
    void scheduleRun();
    void start(const MatchRequest& request);
    int textIndexOfRow(int row) const;
    void onFinished();
    void invalidate();
    void addText();
    void removeText();
    void setStatus(const QString& text);

    QPointer<ImageCanvas> m_canvas;
    QPointer<core::Project> m_project;
    HeatMapLayer* m_layer;
    MatchFunction m_function;
    QString m_model;
    QString m_image;
    bool m_active = true;
    QListWidget* m_list;
    QPushButton* m_fromLabels;
    QPushButton* m_add;
    QPushButton* m_remove;
    QPushButton* m_run;
    QLabel* m_modelLabel;
    QLabel* m_status;
    QTimer* m_delay;
    QThreadPool m_pool; // one thread: the matcher keeps its encodings between runs
    QFutureWatcher<MatchResult> m_watcher;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    MatchRequest m_running;
    MatchResult m_result;
    QString m_error;
    int m_shown = -1;
    int m_wanted = -1; // the row whose heat map is being computed to be shown
    bool m_rerun = false;
    bool m_filling = false;
};

} // namespace loupe::views
