// SPDX-License-Identifier: MIT
#include "app/cli/exchange_args.h"

#include "annotation/formats/format_registry.h"
#include "annotation/formats/report.h"
#include "app/cli/command.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QTextStream>

namespace loupe::cli {

QString formatChoices()
{
    QString out = QStringLiteral("  Formats (--format):\n");
    for (const annotation::FormatInfo& f : annotation::formatInfos())
        out += QStringLiteral("    %1  %2\n").arg(f.name, -8).arg(f.title);
    // Plugins add theirs at startup; say where each came from so a surprising one can be traced.
    for (const annotation::RegisteredFormat& f : annotation::registeredFormats()) {
        const QString way = f.read && f.write ? QString()
                            : f.read          ? QStringLiteral(", import only")
                                              : QStringLiteral(", export only");
        out += QStringLiteral("    %1  %2 (plugin %3%4)\n").arg(f.name, -8).arg(f.title, f.origin, way);
    }
    return out;
}

int parseExchangeArgs(const QString& command, const QString& usage, const QString& pathName,
                      QCommandLineParser& p, const QStringList& args, ExchangeArgs& out)
{
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption format(QStringLiteral("format"), QStringLiteral("annotation format"),
                                    QStringLiteral("FMT"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("report as JSON"));
    const QCommandLineOption help(QStringList{QStringLiteral("help"), QStringLiteral("h")},
                                  QStringLiteral("help"));
    p.addOptions({format, json, help});
    const QString prefix = QStringLiteral("loupe ") + command + QStringLiteral(": ");
    QTextStream err(stderr);
    if (!p.parse(QStringList{QStringLiteral("loupe ") + command} + args)) {
        err << prefix << p.errorText() << "\n" << usage;
        return ExitUsage;
    }
    if (p.isSet(help)) {
        QTextStream(stdout) << usage;
        return ExitOk;
    }
    const QStringList pos = p.positionalArguments();
    if (pos.size() != 2 || !p.isSet(format)) {
        err << prefix << "expected PROJECT, " << pathName << " and --format\n" << usage;
        return ExitUsage;
    }
    const QString fmt = p.value(format).trimmed().toLower();
    if (!annotation::allFormatNames().contains(fmt)) {
        err << prefix << "unknown format '" << p.value(format) << "' (one of "
            << annotation::allFormatNames().join(QStringLiteral(", ")) << ")\n";
        return ExitUsage;
    }
    QString error;
    out.project = core::Project::open(pos[0], &error);
    if (!out.project) {
        err << prefix << error << "\n";
        return ExitFailure;
    }
    out.format = fmt;
    // Absolute before anything else: readers pair folders with relative file names.
    out.path = QFileInfo(pos[1]).absoluteFilePath();
    out.json = p.isSet(json);
    return -1;
}

void addImportOptions(QCommandLineParser& p)
{
    p.addOption({QStringLiteral("keep-duplicates"),
                 QStringLiteral("add shapes even when the image already has the same one")});
    p.addOption({QStringLiteral("empty-label"), QStringLiteral("label for shapes the file leaves unlabeled"),
                 QStringLiteral("NAME")});
}

void readImportOptions(const QCommandLineParser& p, ImportArgs& out)
{
    out.keepDuplicates = p.isSet(QStringLiteral("keep-duplicates"));
    out.emptyLabel = p.value(QStringLiteral("empty-label")).trimmed();
}

void addExportOptions(QCommandLineParser& p)
{
    p.addOption({QStringLiteral("yolo-task"),
                 QStringLiteral("YOLO task: %1").arg(annotation::yoloTaskNames().join(QStringLiteral(", "))),
                 QStringLiteral("T")});
    p.addOption({QStringLiteral("no-copy-images"), QStringLiteral("write annotations only")});
    p.addOption({QStringLiteral("force"), QStringLiteral("write into a folder that is not empty")});
}

bool readExportOptions(const QCommandLineParser& p, ExportArgs& out, QString* error)
{
    if (p.isSet(QStringLiteral("yolo-task"))) {
        const auto t = annotation::yoloTaskFromName(p.value(QStringLiteral("yolo-task")));
        if (!t) {
            *error = QStringLiteral("unknown --yolo-task '%1' (one of %2)")
                         .arg(p.value(QStringLiteral("yolo-task")),
                              annotation::yoloTaskNames().join(QStringLiteral(", ")));
            return false;
        }
        out.yoloTask = *t;
    }
    out.copyImages = !p.isSet(QStringLiteral("no-copy-images"));
    out.force = p.isSet(QStringLiteral("force"));
    return true;
}

void printReport(const annotation::FormatReport& report, bool json)
{
    if (json)
        QTextStream(stdout) << QJsonDocument(report.toJson()).toJson(QJsonDocument::Compact) << "\n";
    else
        QTextStream(stdout) << report.toText();
}

} // namespace loupe::cli
