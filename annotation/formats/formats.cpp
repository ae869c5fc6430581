// SPDX-License-Identifier: MIT
#include "annotation/formats/formats.h"

#include "annotation/formats/coco.h"
#include "annotation/formats/cvat.h"
#include "annotation/formats/labelme.h"
#include "annotation/formats/voc.h"
#include "annotation/formats/yolo.h"

#include <QDir>
#include <QFileInfo>

namespace loupe::annotation {

QString formatName(Format f)
{
    switch (f) {
    case Format::Coco:
        return QStringLiteral("coco");
    case Format::Yolo:
        return QStringLiteral("yolo");
    case Format::Voc:
        return QStringLiteral("voc");
    case Format::Labelme:
        return QStringLiteral("labelme");
    case Format::Cvat:
        return QStringLiteral("cvat");
    }
    return {};
}

std::optional<Format> formatFromName(const QString& name)
{
    for (Format f : {Format::Coco, Format::Yolo, Format::Voc, Format::Labelme, Format::Cvat})
        if (formatName(f) == name.toLower()) return f;
    return std::nullopt;
}

QStringList formatNames()
{
    return {QStringLiteral("coco"), QStringLiteral("yolo"), QStringLiteral("voc"), QStringLiteral("labelme"),
            QStringLiteral("cvat")};
}

std::vector<FormatInfo> formatInfos()
{
    return {
        {Format::Coco, QStringLiteral("coco"), QStringLiteral("COCO JSON"),
         QStringLiteral("a .json file, or a folder with annotations/*.json"), false},
        {Format::Yolo, QStringLiteral("yolo"), QStringLiteral("Ultralytics YOLO"),
         QStringLiteral("a folder with data.yaml, images/ and labels/"), true},
        {Format::Voc, QStringLiteral("voc"), QStringLiteral("Pascal VOC XML"),
         QStringLiteral("a .xml file, or a folder (Annotations/ preferred)"), false},
        {Format::Labelme, QStringLiteral("labelme"), QStringLiteral("labelme JSON"),
         QStringLiteral("a .json file, or a folder of them"), false},
        {Format::Cvat, QStringLiteral("cvat"), QStringLiteral("CVAT for images 1.1"),
         QStringLiteral("annotations.xml, or the folder holding it"), false},
    };
}

std::optional<YoloTask> yoloTaskFromName(const QString& name)
{
    for (YoloTask t : {YoloTask::Auto, YoloTask::Detect, YoloTask::Segment, YoloTask::Pose, YoloTask::Obb})
        if (yoloTaskName(t) == name.trimmed().toLower()) return t;
    return std::nullopt;
}

QStringList yoloTaskNames()
{
    QStringList names;
    for (YoloTask t : {YoloTask::Auto, YoloTask::Detect, YoloTask::Segment, YoloTask::Pose, YoloTask::Obb})
        names << yoloTaskName(t);
    return names;
}

bool exportFolderUsable(const QString& outDir, bool force, QString* error)
{
    const QFileInfo info(outDir);
    if (info.exists() && !info.isDir()) {
        *error = QStringLiteral("%1 is a file, not a folder").arg(outDir);
        return false;
    }
    if (force || !info.exists() ||
        QDir(outDir).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden))
        return true;
    *error = QStringLiteral("%1 is not empty; choose an empty folder or force writing into it").arg(outDir);
    return false;
}

QString yoloTaskName(YoloTask t)
{
    switch (t) {
    case YoloTask::Auto:
        return QStringLiteral("auto");
    case YoloTask::Detect:
        return QStringLiteral("detect");
    case YoloTask::Segment:
        return QStringLiteral("segment");
    case YoloTask::Pose:
        return QStringLiteral("pose");
    case YoloTask::Obb:
        return QStringLiteral("obb");
    }
    return {};
}

bool exportDataset(Format f, const Dataset& data, const QString& outDir, const ExportOptions& options,
                   FormatReport& report)
{
    switch (f) {
    case Format::Coco:
        return coco::write(data, outDir, options, report);
    case Format::Yolo:
        return yolo::write(data, outDir, options, report);
    case Format::Voc:
        return voc::write(data, outDir, options, report);
    case Format::Labelme:
        return labelme::write(data, outDir, options, report);
    case Format::Cvat:
        return cvat::write(data, outDir, options, report);
    }
    return false;
}

std::optional<Dataset> importDataset(Format f, const QString& path, FormatReport& report,
                                     const ImportOptions& options)
{
    switch (f) {
    case Format::Coco:
        return coco::read(path, report, options);
    case Format::Yolo:
        return yolo::read(path, report, options);
    case Format::Voc:
        return voc::read(path, report, options);
    case Format::Labelme:
        return labelme::read(path, report, options);
    case Format::Cvat:
        return cvat::read(path, report, options);
    }
    return std::nullopt;
}

} // namespace loupe::annotation
