// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/dataset/dataset.h"
#include "annotation/formats/formats.h"

namespace loupe::annotation::yolo {

// Ultralytics YOLO: <out>/data.yaml, <out>/labels/<split>/<image path without suffix>.txt (one per
// image, empty when it has no objects; <split> is the image's own split when it has one, so a project's
// train/val become Ultralytics' train/val), class ids from 0, coordinates normalised by the image size as
// displayed (after EXIF orientation). One task per folder: detect, segment, pose or obb.
bool write(const Dataset& data, const QString& outDir, const ExportOptions& options, FormatReport& report);
YoloTask chooseTask(const Dataset& data);
QByteArray dataYaml(const Dataset& data, YoloTask task, const QString& split);
// With the split folders written (DatasetImage::split, else ExportOptions::split): train is "train" or
// the first folder, val is "val"/"valid"/"validation" when there is one and the train folder otherwise.
QByteArray dataYaml(const Dataset& data, YoloTask task, const QStringList& splits);
// The label lines for one image (empty when nothing in it is expressible in the task).
QByteArray labelFile(const Dataset& data, const DatasetImage& image, YoloTask task, int kptCount,
                     FormatReport& report);

// Import a folder holding data.yaml, labels/ and images/ (or the data.yaml itself). Image sizes are
// read from the image files, EXIF orientation applied.
std::optional<Dataset> read(const QString& path, FormatReport& report, const ImportOptions& options = {});

// The subset of YAML data.yaml uses: scalars, names as a list, a flow list or an index map.
struct DataYaml
{
    QStringList names;
    QString task;
    int kptCount = 0;
    int kptDims = 3;
    QStringList splitDirs; // train / val / test values
};
// The lines of one labels file into im's shapes (im's size must be set); false on any bad line.
bool parseLabels(const QByteArray& text, const QString& fileName, const DataYaml& yaml, const Dataset& data,
                 DatasetImage& im, FormatReport& report);
std::optional<DataYaml> parseDataYaml(const QByteArray& text, const QString& fileName, FormatReport& report);

} // namespace loupe::annotation::yolo
