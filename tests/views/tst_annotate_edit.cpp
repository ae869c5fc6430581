// SPDX-License-Identifier: MIT
// The select/edit tool on the offscreen canvas, driven by synthetic mouse and key events: vertex drags
// merge into one undo step, handles are hit with the same screen tolerance at 0.25x and 8x, rotate,
// move, rubber band, vertex insert/delete, Delete, copy/paste across images, z-order, accept/reject and
// label hotkeys, hidden and locked labels.
#include "annotation/document/clipboard.h"
#include "annotation/editing/zorder.h"
#include "tst_annotate_fixture.h"
#include "views/annotate/selecttool.h"
#include "views/annotate/shapelayer.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QLineEdit>
#include <QMimeData>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTreeWidget>

using namespace annotate_test;

class TestAnnotateEdit : public QObject
{
    Q_OBJECT

    static QPolygonF points(const Fixture& f, qint64 id)
    {
        return std::get<PolygonGeom>(f.doc->shape(id)->geometry).points;
    }

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void vertexDragMergesAndUndoRestoresExactly()
    {
        Fixture f;
        const QPolygonF original({{10.25, 10.5}, {100, 10}, {100, 80}, {10, 80}});
        const qint64 id = f.add(PolygonGeom{original});
        f.use("toolSelect");
        f.click({50, 50}); // inside: selects
        QVERIFY(f.scene()->isSelected(id));
        QCOMPARE(f.stack()->count(), 1);
        // One drag of vertex 1 through two positions: one undo step.
        f.drag({100, 10}, {{110, 20}, {120, 30}});
        QCOMPARE(f.stack()->count(), 2);
        QCOMPARE(points(f, id)[1], QPointF(120, 30));
        // A second drag is a second step.
        f.drag({120, 30}, {{125, 30}, {130, 35}});
        QCOMPARE(f.stack()->count(), 3);
        QCOMPARE(points(f, id)[1], QPointF(130, 35));
        f.stack()->undo();
        QCOMPARE(points(f, id)[1], QPointF(120, 30));
        f.stack()->undo();
        QCOMPARE(points(f, id), original); // exact, including the fractional first vertex
        QCOMPARE(f.stack()->index(), 1);
    }

    void handlesHitWithSameScreenTolerance_data()
    {
        QTest::addColumn<double>("scale");
        QTest::addColumn<QPointF>("offset");
        QTest::newRow("0.25x") << 0.25 << QPointF(100, 100);
        QTest::newRow("8x") << 8.0 << QPointF(-2600, 100);
    }

    void handlesHitWithSameScreenTolerance()
    {
        QFETCH(double, scale);
        QFETCH(QPointF, offset);
        Fixture f;
        const QRectF box(40, 40, 320, 200);
        const qint64 id = f.add(RectangleGeom{box});
        f.use("toolSelect");
        f.scene()->setSelection({id});
        f.canvas->setView(ViewTransform(scale, offset));
        const QPointF corner = f.canvas->view().imageToWidget(box.topRight()); // handle 1
        // 12 screen px away: outside the handle, and outside the box: a rubber band that selects nothing.
        QTest::mousePress(f.canvas, Qt::LeftButton, {}, (corner + QPointF(12, -12)).toPoint());
        QTest::mouseRelease(f.canvas, Qt::LeftButton, {}, (corner + QPointF(12, -12)).toPoint());
        QCOMPARE(f.doc->shape(id)->geometry, Geometry(RectangleGeom{box}));
        f.scene()->setSelection({id});
        // 5 screen px away: the handle, whatever the zoom. Drag it 40 screen px right and down.
        const QPoint grab = (corner + QPointF(5, 0)).toPoint();
        QTest::mousePress(f.canvas, Qt::LeftButton, {}, grab);
        const QPointF to = corner + QPointF(40, 40);
        QMouseEvent move(QEvent::MouseMove, to, f.canvas->mapToGlobal(to), Qt::NoButton, Qt::LeftButton, {});
        QApplication::sendEvent(f.canvas, &move);
        QTest::mouseRelease(f.canvas, Qt::LeftButton, {}, to.toPoint());
        const QPointF newCorner = box.topRight() + QPointF(40, 40) / scale;
        QCOMPARE(f.doc->shape(id)->geometry,
                 Geometry(RectangleGeom{QRectF(QPointF(40, newCorner.y()), QPointF(newCorner.x(), 240))}));
        QCOMPARE(f.stack()->count(), 2);
    }

