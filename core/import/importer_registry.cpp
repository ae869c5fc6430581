// SPDX-License-Identifier: MIT
#include "core/import/importer_registry.h"

#include "core/named_registry.h"

namespace loupe::core {

namespace {

NamedRegistry<DatasetImporterEntry>& registry()
{
    static NamedRegistry<DatasetImporterEntry> r;
    return r;
}

} // namespace

bool registerDatasetImporter(DatasetImporterEntry entry, QString* why)
{
    if (entry.name.trimmed().isEmpty() || !entry.accepts || !entry.scan) {
        *why = QStringLiteral("a dataset importer needs a name, an accepts test and a scan");
        return false;
    }
    return registry().add(std::move(entry), QStringLiteral("dataset importer"), why);
}

std::vector<DatasetImporterEntry> datasetImporters()
{
    return registry().all();
}

std::optional<DatasetImporterEntry> findDatasetImporter(const QString& name)
{
    return registry().find(name);
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
    registry().clear();
}

} // namespace loupe::core
