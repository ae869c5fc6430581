// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <optional>

namespace loupe::core {

class Database;
class Project;
class Statement;

// What the store's per-image text tables (captions, qa_turns, asset_tags) check and bind alike.

// Whether `table` has a row with this id.
bool rowExists(Database& db, const char* table, qint64 id);

// Why a row of `text` for image `assetId`, made by run `runId`, cannot be added (`blankWhy` when the text
// is blank, or an image or run not in the project); empty when it can.
QString whyNotAddable(Database& db, const QString& text, const QString& blankWhy, qint64 assetId,
                      std::optional<qint64> runId);

// Sets *error (when given) to "<project path>: why"; returns false, for `return refuseEdit(...)`.
bool refuseEdit(QString* error, const Project& project, const QString& why);

// Binds the run id, or NULL for text not made by a run.
void bindRunId(Statement& s, int index, std::optional<qint64> runId);

} // namespace loupe::core
