// SPDX-License-Identifier: MIT
#include "core/import/importer_registry.h"

#include <QMutex>
#include <QMutexLocker>

namespace loupe::core {

namespace {

struct Registry
{
    QMutex mutex;
    std::vector<DatasetImporterEntry> entries;
};

Registry& registry()
{
    static Registry r;
    return r;
}

} // namespace

bool registerDatasetImporter(DatasetImporterEntry entry, QString* why)
{
    if (entry.name.trimmed().isEmpty() || !entry.accepts || !entry.scan) {
        *why = QStringLiteral("a dataset importer needs a name, an accepts test and a scan");
        return false;
    }
    Registry& r = registry();
    QMutexLocker lock(&r.mutex);
    for (const DatasetImporterEntry& e : r.entries)
        if (e.name == entry.name) {
            *why =
                QStringLiteral("dataset importer '%1' is already provided by %2").arg(entry.name, e.origin);
            return false;
        }
    r.entries.push_back(std::move(entry));
    return true;
}

std::vector<DatasetImporterEntry> datasetImporters()
{
    Registry& r = registry();
    QMutexLocker lock(&r.mutex);
    return r.entries;
}

std::optional<DatasetImporterEntry> findDatasetImporter(const QString& name)
{
    for (const DatasetImporterEntry& e : datasetImporters())
        if (e.name == name) return e;
    return std::nullopt;
}

std::optional<DatasetImporterEntry> datasetImporterFor(const QString& path)
{
    // Outside the lock: accepts() is plugin code and may take its time.
    for (const DatasetImporterEntry& e : datasetImporters())
        if (e.accepts(path)) return e;
    return std::nullopt;
}

void clearDatasetImporters()
{
    Registry& r = registry();
    QMutexLocker lock(&r.mutex);
    r.entries.clear();
}

} // namespace loupe::core
