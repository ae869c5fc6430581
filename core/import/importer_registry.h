// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>
#include <functional>
#include <optional>
#include <vector>

namespace loupe::core {

// What a dataset importer found under a path: the image files to import (importFiles takes them) and,
// when the dataset carries annotations, the format and path to read them with (format_registry.h).
struct DatasetScan
{
    QStringList images;
    QString annotationFormat;
    QString annotationPath;
};

// A dataset layout added at run time (plugins): it recognises a folder and lists what to import from it.
struct DatasetImporterEntry
{
    QString name;   // as a command takes it
    QString title;  // for people
    QString origin; // where it came from (a plugin's file), for messages
    std::function<bool(const QString& path)> accepts;
    // nullopt with *error (naming the file or folder) when the dataset is unreadable.
    std::function<std::optional<DatasetScan>(const QString& path, QString* error)> scan;
};

// False with *why when the name is empty or taken. Thread-safe.
bool registerDatasetImporter(DatasetImporterEntry entry, QString* why);
std::vector<DatasetImporterEntry> datasetImporters();
std::optional<DatasetImporterEntry> findDatasetImporter(const QString& name);
// The first registered importer that accepts the path; nullopt when none does.
std::optional<DatasetImporterEntry> datasetImporterFor(const QString& path);
// For tests: forget every registered importer.
void clearDatasetImporters();

} // namespace loupe::core
