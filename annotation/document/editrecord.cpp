// SPDX-License-Identifier: MIT
#include "annotation/document/editrecord.h"

#include "annotation/store/shaperow.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace loupe::annotation {

namespace {

QJsonValue shapeToJson(const std::optional<Shape>& s)
{
    if (!s) return QJsonValue::Null;
    const ShapeRow r = toRow(*s);
    QJsonObject o{{QStringLiteral("id"), double(r.id)},
                  {QStringLiteral("asset"), double(r.assetId)},
                  {QStringLiteral("label"), double(r.labelId)},
                  {QStringLiteral("kind"), r.kind},
                  {QStringLiteral("geometry"), QString::fromUtf8(r.geometry)},
                  {QStringLiteral("attributes"), QString::fromUtf8(r.attributes)},
                  {QStringLiteral("source"), r.source},
                  {QStringLiteral("run"), double(r.runId)},
                  {QStringLiteral("review"), r.review},
                  {QStringLiteral("created"), double(r.createdMs)},
                  {QStringLiteral("updated"), double(r.updatedMs)}};
    if (r.score) o.insert(QStringLiteral("score"), *r.score);
    return o;
}

bool shapeFromJson(const QJsonValue& v, std::optional<Shape>* out, QString* error)
{
    if (v.isNull()) {
        out->reset();
        return true;
    }
    const QJsonObject o = v.toObject();
    ShapeRow r;
    r.id = qint64(o.value(QStringLiteral("id")).toDouble());
    r.assetId = qint64(o.value(QStringLiteral("asset")).toDouble());
    r.labelId = qint64(o.value(QStringLiteral("label")).toDouble());
    r.kind = o.value(QStringLiteral("kind")).toString();
    r.geometry = o.value(QStringLiteral("geometry")).toString().toUtf8();
    r.attributes = o.value(QStringLiteral("attributes")).toString().toUtf8();
    r.source = o.value(QStringLiteral("source")).toString();
    r.runId = qint64(o.value(QStringLiteral("run")).toDouble());
    r.review = o.value(QStringLiteral("review")).toString();
    r.createdMs = qint64(o.value(QStringLiteral("created")).toDouble());
    r.updatedMs = qint64(o.value(QStringLiteral("updated")).toDouble());
    if (o.value(QStringLiteral("score")).isDouble()) r.score = o.value(QStringLiteral("score")).toDouble();
    auto s = fromRow(r, error);
    if (!s) return false;
    *out = std::move(*s);
    return true;
}

} // namespace

QByteArray editRecordToJson(const EditRecord& r)
{
    QJsonArray diffs;
    for (const ShapeDiff& d : r.diffs)
        diffs.append(QJsonObject{{QStringLiteral("before"), shapeToJson(d.before)},
                                 {QStringLiteral("after"), shapeToJson(d.after)}});
    QJsonObject o{{QStringLiteral("v"), 1}, {QStringLiteral("text"), r.text}, {QStringLiteral("diffs"), diffs}};
    if (r.projectAction) o.insert(QStringLiteral("project_action"), double(r.projectAction));
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

std::optional<EditRecord> editRecordFromJson(const QByteArray& json, QString* error)
{
    QString local;
    QString* err = error ? error : &local;
    const QJsonDocument doc = QJsonDocument::fromJson(json);
    if (!doc.isObject() || doc.object().value(QStringLiteral("v")).toInt() != 1) {
        *err = QStringLiteral("undo record is not a version 1 JSON object");
        return std::nullopt;
    }
    EditRecord r;
    r.text = doc.object().value(QStringLiteral("text")).toString();
    r.projectAction = qint64(doc.object().value(QStringLiteral("project_action")).toDouble());
    for (const QJsonValue& v : doc.object().value(QStringLiteral("diffs")).toArray()) {
        ShapeDiff d;
        if (!shapeFromJson(v.toObject().value(QStringLiteral("before")), &d.before, err) ||
            !shapeFromJson(v.toObject().value(QStringLiteral("after")), &d.after, err))
            return std::nullopt;
        if (!d.before && !d.after) {
            *err = QStringLiteral("undo record with a diff that has neither before nor after");
            return std::nullopt;
        }
        r.diffs.push_back(std::move(d));
    }
    return r;
}

} // namespace loupe::annotation
