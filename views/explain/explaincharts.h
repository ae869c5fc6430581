// SPDX-License-Identifier: MIT
#pragma once

#include "core/explain/explain_record.h"

#include <QtCharts/QChartView>

namespace loupe::views {

// Head importance as a bar chart: the heads whose removal lowers the target logit most, largest first.
class HeadImportanceChart : public QChartView
{
    Q_OBJECT
public:
    static constexpr int kMaxBars = 16;
    explicit HeadImportanceChart(QWidget* parent = nullptr);
    // e.grid is [layers, heads] of logit drops; nothing shown for another method.
    void showHeads(const core::Explanation& e);
    void clear();
    // What the bars show, best first: "L3 H1" and the drop.
    QStringList barLabels() const { return m_labels; }

private:
    QStringList m_labels;
};

// Deletion and insertion curves of the shown map with their areas under the curve.
class FaithfulnessChart : public QChartView
{
    Q_OBJECT
public:
    explicit FaithfulnessChart(QWidget* parent = nullptr);
    void showCurves(const core::Explanation& e);
    void clear(const QString& why = {});
    int seriesCount() const;

private:
    void reset(const QString& title);
};

} // namespace loupe::views
