// SPDX-License-Identifier: MIT
#include "app/cli/exchange_args.h"

#include "annotation/formats/report.h"
#include "app/cli/command.h"

#include <QJsonDocument>
#include <QTextStream>

namespace loupe::cli {

int parseExchangeArgs(const QString& command, const char* usage, const QString& pathName,
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
    const auto fmt = annotation::formatFromName(p.value(format));
    if (!fmt) {
        err << prefix << "unknown format '" << p.value(format) << "' (one of "
            << annotation::formatNames().join(QStringLiteral(", ")) << ")\n";
        return ExitUsage;
    }
    QString error;
    out.project = core::Project::open(pos[0], &error);
    if (!out.project) {
        err << prefix << error << "\n";
        return ExitFailure;
    }
    out.format = *fmt;
    out.path = pos[1];
    out.json = p.isSet(json);
    return -1;
}

void printReport(const annotation::FormatReport& report, bool json)
{
    if (json)
        QTextStream(stdout) << QJsonDocument(report.toJson()).toJson(QJsonDocument::Compact) << "\n";
    else
        QTextStream(stdout) << report.toText();
}

} // namespace loupe::cli
