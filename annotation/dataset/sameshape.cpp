// SPDX-License-Identifier: MIT
#include "annotation/dataset/sameshape.h"

#include "annotation/shapes/geometryjson.h"

#include <QJsonArray>
#include <cmath>

namespace loupe::annotation {

namespace {

// The geometry JSON is the one description every kind has, so one walk compares them all.
bool sameValue(const QJsonValue& a, const QJsonValue& b, double eps)
{
    if (a.type() != b.type()) return false;
    if (a.isDouble()) return std::abs(a.toDouble() - b.toDouble()) <= eps;
    if (a.isArray()) {
        const QJsonArray x = a.toArray(), y = b.toArray();
        if (x.size() != y.size()) return false;
        for (qsizetype i = 0; i < x.size(); ++i)
            if (!sameValue(x[i], y[i], eps)) return false;
        return true;
    }
    if (a.isObject()) {
        const QJsonObject x = a.toObject(), y = b.toObject();
        if (x.size() != y.size()) return false;
        for (auto it = x.begin(); it != x.end(); ++it)
            if (!y.contains(it.key()) || !sameValue(it.value(), y.value(it.key()), eps)) return false;
        return true;
    }
    return a == b;
}

} // namespace

bool sameGeometry(const Shape& a, const Shape& b, double epsilon)
{
    if (a.kind() != b.kind()) return false;
    return sameValue(geometryToJson(a.geometry), geometryToJson(b.geometry), epsilon);
}

} // namespace loupe::annotation
