// SPDX-License-Identifier: MIT
#pragma once

#include "plugins/api/plugin_api.h"

#include <QString>
#include <QStringList>
#include <QtPlugin>

namespace loupe::plugin {

// What an importer found in a dataset folder: the images to add to a project and, when the dataset has
// annotations, the format (a built-in or plugin format name) and the path to read them from.
struct DatasetContents
{
    QStringList images; // absolute paths
    QString annotationFormat;
    QString annotationPath;
};

// Dataset layouts: recognises a folder and lists what to import from it.
class DatasetImporterInterface
{
public:
    virtual ~DatasetImporterInterface() = default;
    virtual QString importerName() const = 0; // as a command takes it
    virtual QString importerTitle() const = 0;
    virtual bool accepts(const QString& path) const = 0;
    // False with *error (naming the file or folder) when the dataset is unreadable.
    virtual bool scan(const QString& path, DatasetContents* contents, QString* error) const = 0;
};

} // namespace loupe::plugin

#define LOUPE_DATASET_IMPORTER_IID "org.loupe.DatasetImporter/1"
Q_DECLARE_INTERFACE(loupe::plugin::DatasetImporterInterface, LOUPE_DATASET_IMPORTER_IID)
