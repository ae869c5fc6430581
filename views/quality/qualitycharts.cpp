// SPDX-License-Identifier: MIT
#include "views/quality/qualitycharts.h"

#include "views/explain/methodnames.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QLineSeries>
#include <QValueAxis>
#include <algorithm>

namespace loupe::views {

QChart* qualityMetricChart(const core::QualityReport& report)
{
    auto* chart = new QChart;
    chart->setTitle(QObject::tr("Explanation quality (%n image(s))", nullptr, report.images));
    auto* series = new QBarSeries;
    const bool randomised = std::any_of(report.methods.begin(), report.methods.end(),
                                        [](const core::MethodQuality& m) { return m.randomisedImages > 0; });
    struct Metric
    {
        QString name;
        double core::MethodQuality::*field;
    };
    std::vector<Metric> metrics{{QObject::tr("Pointing ↑"), &core::MethodQuality::pointing},
                                {QObject::tr("Inside mask ↑"), &core::MethodQuality::inside},
                                {QObject::tr("Deletion AUC ↓"), &core::MethodQuality::deletion},
                                {QObject::tr("Insertion AUC ↑"), &core::MethodQuality::insertion}};
    if (randomised)
        metrics.push_back({QObject::tr("Randomisation ρ ↓"), &core::MethodQuality::randomisation});
    for (const Metric& metric : metrics) {
        auto* set = new QBarSet(metric.name);
        for (const core::MethodQuality& m : report.methods)
            *set << std::max(0.0, m.*metric.field);
        series->append(set);
    }
    chart->addSeries(series);
    QStringList methods;
    for (const core::MethodQuality& m : report.methods)
        methods << methodDisplayName(m.method);
    auto* x = new QBarCategoryAxis;
    x->append(methods);
    auto* y = new QValueAxis;
    y->setRange(0.0, 1.0);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
    chart->legend()->setAlignment(Qt::AlignBottom);
    return chart;
}

QChart* qualityCurveChart(const core::QualityReport& report, bool deletion)
{
    auto* chart = new QChart;
    chart->setTitle(deletion ? QObject::tr("Mean deletion curve (lower is better)")
                             : QObject::tr("Mean insertion curve (higher is better)"));
    auto* x = new QValueAxis;
    x->setRange(0.0, 1.0);
    x->setTitleText(deletion ? QObject::tr("Share of pixels deleted")
                             : QObject::tr("Share of pixels inserted"));
    auto* y = new QValueAxis;
    y->setRange(0.0, 1.0);
    y->setTitleText(QObject::tr("Target probability"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (const core::MethodQuality& m : report.methods) {
        const std::vector<double>& curve = deletion ? m.meanDeletion : m.meanInsertion;
        auto* line = new QLineSeries;
        line->setName(methodDisplayName(m.method));
        for (size_t i = 0; i < curve.size() && i < report.fractions.size(); ++i)
            line->append(double(report.fractions[i]), curve[i]);
        chart->addSeries(line);
        line->attachAxis(x);
        line->attachAxis(y);
    }
    chart->legend()->setAlignment(Qt::AlignBottom);
    return chart;
}

} // namespace loupe::views
