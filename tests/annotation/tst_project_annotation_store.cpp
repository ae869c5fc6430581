// SPDX-License-Identifier: MIT
// The document over the real SQLite project: every undo/redo is checked against the annotations rows,
// the history survives closing the project, project-level steps (an import, a split edit) share the one
// undo stack, and a failed transaction leaves the file as it was.
#include "annotation/bridge/projectannotations.h"
#include "annotation/bridge/projectstoreaccess.h"
#include "annotation/commands/addshapes.h"
#include "annotation/commands/changeattributes.h"
#include "annotation/commands/changelabel.h"
#include "annotation/commands/changereviewstate.h"
#include "annotation/commands/moveshapes.h"
#include "annotation/commands/removeshapes.h"
#include "annotation/shapes/geometryjson.h"
#include "core/store/project.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe;
using namespace loupe::annotation;

namespace {

struct Row
{
    bool exists = false;
    QRectF rect;
    qint64 label = 0;
    QJsonObject attributes;
    int review = -1;
};

// Reads the row straight from SQLite, not through the store under test.
Row row(core::Project& p, qint64 id)
{
    core::Statement s = p.db().prepare(
        QStringLiteral("SELECT geometry, label_id, attributes, review_state FROM annotations WHERE id = ?1"));
    s.bind(1, id);
    Row r;
    if (!s.step()) return r;
    r.exists = true;
    QString error;
    const auto g = geometryFromBytes(s.columnText(0).toUtf8(), &error);
    if (g && std::holds_alternative<RectangleGeom>(*g)) r.rect = std::get<RectangleGeom>(*g).rect;
    r.label = s.columnIsNull(1) ? 0 : s.columnInt64(1);
    r.attributes = QJsonDocument::fromJson(s.columnText(2).toUtf8()).object();
    r.review = int(s.columnInt64(3));
    return r;
}

qint64 count(core::Project& p, const QString& table)
{
    core::Statement s = p.db().prepare(QStringLiteral("SELECT COUNT(*) FROM %1").arg(table));
    return s.step() ? s.columnInt64(0) : -1;
}

Shape rect(qint64 image, qint64 label, QRectF r)
{
    Shape s;
    s.imageId = image;
    s.labelId = label;
    s.geometry = RectangleGeom{r};
    return s;
}

} // namespace

