// SPDX-License-Identifier: MIT
// Undo survives closing the project: edit, close (destroy the document), reopen on the same stores,
// then undo and redo must reach exactly the states the first session saw.
#include "annotation/commands/addshapes.h"
#include "annotation/commands/changelabel.h"
#include "annotation/commands/moveshapes.h"
#include "annotation/commands/paintmask.h"
#include "annotation/commands/removeshapes.h"
#include "annotation/document/persistenthistory.h"

#include <QTest>
#include <memory>

using namespace loupe::annotation;

namespace {

struct Session
{
    std::unique_ptr<AnnotationDocument> doc;
    std::unique_ptr<PersistentHistory> history;
    Session(MemoryAnnotationStore& store, MemoryHistoryStore& hist)
        : doc(std::make_unique<AnnotationDocument>(store)),
          history(std::make_unique<PersistentHistory>(*doc, hist))
    {
    }
    QUndoStack* stack() { return doc->undoStack(); }
};

Shape rect(QRectF r)
{
    Shape s;
    s.imageId = 1;
    s.labelId = 1;
    s.geometry = RectangleGeom{r};
    return s;
}

QRectF rectOf(const AnnotationDocument& doc, qint64 id)
{
    return std::get<RectangleGeom>(doc.shape(id)->geometry).rect;
}

} // namespace

class TestPersistentHistory : public QObject
{
    Q_OBJECT
private slots:
    void undoAcrossSessions()
    {
        MemoryAnnotationStore store;
        MemoryHistoryStore hist;
        qint64 a = 0, m = 0;
        {
            Session s(store, hist);
            QString err;
            QVERIFY(s.history->restore(&err)); // nothing saved yet
            auto* add = new AddShapes(*s.doc, {rect(QRectF(0, 0, 10, 10))});
            s.stack()->push(add);
            a = add->shapes().front().id;
            for (int i = 0; i < 3; ++i) // one drag
                s.stack()->push(new MoveShapes(*s.doc, {a}, QPointF(1, 1), 7));
            s.stack()->push(new ChangeLabel(*s.doc, {a}, 2));
            Shape mask;
            mask.imageId = 1;
            mask.geometry = MaskGeom{RleMask(8, 8)};
            auto* addMask = new AddShapes(*s.doc, {mask});
            s.stack()->push(addMask);
            m = addMask->shapes().front().id;
            s.stack()->push(new PaintMask(*s.doc, m, QPointF(1, 1), QPointF(6, 1), 1, false, 1));
            s.stack()->undo(); // the paint is undone when the project closes: it must stay redoable
            QCOMPARE(s.stack()->count(), 5);
            QCOMPARE(s.stack()->index(), 4);
        }
        QCOMPARE(hist.records().size(), size_t(5));
        QCOMPARE(hist.index(), 4);
        QCOMPARE(rectOf(AnnotationDocument(store), a), QRectF(3, 3, 10, 10));

        Session s(store, hist);
        QString err;
        QVERIFY2(s.history->restore(&err), qPrintable(err));
        QCOMPARE(s.stack()->count(), 5);
        QCOMPARE(s.stack()->index(), 4);
        QCOMPARE(s.stack()->text(2), QObject::tr("Change label of %n shape(s)", nullptr, 1));
        QVERIFY(std::get<MaskGeom>(s.doc->shape(m)->geometry).mask.isEmpty()); // rebuilding applied nothing
        s.stack()->redo(); // the paint from the last session
        QCOMPARE(std::get<MaskGeom>(s.doc->shape(m)->geometry).mask.area(),
                 qint64(14));   // rows 0 and 1, x 0..6
        s.stack()->setIndex(2); // before the mask and the label change
        QVERIFY(!s.doc->shape(m));
        QCOMPARE(s.doc->shape(a)->labelId, qint64(1));
        QCOMPARE(rectOf(*s.doc, a), QRectF(3, 3, 10, 10));
        s.stack()->undo(); // the whole drag at once
        QCOMPARE(rectOf(*s.doc, a), QRectF(0, 0, 10, 10));
        s.stack()->undo();
        QCOMPARE(store.size(), qsizetype(0));
        s.stack()->setIndex(5);
        QCOMPARE(s.doc->shape(a)->labelId, qint64(2));
        QCOMPARE(std::get<MaskGeom>(s.doc->shape(m)->geometry).mask.area(),
                 qint64(14)); // rows 0 and 1, x 0..6
        // A new edit after undo replaces the undone steps in the saved history too.
        s.stack()->setIndex(3);
        s.stack()->push(new RemoveShapes(*s.doc, {a}));
        QCOMPARE(hist.records().size(), size_t(4));
        QCOMPARE(hist.index(), 4);
    }
    void unreadableHistoryIsRefusedWithoutChanges()
    {
        MemoryAnnotationStore store;
        MemoryHistoryStore hist;
        hist.put(0, "{not json");
        hist.setIndex(1);
        Session s(store, hist);
        QString err;
        QVERIFY(!s.history->restore(&err));
        QVERIFY(err.contains(QLatin1String("step 1")));
        QCOMPARE(s.stack()->count(), 0);
        QCOMPARE(hist.records().size(), size_t(1)); // left for a newer Loupe or a person to look at
    }
    void writesStayIncremental()
    {
        MemoryAnnotationStore store;
        MemoryHistoryStore hist;
        Session s(store, hist);
        auto* add = new AddShapes(*s.doc, {rect(QRectF(0, 0, 1, 1))});
        s.stack()->push(add);
        const qint64 a = add->shapes().front().id;
        for (int i = 0; i < 100; ++i)
            s.stack()->push(new ChangeLabel(*s.doc, {a}, i));
        const int before = hist.writes();
        s.stack()->push(new ChangeLabel(*s.doc, {a}, 1000));
        QCOMPARE(hist.writes() - before, 1); // one record, not the whole history
    }
};

QTEST_GUILESS_MAIN(TestPersistentHistory)
#include "tst_persistent_history.moc"
