// SPDX-License-Identifier: MIT
// loupe export PROJECT --format FMT OUT [--split S] [--labels a,b] [--yolo-task T] [--no-copy-images]
//   [--force] [--json]; FMT is a built-in format or a plugin's.
#include "annotation/bridge/namedexchange.h"
#include "annotation/bridge/projectstoreaccess.h"
#include "app/cli/command.h"
#include "app/cli/exchange_args.h"

#include <QCommandLineParser>
#include <QTextStream>

namespace loupe::cli {

namespace {

const char* kUsage =
    "Usage: loupe export PROJECT --format FMT OUT [--split S] [--labels a,b]\n"
    "                    [--yolo-task auto|detect|segment|pose|obb] [--no-copy-images] [--force] [--json]\n"
    "  Writes the project's annotations to the folder OUT and reports what the format could not hold.\n"
    "  The images are copied into the format's layout (YOLO images/<split>/, COCO images/, VOC\n"
    "  JPEGImages/, CVAT images/, labelme beside each JSON, KITTI image_2/) unless --no-copy-images.\n"
    "  OUT must be empty or new unless --force. YOLO writes each image under its project split, and\n"
    "  data.yaml's val is the project's val split when it has one (else the train folder again).\n";

// The formats are only known once the plugins are loaded.
QString usage()
{
    return QString::fromUtf8(kUsage) + formatChoices();
}

int run(const QStringList& args)
{
    QCommandLineParser p;
    const QCommandLineOption split(QStringLiteral("split"), QStringLiteral("only this split"),
                                   QStringLiteral("S"));
    const QCommandLineOption labels(QStringLiteral("labels"), QStringLiteral("only these labels"),
                                    QStringLiteral("a,b"));
    p.addOptions({split, labels});
    addExportOptions(p);
    ExchangeArgs a;
    if (const int code =
            parseExchangeArgs(QStringLiteral("export"), usage(), QStringLiteral("OUT"), p, args, a);
        code >= 0)
        return code;
    ExportArgs ea;
    QString error;
    if (!readExportOptions(p, ea, &error)) {
        QTextStream(stderr) << "loupe export: " << error << "\n" << usage();
        return ExitUsage;
    }
    if (!annotation::exportFolderUsable(a.path, ea.force, &error)) {
        QTextStream(stderr) << "loupe export: " << error << " (--force writes into it anyway)\n";
        return ExitFailure;
    }
    core::Project* project = a.project.get();
    annotation::ProjectStoreAccess access(*project);
    annotation::ProjectExportOptions options;
    options.outDir = a.path;
    options.split = p.value(split);
    options.yoloTask = ea.yoloTask;
    options.copyImages = ea.copyImages;
    if (p.isSet(labels))
        for (const QString& l : p.value(labels).split(QLatin1Char(','), Qt::SkipEmptyParts))
            options.labels << l.trimmed();
    annotation::FormatReport report;
    const bool ok = annotation::exportProjectAs(a.format, access, options, report);
    for (const QString& e : access.shapeErrors())
        report.warning(project->path(), QString(), QStringLiteral("skipped unreadable %1").arg(e));
    printReport(report, a.json);
    if (!ok || report.hasErrors()) {
        QTextStream(stderr) << "loupe export: failed writing " << a.path << "\n";
        return ExitFailure;
    }
    return ExitOk;
}

const CommandRegistrar registrar(
    {QStringLiteral("export"),
     QStringLiteral("write a project's annotations as COCO, YOLO, VOC, labelme, CVAT or a plugin's format"),
     run});

} // namespace

} // namespace loupe::cli
