// SPDX-License-Identifier: MIT
#include "annotation/formats/formats.h"
#include "annotation/geometry/measure.h"
#include "sampledataset.h"

#include <QTemporaryDir>
#include <QTest>

using namespace loupe::annotation;
using namespace loupe::annotation::test;

namespace {

bool near(double a, double b, double tol = 1e-4)
{
    return std::abs(a - b) <= tol;
}

bool samePolygon(const QPolygonF& a, const QPolygonF& b, double tol = 1e-4)
{
    if (a.size() != b.size()) return false;
    for (qsizetype i = 0; i < a.size(); ++i)
        if (!near(a[i].x(), b[i].x(), tol) || !near(a[i].y(), b[i].y(), tol)) return false;
    return true;
}

Dataset roundTrip(Format f, const Dataset& d, FormatReport& out, FormatReport& in, ExportOptions opt = {})
{
    QTemporaryDir dir;
    if (f == Format::Yolo) {
        writeSampleImages(d, dir.filePath(QStringLiteral("src")));
        opt.imageRoot = dir.filePath(QStringLiteral("src"));
    }
    const QString outDir = dir.filePath(QStringLiteral("out"));
    if (!exportDataset(f, d, outDir, opt, out)) qWarning().noquote() << out.toText();
    auto back = importDataset(f, outDir, in);
    if (!back) {
        qWarning().noquote() << in.toText();
        return {};
    }
    return *back;
}

} // namespace

