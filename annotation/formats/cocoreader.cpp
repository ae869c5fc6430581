// SPDX-License-Identifier: MIT
#include "annotation/formats/coco.h"
#include "annotation/formats/fileio.h"
#include "annotation/formats/sizelimits.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cmath>

namespace loupe::annotation::coco {

namespace {

// Reading context: the file, the report, and the image each COCO image id maps to.
struct Reader
{
    const QString& file;
    FormatReport& report;
    Dataset& data;
    bool ok = true;

    void fail(const QString& pointer, const QString& message)
    {
        report.error(file, pointer, message);
        ok = false;
    }
};

bool isInteger(const QJsonValue& v)
{
    return v.isDouble() && v.toDouble() == std::floor(v.toDouble());
}

bool numberArray(const QJsonValue& v, std::vector<double>* out)
{
    if (!v.isArray()) return false;
    const QJsonArray a = v.toArray();
    out->clear();
    out->reserve(size_t(a.size()));
    for (const QJsonValue& x : a) {
        if (!x.isDouble() || !std::isfinite(x.toDouble())) return false;
        out->push_back(x.toDouble());
    }
    return true;
}

bool inRange(double x, double y, const DatasetImage& im)
{
    return x >= -kCoordinateSlack && y >= -kCoordinateSlack && x <= im.width + kCoordinateSlack &&
           y <= im.height + kCoordinateSlack;
}

} // namespace

bool parse(const QByteArray& json, const QString& fileName, Dataset& data, FormatReport& report,
           const ImportOptions& options)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (pe.error != QJsonParseError::NoError) {
        report.error(fileName, lineColumnAt(json, pe.offset),
                     QStringLiteral("broken JSON: %1").arg(pe.errorString()));
        return false;
    }
    if (!doc.isObject()) {
        report.error(fileName, QStringLiteral("/"), QStringLiteral("a COCO file is a JSON object"));
        return false;
    }
    Reader r{fileName, report, data};
    const QJsonObject root = doc.object();
    if (!root.value(QStringLiteral("images")).isArray()) {
        r.fail(QStringLiteral("/images"), QStringLiteral("missing the \"images\" array"));
        return false;
    }
    if (!root.value(QStringLiteral("annotations")).isArray()) {
        r.fail(QStringLiteral("/annotations"), QStringLiteral("missing the \"annotations\" array"));
        return false;
    }

    // Images, merged with ones already read from another file of the same dataset by file_name.
    QHash<qint64, int> imageIndex;
    QHash<QString, int> byPath;
    for (size_t i = 0; i < data.images.size(); ++i)
        byPath.insert(data.images[i].path, int(i));
    const QJsonArray images = root.value(QStringLiteral("images")).toArray();
    for (qsizetype i = 0; i < images.size(); ++i) {
        const QString ptr = QStringLiteral("/images/%1").arg(i);
        const QJsonObject o = images[i].toObject();
        const QJsonValue id = o.value(QStringLiteral("id"));
        const QString name = o.value(QStringLiteral("file_name")).toString();
        const QJsonValue w = o.value(QStringLiteral("width")), h = o.value(QStringLiteral("height"));
        if (!isInteger(id)) {
            r.fail(ptr + QStringLiteral("/id"), QStringLiteral("image id must be an integer"));
            continue;
        }
        if (imageIndex.contains(id.toInteger())) {
            r.fail(ptr + QStringLiteral("/id"), QStringLiteral("duplicate image id %1").arg(id.toInteger()));
            continue;
        }
        if (name.isEmpty()) {
            r.fail(ptr + QStringLiteral("/file_name"), QStringLiteral("image without a file_name"));
            continue;
        }
        if (!isInteger(w) || !isInteger(h) || w.toInteger() <= 0 || h.toInteger() <= 0) {
            r.fail(ptr, QStringLiteral("image width and height must be positive integers"));
            continue;
        }
        if (!checkImageSize(w.toInteger(), h.toInteger(), fileName, ptr + QStringLiteral("/width"), report)) {
            r.ok = false;
            continue;
        }
        auto existing = byPath.constFind(name);
        if (existing != byPath.constEnd()) {
            DatasetImage& im = data.images[size_t(*existing)];
            if (im.width != w.toInt() || im.height != h.toInt()) {
                r.fail(ptr, QStringLiteral("\"%1\" appears with two different sizes").arg(name));
                continue;
            }
            imageIndex.insert(id.toInteger(), *existing);
            continue;
        }
        DatasetImage im;
        im.path = QDir::fromNativeSeparators(name);
        im.width = w.toInt();
        im.height = h.toInt();
        data.images.push_back(im);
        byPath.insert(name, int(data.images.size()) - 1);
        imageIndex.insert(id.toInteger(), int(data.images.size()) - 1);
    }

