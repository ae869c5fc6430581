// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/document/annotationstore.h"
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

// A label before and after (absent = the label did not exist), with its whole definition.
struct LabelDiff
{
    std::optional<LabelDef> before;
    std::optional<LabelDef> after;
};

struct TagDiff
{
    qint64 imageId = 0;
    QStringList before, after;
};

struct EditRecord
{
    QString text;
    std::vector<ShapeDiff> diffs;
    // Non-zero: a project-level step (an import, a split edit) kept in the project's own undo log under
    // this action id; the editor's history holds only its place in the one undo order (diffs are empty).
    qint64 projectAction = 0;
    std::vector<LabelDiff> labelDiffs;
    std::vector<TagDiff> tagDiffs;
};

// The store edit that takes the document from one side of the record to the other.
StoreEdit storeEditOf(const EditRecord& r, bool forward);
// After a forward edit: ids the store gave to inserted shapes and labels, copied into the record so
// undo removes exactly those and a later redo restores them under the same ids.
void takeAssignedIds(EditRecord* r, const StoreEdit& applied);

QByteArray editRecordToJson(const EditRecord& r);
std::optional<EditRecord> editRecordFromJson(const QByteArray& json, QString* error);

} // namespace loupe::annotation
