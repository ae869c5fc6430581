// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <vector>

namespace loupe::plugins {

// A folder plugins are loaded from, and why it is searched.
struct PluginFolder
{
    QString path;
    QString origin; // "LOUPE_PLUGIN_PATH", "user" or "system"
};

// What happened to one file found in a plugin folder.
struct PluginRecord
{
    QString file;   // absolute path
    QString origin; // the folder's origin
    QString name;   // from the metadata; empty when it has none
    QString version;
    QString apiVersion;
    QString description;
    QStringList provides; // what it registered: "format:kitti", "explain:smoothgrad", ...
    bool loaded = false;
    QString reason;    // why it was refused ("FILE: reason"), when not loaded
    QStringList notes; // parts of a loaded plugin that were refused (a name already taken), with why
};

QJsonObject recordToJson(const PluginRecord& record);

// LOUPE_PLUGIN_PATH (':'-separated), then the user's (QStandardPaths AppDataLocation/plugins), then the
// system's (<prefix>/lib/loupe/plugins, and the same path next to the running executable when it was
// moved). A plugin's name is loaded once: the first folder wins.
std::vector<PluginFolder> defaultPluginFolders();

// Loads plugins and registers what they provide into Loupe's registries (formats, detectors, explanation
// methods, dataset importers). Every check that can be made on the file is made before its code runs:
// the metadata (IID, name, apiVersion) is read without loading it; then the library is loaded, its
// loupe_plugin_api_version symbol must agree, and only then is the plugin object made. A refused plugin
// is recorded with the reason, never a crash. Plugins stay loaded for the life of the process.
class PluginHost
{
public:
    // Every library file in each folder, in name order (missing folders are skipped).
    void loadFolders(const std::vector<PluginFolder>& folders);
    // One file; returns its record (also kept in records()).
    const PluginRecord& loadFile(const QString& file, const QString& origin);
    const std::vector<PluginRecord>& records() const { return m_records; }

private:
    bool nameTaken(const QString& name, QString* by) const;
    std::vector<PluginRecord> m_records;
};

// The process's host: loads defaultPluginFolders() on the first call; later calls return the same
// records. Call from the main thread after QCoreApplication exists.
const std::vector<PluginRecord>& loadInstalledPlugins();
// Was loadInstalledPlugins() called? (`loupe plugins` loads them itself when the app did not.)
bool installedPluginsLoaded();

} // namespace loupe::plugins