    QHash<qint64, int> labelIndex;
    const QJsonArray cats = root.value(QStringLiteral("categories")).toArray();
    for (qsizetype i = 0; i < cats.size(); ++i) {
        const QString ptr = QStringLiteral("/categories/%1").arg(i);
        const QJsonObject o = cats[i].toObject();
        const QJsonValue id = o.value(QStringLiteral("id"));
        const QString name = o.value(QStringLiteral("name")).toString();
        if (!isInteger(id)) {
            r.fail(ptr + QStringLiteral("/id"), QStringLiteral("category id must be an integer"));
            continue;
        }
        if (labelIndex.contains(id.toInteger())) {
            r.fail(ptr + QStringLiteral("/id"),
                   QStringLiteral("duplicate category id %1").arg(id.toInteger()));
            continue;
        }
        if (name.isEmpty()) {
            r.fail(ptr + QStringLiteral("/name"), QStringLiteral("category without a name"));
            continue;
        }
        bool seen = false;
        for (auto it = labelIndex.cbegin(); it != labelIndex.cend(); ++it)
            seen = seen || data.labels[size_t(it.value())].name == name;
        if (seen) {
            r.fail(ptr + QStringLiteral("/name"), QStringLiteral("duplicate category name \"%1\"").arg(name));
            continue;
        }
        const int li = data.ensureLabel(name);
        LabelDef& label = data.labels[size_t(li)];
        for (const QJsonValue& k : o.value(QStringLiteral("keypoints")).toArray())
            if (!label.keypointNames.contains(k.toString())) label.keypointNames << k.toString();
        const QJsonArray sk = o.value(QStringLiteral("skeleton")).toArray();
        for (const QJsonValue& pair : sk) {
            const QJsonArray p = pair.toArray();
            const int a = p.size() == 2 ? p[0].toInt() - 1 : -1, b = p.size() == 2 ? p[1].toInt() - 1 : -1;
            if (a < 0 || b < 0 || a >= label.keypointNames.size() || b >= label.keypointNames.size()) {
                r.fail(ptr + QStringLiteral("/skeleton"),
                       QStringLiteral("skeleton refers to a keypoint that does not exist"));
                break;
            }
            if (std::find(label.skeleton.begin(), label.skeleton.end(), std::pair(a, b)) ==
                label.skeleton.end())
                label.skeleton.emplace_back(a, b);
        }
        labelIndex.insert(id.toInteger(), li);
    }
    if (!r.ok) return false;

