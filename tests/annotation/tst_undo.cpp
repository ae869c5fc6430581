// SPDX-License-Identifier: MIT
// Undo/redo sequences against the expected store contents: merged drags, label and attribute edits,
// review states, removal and restore under the same id, failed transactions.
#include "annotation/commands/addshapes.h"
#include "annotation/commands/changeattributes.h"
#include "annotation/commands/changegeometry.h"
#include "annotation/commands/changelabel.h"
#include "annotation/commands/changereviewstate.h"
#include "annotation/commands/moveshapes.h"
#include "annotation/commands/movevertices.h"
#include "annotation/commands/paintmask.h"
#include "annotation/commands/removeshapes.h"
#include "annotation/document/annotationdocument.h"

#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using namespace loupe::annotation;

namespace {

Shape rect(qint64 image, qint64 label, QRectF r)
{
    Shape s;
    s.imageId = image;
    s.labelId = label;
    s.geometry = RectangleGeom{r};
    return s;
}

QRectF rectOf(const AnnotationDocument& doc, qint64 id)
{
    return std::get<RectangleGeom>(doc.shape(id)->geometry).rect;
}

} // namespace

class TestUndo : public QObject
{
    Q_OBJECT
    MemoryAnnotationStore* m_store = nullptr;
    AnnotationDocument* m_doc = nullptr;
    int m_tick = 0;

