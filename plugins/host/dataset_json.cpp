// SPDX-License-Identifier: MIT
#include "plugins/host/dataset_json.h"

#include "annotation/formats/sizelimits.h"
#include "annotation/shapes/geometryjson.h"
#include "plugins/api/dataset_json.h"

#include <QJsonArray>

namespace loupe::plugins {

using annotation::Dataset;
using annotation::DatasetImage;
using annotation::Shape;
using annotation::ShapeKind;

QJsonObject datasetToJson(const Dataset& data)
{
    QJsonArray labels;
    for (const annotation::LabelDef& l : data.labels) {
        QJsonObject o{{QStringLiteral("name"), l.name}};
        if (!l.keypointNames.isEmpty())
            o.insert(QStringLiteral("keypoints"), QJsonArray::fromStringList(l.keypointNames));
        labels.append(o);
    }
    QJsonArray images;
    for (const DatasetImage& img : data.images) {
        QJsonArray shapes;
        for (const Shape& s : img.shapes) {
            const bool hasLabel = s.labelId >= 0 && s.labelId < qint64(data.labels.size());
            QJsonObject o{
                {QStringLiteral("label"), hasLabel ? data.labels[size_t(s.labelId)].name : QString()},
                {QStringLiteral("geometry"), annotation::geometryToJson(s.geometry)}};
            if (!s.attributes.isEmpty()) o.insert(QStringLiteral("attributes"), s.attributes);
            if (s.score) o.insert(QStringLiteral("score"), *s.score);
            shapes.append(o);
        }
        images.append(QJsonObject{{QStringLiteral("path"), img.path},
                                  {QStringLiteral("width"), img.width},
                                  {QStringLiteral("height"), img.height},
                                  {QStringLiteral("split"), img.split},
                                  {QStringLiteral("shapes"), shapes}});
    }
    return {{QStringLiteral("v"), LOUPE_DATASET_JSON_VERSION},
            {QStringLiteral("labels"), labels},
            {QStringLiteral("images"), images}};
}

std::optional<Dataset> datasetFromJson(const QJsonObject& json, const QString& file,
                                       const QString& emptyLabel, annotation::FormatReport& report)
{
    const int v = json.value(QStringLiteral("v")).toInt(LOUPE_DATASET_JSON_VERSION);
    if (v > LOUPE_DATASET_JSON_VERSION) {
        report.error(file, QStringLiteral("/v"),
                     QStringLiteral("the plugin wrote dataset layout %1; this Loupe reads up to %2")
                         .arg(v)
                         .arg(LOUPE_DATASET_JSON_VERSION));
        return std::nullopt;
    }
    Dataset data;
    const QJsonArray labels = json.value(QStringLiteral("labels")).toArray();
    for (int i = 0; i < labels.size(); ++i) {
        const QJsonObject l = labels[i].toObject();
        const QString name = l.value(QStringLiteral("name")).toString();
        if (name.isEmpty()) {
            report.error(file, QStringLiteral("/labels/%1").arg(i), QStringLiteral("a label without a name"));
            continue;
        }
        const int id = data.ensureLabel(name);
        for (const QJsonValue& k : l.value(QStringLiteral("keypoints")).toArray())
            data.labels[size_t(id)].keypointNames << k.toString();
    }
    const QJsonArray images = json.value(QStringLiteral("images")).toArray();
    for (int i = 0; i < images.size(); ++i) {
        const QJsonObject o = images[i].toObject();
        const QString place = QStringLiteral("/images/%1").arg(i);
        DatasetImage img;
        img.path = o.value(QStringLiteral("path")).toString();
        img.width = o.value(QStringLiteral("width")).toInt();
        img.height = o.value(QStringLiteral("height")).toInt();
        img.split = o.value(QStringLiteral("split")).toString();
        if (img.path.isEmpty()) {
            report.error(file, place, QStringLiteral("an image without a path"));
            continue;
        }
        // 0 × 0 is "size unknown" (the format does not store it and the image was not found).
        if ((img.width != 0 || img.height != 0) &&
            !annotation::checkImageSize(img.width, img.height, file, place, report))
            continue;
        const QJsonArray shapes = o.value(QStringLiteral("shapes")).toArray();
        for (int j = 0; j < shapes.size(); ++j) {
            const QJsonObject so = shapes[j].toObject();
            const QString sp = QStringLiteral("%1/shapes/%2").arg(place).arg(j);
            QString error;
            std::optional<annotation::Geometry> g =
                annotation::geometryFromJson(so.value(QStringLiteral("geometry")).toObject(), &error);
            if (!g) {
                report.error(file, sp + QStringLiteral("/geometry"), error);
                continue;
            }
            Shape s;
            s.geometry = std::move(*g);
            s.attributes = so.value(QStringLiteral("attributes")).toObject();
            if (so.contains(QStringLiteral("score"))) s.score = so.value(QStringLiteral("score")).toDouble();
            if (s.score) s.source = annotation::ShapeSource::Model;
            QString label = so.value(QStringLiteral("label")).toString();
            if (s.kind() == ShapeKind::Caption && label.isEmpty())
                s.labelId = -1;
            else
                s.labelId = data.ensureLabel(label.isEmpty() ? emptyLabel : label);
            img.shapes.push_back(std::move(s));
        }
        data.images.push_back(std::move(img));
    }
    if (report.hasErrors()) return std::nullopt;
    return data;
}

} // namespace loupe::plugins
