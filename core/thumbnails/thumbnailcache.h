// SPDX-License-Identifier: MIT
#pragma once

#include <QCache>
#include <QImage>
#include <QMutex>
#include <QObject>
#include <QSet>
#include <QThreadPool>
#include <memory>

namespace loupe::core {

class Project;

// Thumbnails for one project: made off the GUI thread, kept in the project file so that a
// reopened project shows them at once, and delivered as QImage (never QPixmap, which is
// GUI-thread only). The cache owns its own Project connection, opened lazily on a worker and
// serialised by a mutex, so it never touches the GUI's Project object.
class ThumbnailCache : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMaxSide = 256;

    explicit ThumbnailCache(QString projectPath, QObject* parent = nullptr);
    ~ThumbnailCache() override; // drops queued requests and waits for running ones

    // An in-memory hit is returned at once (and not re-emitted); otherwise the thumbnail is loaded
    // from the project or made from the image in the background and delivered by ready().
    QImage request(qint64 assetId);
    // Blocks until every queued request is done (tests, batch tools).
    void waitForDone();

    // Decodes `path` with EXIF orientation applied, scaled to at most maxSide pixels a side.
    static QImage makeThumbnail(const QString& path, int maxSide = kMaxSide, QString* error = nullptr);

signals:
    void ready(qint64 assetId, const QImage& image);
    void failed(qint64 assetId, const QString& reason);

private:
    void produce(qint64 assetId);

    QString projectPath_;
    QThreadPool pool_;
    QMutex dbMutex_;                   // guards project_
    std::unique_ptr<Project> project_; // opened on a worker, used only under dbMutex_
    QString openError_;
    QMutex stateMutex_; // guards memory_ and pending_
    QCache<qint64, QImage> memory_;
    QSet<qint64> pending_;
};

} // namespace loupe::core
