// SPDX-License-Identifier: MIT
// `loupe` with no subcommand opens the GUI; a subcommand runs headless (no display needed).
#include "app/cli/command.h"
#include "app/gui.h"
#include "plugins/host/plugin_host.h"

#include <QCoreApplication>
#include <QTextStream>

#include <algorithm>
#include <cstring>

using namespace loupe;

namespace {

void printUsage(QTextStream& out)
{
    out << "Usage: loupe [PROJECT.loupe | --sample]        open the workbench\n"
        << "       loupe COMMAND [ARGS...]                 run a command headless\n"
        << "       loupe COMMAND --help                    help for one command\n\nCommands:\n";
    auto commands = cli::registry();
    std::sort(commands.begin(), commands.end(), [](auto& a, auto& b) { return a.name < b.name; });
    for (const cli::Command& c : commands)
        out << "  " << c.name.leftJustified(20) << c.summary << "\n";
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication::setOrganizationName(QStringLiteral("Loupe"));
    QCoreApplication::setApplicationName(QStringLiteral("Loupe"));
    QCoreApplication::setApplicationVersion(QStringLiteral(LOUPE_VERSION));

    if (argc >= 2) {
        const char* first = argv[1];
        if (!std::strcmp(first, "--help") || !std::strcmp(first, "-h") || !std::strcmp(first, "help")) {
            QTextStream out(stdout);
            printUsage(out);
            return cli::ExitOk;
        }
        if (!std::strcmp(first, "--version")) {
            QTextStream(stdout) << "loupe " << LOUPE_VERSION << "\n";
            return cli::ExitOk;
        }
        if (first[0] != '-' && !QString::fromLocal8Bit(first).endsWith(QLatin1String(".loupe"), Qt::CaseInsensitive)) {
            QCoreApplication app(argc, argv);
            plugins::loadInstalledPlugins(); // a command may use a format or method a plugin adds
            const cli::Command* command = cli::findCommand(QString::fromLocal8Bit(first));
            if (!command) {
                QTextStream err(stderr);
                err << "loupe: unknown command '" << first << "'\n\n";
                printUsage(err);
                return cli::ExitUsage;
            }
            QStringList args = app.arguments().mid(2);
            return command->run(args);
        }
    }
    return runGui(argc, argv);
}