    void rotateHandleTurnsAboutCentre()
    {
        Fixture f;
        const qint64 id = f.add(RotatedRectGeom{QPointF(200, 150), 80, 40, 0});
        f.use("toolSelect");
        f.click({200, 150});
        QVERIFY(f.scene()->isSelected(id));
        // The rotate handle sits 24 screen px (12 image px at 2x) above the top side's middle.
        const QPointF handle(200, 150 - 20 - 12);
        f.drag(handle, {{230, 140}, {260, 150}}); // to the right of the centre: +90 degrees
        auto r = std::get<RotatedRectGeom>(f.doc->shape(id)->geometry);
        QCOMPARE(r.angle, 90.0);
        QCOMPARE(r.center, QPointF(200, 150));
        QCOMPARE(r.width, 80.0);
        QCOMPARE(f.stack()->count(), 2);
        // A corner of the turned box resizes it in its own frame: corner 2 (bottom-right) is now at
        // the bottom-left on screen, (180, 190); the opposite corner stays at (220, 110).
        f.drag({180, 190}, {{170, 200}});
        r = std::get<RotatedRectGeom>(f.doc->shape(id)->geometry);
        QCOMPARE(r.angle, 90.0);
        QVERIFY(qAbs(r.width - 90) < 1e-9);
        QVERIFY(qAbs(r.height - 50) < 1e-9);
        QVERIFY(qAbs(r.center.x() - 195) < 1e-9 && qAbs(r.center.y() - 155) < 1e-9);
        f.stack()->undo();
        f.stack()->undo();
        QCOMPARE(f.doc->shape(id)->geometry, Geometry(RotatedRectGeom{QPointF(200, 150), 80, 40, 0}));
    }

    void rubberBandThenMoveIsOneStep()
    {
        Fixture f;
        const qint64 a = f.add(RectangleGeom{QRectF(20, 20, 30, 30)});
        const qint64 b = f.add(PolygonGeom{QPolygonF({{60, 20}, {90, 20}, {75, 50}})}, 3);
        const qint64 c = f.add(PointGeom{QPointF(300, 250)});
        f.use("toolSelect");
        f.drag({10, 10}, {{50, 40}, {100, 60}});
        QCOMPARE(f.scene()->selection(), (QList<qint64>{a, b}));
        // Ctrl+band adds.
        f.drag({290, 240}, {{310, 260}}, Qt::ControlModifier);
        QCOMPARE(f.scene()->selection().size(), 3);
        f.click({200, 200}); // empty space clears
        QVERIFY(f.scene()->selection().isEmpty());
        f.drag({10, 10}, {{100, 60}});
        const int before = f.stack()->count();
        f.drag({30, 30}, {{35, 32}, {40, 37}, {45, 45}});
        QCOMPARE(f.stack()->count(), before + 1);
        QCOMPARE(f.doc->shape(a)->geometry, Geometry(RectangleGeom{QRectF(35, 35, 30, 30)}));
        QCOMPARE(f.doc->shape(b)->geometry,
                 Geometry(PolygonGeom{QPolygonF({{75, 35}, {105, 35}, {90, 65}})}));
        QCOMPARE(f.doc->shape(c)->geometry, Geometry(PointGeom{QPointF(300, 250)}));
        f.stack()->undo();
        QCOMPARE(f.doc->shape(a)->geometry, Geometry(RectangleGeom{QRectF(20, 20, 30, 30)}));
        QCOMPARE(f.doc->shape(b)->geometry, Geometry(PolygonGeom{QPolygonF({{60, 20}, {90, 20}, {75, 50}})}));
    }

