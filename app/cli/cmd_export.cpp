// SPDX-License-Identifier: MIT
// loupe export PROJECT --format coco|yolo|voc|labelme|cvat OUT [--split S] [--labels a,b] [--json]
#include "annotation/bridge/projectexchange.h"
#include "annotation/bridge/projectstoreaccess.h"
#include "app/cli/command.h"
#include "core/store/project.h"

#include <QCommandLineParser>
#include <QJsonDocument>
#include <QTextStream>

namespace loupe::cli {

namespace {

const char* kUsage =
    "Usage: loupe export PROJECT --format coco|yolo|voc|labelme|cvat OUT [--split S] [--labels a,b] "
    "[--json]\n"
    "  Writes the project's annotations to the folder OUT and reports what the format could not hold.\n";

int run(const QStringList& args)
{
    QCommandLineParser p;
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption format(QStringLiteral("format"), QStringLiteral("output format"),
                                    QStringLiteral("FMT"));
    const QCommandLineOption split(QStringLiteral("split"), QStringLiteral("only this split"),
                                   QStringLiteral("S"));
    const QCommandLineOption labels(QStringLiteral("labels"), QStringLiteral("only these labels"),
                                    QStringLiteral("a,b"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("report as JSON"));
    const QCommandLineOption help(QStringList{QStringLiteral("help"), QStringLiteral("h")},
                                  QStringLiteral("help"));
    p.addOptions({format, split, labels, json, help});
    QTextStream err(stderr);
    if (!p.parse(QStringList{QStringLiteral("loupe export")} + args)) {
        err << "loupe export: " << p.errorText() << "\n" << kUsage;
        return ExitUsage;
    }
    if (p.isSet(help)) {
        QTextStream(stdout) << kUsage;
        return ExitOk;
    }
    const QStringList pos = p.positionalArguments();
    if (pos.size() != 2 || !p.isSet(format)) {
        err << "loupe export: expected PROJECT, OUT and --format\n" << kUsage;
        return ExitUsage;
    }
    const auto fmt = annotation::formatFromName(p.value(format));
    if (!fmt) {
        err << "loupe export: unknown format '" << p.value(format) << "' (one of "
            << annotation::formatNames().join(QStringLiteral(", ")) << ")\n";
        return ExitUsage;
    }
    QString error;
    auto project = core::Project::open(pos[0], &error);
    if (!project) {
        err << "loupe export: " << error << "\n";
        return ExitFailure;
    }
    annotation::ProjectStoreAccess access(*project);
    annotation::ProjectExportOptions options;
    options.format = *fmt;
    options.outDir = pos[1];
    options.split = p.value(split);
    if (p.isSet(labels))
        for (const QString& l : p.value(labels).split(QLatin1Char(','), Qt::SkipEmptyParts))
            options.labels << l.trimmed();
    annotation::FormatReport report;
    const bool ok = annotation::exportProject(access, options, report);
    for (const QString& e : access.shapeErrors())
        report.warning(project->path(), QString(), QStringLiteral("skipped unreadable %1").arg(e));
    if (p.isSet(json))
        QTextStream(stdout) << QJsonDocument(report.toJson()).toJson(QJsonDocument::Compact) << "\n";
    else
        QTextStream(stdout) << report.toText();
    if (!ok || report.hasErrors()) {
        err << "loupe export: failed writing " << pos[1] << "\n";
        return ExitFailure;
    }
    return ExitOk;
}

const CommandRegistrar
    registrar({QStringLiteral("export"),
               QStringLiteral("write a project's annotations as COCO, YOLO, VOC, labelme or CVAT"), run});

} // namespace

} // namespace loupe::cli
