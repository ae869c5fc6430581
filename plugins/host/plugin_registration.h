// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

class QObject;

namespace loupe::plugins {

struct Registration
{
    bool implementsAny = false; // the object implements at least one Loupe plugin interface
    QStringList provided;       // "format:kitti", "detector:OwlViT", "explain:smoothgrad", "importer:kitti"
    QStringList refused;        // what could not be registered, with why (a name already taken)
};

// Registers everything a plugin object provides into Loupe's registries. `origin` (the plugin's file)
// is kept with each entry for messages. The object must outlive the process's use of the registries.
Registration registerPluginObject(QObject* plugin, const QString& origin);

} // namespace loupe::plugins
