// SPDX-License-Identifier: MIT
#include "annotation/shapes/labeldefjson.h"

#include <QJsonArray>

namespace loupe::annotation {

QJsonObject labelDefinitionToJson(const LabelDef& label)
{
    QJsonObject o;
    if (!label.attributes.empty()) {
        QJsonArray specs;
        for (const AttributeSpec& s : label.attributes)
            specs.append(attributeSpecToJson(s));
        o.insert(QStringLiteral("attributes"), specs);
    }
    if (!label.keypointNames.isEmpty())
        o.insert(QStringLiteral("keypoints"), QJsonArray::fromStringList(label.keypointNames));
    if (!label.skeleton.empty()) {
        QJsonArray edges;
        for (const auto& [a, b] : label.skeleton)
            edges.append(QJsonArray{a, b});
        o.insert(QStringLiteral("skeleton"), edges);
    }
    return o;
}

bool labelDefinitionFromJson(const QJsonObject& o, LabelDef* label, QString* error)
{
    label->attributes.clear();
    for (const QJsonValue& v : o.value(QStringLiteral("attributes")).toArray()) {
        AttributeSpec s;
        if (!attributeSpecFromJson(v.toObject(), &s, error)) return false;
        label->attributes.push_back(std::move(s));
    }
    label->keypointNames.clear();
    for (const QJsonValue& v : o.value(QStringLiteral("keypoints")).toArray())
        label->keypointNames << v.toString();
    label->skeleton.clear();
    for (const QJsonValue& v : o.value(QStringLiteral("skeleton")).toArray()) {
        const QJsonArray e = v.toArray();
        const int a = e.at(0).toInt(-1), b = e.at(1).toInt(-1);
        if (e.size() != 2 || a < 0 || b < 0 || a >= label->keypointNames.size() ||
            b >= label->keypointNames.size()) {
            *error = QStringLiteral("label \"%1\": a skeleton edge must join two of its %2 keypoints")
                         .arg(label->name)
                         .arg(label->keypointNames.size());
            return false;
        }
        label->skeleton.emplace_back(a, b);
    }
    return true;
}

QJsonObject labelToJson(const LabelDef& label)
{
    QJsonObject o = labelDefinitionToJson(label);
    o.insert(QStringLiteral("id"), double(label.id));
    o.insert(QStringLiteral("name"), label.name);
    o.insert(QStringLiteral("color"), label.color.isValid() ? label.color.name() : QString());
    if (!label.hotkey.isEmpty()) o.insert(QStringLiteral("hotkey"), label.hotkey);
    return o;
}

bool labelFromJson(const QJsonObject& o, LabelDef* label, QString* error)
{
    label->id = qint64(o.value(QStringLiteral("id")).toDouble());
    label->name = o.value(QStringLiteral("name")).toString();
    const QString color = o.value(QStringLiteral("color")).toString();
    label->color = color.isEmpty() ? QColor() : QColor(color);
    label->hotkey = o.value(QStringLiteral("hotkey")).toString();
    if (label->name.isEmpty()) {
        *error = QStringLiteral("label %1 without a name").arg(label->id);
        return false;
    }
    return labelDefinitionFromJson(o, label, error);
}

} // namespace loupe::annotation
