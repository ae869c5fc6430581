// SPDX-License-Identifier: MIT
// The label editor over a real project: add, rename, recolour, hotkey, keypoints and skeleton,
// attribute specs from the table, merge and delete (shapes deleted or moved); refusals say why; every
// edit is one step on the project's undo stack, and the labels are as edited after reopening.
#include "annotation/bridge/projectannotations.h"
#include "annotation/commands/addlabel.h"
#include "annotation/commands/addshapes.h"
#include "core/store/project.h"
#include "tst_annotate_fixture.h"
#include "views/annotate/annotatetool.h"
#include "views/labels/attributespectable.h"
#include "views/labels/labeleditor.h"

#include <QComboBox>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe;
using namespace loupe::annotation;
using loupe::views::LabelEditor;

namespace {

Shape box(qint64 image, qint64 label, double x)
{
    Shape s;
    s.imageId = image;
    s.labelId = label;
    s.geometry = RectangleGeom{QRectF(x, 0, 5, 5)};
    return s;
}

} // namespace

class TestLabelEditor : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void editsAreUndoableAndPersist()
    {
        const QString file = m_dir.filePath(QStringLiteral("editor.loupe"));
        qint64 image = 0, car = 0, truck = 0, person = 0, s1 = 0, s2 = 0;
        {
            QString error;
            auto p = core::Project::create(file, &error);
            QVERIFY2(p, qPrintable(error));
            core::AssetRecord a;
            a.absolutePath = m_dir.filePath(QStringLiteral("a.png"));
            a.sha256Hex = QString(64, QLatin1Char('b'));
            a.width = a.height = 50;
            QVERIFY(p->addAssets({a}, &error));
            image = p->assetPage({}, 0, 1).at(0).id;
            ProjectAnnotations pa(*p);
            QUndoStack* stack = pa.undoStack();
            LabelEditor editor(pa.document());

            car = editor.addLabel(QStringLiteral("car"), Qt::red);
            truck = editor.addLabel(QStringLiteral("truck"));
            person = editor.addLabel(QStringLiteral("person"));
            QVERIFY(car && truck && person);
            QCOMPARE(editor.list()->count(), 3);
            QCOMPARE(editor.addLabel(QStringLiteral("car")), 0); // taken
            QVERIFY(editor.error().contains(QStringLiteral("car")));
            QVERIFY(!editor.renameLabel(truck, QStringLiteral(" ")));
            QCOMPARE(stack->count(), 3);

            QVERIFY(editor.renameLabel(truck, QStringLiteral("lorry")));
            QVERIFY(editor.recolorLabel(truck, Qt::blue));
            QVERIFY(!editor.setHotkey(truck, QStringLiteral("q"))); // no window to ask: digits only
            editor.setKeyCheck([](const QKeySequence& k) { return k == QKeySequence(QStringLiteral("R")); });
            QVERIFY(!editor.setHotkey(truck, QStringLiteral("r"))); // R is a tool
            QVERIFY(editor.error().contains(QStringLiteral("R")));
            QVERIFY(editor.setHotkey(truck, QStringLiteral("q")));
            QCOMPARE(pa.document()->label(truck)->hotkey, QStringLiteral("Q"));
            QVERIFY(editor.setHotkey(truck, QStringLiteral("4")));
            QCOMPARE(pa.document()->label(truck)->name, QStringLiteral("lorry"));
            QCOMPARE(pa.document()->label(truck)->hotkey, QStringLiteral("4"));
            QCOMPARE(p->labels().size(), 3);
            stack->undo();
            QCOMPARE(pa.document()->label(truck)->hotkey, QStringLiteral("Q"));
            stack->redo();

            // Keypoints with a skeleton by names, then the attribute table.
            QVERIFY(!editor.setKeypoints(person, {QStringLiteral("head"), QStringLiteral("neck")},
                                         QStringLiteral("head-tail")));
            QVERIFY(editor.error().contains(QStringLiteral("tail")));
            QVERIFY(editor.setKeypoints(
                person, {QStringLiteral("head"), QStringLiteral("neck"), QStringLiteral("hip")},
                QStringLiteral("head-neck, 2-3")));
            QCOMPARE(pa.document()->label(person)->skeleton,
                     (std::vector<std::pair<int, int>>{{0, 1}, {1, 2}}));
            editor.setCurrentLabel(person);
            views::AttributeSpecTable* table = editor.attributeTable();
            table->addRow();
            table->item(0, 0)->setText(QStringLiteral("age"));
            auto* type = static_cast<QComboBox*>(table->cellWidget(0, 1));
            type->setCurrentIndex(type->findData(int(AttributeSpec::Type::Number)));
            table->item(0, 3)->setText(QStringLiteral("0"));
            table->item(0, 4)->setText(QStringLiteral("-5"));
            editor.findChild<QPushButton*>(QStringLiteral("applyLabelDetails"))->click();
            QVERIFY(editor.error().contains(QStringLiteral("minimum")));
            table->item(0, 4)->setText(QStringLiteral("120"));
            table->addRow();
            table->item(1, 0)->setText(QStringLiteral("pose"));
            type = static_cast<QComboBox*>(table->cellWidget(1, 1));
            type->setCurrentIndex(type->findData(int(AttributeSpec::Type::Choice)));
            table->item(1, 2)->setText(QStringLiteral("standing, sitting"));
            editor.findChild<QPushButton*>(QStringLiteral("applyLabelDetails"))->click();
            QVERIFY2(editor.error().isEmpty(), qPrintable(editor.error()));
            const LabelDef pd = *pa.document()->label(person);
            QCOMPARE(pd.attributes.size(), size_t(2));
            QCOMPARE(pd.attributes[0].maximum, std::optional<double>(120));
            QCOMPARE(pd.attributes[1].choices,
                     (QStringList{QStringLiteral("standing"), QStringLiteral("sitting")}));

            // Merge moves the shapes; delete with "move to" keeps them.
            auto* add = new AddShapes(*pa.document(), {box(image, truck, 0), box(image, car, 10)});
            stack->push(add);
            s1 = add->shapes()[0].id;
            s2 = add->shapes()[1].id;
            QVERIFY(editor.mergeLabel(truck, car));
            QVERIFY(!pa.document()->label(truck));
            QCOMPARE(pa.document()->shape(s1)->labelId, car);
            stack->undo();
            QCOMPARE(pa.document()->shape(s1)->labelId, truck);
            QVERIFY(editor.deleteLabel(car, person));
            QCOMPARE(pa.document()->shape(s2)->labelId, person);
            QCOMPARE(editor.list()->count(), 2);
            stack->undo();
            QVERIFY(editor.deleteLabel(truck, 0));
            QVERIFY(!pa.document()->shape(s1));
            QCOMPARE(editor.list()->count(), 2);
        }
        // Reopened: the labels are as edited and the last step (the delete) can be undone.
        QString error;
        auto p = core::Project::open(file, &error);
        QVERIFY2(p, qPrintable(error));
        ProjectAnnotations pa(*p);
        LabelEditor editor(pa.document());
        QCOMPARE(editor.list()->count(), 2);
        QCOMPARE(pa.document()->label(person)->attributes.size(), size_t(2));
        QCOMPARE(pa.document()->label(person)->keypointNames.size(), 3);
        pa.undoStack()->undo();
        QCOMPARE(editor.list()->count(), 3);
        QCOMPARE(pa.document()->label(truck)->name, QStringLiteral("lorry"));
        QCOMPARE(pa.document()->shape(s1)->labelId, truck);
    }

    // A label's own key (not 1-9) picks it and relabels the selection from the canvas; a key a tool
    // has is not taken over (R stays the rectangle tool).
    void letterHotkeysInTheWindow()
    {
        annotate_test::Fixture f;
        LabelDef bus, rover;
        bus.name = QStringLiteral("bus");
        bus.hotkey = QStringLiteral("Q");
        rover.name = QStringLiteral("rover");
        rover.hotkey = QStringLiteral("R");
        auto* addBus = new AddLabel(*f.doc, bus);
        f.stack()->push(addBus);
        f.stack()->push(new AddLabel(*f.doc, rover)); // labelsChanged: the annotator reloads
        QCOMPARE(f.scene()->labels().size(), size_t(2));
        QVERIFY(f.annotator->isKeyTaken(QKeySequence(QStringLiteral("R"))));
        QVERIFY(!f.annotator->isKeyTaken(QKeySequence(QStringLiteral("Q"))));
        QApplication::setActiveWindow(f.window.get());
        QVERIFY(QTest::qWaitForWindowActive(f.window.get()));
        const qint64 a = f.add(RectangleGeom{QRectF(20, 20, 30, 30)}, 99);
        f.use("toolSelect");
        f.click({30, 30});
        QTest::keyClick(f.canvas, Qt::Key_Q);
        QCOMPARE(f.doc->shape(a)->labelId, addBus->labelId());
        QTest::keyClick(f.canvas, Qt::Key_R);
        QCOMPARE(f.canvas->tool(), f.annotator->tool(QStringLiteral("toolRectangle")));
    }
};

QTEST_MAIN(TestLabelEditor)
#include "tst_label_editor.moc"