    qint64 add(Shape s)
    {
        auto* cmd = new AddShapes(*m_doc, {std::move(s)});
        m_doc->undoStack()->push(cmd);
        return cmd->shapes().front().id;
    }

private slots:
    void init()
    {
        m_store = new MemoryAnnotationStore;
        m_doc = new AnnotationDocument(*m_store);
        m_tick = 0;
        // Each call is one second later, so updated times show which version is in the store.
        m_doc->setClock(
            [this] { return QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC).addSecs(m_tick++); });
    }
    void cleanup()
    {
        delete m_doc;
        delete m_store;
    }

    void addUndoRedoKeepsId()
    {
        const qint64 id = add(rect(1, 7, QRectF(0, 0, 10, 10)));
        QVERIFY(id > 0);
        QCOMPARE(m_store->size(), qsizetype(1));
        QCOMPARE(m_doc->shape(id)->created, m_doc->shape(id)->updated);
        m_doc->undoStack()->undo();
        QCOMPARE(m_store->size(), qsizetype(0));
        m_doc->undoStack()->redo();
        QVERIFY(m_doc->shape(id).has_value());
        QCOMPARE(m_doc->shape(id)->labelId, qint64(7));
        QCOMPARE(m_store->transactions(), 3); // one per do/undo/redo
    }
    void dragMergesIntoOneStep()
    {
        const qint64 id = add(rect(1, 1, QRectF(0, 0, 10, 10)));
        const int gesture = 42;
        for (int i = 0; i < 5; ++i)
            m_doc->undoStack()->push(new MoveShapes(*m_doc, {id}, QPointF(1, 2), gesture));
        QCOMPARE(m_doc->undoStack()->count(), 2); // add + one merged move
        QCOMPARE(rectOf(*m_doc, id), QRectF(5, 10, 10, 10));
        m_doc->undoStack()->undo();
        QCOMPARE(rectOf(*m_doc, id), QRectF(0, 0, 10, 10));
        m_doc->undoStack()->redo();
        QCOMPARE(rectOf(*m_doc, id), QRectF(5, 10, 10, 10));
        // A new drag is a new step.
        m_doc->undoStack()->push(new MoveShapes(*m_doc, {id}, QPointF(-5, 0), gesture + 1));
        QCOMPARE(m_doc->undoStack()->count(), 3);
        m_doc->undoStack()->undo();
        QCOMPARE(rectOf(*m_doc, id), QRectF(5, 10, 10, 10));
    }
    void dragOfOtherShapesDoesNotMerge()
    {
        const qint64 a = add(rect(1, 1, QRectF(0, 0, 1, 1)));
        const qint64 b = add(rect(1, 1, QRectF(5, 5, 1, 1)));
        m_doc->undoStack()->push(new MoveShapes(*m_doc, {a}, QPointF(1, 0), 1));
        m_doc->undoStack()->push(new MoveShapes(*m_doc, {b}, QPointF(1, 0), 1));
        m_doc->undoStack()->push(new MoveShapes(*m_doc, {a, b}, QPointF(0, 1), 1));
        QCOMPARE(m_doc->undoStack()->count(), 5);
        m_doc->undoStack()->undo();
        QCOMPARE(rectOf(*m_doc, a), QRectF(1, 0, 1, 1));
        QCOMPARE(rectOf(*m_doc, b), QRectF(6, 5, 1, 1));
    }
    void vertexDragAndGeometryEdits()
    {
        Shape p;
        p.imageId = 1;
        p.geometry = PolygonGeom{QPolygonF({QPointF(0, 0), QPointF(10, 0), QPointF(10, 10)})};
        const qint64 id = add(p);
        for (int i = 1; i <= 3; ++i)
            m_doc->undoStack()->push(new MoveVertices(*m_doc, id, {1}, {QPointF(10 + i, 0)}, 9));
        QCOMPARE(m_doc->undoStack()->count(), 2);
        QCOMPARE(std::get<PolygonGeom>(m_doc->shape(id)->geometry).points[1], QPointF(13, 0));
        // Inserting a vertex is a one-off geometry change: never merged.
        PolygonGeom more{QPolygonF({QPointF(0, 0), QPointF(13, 0), QPointF(13, 5), QPointF(10, 10)})};
        m_doc->undoStack()->push(new ChangeGeometry(*m_doc, id, more));
        m_doc->undoStack()->push(new ChangeGeometry(
            *m_doc, id, PolygonGeom{QPolygonF({QPointF(0, 0), QPointF(1, 0), QPointF(1, 1)})}));
        QCOMPARE(m_doc->undoStack()->count(), 4);
        m_doc->undoStack()->undo();
        QCOMPARE(std::get<PolygonGeom>(m_doc->shape(id)->geometry), more);
        m_doc->undoStack()->undo();
        m_doc->undoStack()->undo();
        QCOMPARE(std::get<PolygonGeom>(m_doc->shape(id)->geometry).points[1], QPointF(10, 0));
    }
    void labelAttributeAndReviewEdits()
    {
        const qint64 a = add(rect(1, 1, QRectF(0, 0, 1, 1)));
        const qint64 b = add(rect(1, 1, QRectF(2, 2, 1, 1)));
        const QDateTime addedAt = m_doc->shape(a)->updated;
        m_doc->undoStack()->push(new ChangeLabel(*m_doc, {a, b}, 3));
        QCOMPARE(m_doc->shape(a)->labelId, qint64(3));
        QCOMPARE(m_doc->shape(b)->labelId, qint64(3));
        QVERIFY(m_doc->shape(a)->updated > addedAt);
        // Typing "red" into one field: one undo step.
        for (const char* v : {"r", "re", "red"})
            m_doc->undoStack()->push(
                new ChangeAttributes(*m_doc, {a}, QStringLiteral("color"), QString::fromLatin1(v), 5));
        m_doc->undoStack()->push(new ChangeAttributes(*m_doc, {a}, QStringLiteral("occluded"), true));
        m_doc->undoStack()->push(
            new ChangeReviewState(*m_doc, {a}, ReviewState::NeedsFix, QStringLiteral("box too loose")));
        QCOMPARE(m_doc->undoStack()->count(), 6);
        const Shape s = *m_doc->shape(a);
        QCOMPARE(s.attributes.value(QStringLiteral("color")).toString(), QStringLiteral("red"));
        QCOMPARE(s.attributes.value(QStringLiteral("occluded")).toBool(), true);
        QCOMPARE(s.review, ReviewState::NeedsFix);
        QCOMPARE(s.attributes.value(QStringLiteral("review_comment")).toString(),
                 QStringLiteral("box too loose"));
        m_doc->undoStack()->undo();
        QCOMPARE(m_doc->shape(a)->review, ReviewState::New);
        QVERIFY(!m_doc->shape(a)->attributes.contains(QStringLiteral("review_comment")));
        m_doc->undoStack()->undo();
        m_doc->undoStack()->undo();
        QVERIFY(m_doc->shape(a)->attributes.isEmpty());
        m_doc->undoStack()->undo();
        QCOMPARE(m_doc->shape(a)->labelId, qint64(1));
        QCOMPARE(m_doc->shape(b)->labelId, qint64(1));
        QCOMPARE(m_doc->shape(a)->updated, addedAt); // undo restores the whole previous version
        m_doc->undoStack()->redo();
        QCOMPARE(m_doc->shape(b)->labelId, qint64(3));
    }
    void removeAndRestoreUnderTheSameId()
    {
        const qint64 a = add(rect(1, 1, QRectF(0, 0, 1, 1)));
        m_doc->undoStack()->push(new ChangeLabel(*m_doc, {a}, 2));
        m_doc->undoStack()->push(new RemoveShapes(*m_doc, {a}));
        QVERIFY(!m_doc->shape(a));
        m_doc->undoStack()->undo(); // back, same id, so the label change below it still applies
        QCOMPARE(m_doc->shape(a)->labelId, qint64(2));
        m_doc->undoStack()->undo();
        QCOMPARE(m_doc->shape(a)->labelId, qint64(1));
        m_doc->undoStack()->redo();
        m_doc->undoStack()->redo();
        QVERIFY(!m_doc->shape(a));
        QCOMPARE(m_store->size(), qsizetype(0));
    }
    void brushStrokeMerges()
    {
        Shape m;
        m.imageId = 1;
        m.geometry = MaskGeom{RleMask(20, 20)};
        const qint64 id = add(m);
        m_doc->undoStack()->push(new PaintMask(*m_doc, id, QPointF(2, 2), QPointF(8, 2), 1, false, 1));
        m_doc->undoStack()->push(new PaintMask(*m_doc, id, QPointF(8, 2), QPointF(8, 8), 1, false, 1));
        m_doc->undoStack()->push(new PaintMask(*m_doc, id, QPointF(5, 2.5), QPointF(5, 2.5), 1, true, 2));
        QCOMPARE(m_doc->undoStack()->count(), 3);
        const qint64 painted = std::get<MaskGeom>(m_doc->shape(id)->geometry).mask.area();
        QVERIFY(painted > 0);
        m_doc->undoStack()->undo();
        const qint64 beforeErase = std::get<MaskGeom>(m_doc->shape(id)->geometry).mask.area();
        QVERIFY(beforeErase > painted);
        m_doc->undoStack()->undo();
        QCOMPARE(std::get<MaskGeom>(m_doc->shape(id)->geometry).mask.area(), qint64(0));
    }
    void failedTransactionChangesNothing()
    {
        const qint64 a = add(rect(1, 1, QRectF(0, 0, 1, 1)));
        QSignalSpy failed(m_doc, &AnnotationDocument::storeFailed);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("simulated store failure")));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("simulated store failure")));
        m_store->failNextApply();
        m_doc->undoStack()->push(new ChangeLabel(*m_doc, {a}, 9));
        QCOMPARE(failed.count(), 1);
        QCOMPARE(m_doc->shape(a)->labelId, qint64(1));
        QCOMPARE(m_doc->undoStack()->count(), 1); // the failed edit is not on the stack
        m_store->failNextApply();
        m_doc->undoStack()->push(new AddShapes(*m_doc, {rect(1, 1, QRectF()), rect(1, 1, QRectF())}));
        QCOMPARE(m_store->size(), qsizetype(1));
        QCOMPARE(m_doc->undoStack()->count(), 1);
    }
    void changeEventsSayWhatChanged()
    {
        QSignalSpy spy(m_doc, &AnnotationDocument::changed);
        const qint64 a = add(rect(4, 1, QRectF(0, 0, 1, 1)));
        m_doc->undoStack()->push(new ChangeLabel(*m_doc, {a}, 2));
        m_doc->undoStack()->undo();
        m_doc->undoStack()->undo();
        QCOMPARE(spy.count(), 4);
        const auto ev = [&](int i) { return spy.at(i).at(0).value<ChangeEvent>(); };
        QCOMPARE(ev(0).type, ChangeEvent::Type::ShapesAdded);
        QCOMPARE(ev(0).shapeIds, QList<qint64>{a});
        QCOMPARE(ev(0).imageIds, QList<qint64>{4});
        QCOMPARE(ev(1).type, ChangeEvent::Type::ShapesChanged);
        QCOMPARE(ev(1).properties, int(ChangeEvent::Label));
        QCOMPARE(ev(2).properties, int(ChangeEvent::Label));
        QCOMPARE(ev(3).type, ChangeEvent::Type::ShapesRemoved);
    }
    void unlimitedHistory()
    {
        const qint64 a = add(rect(1, 1, QRectF(0, 0, 1, 1)));
        for (int i = 0; i < 2000; ++i)
            m_doc->undoStack()->push(new MoveShapes(*m_doc, {a}, QPointF(1, 0), i + 1)); // distinct drags
        QCOMPARE(m_doc->undoStack()->count(), 2001);
        QCOMPARE(rectOf(*m_doc, a).x(), 2000.0);
        while (m_doc->undoStack()->canUndo())
            m_doc->undoStack()->undo();
        QCOMPARE(m_store->size(), qsizetype(0));
        m_doc->undoStack()->setIndex(2001);
        QCOMPARE(rectOf(*m_doc, a).x(), 2000.0);
    }
};

QTEST_GUILESS_MAIN(TestUndo)
#include "tst_undo.moc"
