// SPDX-License-Identifier: MIT
#include "annotation/shapes/geometryjson.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace loupe::annotation {

namespace {

QJsonArray pointsToJson(const QPolygonF& p)
{
    QJsonArray a;
    for (const QPointF& pt : p) {
        a.append(pt.x());
        a.append(pt.y());
    }
    return a;
}

bool pointsFromJson(const QJsonValue& v, QPolygonF* out, QString* error)
{
    const QJsonArray a = v.toArray();
    if (!v.isArray() || a.size() % 2 != 0) {
        *error = QStringLiteral("\"points\" must be an array of x, y pairs");
        return false;
    }
    out->clear();
    out->reserve(a.size() / 2);
    for (int i = 0; i < a.size(); i += 2) {
        if (!a[i].isDouble() || !a[i + 1].isDouble()) {
            *error = QStringLiteral("\"points\"[%1] is not a number").arg(i);
            return false;
        }
        *out << QPointF(a[i].toDouble(), a[i + 1].toDouble());
    }
    return true;
}

bool number(const QJsonObject& o, const char* key, double* out, QString* error)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (!v.isDouble()) {
        *error = QStringLiteral("\"%1\" missing or not a number").arg(QLatin1String(key));
        return false;
    }
    *out = v.toDouble();
    return true;
}

QJsonArray rectToJson(const QRectF& r)
{
    return {r.x(), r.y(), r.width(), r.height()};
}

} // namespace

QJsonObject geometryToJson(const Geometry& g)
{
    QJsonObject o{{QStringLiteral("v"), kGeometryJsonVersion},
                  {QStringLiteral("type"), shapeKindName(kindOf(g))}};
    switch (kindOf(g)) {
    case ShapeKind::Rectangle:
        o.insert(QStringLiteral("box"), rectToJson(std::get<RectangleGeom>(g).rect));
        break;
    case ShapeKind::RotatedRectangle: {
        const auto& r = std::get<RotatedRectGeom>(g);
        o.insert(QStringLiteral("cx"), r.center.x());
        o.insert(QStringLiteral("cy"), r.center.y());
        o.insert(QStringLiteral("w"), r.width);
        o.insert(QStringLiteral("h"), r.height);
        o.insert(QStringLiteral("angle"), r.angle);
        break;
    }
    case ShapeKind::Polygon:
        o.insert(QStringLiteral("points"), pointsToJson(std::get<PolygonGeom>(g).points));
        break;
    case ShapeKind::Polyline:
        o.insert(QStringLiteral("points"), pointsToJson(std::get<PolylineGeom>(g).points));
        break;
    case ShapeKind::Point: {
        const QPointF p = std::get<PointGeom>(g).point;
        o.insert(QStringLiteral("x"), p.x());
        o.insert(QStringLiteral("y"), p.y());
        break;
    }
    case ShapeKind::Keypoints: {
        const auto& k = std::get<KeypointsGeom>(g);
        QJsonArray pts;
        for (const Keypoint& p : k.points)
            pts.append(QJsonObject{{QStringLiteral("name"), p.name},
                                   {QStringLiteral("x"), p.pos.x()},
                                   {QStringLiteral("y"), p.pos.y()},
                                   {QStringLiteral("visibility"), p.visibility}});
        o.insert(QStringLiteral("keypoints"), pts);
        if (!k.box.isNull()) o.insert(QStringLiteral("box"), rectToJson(k.box));
        break;
    }
    case ShapeKind::Mask: {
        const RleMask& m = std::get<MaskGeom>(g).mask;
        o.insert(QStringLiteral("width"), m.width());
        o.insert(QStringLiteral("height"), m.height());
        // Row-major runs in the compact pycocotools string codec: a mask is a few bytes per run.
        o.insert(QStringLiteral("runs"), QString::fromLatin1(encodeRunString(m.runs())));
        break;
    }
    case ShapeKind::Tag:
        break;
    case ShapeKind::Caption:
        o.insert(QStringLiteral("text"), std::get<CaptionGeom>(g).text);
        break;
    }
    return o;
}

