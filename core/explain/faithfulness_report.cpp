// SPDX-License-Identifier: MIT
#include "core/explain/faithfulness_report.h"

#include "compute/attribution/attention_maps.h"
#include "core/explain/explainer.h"

#include <QJsonArray>
#include <algorithm>

namespace loupe::core {

using namespace compute::attribution;

namespace {

QJsonObject curveJson(const Curve& c)
{
    QJsonArray f, s;
    for (float v : c.fractions)
        f.append(double(v));
    for (float v : c.scores)
        s.append(double(v));
    return {{QStringLiteral("fractions"), f},
            {QStringLiteral("scores"), s},
            {QStringLiteral("auc"), double(c.auc)}};
}

} // namespace

QJsonObject FaithfulnessReport::toJson(bool withCurves) const
{
    const std::pair<const char*, const Curve*> named[] = {{"deletion_zero", &deletionZero},
                                                          {"deletion_blur", &deletionBlur},
                                                          {"insertion_blur", &insertionBlur},
                                                          {"insertion_zero", &insertionZero},
                                                          {"positive_perturbation", &positivePerturbation},
                                                          {"negative_perturbation", &negativePerturbation}};
    QJsonObject o{{QStringLiteral("deletion_auc"), double(deletionZero.auc)},
                  {QStringLiteral("insertion_auc"), double(insertionBlur.auc)},
                  {QStringLiteral("score"), QStringLiteral("softmax probability of the target")},
                  {QStringLiteral("blur"), QStringLiteral("gaussian k11 sigma5")}};
    QJsonObject curves;
    for (const auto& [name, curve] : named) {
        o.insert(QLatin1String(name) + QLatin1String("_auc"), double(curve->auc));
        if (withCurves) curves.insert(QLatin1String(name), curveJson(*curve));
    }
    if (withCurves) o.insert(QStringLiteral("curves"), curves);
    return o;
}

FaithfulnessReport faithfulnessReport(const VitSession& s, const PlanarImage& image, int target,
                                      const std::vector<float>& grid, int rows, int cols, int steps)
{
    const std::vector<float> rel = upsampleBilinear(grid, rows, cols, image.height, image.width);
    PlanarImage zero = image;
    std::fill(zero.data.begin(), zero.data.end(), 0.0f);
    const PlanarImage blur = gaussianBlur(image, 11, 5.0f);
    const ScoreFn score = probabilityScore(s, target);
    CurveOptions co;
    co.steps = steps;
    co.batchSize = 16;
    FaithfulnessReport r;
    r.deletionZero = deletionCurve(image, rel, zero, score, co);
    r.deletionBlur = deletionCurve(image, rel, blur, score, co);
    r.insertionBlur = insertionCurve(image, rel, blur, score, co);
    r.insertionZero = insertionCurve(image, rel, zero, score, co);
    r.positivePerturbation = perturbationCurve(image, rel, zero, true, score, co.batchSize);
    r.negativePerturbation = perturbationCurve(image, rel, zero, false, score, co.batchSize);
    return r;
}

} // namespace loupe::core
