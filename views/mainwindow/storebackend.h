// SPDX-License-Identifier: MIT
#pragma once

#include "views/mainwindow/projectbackend.h"

#include <QList>
#include <QPointer>
#include <memory>

class QThread;

namespace loupe::core {
class ImportJob;
class JobHandle;
class Project;
class WalCheckpointer;
struct ImportReport;
} // namespace loupe::core

namespace loupe::views {

class ThumbnailWorker;

// ProjectBackend over the real project store (core/store): the browser reads pages through its own
// AssetQuery connection on the page-fetcher thread, thumbnails are read from the project's cache or
// made on a worker thread (then cached in the project), imports run as background jobs shown in the
// Jobs dock with a progress bar and a cancel button.
class StoreBackend : public ProjectBackend
{
    Q_OBJECT
public:
    // The ProjectOpener of the app: opens (or creates) `path`; nullptr and *error naming the file
    // and the problem when the store refuses it.
    static std::unique_ptr<ProjectBackend> open(const QString& path, bool create, QString* error);
    static ProjectOpener opener();
    ~StoreBackend() override;

    QString path() const override;
    QString summary() const override;
    bool saveAs(const QString& path, QString* error) override;
    AssetSourceFactory assetSourceFactory() const override;
    QList<QPair<qint64, QString>> labels() const override;
    QStringList splits() const override;
    QStringList reviewStates() const override;
    bool canUndo() const override;
    bool canRedo() const override;
    QString undoText() const override;
    QString redoText() const override;
    void undo() override;
    void redo() override;
    void importPaths(const QStringList& paths) override;
    void importVideo(const QString& path, int stride) override;
    void requestThumbnail(qint64 assetId, const QString& absolutePath, int side) override;

    // Edits the window does not offer yet through the interface (and tests use).
    bool setSplit(const QList<qint64>& assetIds, const QString& split, QString* error = nullptr);
    core::Project* project() const { return m_project.get(); }
    // Imports still running.
    int runningImports() const { return m_runningImports; }
    // Checkpoints the project's WAL off the GUI thread (see walcheckpointer.h).
    core::WalCheckpointer* checkpointer() const { return m_checkpointer; }

signals:
    void importFinished(int added, int duplicates, int failed);

private:
    explicit StoreBackend(std::unique_ptr<core::Project> project);
    void startImport(const QStringList& paths, int videoStride);
    void prefetchThumbnails();
    void storeThumbnail(qint64 assetId, const QImage& image, const QByteArray& encoded);
    void importDone(core::ImportJob* job, QPointer<core::JobHandle> handle, const core::ImportReport& report);

    std::unique_ptr<core::Project> m_project;
    QThread* m_thumbThread = nullptr;
    ThumbnailWorker* m_thumbWorker = nullptr;
    core::WalCheckpointer* m_checkpointer = nullptr;
    QList<QPointer<core::JobHandle>> m_importHandles; // to close out when the project closes mid-import
    int m_runningImports = 0;
    int m_thumbnailSide = 112; // the browser's, once it has asked for one
};

} // namespace loupe::views
