// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <optional>

namespace loupe::core {

// The checks Project::open runs before it writes anything: an SQLite header, a size that matches it,
// quick_check, and a schema this build understands. Returns the schema version (0 for an empty
// database), or nullopt with *error naming the file and the problem. A refused file is left untouched.
//
// A WAL beside the file is part of the database: a checkpoint copying it into the main file (live in
// another process, or cut short by a crash) leaves the main file shorter than its header says until it
// finishes, and SQLite's recovery reads the missing pages from the WAL. So with a WAL the raw size
// never refuses the file; the checks run through SQLite, after recovery. Another process's lock is
// waited for and, when it outlasts the wait, reported as busy, never as damage.
std::optional<int> checkProjectFile(const QString& path, int newestSchema, QString* error);

} // namespace loupe::core
