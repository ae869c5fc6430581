// SPDX-License-Identifier: MIT
#include "annotation/store/shaperow.h"

#include "annotation/shapes/geometryjson.h"

#include <QJsonDocument>

namespace loupe::annotation {

ShapeRow toRow(const Shape& s)
{
    ShapeRow r;
    r.id = s.id;
    r.assetId = s.imageId;
    r.labelId = s.labelId;
    r.kind = shapeKindName(s.kind());
    r.geometry = geometryToBytes(s.geometry);
    r.attributes = QJsonDocument(s.attributes).toJson(QJsonDocument::Compact);
    r.source = shapeSourceName(s.source);
    r.runId = s.runId;
    r.score = s.score;
    r.review = reviewStateName(s.review);
    r.createdMs = s.created.isValid() ? s.created.toMSecsSinceEpoch() : 0;
    r.updatedMs = s.updated.isValid() ? s.updated.toMSecsSinceEpoch() : 0;
    return r;
}

std::optional<Shape> fromRow(const ShapeRow& r, QString* error)
{
    QString local;
    QString* err = error ? error : &local;
    const auto kind = shapeKindFromName(r.kind);
    if (!kind) {
        *err = QStringLiteral("annotation %1: unknown kind \"%2\"").arg(r.id).arg(r.kind);
        return std::nullopt;
    }
    auto g = geometryFromBytes(r.geometry, err);
    if (!g) {
        *err = QStringLiteral("annotation %1: %2").arg(r.id).arg(*err);
        return std::nullopt;
    }
    if (kindOf(*g) != *kind) {
        *err = QStringLiteral("annotation %1: kind \"%2\" but %3 geometry")
                   .arg(r.id)
                   .arg(r.kind, shapeKindName(kindOf(*g)));
        return std::nullopt;
    }
    const auto source = shapeSourceFromName(r.source);
    const auto review = reviewStateFromName(r.review);
    if (!source || !review) {
        *err = QStringLiteral("annotation %1: unknown source \"%2\" or review state \"%3\"")
                   .arg(r.id)
                   .arg(r.source, r.review);
        return std::nullopt;
    }
    Shape s;
    if (!r.attributes.isEmpty()) {
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson(r.attributes, &pe);
        if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
            *err = QStringLiteral("annotation %1: attributes are not a JSON object").arg(r.id);
            return std::nullopt;
        }
        s.attributes = doc.object();
    }
    s.id = r.id;
    s.imageId = r.assetId;
    s.labelId = r.labelId;
    s.geometry = std::move(*g);
    s.source = *source;
    s.runId = r.runId;
    s.score = r.score;
    s.review = *review;
    if (r.createdMs) s.created = QDateTime::fromMSecsSinceEpoch(r.createdMs, Qt::UTC);
    if (r.updatedMs) s.updated = QDateTime::fromMSecsSinceEpoch(r.updatedMs, Qt::UTC);
    return s;
}

} // namespace loupe::annotation
