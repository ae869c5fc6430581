// SPDX-License-Identifier: MIT
#include "views/mainwindow/storebackend.h"

#include "core/imageio.h"
#include "core/import/importjob.h"
#include "core/jobs/jobtracker.h"
#include "core/store/assetquery.h"
#include "core/store/database.h"
#include "core/store/project.h"
#include "core/store/records.h"
#include "core/store/walcheckpointer.h"
#include "views/dataset/projectassetsource.h"

#include <QBuffer>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QImageReader>
#include <QLabel>
#include <QLoggingCategory>
#include <QProgressBar>
#include <QPushButton>
#include <QThread>
#include <QVBoxLayout>

namespace loupe::views {

Q_LOGGING_CATEGORY(lcStoreBackend, "loupe.views.store")

// Lives on its own thread: answers thumbnail requests from the project's cache (its own read-only
// connection) or by decoding the image at reduced size. Newly made thumbnails go back to the GUI
// thread, which stores them in the project so a reopened project shows them at once.
class ThumbnailWorker : public QObject
{
public:
    explicit ThumbnailWorker(QString projectPath) : m_projectPath(std::move(projectPath)) {}

    using Deliver = std::function<void(qint64, const QImage&, const QByteArray&)>;

    void request(qint64 assetId, const QString& absolutePath, int side, const Deliver& deliver)
    {
        if (!m_query && !m_queryFailed) {
            QString error;
            m_query = core::AssetQuery::open(m_projectPath, &error);
            if (!m_query) {
                m_queryFailed = true; // thumbnails are still made, just not read from the cache
                qCWarning(lcStoreBackend).noquote() << error;
            }
        }
        if (m_query) {
            const QByteArray cached = m_query->thumbnail(assetId);
            QImage image;
            if (!cached.isEmpty() && image.loadFromData(cached)) {
                // One size is cached; a smaller view scales it down.
                if (std::max(image.width(), image.height()) > side)
                    image = image.scaled(side, side, Qt::KeepAspectRatio, Qt::SmoothTransformation);
                deliver(assetId, image, {});
                return;
            }
        }
        QImageReader reader(absolutePath);
        core::prepareImageReader(reader); // EXIF orientation and the pixel limit, as the canvas reads it
        const QSize full = reader.size();
        if (full.isValid() && std::max(full.width(), full.height()) > side) {
            // The reader rotates after scaling, so scale in the file's own orientation.
            reader.setScaledSize(full.scaled(side, side, Qt::KeepAspectRatio));
        }
        QString error;
        QImage image = core::readImage(reader, absolutePath, &error);
        if (image.isNull()) {
            qCDebug(lcStoreBackend).noquote() << "no thumbnail:" << error;
            return;
        }
        if (std::max(image.width(), image.height()) > side)
            image = image.scaled(side, side, Qt::KeepAspectRatio, Qt::SmoothTransformation);
        if (image.depth() > 32 || image.format() == QImage::Format_Grayscale16)
            image =
                image.convertToFormat(image.hasAlphaChannel() ? QImage::Format_ARGB32 : QImage::Format_RGB32);
        QByteArray encoded;
        QBuffer buffer(&encoded);
        buffer.open(QIODevice::WriteOnly);
        image.save(&buffer, image.hasAlphaChannel() ? "PNG" : "JPEG", 88);
        deliver(assetId, image, encoded);
    }

private:
    QString m_projectPath;
    std::unique_ptr<core::AssetQuery> m_query;
    bool m_queryFailed = false;
};

std::unique_ptr<ProjectBackend> StoreBackend::open(const QString& path, bool create, QString* error)
{
    QString why;
    std::unique_ptr<core::Project> project =
        create ? core::Project::create(path, &why) : core::Project::open(path, &why);
    if (!project) {
        if (error) *error = why.isEmpty() ? tr("Cannot open %1").arg(path) : why;
        return nullptr;
    }
    return std::unique_ptr<ProjectBackend>(new StoreBackend(std::move(project)));
}

ProjectOpener StoreBackend::opener()
{
    return [](const QString& path, bool create, QString* error) { return open(path, create, error); };
}

StoreBackend::StoreBackend(std::unique_ptr<core::Project> project) : m_project(std::move(project))
{
    connect(m_project.get(), &core::Project::historyChanged, this, &ProjectBackend::historyChanged);
    connect(m_project.get(), &core::Project::changed, this, &ProjectBackend::assetsChanged);

    m_thumbThread = new QThread(this);
    m_thumbThread->setObjectName(QStringLiteral("loupe-thumbnails"));
    m_thumbWorker = new ThumbnailWorker(m_project->path());
    m_thumbWorker->moveToThread(m_thumbThread);
    m_thumbThread->start(QThread::LowPriority);

    // Commits on this (the GUI's) connection no longer checkpoint the WAL themselves.
    m_checkpointer = new core::WalCheckpointer(m_project->path(), this);
    m_checkpointer->attach(m_project->db());
}

StoreBackend::~StoreBackend()
{
    // Imports write through their own connections; they stop (cancelled) before the project closes.
    qDeleteAll(findChildren<core::ImportJob*>(Qt::FindDirectChildrenOnly));
    // Their finished() never arrives now: close their rows in the Jobs dock here.
    for (const QPointer<core::JobHandle>& h : std::as_const(m_importHandles))
        if (h)
            h->finish(core::JobHandle::State::Cancelled, tr("%1 — stopped: project closed").arg(h->title()));
    m_thumbThread->requestInterruption();
    m_thumbThread->quit();
    m_thumbThread->wait();
    delete m_thumbWorker; // its thread has stopped: nothing else can touch it now
    m_thumbWorker = nullptr;
    // The WAL is emptied into the main file (TRUNCATE) on the checkpointer's thread while the project's
    // connection is still open, so closing it has nothing left to copy.
    m_checkpointer->stop();
}

QString StoreBackend::path() const
{
    return m_project->path();
}

QString StoreBackend::summary() const
{
    const core::ProjectInfo info = m_project->info();
    // Spelled out: without a translation loaded, tr()'s %n plural forms would read "image(s)".
    const QString images = info.assets == 1 ? tr("1 image") : tr("%1 images").arg(info.assets);
    const QString labels = info.labels == 1 ? tr("1 label") : tr("%1 labels").arg(info.labels);
    return images + QStringLiteral(" · ") + labels;
}

bool StoreBackend::saveAs(const QString& path, QString* error)
{
    return m_project->saveAs(path, error);
}

AssetSourceFactory StoreBackend::assetSourceFactory() const
{
    return projectAssetSourceFactory(m_project->path());
}

QList<QPair<qint64, QString>> StoreBackend::labels() const
{
    QList<QPair<qint64, QString>> out;
    for (const core::Label& l : m_project->labels())
        out.append({l.id, l.name});
    return out;
}

QStringList StoreBackend::splits() const
{
    return m_project->splits();
}

QStringList StoreBackend::reviewStates() const
{
    QStringList out;
    for (int s : {core::ReviewNew, core::ReviewAccepted, core::ReviewRejected, core::ReviewNeedsFix})
        out << assetReviewStateName(s);
    return out;
}

bool StoreBackend::canUndo() const
{
    return m_project->canUndo();
}
bool StoreBackend::canRedo() const
{
    return m_project->canRedo();
}
QString StoreBackend::undoText() const
{
    return m_project->undoText();
}
QString StoreBackend::redoText() const
{
    return m_project->redoText();
}

void StoreBackend::undo()
{
    const QString what = m_project->undoText();
    QString error;
    if (!m_project->undo(&error))
        emit errorOccurred(tr("Cannot undo"), error);
    else
        emit statusMessage(tr("Undone: %1").arg(what));
}

void StoreBackend::redo()
{
    const QString what = m_project->redoText();
    QString error;
    if (!m_project->redo(&error))
        emit errorOccurred(tr("Cannot redo"), error);
    else
        emit statusMessage(tr("Redone: %1").arg(what));
}

bool StoreBackend::setSplit(const QList<qint64>& assetIds, const QString& split, QString* error)
{
    QString why;
    const bool ok = m_project->setSplit(assetIds, split, &why);
    if (!ok) {
        if (error) *error = why;
        emit errorOccurred(tr("Cannot change the split"), why);
    }
    return ok;
}

void StoreBackend::importPaths(const QStringList& paths)
{
    startImport(paths, 1);
}

void StoreBackend::importVideo(const QString& path, int stride)
{
    startImport({path}, stride);
}

void StoreBackend::startImport(const QStringList& paths, int videoStride)
{
    if (paths.isEmpty()) return;
    auto* job = new core::ImportJob(m_project->path(), this);
    const QString title = paths.size() == 1 ? tr("Importing %1").arg(QFileInfo(paths.first()).fileName())
                                            : tr("Importing %1 items").arg(paths.size());
    // The job may be cancelled before it starts (while the checkpoint below runs); start() would
    // forget a cancel that came first.
    auto cancelled = std::make_shared<bool>(false);
    QPointer<core::JobHandle> handle;
    if (core::JobTracker* jobs = jobTracker()) {
        handle = jobs->start(title, [job, cancelled] {
            *cancelled = true;
            job->cancel();
        });
        m_importHandles << handle;
    }
    ++m_runningImports;
    connect(job, &core::ImportJob::progress, this, [this, handle](int done, int total) {
        if (handle) handle->setProgress(done, total);
        emit assetsChanged(); // the browser fills in batch by batch
    });
    connect(job, &core::ImportJob::finished, this,
            [this, job, handle](const core::ImportReport& report) { importDone(job, handle, report); });
    // The job opens its own connection, and Project::open probes the file with immutable=1, which
    // ignores the WAL: everything committed so far goes into the main file first, on the checkpointer's
    // thread, as a big WAL takes a while to copy.
    m_checkpointer->checkpoint(core::WalCheckpointer::Mode::Truncate, this,
                               [this, job, handle, cancelled, paths, videoStride](bool ok, const QString& error) {
                                   if (!ok) qCWarning(lcStoreBackend).noquote() << error;
                                   if (*cancelled) {
                                       core::ImportReport report;
                                       report.canceled = true;
                                       importDone(job, handle, report);
                                   } else {
                                       job->start(paths, videoStride);
                                   }
                               });
}

void StoreBackend::importDone(core::ImportJob* job, QPointer<core::JobHandle> handle,
                              const core::ImportReport& report)
{
    --m_runningImports;
    QString text = report.canceled ? tr("Import cancelled: %1 added").arg(report.added)
                                   : tr("Imported %1 of %2 images").arg(report.added).arg(report.total);
    if (report.duplicates > 0) text += tr(", %1 duplicates skipped").arg(report.duplicates);
    if (!report.failed.isEmpty()) text += tr(", %1 failed").arg(report.failed.size());
    if (handle) {
        const auto state = !report.error.isEmpty() ? core::JobHandle::State::Failed
                           : report.canceled       ? core::JobHandle::State::Cancelled
                                                   : core::JobHandle::State::Succeeded;
        handle->finish(state, report.error.isEmpty() ? text : report.error);
        m_importHandles.removeAll(handle);
    }
    emit statusMessage(text);
    emit assetsChanged();
    if (!report.error.isEmpty()) {
        emit errorOccurred(tr("Import failed"), report.error);
    } else if (!report.failed.isEmpty()) {
        QStringList lines;
        for (const core::ImportFailure& f : report.failed)
            lines << f.reason;
        constexpr int kShown = 20;
        QString message = (lines.size() == 1 ? tr("1 file could not be imported:")
                                             : tr("%1 files could not be imported:").arg(lines.size())) +
                          QStringLiteral("\n") + lines.mid(0, kShown).join(QLatin1Char('\n'));
        if (lines.size() > kShown) message += QStringLiteral("\n…");
        emit errorOccurred(tr("Some files were not imported"), message);
    }
    emit importFinished(report.added, report.duplicates, int(report.failed.size()));
    job->deleteLater();
    prefetchThumbnails();
}

void StoreBackend::requestThumbnail(qint64 assetId, const QString& absolutePath, int side)
{
    m_thumbnailSide = side;
    QPointer<StoreBackend> self(this);
    ThumbnailWorker* worker = m_thumbWorker;
    QMetaObject::invokeMethod(
        m_thumbWorker,
        [worker, self, assetId, absolutePath, side] {
            if (QThread::currentThread()->isInterruptionRequested()) return;
            worker->request(assetId, absolutePath, side,
                            [self](qint64 id, const QImage& image, const QByteArray& encoded) {
                                if (!self) return;
                                // Queued on the backend: dropped if it is gone by then.
                                QMetaObject::invokeMethod(
                                    self.data(),
                                    [self, id, image, encoded] {
                                        if (self) self->storeThumbnail(id, image, encoded);
                                    },
                                    Qt::QueuedConnection);
                            });
        },
        Qt::QueuedConnection);
}

void StoreBackend::prefetchThumbnails()
{
    // Made now, in the background, so scrolling (and the next opening) finds them cached.
    constexpr int kPrefetch = 2000;
    for (qint64 id : m_project->assetsWithoutThumbnail(kPrefetch)) {
        if (const auto row = m_project->asset(id))
            requestThumbnail(id, m_project->absolutePath(row->storedPath), m_thumbnailSide);
    }
}

void StoreBackend::storeThumbnail(qint64 assetId, const QImage& image, const QByteArray& encoded)
{
    if (!encoded.isEmpty() && !m_project->storeThumbnail(assetId, encoded))
        qCDebug(lcStoreBackend) << "could not cache the thumbnail of asset" << assetId;
    emit thumbnailReady(assetId, image);
}

} // namespace loupe::views
