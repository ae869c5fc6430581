// SPDX-License-Identifier: MIT
#include "plugins/host/plugin_host.h"

#include "plugins/api/plugin_api.h"
#include "plugins/host/plugin_registration.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QLibrary>
#include <QLoggingCategory>
#include <QPluginLoader>
#include <QStandardPaths>

Q_LOGGING_CATEGORY(lcPlugins, "loupe.plugins", QtWarningMsg) // a loaded plugin is news only when asked for

#ifndef LOUPE_PLUGIN_SYSTEM_DIR
#define LOUPE_PLUGIN_SYSTEM_DIR "/usr/lib/loupe/plugins"
#endif

namespace loupe::plugins {

namespace {

struct ApiVersion
{
    int major = -1;
    int minor = -1;
};

// "1.0" -> {1, 0}; {-1, -1} when it is not MAJOR.MINOR.
ApiVersion parseApiVersion(const QString& text)
{
    const QStringList parts = text.split(QLatin1Char('.'));
    if (parts.size() != 2) return {};
    bool okMajor = false, okMinor = false;
    const int major = parts[0].toInt(&okMajor), minor = parts[1].toInt(&okMinor);
    if (!okMajor || !okMinor || major < 0 || minor < 0) return {};
    return {major, minor};
}

// Empty when a plugin of version `v` loads into this Loupe, else why not.
QString incompatibility(const QString& text)
{
    const ApiVersion v = parseApiVersion(text);
    if (v.major < 0) return QStringLiteral("apiVersion \"%1\" is not MAJOR.MINOR").arg(text);
    if (v.major != LOUPE_PLUGIN_API_VERSION_MAJOR || v.minor > LOUPE_PLUGIN_API_VERSION_MINOR)
        return QStringLiteral("built for plugin API %1, this Loupe has plugin API %2")
            .arg(text, QStringLiteral(LOUPE_PLUGIN_API_VERSION_STRING));
    return {};
}

QString refusedAs(PluginRecord& r, const QString& reason)
{
    r.reason = QStringLiteral("%1: %2").arg(r.file, reason);
    qCWarning(lcPlugins).noquote() << "refused" << r.reason;
    return r.reason;
}

} // namespace

QJsonObject recordToJson(const PluginRecord& r)
{
    QJsonObject o{{QStringLiteral("file"), r.file},
                  {QStringLiteral("origin"), r.origin},
                  {QStringLiteral("loaded"), r.loaded}};
    if (!r.name.isEmpty()) o.insert(QStringLiteral("name"), r.name);
    if (!r.version.isEmpty()) o.insert(QStringLiteral("version"), r.version);
    if (!r.apiVersion.isEmpty()) o.insert(QStringLiteral("api_version"), r.apiVersion);
    if (!r.description.isEmpty()) o.insert(QStringLiteral("description"), r.description);
    if (r.loaded) o.insert(QStringLiteral("provides"), QJsonArray::fromStringList(r.provides));
    if (!r.reason.isEmpty()) o.insert(QStringLiteral("reason"), r.reason);
    if (!r.notes.isEmpty()) o.insert(QStringLiteral("notes"), QJsonArray::fromStringList(r.notes));
    return o;
}

std::vector<PluginFolder> defaultPluginFolders()
{
    std::vector<PluginFolder> folders;
    const QString env = qEnvironmentVariable("LOUPE_PLUGIN_PATH");
    for (const QString& p : env.split(QLatin1Char(':'), Qt::SkipEmptyParts))
        folders.push_back({QDir(p).absolutePath(), QStringLiteral("LOUPE_PLUGIN_PATH")});
    const QString user = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (!user.isEmpty()) folders.push_back({user + QStringLiteral("/plugins"), QStringLiteral("user")});
    const QString system = QDir::cleanPath(QStringLiteral(LOUPE_PLUGIN_SYSTEM_DIR));
    folders.push_back({system, QStringLiteral("system")});
    // An installed tree that was moved (or unpacked elsewhere) keeps its plugins next to its binary.
    if (QCoreApplication::instance()) {
        const QString beside =
            QDir::cleanPath(QCoreApplication::applicationDirPath() + QStringLiteral("/../lib/loupe/plugins"));
        if (beside != system) folders.push_back({beside, QStringLiteral("system")});
    }
    return folders;
}

void PluginHost::loadFolders(const std::vector<PluginFolder>& folders)
{
    for (const PluginFolder& folder : folders) {
        const QDir dir(folder.path);
        if (!dir.exists()) continue;
        for (const QFileInfo& fi : dir.entryInfoList(QDir::Files | QDir::NoDotAndDotDot, QDir::Name)) {
            // Other files (a README, a plugin's data) live there too; only libraries are candidates.
            if (!QLibrary::isLibrary(fi.fileName())) continue;
            loadFile(fi.absoluteFilePath(), folder.origin);
        }
    }
}

bool PluginHost::nameTaken(const QString& name, QString* by) const
{
    for (const PluginRecord& r : m_records)
        if (r.loaded && r.name == name) {
            *by = r.file;
            return true;
        }
    return false;
}

const PluginRecord& PluginHost::loadFile(const QString& file, const QString& origin)
{
    m_records.push_back({});
    PluginRecord& r = m_records.back();
    r.file = QFileInfo(file).absoluteFilePath();
    r.origin = origin;

    // 1. The metadata, read from the file without running any of its code.
    QPluginLoader loader(r.file);
    const QJsonObject meta = loader.metaData();
    if (meta.isEmpty()) {
        // loader.errorString() repeats the path twice; the reason alone reads better in a list.
        refusedAs(r, QStringLiteral("not a Qt plugin (no plugin metadata found)"));
        return r;
    }
    const QString iid = meta.value(QStringLiteral("IID")).toString();
    const QJsonObject data = meta.value(QStringLiteral("MetaData")).toObject();
    r.name = data.value(QStringLiteral("name")).toString();
    r.version = data.value(QStringLiteral("version")).toString();
    r.apiVersion = data.value(QStringLiteral("apiVersion")).toString();
    r.description = data.value(QStringLiteral("description")).toString();
    if (!iid.startsWith(QStringLiteral("org.loupe.Plugin/"))) {
        refusedAs(r, QStringLiteral("not a Loupe plugin (its IID is \"%1\", not \"%2\")")
                         .arg(iid, QStringLiteral(LOUPE_PLUGIN_IID)));
        return r;
    }
    if (iid != QStringLiteral(LOUPE_PLUGIN_IID)) {
        refusedAs(r, QStringLiteral("built for plugin API %1 (IID \"%2\"), this Loupe has plugin API %3")
                         .arg(iid.section(QLatin1Char('/'), 1), iid,
                              QStringLiteral(LOUPE_PLUGIN_API_VERSION_STRING)));
        return r;
    }
    if (r.name.isEmpty()) {
        refusedAs(r, QStringLiteral("its metadata has no \"name\""));
        return r;
    }
    if (r.apiVersion.isEmpty()) {
        refusedAs(r, QStringLiteral("its metadata has no \"apiVersion\""));
        return r;
    }
    if (const QString why = incompatibility(r.apiVersion); !why.isEmpty()) {
        refusedAs(r, why);
        return r;
    }
    QString by;
    if (nameTaken(r.name, &by)) {
        refusedAs(r, QStringLiteral("a plugin named \"%1\" is already loaded from %2").arg(r.name, by));
        return r;
    }

    // 2. The library itself, and the version its code was compiled against.
    QLibrary library(r.file);
    if (!library.load()) {
        refusedAs(r, QStringLiteral("cannot be loaded: %1").arg(library.errorString()));
        return r;
    }
    using VersionFn = const char* (*)();
    const auto version = reinterpret_cast<VersionFn>(library.resolve(LOUPE_PLUGIN_API_VERSION_SYMBOL));
    if (!version) {
        refusedAs(r, QStringLiteral("has no %1 symbol (build it with loupe_add_plugin())")
                         .arg(QLatin1String(LOUPE_PLUGIN_API_VERSION_SYMBOL)));
        library.unload();
        return r;
    }
    const QString compiled = QString::fromLatin1(version());
    if (const QString why = incompatibility(compiled); !why.isEmpty()) {
        refusedAs(r, QStringLiteral("its code says: %1").arg(why));
        library.unload();
        return r;
    }

    // 3. The plugin object, and what it provides.
    QObject* instance = loader.instance();
    if (!instance) {
        refusedAs(r, QStringLiteral("cannot be instantiated: %1").arg(loader.errorString()));
        library.unload();
        return r;
    }
    const Registration reg = registerPluginObject(instance, r.file);
    r.provides = reg.provided;
    r.notes = reg.refused;
    if (!reg.implementsAny) {
        refusedAs(r, QStringLiteral("implements no Loupe plugin interface"));
        loader.unload(); // nothing of it was registered
        library.unload();
        return r;
    }
    r.loaded = true;
    qCInfo(lcPlugins).noquote() << "loaded" << r.name << "from" << r.file
                                << r.provides.join(QStringLiteral(", "));
    return r;
}

namespace {
PluginHost& processHost()
{
    static PluginHost host;
    return host;
}
bool g_loaded = false;
} // namespace

const std::vector<PluginRecord>& loadInstalledPlugins()
{
    if (!g_loaded) {
        g_loaded = true;
        processHost().loadFolders(defaultPluginFolders());
    }
    return processHost().records();
}

bool installedPluginsLoaded()
{
    return g_loaded;
}

} // namespace loupe::plugins
