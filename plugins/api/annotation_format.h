// SPDX-License-Identifier: MIT
#pragma once

#include "plugins/api/format_report.h"
#include "plugins/api/plugin_api.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QtPlugin>

namespace loupe::plugin {

struct FormatDescription
{
    QString name;        // as `--format` takes it: lower case, no spaces ("kitti")
    QString title;       // for people ("KITTI object labels")
    QString importsFrom; // what to point an import at ("a folder with label_2/")
    bool reads = true;
    bool writes = true;
};

// Reads and writes annotation files. Datasets are JSON in dataset_json.h's layout.
class AnnotationFormatInterface
{
public:
    virtual ~AnnotationFormatInterface() = default;
    virtual QList<FormatDescription> formats() const = 0;
    // Reads path (a file or folder; absolute) into *dataset. Problems go to the report with the file and
    // the place in it; Loupe applies nothing when the report has an error. options: "emptyLabel" (the
    // label for shapes whose file leaves it empty).
    virtual bool read(const QString& format, const QString& path, const QJsonObject& options,
                      QJsonObject* dataset, FormatReport& report) = 0;
    // Writes the dataset into outDir (it exists, empty unless the user forced it). Everything the format
    // cannot express is reported as dropped or converted. options: "split" (the name of the split for
    // images without one), "imageRoot" (when set, copy the images from there into the format's layout).
    virtual bool write(const QString& format, const QJsonObject& dataset, const QString& outDir,
                       const QJsonObject& options, FormatReport& report) = 0;
};

} // namespace loupe::plugin

#define LOUPE_ANNOTATION_FORMAT_IID "org.loupe.AnnotationFormat/1"
Q_DECLARE_INTERFACE(loupe::plugin::AnnotationFormatInterface, LOUPE_ANNOTATION_FORMAT_IID)
