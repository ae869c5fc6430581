// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/bridge/projectaccess.h"
#include "annotation/formats/formats.h"

#include <QStringList>

namespace loupe::annotation {

struct ProjectExportOptions
{
    Format format = Format::Coco;
    QString outDir;
    QString split;      // only images of this split (and names the output); empty: all images
    QStringList labels; // only these labels, in this order; empty: all
    YoloTask yoloTask = YoloTask::Auto;
    bool copyImages = true; // for layouts that hold images (YOLO)
};

// The project (or the chosen split and labels of it) as a format-neutral dataset.
std::optional<Dataset> projectDataset(const ProjectAccess& project, const QString& split,
                                      const QStringList& labels, FormatReport& report);
// What a format writer is told for this export: the split's name ("default" for all images), the YOLO
// task, and the project's image root when images are copied.
ExportOptions projectExportOptions(const ProjectAccess& project, const ProjectExportOptions& options);
// `loupe export`: everything the format cannot express is in the report. False on any error.
bool exportProject(const ProjectAccess& project, const ProjectExportOptions& options, FormatReport& report);

// `loupe import-annotations`: reads path, matches its images to the project's (relative path, else
// unique file name), and adds the shapes in one transaction. Images that match nothing are reported
// and skipped; any malformed input, an image whose size disagrees with the project's, or a store
// failure leaves the project unchanged and returns false.
bool importIntoProject(ProjectAccess& project, Format format, const QString& path, FormatReport& report);

} // namespace loupe::annotation
