// SPDX-License-Identifier: MIT
#include "views/explain/explaincharts.h"

#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSet>
#include <QtCharts/QHorizontalBarSeries>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>
#include <algorithm>
#include <numeric>

namespace loupe::views {

namespace {

QChart* freshChart(const QString& title)
{
    auto* chart = new QChart;
    chart->setTitle(title);
    chart->setMargins(QMargins(2, 2, 2, 2));
    chart->setBackgroundRoundness(0);
    chart->legend()->setVisible(false);
    return chart;
}

} // namespace

HeadImportanceChart::HeadImportanceChart(QWidget* parent) : QChartView(parent)
{
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(220);
    clear();
}

void HeadImportanceChart::clear()
{
    m_labels.clear();
    QChart* old = chart();
    setChart(freshChart(tr("Head importance: run the head-importance method")));
    delete old;
}

void HeadImportanceChart::showHeads(const core::Explanation& e)
{
    if (e.params.method != QLatin1String("head-importance") || e.grid.empty()) {
        clear();
        return;
    }
    std::vector<int> order(e.grid.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return e.grid[size_t(a)] > e.grid[size_t(b)]; });
    order.resize(std::min<size_t>(order.size(), kMaxBars));
    // Horizontal bars are drawn bottom-up: add the largest last so it sits on top.
    auto* set = new QBarSet(tr("logit drop"));
    QStringList categories;
    m_labels.clear();
    float lo = 0, hi = 0;
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
        const int i = *it;
        const QString name = QStringLiteral("L%1 H%2").arg(i / e.cols).arg(i % e.cols);
        categories << name;
        *set << double(e.grid[size_t(i)]);
        lo = std::min(lo, e.grid[size_t(i)]);
        hi = std::max(hi, e.grid[size_t(i)]);
    }
    for (int i : order)
        m_labels << QStringLiteral("L%1 H%2").arg(i / e.cols).arg(i % e.cols);
    auto* series = new QHorizontalBarSeries;
    series->append(set);
    QChart* chart = freshChart(tr("Head importance → %1 (Δ logit when removed)").arg(e.targetLabel));
    chart->addSeries(series);
    auto* y = new QBarCategoryAxis;
    y->append(categories);
    auto* x = new QValueAxis;
    x->setRange(double(lo), double(hi > lo ? hi : lo + 1));
    x->setLabelFormat(QStringLiteral("%.2g"));
    chart->addAxis(y, Qt::AlignLeft);
    chart->addAxis(x, Qt::AlignBottom);
    series->attachAxis(y);
    series->attachAxis(x);
    QChart* old = this->chart();
    setChart(chart);
    delete old;
}

FaithfulnessChart::FaithfulnessChart(QWidget* parent) : QChartView(parent)
{
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(200);
    clear();
}

void FaithfulnessChart::reset(const QString& title)
{
    QChart* old = chart();
    setChart(freshChart(title));
    delete old;
}

void FaithfulnessChart::clear(const QString& why)
{
    reset(why.isEmpty() ? tr("Deletion / insertion: explain with curves on") : why);
}

int FaithfulnessChart::seriesCount() const
{
    return int(chart()->series().size());
}

void FaithfulnessChart::showCurves(const core::Explanation& e)
{
    if (!e.hasMetrics || e.deletion.fractions.empty()) {
        clear();
        return;
    }
    QChart* chart = freshChart(tr("Deletion AUC %1 (lower is better) · insertion AUC %2 (higher is better)")
                                   .arg(double(e.deletion.auc), 0, 'f', 3)
                                   .arg(double(e.insertion.auc), 0, 'f', 3));
    chart->legend()->setVisible(true);
    chart->legend()->setAlignment(Qt::AlignBottom);
    auto* x = new QValueAxis;
    x->setRange(0, 1);
    x->setTitleText(tr("share of pixels changed"));
    x->setLabelFormat(QStringLiteral("%.1f"));
    auto* y = new QValueAxis;
    y->setRange(0, 1);
    y->setTitleText(tr("p(%1)").arg(e.targetLabel));
    y->setLabelFormat(QStringLiteral("%.1f"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (const auto& [curve, name] :
         {std::pair{&e.deletion, tr("deletion")}, std::pair{&e.insertion, tr("insertion")}}) {
        auto* s = new QLineSeries;
        s->setName(name);
        for (size_t i = 0; i < curve->fractions.size() && i < curve->scores.size(); ++i)
            s->append(double(curve->fractions[i]), double(curve->scores[i]));
        chart->addSeries(s);
        s->attachAxis(x);
        s->attachAxis(y);
    }
    QChart* old = this->chart();
    setChart(chart);
    delete old;
}

} // namespace loupe::views
