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
};

QByteArray editRecordToJson(const EditRecord& r);
std::optional<EditRecord> editRecordFromJson(const QByteArray& json, QString* error);

} // namespace loupe::annotation
