// SPDX-License-Identifier: MIT
#include "annotation/formats/fileio.h"
#include "annotation/formats/labelme.h"
#include "annotation/formats/sizelimits.h"

#include <QBuffer>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QImage>
#include <QImageReader>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cmath>

namespace loupe::annotation::labelme {

namespace {

bool readPoints(const QJsonValue& v, QPolygonF* out)
{
    if (!v.isArray()) return false;
    for (const QJsonValue& p : v.toArray()) {
        const QJsonArray a = p.toArray();
        if (a.size() != 2 || !a[0].isDouble() || !a[1].isDouble() || !std::isfinite(a[0].toDouble()) ||
            !std::isfinite(a[1].toDouble()))
            return false;
        *out << QPointF(a[0].toDouble(), a[1].toDouble());
    }
    return true;
}

} // namespace

bool parse(const QByteArray& json, const QString& fileName, const QString& relDir, Dataset& data,
           FormatReport& report, const ImportOptions& options)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (pe.error != QJsonParseError::NoError) {
        report.error(fileName, lineColumnAt(json, pe.offset),
                     QStringLiteral("broken JSON: %1").arg(pe.errorString()));
        return false;
    }
    const QJsonObject root = doc.object();
    if (!doc.isObject() || !root.value(QStringLiteral("shapes")).isArray()) {
        report.error(fileName, QStringLiteral("/shapes"),
                     QStringLiteral("not a labelme file: no \"shapes\" array"));
        return false;
    }
    bool ok = true;
    auto fail = [&](const QString& ptr, const QString& msg) {
        report.error(fileName, ptr, msg);
        ok = false;
    };
    const QString imagePath = root.value(QStringLiteral("imagePath")).toString();
    if (imagePath.isEmpty()) {
        fail(QStringLiteral("/imagePath"), QStringLiteral("missing imagePath"));
        return false;
    }
    const QJsonValue wv = root.value(QStringLiteral("imageWidth")),
                     hv = root.value(QStringLiteral("imageHeight"));
    const double wd = wv.toDouble(-1), hd = hv.toDouble(-1);
    if (!std::isfinite(wd) || !std::isfinite(hd) || wd <= 0 || hd <= 0 || wd != std::floor(wd) ||
        hd != std::floor(hd)) {
        fail(QStringLiteral("/imageWidth"),
             QStringLiteral("imageWidth and imageHeight must be positive whole numbers"));
        return false;
    }
    if (!checkImageSize(qint64(std::min(wd, 1e12)), qint64(std::min(hd, 1e12)), fileName,
                        QStringLiteral("/imageWidth, /imageHeight"), report))
        return false;
    DatasetImage im;
    const QString joined = relDir.isEmpty() || relDir == QLatin1String(".")
                               ? QDir::fromNativeSeparators(imagePath)
                               : relDir + QLatin1Char('/') + QDir::fromNativeSeparators(imagePath);
    im.path = QDir::cleanPath(joined);
    im.width = int(wd);
    im.height = int(hd);
    for (const DatasetImage& other : data.images)
        if (other.path == im.path) {
            fail(QStringLiteral("/imagePath"),
                 QStringLiteral("a second annotation file for image \"%1\"").arg(im.path));
            return false;
        }

    const QJsonObject flags = root.value(QStringLiteral("flags")).toObject();
    for (auto it = flags.begin(); it != flags.end(); ++it) {
        if (!it->toBool()) continue;
        Shape s;
        s.labelId = data.ensureLabel(it.key());
        s.geometry = TagGeom{};
        im.shapes.push_back(s);
        report.count(QStringLiteral("tag"));
    }

