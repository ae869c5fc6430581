// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/formats/report.h"
#include "annotation/shapes/shape.h"

namespace loupe::annotation {

// Which per-shape properties a format keeps; the rest are reported, never silently lost.
struct FormatKeeps
{
    bool score = false;
    bool attributes = false;
    bool source = false;
};

// Reports the properties of s the format cannot keep (score, attributes, review state, source).
void reportLostFields(const Shape& s, const FormatKeeps& keeps, const QString& format, FormatReport& report);

// Copies imageRoot/relPath to dst (replacing an older copy) so an export opens in the tool it is for
// with its images in place; false (reported) when it cannot.
bool copyImage(const QString& imageRoot, const QString& relPath, const QString& dst, FormatReport& report);

// Counts for the report use the shape kind's name.
inline QString kindKey(const Shape& s)
{
    return shapeKindName(s.kind());
}

} // namespace loupe::annotation
