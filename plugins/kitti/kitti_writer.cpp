// SPDX-License-Identifier: MIT
#include "kitti_frames.h"
#include "kitti_io.h"
#include "kitti_labels.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QMap>
#include <QRectF>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSet>
#include <QtMath>

namespace loupe::kitti {

namespace {

const QStringList kKittiAttributes{QStringLiteral("truncated"), QStringLiteral("occluded"),
                                   QStringLiteral("alpha"),     QStringLiteral("dimensions"),
                                   QStringLiteral("location"),  QStringLiteral("rotation_y")};

bool writeFile(const QString& path, const QByteArray& bytes, plugin::FormatReport& report)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit()) {
        report.error(path, {}, f.errorString());
        return false;
    }
    return true;
}

std::array<double, 3> array3(const QJsonValue& v, std::array<double, 3> fallback)
{
    const QJsonArray a = v.toArray();
    if (a.size() != 3) return fallback;
    return {a[0].toDouble(fallback[0]), a[1].toDouble(fallback[1]), a[2].toDouble(fallback[2])};
}

QRectF boundingBox(const QJsonArray& xy)
{
    double x0 = qInf(), y0 = qInf(), x1 = -qInf(), y1 = -qInf();
    for (int i = 0; i + 1 < xy.size(); i += 2) {
        x0 = std::min(x0, xy[i].toDouble());
        x1 = std::max(x1, xy[i].toDouble());
        y0 = std::min(y0, xy[i + 1].toDouble());
        y1 = std::max(y1, xy[i + 1].toDouble());
    }
    return xy.size() >= 2 ? QRectF(QPointF(x0, y0), QPointF(x1, y1)) : QRectF();
}

// The axis-aligned box of a shape, converting what KITTI cannot hold (reported); null when it has none.
QRectF boxOf(const QJsonObject& g, plugin::FormatReport& report)
{
    const QString type = g.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("rectangle")) {
        const QJsonArray b = g.value(QStringLiteral("box")).toArray();
        return QRectF(b[0].toDouble(), b[1].toDouble(), b[2].toDouble(), b[3].toDouble());
    }
    if (type == QLatin1String("polygon")) {
        report.converted(type, QStringLiteral("rectangle"),
                         QStringLiteral("KITTI labels hold axis-aligned boxes"));
        return boundingBox(g.value(QStringLiteral("points")).toArray());
    }
    if (type == QLatin1String("rotated_rectangle")) {
        report.converted(type, QStringLiteral("rectangle"),
                         QStringLiteral("KITTI labels hold axis-aligned boxes"));
        const double cx = g.value(QStringLiteral("cx")).toDouble(),
                     cy = g.value(QStringLiteral("cy")).toDouble();
        const double w = g.value(QStringLiteral("w")).toDouble(), h = g.value(QStringLiteral("h")).toDouble();
        const double a = qDegreesToRadians(g.value(QStringLiteral("angle")).toDouble());
        QJsonArray corners;
        for (auto [dx, dy] : {std::pair{-w / 2, -h / 2}, {w / 2, -h / 2}, {w / 2, h / 2}, {-w / 2, h / 2}}) {
            corners.append(cx + dx * std::cos(a) - dy * std::sin(a));
            corners.append(cy + dx * std::sin(a) + dy * std::cos(a));
        }
        return boundingBox(corners);
    }
    report.dropped(type, QStringLiteral("KITTI object labels hold boxes only"));
    return {};
}

} // namespace

