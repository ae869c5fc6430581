// SPDX-License-Identifier: MIT
#include "annotation/document/clipboard.h"

#include "annotation/geometry/measure.h"
#include "annotation/shapes/geometryjson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cmath>

namespace loupe::annotation {

QByteArray shapesToClipboard(const std::vector<Shape>& shapes)
{
    QJsonArray a;
    for (const Shape& s : shapes)
        a.append(QJsonObject{{QStringLiteral("label"), double(s.labelId)},
                             {QStringLiteral("geometry"), geometryToJson(s.geometry)},
                             {QStringLiteral("attributes"), s.attributes}});
    return QJsonDocument(QJsonObject{{QStringLiteral("v"), 1}, {QStringLiteral("shapes"), a}})
        .toJson(QJsonDocument::Compact);
}

std::optional<std::vector<Shape>> shapesFromClipboard(const QByteArray& payload, qint64 targetImageId,
                                                      int targetWidth, int targetHeight, QPointF offset,
                                                      QString* error)
{
    QString local;
    QString* err = error ? error : &local;
    const QJsonDocument doc = QJsonDocument::fromJson(payload);
    if (!doc.isObject() || doc.object().value(QStringLiteral("v")).toInt() != 1) {
        *err = QStringLiteral("not Loupe shapes");
        return std::nullopt;
    }
    std::vector<Shape> out;
    for (const QJsonValue& v : doc.object().value(QStringLiteral("shapes")).toArray()) {
        const QJsonObject o = v.toObject();
        auto g = geometryFromJson(o.value(QStringLiteral("geometry")).toObject(), err);
        if (!g) return std::nullopt;
        Shape s;
        s.imageId = targetImageId;
        s.labelId = qint64(o.value(QStringLiteral("label")).toDouble());
        s.attributes = o.value(QStringLiteral("attributes")).toObject();
        s.attributes.remove(QStringLiteral("review_comment"));
        if (auto* m = std::get_if<MaskGeom>(&*g)) {
            // Re-cut onto the target image, shifted by the whole-pixel offset.
            const int dx = int(std::lround(offset.x())), dy = int(std::lround(offset.y()));
            std::vector<RowSpan> spans;
            m->mask.forEachRowSpan([&](int y, int x0, int x1) {
                const int ty = y + dy, a = std::max(x0 + dx, 0), b = std::min(x1 + dx, targetWidth);
                if (ty >= 0 && ty < targetHeight && a < b) spans.push_back({ty, a, b});
            });
            s.geometry = MaskGeom{RleMask::fromRowSpans(targetWidth, targetHeight, spans)};
            if (std::get<MaskGeom>(s.geometry).mask.isEmpty())
                continue; // nothing of it lands on the target image
        } else {
            s.geometry = translated(*g, offset);
        }
        out.push_back(std::move(s));
    }
    return out;
}

} // namespace loupe::annotation
