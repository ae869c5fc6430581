// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/shapes/shape.h"

#include <QString>
#include <vector>

namespace loupe::annotation {

// One image of a format-neutral dataset. path is relative with '/' separators ("train/cat_01.jpg");
// width and height are the size as displayed, i.e. after EXIF orientation.
struct DatasetImage
{
    QString path;
    int width = 0;
    int height = 0;
    QString split; // "train", "val", ... from the project; empty when it has none (exports use theirs)
    std::vector<Shape> shapes; // Shape::labelId indexes Dataset::labels (-1 for captions)
};

// What every importer produces and every exporter consumes, so formats are testable without a project.
struct Dataset
{
    std::vector<LabelDef> labels;
    std::vector<DatasetImage> images;

    int findLabel(const QString& name) const;
    int ensureLabel(const QString& name); // appends a label the first time a name is seen
    qsizetype shapeCount() const;
};

} // namespace loupe::annotation
