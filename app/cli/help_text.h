// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

class QCommandLineParser;

namespace loupe::cli {

// p.helpText() with its usage line naming the command: QCommandLineParser takes the program name from
// argv[0], so a subcommand's help read "Usage: loupe [options] ..." without the subcommand.
// commandHelpText(p, "import") -> "Usage: loupe import [options] PROJECT PATH...".
QString commandHelpText(const QCommandLineParser& p, const QString& command);

} // namespace loupe::cli
