// SPDX-License-Identifier: MIT
#include "core/import/importjob.h"

#include "core/import/dicomimport.h"
#include "core/import/dicomreader.h"
#include "core/import/imagescanner.h"
#include "core/import/videoimport.h"
#include "core/store/project.h"

#include <QFileInfo>
#include <QImageReader>
#include <QLoggingCategory>
#include <QSet>
#include <QtConcurrent>

namespace loupe::core {

Q_LOGGING_CATEGORY(lcImport, "loupe.import")

namespace {

ImportReport importImages(Project& project, const QStringList& paths, const ProgressCallback& progress,
                          std::atomic<bool>* cancel, int batchSize);

bool isVideoInput(const QString& path)
{
    const QFileInfo info(path);
    if (!info.isFile()) return false;
    if (isVideoFile(path)) return true;
    // FFmpeg opens still images too (as one-frame videos): a file whose content is an image stays one.
    return !isImportableImage(path) && QImageReader::imageFormat(path).isEmpty() && !isDicomFile(path) &&
           opensAsVideo(path);
}

// A DICOM file's frames or a video's, counted into the import they are part of; its cancel or error ends it.
void addPart(ImportReport& report, const ImportReport& part)
{
    report.total += part.total;
    report.added += part.added;
    report.duplicates += part.duplicates;
    report.failed += part.failed;
    report.canceled = part.canceled;
    report.error = part.error;
}

} // namespace

ImportReport importFiles(Project& project, const QStringList& paths, const ProgressCallback& progress,
                         std::atomic<bool>* cancel, int batchSize, int videoStride)
{
    QStringList images, videos;
    for (const QString& p : paths)
        (isVideoInput(p) ? videos : images) << p;
    // Multi-frame DICOM files, named or found in folders, become frame sequences like videos.
    QStringList multiFrame;
    {
        QStringList missing, singles;
        for (const QString& f : collectImageFiles(images, &missing))
            (isDicomFile(f) && dicomFrameCount(f) > 1 ? multiFrame : singles) << f;
        if (!multiFrame.isEmpty()) images = singles + missing; // missing ones are reported by name
    }
    if (videos.isEmpty() && multiFrame.isEmpty())
        return importImages(project, paths, progress, cancel, batchSize);
    ImportReport report;
    int base = 0; // files and frames of the parts already done, so progress keeps rising
    auto partProgress = [&](int done, int total) {
        if (progress) progress(base + done, base + total);
    };
    if (!images.isEmpty()) {
        report = importImages(project, images, partProgress, cancel, batchSize);
        base = report.total;
    }
    for (const QString& file : multiFrame) {
        if (!report.error.isEmpty() || report.canceled) break;
        const ImportReport r = importDicomFrames(project, file, partProgress, cancel);
        addPart(report, r);
        base = report.total;
    }
    for (const QString& video : videos) {
        if (!report.error.isEmpty() || report.canceled) break;
        VideoImportOptions options;
        options.stride = videoStride;
        const ImportReport r = importVideo(project, video, options, partProgress, cancel);
        addPart(report, r);
        base = report.total;
    }
    return report;
}

namespace {

ImportReport importImages(Project& project, const QStringList& paths, const ProgressCallback& progress,
                          std::atomic<bool>* cancel, int batchSize)
{
    ImportReport report;
    QStringList missing;
    const QStringList files = collectImageFiles(paths, &missing);
    for (const QString& m : missing)
        report.failed.push_back({m, QStringLiteral("%1: no such file or folder").arg(m)});
    report.total = int(files.size());
    if (progress) progress(0, report.total);
    batchSize = std::max(1, batchSize);
    auto canceled = [cancel] { return cancel && cancel->load(std::memory_order_relaxed); };

    QSet<QString> seen; // hashes added (or found) during this import
    int done = 0;
    for (qsizetype start = 0; start < files.size(); start += batchSize) {
        if (canceled()) {
            report.canceled = true;
            break;
        }
        const QStringList chunk = files.mid(start, batchSize);
        // Probing (read + hash + decode) is the expensive part and runs on every core.
        const QList<ProbeResult> probes =
            QtConcurrent::blockingMapped(chunk, [&canceled](const QString& f) -> ProbeResult {
                if (canceled()) return {}; // neither record nor error: skipped
                return probeImage(f);
            });
        QVector<AssetRecord> batch;
        batch.reserve(probes.size());
        int probed = 0;
        for (int i = 0; i < probes.size(); ++i) {
            const ProbeResult& p = probes[i];
            if (!p.record && p.error.isEmpty()) continue;
            ++probed;
            if (!p.record) {
                report.failed.push_back({chunk[i], p.error});
                continue;
            }
            if (seen.contains(p.record->sha256Hex) || project.containsSha256(p.record->sha256Hex)) {
                seen.insert(p.record->sha256Hex);
                ++report.duplicates;
                continue;
            }
            seen.insert(p.record->sha256Hex);
            batch.push_back(*p.record);
        }
        if (!batch.isEmpty()) {
            QString error;
            const auto res = project.addAssets(batch, &error);
            if (!res) {
                report.error = error;
                qCWarning(lcImport) << "import stopped:" << error;
                return report;
            }
            report.added += res->added;
            report.duplicates += res->duplicates;
        }
        done += probed;
        if (progress) progress(done, report.total);
        if (probed < chunk.size()) {
            report.canceled = true;
            break;
        }
    }
    return report;
}

} // namespace

ImportJob::ImportJob(QString projectPath, QObject* parent)
    : QObject(parent), projectPath_(std::move(projectPath))
{
    qRegisterMetaType<loupe::core::ImportReport>();
}

ImportJob::~ImportJob()
{
    cancel();
    future_.waitForFinished();
}

void ImportJob::cancel()
{
    cancel_.store(true);
}

void ImportJob::start(const QStringList& paths, int videoStride)
{
    if (running_.exchange(true)) return;
    cancel_.store(false);
    const QString projectPath = projectPath_;
    // Signals are emitted on the job's own thread (queued from the worker), so receivers and
    // QSignalSpy see ordinary same-thread emissions; a deleted job drops pending ones.
    future_ = QtConcurrent::run([this, paths, projectPath, videoStride] {
        ImportReport report;
        QString error;
        std::unique_ptr<Project> project = Project::open(projectPath, &error);
        if (!project) {
            report.error = error;
        } else {
            report = importFiles(
                *project, paths,
                [this](int done, int total) {
                    QMetaObject::invokeMethod(
                        this, [this, done, total] { emit progress(done, total); }, Qt::QueuedConnection);
                },
                &cancel_, kImportBatchSize, videoStride);
        }
        project.reset();
        running_.store(false);
        QMetaObject::invokeMethod(
            this, [this, report] { emit finished(report); }, Qt::QueuedConnection);
    });
}

} // namespace loupe::core
