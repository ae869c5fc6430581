// SPDX-License-Identifier: MIT
// Label and tag edits as undo steps: add, rename, recolour, hotkey, attribute specs, keypoints, merge,
// delete (with or without moving shapes), image tags. Each is checked in memory and against the
// SQLite rows, through undo and redo, and after closing and reopening the project.
#include "annotation/bridge/labeldefinitions.h"
#include "annotation/bridge/projectannotations.h"
#include "annotation/bridge/projectstoreaccess.h"
#include "annotation/commands/addlabel.h"
#include "annotation/commands/addshapes.h"
#include "annotation/commands/changeattributespecs.h"
#include "annotation/commands/changeimagetags.h"
#include "annotation/commands/changekeypoints.h"
#include "annotation/commands/deletelabel.h"
#include "annotation/commands/mergelabels.h"
#include "annotation/commands/recolorlabel.h"
#include "annotation/commands/renamelabel.h"
#include "annotation/commands/setlabelhotkey.h"
#include "annotation/document/editrecord.h"
#include "core/store/project.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <sqlite3.h>

using namespace loupe;
using namespace loupe::annotation;

namespace {

Shape rect(qint64 image, qint64 label, double x)
{
    Shape s;
    s.imageId = image;
    s.labelId = label;
    s.geometry = RectangleGeom{QRectF(x, 0, 10, 10)};
    return s;
}

QString labelName(const AnnotationDocument& doc, qint64 id)
{
    const auto l = doc.label(id);
    return l ? l->name : QString();
}

qint64 rowLabel(core::Project& p, qint64 shapeId)
{
    core::Statement s = p.db().prepare(QStringLiteral("SELECT label_id FROM annotations WHERE id = ?1"));
    s.bind(1, shapeId);
    return s.step() ? (s.columnIsNull(0) ? 0 : s.columnInt64(0)) : -1;
}

AttributeSpec spec(const QString& name, AttributeSpec::Type type)
{
    AttributeSpec s;
    s.name = name;
    s.type = type;
    return s;
}

} // namespace

