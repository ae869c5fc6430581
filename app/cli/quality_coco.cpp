// SPDX-License-Identifier: MIT
#include "app/cli/quality_coco.h"

#include "annotation/formats/coco.h"
#include "annotation/formats/fileio.h"
#include "views/quality/datasetqualitysource.h"

#include <QDir>

namespace loupe::cli {

core::QualitySource cocoQualitySource(const QString& imagesDir, const QString& cocoFile,
                                      const core::QualityTargets& targets, QString* error)
{
    annotation::FormatReport report;
    // Masks are rasterised at the size of the image really there, and not at all for a missing one: a
    // file declaring a 50000 x 50000 image must not cost gigabytes before the size check below.
    const annotation::ImportTarget images([&](const QString& path) -> std::optional<QSize> {
        const QSize s = annotation::orientedImageSize(QDir(imagesDir).filePath(path));
        return s.isValid() ? std::optional<QSize>(s) : std::nullopt;
    });
    annotation::ImportOptions options;
    options.target = &images;
    const std::optional<annotation::Dataset> data = annotation::coco::read(cocoFile, report, options);
    if (!data || report.hasErrors()) {
        const auto& e = report.errors();
        *error = e.empty()
                     ? QStringLiteral("%1: cannot read COCO annotations").arg(cocoFile)
                     : QStringLiteral("%1: %2 %3").arg(e.front().file, e.front().place, e.front().message);
        return {};
    }
    if (data->images.empty()) {
        *error = QStringLiteral("%1: no images").arg(cocoFile);
        return {};
    }
    QString why;
    core::QualitySource src = views::datasetQualitySource(*data, imagesDir, targets, &why);
    if (src.count == 0) {
        *error = QStringLiteral("%1: %2").arg(cocoFile, why);
        return {};
    }
    src.description = QStringLiteral("images %1, COCO %2").arg(imagesDir, cocoFile);
    return src;
}

} // namespace loupe::cli
