// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>
#include <optional>
#include <vector>

namespace loupe::annotation {

// A free attribute a label defines for its shapes ("occluded": bool, "color": choice of red/green, ...).
struct AttributeSpec
{
    enum class Type { Text, Number, Bool, Choice };
    QString name;
    Type type = Type::Text;
    QStringList choices;                    // Choice only
    QJsonValue defaultValue;                // null: no default
    std::optional<double> minimum, maximum; // Number only: the allowed range, ends included
    bool operator==(const AttributeSpec&) const = default;
};

QString attributeTypeName(AttributeSpec::Type t);
bool attributeTypeFromName(const QString& name, AttributeSpec::Type* out);

// Checks attribute values against their specs; values without a spec are allowed (formats carry
// attributes the project has not declared). Returns an empty string when valid, else the first problem.
QString validateAttributes(const std::vector<AttributeSpec>& specs, const QJsonObject& values);

QJsonObject attributeSpecToJson(const AttributeSpec& spec);
bool attributeSpecFromJson(const QJsonObject& o, AttributeSpec* out, QString* error);

} // namespace loupe::annotation
