// SPDX-License-Identifier: MIT
#include "core/import/importjob.h"

#include "core/import/imagescanner.h"
#include "core/store/project.h"

#include <QLoggingCategory>
#include <QSet>
#include <QtConcurrent>

namespace loupe::core {

Q_LOGGING_CATEGORY(lcImport, "loupe.import")

ImportReport importFiles(Project& project, const QStringList& paths, const ProgressCallback& progress,
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

void ImportJob::start(const QStringList& paths)
{
    if (running_.exchange(true)) return;
    cancel_.store(false);
    const QString projectPath = projectPath_;
    // Signals are emitted on the job's own thread (queued from the worker), so receivers and
    // QSignalSpy see ordinary same-thread emissions; a deleted job drops pending ones.
    future_ = QtConcurrent::run([this, paths, projectPath] {
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
                &cancel_);
        }
        project.reset();
        running_.store(false);
        QMetaObject::invokeMethod(
            this, [this, report] { emit finished(report); }, Qt::QueuedConnection);
    });
}

} // namespace loupe::core
