// SPDX-License-Identifier: MIT
#pragma once

#include "core/samples/shapesworld.h"

#include <QJsonObject>
#include <QString>
#include <functional>

namespace loupe::core {

// What writeShapesDataset produced.
struct ShapesDatasetResult
{
    QString error;           // empty on success; names the file that could not be written
    QString imagesDir;       // FOLDER/images
    QString annotationsPath; // FOLDER/annotations.json (COCO instances)
    QString labelsPath;      // FOLDER/labels.csv: file_name,label (the most prominent shape)
    int images = 0;
    int objects = 0;
    std::vector<int> perClass; // images per label class
    bool ok() const { return error.isEmpty(); }
};

// Writes images 0..count-1 of `world` as FOLDER/images/shapes_NNNNNN.png, the COCO instances file and
// the labels file. Same seed and options give byte-identical files. `progress(done, total)` may return
// false to stop early (then the result carries an error saying so).
ShapesDatasetResult writeShapesDataset(const QString& folder, const ShapesWorld& world, int count,
                                       const std::function<bool(int, int)>& progress = {});

// The COCO instances document for the given samples (file names as written by writeShapesDataset).
QJsonObject shapesCocoJson(const std::vector<ShapesSample>& samples, const QStringList& fileNames);

QString shapesFileName(int index); // "shapes_000042.png"

} // namespace loupe::core