std::optional<Geometry> geometryFromJson(const QJsonObject& o, QString* error)
{
    QString localError;
    QString* err = error ? error : &localError;
    const QJsonValue ver = o.value(QStringLiteral("v"));
    if (!ver.isDouble() || ver.toInt() < 1) {
        *err = QStringLiteral("geometry has no version");
        return std::nullopt;
    }
    if (ver.toInt() > kGeometryJsonVersion) {
        *err = QStringLiteral("geometry version %1 is newer than this Loupe understands (%2)")
                   .arg(ver.toInt())
                   .arg(kGeometryJsonVersion);
        return std::nullopt;
    }
    const auto kind = shapeKindFromName(o.value(QStringLiteral("type")).toString());
    if (!kind) {
        *err = QStringLiteral("unknown geometry type \"%1\"").arg(o.value(QStringLiteral("type")).toString());
        return std::nullopt;
    }
    auto rect = [&](const QJsonValue& v, QRectF* r) {
        const QJsonArray a = v.toArray();
        if (a.size() != 4 || !a[0].isDouble() || !a[1].isDouble() || !a[2].isDouble() || !a[3].isDouble()) {
            *err = QStringLiteral("\"box\" must be [x, y, w, h]");
            return false;
        }
        *r = QRectF(a[0].toDouble(), a[1].toDouble(), a[2].toDouble(), a[3].toDouble());
        return true;
    };
    switch (*kind) {
    case ShapeKind::Rectangle: {
        RectangleGeom r;
        if (!rect(o.value(QStringLiteral("box")), &r.rect)) return std::nullopt;
        return r;
    }
    case ShapeKind::RotatedRectangle: {
        RotatedRectGeom r;
        double cx, cy;
        if (!number(o, "cx", &cx, err) || !number(o, "cy", &cy, err) || !number(o, "w", &r.width, err) ||
            !number(o, "h", &r.height, err) || !number(o, "angle", &r.angle, err))
            return std::nullopt;
        r.center = QPointF(cx, cy);
        return r;
    }
    case ShapeKind::Polygon: {
        PolygonGeom p;
        if (!pointsFromJson(o.value(QStringLiteral("points")), &p.points, err)) return std::nullopt;
        return p;
    }
    case ShapeKind::Polyline: {
        PolylineGeom p;
        if (!pointsFromJson(o.value(QStringLiteral("points")), &p.points, err)) return std::nullopt;
        return p;
    }
    case ShapeKind::Point: {
        double x, y;
        if (!number(o, "x", &x, err) || !number(o, "y", &y, err)) return std::nullopt;
        return PointGeom{QPointF(x, y)};
    }
    case ShapeKind::Keypoints: {
        KeypointsGeom k;
        for (const QJsonValue& v : o.value(QStringLiteral("keypoints")).toArray()) {
            const QJsonObject p = v.toObject();
            double x, y, vis;
            if (!number(p, "x", &x, err) || !number(p, "y", &y, err) || !number(p, "visibility", &vis, err))
                return std::nullopt;
            if (vis != 0 && vis != 1 && vis != 2) {
                *err = QStringLiteral("keypoint visibility must be 0, 1 or 2");
                return std::nullopt;
            }
            k.points.push_back({p.value(QStringLiteral("name")).toString(), QPointF(x, y), int(vis)});
        }
        if (o.contains(QStringLiteral("box")) && !rect(o.value(QStringLiteral("box")), &k.box))
            return std::nullopt;
        return k;
    }
    case ShapeKind::Mask: {
        double w, h;
        if (!number(o, "width", &w, err) || !number(o, "height", &h, err)) return std::nullopt;
        if (w < 0 || h < 0 || w > 1e5 || h > 1e5) {
            *err = QStringLiteral("mask size %1 x %2 out of range").arg(w).arg(h);
            return std::nullopt;
        }
        auto runs = decodeRunString(o.value(QStringLiteral("runs")).toString().toLatin1(), err);
        if (!runs) return std::nullopt;
        auto m = RleMask::fromRuns(int(w), int(h), std::move(*runs), err);
        if (!m) return std::nullopt;
        return MaskGeom{std::move(*m)};
    }
    case ShapeKind::Tag:
        return TagGeom{};
    case ShapeKind::Caption:
        return CaptionGeom{o.value(QStringLiteral("text")).toString()};
    }
    return std::nullopt;
}

QByteArray geometryToBytes(const Geometry& g)
{
    return QJsonDocument(geometryToJson(g)).toJson(QJsonDocument::Compact);
}

std::optional<Geometry> geometryFromBytes(const QByteArray& bytes, QString* error)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        if (error) *error = QStringLiteral("geometry is not a JSON object: %1").arg(pe.errorString());
        return std::nullopt;
    }
    return geometryFromJson(doc.object(), error);
}

} // namespace loupe::annotation