    const auto inImage = [&](const QPointF& p) {
        return p.x() >= -kCoordinateSlack && p.y() >= -kCoordinateSlack &&
               p.x() <= im.width + kCoordinateSlack && p.y() <= im.height + kCoordinateSlack;
    };
    std::vector<std::pair<std::pair<qint64, qint64>, Shape>> groups; // (label, group_id) -> keypoint group
    const QJsonArray shapes = root.value(QStringLiteral("shapes")).toArray();
    for (qsizetype i = 0; i < shapes.size(); ++i) {
        const QString ptr = QStringLiteral("/shapes/%1").arg(i);
        const QJsonObject o = shapes[i].toObject();
        const QString label = o.value(QStringLiteral("label")).toString();
        const QString type = o.value(QStringLiteral("shape_type")).toString(QStringLiteral("polygon"));
        if (label.isEmpty()) {
            fail(ptr + QStringLiteral("/label"), QStringLiteral("shape without a label"));
            continue;
        }
        QPolygonF pts;
        if (!readPoints(o.value(QStringLiteral("points")), &pts)) {
            fail(ptr + QStringLiteral("/points"), QStringLiteral("points must be a list of [x, y] pairs"));
            continue;
        }
        bool inside = true;
        for (qsizetype k = 0; k < pts.size() && inside; ++k) {
            if (!inImage(pts[k])) {
                fail(QStringLiteral("%1/points/%2").arg(ptr).arg(k),
                     QStringLiteral("(%1, %2) lies outside the %3 x %4 image")
                         .arg(pts[k].x())
                         .arg(pts[k].y())
                         .arg(im.width)
                         .arg(im.height));
                inside = false;
            }
        }
        if (!inside) continue;
        Shape s;
        s.labelId = data.ensureLabel(label);
        s.attributes = o.value(QStringLiteral("attributes")).toObject();
        const QJsonObject shapeFlags = o.value(QStringLiteral("flags")).toObject();
        for (auto it = shapeFlags.begin(); it != shapeFlags.end(); ++it)
            s.attributes.insert(it.key(), it.value());
        if (o.value(QStringLiteral("score")).isDouble() &&
            std::isfinite(o.value(QStringLiteral("score")).toDouble())) {
            s.score = o.value(QStringLiteral("score")).toDouble();
            s.source = ShapeSource::Model;
        }
        const auto need = [&](qsizetype n, bool exact) {
            if (exact ? pts.size() != n : pts.size() < n) {
                fail(ptr + QStringLiteral("/points"),
                     QStringLiteral("a %1 needs %2%3 points, found %4")
                         .arg(type, exact ? QString() : QStringLiteral("at least "))
                         .arg(n)
                         .arg(pts.size()));
                return false;
            }
            return true;
        };
        if (type == QLatin1String("rectangle")) {
            if (!need(2, true)) continue;
            s.geometry = RectangleGeom{QRectF(pts[0], pts[1]).normalized()};
        } else if (type == QLatin1String("polygon")) {
            if (!need(3, false)) continue;
            s.geometry = PolygonGeom{pts};
        } else if (type == QLatin1String("linestrip") || type == QLatin1String("line")) {
            if (!need(2, false)) continue;
            s.geometry = PolylineGeom{pts};
        } else if (type == QLatin1String("point")) {
            if (!need(1, true)) continue;
            // Points sharing a group_id and named by their description are a keypoint group (how our
            // export writes one, and how labelme users mark pose points).
            const QJsonValue group = o.value(QStringLiteral("group_id"));
            const QString name = o.value(QStringLiteral("description")).toString();
            if (group.isDouble() && !name.isEmpty()) {
                const auto key = std::make_pair(s.labelId, qint64(group.toDouble()));
                auto it =
                    std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == key; });
                if (it == groups.end()) {
                    Shape g = s;
                    g.geometry = KeypointsGeom{};
                    groups.emplace_back(key, g);
                    it = std::prev(groups.end());
                }
                std::get<KeypointsGeom>(it->second.geometry).points.push_back({name, pts[0], 2});
                continue;
            }
            s.geometry = PointGeom{pts[0]};
        } else if (type == QLatin1String("points")) {
            for (const QPointF& p : pts) {
                Shape one = s;
                one.geometry = PointGeom{p};
                im.shapes.push_back(one);
                report.count(QStringLiteral("point"));
            }
            continue;
        } else if (type == QLatin1String("circle")) {
            if (!need(2, true)) continue;
            // A circle becomes a 64-gon: Loupe has no circles, and the polygon is within 0.1 % of its area.
            const double r = std::hypot(pts[1].x() - pts[0].x(), pts[1].y() - pts[0].y());
            QPolygonF poly;
            for (int k = 0; k < 64; ++k)
                poly << pts[0] + r * QPointF(std::cos(k * M_PI / 32), std::sin(k * M_PI / 32));
            s.geometry = PolygonGeom{poly};
            report.converted(QStringLiteral("circle"), QStringLiteral("polygon"),
                             QStringLiteral("Loupe has no circles"));
        } else if (type == QLatin1String("mask")) {
            if (!need(2, true)) continue;
            const MaskGate gate = maskGate(options.target, im.path, im.width, im.height, fileName,
                                           ptr + QStringLiteral("/mask"), report);
            if (gate == MaskGate::Refuse) {
                ok = false;
                continue;
            }
            if (gate == MaskGate::Skip) continue;
            // The PNG header's size is checked against the image before anything is decoded: a few
            // bytes can claim a 30000 x 30000 mask.
            QByteArray pngBytes =
                QByteArray::fromBase64(o.value(QStringLiteral("mask")).toString().toLatin1());
            QBuffer pngBuffer(&pngBytes);
            QImageReader pngReader(&pngBuffer, "PNG");
            const QSize pngSize = pngReader.size();
            if (!pngSize.isValid() || pngSize.width() > im.width || pngSize.height() > im.height) {
                fail(ptr + QStringLiteral("/mask"),
                     QStringLiteral("mask is not a PNG that fits the %1 x %2 image")
                         .arg(im.width)
                         .arg(im.height));
                continue;
            }
            const QImage png = pngReader.read().convertToFormat(QImage::Format_Grayscale8);
            // The points were checked against the image above, so these fit an int; the sums are 64-bit.
            const qint64 x0 = qint64(std::floor(pts[0].x())), y0 = qint64(std::floor(pts[0].y()));
            if (png.isNull() || x0 < 0 || y0 < 0 || x0 + png.width() > im.width ||
                y0 + png.height() > im.height) {
                fail(ptr + QStringLiteral("/mask"),
                     QStringLiteral("mask is not a PNG that fits the image at its first point"));
                continue;
            }
            // Row spans of the PNG placed in the image: memory follows the PNG, not the image.
            std::vector<RowSpan> spans;
            for (int y = 0; y < png.height(); ++y) {
                const uchar* row = png.constScanLine(y);
                for (int x = 0; x < png.width();) {
                    if (!row[x]) {
                        ++x;
                        continue;
                    }
                    const int start = x;
                    while (x < png.width() && row[x])
                        ++x;
                    spans.push_back({int(y0 + y), int(x0 + start), int(x0 + x)});
                }
            }
            s.geometry = MaskGeom{RleMask::fromRowSpans(im.width, im.height, spans)};
        } else {
            fail(ptr + QStringLiteral("/shape_type"), QStringLiteral("unknown shape_type \"%1\"").arg(type));
            continue;
        }
        report.count(shapeKindName(s.kind()));
        im.shapes.push_back(std::move(s));
    }
    if (!ok) return false;
    for (auto& [key, g] : groups) {
        report.count(QStringLiteral("keypoints"));
        im.shapes.push_back(std::move(g));
    }
    data.images.push_back(std::move(im));
    return true;
}

std::optional<Dataset> read(const QString& pathIn, FormatReport& report, const ImportOptions& options)
{
    const QString path = QFileInfo(pathIn).absoluteFilePath();
    QStringList files;
    QString root = path;
    if (QFileInfo(path).isDir()) {
        QDirIterator it(path, {QStringLiteral("*.json")}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext())
            files << it.next();
        files.sort();
        if (files.isEmpty()) {
            report.error(path, QString(), QStringLiteral("no labelme .json files found"));
            return std::nullopt;
        }
    } else {
        files << path;
        root = QFileInfo(path).absolutePath();
    }
    Dataset data;
    bool ok = true;
    for (const QString& f : files) {
        const auto bytes = readWholeFile(f, report);
        ok = bytes &&
             parse(*bytes, f, relativeTo(root, QFileInfo(f).absolutePath()), data, report, options) && ok;
    }
    report.setImages(qsizetype(data.images.size()));
    if (!ok) return std::nullopt;
    return data;
}

} // namespace loupe::annotation::labelme
