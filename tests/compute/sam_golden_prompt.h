// SPDX-License-Identifier: MIT
// One prompt of the golden SAM case (its prompts.json entry: input_points, input_labels, optional
// input_boxes, in original-image pixels) rescaled to the model's input as the SAM processor does.
#pragma once

#include "compute/models/sam.h"
#include "compute/preprocess/sam_prompts.h"

#include <QJsonArray>
#include <QJsonObject>
#include <array>

namespace loupe::test {

inline compute::sam::Prompt goldenSamPrompt(const QJsonObject& p, const std::array<int64_t, 2>& original,
                                            const std::array<int64_t, 2>& resized)
{
    compute::sam::Prompt prompt;
    for (const QJsonValue& v : p.value("input_points").toArray().at(0).toArray()) {
        const QJsonArray xy = v.toArray();
        prompt.points.push_back(
            compute::samRescalePoint({xy[0].toDouble(), xy[1].toDouble()}, original, resized));
    }
    for (const QJsonValue& v : p.value("input_labels").toArray().at(0).toArray())
        prompt.labels.push_back(v.toInt());
    if (p.contains("input_boxes")) {
        const QJsonArray b = p.value("input_boxes").toArray().at(0).toArray().at(0).toArray();
        prompt.box = compute::samRescaleBox(
            {b[0].toDouble(), b[1].toDouble(), b[2].toDouble(), b[3].toDouble()}, original, resized);
    }
    return prompt;
}

} // namespace loupe::test