class TestLabelCommands : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

    std::unique_ptr<core::Project> makeProject(const QString& file, qint64* image)
    {
        QString error;
        auto p = core::Project::create(file, &error);
        if (!p) return nullptr;
        core::AssetRecord a;
        a.absolutePath = m_dir.filePath(QStringLiteral("a.png"));
        a.sha256Hex = QString(64, QLatin1Char('a'));
        a.width = 100;
        a.height = 80;
        if (!p->addAssets({a}, &error)) return nullptr;
        *image = p->assetPage({}, 0, 1).at(0).id;
        return p;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void addRenameRecolorHotkeyUndoRedo()
    {
        MemoryAnnotationStore store;
        AnnotationDocument doc(store);
        QUndoStack& stack = *doc.undoStack();
        QSignalSpy labels(&doc, &AnnotationDocument::labelsChanged);
        LabelDef cat;
        cat.name = QStringLiteral("cat");
        cat.color = Qt::red;
        auto* add = new AddLabel(doc, cat);
        stack.push(add);
        const qint64 id = add->labelId();
        QVERIFY(id > 0);
        QCOMPARE(labelName(doc, id), QStringLiteral("cat"));
        QCOMPARE(labels.count(), 1);

        stack.push(new RenameLabel(doc, id, QStringLiteral("kitten")));
        stack.push(new RecolorLabel(doc, id, Qt::green));
        stack.push(new SetLabelHotkey(doc, id, QStringLiteral("3")));
        QCOMPARE(labelName(doc, id), QStringLiteral("kitten"));
        QCOMPARE(doc.label(id)->color, QColor(Qt::green));
        QCOMPARE(doc.label(id)->hotkey, QStringLiteral("3"));
        QCOMPARE(stack.undoText(), QStringLiteral("Set Label Hotkey"));

        stack.undo();
        QCOMPARE(doc.label(id)->hotkey, QString());
        stack.undo();
        QCOMPARE(doc.label(id)->color, QColor(Qt::red));
        stack.undo();
        QCOMPARE(labelName(doc, id), QStringLiteral("cat"));
        stack.undo();
        QVERIFY(!doc.label(id));
        stack.redo(); // the label comes back under its old id
        QCOMPARE(labelName(doc, id), QStringLiteral("cat"));
        stack.redo();
        QCOMPARE(labelName(doc, id), QStringLiteral("kitten"));
    }

    void hotkeyMovesFromAnotherLabelAndNameClashIsRefused()
    {
        MemoryAnnotationStore store;
        AnnotationDocument doc(store);
        QUndoStack& stack = *doc.undoStack();
        LabelDef a, b;
        a.name = QStringLiteral("a");
        a.hotkey = QStringLiteral("1");
        b.name = QStringLiteral("b");
        auto* addA = new AddLabel(doc, a);
        auto* addB = new AddLabel(doc, b);
        stack.push(addA);
        stack.push(addB);
        stack.push(new SetLabelHotkey(doc, addB->labelId(), QStringLiteral("1")));
        QCOMPARE(doc.label(addA->labelId())->hotkey, QString());
        QCOMPARE(doc.label(addB->labelId())->hotkey, QStringLiteral("1"));
        stack.undo();
        QCOMPARE(doc.label(addA->labelId())->hotkey, QStringLiteral("1"));

        QSignalSpy failed(&doc, &AnnotationDocument::storeFailed);
        const int before = stack.index();
        stack.push(new RenameLabel(doc, addB->labelId(), QStringLiteral("a")));
        QCOMPARE(failed.count(), 1);
        QCOMPARE(stack.index(), before); // the refused step is not on the stack
        QCOMPARE(stack.undoText(), QStringLiteral("Add Label \"b\""));
        QCOMPARE(labelName(doc, addB->labelId()), QStringLiteral("b"));
    }

    void specsAndKeypoints()
    {
        MemoryAnnotationStore store;
        AnnotationDocument doc(store);
        QUndoStack& stack = *doc.undoStack();
        LabelDef person;
        person.name = QStringLiteral("person");
        auto* add = new AddLabel(doc, person);
        stack.push(add);
        const qint64 id = add->labelId();
        AttributeSpec occluded = spec(QStringLiteral("occluded"), AttributeSpec::Type::Bool);
        AttributeSpec pose = spec(QStringLiteral("pose"), AttributeSpec::Type::Choice);
        pose.choices = {QStringLiteral("standing"), QStringLiteral("sitting")};
        AttributeSpec age = spec(QStringLiteral("age"), AttributeSpec::Type::Number);
        age.minimum = 0;
        age.maximum = 120;
        stack.push(new ChangeAttributeSpecs(doc, id, {occluded, pose, age}));
        QCOMPARE(doc.label(id)->attributes.size(), size_t(3));
        QCOMPARE(doc.label(id)->attributes[2].maximum, std::optional<double>(120));
        QVERIFY(!validateAttributes(doc.label(id)->attributes, QJsonObject{{QStringLiteral("age"), 130}})
                     .isEmpty());
        stack.push(
            new ChangeKeypoints(doc, id, {QStringLiteral("head"), QStringLiteral("neck")}, {{0, 1}, {0, 5}}));
        QCOMPARE(doc.label(id)->keypointNames.size(), 2);
        QCOMPARE(doc.label(id)->skeleton.size(), size_t(1)); // the edge to a missing keypoint is dropped
        stack.undo();
        QVERIFY(doc.label(id)->keypointNames.isEmpty());
        stack.undo();
        QVERIFY(doc.label(id)->attributes.empty());
    }

    void mergeAndDeleteCarryTheirShapes()
    {
        MemoryAnnotationStore store;
        AnnotationDocument doc(store);
        QUndoStack& stack = *doc.undoStack();
        LabelDef a, b;
        a.name = QStringLiteral("car");
        b.name = QStringLiteral("auto");
        auto* addA = new AddLabel(doc, a);
        auto* addB = new AddLabel(doc, b);
        stack.push(addA);
        stack.push(addB);
        const qint64 car = addA->labelId(), autoId = addB->labelId();
        auto* shapes = new AddShapes(doc, {rect(1, autoId, 0), rect(2, autoId, 20), rect(2, car, 40)});
        stack.push(shapes);
        const qint64 s1 = shapes->shapes()[0].id, s2 = shapes->shapes()[1].id, s3 = shapes->shapes()[2].id;

        stack.push(new MergeLabels(doc, autoId, car));
        QVERIFY(!doc.label(autoId));
        QCOMPARE(doc.shape(s1)->labelId, car);
        QCOMPARE(doc.shape(s2)->labelId, car);
        stack.undo();
        QCOMPARE(labelName(doc, autoId), QStringLiteral("auto"));
        QCOMPARE(doc.shape(s1)->labelId, autoId);
        QCOMPARE(doc.shape(s3)->labelId, car);

        stack.push(new DeleteLabel(doc, autoId)); // with its shapes
        QVERIFY(!doc.shape(s1) && !doc.shape(s2));
        QVERIFY(doc.shape(s3));
        stack.undo();
        QCOMPARE(doc.shape(s2)->labelId, autoId);

        stack.push(new DeleteLabel(doc, car, autoId)); // shapes move
        QVERIFY(!doc.label(car));
        QCOMPARE(doc.shape(s3)->labelId, autoId);
        stack.undo();
        QCOMPARE(doc.shape(s3)->labelId, car);
    }

    void persistsInTheProjectAcrossReopen()
    {
        const QString file = m_dir.filePath(QStringLiteral("labels.loupe"));
        qint64 image = 0, cat = 0, dog = 0, shape = 0;
        {
            auto p = makeProject(file, &image);
            QVERIFY(p);
            ProjectAnnotations pa(*p);
            AnnotationDocument& doc = *pa.document();
            QUndoStack& stack = *pa.undoStack();
            LabelDef c, d;
            c.name = QStringLiteral("cat");
            d.name = QStringLiteral("dog");
            auto* addC = new AddLabel(doc, c);
            auto* addD = new AddLabel(doc, d);
            stack.push(addC);
            stack.push(addD);
            cat = addC->labelId();
            dog = addD->labelId();
            auto* add = new AddShapes(doc, {rect(image, dog, 0)});
            stack.push(add);
            shape = add->shapes().front().id;
            AttributeSpec occluded = spec(QStringLiteral("occluded"), AttributeSpec::Type::Bool);
            stack.push(new ChangeAttributeSpecs(doc, cat, {occluded}));
            stack.push(new ChangeImageTags(doc, image, {QStringLiteral("night"), QStringLiteral(" rain ")}));
            stack.push(new MergeLabels(doc, dog, cat));
            QCOMPARE(rowLabel(*p, shape), cat);
            QCOMPARE(p->labels().size(), 1); // the project's own labels table follows
            // Export reads the definitions too.
            const std::vector<LabelDef> exported = ProjectStoreAccess(*p).labels();
            QCOMPARE(exported.size(), size_t(1));
            QCOMPARE(exported[0].attributes.size(), size_t(1));
            QCOMPARE(doc.tags(image), (QStringList{QStringLiteral("night"), QStringLiteral("rain")}));
        }
        {
            QString error;
            auto p = core::Project::open(file, &error);
            QVERIFY2(p, qPrintable(error));
            ProjectAnnotations pa(*p);
            QVERIFY2(pa.openWarning().isEmpty(), qPrintable(pa.openWarning()));
            AnnotationDocument& doc = *pa.document();
            QUndoStack& stack = *pa.undoStack();
            QCOMPARE(doc.label(cat)->attributes.size(), size_t(1));
            QCOMPARE(doc.tags(image).size(), 2);
            QCOMPARE(stack.undoText(), QStringLiteral("Merge Labels"));
            stack.undo(); // the merge, restored from the saved history
            QCOMPARE(labelName(doc, dog), QStringLiteral("dog"));
            QCOMPARE(rowLabel(*p, shape), dog);
            stack.undo(); // the tags
            QVERIFY(doc.tags(image).isEmpty());
            stack.undo(); // the attribute specs
            QVERIFY(doc.label(cat)->attributes.empty());
            stack.redo();
            stack.redo();
            stack.redo();
            QCOMPARE(rowLabel(*p, shape), cat);
            QVERIFY(!doc.label(dog));
        }
    }

    void labelsReadWithoutTheEditorTables()
    {
        qint64 image = 0;
        auto p = makeProject(m_dir.filePath(QStringLiteral("plain.loupe")), &image);
        QVERIFY(p);
        QVERIFY(p->addLabel({0, QStringLiteral("cat"), Qt::red, QStringLiteral("2"), 0}));
        const int changesBefore = sqlite3_total_changes(p->db().handle());
        const std::vector<LabelDef> labels = readProjectLabels(*p); // never opened by the editor
        QCOMPARE(labels.size(), size_t(1));
        QCOMPARE(labels[0].hotkey, QStringLiteral("2"));
        QCOMPARE(sqlite3_total_changes(p->db().handle()), changesBefore); // reading wrote nothing
    }

    void recordRoundTripsThroughJson()
    {
        EditRecord r;
        r.text = QStringLiteral("Change Label Attributes");
        LabelDef before, after;
        before.id = after.id = 7;
        before.name = after.name = QStringLiteral("p");
        after.keypointNames = {QStringLiteral("a"), QStringLiteral("b")};
        after.skeleton = {{0, 1}};
        after.hotkey = QStringLiteral("4");
        r.labelDiffs.push_back({before, after});
        r.tagDiffs.push_back({3, {}, {QStringLiteral("x")}});
        QString error;
        const auto back = editRecordFromJson(editRecordToJson(r), &error);
        QVERIFY2(back, qPrintable(error));
        QCOMPARE(back->labelDiffs.size(), size_t(1));
        QCOMPARE(*back->labelDiffs[0].after, after);
        QCOMPARE(back->tagDiffs[0].after, QStringList{QStringLiteral("x")});
    }
};

QTEST_GUILESS_MAIN(TestLabelCommands)
#include "tst_label_commands.moc"
