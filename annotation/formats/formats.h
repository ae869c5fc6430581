// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/dataset/dataset.h"
#include "annotation/formats/report.h"
#include "annotation/formats/sizelimits.h"

#include <QStringList>
#include <optional>

namespace loupe::annotation {

enum class Format { Coco, Yolo, Voc, Labelme, Cvat };

QString formatName(Format f);
std::optional<Format> formatFromName(const QString& name);
QStringList formatNames();

// What an import/export dialog or the CLI shows for a format.
struct FormatInfo
{
    Format format;
    QString name;        // as --format takes it
    QString title;       // for people
    QString importsFrom; // what to point an import at
    bool hasYoloTasks = false;
};
std::vector<FormatInfo> formatInfos();

// What YOLO dataset to write; a YOLO folder holds one task. Auto picks the task most shapes fit.
enum class YoloTask { Auto, Detect, Segment, Pose, Obb };
QString yoloTaskName(YoloTask t);
std::optional<YoloTask> yoloTaskFromName(const QString& name);
QStringList yoloTaskNames(); // auto, detect, segment, pose, obb

// An export goes into a folder that does not exist or is empty, unless the caller forces it (files of
// an earlier export would otherwise mix with the new ones). False with *error naming the folder.
bool exportFolderUsable(const QString& outDir, bool force, QString* error);

struct ExportOptions
{
    // Names the output files and the YOLO split folder of images whose DatasetImage::split is empty.
    QString split = QStringLiteral("default");
    YoloTask yoloTask = YoloTask::Auto;
    QString imageRoot; // when set, every exporter copies the images from here into its layout
};

// Writes the dataset to outDir. Everything the format cannot express is listed in the report. Returns
// false (with errors in the report) when something could not be written.
bool exportDataset(Format f, const Dataset& data, const QString& outDir, const ExportOptions& options,
                   FormatReport& report);
// Name given to shapes a file leaves unlabeled (CVAT writes label="" for them) unless the caller picks one.
inline constexpr char kUnlabeled[] = "unlabeled";

struct ImportOptions
{
    // When set, masks are rasterised only for images the target has, and refused when the file
    // declares a bigger image than the real one (see sizelimits.h).
    const ImportTarget* target = nullptr;
    QString emptyLabel = QString::fromLatin1(kUnlabeled); // label for shapes whose label is empty
};

// Reads a dataset from path (a file or folder, per format; a relative path is taken from the current
// directory). Returns nullopt when the input has any error, so a caller applies all of it or none of it.
std::optional<Dataset> importDataset(Format f, const QString& path, FormatReport& report,
                                     const ImportOptions& options = {});

} // namespace loupe::annotation
