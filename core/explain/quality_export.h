// SPDX-License-Identifier: MIT
#pragma once

#include "core/explain/quality_dataset.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace loupe::core {

// The harness's results as the command line prints them and the Explanation quality dialog exports them.

// {"images", "top1_accuracy" (when targets were labels), "canceled", "settings", "fractions",
//  "methods": {name: {pointing_accuracy, positive_relevance_inside, deletion_auc, insertion_auc,
//  randomisation_spearman (with a random model), map_seconds_per_image, mean_deletion_curve,
//  mean_insertion_curve}}}
QJsonObject qualityJson(const QualityReport& report, const QualityOptions& options);

// One line per method:
// method,images,pointing,inside,deletion_auc,insertion_auc,randomisation_spearman,seconds
QByteArray qualitySummaryCsv(const QualityReport& report);
// One line per (image, method): image,method,target,pointing,inside,deletion_auc,insertion_auc,randomisation
QByteArray qualityImagesCsv(const QualityReport& report);
// A Markdown table of the means, in the order of the report.
QString qualityMarkdown(const QualityReport& report);

} // namespace loupe::core
