// SPDX-License-Identifier: MIT
#include "core/import/dicomimport.h"

#include "core/import/dicomreader.h"
#include "core/store/project.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QSet>
namespace loupe::core {

namespace {

// sha256 of a file streamed in kHashChunkBytes pieces; empty with *error on failure.
QString hashFile(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: cannot read (%2)").arg(path, file.errorString());
        return {};
    }
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(&file)) {
        *error = QStringLiteral("%1: read error (%2)").arg(path, file.errorString());
        return {};
    }
    return QString::fromLatin1(hash.result().toHex());
}

QJsonObject describe(const DicomInfo& info)
{
    return QJsonObject{{QStringLiteral("modality"), info.modality},
                       {QStringLiteral("frames"), info.frames},
                       {QStringLiteral("bits_stored"), info.bitsStored},
                       {QStringLiteral("photometric"), info.photometric},
                       {QStringLiteral("transfer_syntax"), info.transferSyntaxUid}};
}

// The sequence a file's frames go to: the one an earlier import of the same file started, else the
// file's base name, numbered when taken.
QString sequenceFor(Project& project, const QString& storedSource, const QString& baseName)
{
    Statement s =
        project.db().prepare(QStringLiteral("SELECT sequence FROM assets WHERE sequence IS NOT NULL AND "
                                            "json_extract(metadata, '$.dicom_source') = ?1 LIMIT 1"));
    s.bind(1, storedSource);
    if (s.step()) return s.columnText(0);
    const QStringList taken = project.sequenceNames();
    const QString base = baseName.isEmpty() ? QStringLiteral("dicom") : baseName;
    QString name = base;
    for (int n = 2; taken.contains(name); ++n)
        name = QStringLiteral("%1-%2").arg(base).arg(n);
    return name;
}

} // namespace

ProbeResult probeDicom(const QString& path)
{
    ProbeResult r;
    QString error;
    const auto image = readDicom(path, 0, &error);
    if (!image) {
        r.error = error;
        return r;
    }
    const QString sha = hashFile(path, &error);
    if (sha.isEmpty()) {
        r.error = error;
        return r;
    }
    AssetRecord rec;
    rec.absolutePath = QFileInfo(path).absoluteFilePath();
    rec.sha256Hex = sha;
    rec.width = image->info.columns;
    rec.height = image->info.rows;
    rec.format = QStringLiteral("dicom");
    rec.fileSize = QFileInfo(path).size();
    rec.metadata = QJsonObject{{QStringLiteral("dicom"), describe(image->info)}};
    r.record = std::move(rec);
    return r;
}

ImportReport importDicomFrames(Project& project, const QString& path, const ProgressCallback& progress,
                               std::atomic<bool>* cancel)
{
    ImportReport report;
    QString error;
    const auto info = readDicomInfo(path, &error);
    if (!info) {
        report.failed.push_back({path, error});
        return report;
    }
    const QFileInfo source(path);
    const QString storedSource = project.storedPath(source.absoluteFilePath());
    const QString sequence = sequenceFor(project, storedSource, source.completeBaseName());
    const QString folder =
        QFileInfo(project.path()).absoluteDir().filePath(QStringLiteral("frames/") + sequence);
    if (!QDir().mkpath(folder)) {
        report.error = QStringLiteral("%1: cannot create the folder for its frames").arg(folder);
        return report;
    }
    QSet<qint64> present;
    for (const SequenceFrame& f : project.sequenceFrames(SequenceKey{sequence, {}}))
        if (f.frame) present.insert(*f.frame);
    report.total = info->frames;
    if (progress) progress(0, report.total);
    QVector<int> wanted;
    for (int i = 0; i < info->frames; ++i) {
        if (present.contains(i))
            ++report.duplicates;
        else
            wanted << i;
    }
    if (cancel && cancel->load()) {
        report.canceled = true;
        return report;
    }
    auto fileFor = [&folder](int f) {
        return QStringLiteral("%1/frame_%2.dcm").arg(folder).arg(f, 6, 10, QLatin1Char('0'));
    };
    // Frames are written first (one decode of the source), then committed in one transaction; a
    // cancel while writing keeps the frames written so far, like a cancelled video import.
    int written = 0;
    const int skipped = report.duplicates; // frames already in the project
    if (!wanted.isEmpty()) {
        const QString problem = writeDicomFrames(path, wanted, fileFor, [&](int n) {
            written = n;
            if (progress) progress(skipped + n, report.total);
            return !(cancel && cancel->load());
        });
        if (!problem.isEmpty()) {
            report.failed.push_back({path, problem});
            return report;
        }
        report.canceled = written < wanted.size();
        wanted.resize(written);
    }
    QVector<AssetRecord> batch;
    for (int f : wanted) {
        const QString file = fileFor(f);
        const QString sha = hashFile(file, &error);
        if (sha.isEmpty()) {
            report.failed.push_back({path, error});
            continue;
        }
        AssetRecord rec;
        rec.absolutePath = file;
        rec.sha256Hex = sha;
        rec.width = info->columns;
        rec.height = info->rows;
        rec.format = QStringLiteral("dicom");
        rec.fileSize = QFileInfo(file).size();
        rec.sequence = sequence;
        rec.frame = f;
        QJsonObject d = describe(*info);
        d.insert(QStringLiteral("frames"), 1);
        rec.metadata =
            QJsonObject{{QStringLiteral("dicom"), d}, {QStringLiteral("dicom_source"), storedSource}};
        batch.push_back(rec);
    }
    // One transaction: a multi-frame file is there whole or not at all.
    if (!batch.isEmpty()) {
        const auto res = project.addAssets(batch, &error);
        if (!res) {
            report.error = error;
            return report;
        }
        report.added += res->added;
        report.duplicates += res->duplicates;
    }
    if (progress && !report.canceled) progress(report.total, report.total);
    return report;
}

} // namespace loupe::core
