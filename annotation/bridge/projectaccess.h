// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/shapes/shape.h"

#include <QString>
#include <optional>
#include <vector>

namespace loupe::annotation {

struct ProjectImage
{
    qint64 id = 0;
    QString path;  // relative to imageRoot(), '/' separators
    int width = 0; // as displayed (after EXIF orientation)
    int height = 0;
    QString split; // "train", "val", ... or empty
};

// A shape to import, with its label by name: the store resolves names to label ids and creates the
// labels it does not have, inside the same transaction as the shapes.
struct ImportItem
{
    QString label; // empty for captions
    Shape shape;   // imageId set; labelId ignored
};

// What export and import need from a project. The SQLite project store implements it; tests use an
// in-memory one. Kept this narrow so the format code never depends on the store's schema.
class ProjectAccess
{
public:
    virtual ~ProjectAccess() = default;
    virtual QString imageRoot() const = 0;
    virtual std::vector<ProjectImage> images() const = 0;
    virtual std::vector<LabelDef> labels() const = 0; // LabelDef::id is the label's id
    virtual std::vector<Shape> shapesOf(qint64 imageId) const = 0;
    // All or nothing, in one transaction.
    virtual bool importShapes(const std::vector<ImportItem>& items, QString* error) = 0;
};

} // namespace loupe::annotation
