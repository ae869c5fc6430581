// SPDX-License-Identifier: MIT
// The caption and tag editor over a real project: captions added, edited in place and removed, each one
// step of the project's one undo history (the stack Edit > Undo drives); model captions say which model
// made them; tags complete from the project's tags and persist in the file.
#include "annotation/bridge/projectannotations.h"
#include "common/testsupport.h"
#include "core/store/captions.h"
#include "core/store/project.h"
#include "views/captions/captionaccess.h"
#include "views/captions/captioneditor.h"
#include "views/captions/tagcompleter.h"

#include <QAbstractItemView>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace loupe;
using namespace loupe::views;

namespace {

QList<qint64> makeAssets(core::Project& p, int n)
{
    QVector<core::AssetRecord> batch;
    for (int i = 0; i < n; ++i) {
        core::AssetRecord r;
        r.absolutePath = QStringLiteral("/nowhere/img_%1.png").arg(i);
        r.sha256Hex = QString::number(i);
        r.width = 64;
        r.height = 48;
        batch << r;
    }
    QString error;
    if (!p.addAssets(batch, &error)) qWarning() << error;
    QList<qint64> ids;
    for (const core::AssetRow& r : p.assetPage({}, 0, n))
        ids << r.id;
    return ids;
}

QStringList captionTexts(const CaptionEditor& e)
{
    QStringList out;
    for (int i = 0; i < e.captionList()->topLevelItemCount(); ++i)
        out << e.captionList()->topLevelItem(i)->text(0);
    return out;
}

} // namespace

