// SPDX-License-Identifier: MIT
#pragma once

#include <QPointer>
#include <QWidget>

class QListWidget;
class QLabel;

namespace loupe::core {
class JobHandle;
class JobTracker;
class Project;
struct HubDownloadOptions;
struct HubDownloadResult;
class HubDownloadTask;
} // namespace loupe::core

namespace loupe::views {

class ModelEngineForm;

// The Models dock: the project's registered checkpoint folders and the snapshots found in the
// Hugging Face cache, in one list; "Register folder…" checks a folder (architecture, weights) and
// stores it in the project; "Download from Hub…" fetches a checkpoint into the cache as a job and
// registers it when it arrives. Selecting an entry announces its folder (the Classify panel follows it).
class ModelsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ModelsPanel(QWidget* parent = nullptr);

    // nullptr when no project is open (registered models are then unavailable).
    void setProject(core::Project* project);
    // Download jobs report here (the Jobs dock); without one the panel keeps its own.
    void setJobTracker(core::JobTracker* tracker);
    // Starts downloading a checkpoint into the cache this panel scans (unless options.toDir says
    // otherwise); when it succeeds the folder is registered in the project (or only listed without one).
    core::JobHandle* downloadFromHub(const core::HubDownloadOptions& options);
    // The same as a task that can be paused (the partial file is kept) and resumed with a Range
    // request; owned by the panel, started already.
    core::HubDownloadTask* startDownloadTask(const core::HubDownloadOptions& options);
    // Re-reads the project's models and scans `cacheDir` (default: the user's HF hub cache).
    void refresh(const QString& cacheDir = {});
    // Registers `folder` in the project; empty on success, else why not (also shown in the panel).
    QString registerFolder(const QString& folder);
    QString selectedFolder() const;
    bool selectFolder(const QString& folder);
    QListWidget* list() const { return m_list; }
    // The selected model's backend and precision.
    ModelEngineForm* engineForm() const { return m_engine; }

signals:
    void modelSelected(const QString& folder);
    // A download ended; `error` is empty when its folder was registered (or listed).
    void hubDownloadFinished(const QString& folder, const QString& error);

private:
    void registerFolderDialog();
    void downloadDialog();
    core::HubDownloadOptions withDefaults(const core::HubDownloadOptions& options);
    void downloadEnded(const QString& repo, const core::HubDownloadResult& result);

    QPointer<core::Project> m_project;
    QPointer<core::JobTracker> m_tracker;
    QListWidget* m_list = nullptr;
    ModelEngineForm* m_engine = nullptr;
    QLabel* m_message = nullptr;
    QString m_cacheDir;
};

} // namespace loupe::views
