// SPDX-License-Identifier: MIT
#include "annotation/formats/exportcommon.h"
#include "annotation/formats/fileio.h"
#include "annotation/formats/yolo.h"
#include "annotation/geometry/measure.h"
#include "annotation/geometry/raster.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <cmath>
#include <cstdio>

namespace loupe::annotation::yolo {

namespace {

const QString kFormat = QStringLiteral("YOLO");

// Six decimals (0.004 px on a 4k image), trailing zeros trimmed.
void appendNorm(QByteArray& out, double v)
{
    char buf[32];
    int n = std::snprintf(buf, sizeof buf, "%.6f", v);
    while (n > 1 && buf[n - 1] == '0')
        --n;
    if (n > 1 && buf[n - 1] == '.') --n;
    if (n == 2 && buf[0] == '-' && buf[1] == '0') { // "-0"
        buf[0] = '0';
        n = 1;
    }
    out += ' ';
    out.append(buf, n);
}

void appendBox(QByteArray& out, const QRectF& b, double w, double h)
{
    appendNorm(out, b.center().x() / w);
    appendNorm(out, b.center().y() / h);
    appendNorm(out, b.width() / w);
    appendNorm(out, b.height() / h);
}

void appendPoints(QByteArray& out, const QPolygonF& p, double w, double h)
{
    for (const QPointF& pt : p) {
        appendNorm(out, pt.x() / w);
        appendNorm(out, pt.y() / h);
    }
}

QByteArray yamlQuoted(const QString& s)
{
    QString e = s;
    e.replace(QLatin1String("\\"), QLatin1String("\\\\")).replace(QLatin1String("\""), QLatin1String("\\\""));
    return '"' + e.toUtf8() + '"';
}

int keypointCount(const Dataset& data)
{
    int k = 0;
    for (const LabelDef& l : data.labels)
        k = std::max(k, int(l.keypointNames.size()));
    for (const DatasetImage& im : data.images)
        for (const Shape& s : im.shapes)
            if (s.kind() == ShapeKind::Keypoints && data.labels[size_t(s.labelId)].keypointNames.isEmpty())
                k = std::max(k, int(std::get<KeypointsGeom>(s.geometry).points.size()));
    return k;
}

} // namespace

YoloTask chooseTask(const Dataset& data)
{
    int counts[kShapeKindCount] = {};
    for (const DatasetImage& im : data.images)
        for (const Shape& s : im.shapes)
            ++counts[int(s.kind())];
    if (counts[int(ShapeKind::Keypoints)]) return YoloTask::Pose;
    if (counts[int(ShapeKind::Polygon)] || counts[int(ShapeKind::Mask)]) return YoloTask::Segment;
    if (counts[int(ShapeKind::RotatedRectangle)]) return YoloTask::Obb;
    return YoloTask::Detect;
}

QByteArray dataYaml(const Dataset& data, YoloTask task, const QString& split)
{
    return dataYaml(data, task, QStringList{split});
}

QByteArray dataYaml(const Dataset& data, YoloTask task, const QStringList& splits)
{
    // train: the "train" folder, else the first; val: "val" (or "valid"), else the train folder again,
    // since Ultralytics needs a val entry; test only when there is one.
    const auto pick = [&](std::initializer_list<const char*> names) {
        for (const char* n : names)
            if (splits.contains(QLatin1String(n))) return QString::fromLatin1(n);
        return QString();
    };
    QString train = pick({"train"});
    if (train.isEmpty()) train = splits.value(0, QStringLiteral("default"));
    QString val = pick({"val", "valid", "validation"});
    if (val.isEmpty()) val = train;
    const QString test = pick({"test"});
    QByteArray y = "# Exported by Loupe. Ultralytics resolves these folders against this file's folder.\n";
    y += "train: images/" + train.toUtf8() + "\n";
    y += "val: images/" + val.toUtf8() + "\n";
    if (!test.isEmpty()) y += "test: images/" + test.toUtf8() + "\n";
    y += "task: " + yoloTaskName(task).toUtf8() + "\n";
    y += "nc: " + QByteArray::number(qsizetype(data.labels.size())) + "\n";
    y += "names:\n";
    for (size_t i = 0; i < data.labels.size(); ++i)
        y += "  " + QByteArray::number(qsizetype(i)) + ": " + yamlQuoted(data.labels[i].name) + "\n";
    if (task == YoloTask::Pose) y += "kpt_shape: [" + QByteArray::number(keypointCount(data)) + ", 3]\n";
    return y;
}

QByteArray labelFile(const Dataset& data, const DatasetImage& im, YoloTask task, int kptCount,
                     FormatReport& report)
{
    QByteArray out;
    const double w = im.width, h = im.height;
    for (const Shape& s : im.shapes) {
        const QString kind = kindKey(s);
        if (s.kind() == ShapeKind::Tag || s.kind() == ShapeKind::Caption) {
            report.dropped(kind, QStringLiteral("YOLO has no image-level %1s").arg(kind));
            continue;
        }
        if (s.kind() == ShapeKind::Point || s.kind() == ShapeKind::Polyline) {
            report.dropped(kind, QStringLiteral("YOLO has no %1s").arg(kind));
            continue;
        }
        QByteArray line = QByteArray::number(s.labelId);
        const QString taskName = yoloTaskName(task);
        switch (task) {
        case YoloTask::Auto:
        case YoloTask::Detect:
            if (s.kind() != ShapeKind::Rectangle)
                report.converted(kind, QStringLiteral("box"),
                                 QStringLiteral("a YOLO detect dataset holds boxes only"));
            appendBox(line, boundingBox(s.geometry), w, h);
            break;
        case YoloTask::Segment: {
            if (s.kind() == ShapeKind::Keypoints) {
                report.dropped(kind, QStringLiteral("a YOLO segment dataset has no keypoints"));
                continue;
            }
            if (s.kind() == ShapeKind::Mask) {
                const MaskOutline o = maskToPolygons(std::get<MaskGeom>(s.geometry).mask);
                if (o.outer.empty()) {
                    report.dropped(kind, QStringLiteral("empty mask"));
                    continue;
                }
                report.converted(kind, QStringLiteral("polygon"),
                                 QStringLiteral("YOLO segment lines are polygons"));
                if (o.outer.size() > 1)
                    report.converted(
                        QStringLiteral("mask part"), QStringLiteral("polygon"),
                        QStringLiteral("each separate part of a mask becomes its own YOLO object"),
                        qsizetype(o.outer.size()) - 1);
                if (!o.holes.empty())
                    report.dropped(QStringLiteral("mask hole"),
                                   QStringLiteral("YOLO polygons cannot have holes"),
                                   qsizetype(o.holes.size()));
                for (size_t k = 0; k < o.outer.size(); ++k) {
                    QByteArray l = QByteArray::number(s.labelId);
                    appendPoints(l, o.outer[k], w, h);
                    out += l + '\n';
                }
                report.count(kind);
                reportLostFields(s, {}, kFormat, report);
                continue;
            }
            QPolygonF pts;
            if (s.kind() == ShapeKind::Polygon)
                pts = std::get<PolygonGeom>(s.geometry).points;
            else if (s.kind() == ShapeKind::RotatedRectangle)
                pts = std::get<RotatedRectGeom>(s.geometry).corners();
            else
                pts = QPolygonF(boundingBox(s.geometry));
            if (s.kind() == ShapeKind::Rectangle) pts.removeLast(); // QPolygonF(QRectF) closes the ring
            if (s.kind() != ShapeKind::Polygon)
                report.converted(kind, QStringLiteral("polygon"),
                                 QStringLiteral("a YOLO segment dataset holds polygons only"));
            if (pts.size() < 3) {
                report.dropped(kind, QStringLiteral("a polygon needs at least 3 vertices"));
                continue;
            }
            appendPoints(line, pts, w, h);
            break;
        }
        case YoloTask::Pose: {
            appendBox(line, boundingBox(s.geometry), w, h);
            std::vector<const Keypoint*> order(size_t(kptCount), nullptr);
            if (s.kind() == ShapeKind::Keypoints) {
                const auto& g = std::get<KeypointsGeom>(s.geometry);
                const QStringList& names = data.labels[size_t(s.labelId)].keypointNames;
                for (size_t k = 0; k < g.points.size(); ++k) {
                    const qsizetype idx = names.isEmpty() ? qsizetype(k) : names.indexOf(g.points[k].name);
                    if (idx >= 0 && idx < kptCount)
                        order[size_t(idx)] = &g.points[k];
                    else
                        report.dropped(QStringLiteral("keypoint"),
                                       QStringLiteral("name not among its label's keypoints"));
                }
            } else {
                report.converted(kind, QStringLiteral("box without keypoints"),
                                 QStringLiteral("a YOLO pose dataset holds keypoint groups"));
            }
            for (const Keypoint* k : order) {
                if (k && k->visibility > 0) {
                    appendNorm(line, k->pos.x() / w);
                    appendNorm(line, k->pos.y() / h);
                    appendNorm(line, k->visibility);
                } else {
                    line += " 0 0 0";
                }
            }
            break;
        }
        case YoloTask::Obb: {
            QPolygonF pts;
            if (s.kind() == ShapeKind::RotatedRectangle) {
                pts = std::get<RotatedRectGeom>(s.geometry).corners();
            } else if (s.kind() == ShapeKind::Rectangle) {
                const QRectF b = std::get<RectangleGeom>(s.geometry).rect.normalized();
                pts = QPolygonF({b.topLeft(), b.topRight(), b.bottomRight(), b.bottomLeft()});
                report.converted(kind, QStringLiteral("rotated_rectangle"),
                                 QStringLiteral("an unrotated oriented box"));
            } else {
                report.dropped(kind, QStringLiteral("a YOLO OBB dataset holds oriented boxes only"));
                continue;
            }
            appendPoints(line, pts, w, h);
            break;
        }
        }
        out += line + '\n';
        report.count(kind);
        reportLostFields(s, {}, kFormat, report);
    }
    return out;
}

bool write(const Dataset& data, const QString& outDir, const ExportOptions& options, FormatReport& report)
{
    const YoloTask task = options.yoloTask == YoloTask::Auto ? chooseTask(data) : options.yoloTask;
    const int kpts = keypointCount(data);
    const QDir dir(outDir);
    bool ok = true;
    QStringList splits;
    report.setImages(qsizetype(data.images.size()));
    for (const DatasetImage& im : data.images) {
        if (im.width <= 0 || im.height <= 0) {
            report.error(im.path, QString(),
                         QStringLiteral("image size unknown; YOLO coordinates are normalised by it"));
            ok = false;
            continue;
        }
        const QString split = im.split.isEmpty() ? options.split : im.split;
        if (!splits.contains(split)) splits << split;
        const QString txt =
            dir.filePath(QStringLiteral("labels/%1/%2.txt").arg(split, withoutSuffix(im.path)));
        ok = writeWholeFile(txt, labelFile(data, im, task, kpts, report), report, WriteMode::Plain) && ok;
        if (!options.imageRoot.isEmpty()) {
            const QString dst = dir.filePath(QStringLiteral("images/%1/%2").arg(split, im.path));
            ok = copyImage(options.imageRoot, im.path, dst, report) && ok;
        }
    }
    return writeWholeFile(dir.filePath(QStringLiteral("data.yaml")), dataYaml(data, task, splits), report) &&
           ok;
}

} // namespace loupe::annotation::yolo
