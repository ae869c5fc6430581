// SPDX-License-Identifier: MIT
#include "app/cli/quality_coco.h"

#include "annotation/formats/coco.h"
#include "annotation/geometry/raster.h"
#include "compute/error.h"

#include <QDir>
#include <QFileInfo>
#include <QImageReader>
#include <memory>

namespace loupe::cli {

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
QString imagePath(const QString& imagesDir, const QString& fileName)
{
    const QString direct = QDir(imagesDir).filePath(fileName);
    if (QFileInfo::exists(direct)) return direct;
    const QString flat = QDir(imagesDir).filePath(QFileInfo(fileName).fileName());
    return QFileInfo::exists(flat) ? flat : direct;
}

} // namespace

core::QualitySource cocoQualitySource(const QString& imagesDir, const QString& cocoFile,
                                      const core::QualityTargets& targets, QString* error)
{
    annotation::FormatReport report;
    const std::optional<annotation::Dataset> data = annotation::coco::read(cocoFile, report);
    if (!data || report.hasErrors()) {
        const auto& e = report.errors();
        *error = e.empty()
                     ? QStringLiteral("%1: cannot read COCO annotations").arg(cocoFile)
                     : QStringLiteral("%1: %2 %3").arg(e.front().file, e.front().place, e.front().message);
        return {};
    }
    auto images = std::make_shared<std::vector<annotation::DatasetImage>>();
    for (const annotation::DatasetImage& img : data->images) {
        const QString path = imagePath(imagesDir, img.path);
        QImageReader reader(path);
        reader.setAutoTransform(true);
        QSize size = reader.size();
        if (!size.isValid()) {
            *error = QStringLiteral("%1: cannot read image named in %2: %3")
                         .arg(path, cocoFile, reader.errorString());
            return {};
        }
        if (reader.transformation().testFlag(QImageIOHandler::TransformationRotate90)) size.transpose();
        if (size != QSize(img.width, img.height)) {
            *error = QStringLiteral("%1: image is %2×%3 but %4 says %5×%6")
                         .arg(path)
                         .arg(size.width())
                         .arg(size.height())
                         .arg(cocoFile)
                         .arg(img.width)
                         .arg(img.height);
            return {};
        }
        if (unionMask(img).empty()) {
            *error = QStringLiteral("%1: image %2 has no polygon or mask annotation").arg(cocoFile, img.path);
            return {};
        }
        images->push_back(img);
    }
    if (images->empty()) {
        *error = QStringLiteral("%1: no images").arg(cocoFile);
        return {};
    }
    core::QualitySource src;
    src.count = int(images->size());
    src.description = QStringLiteral("images %1, COCO %2").arg(imagesDir, cocoFile);
    src.item = [imagesDir, images, targets](int i) {
        const annotation::DatasetImage& img = (*images)[size_t(i)];
        core::QualityItem item;
        item.name = img.path;
        const QString path = imagePath(imagesDir, img.path);
        QImageReader reader(path);
        reader.setAutoTransform(true);
        item.image = reader.read();
        if (item.image.isNull())
            throw compute::Error(path.toStdString(),
                                 "cannot read image: " + reader.errorString().toStdString());
        item.mask.width = img.width;
        item.mask.height = img.height;
        item.mask.pixels = unionMask(img);
        const QString target = core::lookupTarget(targets, img.path);
        if (!target.isEmpty()) core::applyTarget(item, target);
        return item;
    };
    return src;
}

} // namespace loupe::cli
