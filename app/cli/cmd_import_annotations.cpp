// SPDX-License-Identifier: MIT
// loupe import-annotations PROJECT --format coco|yolo|voc|labelme|cvat PATH [--json]
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
    "Usage: loupe import-annotations PROJECT --format coco|yolo|voc|labelme|cvat PATH [--json]\n"
    "  Adds the annotations at PATH to the project's images (matched by relative path, else by unique\n"
    "  file name) as one undoable step; on malformed input nothing is changed.\n";

int run(const QStringList& args)
{
    QCommandLineParser p;
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption format(QStringLiteral("format"), QStringLiteral("input format"),
                                    QStringLiteral("FMT"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("report as JSON"));
    const QCommandLineOption help(QStringList{QStringLiteral("help"), QStringLiteral("h")},
                                  QStringLiteral("help"));
    p.addOptions({format, json, help});
    QTextStream err(stderr);
    if (!p.parse(QStringList{QStringLiteral("loupe import-annotations")} + args)) {
        err << "loupe import-annotations: " << p.errorText() << "\n" << kUsage;
        return ExitUsage;
    }
    if (p.isSet(help)) {
        QTextStream(stdout) << kUsage;
        return ExitOk;
    }
    const QStringList pos = p.positionalArguments();
    if (pos.size() != 2 || !p.isSet(format)) {
        err << "loupe import-annotations: expected PROJECT, PATH and --format\n" << kUsage;
        return ExitUsage;
    }
    const auto fmt = annotation::formatFromName(p.value(format));
    if (!fmt) {
        err << "loupe import-annotations: unknown format '" << p.value(format) << "' (one of "
            << annotation::formatNames().join(QStringLiteral(", ")) << ")\n";
        return ExitUsage;
    }
    QString error;
    auto project = core::Project::open(pos[0], &error);
    if (!project) {
        err << "loupe import-annotations: " << error << "\n";
        return ExitFailure;
    }
    annotation::ProjectStoreAccess access(*project);
    annotation::FormatReport report;
    const bool ok = annotation::importIntoProject(access, *fmt, pos[1], report);
    if (p.isSet(json))
        QTextStream(stdout) << QJsonDocument(report.toJson()).toJson(QJsonDocument::Compact) << "\n";
    else
        QTextStream(stdout) << report.toText();
    if (!ok || report.hasErrors()) {
        // The report names file and place; repeat the file on stderr so scripts see it without parsing.
        QString where = pos[1];
        if (!report.errors().empty() && !report.errors().front().file.isEmpty())
            where = report.errors().front().file;
        err << "loupe import-annotations: " << where << ": nothing was imported";
        if (!report.errors().empty()) err << " (" << report.errors().front().message << ")";
        err << "\n";
        return ExitFailure;
    }
    return ExitOk;
}

const CommandRegistrar
    registrar({QStringLiteral("import-annotations"),
               QStringLiteral("add COCO, YOLO, VOC, labelme or CVAT annotations to a project"), run});

} // namespace

} // namespace loupe::cli