class TestCaptionEditor : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void addEditRemoveAreUndoable()
    {
        QString error;
        auto project = core::Project::create(m_dir.filePath(QStringLiteral("captions.loupe")), &error);
        QVERIFY2(project, qPrintable(error));
        const QList<qint64> ids = makeAssets(*project, 2);
        annotation::ProjectAnnotations pa(*project);
        CaptionEditor editor;
        editor.setProject(project.get(), pa.document());
        editor.setAsset(ids[0]);
        QVERIFY(editor.captionList()->isEnabled());
        QCOMPARE(editor.captionList()->topLevelItemCount(), 0);

        // Typed into the field and Enter: one caption, one undo step.
        const int base = pa.undoStack()->count();
        editor.newCaptionField()->setText(QStringLiteral("  a red circle  "));
        QTest::keyClick(editor.newCaptionField(), Qt::Key_Return);
        QCOMPARE(captionTexts(editor), QStringList{QStringLiteral("a red circle")});
        QVERIFY(editor.newCaptionField()->text().isEmpty());
        QCOMPARE(editor.captionList()->topLevelItem(0)->text(1), QStringLiteral("manual"));
        QCOMPARE(pa.undoStack()->count(), base + 1);
        QCOMPARE(pa.undoStack()->undoText(), QStringLiteral("Add Caption"));
        QVERIFY(!editor.addCaption(QStringLiteral("   "))); // nothing to add
        QCOMPARE(pa.undoStack()->count(), base + 1);
        QVERIFY(editor.addCaption(QStringLiteral("two shapes")));
        QCOMPARE(listCaptions(*project, ids[1]).size(), 0); // the other image has none

        // Edited in place (what the item delegate does when editing ends).
        QTreeWidgetItem* first = editor.captionList()->topLevelItem(0);
        first->setText(0, QStringLiteral("a red circle above a square"));
        QCoreApplication::processEvents();
        QCOMPARE(listCaptions(*project, ids[0]).at(0).text, QStringLiteral("a red circle above a square"));
        QCOMPARE(pa.undoStack()->undoText(), QStringLiteral("Edit Caption"));

        // Removed with the button.
        editor.captionList()->setCurrentItem(editor.captionList()->topLevelItem(1));
        auto* remove = editor.findChild<QPushButton*>(QStringLiteral("removeCaption"));
        QVERIFY(remove->isEnabled());
        remove->click();
        QCOMPARE(captionTexts(editor), QStringList{QStringLiteral("a red circle above a square")});

        // Undo walks back through remove, edit, add, add; the list follows; redo brings them again.
        pa.undoStack()->undo();
        QCoreApplication::processEvents();
        QCOMPARE(captionTexts(editor),
                 (QStringList{QStringLiteral("a red circle above a square"), QStringLiteral("two shapes")}));
        pa.undoStack()->undo();
        QCoreApplication::processEvents();
        QCOMPARE(captionTexts(editor),
                 (QStringList{QStringLiteral("a red circle"), QStringLiteral("two shapes")}));
        pa.undoStack()->undo();
        pa.undoStack()->undo();
        QCoreApplication::processEvents();
        QCOMPARE(captionTexts(editor), QStringList());
        QCOMPARE(pa.undoStack()->count() - pa.undoStack()->index(), 4);
        for (int i = 0; i < 4; ++i)
            pa.undoStack()->redo();
        QCoreApplication::processEvents();
        QCOMPARE(captionTexts(editor), QStringList{QStringLiteral("a red circle above a square")});

        // Clearing a caption's text removes it.
        editor.captionList()->topLevelItem(0)->setText(0, QString());
        QCoreApplication::processEvents();
        QCOMPARE(listCaptions(*project, ids[0]).size(), 0);
        QCOMPARE(pa.undoStack()->undoText(), QStringLiteral("Remove Caption"));

        // Delete on the list removes the current caption.
        QVERIFY(editor.addCaption(QStringLiteral("gone soon")));
        editor.captionList()->setCurrentItem(editor.captionList()->topLevelItem(0));
        QTest::keyClick(editor.captionList(), Qt::Key_Delete);
        QCOMPARE(listCaptions(*project, ids[0]).size(), 0);
    }

    void modelCaptionsNameTheirModel()
    {
        QString error;
        auto project = core::Project::create(m_dir.filePath(QStringLiteral("model.loupe")), &error);
        QVERIFY2(project, qPrintable(error));
        const QList<qint64> ids = makeAssets(*project, 1);
        core::RunRecord run;
        run.assetId = ids[0];
        run.kind = QStringLiteral("caption");
        run.modelPath = QStringLiteral("/models/blip-shapes/");
        run.when = QDateTime::currentDateTimeUtc();
        const auto runId = project->addRun(run, &error);
        QVERIFY2(runId, qPrintable(error));
        QVERIFY(project->edit(QStringLiteral("Store Caption"), [&](core::Database& db) {
            core::Statement s =
                db.prepare(QStringLiteral("INSERT INTO captions(asset_id, text, source, run_id, created) "
                                          "VALUES(?1, 'a cat', 'model', ?2, 0)"));
            s.bind(1, ids[0]).bind(2, *runId);
            return s.run();
        }));
        CaptionEditor editor;
        editor.setProject(project.get(), nullptr);
        editor.setAsset(ids[0]);
        QCOMPARE(editor.captionList()->topLevelItemCount(), 1);
        QCOMPARE(editor.captionList()->topLevelItem(0)->text(1), QStringLiteral("model · blip-shapes"));
        QCOMPARE(editor.captionList()->topLevelItem(0)->toolTip(1), QStringLiteral("/models/blip-shapes/"));
        // Corrected by hand, it still says where it came from.
        editor.captionList()->topLevelItem(0)->setText(0, QStringLiteral("a black cat"));
        QCoreApplication::processEvents();
        QCOMPARE(listCaptions(*project, ids[0]).at(0).text, QStringLiteral("a black cat"));
        QCOMPARE(editor.captionList()->topLevelItem(0)->text(1), QStringLiteral("model · blip-shapes"));
        // Without a document the tags cannot be edited.
        QVERIFY(!editor.tagsField()->isEnabled());
    }

    void tagsPersistAndComplete()
    {
        const QString path = m_dir.filePath(QStringLiteral("tags.loupe"));
        QList<qint64> ids;
        {
            QString error;
            auto project = core::Project::create(path, &error);
            QVERIFY2(project, qPrintable(error));
            ids = makeAssets(*project, 2);
            annotation::ProjectAnnotations pa(*project);
            CaptionEditor editor;
            editor.show();
            editor.setProject(project.get(), pa.document());
            editor.setAsset(ids[0]);
            QVERIFY(editor.tagsField()->isEnabled());
            editor.tagsField()->setText(QStringLiteral("night, rain, night"));
            emit editor.tagsField()->editingFinished();
            QCOMPARE(pa.document()->tags(ids[0]),
                     (QStringList{QStringLiteral("night"), QStringLiteral("rain")}));
            QCOMPARE(pa.undoStack()->undoText(), QStringLiteral("Change Image Tags"));
            pa.undoStack()->undo();
            QCOMPARE(pa.document()->tags(ids[0]), QStringList());
            QCOMPARE(editor.tagsField()->text(), QString());
            pa.undoStack()->redo();
            QCOMPARE(editor.tagsField()->text(), QStringLiteral("night, rain"));

            // On the next image the completer offers the project's tags for the tag being typed.
            editor.setAsset(ids[1]);
            QCOMPARE(editor.tagCompleter()->tags(),
                     (QStringList{QStringLiteral("night"), QStringLiteral("rain")}));
            editor.tagsField()->setText(QStringLiteral("indoor, ra"));
            QCOMPARE(editor.tagCompleter()->splitPath(editor.tagsField()->text()),
                     QStringList{QStringLiteral("ra")});
            editor.tagCompleter()->setCompletionPrefix(QStringLiteral("ra"));
            QCOMPARE(editor.tagCompleter()->currentIndex().data().toString(), QStringLiteral("rain"));
            // Choosing it keeps the tags typed before it.
            QCOMPARE(editor.tagCompleter()->currentCompletion(), QStringLiteral("indoor, rain"));
        }
        // Stored in the file: a fresh open reads them back.
        QString error;
        auto reopened = core::Project::open(path, &error);
        QVERIFY2(reopened, qPrintable(error));
        annotation::ProjectAnnotations pa(*reopened);
        CaptionEditor editor;
        editor.setProject(reopened.get(), pa.document());
        editor.setAsset(ids[0]);
        QCOMPARE(editor.tagsField()->text(), QStringLiteral("night, rain"));
    }

    void screenshot()
    {
        QString error;
        auto project = core::Project::create(m_dir.filePath(QStringLiteral("shot.loupe")), &error);
        QVERIFY2(project, qPrintable(error));
        const QList<qint64> ids = makeAssets(*project, 1);
        annotation::ProjectAnnotations pa(*project);
        CaptionEditor editor;
        editor.resize(360, 260);
        editor.setProject(project.get(), pa.document());
        editor.setAsset(ids[0]);
        editor.addCaption(QStringLiteral("a red circle above a small blue square"));
        editor.addCaption(QStringLiteral("two shapes on a grey background"));
        editor.tagsField()->setText(QStringLiteral("shapes, synthetic"));
        emit editor.tagsField()->editingFinished();
        editor.show();
        QVERIFY(QTest::qWaitForWindowExposed(&editor));
        const QString dir = test::artifactDir();
        QVERIFY(editor.grab().save(dir + QStringLiteral("/caption_editor.png")));
    }
};

QTEST_MAIN(TestCaptionEditor)
#include "tst_caption_editor.moc"
