// SPDX-License-Identifier: MIT
#pragma once

#include "core/inference/classifier.h"

#include <QFutureWatcher>
#include <QHash>
#include <QPointer>
#include <QWidget>
#include <memory>

class QLabel;
class QProgressBar;
class QPushButton;
class QGridLayout;

namespace loupe::core {
class Project;
} // namespace loupe::core

namespace loupe::views {

// The Classify panel: runs the selected model on the current image as a background job (decode,
// preprocess, forward pass and checkpoint hashing all off the GUI thread), shows the top-k classes
// with probability bars, and stores each run in the project with its provenance so reopening the
// image shows its last result.
class ClassifyPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ClassifyPanel(QWidget* parent = nullptr);
    ~ClassifyPanel() override;

    void setProject(core::Project* project);
    // The project's first registered model until another is chosen.
    void setModelFolder(const QString& folder);
    QString modelFolder() const { return m_folder; }
    // Shows the asset's last stored classification, if any.
    void setAsset(qint64 assetId);
    void setTopK(int k) { m_topk = k; }

    // Starts a run; false (with lastError()) when there is no project, asset or model, or one is running.
    bool run();
    bool isRunning() const { return m_watcher.isRunning(); }
    QString lastError() const { return m_lastError; }
    // What the panel shows: the last run's (or the stored) result.
    const core::Classification& shown() const { return m_shown; }

signals:
    // After a run: ok false with lastError() set when it failed.
    void finished(bool ok);

private:
    struct Outcome
    {
        qint64 assetId = 0;
        QString folder;
        QString checkpointHash;
        QString classifierKey; // folder and engine options
        std::shared_ptr<const core::ImageClassifier> classifier;
        core::Classification result;
        compute::ExecutionRecord execution;
        QString error;
    };
    void onFinished();
    void show(const core::Classification& result, const QString& caption);
    void setBusy(bool busy);

    QPointer<core::Project> m_project;
    QString m_folder;
    qint64 m_assetId = -1;
    int m_topk = 5;
    // Opened models (by folder and the backend and precision chosen for it in the Models panel) and their
    // hashes (by folder), kept so a second run does not reload or re-hash the weights.
    QHash<QString, std::shared_ptr<const core::ImageClassifier>> m_classifiers;
    QHash<QString, QString> m_hashes;
    QFutureWatcher<Outcome> m_watcher;
    core::Classification m_shown;
    QString m_lastError;

    QLabel* m_caption = nullptr;
    QPushButton* m_runButton = nullptr;
    QProgressBar* m_busy = nullptr;
    QGridLayout* m_rows = nullptr;
};

} // namespace loupe::views
