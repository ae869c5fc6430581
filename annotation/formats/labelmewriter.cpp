// SPDX-License-Identifier: MIT
#include "annotation/formats/exportcommon.h"
#include "annotation/formats/fileio.h"
#include "annotation/formats/jsonwriter.h"
#include "annotation/formats/labelme.h"
#include "annotation/geometry/measure.h"

#include <QBuffer>
#include <QDir>
#include <QImage>
#include <QJsonDocument>

namespace loupe::annotation::labelme {

namespace {

const QString kFormat = QStringLiteral("labelme");

void points(JsonWriter& w, const QPolygonF& p)
{
    w.key(u"points").beginArray();
    for (const QPointF& pt : p)
        w.numbers({pt.x(), pt.y()});
    w.endArray();
}

// labelme stores a mask as a PNG of its bounding box, base64-encoded.
QByteArray maskPng(const RleMask& m, const QRect& box)
{
    const std::vector<uint8_t> px = m.toBitmap();
    QImage img(box.size(), QImage::Format_Grayscale8);
    for (int y = 0; y < box.height(); ++y) {
        uchar* row = img.scanLine(y);
        for (int x = 0; x < box.width(); ++x)
            row[x] = px[size_t(box.top() + y) * m.width() + box.left() + x] ? 255 : 0;
    }
    QByteArray png;
    QBuffer buf(&png);
    buf.open(QIODevice::WriteOnly);
    img.save(&buf, "PNG");
    return png.toBase64();
}

} // namespace

QByteArray imageJson(const Dataset& data, const DatasetImage& im, FormatReport& report)
{
    JsonWriter w(2);
    w.beginObject();
    w.key(u"version").value("5.5.0");
    w.key(u"flags").beginObject();
    for (const Shape& s : im.shapes)
        if (s.kind() == ShapeKind::Tag) {
            w.key(data.labels[size_t(s.labelId)].name).value(true);
            report.count(kindKey(s));
            reportLostFields(s, {}, kFormat, report);
        }
    w.endObject();
    w.key(u"shapes").beginArray();
    int nextGroup = 1;
    for (const Shape& s : im.shapes) {
        const QString kind = kindKey(s);
        const QString label = s.labelId >= 0 ? data.labels[size_t(s.labelId)].name : QString();
        auto begin = [&](const char* type, std::optional<int> group = std::nullopt) {
            w.beginObject();
            w.key(u"label").value(label);
            w.key(u"shape_type").value(type);
            w.key(u"group_id");
            if (group)
                w.value(*group);
            else
                w.null();
            w.key(u"description").value(QString());
            w.key(u"flags").beginObject().endObject();
        };
        auto end = [&] {
            if (!s.attributes.isEmpty())
                w.key(u"attributes").raw(QJsonDocument(s.attributes).toJson(QJsonDocument::Compact));
            if (s.score) w.key(u"score").value(*s.score);
            w.endObject();
        };
        switch (s.kind()) {
        case ShapeKind::Rectangle: {
            const QRectF r = std::get<RectangleGeom>(s.geometry).rect.normalized();
            begin("rectangle");
            points(w, QPolygonF({r.topLeft(), r.bottomRight()}));
            w.key(u"mask").null();
            end();
            break;
        }
        case ShapeKind::RotatedRectangle:
            report.converted(kind, QStringLiteral("polygon"),
                             QStringLiteral("labelme has no rotated rectangles"));
            begin("polygon");
            points(w, std::get<RotatedRectGeom>(s.geometry).corners());
            w.key(u"mask").null();
            end();
            break;
        case ShapeKind::Polygon:
            begin("polygon");
            points(w, std::get<PolygonGeom>(s.geometry).points);
            w.key(u"mask").null();
            end();
            break;
        case ShapeKind::Polyline:
            begin("linestrip");
            points(w, std::get<PolylineGeom>(s.geometry).points);
            w.key(u"mask").null();
            end();
            break;
        case ShapeKind::Point:
            begin("point");
            points(w, QPolygonF({std::get<PointGeom>(s.geometry).point}));
            w.key(u"mask").null();
            end();
            break;
        case ShapeKind::Keypoints: {
            report.converted(
                kind, QStringLiteral("points"),
                QStringLiteral("labelme has no keypoint groups; each labelled keypoint becomes a point "
                               "with the group's group_id and its name as description"));
            const int group = nextGroup++;
            for (const Keypoint& k : std::get<KeypointsGeom>(s.geometry).points) {
                if (k.visibility == 0) continue;
                if (k.visibility == 1)
                    report.converted(QStringLiteral("field:keypoint_visibility"), QStringLiteral("visible"),
                                     QStringLiteral("labelme points have no hidden state"));
                w.beginObject();
                w.key(u"label").value(label);
                w.key(u"shape_type").value("point");
                w.key(u"group_id").value(group);
                w.key(u"description").value(k.name);
                w.key(u"flags").beginObject().endObject();
                points(w, QPolygonF({k.pos}));
                w.key(u"mask").null();
                end();
            }
            break;
        }
        case ShapeKind::Mask: {
            const RleMask& m = std::get<MaskGeom>(s.geometry).mask;
            const QRect box = m.boundingBox();
            if (box.isEmpty()) {
                report.dropped(kind, QStringLiteral("empty mask"));
                continue;
            }
            begin("mask");
            // labelme's mask points are the box's corners, the second one inclusive of the last pixel.
            points(w, QPolygonF({QPointF(box.left(), box.top()), QPointF(box.right(), box.bottom())}));
            w.key(u"mask").value(QString::fromLatin1(maskPng(m, box)));
            end();
            break;
        }
        case ShapeKind::Tag:
            continue; // in "flags"
        case ShapeKind::Caption:
            report.dropped(kind, QStringLiteral("labelme has no captions"));
            continue;
        }
        report.count(kind);
        reportLostFields(s, {true, true, true}, kFormat, report);
    }
    w.endArray();
    const qsizetype slash = im.path.lastIndexOf(QLatin1Char('/'));
    w.key(u"imagePath").value(im.path.mid(slash + 1));
    w.key(u"imageData").null();
    w.key(u"imageHeight").value(im.height);
    w.key(u"imageWidth").value(im.width);
    w.endObject();
    QByteArray out = w.bytes();
    out += '\n';
    return out;
}

bool write(const Dataset& data, const QString& outDir, const ExportOptions& options, FormatReport& report)
{
    bool ok = true;
    for (const DatasetImage& im : data.images) {
        ok = writeWholeFile(QDir(outDir).filePath(withoutSuffix(im.path) + QStringLiteral(".json")),
                            imageJson(data, im, report), report, WriteMode::Plain) &&
             ok;
        // imagePath names the file beside the JSON: labelme opens nothing else.
        if (!options.imageRoot.isEmpty())
            ok = copyImage(options.imageRoot, im.path, QDir(outDir).filePath(im.path), report) && ok;
    }
    if (options.imageRoot.isEmpty() && !data.images.empty())
        report.warning(
            outDir, QString(),
            QStringLiteral("images were not copied: labelme opens a file only with its image beside it"));
    report.setImages(qsizetype(data.images.size()));
    return ok;
}

} // namespace loupe::annotation::labelme
