// SPDX-License-Identifier: MIT
#pragma once

#include "plugins/api/annotation_format.h"
#include "plugins/api/dataset_importer.h"

#include <QObject>

namespace loupe::kitti {

// KITTI object detection labels as an annotation format ("kitti"), and the KITTI dataset layout
// (image_2/ with label_2/) as a dataset importer.
class KittiPlugin : public QObject,
                    public plugin::AnnotationFormatInterface,
                    public plugin::DatasetImporterInterface
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID LOUPE_PLUGIN_IID FILE "kitti.json")
    Q_INTERFACES(loupe::plugin::AnnotationFormatInterface loupe::plugin::DatasetImporterInterface)

public:
    QList<plugin::FormatDescription> formats() const override;
    bool read(const QString& format, const QString& path, const QJsonObject& options, QJsonObject* dataset,
              plugin::FormatReport& report) override;
    bool write(const QString& format, const QJsonObject& dataset, const QString& outDir,
               const QJsonObject& options, plugin::FormatReport& report) override;

    QString importerName() const override { return QStringLiteral("kitti"); }
    QString importerTitle() const override
    {
        return QStringLiteral("KITTI object dataset (image_2, label_2)");
    }
    bool accepts(const QString& path) const override;
    bool scan(const QString& path, plugin::DatasetContents* contents, QString* error) const override;
};

} // namespace loupe::kitti
