// SPDX-License-Identifier: MIT
#include "app/cli/quality_coco.h"

#include "annotation/formats/coco.h"
#include "views/quality/datasetqualitysource.h"

namespace loupe::cli {

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
