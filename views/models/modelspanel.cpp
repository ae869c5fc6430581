// SPDX-License-Identifier: MIT
#include "views/models/modelspanel.h"

#include "core/jobs/jobtracker.h"
#include "core/models/hfcache.h"
#include "core/models/hub_job.h"
#include "core/models/model_registry.h"
#include "core/store/project.h"
#include "views/models/hubdownloaddialog.h"
#include "views/models/modelengineform.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QLoggingCategory>
#include <QPushButton>
#include <QSignalBlocker>
#include <QVBoxLayout>

Q_LOGGING_CATEGORY(lcModelsPanel, "loupe.views.models")

namespace loupe::views {

namespace {
constexpr int kFolderRole = Qt::UserRole;
} // namespace

ModelsPanel::ModelsPanel(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("modelsList"));
    auto* add = new QPushButton(tr("Register folder…"), this);
    add->setObjectName(QStringLiteral("registerModelButton"));
    auto* download = new QPushButton(tr("Download from Hub…"), this);
    download->setObjectName(QStringLiteral("hubDownloadButton"));
    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_engine = new ModelEngineForm(this);
    m_engine->setObjectName(QStringLiteral("modelEngineForm"));
    layout->addWidget(m_list, 1);
    layout->addWidget(m_engine);
    layout->addWidget(add);
    layout->addWidget(download);
    layout->addWidget(m_message);
    connect(add, &QPushButton::clicked, this, &ModelsPanel::registerFolderDialog);
    connect(download, &QPushButton::clicked, this, &ModelsPanel::downloadDialog);
    connect(m_list, &QListWidget::currentItemChanged, this, [this](QListWidgetItem* item) {
        m_engine->setFolder(item ? item->data(kFolderRole).toString() : QString());
        if (item) emit modelSelected(item->data(kFolderRole).toString());
    });
}

void ModelsPanel::setProject(core::Project* project)
{
    m_project = project;
    refresh(m_cacheDir);
}

void ModelsPanel::setJobTracker(core::JobTracker* tracker)
{
    m_tracker = tracker;
}

core::HubDownloadOptions ModelsPanel::withDefaults(const core::HubDownloadOptions& options)
{
    if (!m_tracker) m_tracker = new core::JobTracker(this);
    core::HubDownloadOptions o = options;
    if (o.cacheDir.isEmpty() && o.toDir.isEmpty()) o.cacheDir = m_cacheDir;
    m_message->setText(tr("Downloading %1 (progress in the Jobs dock)…").arg(o.repoId));
    return o;
}

void ModelsPanel::downloadEnded(const QString& repo, const core::HubDownloadResult& r)
{
    QString error = r.ok ? QString() : tr("Download of %1 failed: %2").arg(repo, r.error);
    if (r.stopped) error = tr("Download of %1 paused: download it again to resume.").arg(repo);
    if (error.isEmpty() && m_project) {
        error = registerFolder(r.folder);
    } else if (error.isEmpty()) {
        refresh(m_cacheDir);
        selectFolder(r.folder);
        m_message->setText(tr("Downloaded %1; open a project to register it.").arg(repo));
    }
    if (!error.isEmpty()) {
        qCWarning(lcModelsPanel) << "download" << repo << "failed:" << error;
        m_message->setText(error);
    }
    emit hubDownloadFinished(r.folder, error);
}

core::JobHandle* ModelsPanel::downloadFromHub(const core::HubDownloadOptions& options)
{
    const core::HubDownloadOptions o = withDefaults(options);
    const QPointer<ModelsPanel> self(this);
    return core::startHubDownload(*m_tracker, o, [self, repo = o.repoId](const core::HubDownloadResult& r) {
        if (self) self->downloadEnded(repo, r);
    });
}

core::HubDownloadTask* ModelsPanel::startDownloadTask(const core::HubDownloadOptions& options)
{
    auto* task = new core::HubDownloadTask(withDefaults(options), m_tracker, this);
    connect(task, &core::HubDownloadTask::finished, this, [this, task](const core::HubDownloadResult& r) {
        downloadEnded(task->options().repoId, r);
        task->deleteLater();
    });
    task->start();
    return task;
}

