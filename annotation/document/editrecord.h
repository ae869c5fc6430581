// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/shapes/shape.h"

#include <QByteArray>
#include <optional>
#include <vector>

namespace loupe::annotation {

// One undo step as data: every shape it touched, before and after (absent = the shape did not exist).
// This is what outlives the process, so undo survives closing the project.
struct ShapeDiff
{
    std::optional<Shape> before;
    std::optional<Shape> after;
};

struct EditRecord
{
    QString text;
    std::vector<ShapeDiff> diffs;
    // Non-zero: a project-level step (an import, a split edit) kept in the project's own undo log under
    // this action id; the editor's history holds only its place in the one undo order (diffs are empty).
    qint64 projectAction = 0;
};

QByteArray editRecordToJson(const EditRecord& r);
std::optional<EditRecord> editRecordFromJson(const QByteArray& json, QString* error);

} // namespace loupe::annotation
