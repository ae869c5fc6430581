// SPDX-License-Identifier: MIT
#include "views/exchange/stagedexport.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QTemporaryDir>

namespace loupe::views {

bool exportStaged(annotation::Format format, const annotation::Dataset& data, const QString& outDirIn,
                  const annotation::ExportOptions& options, annotation::FormatReport& report,
                  const std::function<bool()>& cancelled)
{
    const QString outDir = QFileInfo(outDirIn).absoluteFilePath();
    const QFileInfo out(outDir);
    if (out.exists() && !out.isDir()) {
        report.error(outDir, QString(), QStringLiteral("is a file, not a folder"));
        return false;
    }
    const QString parent = out.absolutePath();
    if (!QDir().mkpath(parent)) {
        report.error(parent, QString(), QStringLiteral("cannot create the folder"));
        return false;
    }
    // Beside the target, so moving the finished files in is a rename on the same file system.
    QTemporaryDir staging(QDir(parent).filePath(QStringLiteral(".loupe-export-XXXXXX")));
    if (!staging.isValid()) {
        report.error(parent, QString(), QStringLiteral("cannot write here: %1").arg(staging.errorString()));
        return false;
    }
    if (!annotation::exportDataset(format, data, staging.path(), options, report) || report.hasErrors())
        return false;
    if (cancelled && cancelled()) {
        report.error(outDir, QString(), QStringLiteral("export cancelled, nothing was written"));
        return false;
    }
    if (!QDir().mkpath(outDir)) {
        report.error(outDir, QString(), QStringLiteral("cannot create the folder"));
        return false;
    }
    const QDir from(staging.path());
    QDirIterator it(staging.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString source = it.next();
        const QString target = QDir(outDir).filePath(from.relativeFilePath(source));
        QDir().mkpath(QFileInfo(target).absolutePath());
        if (QFileInfo::exists(target) && !QFile::remove(target)) {
            report.error(target, QString(), QStringLiteral("cannot replace the existing file"));
            return false;
        }
        if (!QFile::rename(source, target)) {
            report.error(target, QString(), QStringLiteral("cannot move the exported file into place"));
            return false;
        }
    }
    return true;
}

bool exportDryRun(annotation::Format format, const annotation::Dataset& data,
                  const annotation::ExportOptions& optionsIn, annotation::FormatReport& report)
{
    QTemporaryDir scratch;
    if (!scratch.isValid()) {
        report.error(scratch.path(), QString(),
                     QStringLiteral("cannot make a scratch folder for the dry run"));
        return false;
    }
    annotation::ExportOptions options = optionsIn;
    options.imageRoot.clear(); // what is dropped does not depend on the pixels
    return annotation::exportDataset(format, data, scratch.path(), options, report) && !report.hasErrors();
}

bool folderHasEntries(const QString& dir)
{
    const QDir d(dir);
    return d.exists() && !d.entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).isEmpty();
}

} // namespace loupe::views
