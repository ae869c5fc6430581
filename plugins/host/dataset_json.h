// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/dataset/dataset.h"
#include "annotation/formats/report.h"

#include <QJsonObject>
#include <optional>

namespace loupe::plugins {

// A dataset in the layout of plugins/api/dataset_json.h, for a plugin's writer.
QJsonObject datasetToJson(const annotation::Dataset& data);
// A plugin reader's dataset. Every problem (a newer layout, an image without a path or with a size
// Loupe refuses, a geometry it cannot read) is an error against `file` with the JSON pointer of the
// place; nullopt when there is any. Shapes with an empty label get emptyLabel (captions keep none).
std::optional<annotation::Dataset> datasetFromJson(const QJsonObject& json, const QString& file,
                                                   const QString& emptyLabel,
                                                   annotation::FormatReport& report);

} // namespace loupe::plugins
