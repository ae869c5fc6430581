// SPDX-License-Identifier: MIT
// loupe plugins [--json]
// What was loaded from which plugin folder and what it provides, and what was refused and why.
#include "app/cli/command.h"
#include "app/cli/help_text.h"
#include "plugins/api/plugin_api.h"
#include "plugins/host/plugin_host.h"

#include <QCommandLineParser>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace loupe::cli {

namespace {

int pluginsCommand(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("List the plugins found in the plugin folders "
                                               "(LOUPE_PLUGIN_PATH, the user's, the system's): what each "
                                               "loaded one provides, and why each refused one was refused."));
    p.addHelpOption();
    p.addOption({QStringLiteral("json"), QStringLiteral("Print a JSON object instead of text.")});
    QTextStream out(stdout), err(stderr);
    if (!p.parse(QStringList{QStringLiteral("loupe plugins")} + args)) {
        err << "loupe plugins: " << p.errorText() << "\n";
        return ExitUsage;
    }
    if (p.isSet(QStringLiteral("help"))) {
        out << commandHelpText(p, QStringLiteral("plugins"));
        return ExitOk;
    }
    if (!p.positionalArguments().isEmpty()) {
        err << "loupe plugins: unexpected argument '" << p.positionalArguments().first() << "'\n";
        return ExitUsage;
    }
    const std::vector<plugins::PluginRecord>& records = plugins::loadInstalledPlugins();
    const std::vector<plugins::PluginFolder> folders = plugins::defaultPluginFolders();
    if (p.isSet(QStringLiteral("json"))) {
        QJsonArray folderList, loaded, refused;
        for (const plugins::PluginFolder& f : folders)
            folderList.append(QJsonObject{{QStringLiteral("path"), f.path},
                                          {QStringLiteral("origin"), f.origin},
                                          {QStringLiteral("exists"), QDir(f.path).exists()}});
        for (const plugins::PluginRecord& r : records)
            (r.loaded ? loaded : refused).append(plugins::recordToJson(r));
        const QJsonObject root{
            {QStringLiteral("api_version"), QStringLiteral(LOUPE_PLUGIN_API_VERSION_STRING)},
            {QStringLiteral("folders"), folderList},
            {QStringLiteral("loaded"), loaded},
            {QStringLiteral("refused"), refused}};
        out << QJsonDocument(root).toJson(QJsonDocument::Indented);
        return ExitOk;
    }
    out << "Plugin API " << LOUPE_PLUGIN_API_VERSION_STRING << "; folders searched:\n";
    for (const plugins::PluginFolder& f : folders)
        out << "  " << f.origin.leftJustified(18) << f.path << (QDir(f.path).exists() ? "" : "  (missing)")
            << "\n";
    int nLoaded = 0, nRefused = 0;
    for (const plugins::PluginRecord& r : records)
        (r.loaded ? nLoaded : nRefused)++;
    out << "\nLoaded (" << nLoaded << "):\n";
    for (const plugins::PluginRecord& r : records) {
        if (!r.loaded) continue;
        out << "  " << r.name << " " << r.version << "  " << r.file << "  [" << r.origin << "]\n";
        if (!r.description.isEmpty()) out << "    " << r.description << "\n";
        out << "    provides: " << r.provides.join(QStringLiteral(", ")) << "\n";
        for (const QString& n : r.notes)
            out << "    " << n << "\n";
    }
    out << "\nRefused (" << nRefused << "):\n";
    for (const plugins::PluginRecord& r : records)
        if (!r.loaded) out << "  " << r.reason << "  [" << r.origin << "]\n";
    return ExitOk;
}

const CommandRegistrar
    reg({QStringLiteral("plugins"),
         QStringLiteral("List loaded plugins with what they provide, and refused ones with why"),
         pluginsCommand});

} // namespace

} // namespace loupe::cli
