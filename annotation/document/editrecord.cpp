// SPDX-License-Identifier: MIT
#include "annotation/document/editrecord.h"

#include "annotation/shapes/labeldefjson.h"
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

QJsonValue labelJson(const std::optional<LabelDef>& l)
{
    return l ? QJsonValue(labelToJson(*l)) : QJsonValue(QJsonValue::Null);
}

bool labelFromJsonValue(const QJsonValue& v, std::optional<LabelDef>* out, QString* error)
{
    if (v.isNull()) {
        out->reset();
        return true;
    }
    LabelDef l;
    if (!labelFromJson(v.toObject(), &l, error)) return false;
    *out = std::move(l);
    return true;
}

QStringList stringList(const QJsonValue& v)
{
    QStringList out;
    for (const QJsonValue& s : v.toArray())
        out << s.toString();
    return out;
}

} // namespace

StoreEdit storeEditOf(const EditRecord& r, bool forward)
{
    StoreEdit e;
    for (const ShapeDiff& d : r.diffs) {
        const auto& from = forward ? d.before : d.after;
        const auto& to = forward ? d.after : d.before;
        if (!from)
            e.shapes.push_back({ShapeChange::Op::Insert, *to});
        else if (!to)
            e.shapes.push_back({ShapeChange::Op::Remove, *from});
        else
            e.shapes.push_back({ShapeChange::Op::Update, *to});
    }
    for (const LabelDiff& d : r.labelDiffs) {
        const auto& from = forward ? d.before : d.after;
        const auto& to = forward ? d.after : d.before;
        if (!from)
            e.labels.push_back({LabelChange::Op::Insert, *to});
        else if (!to)
            e.labels.push_back({LabelChange::Op::Remove, *from});
        else
            e.labels.push_back({LabelChange::Op::Update, *to});
    }
    for (const TagDiff& d : r.tagDiffs)
        e.tags.push_back({d.imageId, forward ? d.after : d.before});
    return e;
}

void takeAssignedIds(EditRecord* r, const StoreEdit& applied)
{
    for (size_t i = 0; i < r->diffs.size() && i < applied.shapes.size(); ++i)
        if (!r->diffs[i].before && r->diffs[i].after) r->diffs[i].after->id = applied.shapes[i].shape.id;
    for (size_t i = 0; i < r->labelDiffs.size() && i < applied.labels.size(); ++i)
        if (!r->labelDiffs[i].before && r->labelDiffs[i].after)
            r->labelDiffs[i].after->id = applied.labels[i].label.id;
}

QByteArray editRecordToJson(const EditRecord& r)
{
    QJsonArray diffs;
    for (const ShapeDiff& d : r.diffs)
        diffs.append(QJsonObject{{QStringLiteral("before"), shapeToJson(d.before)},
                                 {QStringLiteral("after"), shapeToJson(d.after)}});
    QJsonObject o{
        {QStringLiteral("v"), 1}, {QStringLiteral("text"), r.text}, {QStringLiteral("diffs"), diffs}};
    if (r.projectAction) o.insert(QStringLiteral("project_action"), double(r.projectAction));
    QJsonArray labels;
    for (const LabelDiff& d : r.labelDiffs)
        labels.append(QJsonObject{{QStringLiteral("before"), labelJson(d.before)},
                                  {QStringLiteral("after"), labelJson(d.after)}});
    if (!labels.isEmpty()) o.insert(QStringLiteral("labels"), labels);
    QJsonArray tags;
    for (const TagDiff& d : r.tagDiffs)
        tags.append(QJsonObject{{QStringLiteral("image"), double(d.imageId)},
                                {QStringLiteral("before"), QJsonArray::fromStringList(d.before)},
                                {QStringLiteral("after"), QJsonArray::fromStringList(d.after)}});
    if (!tags.isEmpty()) o.insert(QStringLiteral("tags"), tags);
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
    for (const QJsonValue& v : doc.object().value(QStringLiteral("labels")).toArray()) {
        LabelDiff d;
        if (!labelFromJsonValue(v.toObject().value(QStringLiteral("before")), &d.before, err) ||
            !labelFromJsonValue(v.toObject().value(QStringLiteral("after")), &d.after, err))
            return std::nullopt;
        if (!d.before && !d.after) {
            *err = QStringLiteral("undo record with a label diff that has neither before nor after");
            return std::nullopt;
        }
        r.labelDiffs.push_back(std::move(d));
    }
    for (const QJsonValue& v : doc.object().value(QStringLiteral("tags")).toArray()) {
        const QJsonObject o = v.toObject();
        r.tagDiffs.push_back({qint64(o.value(QStringLiteral("image")).toDouble()),
                              stringList(o.value(QStringLiteral("before"))),
                              stringList(o.value(QStringLiteral("after")))});
    }
    return r;
}

} // namespace loupe::annotation