class TestRoundTrip : public QObject
{
    Q_OBJECT
private slots:
    void coco()
    {
        const Dataset d = sampleDataset();
        FormatReport out, in;
        const Dataset back = roundTrip(Format::Coco, d, out, in);
        QVERIFY(!in.hasErrors());
        QCOMPARE(back.images.size(), size_t(2));
        const DatasetImage* a = findImage(back, QStringLiteral("imgs/a.png"));
        QVERIFY(a);
        QCOMPARE(a->width, 40);
        // Expressible: rectangle, polygon (+ the rotated rectangle as a polygon), keypoints, mask, caption.
        const auto rects = ofKind(*a, ShapeKind::Rectangle);
        QCOMPARE(rects.size(), size_t(1));
        QCOMPARE(std::get<RectangleGeom>(rects[0].geometry).rect, QRectF(2, 3, 10, 5));
        QCOMPARE(rects[0].attributes.value(QStringLiteral("difficult")).toBool(), true);
        const auto polys = ofKind(*a, ShapeKind::Polygon);
        QCOMPARE(polys.size(), size_t(2));
        QCOMPARE(std::get<PolygonGeom>(polys[0].geometry),
                 std::get<PolygonGeom>(d.images[0].shapes[1].geometry));
        QVERIFY(samePolygon(std::get<PolygonGeom>(polys[1].geometry).points,
                            std::get<RotatedRectGeom>(d.images[0].shapes[2].geometry).corners()));
        const auto kps = ofKind(*a, ShapeKind::Keypoints);
        QCOMPARE(kps.size(), size_t(1));
        QCOMPARE(std::get<KeypointsGeom>(kps[0].geometry),
                 std::get<KeypointsGeom>(d.images[0].shapes[5].geometry));
        QCOMPARE(back.labels[size_t(kps[0].labelId)].skeleton, d.labels[2].skeleton);
        const auto masks = ofKind(*a, ShapeKind::Mask);
        QCOMPARE(masks.size(), size_t(1));
        QCOMPARE(std::get<MaskGeom>(masks[0].geometry), std::get<MaskGeom>(d.images[0].shapes[6].geometry));
        const auto caps = ofKind(*a, ShapeKind::Caption);
        QCOMPARE(caps.size(), size_t(1));
        QCOMPARE(std::get<CaptionGeom>(caps[0].geometry).text, QStringLiteral("a cat and a dog"));
        // Not expressible: reported, not silently dropped.
        QCOMPARE(out.droppedCount(QStringLiteral("polyline")), qsizetype(1));
        QCOMPARE(out.droppedCount(QStringLiteral("point")), qsizetype(1));
        QCOMPARE(out.droppedCount(QStringLiteral("tag")), qsizetype(1));
        QCOMPARE(out.convertedCount(QStringLiteral("rotated_rectangle")), qsizetype(1));
    }
    void cocoScoresAndCrowd()
    {
        Dataset d = sampleDataset();
        d.images[0].shapes[0].score = 0.875;
        d.images[0].shapes[0].source = ShapeSource::Model;
        d.images[0].shapes[6].attributes.insert(QStringLiteral("iscrowd"), true);
        FormatReport out, in;
        const Dataset back = roundTrip(Format::Coco, d, out, in);
        QCOMPARE(back.images.size(), size_t(2));
        const auto rects = ofKind(back.images[0], ShapeKind::Rectangle);
        QCOMPARE(rects.size(), size_t(1));
        QCOMPARE(rects[0].score.value_or(-1), 0.875);
        QCOMPARE(rects[0].source, ShapeSource::Model);
        const auto masks = ofKind(back.images[0], ShapeKind::Mask);
        QCOMPARE(masks.size(), size_t(1));
        QCOMPARE(masks[0].attributes.value(QStringLiteral("iscrowd")).toBool(), true);
    }
    void yoloDetect()
    {
        const Dataset d = sampleDataset();
        FormatReport out, in;
        ExportOptions opt;
        opt.yoloTask = YoloTask::Detect;
        const Dataset back = roundTrip(Format::Yolo, d, out, in, opt);
        QVERIFY(!in.hasErrors());
        QCOMPARE(back.images.size(), size_t(2));
        const DatasetImage* a = findImage(back, QStringLiteral("default/imgs/a.png"));
        QVERIFY(a);
        const DatasetImage* b = findImage(back, QStringLiteral("default/b.png"));
        QVERIFY(b && b->shapes.empty());
        // rectangle, polygon, rotated rectangle, keypoints and mask all become boxes.
        const auto rects = ofKind(*a, ShapeKind::Rectangle);
        QCOMPARE(rects.size(), size_t(5));
        for (size_t i = 0; i < rects.size(); ++i) {
            const QRectF want =
                boundingBox(d.images[0].shapes[std::vector<size_t>{0, 1, 2, 5, 6}[i]].geometry);
            const QRectF got = std::get<RectangleGeom>(rects[i].geometry).rect;
            QVERIFY2(near(got.x(), want.x(), 1e-3) && near(got.y(), want.y(), 1e-3) &&
                         near(got.width(), want.width(), 1e-3) && near(got.height(), want.height(), 1e-3),
                     qPrintable(QStringLiteral("shape %1").arg(i)));
        }
        QCOMPARE(back.labels.size(), d.labels.size());
        QCOMPARE(out.droppedCount(QStringLiteral("polyline")), qsizetype(1));
        QCOMPARE(out.droppedCount(QStringLiteral("tag")), qsizetype(1));
        QCOMPARE(out.droppedCount(QStringLiteral("caption")), qsizetype(1));
        QCOMPARE(out.convertedCount(QStringLiteral("polygon")), qsizetype(1));
    }
    void yoloSegment()
    {
        const Dataset d = sampleDataset();
        FormatReport out, in;
        ExportOptions opt;
        opt.yoloTask = YoloTask::Segment;
        const Dataset back = roundTrip(Format::Yolo, d, out, in, opt);
        const DatasetImage* a = findImage(back, QStringLiteral("default/imgs/a.png"));
        QVERIFY(a);
        const auto polys = ofKind(*a, ShapeKind::Polygon);
        QCOMPARE(polys.size(), size_t(4)); // rectangle, polygon, rotated rectangle, mask outline
        QVERIFY(samePolygon(std::get<PolygonGeom>(polys[1].geometry).points,
                            std::get<PolygonGeom>(d.images[0].shapes[1].geometry).points, 1e-3));
        QVERIFY(near(area(polys[3].geometry), 16.0, 1e-3)); // the 4x4 mask's outline
        QCOMPARE(out.droppedCount(QStringLiteral("keypoints")), qsizetype(1));
    }
    void yoloPose()
    {
        const Dataset d = sampleDataset();
        FormatReport out, in;
        ExportOptions opt;
        opt.yoloTask = YoloTask::Pose;
        const Dataset back = roundTrip(Format::Yolo, d, out, in, opt);
        const DatasetImage* a = findImage(back, QStringLiteral("default/imgs/a.png"));
        QVERIFY(a);
        const auto kps = ofKind(*a, ShapeKind::Keypoints);
        // Every other box-like shape comes back as a group with no labelled keypoints.
        QCOMPARE(kps.size(), size_t(5));
        QCOMPARE(out.convertedCount(QStringLiteral("rectangle")), qsizetype(1));
        const auto& want = std::get<KeypointsGeom>(d.images[0].shapes[5].geometry);
        const auto& got = std::get<KeypointsGeom>(kps[3].geometry);
        QCOMPARE(kps[3].labelId, qint64(2));
        QCOMPARE(got.points.size(), size_t(3));
        for (size_t i = 0; i < 3; ++i) {
            QCOMPARE(got.points[i].visibility, want.points[i].visibility);
            QVERIFY(near(got.points[i].pos.x(), want.points[i].pos.x(), 1e-3));
            QVERIFY(near(got.points[i].pos.y(), want.points[i].pos.y(), 1e-3));
        }
        QVERIFY(near(got.box.width(), 8, 1e-3));
    }
    void yoloObb()
    {
        const Dataset d = sampleDataset();
        FormatReport out, in;
        ExportOptions opt;
        opt.yoloTask = YoloTask::Obb;
        const Dataset back = roundTrip(Format::Yolo, d, out, in, opt);
        const DatasetImage* a = findImage(back, QStringLiteral("default/imgs/a.png"));
        QVERIFY(a);
        const auto rr = ofKind(*a, ShapeKind::RotatedRectangle);
        QCOMPARE(rr.size(), size_t(2)); // the rectangle (angle 0) and the rotated one
        const auto& got = std::get<RotatedRectGeom>(rr[1].geometry);
        QVERIFY(near(got.center.x(), 10, 1e-3) && near(got.center.y(), 20, 1e-3));
        QVERIFY(near(got.width, 8, 1e-3) && near(got.height, 4, 1e-3) && near(got.angle, 90, 1e-2));
        QCOMPARE(out.droppedCount(QStringLiteral("polygon")), qsizetype(1));
    }
    void voc()
    {
        const Dataset d = sampleDataset();
        FormatReport out, in;
        const Dataset back = roundTrip(Format::Voc, d, out, in);
        QVERIFY(!in.hasErrors());
        const DatasetImage* a = findImage(back, QStringLiteral("imgs/a.png"));
        QVERIFY(a);
        QCOMPARE(a->width, 40);
        const auto rects = ofKind(*a, ShapeKind::Rectangle);
        QCOMPARE(rects.size(), size_t(4)); // rectangle + polygon, rotated rectangle, mask as boxes
        QCOMPARE(std::get<RectangleGeom>(rects[0].geometry).rect, QRectF(2, 3, 10, 5));
        QCOMPARE(rects[0].attributes.value(QStringLiteral("difficult")).toBool(), true);
        QCOMPARE(std::get<RectangleGeom>(rects[3].geometry).rect, QRectF(2, 22, 4, 4));
        QVERIFY(findImage(back, QStringLiteral("b.png")));
        QCOMPARE(out.droppedCount(QStringLiteral("keypoints")), qsizetype(1));
        QCOMPARE(out.droppedCount(QStringLiteral("point")), qsizetype(1));
    }
    void labelme()
    {
        const Dataset d = sampleDataset();
        FormatReport out, in;
        const Dataset back = roundTrip(Format::Labelme, d, out, in);
        QVERIFY(!in.hasErrors());
        const DatasetImage* a = findImage(back, QStringLiteral("imgs/a.png"));
        QVERIFY(a);
        QCOMPARE(std::get<RectangleGeom>(ofKind(*a, ShapeKind::Rectangle)[0].geometry).rect,
                 QRectF(2, 3, 10, 5));
        QCOMPARE(ofKind(*a, ShapeKind::Polygon).size(), size_t(2));
        QCOMPARE(std::get<PolylineGeom>(ofKind(*a, ShapeKind::Polyline)[0].geometry),
                 std::get<PolylineGeom>(d.images[0].shapes[3].geometry));
        QCOMPARE(ofKind(*a, ShapeKind::Point).size(), size_t(1));
        // The keypoint group comes back from points sharing a group_id; the unlabelled keypoint is not
        // written and the hidden one comes back visible (both reported at export).
        const auto kps = ofKind(*a, ShapeKind::Keypoints);
        QCOMPARE(kps.size(), size_t(1));
        const auto& k = std::get<KeypointsGeom>(kps[0].geometry);
        QCOMPARE(k.points.size(), size_t(2));
        QCOMPARE(k.points[0].name, QStringLiteral("nose"));
        QCOMPARE(k.points[1].pos, QPointF(28, 18));
        QCOMPARE(back.labels[size_t(kps[0].labelId)].name, QStringLiteral("person"));
        QCOMPARE(out.convertedCount(QStringLiteral("field:keypoint_visibility")), qsizetype(1));
        QCOMPARE(std::get<MaskGeom>(ofKind(*a, ShapeKind::Mask)[0].geometry),
                 std::get<MaskGeom>(d.images[0].shapes[6].geometry));
        const auto tags = ofKind(*a, ShapeKind::Tag);
        QCOMPARE(tags.size(), size_t(1));
        QCOMPARE(back.labels[size_t(tags[0].labelId)].name, QStringLiteral("indoor"));
        QCOMPARE(out.droppedCount(QStringLiteral("caption")), qsizetype(1));
        QCOMPARE(out.convertedCount(QStringLiteral("keypoints")), qsizetype(1));
    }
    void cvat()
    {
        Dataset d = sampleDataset();
        d.labels[0].attributes.push_back({QStringLiteral("difficult"), AttributeSpec::Type::Bool, {}, false});
        d.images[0].shapes[4].source = ShapeSource::Model;
        FormatReport out, in;
        const Dataset back = roundTrip(Format::Cvat, d, out, in);
        QVERIFY(!in.hasErrors());
        const DatasetImage* a = findImage(back, QStringLiteral("imgs/a.png"));
        QVERIFY(a);
        // Everything but the caption comes back as itself.
        for (size_t i = 0; i + 1 < d.images[0].shapes.size(); ++i) {
            const Shape& want = d.images[0].shapes[i];
            const auto got = ofKind(*a, want.kind());
            QVERIFY2(got.size() == 1, qPrintable(shapeKindName(want.kind())));
            if (want.kind() == ShapeKind::Keypoints) // CVAT skeletons have no box
                QCOMPARE(std::get<KeypointsGeom>(got[0].geometry).points,
                         std::get<KeypointsGeom>(want.geometry).points);
            else
                QVERIFY(got[0].geometry == want.geometry);
            QCOMPARE(back.labels[size_t(got[0].labelId)].name, d.labels[size_t(want.labelId)].name);
            QCOMPARE(got[0].attributes, want.attributes);
            QCOMPARE(got[0].source, want.source);
        }
        QCOMPARE(out.droppedCount(QStringLiteral("caption")), qsizetype(1));
        QCOMPARE(out.droppedCount(QStringLiteral("field:keypoint_box")), qsizetype(1));
        // Skeleton point labels come back as the label's keypoint names, not as labels.
        QCOMPARE(back.labels.size(), d.labels.size());
        QCOMPARE(back.labels[2].keypointNames, d.labels[2].keypointNames);
    }
};

QTEST_MAIN(TestRoundTrip)
#include "tst_roundtrip.moc"
