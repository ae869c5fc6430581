// SPDX-License-Identifier: MIT
#include "annotation/shapes/attributes.h"

#include <QJsonArray>

namespace loupe::annotation {

QString attributeTypeName(AttributeSpec::Type t)
{
    switch (t) {
    case AttributeSpec::Type::Text:
        return QStringLiteral("text");
    case AttributeSpec::Type::Number:
        return QStringLiteral("number");
    case AttributeSpec::Type::Bool:
        return QStringLiteral("bool");
    case AttributeSpec::Type::Choice:
        return QStringLiteral("choice");
    }
    return {};
}

bool attributeTypeFromName(const QString& name, AttributeSpec::Type* out)
{
    for (auto t : {AttributeSpec::Type::Text, AttributeSpec::Type::Number, AttributeSpec::Type::Bool,
                   AttributeSpec::Type::Choice}) {
        if (attributeTypeName(t) == name) {
            *out = t;
            return true;
        }
    }
    return false;
}

QString validateAttributes(const std::vector<AttributeSpec>& specs, const QJsonObject& values)
{
    for (const AttributeSpec& spec : specs) {
        const auto it = values.constFind(spec.name);
        if (it == values.constEnd() || it->isNull()) continue;
        const QJsonValue v = *it;
        switch (spec.type) {
        case AttributeSpec::Type::Text:
            if (!v.isString()) return QStringLiteral("attribute \"%1\" must be text").arg(spec.name);
            break;
        case AttributeSpec::Type::Number:
            if (!v.isDouble()) return QStringLiteral("attribute \"%1\" must be a number").arg(spec.name);
            if ((spec.minimum && v.toDouble() < *spec.minimum) ||
                (spec.maximum && v.toDouble() > *spec.maximum))
                return QStringLiteral("attribute \"%1\" must be between %2 and %3")
                    .arg(spec.name, spec.minimum ? QString::number(*spec.minimum) : QStringLiteral("-inf"),
                         spec.maximum ? QString::number(*spec.maximum) : QStringLiteral("inf"));
            break;
        case AttributeSpec::Type::Bool:
            if (!v.isBool()) return QStringLiteral("attribute \"%1\" must be true or false").arg(spec.name);
            break;
        case AttributeSpec::Type::Choice:
            if (!v.isString() || !spec.choices.contains(v.toString()))
                return QStringLiteral("attribute \"%1\" must be one of %2")
                    .arg(spec.name, spec.choices.join(QStringLiteral(", ")));
            break;
        }
    }
    return {};
}

QJsonObject attributeSpecToJson(const AttributeSpec& spec)
{
    QJsonObject o{{QStringLiteral("name"), spec.name},
                  {QStringLiteral("type"), attributeTypeName(spec.type)}};
    if (spec.type == AttributeSpec::Type::Choice)
        o.insert(QStringLiteral("choices"), QJsonArray::fromStringList(spec.choices));
    if (!spec.defaultValue.isNull() && !spec.defaultValue.isUndefined())
        o.insert(QStringLiteral("default"), spec.defaultValue);
    if (spec.minimum) o.insert(QStringLiteral("min"), *spec.minimum);
    if (spec.maximum) o.insert(QStringLiteral("max"), *spec.maximum);
    return o;
}

bool attributeSpecFromJson(const QJsonObject& o, AttributeSpec* out, QString* error)
{
    AttributeSpec s;
    s.name = o.value(QStringLiteral("name")).toString();
    if (s.name.isEmpty()) {
        *error = QStringLiteral("attribute without a name");
        return false;
    }
    if (!attributeTypeFromName(o.value(QStringLiteral("type")).toString(), &s.type)) {
        *error = QStringLiteral("attribute \"%1\" has an unknown type").arg(s.name);
        return false;
    }
    for (const QJsonValue& c : o.value(QStringLiteral("choices")).toArray())
        s.choices << c.toString();
    s.defaultValue = o.value(QStringLiteral("default"));
    if (s.defaultValue.isUndefined()) s.defaultValue = QJsonValue();
    if (o.value(QStringLiteral("min")).isDouble()) s.minimum = o.value(QStringLiteral("min")).toDouble();
    if (o.value(QStringLiteral("max")).isDouble()) s.maximum = o.value(QStringLiteral("max")).toDouble();
    *out = s;
    return true;
}

} // namespace loupe::annotation
