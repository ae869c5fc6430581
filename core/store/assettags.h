// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>

namespace loupe::core {

class Database;
class Project;

// An image's tags (asset_tags, a JSON array of strings), in the order the user gave them. Empty for an
// untagged or unknown image. The annotation editor reads and writes the same rows through its own
// store (annotation/bridge); these are for editors that work at the project level.
QStringList assetTags(Project& project, qint64 assetId);
QStringList assetTagsIn(Database& db, qint64 assetId);

// Replaces the image's tags as one undoable edit ("Set Tags"): each trimmed, blanks and repeats dropped
// (first kept); an empty list removes the row. Refuses an image not in the project, naming it.
bool setAssetTags(Project& project, qint64 assetId, const QStringList& tags, QString* error = nullptr);

} // namespace loupe::core
