// SPDX-License-Identifier: MIT
#include "compute/error.h"
#include "core/inference/sam_clip_detector.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <cmath>

namespace loupe::core {

namespace {

using compute::Error;

// One named setting applied to the options; false for a name SAM's generator does not have.
bool applyOne(const QString& name, double v, compute::sam::AutomaskOptions& a)
{
    if (name == QLatin1String("points_per_side"))
        a.pointsPerSide = int(v);
    else if (name == QLatin1String("points_per_batch"))
        a.pointsPerBatch = int(v);
    else if (name == QLatin1String("pred_iou_thresh"))
        a.predIouThresh = v;
    else if (name == QLatin1String("stability_score_thresh"))
        a.stabilityScoreThresh = v;
    else if (name == QLatin1String("stability_score_offset"))
        a.stabilityScoreOffset = v;
    else if (name == QLatin1String("box_nms_thresh"))
        a.boxNmsThresh = v;
    else if (name == QLatin1String("min_mask_region_area"))
        a.minMaskRegionArea = int64_t(v);
    else
        return false;
    return true;
}

bool isCount(const QString& name)
{
    return name == QLatin1String("points_per_side") || name == QLatin1String("points_per_batch") ||
           name == QLatin1String("min_mask_region_area");
}

void applyMap(const QVariantMap& settings, const QString& source, compute::sam::AutomaskOptions& a)
{
    for (auto it = settings.cbegin(); it != settings.cend(); ++it) {
        bool ok = false;
        const double v = it.value().toDouble(&ok);
        const QString where = QStringLiteral("%1: %2").arg(source, it.key());
        compute::sam::AutomaskOptions probe;
        if (!applyOne(it.key(), 0, probe))
            throw Error(
                where.toStdString(),
                "is not a setting of SAM's automatic mask generator (points_per_side, points_per_batch, "
                "pred_iou_thresh, stability_score_thresh, stability_score_offset, box_nms_thresh, "
                "min_mask_region_area)");
        if (!ok || !std::isfinite(v))
            throw Error(where.toStdString(),
                        "needs a number, got '" + it.value().toString().toStdString() + "'");
        if (isCount(it.key()) ? (v < 0 || v != std::floor(v) || v > 1e6)
                              : (it.key() != QLatin1String("stability_score_offset") && (v < 0 || v > 1)))
            throw Error(where.toStdString(), isCount(it.key()) ? "needs a whole number of 0 or more"
                                                               : "needs a number from 0 to 1");
        applyOne(it.key(), v, a);
    }
}

} // namespace

void applyAutomaskSettings(const QString& modelFolder, const QVariantMap& settings,
                           compute::sam::AutomaskOptions& automask)
{
    const QString path = QDir(modelFolder).filePath(QStringLiteral("automask_config.json"));
    QFile file(path);
    if (file.exists()) {
        if (!file.open(QIODevice::ReadOnly))
            throw Error(path.toStdString(), "cannot read: " + file.errorString().toStdString());
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(file.read(1 << 20), &err);
        if (!doc.isObject())
            throw Error(path.toStdString(), "not a JSON object: " + err.errorString().toStdString());
        applyMap(doc.object().toVariantMap(), path, automask);
    }
    applyMap(settings, QStringLiteral("setting"), automask);
}

} // namespace loupe::core
