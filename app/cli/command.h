// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>

#include <functional>
#include <vector>

namespace loupe::cli {

// A headless subcommand of `loupe`. Each lives in its own file and registers itself with a
// static CommandRegistrar, so adding one never touches main.cpp.
struct Command
{
    QString name;     // "project", "import", "classify", ...
    QString summary;  // one line for `loupe --help`
    // args excludes the program name and the command name. Returns the process exit code.
    std::function<int(const QStringList& args)> run;
};

std::vector<Command>& registry();
const Command* findCommand(const QString& name);

struct CommandRegistrar
{
    explicit CommandRegistrar(Command c) { registry().push_back(std::move(c)); }
};

// Exit codes shared by every command.
enum ExitCode { ExitOk = 0, ExitFailure = 1, ExitUsage = 2 };

} // namespace loupe::cli
