// SPDX-License-Identifier: MIT
#include "core/thumbnails/thumbnailcache.h"

#include "core/imageio.h"
#include "core/store/project.h"

#include <QBuffer>
#include <QImageReader>
#include <QLoggingCategory>
#include <QThread>

namespace loupe::core {

Q_LOGGING_CATEGORY(lcThumbs, "loupe.thumbnails")

ThumbnailCache::ThumbnailCache(QString projectPath, QObject* parent)
    : QObject(parent), projectPath_(std::move(projectPath))
{
    pool_.setMaxThreadCount(std::max(1, QThread::idealThreadCount()));
    memory_.setMaxCost(64 * 1024 * 1024); // bytes of pixel data kept in memory
}

ThumbnailCache::~ThumbnailCache()
{
    pool_.clear();
    pool_.waitForDone();
}

void ThumbnailCache::waitForDone()
{
    pool_.waitForDone();
}

QImage ThumbnailCache::request(qint64 assetId)
{
    {
        QMutexLocker lock(&stateMutex_);
        if (const QImage* hit = memory_.object(assetId)) return *hit;
        if (pending_.contains(assetId)) return {};
        pending_.insert(assetId);
    }
    pool_.start([this, assetId] { produce(assetId); });
    return {};
}

QImage ThumbnailCache::makeThumbnail(const QString& path, int maxSide, QString* error)
{
    QImageReader reader(path);
    prepareImageReader(reader); // the same allocation limit as import, so what imports has a thumbnail
    // Let the decoder scale (JPEG does it for free while decoding); the scaled size is in the
    // stored orientation, which keeps the longest side the same after rotation.
    const QSize stored = reader.size();
    if (stored.isValid() && std::max(stored.width(), stored.height()) > maxSide)
        reader.setScaledSize(stored.scaled(maxSide, maxSide, Qt::KeepAspectRatio));
    QImage image = readImage(reader, path, error);
    if (image.isNull()) return {};
    if (std::max(image.width(), image.height()) > maxSide)
        image = image.scaled(maxSide, maxSide, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    // Thumbnails are for display: 8-bit is enough and keeps the cache small.
    if (image.depth() > 32 || image.format() == QImage::Format_Grayscale16)
        image = image.convertToFormat(image.hasAlphaChannel() ? QImage::Format_ARGB32 : QImage::Format_RGB32);
    return image;
}

void ThumbnailCache::produce(qint64 assetId)
{
    QImage image;
    QString reason;
    {
        QMutexLocker lock(&dbMutex_);
        if (!project_ && openError_.isEmpty()) {
            project_ = Project::open(projectPath_, &openError_);
            if (project_) project_->moveToThread(thread()); // so it is destroyed where its owner lives
        }
        if (project_) {
            const QByteArray cached = project_->thumbnail(assetId);
            if (!cached.isEmpty()) image.loadFromData(cached);
            if (image.isNull()) {
                const auto row = project_->asset(assetId);
                if (!row) {
                    reason = QStringLiteral("no asset %1 in %2").arg(assetId).arg(projectPath_);
                } else {
                    const QString path = project_->absolutePath(row->storedPath);
                    lock.unlock(); // decoding is the slow part; let other workers use the db
                    image = makeThumbnail(path, kMaxSide, &reason);
                    if (!image.isNull()) {
                        QByteArray encoded;
                        QBuffer buffer(&encoded);
                        buffer.open(QIODevice::WriteOnly);
                        const bool alpha = image.hasAlphaChannel();
                        image.save(&buffer, alpha ? "PNG" : "JPG", alpha ? -1 : 90);
                        lock.relock();
                        if (!project_->storeThumbnail(assetId, encoded))
                            qCWarning(lcThumbs) << "could not cache thumbnail of asset" << assetId;
                    }
                }
            }
        } else {
            reason = openError_;
        }
    }
    {
        QMutexLocker lock(&stateMutex_);
        pending_.remove(assetId);
        if (!image.isNull()) memory_.insert(assetId, new QImage(image), int(image.sizeInBytes()));
    }
    // Emitted on the cache's own (GUI) thread; a destroyed cache drops pending deliveries.
    QMetaObject::invokeMethod(
        this,
        [this, assetId, image, reason] {
            if (image.isNull())
                emit failed(assetId, reason);
            else
                emit ready(assetId, image);
        },
        Qt::QueuedConnection);
}

} // namespace loupe::core
