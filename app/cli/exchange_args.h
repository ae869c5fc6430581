// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/formats/formats.h"
#include "core/store/project.h"

#include <QCommandLineParser>
#include <memory>

namespace loupe::annotation {
class FormatReport;
}

namespace loupe::cli {

// What `loupe export` and `loupe import-annotations` share: PROJECT, a path, --format, --json and
// --help, parsed the same way and the project opened with the same messages.
struct ExchangeArgs
{
    std::unique_ptr<core::Project> project;
    QString format; // a name from annotation::allFormatNames(): built in or a plugin's
    QString path;   // OUT for export, PATH for import; absolute (resolved against the current directory)
    bool json = false;
};

// `loupe import-annotations` options beyond ExchangeArgs.
struct ImportArgs
{
    bool keepDuplicates = false; // --keep-duplicates
    QString emptyLabel;          // --empty-label NAME
};
void addImportOptions(QCommandLineParser& parser);
void readImportOptions(const QCommandLineParser& parser, ImportArgs& out);

// `loupe export` options beyond ExchangeArgs (--split and --labels are the command's own).
struct ExportArgs
{
    annotation::YoloTask yoloTask = annotation::YoloTask::Auto; // --yolo-task
    bool copyImages = true;                                     // --no-copy-images clears it
    bool force = false;                                         // --force: write into a non-empty OUT
};
void addExportOptions(QCommandLineParser& parser);
// False with *error for a value that is not one of the choices.
bool readExportOptions(const QCommandLineParser& parser, ExportArgs& out, QString* error);

// The formats there are at run time (built in, then the plugins'), one per line, for --help.
QString formatChoices();

// Parses `args` for `command` (extra options already added to `parser`). Returns the exit code to
// stop with (usage, help, an unknown format or an unopenable project; messages printed), or -1 with
// `out` filled.
int parseExchangeArgs(const QString& command, const QString& usage, const QString& pathName,
                      QCommandLineParser& parser, const QStringList& args, ExchangeArgs& out);

// The report on stdout, as text or compact JSON.
void printReport(const annotation::FormatReport& report, bool json);

} // namespace loupe::cli
