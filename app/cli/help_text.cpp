// SPDX-License-Identifier: MIT
#include "app/cli/help_text.h"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace loupe::cli {

QString commandHelpText(const QCommandLineParser& p, const QString& command)
{
    QString text = p.helpText();
    const QString usage = QStringLiteral("Usage: ");
    if (!text.startsWith(usage)) return text;
    // The program name is argv[0] as given (it may be a path with spaces), so it is cut by its length.
    const QStringList argv = QCoreApplication::arguments();
    qsizetype nameLength = argv.isEmpty() ? -1 : argv.constFirst().size();
    if (nameLength < 0 || text.mid(usage.size(), nameLength) != argv.constFirst())
        nameLength = text.indexOf(QLatin1Char(' '), usage.size()) - usage.size();
    if (nameLength < 0) return text;
    text.replace(usage.size(), nameLength, QStringLiteral("loupe ") + command);
    return text;
}

} // namespace loupe::cli
