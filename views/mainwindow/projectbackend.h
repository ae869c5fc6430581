// SPDX-License-Identifier: MIT
#pragma once

#include "views/dataset/assetsource.h"

#include <QImage>
#include <QObject>
#include <QStringList>
#include <functional>
#include <memory>

namespace loupe::core {
class JobTracker;
}

namespace loupe::views {

// One open project as the window needs it. StoreBackend implements it over core/store (the
// real thing); tests may substitute their own. Every edit it makes is committed when it returns.
class ProjectBackend : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    virtual QString path() const = 0;
    virtual QString summary() const = 0; // "12 images · 3 labels"
    virtual bool saveAs(const QString& path, QString* error) = 0;

    // For the dataset browser: creates sources used on its worker thread.
    virtual AssetSourceFactory assetSourceFactory() const = 0;
    virtual QList<QPair<qint64, QString>> labels() const = 0;
    virtual QStringList splits() const = 0;
    virtual QStringList reviewStates() const = 0;

    virtual bool canUndo() const = 0;
    virtual bool canRedo() const = 0;
    virtual QString undoText() const = 0;
    virtual QString redoText() const = 0;
    virtual void undo() = 0;
    virtual void redo() = 0;

    // Starts a background import of files and folders.
    virtual void importPaths(const QStringList& paths) = 0;
    // Starts a background import of a video as frames, every `stride`-th; a backend without video
    // import takes it as a path like any other.
    virtual void importVideo(const QString& path, int stride)
    {
        Q_UNUSED(stride);
        importPaths({path});
    }
    // Asks for a thumbnail; thumbnailReady follows (at once when cached).
    virtual void requestThumbnail(qint64 assetId, const QString& absolutePath, int side) = 0;
    // Where background work (imports) reports progress and is cancelled: the window's Jobs dock.
    // Set by the controller before any import starts; may stay null in tests.
    void setJobTracker(core::JobTracker* jobs) { m_jobs = jobs; }
    core::JobTracker* jobTracker() const { return m_jobs; }

signals:
    void historyChanged();
    void assetsChanged(); // after an import, undo, ...: the browser re-queries
    void thumbnailReady(qint64 assetId, const QImage& image);
    void errorOccurred(const QString& title, const QString& message);
    void statusMessage(const QString& text);

private:
    core::JobTracker* m_jobs = nullptr;
};

// Opens (create = false) or creates a project; nullptr and *error on failure.
using ProjectOpener =
    std::function<std::unique_ptr<ProjectBackend>(const QString& path, bool create, QString* error)>;

} // namespace loupe::views