    QHash<qint64, bool> annIds;
    const QJsonArray anns = root.value(QStringLiteral("annotations")).toArray();
    for (qsizetype i = 0; i < anns.size(); ++i) {
        const QString ptr = QStringLiteral("/annotations/%1").arg(i);
        const QJsonObject o = anns[i].toObject();
        const QJsonValue id = o.value(QStringLiteral("id"));
        if (!isInteger(id)) {
            r.fail(ptr + QStringLiteral("/id"), QStringLiteral("annotation id must be an integer"));
            continue;
        }
        if (annIds.contains(id.toInteger())) {
            r.fail(ptr + QStringLiteral("/id"),
                   QStringLiteral("duplicate annotation id %1").arg(id.toInteger()));
            continue;
        }
        annIds.insert(id.toInteger(), true);
        const QJsonValue imageId = o.value(QStringLiteral("image_id"));
        if (!isInteger(imageId) || !imageIndex.contains(imageId.toInteger())) {
            r.fail(ptr + QStringLiteral("/image_id"),
                   QStringLiteral("refers to an image that is not in \"images\""));
            continue;
        }
        DatasetImage& im = data.images[size_t(imageIndex.value(imageId.toInteger()))];

        Shape base;
        if (o.contains(QStringLiteral("score"))) {
            const QJsonValue sc = o.value(QStringLiteral("score"));
            if (!sc.isDouble() || !std::isfinite(sc.toDouble())) {
                r.fail(ptr + QStringLiteral("/score"), QStringLiteral("score must be a number"));
                continue;
            }
            base.score = sc.toDouble();
            base.source = ShapeSource::Model;
        }
        base.attributes = o.value(QStringLiteral("attributes")).toObject();

        if (o.contains(QStringLiteral("caption"))) {
            if (!o.value(QStringLiteral("caption")).isString()) {
                r.fail(ptr + QStringLiteral("/caption"), QStringLiteral("caption must be text"));
                continue;
            }
            Shape s = base;
            s.labelId = -1; // captions belong to the image, not to a label
            s.geometry = CaptionGeom{o.value(QStringLiteral("caption")).toString()};
            im.shapes.push_back(s);
            report.count(QStringLiteral("caption"));
            continue;
        }
        const QJsonValue catId = o.value(QStringLiteral("category_id"));
        if (!isInteger(catId) || !labelIndex.contains(catId.toInteger())) {
            r.fail(ptr + QStringLiteral("/category_id"),
                   QStringLiteral("refers to a category that is not in \"categories\""));
            continue;
        }
        base.labelId = labelIndex.value(catId.toInteger());
        const LabelDef& label = data.labels[size_t(base.labelId)];

        std::vector<double> bbox;
        QRectF box;
        if (o.contains(QStringLiteral("bbox"))) {
            if (!numberArray(o.value(QStringLiteral("bbox")), &bbox) || bbox.size() != 4 || bbox[2] < 0 ||
                bbox[3] < 0) {
                r.fail(ptr + QStringLiteral("/bbox"),
                       QStringLiteral("bbox must be [x, y, width, height] with width, height >= 0"));
                continue;
            }
            box = QRectF(bbox[0], bbox[1], bbox[2], bbox[3]);
            if (!inRange(box.left(), box.top(), im) || !inRange(box.right(), box.bottom(), im)) {
                r.fail(ptr + QStringLiteral("/bbox"),
                       QStringLiteral("box lies outside its %1 x %2 image").arg(im.width).arg(im.height));
                continue;
            }
        }
        const bool crowd = o.value(QStringLiteral("iscrowd")).toInt() == 1;
        if (crowd) base.attributes.insert(QStringLiteral("iscrowd"), true);

        std::vector<Shape> made;
        const QJsonValue seg = o.value(QStringLiteral("segmentation"));
        bool bad = false;
        if (seg.isObject()) {
            const QJsonObject rle = seg.toObject();
            std::vector<double> size;
            if (!numberArray(rle.value(QStringLiteral("size")), &size) || size.size() != 2 ||
                size[0] != im.height || size[1] != im.width) {
                r.fail(ptr + QStringLiteral("/segmentation/size"),
                       QStringLiteral("RLE size must be [height, width] of its image (%1, %2)")
                           .arg(im.height)
                           .arg(im.width));
                continue;
            }
            const MaskGate gate = maskGate(options.target, im.path, im.width, im.height, fileName,
                                           ptr + QStringLiteral("/segmentation"), report);
            if (gate == MaskGate::Refuse) {
                r.ok = false;
                continue;
            }
            if (gate == MaskGate::Skip) continue;
            QString err;
            std::optional<RleMask> m;
            const QJsonValue counts = rle.value(QStringLiteral("counts"));
            if (counts.isString()) {
                m = RleMask::fromCocoString(im.width, im.height, counts.toString().toLatin1(), &err);
            } else {
                std::vector<double> c;
                std::vector<uint32_t> ci;
                bool okCounts = numberArray(counts, &c);
                for (double v : c) {
                    okCounts = okCounts && v >= 0 && v <= 4294967295.0 && v == std::floor(v);
                    ci.push_back(uint32_t(v));
                }
                if (okCounts)
                    m = RleMask::fromCocoCounts(im.width, im.height, ci, &err);
                else
                    err = QStringLiteral("counts must be non-negative integers or a compressed string");
            }
            if (!m) {
                r.fail(ptr + QStringLiteral("/segmentation/counts"), err);
                continue;
            }
            Shape s = base;
            s.geometry = MaskGeom{std::move(*m)};
            made.push_back(std::move(s));
        } else if (seg.isArray()) {
            const QJsonArray polys = seg.toArray();
            for (qsizetype k = 0; k < polys.size() && !bad; ++k) {
                std::vector<double> flat;
                const QString pptr = ptr + QStringLiteral("/segmentation/%1").arg(k);
                if (!numberArray(polys[k], &flat) || flat.size() % 2 != 0 || flat.size() < 6) {
                    r.fail(pptr, QStringLiteral("a polygon is a flat list of at least 3 x, y pairs"));
                    bad = true;
                    break;
                }
                QPolygonF poly;
                for (size_t j = 0; j < flat.size(); j += 2) {
                    if (!inRange(flat[j], flat[j + 1], im)) {
                        r.fail(QStringLiteral("%1/%2").arg(pptr).arg(j),
                               QStringLiteral("vertex (%1, %2) lies outside its %3 x %4 image")
                                   .arg(flat[j])
                                   .arg(flat[j + 1])
                                   .arg(im.width)
                                   .arg(im.height));
                        bad = true;
                        break;
                    }
                    poly << QPointF(flat[j], flat[j + 1]);
                }
                Shape s = base;
                s.geometry = PolygonGeom{poly};
                made.push_back(std::move(s));
            }
            if (polys.size() > 1)
                report.converted(
                    QStringLiteral("polygon (multi-part)"), QStringLiteral("polygon"),
                    QStringLiteral("each part of a multi-part COCO polygon becomes its own polygon"));
        } else if (!seg.isUndefined() && !seg.isNull()) {
            r.fail(ptr + QStringLiteral("/segmentation"),
                   QStringLiteral("segmentation must be a polygon list or an RLE object"));
            continue;
        }
        if (bad) continue;

        const QJsonValue kpv = o.value(QStringLiteral("keypoints"));
        std::vector<double> kp;
        if (kpv.isArray() && !kpv.toArray().isEmpty()) {
            if (!numberArray(kpv, &kp) || kp.size() % 3 != 0) {
                r.fail(ptr + QStringLiteral("/keypoints"),
                       QStringLiteral("keypoints must be a flat list of x, y, visibility triples"));
                continue;
            }
            KeypointsGeom g;
            g.box = box;
            for (size_t j = 0; j < kp.size() && !bad; j += 3) {
                const int v = int(kp[j + 2]);
                if (kp[j + 2] != v || v < 0 || v > 2) {
                    r.fail(QStringLiteral("%1/keypoints/%2").arg(ptr).arg(j + 2),
                           QStringLiteral("visibility must be 0, 1 or 2"));
                    bad = true;
                } else if (v > 0 && !inRange(kp[j], kp[j + 1], im)) {
                    r.fail(QStringLiteral("%1/keypoints/%2").arg(ptr).arg(j),
                           QStringLiteral("keypoint lies outside its image"));
                    bad = true;
                }
                const int n = int(j / 3);
                const QString name =
                    n < label.keypointNames.size() ? label.keypointNames[n] : QStringLiteral("kp%1").arg(n);
                g.points.push_back({name, v > 0 ? QPointF(kp[j], kp[j + 1]) : QPointF(), v});
            }
            if (bad) continue;
            // COCO gives crowd and tiny people all-zero keypoints (num_keypoints 0): that is a box (or
            // the segmentation above), not a keypoint group.
            if (std::any_of(g.points.begin(), g.points.end(),
                            [](const Keypoint& k) { return k.visibility > 0; })) {
                Shape s = base;
                s.geometry = std::move(g);
                made.push_back(std::move(s));
            }
        }
        if (made.empty()) {
            if (bbox.empty()) {
                r.fail(ptr, QStringLiteral("annotation has neither bbox, segmentation nor keypoints"));
                continue;
            }
            Shape s = base;
            s.geometry = RectangleGeom{box};
            made.push_back(std::move(s));
        }
        for (Shape& s : made) {
            report.count(shapeKindName(s.kind()));
            im.shapes.push_back(std::move(s));
        }
    }
    return r.ok;
}

std::optional<Dataset> read(const QString& pathIn, FormatReport& report, const ImportOptions& options)
{
    const QString path = QFileInfo(pathIn).absoluteFilePath();
    QStringList files;
    const QFileInfo info(path);
    if (info.isDir()) {
        QString dir = path;
        if (QFileInfo(QDir(path).filePath(QStringLiteral("annotations"))).isDir())
            dir = QDir(path).filePath(QStringLiteral("annotations"));
        QDirIterator it(dir, {QStringLiteral("*.json")}, QDir::Files);
        while (it.hasNext())
            files << it.next();
        files.sort();
        if (files.isEmpty()) {
            report.error(path, QString(), QStringLiteral("no COCO .json files found"));
            return std::nullopt;
        }
    } else {
        files << path;
    }
    Dataset data;
    bool ok = true;
    for (const QString& f : files) {
        const auto bytes = readWholeFile(f, report);
        ok = bytes && parse(*bytes, f, data, report, options) && ok;
    }
    report.setImages(qsizetype(data.images.size()));
    if (!ok) return std::nullopt;
    return data;
}

} // namespace loupe::annotation::coco