bool write(const QJsonObject& dataset, const QString& outDir, const QJsonObject& options,
           plugin::FormatReport& report)
{
    static const QRegularExpression space(QStringLiteral("\\s+"));
    const QString defaultSplit = options.value(QStringLiteral("split")).toString(QStringLiteral("default"));
    const QString imageRoot = options.value(QStringLiteral("imageRoot")).toString();
    const QJsonArray images = dataset.value(QStringLiteral("images")).toArray();
    QMap<QString, QStringList> splits;
    QSet<QString> stems;
    for (const QJsonValue& iv : images) {
        const QJsonObject image = iv.toObject();
        const QString path = image.value(QStringLiteral("path")).toString();
        // label_2/ and image_2/ are flat: folders become part of the frame name (kitti_frames.h).
        const QString stem = frameName(path);
        if (stems.contains(stem)) {
            report.error(path, {},
                         QStringLiteral("another image has the same name without its suffix (%1): "
                                        "KITTI keeps one label file per name")
                             .arg(stem));
            continue;
        }
        stems.insert(stem);
        QStringList lines;
        for (const QJsonValue& sv : image.value(QStringLiteral("shapes")).toArray()) {
            const QJsonObject shape = sv.toObject();
            const QRectF box = boxOf(shape.value(QStringLiteral("geometry")).toObject(), report);
            if (box.isNull()) continue;
            const QJsonObject attrs = shape.value(QStringLiteral("attributes")).toObject();
            KittiObject o;
            o.type = shape.value(QStringLiteral("label")).toString();
            if (o.type.contains(space) || o.type.isEmpty()) {
                const QString fixed = o.type.isEmpty() ? QStringLiteral("DontCare")
                                                       : QString(o.type).replace(space, QStringLiteral("_"));
                report.converted(
                    QStringLiteral("field:label"), fixed,
                    QStringLiteral("a KITTI type is one word: '%1' written as '%2'").arg(o.type, fixed));
                o.type = fixed;
            }
            o.truncated = attrs.value(QStringLiteral("truncated")).toDouble(0);
            o.occluded = attrs.value(QStringLiteral("occluded")).toInt(0);
            o.alpha = attrs.value(QStringLiteral("alpha")).toDouble(-10);
            o.left = box.left();
            o.top = box.top();
            o.right = box.right();
            o.bottom = box.bottom();
            o.dimensions = array3(attrs.value(QStringLiteral("dimensions")), o.dimensions);
            o.location = array3(attrs.value(QStringLiteral("location")), o.location);
            o.rotationY = attrs.value(QStringLiteral("rotation_y")).toDouble(-10);
            if (shape.contains(QStringLiteral("score")))
                o.score = shape.value(QStringLiteral("score")).toDouble();
            for (auto it = attrs.begin(); it != attrs.end(); ++it)
                if (!kKittiAttributes.contains(it.key()))
                    report.dropped(QStringLiteral("field:attributes"),
                                   QStringLiteral("KITTI has no field for attribute '%1'").arg(it.key()));
            lines << formatLine(o);
            report.count(QStringLiteral("rectangle"));
        }
        const QByteArray text =
            lines.isEmpty() ? QByteArray() : (lines.join(QLatin1Char('\n')) + QLatin1Char('\n')).toUtf8();
        writeFile(outDir + QStringLiteral("/label_2/") + stem + QStringLiteral(".txt"), text, report);
        const QString split = image.value(QStringLiteral("split")).toString();
        splits[split.isEmpty() ? defaultSplit : split] << stem;
        if (!imageRoot.isEmpty()) {
            const QString src = imageRoot + QLatin1Char('/') + path;
            const QString suffix = QFileInfo(path).suffix();
            const QString dst = outDir + QStringLiteral("/image_2/") + stem +
                                (suffix.isEmpty() ? QString() : QLatin1Char('.') + suffix);
            QDir().mkpath(QFileInfo(dst).absolutePath());
            QFile::remove(dst);
            if (!QFile::copy(src, dst))
                report.error(src, {}, QStringLiteral("cannot copy it to %1").arg(dst));
        }
    }
    for (auto it = splits.begin(); it != splits.end(); ++it)
        writeFile(outDir + QStringLiteral("/ImageSets/") + it.key() + QStringLiteral(".txt"),
                  (it.value().join(QLatin1Char('\n')) + QLatin1Char('\n')).toUtf8(), report);
    report.setImages(images.size());
    return !report.hasErrors();
}

} // namespace loupe::kitti