void ModelsPanel::downloadDialog()
{
    HubDownloadDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted) return;
    core::HubDownloadOptions o;
    o.repoId = dialog.repoId();
    o.revision = dialog.revision();
    // The progress window stays open beside the app, with Pause and Resume; closing it leaves the
    // download running in the Jobs dock.
    auto* progress = new HubDownloadDialog(this);
    progress->setAttribute(Qt::WA_DeleteOnClose);
    progress->follow(startDownloadTask(o));
    progress->show();
}

void ModelsPanel::refresh(const QString& cacheDir)
{
    m_cacheDir = cacheDir;
    const QString previous = selectedFolder();
    m_list->clear();
    if (m_project) {
        for (const core::ModelRecord& m : m_project->models()) {
            const QString folder = m_project->absolutePath(m.path);
            auto* item = new QListWidgetItem(QStringLiteral("%1  (%2)").arg(m.name, m.architecture), m_list);
            item->setData(kFolderRole, folder);
            item->setToolTip(folder);
        }
    }
    const QString dir = cacheDir.isEmpty() ? core::hfHubCacheDir() : cacheDir;
    for (const core::CachedModel& c : core::discoverCachedModels(dir)) {
        if (!c.architecture.ok() || !c.hasWeights) continue; // unusable snapshots would only fail later
        auto* item = new QListWidgetItem(tr("%1 @%2  (HF cache)").arg(c.repoId, c.revision.left(8)), m_list);
        item->setData(kFolderRole, c.path);
        item->setToolTip(c.path);
    }
    if (!previous.isEmpty()) {
        selectFolder(previous);
    } else if (m_project && !m_project->models().isEmpty() && m_list->count() > 0) {
        // Show the default the Classify and Explain panels use (the project's first model) as selected,
        // without announcing it: they chose it themselves.
        const QSignalBlocker block(m_list);
        m_list->setCurrentRow(0);
    }
    m_engine->setFolder(selectedFolder());
}

QString ModelsPanel::registerFolder(const QString& folder)
{
    QString error;
    if (!m_project) {
        error = tr("Open a project first: models are registered in a project.");
    } else {
        // The registry validates the folder (supported architecture, readable weights).
        core::ModelRegistry registry;
        error = registry.registerFolder(folder);
        if (error.isEmpty()) {
            const core::RegisteredModel* r = registry.find(QFileInfo(folder).canonicalFilePath());
            if (!r && !registry.registered().isEmpty()) r = &registry.registered().first();
            core::ModelRecord rec;
            rec.path = m_project->storedPath(r ? r->folder : folder);
            rec.name = r ? r->name : QFileInfo(folder).fileName();
            rec.architecture = r ? r->architecture.architecture : QString();
            m_project->registerModel(rec, &error);
        }
    }
    if (!error.isEmpty()) {
        qCWarning(lcModelsPanel) << "register" << folder << "refused:" << error;
        m_message->setText(error);
        return error;
    }
    m_message->clear();
    refresh(m_cacheDir);
    selectFolder(QFileInfo(folder).canonicalFilePath());
    return {};
}

QString ModelsPanel::selectedFolder() const
{
    const QListWidgetItem* item = m_list->currentItem();
    return item ? item->data(kFolderRole).toString() : QString();
}

bool ModelsPanel::selectFolder(const QString& folder)
{
    const QString want = QFileInfo(folder).canonicalFilePath();
    for (int i = 0; i < m_list->count(); ++i) {
        QListWidgetItem* item = m_list->item(i);
        if (QFileInfo(item->data(kFolderRole).toString()).canonicalFilePath() == want) {
            m_list->setCurrentItem(item);
            return true;
        }
    }
    return false;
}

void ModelsPanel::registerFolderDialog()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Register Model Folder"));
    if (!dir.isEmpty()) registerFolder(dir);
}

} // namespace loupe::views