class TestProjectAnnotationStore : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_n = 0;
    qint64 m_image = 0, m_image2 = 0, m_cat = 0, m_dog = 0;

    // A fresh project with two images and two labels; their setup steps are cleared from the undo log so
    // each test starts from an empty history.
    std::unique_ptr<core::Project> makeProject(QString* file)
    {
        *file = m_dir.filePath(QStringLiteral("p%1.loupe").arg(++m_n));
        QString error;
        auto p = core::Project::create(*file, &error);
        if (!p) return nullptr;
        QVector<core::AssetRecord> assets(2);
        for (int i = 0; i < 2; ++i) {
            assets[i].absolutePath = m_dir.filePath(QStringLiteral("img%1.png").arg(i));
            assets[i].sha256Hex = QStringLiteral("%1").arg(i, 64, 10, QLatin1Char('0'));
            assets[i].width = 100;
            assets[i].height = 80;
        }
        if (!p->addAssets(assets, &error)) return nullptr;
        const auto page = p->assetPage({}, 0, 10);
        m_image = page.at(0).id;
        m_image2 = page.at(1).id;
        m_cat = p->addLabel({0, QStringLiteral("cat"), Qt::red, {}, 0}).value_or(0);
        m_dog = p->addLabel({0, QStringLiteral("dog"), Qt::blue, {}, 1}).value_or(0);
        p->db().exec(QStringLiteral("DELETE FROM undo_log; DELETE FROM undo_actions;"));
        return p;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void undoRedoMatchTheRows()
    {
        QString file;
        auto p = makeProject(&file);
        QVERIFY(p);
        ProjectAnnotations pa(*p);
        QVERIFY2(pa.openWarning().isEmpty(), qPrintable(pa.openWarning()));
        QUndoStack* stack = pa.undoStack();
        AnnotationDocument& doc = *pa.document();

        auto* add = new AddShapes(doc, {rect(m_image, m_cat, QRectF(0, 0, 10, 10))});
        stack->push(add);
        const qint64 a = add->shapes().front().id;
        QVERIFY(a > 0);
        QVERIFY(row(*p, a).exists);
        QCOMPARE(row(*p, a).label, m_cat);

        for (int i = 0; i < 3; ++i) // one drag: three mouse moves
            stack->push(new MoveShapes(doc, {a}, QPointF(2, 1), 11));
        QCOMPARE(stack->count(), 2);
        QCOMPARE(row(*p, a).rect, QRectF(6, 3, 10, 10));
        stack->push(new ChangeLabel(doc, {a}, m_dog));
        QCOMPARE(row(*p, a).label, m_dog);
        stack->push(new ChangeAttributes(doc, {a}, QStringLiteral("note"), QStringLiteral("t"), 5));
        stack->push(
            new ChangeAttributes(doc, {a}, QStringLiteral("note"), QStringLiteral("ta"), 5)); // typing
        QCOMPARE(stack->count(), 4);
        QCOMPARE(row(*p, a).attributes.value(QStringLiteral("note")).toString(), QStringLiteral("ta"));
        stack->push(new ChangeReviewState(doc, {a}, ReviewState::NeedsFix, QStringLiteral("too loose")));
        QCOMPARE(row(*p, a).review, 3);
        QCOMPARE(row(*p, a).attributes.value(QStringLiteral("review_comment")).toString(),
                 QStringLiteral("too loose"));
        stack->push(new RemoveShapes(doc, {a}));
        QVERIFY(!row(*p, a).exists);
        // None of this went into the project's trigger log: the editor's history is the only record.
        QCOMPARE(count(*p, QStringLiteral("undo_log")), 0);
        QCOMPARE(count(*p, QStringLiteral("annotation_history")), 6);

        stack->undo(); // the removal: back under its old id
        QVERIFY(row(*p, a).exists);
        QCOMPARE(row(*p, a).review, 3);
        stack->undo();
        QCOMPARE(row(*p, a).review, 0);
        QVERIFY(!row(*p, a).attributes.contains(QStringLiteral("review_comment")));
        stack->undo(); // the whole typing session
        QVERIFY(!row(*p, a).attributes.contains(QStringLiteral("note")));
        stack->undo();
        QCOMPARE(row(*p, a).label, m_cat);
        stack->undo(); // the whole drag
        QCOMPARE(row(*p, a).rect, QRectF(0, 0, 10, 10));
        stack->undo();
        QVERIFY(!row(*p, a).exists);
        QCOMPARE(count(*p, QStringLiteral("annotations")), 0);
        stack->setIndex(stack->count());
        QVERIFY(!row(*p, a).exists);
        stack->setIndex(5);
        QCOMPARE(row(*p, a).rect, QRectF(6, 3, 10, 10));
        QCOMPARE(row(*p, a).label, m_dog);
        QCOMPARE(row(*p, a).review, 3);
    }

    void undoSurvivesReopening()
    {
        QString file;
        qint64 a = 0;
        {
            auto p = makeProject(&file);
            QVERIFY(p);
            ProjectAnnotations pa(*p);
            AnnotationDocument& doc = *pa.document();
            auto* add = new AddShapes(doc, {rect(m_image, m_cat, QRectF(0, 0, 10, 10))});
            pa.undoStack()->push(add);
            a = add->shapes().front().id;
            for (int i = 0; i < 4; ++i)
                pa.undoStack()->push(new MoveShapes(doc, {a}, QPointF(1, 0), 3));
            pa.undoStack()->push(new ChangeLabel(doc, {a}, m_dog));
            pa.undoStack()->undo(); // the label change stays redoable across the reopen
        }
        QString error;
        auto p = core::Project::open(file, &error);
        QVERIFY2(p, qPrintable(error));
        ProjectAnnotations pa(*p);
        QVERIFY2(pa.openWarning().isEmpty(), qPrintable(pa.openWarning()));
        QCOMPARE(pa.undoStack()->count(), 3);
        QCOMPARE(pa.undoStack()->index(), 2);
        QCOMPARE(row(*p, a).rect, QRectF(4, 0, 10, 10)); // opening applied nothing
        QCOMPARE(row(*p, a).label, m_cat);
        pa.undoStack()->redo();
        QCOMPARE(row(*p, a).label, m_dog);
        pa.undoStack()->undo();
        pa.undoStack()->undo(); // the drag from the last session, as one step
        QCOMPARE(row(*p, a).rect, QRectF(0, 0, 10, 10));
        pa.undoStack()->undo();
        QVERIFY(!row(*p, a).exists);
    }

    void projectStepsShareTheOneHistory()
    {
        QString file;
        qint64 a = 0;
        {
            auto p = makeProject(&file);
            QVERIFY(p);
            ProjectAnnotations pa(*p);
            QUndoStack* stack = pa.undoStack();
            QSignalSpy reloaded(pa.document(), &AnnotationDocument::shapesReloaded);
            auto* add = new AddShapes(*pa.document(), {rect(m_image, m_cat, QRectF(0, 0, 10, 10))});
            stack->push(add);
            a = add->shapes().front().id;

            ProjectStoreAccess access(*p);
            ImportItem item{QStringLiteral("bird"), rect(m_image2, 0, QRectF(1, 1, 5, 5))};
            QString error;
            QVERIFY2(access.importShapes({item}, &error), qPrintable(error));
            QCOMPARE(stack->count(), 2);
            QVERIFY(stack->undoText().startsWith(QLatin1String("Import")));
            QCOMPARE(access.shapesOf(m_image2).size(), size_t(1));
            QVERIFY(p->setSplit({m_image}, QStringLiteral("val")));
            QCOMPARE(stack->count(), 3);
            stack->push(new MoveShapes(*pa.document(), {a}, QPointF(5, 5), 1));
            QCOMPARE(stack->count(), 4);

            stack->undo(); // move
            QCOMPARE(row(*p, a).rect, QRectF(0, 0, 10, 10));
            stack->undo(); // split, through Project::undo
            QCOMPARE(p->asset(m_image)->split, QString());
            stack->undo(); // import
            QCOMPARE(access.shapesOf(m_image2).size(), size_t(0));
            QCOMPARE(p->labels().size(), 2); // the label the import created went with it
            QVERIFY(reloaded.count() >= 3);
            stack->redo(); // import again
            QCOMPARE(access.shapesOf(m_image2).size(), size_t(1));
            QVERIFY(p->canRedo()); // the split edit is still redoable in the project's log
            // A new edit now drops the undone split edit from both histories.
            stack->push(new ChangeLabel(*pa.document(), {a}, m_dog));
            QVERIFY(!p->canRedo());
            QCOMPARE(stack->count(), 3);
            stack->undo(); // label
            stack->undo(); // import, again through the project
            QCOMPARE(access.shapesOf(m_image2).size(), size_t(0));
        }
        // Reopened: same order, undo and redo continue across the two kinds of step.
        QString error;
        auto p = core::Project::open(file, &error);
        QVERIFY2(p, qPrintable(error));
        {
            ProjectAnnotations pa(*p);
            QVERIFY2(pa.openWarning().isEmpty(), qPrintable(pa.openWarning()));
            QCOMPARE(pa.undoStack()->count(), 3);
            QCOMPARE(pa.undoStack()->index(), 1);
            pa.undoStack()->redo(); // import
            ProjectStoreAccess access(*p);
            QCOMPARE(access.shapesOf(m_image2).size(), size_t(1));
            pa.undoStack()->redo(); // label
            QCOMPARE(row(*p, a).label, m_dog);
            pa.undoStack()->setIndex(0);
            QVERIFY(!row(*p, a).exists);
            QCOMPARE(access.shapesOf(m_image2).size(), size_t(0));
            pa.undoStack()->setIndex(3);
        }
        // A step recorded while the editor was closed (the command line) joins the end of the history.
        QVERIFY(p->setSplit({m_image2}, QStringLiteral("test")));
        ProjectAnnotations pa(*p);
        QVERIFY2(pa.openWarning().isEmpty(), qPrintable(pa.openWarning()));
        QCOMPARE(pa.undoStack()->count(), 4);
        QCOMPARE(pa.undoStack()->index(), 4);
        pa.undoStack()->undo();
        QCOMPARE(p->asset(m_image2)->split, QString());
        pa.undoStack()->undo();
        QCOMPARE(row(*p, a).label, m_cat);
    }

    void undoOutsideTheStackRebuildsWithAWarning()
    {
        QString file;
        auto p = makeProject(&file);
        QVERIFY(p);
        ProjectAnnotations pa(*p);
        QSignalSpy warned(&pa, &ProjectAnnotations::historyWarning);
        pa.undoStack()->push(new AddShapes(*pa.document(), {rect(m_image, m_cat, QRectF(0, 0, 1, 1))}));
        QVERIFY(p->setSplit({m_image}, QStringLiteral("val")));
        QCOMPARE(pa.undoStack()->count(), 2);
        QVERIFY(p->undo()); // bypassing Edit > Undo
        QCOMPARE(warned.count(), 1);
        // Only the project's own step is left, undone, as the project's log says.
        QCOMPARE(pa.undoStack()->count(), 1);
        QCOMPARE(pa.undoStack()->index(), 0);
        pa.undoStack()->redo();
        QCOMPARE(p->asset(m_image)->split, QStringLiteral("val"));
    }

    void aStepFromAnotherConnectionIsCaughtAtUndo()
    {
        QString file;
        auto p = makeProject(&file);
        QVERIFY(p);
        ProjectAnnotations pa(*p);
        QSignalSpy warned(&pa, &ProjectAnnotations::historyWarning);
        QSignalSpy failed(pa.document(), &AnnotationDocument::storeFailed);
        QVERIFY(p->setSplit({m_image}, QStringLiteral("val")));
        QCOMPARE(pa.undoStack()->count(), 1);
        {
            QString error;
            auto other = core::Project::open(file, &error); // the command line, say
            QVERIFY2(other, qPrintable(error));
            QVERIFY(other->setSplit({m_image2}, QStringLiteral("test")));
        }
        pa.undoStack()->undo(); // would undo the other connection's step: refused
        QCOMPARE(failed.count(), 1);
        QCOMPARE(p->asset(m_image)->split, QStringLiteral("val"));
        QCOMPARE(p->asset(m_image2)->split, QStringLiteral("test"));
        QTRY_COMPARE(warned.count(), 1);
        // Rebuilt from the project's log: both steps, in order, undoable again.
        QCOMPARE(pa.undoStack()->count(), 2);
        QCOMPARE(pa.undoStack()->index(), 2);
        pa.undoStack()->undo();
        QCOMPARE(p->asset(m_image2)->split, QString());
        pa.undoStack()->undo();
        QCOMPARE(p->asset(m_image)->split, QString());
    }

    void unreadableHistoryFallsBackToTheProjectLog()
    {
        QString file;
        {
            auto p = makeProject(&file);
            QVERIFY(p);
            ProjectAnnotations pa(*p);
            pa.undoStack()->push(new AddShapes(*pa.document(), {rect(m_image, m_cat, QRectF(0, 0, 1, 1))}));
            QVERIFY(p->setSplit({m_image}, QStringLiteral("val")));
            QCOMPARE(pa.undoStack()->count(), 2);
        }
        QString error;
        auto p = core::Project::open(file, &error);
        QVERIFY2(p, qPrintable(error));
        QVERIFY(p->db().exec(
            QStringLiteral("UPDATE annotation_history SET record = x'7b6e6f74' WHERE position = 0")));
        ProjectAnnotations pa(*p);
        QVERIFY2(pa.openWarning().contains(QLatin1String("step 1")), qPrintable(pa.openWarning()));
        QCOMPARE(pa.undoStack()->count(), 1); // the project's own step survives
        QCOMPARE(pa.undoStack()->index(), 1);
        pa.undoStack()->undo();
        QCOMPARE(p->asset(m_image)->split, QString());
        // The rebuilt history was saved: a second open is clean.
        pa.undoStack()->redo();
        ProjectAnnotations again(*p);
        QVERIFY2(again.openWarning().isEmpty(), qPrintable(again.openWarning()));
        QCOMPARE(again.undoStack()->count(), 1);
    }

    void failingTransactionChangesNothing()
    {
        QString file;
        auto p = makeProject(&file);
        QVERIFY(p);
        ProjectAnnotations pa(*p);
        auto* add = new AddShapes(*pa.document(), {rect(m_image, m_cat, QRectF(0, 0, 10, 10))});
        pa.undoStack()->push(add);
        const qint64 a = add->shapes().front().id;

        // The first change is valid and gets written inside the transaction; the second names an image
        // the project lacks, so the foreign key refuses it and the first must be rolled back.
        Shape moved = *pa.document()->shape(a);
        moved.geometry = RectangleGeom{QRectF(50, 50, 10, 10)};
        std::vector<ShapeChange> changes{{ShapeChange::Op::Update, moved},
                                         {ShapeChange::Op::Insert, rect(999999, m_cat, QRectF(0, 0, 1, 1))}};
        QString error;
        QVERIFY(!pa.store().apply(changes, &error));
        QVERIFY2(error.contains(file) && error.contains(QLatin1String("image 999999")), qPrintable(error));
        QCOMPARE(row(*p, a).rect, QRectF(0, 0, 10, 10));
        QCOMPARE(count(*p, QStringLiteral("annotations")), 1);

        // Through the document: the failed command never lands on the stack, and says why.
        QSignalSpy failed(pa.document(), &AnnotationDocument::storeFailed);
        pa.undoStack()->push(new AddShapes(*pa.document(), {rect(999999, m_cat, QRectF(0, 0, 1, 1))}));
        QCOMPARE(failed.count(), 1);
        QCOMPARE(pa.undoStack()->count(), 1);
        QCOMPARE(count(*p, QStringLiteral("annotation_history")), 1);
        // Updating a shape that is gone is refused the same way.
        std::vector<ShapeChange> ghost{{ShapeChange::Op::Update, rect(m_image, m_cat, QRectF())}};
        ghost[0].shape.id = a + 100;
        QVERIFY(!pa.store().apply(ghost, &error));
        QVERIFY2(error.contains(QLatin1String("does not exist")), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestProjectAnnotationStore)
#include "tst_project_annotation_store.moc"
