// SPDX-License-Identifier: MIT
#pragma once

#include "core/store/database.h"
#include "core/store/records.h"

#include <QVector>

#include <memory>

namespace loupe::core {

// Read-only paged access to a project's assets on its own connection, for worker threads (the dataset
// browser fetches pages off the GUI thread with one of these).
class AssetQuery
{
public:
    static std::unique_ptr<AssetQuery> open(const QString& projectPath, QString* error);
    qint64 count(const AssetFilter& filter);
    QVector<AssetRow> page(const AssetFilter& filter, qint64 offset, int limit);
    QByteArray thumbnail(qint64 assetId);

private:
    Database m_db;
};

// Shared by Project and AssetQuery. readAssetRow reads the columns of kAssetColumns (alias a), in order.
extern const char* const kAssetColumns;
AssetRow readAssetRow(const Statement& s);
qint64 countAssetsIn(Database& db, const AssetFilter& filter);
QVector<AssetRow> assetPageIn(Database& db, const AssetFilter& filter, qint64 offset, int limit);

} // namespace loupe::core
