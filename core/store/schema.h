// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace loupe::core {

class Database;

// Applies migrations from the file's user_version up to `target`, each step in its own transaction
// with user_version bumped inside it, so a crash leaves the file at a whole version.
bool migrate(Database& db, int from, int target, QString* error);

// The DDL of schema version 1, exposed so tests can build a v1 file and watch it migrate.
QString schemaV1Sql();

} // namespace loupe::core
