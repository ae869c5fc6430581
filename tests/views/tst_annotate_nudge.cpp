// SPDX-License-Identifier: MIT
// Arrow-key nudging of the selection (1 image pixel, Shift 10, a held key one undo step) and picking
// several vertices (Shift+click, Shift+drag band) that then drag and nudge together.
#include "tst_annotate_fixture.h"
#include "views/annotate/selecttool.h"

#include <QStandardPaths>
#include <QTest>

using namespace annotate_test;

namespace {

QRectF rectOf(const Fixture& f, qint64 id)
{
    return std::get<RectangleGeom>(f.doc->shape(id)->geometry).rect;
}

QPolygonF points(const Fixture& f, qint64 id)
{
    return std::get<PolygonGeom>(f.doc->shape(id)->geometry).points;
}

} // namespace

class TestAnnotateNudge : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void arrowsNudgeTheSelection()
    {
        Fixture f;
        const qint64 a = f.add(RectangleGeom{QRectF(20, 20, 30, 30)});
        const qint64 b = f.add(RectangleGeom{QRectF(100, 100, 10, 10)});
        f.use("toolSelect");
        f.click({30, 30});
        f.key(Qt::Key_Right);
        QCOMPARE(rectOf(f, a), QRectF(21, 20, 30, 30));
        f.key(Qt::Key_Down, Qt::ShiftModifier);
        QCOMPARE(rectOf(f, a), QRectF(21, 30, 30, 30));
        QCOMPARE(rectOf(f, b), QRectF(100, 100, 10, 10)); // not selected: stays
        const int steps = f.stack()->count();
        // A held key: the presses after the first are auto-repeats and merge into one step.
        f.key(Qt::Key_Left);
        for (int i = 0; i < 4; ++i) {
            QKeyEvent repeat(QEvent::KeyPress, Qt::Key_Left, Qt::NoModifier, QString(), true);
            QApplication::sendEvent(f.canvas, &repeat);
        }
        QCOMPARE(rectOf(f, a), QRectF(16, 30, 30, 30));
        QCOMPARE(f.stack()->count(), steps + 1);
        f.stack()->undo();
        QCOMPARE(rectOf(f, a), QRectF(21, 30, 30, 30));
        // Both selected: both move.
        f.click({105, 105}, Qt::ControlModifier);
        QCOMPARE(f.scene()->selection().size(), 2);
        f.key(Qt::Key_Up);
        QCOMPARE(rectOf(f, a), QRectF(21, 29, 30, 30));
        QCOMPARE(rectOf(f, b), QRectF(100, 99, 10, 10));
        // Nothing selected: the arrows do nothing to shapes.
        f.key(Qt::Key_Escape);
        const int before = f.stack()->count();
        f.key(Qt::Key_Up);
        QCOMPARE(f.stack()->count(), before);
    }

    void pickedVerticesMoveTogether()
    {
        Fixture f;
        const QPolygonF square({{100, 100}, {200, 100}, {200, 200}, {100, 200}});
        const qint64 id = f.add(PolygonGeom{square});
        f.use("toolSelect");
        f.click({150, 150});
        f.click({100, 100});
        f.click({200, 100}, Qt::ShiftModifier);
        QCOMPARE(f.annotator->selectTool()->pickedVertices(), (QList<int>{0, 1}));
        QCOMPARE(points(f, id), square); // picking edits nothing
        // Drag one picked vertex: the other follows, one undo step.
        const int steps = f.stack()->count();
        f.drag({200, 100}, {{200, 95}, {200, 90}});
        QCOMPARE(points(f, id), QPolygonF({{100, 90}, {200, 90}, {200, 200}, {100, 200}}));
        QCOMPARE(f.stack()->count(), steps + 1);
        // The arrows move the picked vertices, not the whole shape.
        f.key(Qt::Key_Right, Qt::ShiftModifier);
        QCOMPARE(points(f, id), QPolygonF({{110, 90}, {210, 90}, {200, 200}, {100, 200}}));
        f.stack()->undo();
        f.stack()->undo();
        QCOMPARE(points(f, id), square);
        // Shift+click a picked vertex drops it again.
        f.click({200, 100}, Qt::ShiftModifier);
        QCOMPARE(f.annotator->selectTool()->pickedVertices(), QList<int>{0});
    }

    void shiftBandPicksVertices()
    {
        Fixture f;
        const QPolygonF square({{100, 100}, {200, 100}, {200, 200}, {100, 200}});
        const qint64 id = f.add(PolygonGeom{square});
        f.use("toolSelect");
        f.click({150, 150});
        // A Shift band over the bottom side picks its two vertices and keeps the polygon selected.
        f.drag({80, 180}, {{150, 210}, {220, 220}}, Qt::ShiftModifier);
        QCOMPARE(f.scene()->selection(), QList<qint64>{id});
        QCOMPARE(f.annotator->selectTool()->pickedVertices(), (QList<int>{2, 3}));
        f.key(Qt::Key_Down);
        QCOMPARE(points(f, id), QPolygonF({{100, 100}, {200, 100}, {200, 201}, {100, 201}}));
        // Delete removes the picked vertices, but never below a polygon's three: refused, nothing lost.
        f.key(Qt::Key_Delete);
        QCOMPARE(points(f, id).size(), 4);
        QVERIFY(f.scene()->shape(id));
    }

    void deleteRemovesEveryPickedVertex()
    {
        Fixture f;
        const QPolygonF pentagon({{100, 100}, {150, 80}, {200, 100}, {200, 200}, {100, 200}});
        const qint64 id = f.add(PolygonGeom{pentagon});
        f.use("toolSelect");
        f.click({150, 150});
        f.click({150, 80});
        f.click({100, 200}, Qt::ShiftModifier);
        const int steps = f.stack()->count();
        f.key(Qt::Key_Delete);
        QCOMPARE(points(f, id), QPolygonF({{100, 100}, {200, 100}, {200, 200}}));
        QCOMPARE(f.stack()->count(), steps + 1);
        f.stack()->undo();
        QCOMPARE(points(f, id), pentagon);
    }
};

QTEST_MAIN(TestAnnotateNudge)
#include "tst_annotate_nudge.moc"
