// SPDX-License-Identifier: MIT
// loupe project new PATH | loupe project info PATH [--json]
#include "app/cli/command.h"
#include "core/store/project.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace loupe::cli {

namespace {

const char* kUsage = "Usage: loupe project new PATH             create an empty project (PATH.loupe)\n"
                     "       loupe project info PATH [--json]    counts, schema version and integrity\n";

int projectNew(const QString& path)
{
    QString error;
    auto p = core::Project::create(path, &error);
    if (!p) {
        QTextStream(stderr) << "loupe project new: " << error << "\n";
        return ExitFailure;
    }
    QTextStream(stdout) << "created " << p->path() << " (schema " << core::Project::kSchemaVersion << ")\n";
    return ExitOk;
}

int projectInfo(const QString& path, bool json)
{
    QString error;
    auto p = core::Project::open(path, &error);
    if (!p) {
        QTextStream(stderr) << "loupe project info: " << error << "\n";
        return ExitFailure;
    }
    const core::ProjectInfo i = p->info();
    if (json) {
        const QJsonObject o{{QStringLiteral("path"), p->path()},
                            {QStringLiteral("schema_version"), i.schemaVersion},
                            {QStringLiteral("integrity"), i.integrity},
                            {QStringLiteral("assets"), i.assets},
                            {QStringLiteral("labels"), i.labels},
                            {QStringLiteral("annotations"), i.annotations},
                            {QStringLiteral("captions"), i.captions},
                            {QStringLiteral("qa_turns"), i.qaTurns},
                            {QStringLiteral("runs"), i.runs},
                            {QStringLiteral("models"), i.models},
                            {QStringLiteral("can_undo"), p->canUndo()},
                            {QStringLiteral("bytes"), QFileInfo(p->path()).size()}};
        QTextStream(stdout) << QJsonDocument(o).toJson(QJsonDocument::Compact) << "\n";
    } else {
        QTextStream out(stdout);
        out << "project:      " << p->path() << "\n"
            << "schema:       " << i.schemaVersion << "\n"
            << "integrity:    " << i.integrity << "\n"
            << "assets:       " << i.assets << "\n"
            << "labels:       " << i.labels << "\n"
            << "annotations:  " << i.annotations << "\n"
            << "captions:     " << i.captions << "\n"
            << "qa turns:     " << i.qaTurns << "\n"
            << "runs:         " << i.runs << "\n"
            << "models:       " << i.models << "\n"
            << "undo:         " << (p->canUndo() ? p->undoText() : QStringLiteral("(nothing)")) << "\n";
    }
    return i.integrity == QLatin1String("ok") ? ExitOk : ExitFailure;
}

int run(const QStringList& args)
{
    if (args.isEmpty() || args.contains(QStringLiteral("--help")) || args.contains(QStringLiteral("-h"))) {
        (args.isEmpty() ? QTextStream(stderr) : QTextStream(stdout)) << kUsage;
        return args.isEmpty() ? ExitUsage : ExitOk;
    }
    const QString sub = args[0];
    const bool json = args.contains(QStringLiteral("--json"));
    QStringList rest;
    for (const QString& a : args.mid(1))
        if (a != QLatin1String("--json"))
            rest << a;
    for (const QString& a : rest)
        if (a.startsWith(QLatin1Char('-'))) {
            QTextStream(stderr) << "loupe project: unknown option " << a << "\n" << kUsage;
            return ExitUsage;
        }
    if (rest.size() != 1) {
        QTextStream(stderr) << "loupe project " << sub << ": expected one PATH\n" << kUsage;
        return ExitUsage;
    }
    // Another process writing the project makes this wait; say so in this command's own voice.
    core::setBusyNotice([sub](const QString& message) {
        QTextStream(stderr) << "loupe project " << sub << ": " << message << Qt::endl;
    });
    if (sub == QLatin1String("new"))
        return projectNew(rest[0]);
    if (sub == QLatin1String("info"))
        return projectInfo(rest[0], json);
    QTextStream(stderr) << "loupe project: unknown subcommand '" << sub << "'\n" << kUsage;
    return ExitUsage;
}

const CommandRegistrar registrar({QStringLiteral("project"), QStringLiteral("create a project or show its contents"),
                                  run});

} // namespace

} // namespace loupe::cli
