// SPDX-License-Identifier: MIT
#include "kitti_plugin.h"

#include "kitti_io.h"

#include <QDir>
#include <QFileInfo>

namespace loupe::kitti {

namespace {

// The folder holding image_2/: the dataset folder itself or its training/ split.
QString imageParent(const QString& path)
{
    const QDir dir(path);
    if (dir.exists(QStringLiteral("image_2"))) return dir.absolutePath();
    if (dir.exists(QStringLiteral("training/image_2")))
        return dir.absoluteFilePath(QStringLiteral("training"));
    return {};
}

} // namespace

QList<plugin::FormatDescription> KittiPlugin::formats() const
{
    return {{QStringLiteral("kitti"), QStringLiteral("KITTI object labels"),
             QStringLiteral("a folder with label_2/ (and image_2/), a label folder, or one .txt file"), true,
             true}};
}

bool KittiPlugin::read(const QString&, const QString& path, const QJsonObject& options, QJsonObject* dataset,
                       plugin::FormatReport& report)
{
    return kitti::read(path, options, dataset, report);
}

bool KittiPlugin::write(const QString&, const QJsonObject& dataset, const QString& outDir,
                        const QJsonObject& options, plugin::FormatReport& report)
{
    return kitti::write(dataset, outDir, options, report);
}

bool KittiPlugin::accepts(const QString& path) const
{
    return QFileInfo(path).isDir() && !imageParent(path).isEmpty();
}

bool KittiPlugin::scan(const QString& path, plugin::DatasetContents* contents, QString* error) const
{
    const QString parent = imageParent(path);
    if (parent.isEmpty()) {
        *error = QStringLiteral("%1: no image_2/ folder (a KITTI dataset keeps its images there)").arg(path);
        return false;
    }
    const QDir images(parent + QStringLiteral("/image_2"));
    for (const QFileInfo& fi :
         images.entryInfoList({QStringLiteral("*.png"), QStringLiteral("*.jpg"), QStringLiteral("*.jpeg")},
                              QDir::Files, QDir::Name))
        contents->images << fi.absoluteFilePath();
    if (contents->images.isEmpty()) {
        *error = QStringLiteral("%1: no .png or .jpg images").arg(images.absolutePath());
        return false;
    }
    if (QDir(parent).exists(QStringLiteral("label_2"))) {
        contents->annotationFormat = QStringLiteral("kitti");
        contents->annotationPath = parent + QStringLiteral("/label_2");
    }
    return true;
}

} // namespace loupe::kitti
