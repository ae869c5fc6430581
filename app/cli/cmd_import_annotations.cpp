// SPDX-License-Identifier: MIT
// loupe import-annotations PROJECT --format FMT PATH [--keep-duplicates] [--empty-label NAME] [--json];
//   FMT is a built-in format or a plugin's.
#include "annotation/bridge/namedexchange.h"
#include "annotation/bridge/projectstoreaccess.h"
#include "app/cli/command.h"
#include "app/cli/exchange_args.h"

#include <QCommandLineParser>
#include <QTextStream>

namespace loupe::cli {

namespace {

const char* kUsage =
    "Usage: loupe import-annotations PROJECT --format FMT PATH [--keep-duplicates]\n"
    "                                [--empty-label NAME] [--json]\n"
    "  Adds the annotations at PATH to the project's images (matched by relative path, else by unique\n"
    "  file name) as one undoable step; on malformed input nothing is changed. Shapes an image already\n"
    "  has (same label, same geometry) are skipped and counted unless --keep-duplicates. Shapes the file\n"
    "  leaves unlabeled (CVAT) get the label NAME (default \"unlabeled\").\n";

// The formats are only known once the plugins are loaded.
QString usage()
{
    return QString::fromUtf8(kUsage) + formatChoices();
}

int run(const QStringList& args)
{
    QCommandLineParser p;
    ExchangeArgs a;
    ImportArgs ia;
    addImportOptions(p);
    if (const int code = parseExchangeArgs(QStringLiteral("import-annotations"), usage(),
                                           QStringLiteral("PATH"), p, args, a);
        code >= 0)
        return code;
    readImportOptions(p, ia);
    core::Project* project = a.project.get();
    annotation::ProjectStoreAccess access(*project);
    annotation::FormatReport report;
    annotation::ProjectImportOptions options;
    options.path = a.path;
    options.keepDuplicates = ia.keepDuplicates;
    options.emptyLabel = ia.emptyLabel;
    const bool ok = annotation::importIntoProjectAs(a.format, access, options, report);
    printReport(report, a.json);
    if (!ok || report.hasErrors()) {
        // The report names file and place; repeat the file on stderr so scripts see it without parsing.
        QString where = a.path;
        if (!report.errors().empty() && !report.errors().front().file.isEmpty())
            where = report.errors().front().file;
        QTextStream err(stderr);
        err << "loupe import-annotations: " << where << ": nothing was imported";
        if (!report.errors().empty()) err << " (" << report.errors().front().message << ")";
        err << "\n";
        return ExitFailure;
    }
    return ExitOk;
}

const CommandRegistrar registrar(
    {QStringLiteral("import-annotations"),
     QStringLiteral("add COCO, YOLO, VOC, labelme, CVAT or a plugin format's annotations to a project"),
     run});

} // namespace

} // namespace loupe::cli
