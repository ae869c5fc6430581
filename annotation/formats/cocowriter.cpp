// SPDX-License-Identifier: MIT
#include "annotation/formats/coco.h"
#include "annotation/formats/exportcommon.h"
#include "annotation/formats/fileio.h"
#include "annotation/formats/jsonwriter.h"
#include "annotation/geometry/measure.h"

#include <QDir>
#include <QJsonDocument>

namespace loupe::annotation::coco {

namespace {

const QString kFormat = QStringLiteral("COCO");

void writeBox(JsonWriter& w, const QRectF& b)
{
    w.key(u"bbox").numbers({b.x(), b.y(), b.width(), b.height()});
}

// The keypoint order of a category: the label's names, else the first group's own order.
QStringList keypointOrder(const Dataset& data, int label)
{
    const LabelDef& l = data.labels[size_t(label)];
    if (!l.keypointNames.isEmpty()) return l.keypointNames;
    for (const DatasetImage& im : data.images)
        for (const Shape& s : im.shapes)
            if (s.labelId == label && s.kind() == ShapeKind::Keypoints) {
                QStringList names;
                for (const Keypoint& k : std::get<KeypointsGeom>(s.geometry).points)
                    names << k.name;
                return names;
            }
    return {};
}

void writeCommonTail(JsonWriter& w, const Shape& s, bool crowd)
{
    w.key(u"iscrowd").value(crowd ? 1 : 0);
    QJsonObject attrs = s.attributes;
    attrs.remove(QStringLiteral("iscrowd"));
    if (!attrs.isEmpty()) w.key(u"attributes").raw(QJsonDocument(attrs).toJson(QJsonDocument::Compact));
    if (s.score) w.key(u"score").value(*s.score);
}

} // namespace

QByteArray instancesJson(const Dataset& data, FormatReport& report)
{
    std::vector<QStringList> kpOrder(data.labels.size());
    for (size_t i = 0; i < data.labels.size(); ++i)
        kpOrder[i] = keypointOrder(data, int(i));

    JsonWriter w(1);
    w.beginObject();
    w.key(u"info").beginObject().key(u"description").value("Exported by Loupe").endObject();
    w.key(u"images").beginArray();
    for (size_t i = 0; i < data.images.size(); ++i) {
        const DatasetImage& im = data.images[i];
        w.beginObject()
            .key(u"id")
            .value(qint64(i + 1))
            .key(u"file_name")
            .value(im.path)
            .key(u"width")
            .value(im.width)
            .key(u"height")
            .value(im.height)
            .endObject();
    }
    w.endArray();
    w.key(u"categories").beginArray();
    for (size_t i = 0; i < data.labels.size(); ++i) {
        w.beginObject().key(u"id").value(qint64(i + 1)).key(u"name").value(data.labels[i].name);
        w.key(u"supercategory").value(QString());
        if (!kpOrder[i].isEmpty()) {
            w.key(u"keypoints").beginArray();
            for (const QString& n : kpOrder[i])
                w.value(n);
            w.endArray();
            w.key(u"skeleton").beginArray();
            for (auto [a, b] : data.labels[i].skeleton)
                w.numbers({double(a + 1), double(b + 1)}); // COCO skeletons are 1-based
            w.endArray();
        }
        w.endObject();
    }
    w.endArray();

    qint64 nextId = 1;
    w.key(u"annotations").beginArray();
    for (size_t i = 0; i < data.images.size(); ++i) {
        const DatasetImage& im = data.images[i];
        for (const Shape& s : im.shapes) {
            const QString kind = kindKey(s);
            auto begin = [&] {
                w.beginObject()
                    .key(u"id")
                    .value(nextId++)
                    .key(u"image_id")
                    .value(qint64(i + 1))
                    .key(u"category_id")
                    .value(s.labelId + 1);
            };
            switch (s.kind()) {
            case ShapeKind::Rectangle: {
                const QRectF b = std::get<RectangleGeom>(s.geometry).rect.normalized();
                begin();
                writeBox(w, b);
                w.key(u"area").value(b.width() * b.height());
                w.key(u"segmentation").beginArray().endArray();
                writeCommonTail(w, s, false);
                w.endObject();
                break;
            }
            case ShapeKind::RotatedRectangle:
            case ShapeKind::Polygon: {
                QPolygonF pts;
                if (s.kind() == ShapeKind::Polygon) {
                    pts = std::get<PolygonGeom>(s.geometry).points;
                } else {
                    pts = std::get<RotatedRectGeom>(s.geometry).corners();
                    report.converted(kind, QStringLiteral("polygon"),
                                     QStringLiteral("COCO has no rotated boxes"));
                }
                if (pts.size() < 3) {
                    report.dropped(kind, QStringLiteral("a COCO polygon needs at least 3 vertices"));
                    continue;
                }
                begin();
                writeBox(w, pts.boundingRect());
                w.key(u"area").value(std::abs(signedArea(pts)));
                std::vector<double> flat;
                for (const QPointF& p : pts) {
                    flat.push_back(p.x());
                    flat.push_back(p.y());
                }
                w.key(u"segmentation").beginArray().numbers(flat).endArray();
                writeCommonTail(w, s, false);
                w.endObject();
                break;
            }
            case ShapeKind::Mask: {
                const RleMask& m = std::get<MaskGeom>(s.geometry).mask;
                if (m.width() != im.width || m.height() != im.height) {
                    report.dropped(kind, QStringLiteral("mask size differs from its image's size"));
                    continue;
                }
                const bool crowd = s.attributes.value(QStringLiteral("iscrowd")).toBool() ||
                                   s.attributes.value(QStringLiteral("iscrowd")).toInt() == 1;
                begin();
                writeBox(w, QRectF(m.boundingBox()));
                w.key(u"area").value(double(m.area()));
                std::vector<double> counts;
                for (uint32_t c : m.toCocoCounts())
                    counts.push_back(c);
                w.key(u"segmentation").beginObject();
                w.key(u"size").numbers({double(m.height()), double(m.width())});
                w.key(u"counts").numbers(counts);
                w.endObject();
                writeCommonTail(w, s, crowd);
                w.endObject();
                break;
            }
            case ShapeKind::Keypoints: {
                const auto& k = std::get<KeypointsGeom>(s.geometry);
                const QStringList& order = kpOrder[size_t(s.labelId)];
                std::vector<double> flat(size_t(order.size()) * 3, 0.0);
                int visible = 0;
                bool unknown = false;
                for (const Keypoint& p : k.points) {
                    const qsizetype idx = order.indexOf(p.name);
                    if (idx < 0) {
                        unknown = true;
                        continue;
                    }
                    if (p.visibility > 0) {
                        flat[size_t(idx) * 3] = p.pos.x();
                        flat[size_t(idx) * 3 + 1] = p.pos.y();
                        ++visible;
                    }
                    flat[size_t(idx) * 3 + 2] = p.visibility;
                }
                if (unknown)
                    report.dropped(QStringLiteral("keypoint"),
                                   QStringLiteral("name not among its category's keypoints"));
                const QRectF b = boundingBox(s.geometry);
                begin();
                writeBox(w, b);
                w.key(u"area").value(b.width() * b.height());
                w.key(u"segmentation").beginArray().endArray();
                w.key(u"keypoints").numbers(flat);
                w.key(u"num_keypoints").value(visible);
                writeCommonTail(w, s, false);
                w.endObject();
                break;
            }
            case ShapeKind::Polyline:
                report.dropped(kind, QStringLiteral("COCO instances have no open lines"));
                continue;
            case ShapeKind::Point:
                report.dropped(kind, QStringLiteral("COCO has no lone points (only keypoint groups)"));
                continue;
            case ShapeKind::Tag:
                report.dropped(kind, QStringLiteral("COCO has no image-level tags"));
                continue;
            case ShapeKind::Caption:
                continue; // captions_<split>.json
            }
            report.count(kind);
            reportLostFields(s, {true, true, true}, kFormat, report);
        }
    }
    w.endArray();
    w.endObject();
    QByteArray out = w.bytes();
    out += '\n';
    return out;
}

QByteArray captionsJson(const Dataset& data)
{
    JsonWriter w(1);
    w.beginObject();
    w.key(u"images").beginArray();
    for (size_t i = 0; i < data.images.size(); ++i) {
        const DatasetImage& im = data.images[i];
        w.beginObject()
            .key(u"id")
            .value(qint64(i + 1))
            .key(u"file_name")
            .value(im.path)
            .key(u"width")
            .value(im.width)
            .key(u"height")
            .value(im.height)
            .endObject();
    }
    w.endArray();
    w.key(u"annotations").beginArray();
    qint64 nextId = 1;
    for (size_t i = 0; i < data.images.size(); ++i)
        for (const Shape& s : data.images[i].shapes)
            if (s.kind() == ShapeKind::Caption)
                w.beginObject()
                    .key(u"id")
                    .value(nextId++)
                    .key(u"image_id")
                    .value(qint64(i + 1))
                    .key(u"caption")
                    .value(std::get<CaptionGeom>(s.geometry).text)
                    .endObject();
    w.endArray();
    w.endObject();
    if (nextId == 1) return {};
    QByteArray out = w.bytes();
    out += '\n';
    return out;
}

bool write(const Dataset& data, const QString& outDir, const ExportOptions& options, FormatReport& report)
{
    const QDir dir(outDir);
    const QByteArray instances = instancesJson(data, report);
    const QByteArray captions = captionsJson(data);
    for (const DatasetImage& im : data.images)
        for (const Shape& s : im.shapes)
            if (s.kind() == ShapeKind::Caption) {
                report.count(kindKey(s));
                reportLostFields(s, {false, false, false}, QStringLiteral("COCO captions"), report);
            }
    report.setImages(qsizetype(data.images.size()));
    // file_name is relative to the image root; images/ beside annotations/ is that root.
    bool ok = true;
    if (!options.imageRoot.isEmpty())
        for (const DatasetImage& im : data.images)
            ok = copyImage(options.imageRoot, im.path, dir.filePath(QStringLiteral("images/") + im.path),
                           report) &&
                 ok;
    ok = writeWholeFile(dir.filePath(QStringLiteral("annotations/instances_%1.json").arg(options.split)),
                        instances, report);
    if (!captions.isEmpty())
        ok = writeWholeFile(dir.filePath(QStringLiteral("annotations/captions_%1.json").arg(options.split)),
                            captions, report) &&
             ok;
    return ok;
}

} // namespace loupe::annotation::coco
