// SPDX-License-Identifier: MIT
#include "annotation/propagation/track.h"

namespace loupe::annotation {

namespace {

// Formats may bring tracks as numbers or as text ("7"): both count.
std::optional<qint64> trackValue(const Shape& shape)
{
    const QJsonValue v = shape.attributes.value(kTrackAttribute);
    if (v.isDouble()) return qint64(v.toDouble());
    if (v.isString()) {
        bool ok = false;
        const qint64 n = v.toString().toLongLong(&ok);
        if (ok) return n;
    }
    return std::nullopt;
}

} // namespace

qint64 trackOf(const Shape& shape)
{
    return trackValue(shape).value_or(shape.id);
}

bool hasTrackAttribute(const Shape& shape)
{
    return trackValue(shape).has_value();
}

} // namespace loupe::annotation
