// SPDX-License-Identifier: MIT
#include "kitti_labels.h"

#include <QRegularExpression>
#include <QStringList>
#include <cmath>

namespace loupe::kitti {

namespace {

const char* const kFieldNames[] = {"type",       "truncated",  "occluded",   "alpha", "left",   "top",
                                   "right",      "bottom",     "height",     "width", "length", "location x",
                                   "location y", "location z", "rotation_y", "score"};

bool number(const QStringList& f, int i, double* out, QString* error)
{
    bool ok = false;
    *out = f[i].toDouble(&ok);
    if (!ok || !std::isfinite(*out)) {
        *error = QStringLiteral("field %1 (%2) is not a number: '%3'")
                     .arg(i + 1)
                     .arg(QLatin1String(kFieldNames[i]), f[i]);
        return false;
    }
    return true;
}

QString fixed(double v)
{
    return QString::number(v, 'f', 2);
}

} // namespace

std::optional<KittiObject> parseLine(const QString& line, QString* error)
{
    static const QRegularExpression space(QStringLiteral("\\s+"));
    const QStringList f = line.trimmed().split(space, Qt::SkipEmptyParts);
    if (f.size() != kLabelFields && f.size() != kLabelFields + 1) {
        *error = QStringLiteral("%1 fields; a KITTI object line has 15 (16 with a score)").arg(f.size());
        return std::nullopt;
    }
    KittiObject o;
    o.type = f[0];
    bool ok = false;
    o.occluded = f[2].toInt(&ok);
    if (!ok) {
        *error = QStringLiteral("field 3 (occluded) is not an integer: '%1'").arg(f[2]);
        return std::nullopt;
    }
    double* targets[] = {nullptr,          &o.truncated,   nullptr,        &o.alpha,         &o.left,
                         &o.top,           &o.right,       &o.bottom,      &o.dimensions[0], &o.dimensions[1],
                         &o.dimensions[2], &o.location[0], &o.location[1], &o.location[2],   &o.rotationY};
    for (int i = 1; i < kLabelFields; ++i)
        if (targets[i] && !number(f, i, targets[i], error)) return std::nullopt;
    if (f.size() == kLabelFields + 1) {
        double s = 0;
        if (!number(f, kLabelFields, &s, error)) return std::nullopt;
        o.score = s;
    }
    if (o.right < o.left || o.bottom < o.top) {
        *error = QStringLiteral("the box (%1, %2, %3, %4) has right < left or bottom < top")
                     .arg(f[4], f[5], f[6], f[7]);
        return std::nullopt;
    }
    return o;
}

QString formatLine(const KittiObject& o)
{
    QStringList f{o.type,         fixed(o.truncated), QString::number(o.occluded),
                  fixed(o.alpha), fixed(o.left),      fixed(o.top),
                  fixed(o.right), fixed(o.bottom)};
    for (double v : o.dimensions)
        f << fixed(v);
    for (double v : o.location)
        f << fixed(v);
    f << fixed(o.rotationY);
    if (o.score) f << QString::number(*o.score, 'g', 6);
    return f.join(QLatin1Char(' '));
}

} // namespace loupe::kitti
