// SPDX-License-Identifier: MIT
#pragma once

#include "core/explain/quality_dataset.h"

class QChart;

namespace loupe::views {

// Charts of a quality report. The caller owns the returned chart (a QChartView takes it over).

// One bar set per metric (pointing, inside mask, deletion AUC, insertion AUC, randomisation ρ), the
// methods as categories; the randomisation set only when the report has it. Axis 0..1 (ρ below 0 shows
// as 0: a negative correlation already passes the check).
QChart* qualityMetricChart(const core::QualityReport& report);
// The mean deletion (or insertion) curve of every method over the share of pixels changed.
QChart* qualityCurveChart(const core::QualityReport& report, bool deletion);

} // namespace loupe::views
