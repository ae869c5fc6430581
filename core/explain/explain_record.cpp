// SPDX-License-Identifier: MIT
#include "core/explain/explain_record.h"

#include "core/explain/explain_method_registry.h"

#include <QJsonArray>

namespace loupe::core {

using compute::attribution::Curve;
using compute::attribution::HeadFusion;

namespace {

const QString kMethod = QStringLiteral("method");
const QString kSettings = QStringLiteral("settings");

QJsonArray toArray(const std::vector<float>& v)
{
    QJsonArray a;
    for (float x : v)
        a.append(double(x)); // float → double → float is exact, so the stored map is the raw map
    return a;
}

bool fromArray(const QJsonValue& value, std::vector<float>* out)
{
    if (!value.isArray()) return false;
    out->clear();
    for (const QJsonValue& x : value.toArray()) {
        if (!x.isDouble()) return false;
        out->push_back(float(x.toDouble()));
    }
    return true;
}

QJsonObject curveToJson(const Curve& c)
{
    return QJsonObject{{QStringLiteral("fractions"), toArray(c.fractions)},
                       {QStringLiteral("scores"), toArray(c.scores)},
                       {QStringLiteral("auc"), double(c.auc)}};
}

Curve curveFromJson(const QJsonObject& o)
{
    Curve c;
    fromArray(o.value(QStringLiteral("fractions")), &c.fractions);
    fromArray(o.value(QStringLiteral("scores")), &c.scores);
    if (c.scores.size() != c.fractions.size()) c.scores.resize(c.fractions.size(), 0.0f);
    c.auc = float(o.value(QStringLiteral("auc")).toDouble());
    return c;
}

bool fail(QString* error, const QString& why)
{
    if (error) *error = why;
    return false;
}

} // namespace

QString fusionName(HeadFusion f)
{
    switch (f) {
    case HeadFusion::Max:
        return QStringLiteral("max");
    case HeadFusion::Min:
        return QStringLiteral("min");
    case HeadFusion::Mean:
        break;
    }
    return QStringLiteral("mean");
}

std::optional<HeadFusion> fusionFromName(const QString& name)
{
    if (name == QLatin1String("mean")) return HeadFusion::Mean;
    if (name == QLatin1String("max")) return HeadFusion::Max;
    if (name == QLatin1String("min")) return HeadFusion::Min;
    return std::nullopt;
}

QString Explanation::title() const
{
    const ExplainParams& p = params;
    const QString& m = p.method;
    QStringList detail;
    if (m == QLatin1String("attention")) {
        detail << (p.layer < 0 ? QStringLiteral("last layer") : QStringLiteral("layer %1").arg(p.layer));
        detail << (p.head < 0 ? QStringLiteral("mean of heads") : QStringLiteral("head %1").arg(p.head));
    } else if (m == QLatin1String("rollout")) {
        detail << fusionName(p.fusion);
        if (p.discardRatio > 0) detail << QStringLiteral("discard %1").arg(double(p.discardRatio));
        if (p.startLayer > 0) detail << QStringLiteral("from layer %1").arg(p.startLayer);
    } else if (m == QLatin1String("gradcam") || m == QLatin1String("gradcam-attn")) {
        detail << (p.layer < 0 ? QStringLiteral("last block") : QStringLiteral("block %1").arg(p.layer));
    } else if (m == QLatin1String("integrated-gradients")) {
        detail << QStringLiteral("%1 steps").arg(p.igSteps);
    } else if (m == QLatin1String("occlusion")) {
        detail << QStringLiteral("window %1").arg(p.occlusionWindow)
               << QStringLiteral("stride %1").arg(p.occlusionStride);
    } else if (m == QLatin1String("rise")) {
        detail << QStringLiteral("N %1").arg(p.riseMasks) << QStringLiteral("s %1").arg(p.riseCells)
               << QStringLiteral("p %1").arg(double(p.riseP));
    }
    detail << describeExplainMethodSettings(m, p.methodSettings);
    if ((m == QLatin1String("attention") || m == QLatin1String("rollout")) && (p.token != 0 || p.column))
        detail << QStringLiteral("token %1 %2")
                      .arg(p.token)
                      .arg(p.column ? QStringLiteral("column") : QStringLiteral("row"));
    const QString head =
        detail.isEmpty() ? m : QStringLiteral("%1 (%2)").arg(m, detail.join(QStringLiteral(", ")));
    return targetLabel.isEmpty() ? head : QStringLiteral("%1 → %2").arg(head, targetLabel);
}

QJsonObject paramsToJson(const ExplainParams& p)
{
    QJsonObject o{{kMethod, p.method}};
    const QString& m = p.method;
    if (m == QLatin1String("attention") || m == QLatin1String("rollout")) {
        o.insert(QStringLiteral("token"), p.token);
        o.insert(QStringLiteral("column"), p.column);
    }
    if (m == QLatin1String("attention")) {
        o.insert(QStringLiteral("layer"), p.layer);
        o.insert(QStringLiteral("head"), p.head);
    } else if (m == QLatin1String("gradcam") || m == QLatin1String("gradcam-attn")) {
        o.insert(QStringLiteral("layer"), p.layer); // the block the map reads, -1 = last
    } else if (m == QLatin1String("rollout")) {
        o.insert(QStringLiteral("fusion"), fusionName(p.fusion));
        o.insert(QStringLiteral("discard_ratio"), double(p.discardRatio));
        o.insert(QStringLiteral("start_layer"), p.startLayer);
    } else if (m == QLatin1String("integrated-gradients")) {
        o.insert(QStringLiteral("steps"), p.igSteps);
    } else if (m == QLatin1String("occlusion")) {
        o.insert(QStringLiteral("window"), p.occlusionWindow);
        o.insert(QStringLiteral("stride"), p.occlusionStride);
    } else if (m == QLatin1String("rise")) {
        o.insert(QStringLiteral("masks"), p.riseMasks);
        o.insert(QStringLiteral("cells"), p.riseCells);
        o.insert(QStringLiteral("p"), double(p.riseP));
        o.insert(QStringLiteral("seed"), QString::number(p.seed)); // 64 bits do not fit a JSON double
    }
    // Written in full (defaults included), so a run left at a default and one set to it compare equal.
    const QVariantMap settings = completeExplainMethodSettings(m, p.methodSettings);
    if (!settings.isEmpty()) o.insert(kSettings, QJsonObject::fromVariantMap(settings));
    return o;
}

std::optional<ExplainParams> paramsFromJson(const QJsonObject& o, QString* error)
{
    ExplainParams p;
    p.method = o.value(kMethod).toString();
    if (!isKnownMethod(p.method)) {
        fail(error, QStringLiteral("unknown explanation method '%1'").arg(p.method));
        return std::nullopt;
    }
    const auto integer = [&](const char* key, int def) { return o.value(QLatin1String(key)).toInt(def); };
    p.token = integer("token", p.token);
    p.column = o.value(QStringLiteral("column")).toBool(false);
    p.layer = integer("layer", p.layer);
    p.head = integer("head", p.head);
    if (o.contains(QStringLiteral("fusion"))) {
        const auto f = fusionFromName(o.value(QStringLiteral("fusion")).toString());
        if (!f) {
            fail(
                error,
                QStringLiteral("unknown head fusion '%1'").arg(o.value(QStringLiteral("fusion")).toString()));
            return std::nullopt;
        }
        p.fusion = *f;
    }
    p.discardRatio = float(o.value(QStringLiteral("discard_ratio")).toDouble(double(p.discardRatio)));
    p.startLayer = integer("start_layer", p.startLayer);
    p.igSteps = integer("steps", p.igSteps);
    p.occlusionWindow = integer("window", p.occlusionWindow);
    p.occlusionStride = integer("stride", p.occlusionStride);
    p.riseMasks = integer("masks", p.riseMasks);
    p.riseCells = integer("cells", p.riseCells);
    p.riseP = float(o.value(QStringLiteral("p")).toDouble(double(p.riseP)));
    p.seed = o.value(QStringLiteral("seed")).toString().toULongLong();
    const QJsonValue settings = o.value(kSettings);
    if (!settings.isUndefined() && !settings.isObject()) {
        fail(error, QStringLiteral("the settings of '%1' are not a JSON object").arg(p.method));
        return std::nullopt;
    }
    p.methodSettings = completeExplainMethodSettings(p.method, settings.toObject().toVariantMap());
    return p;
}

QString Explanation::precisionBadge() const
{
    return precision.isEmpty() || precision == QLatin1String("f32") ? QString() : precision;
}

RunRecord toRun(const Explanation& e, qint64 assetId)
{
    RunRecord r;
    r.assetId = assetId;
    r.kind = QString::fromLatin1(kExplainRunKind);
    r.modelPath = e.modelPath;
    r.checkpointHash = e.checkpointHash;
    r.backend = e.backend;
    r.device = e.device;
    r.precision = e.precision;
    r.fallbackReason = e.fallbackReason;
    r.durationMs = e.durationMs;
    r.when = e.when.isValid() ? e.when : QDateTime::currentDateTimeUtc();
    r.parameters = paramsToJson(e.params);
    r.parameters.insert(QStringLiteral("target"), e.target);
    r.parameters.insert(QStringLiteral("target_label"), e.targetLabel);
    QJsonObject result{{QStringLiteral("rows"), e.rows},
                       {QStringLiteral("cols"), e.cols},
                       {QStringLiteral("grid"), toArray(e.grid)}};
    if (!e.layerDelta.empty()) result.insert(QStringLiteral("layer_delta"), toArray(e.layerDelta));
    if (e.hasMetrics)
        result.insert(QStringLiteral("metrics"),
                      QJsonObject{{QStringLiteral("deletion_auc"), double(e.deletion.auc)},
                                  {QStringLiteral("insertion_auc"), double(e.insertion.auc)},
                                  {QStringLiteral("deletion"), curveToJson(e.deletion)},
                                  {QStringLiteral("insertion"), curveToJson(e.insertion)}});
    r.result = result;
    return r;
}

std::optional<Explanation> fromRun(const RunRecord& run, QString* error)
{
    const QString where = QStringLiteral("run %1").arg(run.id);
    if (run.kind != QLatin1String(kExplainRunKind)) {
        fail(error, QStringLiteral("%1 is a '%2' run, not an explanation").arg(where, run.kind));
        return std::nullopt;
    }
    QString why;
    const std::optional<ExplainParams> params = paramsFromJson(run.parameters, &why);
    if (!params) {
        fail(error, QStringLiteral("%1: %2").arg(where, why));
        return std::nullopt;
    }
    Explanation e;
    e.params = *params;
    e.target = run.parameters.value(QStringLiteral("target")).toInt(-1);
    e.targetLabel = run.parameters.value(QStringLiteral("target_label")).toString();
    e.rows = run.result.value(QStringLiteral("rows")).toInt();
    e.cols = run.result.value(QStringLiteral("cols")).toInt();
    if (!fromArray(run.result.value(QStringLiteral("grid")), &e.grid) || e.rows <= 0 || e.cols <= 0 ||
        e.grid.size() != size_t(e.rows) * size_t(e.cols)) {
        fail(error, QStringLiteral("%1: the stored map is not a %2 × %3 grid of numbers")
                        .arg(where)
                        .arg(e.rows)
                        .arg(e.cols));
        return std::nullopt;
    }
    fromArray(run.result.value(QStringLiteral("layer_delta")), &e.layerDelta);
    const QJsonObject metrics = run.result.value(QStringLiteral("metrics")).toObject();
    e.hasMetrics = !metrics.isEmpty();
    if (e.hasMetrics) {
        e.deletion = curveFromJson(metrics.value(QStringLiteral("deletion")).toObject());
        e.insertion = curveFromJson(metrics.value(QStringLiteral("insertion")).toObject());
        e.deletion.auc =
            float(metrics.value(QStringLiteral("deletion_auc")).toDouble(double(e.deletion.auc)));
        e.insertion.auc =
            float(metrics.value(QStringLiteral("insertion_auc")).toDouble(double(e.insertion.auc)));
    }
    e.runId = run.id;
    e.modelPath = run.modelPath;
    e.checkpointHash = run.checkpointHash;
    e.backend = run.backend;
    e.device = run.device;
    e.precision = run.precision;
    e.fallbackReason = run.fallbackReason;
    e.durationMs = run.durationMs;
    e.when = run.when;
    return e;
}

} // namespace loupe::core
