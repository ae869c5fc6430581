// SPDX-License-Identifier: MIT
#include "views/quality/datasetqualitysource.h"

#include "annotation/bridge/projectexchange.h"
#include "annotation/bridge/projectstoreaccess.h"
#include "annotation/geometry/raster.h"
#include "compute/error.h"
#include "core/imageio.h"

#include <QDir>
#include <QFileInfo>
#include <QImageReader>
#include <memory>

namespace loupe::views {

namespace {

// Union of every polygon and mask of the image; empty when it has none.
std::vector<uint8_t> unionMask(const annotation::DatasetImage& image)
{
    std::vector<uint8_t> out;
    auto add = [&](const annotation::RleMask& m) {
        if (m.width() != image.width || m.height() != image.height) return;
        if (out.empty()) out.assign(size_t(image.width) * image.height, 0);
        m.forEachRowSpan([&](int y, int x0, int x1) {
            for (int x = x0; x < x1; ++x)
                out[size_t(y) * image.width + x] = 1;
        });
    };
    for (const annotation::Shape& s : image.shapes) {
        if (const auto* p = std::get_if<annotation::PolygonGeom>(&s.geometry))
            add(annotation::polygonToMask(p->points, image.width, image.height));
        else if (const auto* m = std::get_if<annotation::MaskGeom>(&s.geometry))
            add(m->mask);
    }
    return out;
}

// COCO file_name is relative to the image folder, but some tools write it relative to the dataset root
// (images/x.png): fall back to the file name alone.
QString imagePath(const QString& root, const QString& relative)
{
    const QString direct = QDir(root).filePath(relative);
    if (QFileInfo::exists(direct)) return direct;
    const QString flat = QDir(root).filePath(QFileInfo(relative).fileName());
    return QFileInfo::exists(flat) ? flat : direct;
}

} // namespace

core::QualitySource datasetQualitySource(const annotation::Dataset& data, const QString& imageRoot,
                                         const core::QualityTargets& targets, QString* error, int* skipped)
{
    auto images = std::make_shared<std::vector<annotation::DatasetImage>>();
    auto paths = std::make_shared<QStringList>();
    if (skipped) *skipped = 0;
    for (const annotation::DatasetImage& img : data.images) {
        if (unionMask(img).empty()) {
            if (skipped) {
                ++*skipped;
                continue;
            }
            *error = QStringLiteral("%1: has no polygon or mask annotation").arg(img.path);
            return {};
        }
        const QString path = imagePath(imageRoot, img.path);
        QImageReader reader(path);
        core::prepareImageReader(reader);
        QSize size = reader.size();
        if (!size.isValid()) {
            *error = QStringLiteral("%1: cannot read image: %2").arg(path, reader.errorString());
            return {};
        }
        if (reader.transformation().testFlag(QImageIOHandler::TransformationRotate90)) size.transpose();
        if (size != QSize(img.width, img.height)) {
            *error = QStringLiteral("%1: image is %2×%3 but its annotations are for %4×%5")
                         .arg(path)
                         .arg(size.width())
                         .arg(size.height())
                         .arg(img.width)
                         .arg(img.height);
            return {};
        }
        images->push_back(img);
        *paths << path;
    }
    if (images->empty()) {
        *error = QStringLiteral("no image has a polygon or mask annotation");
        return {};
    }
    core::QualitySource src;
    src.count = int(images->size());
    src.item = [images, paths, targets](int i) {
        const annotation::DatasetImage& img = (*images)[size_t(i)];
        core::QualityItem item;
        item.name = img.path;
        QString error;
        item.image = core::readImage((*paths)[i], &error);
        if (item.image.isNull())
            throw compute::Error((*paths)[i].toStdString(), error.mid((*paths)[i].size() + 2).toStdString());
        item.mask.width = img.width;
        item.mask.height = img.height;
        item.mask.pixels = unionMask(img);
        const QString target = core::lookupTarget(targets, img.path);
        if (!target.isEmpty()) core::applyTarget(item, target);
        return item;
    };
    return src;
}

core::QualitySource projectQualitySource(core::Project& project, QString* error, int* skipped)
{
    annotation::ProjectStoreAccess access(project);
    annotation::FormatReport report;
    const std::optional<annotation::Dataset> data = annotation::projectDataset(access, {}, {}, report);
    if (!data || report.hasErrors()) {
        const auto& e = report.errors();
        *error = e.empty()
                     ? QStringLiteral("cannot read the project's annotations")
                     : QStringLiteral("%1: %2 %3").arg(e.front().file, e.front().place, e.front().message);
        return {};
    }
    core::QualitySource src = datasetQualitySource(*data, access.imageRoot(), {}, error, skipped);
    src.description = QStringLiteral("project images with masks under %1").arg(access.imageRoot());
    return src;
}

} // namespace loupe::views
