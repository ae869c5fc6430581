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
    annotation::Format format = annotation::Format::Coco;
    QString path; // OUT for export, PATH for import
    bool json = false;
};

// Parses `args` for `command` (extra options already added to `parser`). Returns the exit code to
// stop with (usage, help or an unopenable project; messages printed), or -1 with `out` filled.
int parseExchangeArgs(const QString& command, const char* usage, const QString& pathName,
                      QCommandLineParser& parser, const QStringList& args, ExchangeArgs& out);

// The report on stdout, as text or compact JSON.
void printReport(const annotation::FormatReport& report, bool json);

} // namespace loupe::cli