    void insertVertexOnEdgeAndRemoveVertices()
    {
        Fixture f;
        const QPolygonF square({{100, 100}, {200, 100}, {200, 200}, {100, 200}});
        const qint64 id = f.add(PolygonGeom{square});
        f.use("toolSelect");
        f.click({150, 150});
        // Press on the top side and drag: the new vertex follows, all one step.
        f.drag({150, 101}, {{150, 90}, {150, 80}});
        QCOMPARE(points(f, id), QPolygonF({{100, 100}, {150, 80}, {200, 100}, {200, 200}, {100, 200}}));
        QCOMPARE(f.stack()->count(), 2);
        f.stack()->undo();
        QCOMPARE(points(f, id), square);
        f.stack()->redo();
        // Alt+click on a vertex removes it.
        f.click({150, 80}, Qt::AltModifier);
        QCOMPARE(points(f, id), square);
        QCOMPARE(f.stack()->count(), 3);
        // Click a vertex, then Delete: that vertex goes, not the shape.
        f.click({200, 200});
        QCOMPARE(f.annotator->selectTool()->activeVertex(), 2);
        f.key(Qt::Key_Delete);
        QCOMPARE(points(f, id), QPolygonF({{100, 100}, {200, 100}, {100, 200}}));
        // A triangle keeps its three vertices and says why.
        QSignalSpy messages(f.scene(), &ShapeScene::message);
        f.click({200, 100}, Qt::AltModifier);
        QCOMPARE(points(f, id).size(), 3);
        QCOMPARE(messages.size(), 1);
        // Delete with no vertex picked removes the shape; undo brings it back under its id.
        f.click({130, 130});
        f.key(Qt::Key_Delete);
        QCOMPARE(f.scene()->shapeCount(), 0);
        f.stack()->undo();
        QVERIFY(f.scene()->shape(id));
    }

    void keypointVisibilityAndDelete()
    {
        Fixture f;
        const qint64 id = f.add(KeypointsGeom{{{QStringLiteral("head"), {50, 20}, 2},
                                               {QStringLiteral("left hand"), {30, 60}, 2},
                                               {QStringLiteral("right hand"), {70, 60}, 2}},
                                              {}},
                                2);
        f.use("toolSelect");
        f.scene()->setSelection({id});
        auto keypoints = [&] { return std::get<KeypointsGeom>(f.doc->shape(id)->geometry).points; };
        f.drag({30, 60}, {{35, 62}, {40, 65}}); // a keypoint drag is one step
        QCOMPARE(keypoints()[1].pos, QPointF(40, 65));
        QCOMPARE(f.stack()->count(), 2);
        f.click({40, 65});
        f.key(Qt::Key_H);
        QCOMPARE(keypoints()[1].visibility, 1);
        f.key(Qt::Key_H);
        QCOMPARE(keypoints()[1].visibility, 2);
        f.key(Qt::Key_Delete);
        QCOMPARE(keypoints().size(), size_t(3)); // kept in the group, as not labelled
        QCOMPARE(keypoints()[1].visibility, 0);
        QVERIFY(f.scene()->shape(id));
        f.stack()->undo();
        QCOMPARE(keypoints()[1], (Keypoint{QStringLiteral("left hand"), QPointF(40, 65), 2}));
    }

    void ctrlClickEscapeAndDeleteAction()
    {
        Fixture f;
        const qint64 a = f.add(RectangleGeom{QRectF(20, 20, 30, 30)});
        const qint64 b = f.add(RectangleGeom{QRectF(120, 20, 30, 30)});
        f.use("toolSelect");
        f.click({30, 30});
        f.click({130, 30}, Qt::ControlModifier);
        QCOMPARE(f.scene()->selection(), (QList<qint64>{a, b}));
        f.click({30, 30}, Qt::ControlModifier);
        QCOMPARE(f.scene()->selection(), (QList<qint64>{b}));
        f.key(Qt::Key_Escape);
        QVERIFY(f.scene()->selection().isEmpty());
        f.click({30, 30});
        f.annotator->action(QStringLiteral("deleteShapes"))->trigger();
        QVERIFY(!f.scene()->shape(a));
        QVERIFY(f.scene()->shape(b));
    }

