// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/shapes/shape.h"

#include <QJsonObject>

namespace loupe::annotation {

// What a label defines beyond name, colour and hotkey (attribute specs, keypoint names, skeleton) as
// JSON, kept next to the label row in a project and in undo records.
QJsonObject labelDefinitionToJson(const LabelDef& label);
// Fills label's attributes, keypoint names and skeleton; false with the problem on bad input.
bool labelDefinitionFromJson(const QJsonObject& o, LabelDef* label, QString* error);

// The whole label (id, name, colour, hotkey and definition), for undo records.
QJsonObject labelToJson(const LabelDef& label);
bool labelFromJson(const QJsonObject& o, LabelDef* label, QString* error);

} // namespace loupe::annotation
