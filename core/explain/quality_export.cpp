// SPDX-License-Identifier: MIT
#include "core/explain/quality_export.h"

#include <QJsonArray>

namespace loupe::core {

namespace {

QJsonArray array(const std::vector<double>& v)
{
    QJsonArray a;
    for (double x : v)
        a.append(x);
    return a;
}

// CSV fields are image paths: quote when they hold a separator or a quote.
QString csvField(const QString& s)
{
    if (!s.contains(QLatin1Char(',')) && !s.contains(QLatin1Char('"')) && !s.contains(QLatin1Char('\n')))
        return s;
    QString q = s;
    q.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + q + QLatin1Char('"');
}

QString num(double v)
{
    return QString::number(v, 'g', 6);
}

} // namespace

QJsonObject qualityJson(const QualityReport& report, const QualityOptions& options)
{
    QJsonObject j;
    j[QStringLiteral("images")] = report.images;
    if (report.canceled) j[QStringLiteral("canceled")] = true;
    if (report.labelled > 0) {
        j[QStringLiteral("top1_accuracy")] = double(report.labelledCorrect) / report.labelled;
        j[QStringLiteral("labelled_images")] = report.labelled;
    }
    j[QStringLiteral("settings")] = QJsonObject{
        {QStringLiteral("pointing_tolerance"), QStringLiteral("one patch")},
        {QStringLiteral("target"),
         QStringLiteral("the image's label when known (shapes world: the most prominent object), else the "
                        "model's top class; mask = that object")},
        {QStringLiteral("deletion"), QStringLiteral("zero substrate, softmax probability")},
        {QStringLiteral("insertion"), QStringLiteral("blur k11 sigma5 substrate, softmax probability")},
        {QStringLiteral("steps"), options.steps},
        {QStringLiteral("attention"), QStringLiteral("last layer, mean over heads, CLS row")},
        {QStringLiteral("rollout"),
         QStringLiteral("mean fusion, residual 0.5, rows renormalised, no discard")},
        {QStringLiteral("occlusion"),
         QStringLiteral("window = stride = one patch, baseline 0, softmax probability")},
        {QStringLiteral("integrated-gradients"),
         QStringLiteral("%1 midpoint steps from a zero baseline").arg(options.igSteps)},
        {QStringLiteral("rise"),
         QJsonObject{
             {QStringLiteral("masks"), options.riseMasks},
             {QStringLiteral("cells"), 8},
             {QStringLiteral("p"), 0.5},
             {QStringLiteral("seed"), QStringLiteral("image index (other masks for the random model)")}}}};
    QJsonArray fractions;
    for (float f : report.fractions)
        fractions.append(double(f));
    j[QStringLiteral("fractions")] = fractions;
    QJsonObject methods;
    for (const MethodQuality& m : report.methods) {
        QJsonObject r{{QStringLiteral("images"), m.images},
                      {QStringLiteral("pointing_accuracy"), m.pointing},
                      {QStringLiteral("positive_relevance_inside"), m.inside},
                      {QStringLiteral("deletion_auc"), m.deletion},
                      {QStringLiteral("insertion_auc"), m.insertion},
                      {QStringLiteral("map_seconds_per_image"), m.mapSeconds},
                      {QStringLiteral("mean_deletion_curve"), array(m.meanDeletion)},
                      {QStringLiteral("mean_insertion_curve"), array(m.meanInsertion)}};
        if (m.randomisedImages > 0) r[QStringLiteral("randomisation_spearman")] = m.randomisation;
        if (!m.settings.isEmpty()) r[QStringLiteral("settings")] = QJsonObject::fromVariantMap(m.settings);
        methods[m.method] = r;
    }
    j[QStringLiteral("methods")] = methods;
    return j;
}

QByteArray qualitySummaryCsv(const QualityReport& report)
{
    QString out = QStringLiteral("method,images,pointing_accuracy,positive_relevance_inside,deletion_auc,"
                                 "insertion_auc,randomisation_spearman,map_seconds_per_image\n");
    for (const MethodQuality& m : report.methods)
        out += QStringList{m.method,
                           QString::number(m.images),
                           num(m.pointing),
                           num(m.inside),
                           num(m.deletion),
                           num(m.insertion),
                           m.randomisedImages ? num(m.randomisation) : QString(),
                           num(m.mapSeconds)}
                   .join(QLatin1Char(',')) +
               QLatin1Char('\n');
    return out.toUtf8();
}

QByteArray qualityImagesCsv(const QualityReport& report)
{
    QString out = QStringLiteral("image,method,target,pointing,positive_relevance_inside,deletion_auc,"
                                 "insertion_auc,randomisation_spearman\n");
    for (const QualityImageRow& r : report.rows)
        out += QStringList{csvField(r.image),
                           r.method,
                           QString::number(r.target),
                           QString::number(r.pointing ? 1 : 0),
                           num(r.inside),
                           num(r.deletion),
                           num(r.insertion),
                           r.hasRandomisation ? num(r.randomisation) : QString()}
                   .join(QLatin1Char(',')) +
               QLatin1Char('\n');
    return out.toUtf8();
}

QString qualityMarkdown(const QualityReport& report)
{
    QString out = QStringLiteral("| method | pointing ↑ | inside mask ↑ | deletion AUC ↓ | insertion AUC ↑ | "
                                 "randomisation ρ ↓ | s/map |\n|---|---|---|---|---|---|---|\n");
    for (const MethodQuality& m : report.methods)
        out += QStringLiteral("| %1 | %2 | %3 | %4 | %5 | %6 | %7 |\n")
                   .arg(m.method)
                   .arg(m.pointing, 0, 'f', 3)
                   .arg(m.inside, 0, 'f', 3)
                   .arg(m.deletion, 0, 'f', 3)
                   .arg(m.insertion, 0, 'f', 3)
                   .arg(m.randomisedImages ? QString::number(m.randomisation, 'f', 3) : QStringLiteral("—"))
                   .arg(m.mapSeconds, 0, 'f', 3);
    return out;
}

} // namespace loupe::core