    void copyPasteWithinAndAcrossImages()
    {
        Fixture f;
        const qint64 a = f.add(RectangleGeom{QRectF(20, 20, 30, 30)});
        const qint64 b = f.add(PolygonGeom{QPolygonF({{60, 20}, {90, 20}, {75, 50}})}, 3);
        f.use("toolSelect");
        f.scene()->setSelection({a, b});
        f.annotator->action(QStringLiteral("copyShapes"))->trigger();
        // Another image: pasted in place, selected, one undo step.
        f.annotator->setImage(8, QSize(Fixture::kWidth, Fixture::kHeight));
        QCOMPARE(f.scene()->shapeCount(), 0);
        f.annotator->action(QStringLiteral("pasteShapes"))->trigger();
        const std::vector<Shape> pasted = f.doc->shapes(8);
        QCOMPARE(pasted.size(), size_t(2));
        QCOMPARE(pasted[0].geometry, Geometry(RectangleGeom{QRectF(20, 20, 30, 30)}));
        QCOMPARE(pasted[1].labelId, qint64(3));
        QCOMPARE(f.scene()->selection().size(), 2);
        QCOMPARE(f.stack()->count(), 3);
        // The same image: offset so the copy is not hidden under the original.
        f.annotator->setImage(Fixture::kImage, QSize(Fixture::kWidth, Fixture::kHeight));
        f.annotator->action(QStringLiteral("pasteShapes"))->trigger();
        QCOMPARE(f.scene()->shapeCount(), 4);
        QCOMPARE(f.doc->shape(f.scene()->selection().first())->geometry,
                 Geometry(RectangleGeom{QRectF(30, 30, 30, 30)}));
    }

    void pasteWithUnknownLabelsAndStoreFailures()
    {
        Fixture f;
        Shape foreign;
        foreign.labelId = 77; // not a label of this project
        foreign.geometry = RectangleGeom{QRectF(5, 5, 10, 10)};
        auto* mime = new QMimeData;
        mime->setData(QString::fromLatin1(kShapesMimeType), shapesToClipboard({foreign}));
        QGuiApplication::clipboard()->setMimeData(mime);
        f.annotator->palette()->pick(3, false);
        QSignalSpy messages(f.scene(), &ShapeScene::message);
        f.annotator->action(QStringLiteral("pasteShapes"))->trigger();
        QVERIFY(f.only());
        QCOMPARE(f.only()->labelId, qint64(3));
        QCOMPARE(messages.size(), 1);
        // Garbage on the clipboard under our type: a message, nothing added.
        auto* bad = new QMimeData;
        bad->setData(QString::fromLatin1(kShapesMimeType), "{not json");
        QGuiApplication::clipboard()->setMimeData(bad);
        f.annotator->action(QStringLiteral("pasteShapes"))->trigger();
        QCOMPARE(f.scene()->shapeCount(), 1);
        QVERIFY(messages.last().first().toString().startsWith(QStringLiteral("Cannot paste")));
        // A store that refuses an edit: nothing changes, the stack has no step for it, the user is told.
        f.store.failNextApply();
        f.use("toolPoint");
        f.click({100, 100});
        QCOMPARE(f.scene()->shapeCount(), 1);
        QCOMPARE(f.stack()->count(), 1);
        QVERIFY(messages.last().first().toString().contains(QStringLiteral("not saved")));
    }

    void zOrderRaiseLower()
    {
        Fixture f;
        const qint64 a = f.add(RectangleGeom{QRectF(20, 20, 60, 60)});
        const qint64 b = f.add(RectangleGeom{QRectF(50, 50, 60, 60)}, 3);
        f.use("toolSelect");
        f.click({60, 60});
        QCOMPARE(f.scene()->selection(), QList<qint64>{b}); // later shapes are on top
        f.scene()->setSelection({a});
        f.annotator->action(QStringLiteral("raiseShapes"))->trigger();
        QCOMPARE(f.scene()->order().back(), a);
        QCOMPARE(zOrderOf(*f.doc->shape(a)), 1.0);
        f.click({200, 200});
        f.click({60, 60});
        QCOMPARE(f.scene()->selection(), QList<qint64>{a});
        f.annotator->action(QStringLiteral("lowerShapes"))->trigger();
        QCOMPARE(f.scene()->order().front(), a);
        f.stack()->undo();
        QCOMPARE(f.scene()->order().back(), a);
        f.stack()->undo();
        QCOMPARE(f.scene()->order().back(), b);
    }

