// SPDX-License-Identifier: MIT
// loupe import PROJECT PATH... [--every N] [--json]
#include "app/cli/command.h"
#include "app/cli/help_text.h"
#include "core/imageio.h"
#include "core/import/importjob.h"
#include "core/store/busywait.h"
#include "core/store/project.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>
#include <cstdio>
#include <unistd.h>

namespace loupe::cli {

namespace {

void drawProgress(int done, int total)
{
    const int width = 40;
    const int filled = total > 0 ? int(qint64(width) * done / total) : width;
    std::fprintf(stderr, "\r[%s%s] %d/%d", std::string(size_t(filled), '#').c_str(),
                 std::string(size_t(width - filled), ' ').c_str(), done, total);
    std::fflush(stderr);
}

int importCommand(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(
        QStringLiteral(
            "Add images (files or folders, recursive: jpg, png, bmp, tiff, webp) to a project. Content "
            "already in the project is skipped. Files that cannot be imported are listed as failed with the "
            "reason (not an image, truncated, permission denied, above the limit of %1 megapixels) and "
            "the rest are still imported.\n"
            "DICOM files are found by their DICM preamble whatever their name (a scanner's IM0001 too) "
            "and imported as they are; models see them windowed to 8 bits with the file's first Window "
            "Center/Width preset. A multi-frame DICOM file becomes a frame sequence of single-frame DICOM "
            "files in frames/<file name>/ beside the project. Patient tags are never copied into the "
            "project; `loupe dicom FILE` shows what a file holds.\n"
            "Videos (mp4, avi, mov, mkv, webm, m4v, or any file that opens as one) are imported as frames: "
            "every Nth frame (--every) is written as a PNG into frames/<video name>/ beside the project "
            "and added with its frame number; importing the same video again resumes it.\n"
            "Exit status: 0 all files imported or skipped as duplicates, 1 some files failed (the others "
            "were imported) or the project could not be opened, 2 usage error.")
            .arg(double(core::kMaxImagePixels) / 1e6, 0, 'f', 1));
    p.addHelpOption();
    p.addOption({QStringLiteral("json"), QStringLiteral("Print a JSON summary instead of text.")});
    p.addOption({QStringLiteral("every"),
                 QStringLiteral("Import every Nth frame of videos (default 1: all)."), QStringLiteral("N"),
                 QStringLiteral("1")});
    p.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("The .loupe project file."));
    p.addPositionalArgument(QStringLiteral("PATH"),
                            QStringLiteral("Image, DICOM or video files, or folders."),
                            QStringLiteral("PATH..."));
    QTextStream out(stdout), err(stderr);
    if (!p.parse(QStringList{QStringLiteral("loupe import")} + args)) {
        err << "loupe import: " << p.errorText() << "\n";
        return ExitUsage;
    }
    if (p.isSet(QStringLiteral("help"))) {
        out << commandHelpText(p, QStringLiteral("import"));
        return ExitOk;
    }
    const QStringList pos = p.positionalArguments();
    if (pos.size() < 2) {
        err << "usage: loupe import [--every N] [--json] PROJECT PATH...\n";
        return ExitUsage;
    }
    bool strideOk = false;
    const int stride = p.value(QStringLiteral("every")).toInt(&strideOk);
    if (!strideOk || stride < 1) {
        err << "loupe import: --every wants a whole number of at least 1, not '"
            << p.value(QStringLiteral("every")) << "'\n";
        return ExitUsage;
    }
    const bool json = p.isSet(QStringLiteral("json"));
    QString error;
    // Another process writing the project makes this one wait; say so in the command's own name.
    core::setBusyNotice(
        [](const QString& message) { QTextStream(stderr) << "loupe import: " << message << "\n"; });
    auto project = core::Project::open(pos[0], &error);
    if (!project) {
        err << "loupe import: " << error << "\n";
        return ExitFailure;
    }
    const bool tty = isatty(STDERR_FILENO) != 0;
    QElapsedTimer timer;
    timer.start();
    core::ProgressCallback progress;
    if (tty) {
        progress = drawProgress;
    } else if (!json) {
        // Not a terminal: one plain line per committed batch, so logs (and tests) can follow along.
        progress = [](int done, int total) {
            std::fprintf(stderr, "imported %d/%d\n", done, total);
            std::fflush(stderr);
        };
    }
    const core::ImportReport r =
        core::importFiles(*project, pos.mid(1), progress, nullptr, core::kImportBatchSize, stride);
    if (tty) std::fputs("\n", stderr);
    const double seconds = timer.elapsed() / 1000.0;
    if (json) {
        QJsonArray failed;
        for (const auto& f : r.failed)
            failed.append(
                QJsonObject{{QStringLiteral("path"), f.path}, {QStringLiteral("reason"), f.reason}});
        QJsonObject o{
            {QStringLiteral("project"), project->path()}, {QStringLiteral("total"), r.total},
            {QStringLiteral("added"), r.added},           {QStringLiteral("duplicates"), r.duplicates},
            {QStringLiteral("failed"), failed},           {QStringLiteral("seconds"), seconds}};
        if (!r.error.isEmpty()) o.insert(QStringLiteral("error"), r.error);
        out << QJsonDocument(o).toJson(QJsonDocument::Indented);
    } else {
        out << "added " << r.added << ", duplicates " << r.duplicates << ", failed " << r.failed.size()
            << " (" << r.total << " images and frames, " << QString::number(seconds, 'f', 2) << " s)\n";
        for (const auto& f : r.failed)
            err << "failed: " << f.reason << "\n";
    }
    if (!r.error.isEmpty()) {
        err << "loupe import: " << r.error << "\n";
        return ExitFailure;
    }
    return r.failed.isEmpty() ? ExitOk : ExitFailure;
}

const CommandRegistrar registrar{
    {QStringLiteral("import"),
     QStringLiteral("Add images (files or folders), DICOM files or videos (as frames) to a project"),
     importCommand}};

} // namespace

} // namespace loupe::cli
