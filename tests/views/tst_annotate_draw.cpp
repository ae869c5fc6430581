// SPDX-License-Identifier: MIT
// The create tools on the offscreen canvas, driven by synthetic mouse and key events and checked against
// the document and its undo stack: polygon / polyline (Enter, double-click, first vertex, Backspace, Esc,
// snapping), rectangle, rotated rectangle, point, keypoint groups, mask brush and eraser.
#include "annotation/geometry/measure.h"
#include "tst_annotate_fixture.h"
#include "views/annotate/brushtool.h"
#include "views/annotate/keypointtool.h"
#include "views/canvas/pantool.h"

#include <QSignalSpy>
#include <QStandardPaths>

using namespace annotate_test;

class TestAnnotateDraw : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void polygonClicksAndEnter()
    {
        Fixture f;
        f.use("toolPolygon");
        for (QPointF p : {QPointF(10, 10), QPointF(100, 10), QPointF(100, 80)})
            f.click(p);
        QCOMPARE(f.scene()->shapeCount(), 0); // nothing until it is closed
        f.key(Qt::Key_Return);
        QVERIFY(f.only());
        const Shape s = *f.only();
        QCOMPARE(s.geometry, Geometry(PolygonGeom{QPolygonF({{10, 10}, {100, 10}, {100, 80}})}));
        QCOMPARE(s.labelId, qint64(1));
        QCOMPARE(s.source, ShapeSource::Manual);
        QCOMPARE(f.stack()->count(), 1);
        QVERIFY(f.scene()->isSelected(s.id)); // a new shape is selected, ready to edit
        f.stack()->undo();
        QCOMPARE(f.scene()->shapeCount(), 0);
        f.stack()->redo();
        QCOMPARE(f.only()->geometry, s.geometry);
    }

    void polygonDoubleClickFirstVertexBackspaceEsc()
    {
        Fixture f;
        f.use("toolPolygon");
        f.click({20, 20});
        f.click({60, 20});
        f.click({90, 90}); // taken back
        f.key(Qt::Key_Backspace);
        f.click({60, 60});
        // A real double-click arrives as press, release, double-click, release.
        f.click({20, 60});
        QTest::mouseDClick(f.canvas, Qt::LeftButton, {}, f.at({20, 60}));
        QVERIFY(f.only());
        QCOMPARE(f.only()->geometry,
                 Geometry(PolygonGeom{QPolygonF({{20, 20}, {60, 20}, {60, 60}, {20, 60}})}));

        // Clicking near the first vertex (within the handle size on screen) closes it.
        f.click({200, 200});
        f.click({260, 200});
        f.click({260, 260});
        f.click({201.5, 201.5}); // 3 screen px from the first vertex at 2x
        QCOMPARE(f.scene()->shapeCount(), 2);
        QCOMPARE(std::get<PolygonGeom>(f.doc->shape(f.scene()->selection().first())->geometry).points.size(),
                 3);

        // Esc drops a half-drawn polygon; too few vertices are refused with a message.
        f.click({300, 10});
        f.click({350, 10});
        f.key(Qt::Key_Escape);
        QSignalSpy messages(f.scene(), &ShapeScene::message);
        f.click({300, 10});
        f.click({350, 10});
        f.key(Qt::Key_Return);
        QCOMPARE(f.scene()->shapeCount(), 2);
        QVERIFY(!messages.isEmpty());
        QCOMPARE(f.stack()->count(), 2);
    }

    void polylineAndSnapping()
    {
        Fixture f;
        f.add(RectangleGeom{QRectF(100, 100, 50, 40)});
        f.use("toolPolyline");
        // 4 image px = 8 screen px from the rectangle's corner (150,100): snaps onto it.
        f.click({146, 100});
        f.click({200, 180});
        // With Shift held, no snapping.
        f.click({152, 141}, Qt::ShiftModifier);
        f.key(Qt::Key_Enter);
        QCOMPARE(f.scene()->shapeCount(), 2);
        const Shape* line = f.scene()->shape(f.scene()->selection().first());
        QCOMPARE(line->geometry, Geometry(PolylineGeom{QPolygonF({{150, 100}, {200, 180}, {152, 141}})}));
    }

    void rectangleDragAndSlip()
    {
        Fixture f;
        f.use("toolRectangle");
        f.drag({150, 120}, {{120, 100}, {30, 40}});
        QVERIFY(f.only());
        QCOMPARE(f.only()->geometry, Geometry(RectangleGeom{QRectF(30, 40, 120, 80)}));
        // A click (or a drag shorter than 3 screen px) is not a box.
        f.drag({300, 200}, {{301, 200}});
        QCOMPARE(f.scene()->shapeCount(), 1);
        // Boxes stay inside the image.
        f.drag({380, 280}, {{450, 350}});
        const Shape* s = f.scene()->shape(f.scene()->selection().first());
        QCOMPARE(s->geometry, Geometry(RectangleGeom{QRectF(380, 280, 20, 20)}));
        QCOMPARE(f.stack()->count(), 2);
    }

    void rotatedRectangleThreeSteps()
    {
        Fixture f;
        f.use("toolRotatedRectangle");
        // First side from (100,100) to (100,160): pointing down, 90 degrees clockwise.
        f.drag({100, 100}, {{100, 130}, {100, 160}});
        QCOMPARE(f.scene()->shapeCount(), 0);
        f.hover({80, 150});
        f.click({80, 150});
        QVERIFY(f.only());
        const auto r = std::get<RotatedRectGeom>(f.only()->geometry);
        QCOMPARE(r.width, 60.0);
        QCOMPARE(r.height, 20.0);
        QCOMPARE(r.angle, 90.0);
        QCOMPARE(r.center, QPointF(90, 130));
        QCOMPARE(f.stack()->count(), 1);
        // Esc between the two steps drops it.
        f.drag({200, 100}, {{260, 100}});
        f.key(Qt::Key_Escape);
        f.click({260, 150});
        QCOMPARE(f.scene()->shapeCount(), 1);
    }

    void pointTool()
    {
        Fixture f;
        f.use("toolPoint");
        f.click({33, 44});
        f.click({35, 40});
        QCOMPARE(f.scene()->shapeCount(), 2);
        QCOMPARE(f.stack()->count(), 2);
        QCOMPARE(f.doc->shape(f.scene()->order().front())->geometry, Geometry(PointGeom{QPointF(33, 44)}));
        // The second click was 4.5 image px (9 screen px) away: it snapped onto the first point.
        QCOMPARE(f.doc->shape(f.scene()->order().back())->geometry, Geometry(PointGeom{QPointF(33, 44)}));
    }

    void keypointsInOrderWithVisibility()
    {
        Fixture f;
        f.annotator->palette()->pick(2, false); // person: head, left hand, right hand
        f.use("toolKeypoints");
        auto* tool = static_cast<KeypointTool*>(f.annotator->tool(QStringLiteral("toolKeypoints")));
        f.click({50, 20});
        f.key(Qt::Key_H); // the next one is labelled but hidden
        QVERIFY(tool->placesHidden());
        f.click({30, 60});
        QCOMPARE(f.scene()->shapeCount(), 0);
        f.key(Qt::Key_H);
        f.click({70, 60});
        QVERIFY(f.only());
        const auto& k = std::get<KeypointsGeom>(f.only()->geometry);
        QCOMPARE(k.points.size(), size_t(3));
        QCOMPARE(k.points[0], (Keypoint{QStringLiteral("head"), QPointF(50, 20), 2}));
        QCOMPARE(k.points[1], (Keypoint{QStringLiteral("left hand"), QPointF(30, 60), 1}));
        QCOMPARE(k.points[2], (Keypoint{QStringLiteral("right hand"), QPointF(70, 60), 2}));
        QCOMPARE(f.only()->labelId, qint64(2));

        // X skips a keypoint; Enter ends early, the rest are not labelled.
        f.key(Qt::Key_X);
        f.click({200, 100});
        f.key(Qt::Key_Return);
        QCOMPARE(f.scene()->shapeCount(), 2);
        const auto& k2 = std::get<KeypointsGeom>(f.doc->shape(f.scene()->selection().first())->geometry);
        QCOMPARE(k2.points[0].visibility, 0);
        QCOMPARE(k2.points[1], (Keypoint{QStringLiteral("left hand"), QPointF(200, 100), 2}));
        QCOMPARE(k2.points[2].visibility, 0);

        // A label without keypoint names places nothing and says why.
        f.annotator->palette()->pick(1, false);
        QSignalSpy messages(f.scene(), &ShapeScene::message);
        f.click({10, 10});
        QCOMPARE(f.scene()->shapeCount(), 2);
        QVERIFY(!messages.isEmpty());
    }

    void brushCreatesExtendsAndErases()
    {
        Fixture f;
        f.use("toolBrush");
        auto* brush = static_cast<BrushTool*>(f.annotator->tool(QStringLiteral("toolBrush")));
        QCOMPARE(brush->radius(), 8.0);
        f.key(Qt::Key_BracketRight);
        QCOMPARE(brush->radius(), 10.0);
        f.key(Qt::Key_BracketLeft);
        QCOMPARE(brush->radius(), 8.0);
        // First stroke: a new mask, added as one step when released.
        f.drag({50, 50}, {{60, 50}, {80, 50}});
        QVERIFY(f.only());
        QCOMPARE(f.stack()->count(), 1);
        const RleMask first = std::get<MaskGeom>(f.only()->geometry).mask;
        QCOMPARE(first.width(), Fixture::kWidth);
        QVERIFY(first.contains(50, 50) && first.contains(80, 50) && first.contains(65, 56));
        QVERIFY(!first.contains(65, 60));
        QCOMPARE(first.boundingBox(), QRect(42, 42, 46, 16));
        // Second stroke paints into the selected mask: PaintMask segments merge into one step.
        f.drag({80, 50}, {{80, 70}, {80, 90}, {80, 100}});
        QCOMPARE(f.scene()->shapeCount(), 1);
        QCOMPARE(f.stack()->count(), 2);
        QVERIFY(std::get<MaskGeom>(f.only()->geometry).mask.contains(80, 100));
        f.stack()->undo();
        QCOMPARE(std::get<MaskGeom>(f.only()->geometry).mask, first);
        f.stack()->redo();
        // The eraser clears pixels of the mask under it, in one step.
        f.use("toolEraser");
        f.drag({80, 95}, {{80, 100}});
        QCOMPARE(f.stack()->count(), 3);
        const RleMask erased = std::get<MaskGeom>(f.only()->geometry).mask;
        QVERIFY(!erased.contains(80, 100));
        QVERIFY(erased.contains(50, 50));
    }

    void nothingWithoutImageOrLabel()
    {
        Fixture f;
        f.annotator->setImage(0, QSize());
        f.click({10, 10});
        QCOMPARE(f.store.size(), 0);
        QCOMPARE(f.canvas->tool(), static_cast<CanvasTool*>(f.canvas->panTool())); // nothing to edit: pan
        f.annotator->setImage(Fixture::kImage, QSize(Fixture::kWidth, Fixture::kHeight));
        QVERIFY(f.canvas->tool() != static_cast<CanvasTool*>(f.canvas->panTool()));
        f.annotator->setDocument(f.doc.get(), {});
        f.use("toolPoint");
        QSignalSpy messages(f.scene(), &ShapeScene::message);
        f.click({10, 10});
        QCOMPARE(f.store.size(), 0);
        QVERIFY(messages.last().first().toString().contains(QStringLiteral("label")));
    }
};

QTEST_MAIN(TestAnnotateDraw)
#include "tst_annotate_draw.moc"