    void reviewAndLabelShortcuts()
    {
        Fixture f;
        const qint64 a = f.add(RectangleGeom{QRectF(20, 20, 30, 30)});
        f.use("toolSelect");
        QApplication::setActiveWindow(f.window.get());
        QVERIFY(QTest::qWaitForWindowActive(f.window.get()));
        f.click({30, 30});
        QTest::keyClick(f.canvas, Qt::Key_Y);
        QCOMPARE(f.doc->shape(a)->review, ReviewState::Accepted);
        QTest::keyClick(f.canvas, Qt::Key_X);
        QCOMPARE(f.doc->shape(a)->review, ReviewState::Rejected);
        QTest::keyClick(f.canvas, Qt::Key_F);
        QCOMPARE(f.doc->shape(a)->review, ReviewState::NeedsFix);
        f.stack()->undo();
        // Hotkey 3: "tree" for new shapes and for the selection.
        QTest::keyClick(f.canvas, Qt::Key_3);
        QCOMPARE(f.scene()->currentLabel(), qint64(3));
        QCOMPARE(f.doc->shape(a)->labelId, qint64(3));
        QCOMPARE(f.stack()->count(), 4);
        // Tool shortcuts.
        QTest::keyClick(f.canvas, Qt::Key_R);
        QCOMPARE(f.canvas->tool(), f.annotator->tool(QStringLiteral("toolRectangle")));
        QTest::keyClick(f.canvas, Qt::Key_V);
        QCOMPARE(f.canvas->tool(), f.annotator->tool(QStringLiteral("toolSelect")));
        f.key(Qt::Key_Z, Qt::ControlModifier); // no Undo action here: nothing else may take it
        QCOMPARE(f.doc->shape(a)->labelId, qint64(3));
    }

    void hiddenAndLockedLabels()
    {
        Fixture f;
        const qint64 car = f.add(RectangleGeom{QRectF(20, 20, 30, 30)}, 1);
        const qint64 tree = f.add(RectangleGeom{QRectF(120, 20, 30, 30)}, 3);
        f.use("toolSelect");
        f.scene()->setLabelLocked(3, true);
        f.click({130, 30});
        QVERIFY(f.scene()->selection().isEmpty()); // locked: shown, not editable
        f.drag({130, 30}, {{150, 50}});
        QCOMPARE(f.doc->shape(tree)->geometry, Geometry(RectangleGeom{QRectF(120, 20, 30, 30)}));
        f.scene()->setLabelLocked(3, false);
        f.scene()->setSelection({car});
        f.scene()->setLabelHidden(1, true);
        QVERIFY(f.scene()->selection().isEmpty()); // hidden shapes leave the selection
        f.click({30, 30});
        QVERIFY(f.scene()->selection().isEmpty());
        f.canvas->grab();
        QCOMPARE(f.annotator->layer()->lastPaintedCount(), 1);
        // The palette's checkboxes drive the same switches.
        f.scene()->setLabelHidden(1, false);
        QTreeWidgetItem* treeRow = f.annotator->palette()->tree()->topLevelItem(2);
        treeRow->setCheckState(2, Qt::Checked);
        QTRY_VERIFY(f.scene()->isLabelHidden(3));
    }

    void paletteFilterAndHotkeys()
    {
        Fixture f;
        LabelPalette* p = f.annotator->palette();
        QCOMPARE(p->hotkeyOf(1), QStringLiteral("1"));
        QCOMPARE(p->hotkeyOf(3), QStringLiteral("3"));
        p->setHotkeys({{3, QStringLiteral("1")}});
        QCOMPARE(p->hotkeyOf(3), QStringLiteral("1"));
        QCOMPARE(p->hotkeyOf(1), QStringLiteral("2")); // the next free digit
        QTest::keyClicks(p->filterEdit(), QStringLiteral("PER"));
        int shown = 0;
        for (int i = 0; i < p->tree()->topLevelItemCount(); ++i)
            shown += p->tree()->topLevelItem(i)->isHidden() ? 0 : 1;
        QCOMPARE(shown, 1);
        QTest::keyClick(p->filterEdit(), Qt::Key_Return);
        QCOMPARE(f.scene()->currentLabel(), qint64(2));
    }
};

QTEST_MAIN(TestAnnotateEdit)
#include "tst_annotate_edit.moc"
