// SPDX-License-Identifier: MIT
// Captions and matching over a selection of the browser, in the real window over a real project, with the
// golden tiny BLIP and CLIP checkpoints: the batch runs as a job, stores model captions with their run,
// the browser and the caption editor show them, and a second run skips what is done. Ctrl+Z in the
// window undoes a caption typed into the Captions dock.
#include "common/testsupport.h"
#include "core/jobs/jobtracker.h"
#include "core/store/captions.h"
#include "core/store/project.h"
#include "views/captions/batchdialog.h"
#include "views/captions/captioneditor.h"
#include "views/captions/captionsbinding.h"
#include "views/dataset/datasetmodel.h"
#include "views/dataset/datasetpanel.h"
#include "views/mainwindow/mainwindow.h"
#include "views/mainwindow/projectcontroller.h"
#include "views/mainwindow/storebackend.h"
#include "views/match/matchpanel.h"

#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QLineEdit>
#include <QListView>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace loupe;
using namespace loupe::views;

namespace {

// Three images (the golden inputs and one made from them), a label.
bool makeProject(const QString& path, const QString& dir, QString* error)
{
    auto p = core::Project::create(path, error);
    if (!p) return false;
    const QImage blip(test::goldenDir(QStringLiteral("blip_caption")) + QStringLiteral("/input.png"));
    const QImage clip(test::goldenDir(QStringLiteral("clip_match")) + QStringLiteral("/input.png"));
    const QImage images[3] = {blip, clip, blip.mirrored(true, false)};
    QVector<core::AssetRecord> batch;
    for (int i = 0; i < 3; ++i) {
        core::AssetRecord r;
        r.absolutePath = dir + QStringLiteral("/img_%1.png").arg(i);
        if (!images[i].save(r.absolutePath)) return false;
        r.sha256Hex = QString::number(i);
        r.width = images[i].width();
        r.height = images[i].height();
        batch << r;
    }
    return p->addAssets(batch, error) && p->addLabel({0, QStringLiteral("star"), Qt::yellow, {}, 0}, error);
}

} // namespace

class TestDatasetBatch : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        qputenv("LOUPE_NO_DIALOGS", "1");
        QVERIFY(m_dir.isValid());
    }

    void batchCaptionsAndResumes()
    {
        const QString file = m_dir.filePath(QStringLiteral("batch.loupe"));
        QString error;
        QVERIFY2(makeProject(file, m_dir.path(), &error), qPrintable(error));
        MainWindow w(StoreBackend::opener());
        QVERIFY2(w.openProject(file, true), qPrintable(w.lastError()));
        auto* binding = w.findChild<CaptionsBinding*>();
        QVERIFY(binding && binding->captionSelectionAction()->isEnabled());
        DatasetModel* model = w.controller()->datasetModel();
        QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() == 3 && model->rowAt(2), 5000);
        const QList<qint64> ids{model->rowAt(0)->id, model->rowAt(1)->id, model->rowAt(2)->id};

        // Images 0 and 2 selected in the browser (Ctrl-click), image 0 current.
        QListView* view = w.controller()->datasetPanel()->view();
        view->selectionModel()->select(model->index(0), QItemSelectionModel::ClearAndSelect);
        view->selectionModel()->select(model->index(2), QItemSelectionModel::Select);
        QCOMPARE(binding->selection(), (QList<qint64>{ids[0], ids[2]}));

        core::BatchRequest request;
        request.kind = core::BatchRequest::Kind::Caption;
        request.modelFolder = test::goldenDir(QStringLiteral("blip_caption"));
        request.decoding.insert(QStringLiteral("max_new_tokens"), 5);
        QSignalSpy finished(binding, &CaptionsBinding::batchFinished);
        core::JobHandle* job = binding->startBatch(request);
        QVERIFY(job);
        QVERIFY(w.controller()->jobTracker()->jobs().contains(job)); // shown in the Jobs dock
        QVERIFY(finished.wait(120000));
        auto report = finished.takeFirst().at(0).value<core::BatchReport>();
        QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
        QCOMPARE(report.stored, 2);
        QCOMPARE(job->state(), core::JobHandle::State::Succeeded);
        QCOMPARE(job->done(), 2);

        auto project = core::Project::open(file, &error);
        QVERIFY2(project, qPrintable(error));
        const QVector<core::CaptionRow> first = core::captionsOf(*project, ids[0]);
        QCOMPARE(first.size(), 1);
        QCOMPARE(first[0].source, QStringLiteral("model"));
        QVERIFY(first[0].runId);
        QVERIFY(core::captionsOf(*project, ids[1]).isEmpty()); // not selected
        QCOMPARE(core::captionsOf(*project, ids[2]).size(), 1);

        // The browser shows them (its rows were read again).
        QTRY_COMPARE_WITH_TIMEOUT(model->data(model->index(0), DatasetModel::CaptionRole).toString(),
                                  first[0].text, 5000);
        QVERIFY(model->data(model->index(0), Qt::ToolTipRole).toString().contains(first[0].text));
        // And the Captions dock, for the shown image, with the model that made it.
        w.controller()->selectRow(0);
        QTRY_COMPARE_WITH_TIMEOUT(binding->captionEditor()->captionList()->topLevelItemCount(), 1, 5000);
        QCOMPARE(binding->captionEditor()->captionList()->topLevelItem(0)->text(1),
                 QStringLiteral("model · blip_caption"));

        // Again over all three: the two done are skipped, only the third is captioned.
        request.assetIds = ids;
        QVERIFY(binding->startBatch(request));
        QVERIFY(finished.wait(120000));
        report = finished.takeFirst().at(0).value<core::BatchReport>();
        QCOMPARE(report.skipped, 2);
        QCOMPARE(report.stored, 1);
        QCOMPARE(core::captionsOf(*project, ids[0]).size(), 1);
        QCOMPARE(core::captionsOf(*project, ids[1]).size(), 1);

        // Matching the selection stores a match run per image.
        core::BatchRequest match;
        match.kind = core::BatchRequest::Kind::Match;
        match.modelFolder = test::goldenDir(QStringLiteral("clip_match"));
        match.texts = QStringList{QStringLiteral("a photo of a star"), QStringLiteral("a photo of a dog")};
        match.assetIds = {ids[1]};
        QVERIFY(binding->startBatch(match));
        QVERIFY(finished.wait(120000));
        report = finished.takeFirst().at(0).value<core::BatchReport>();
        QCOMPARE(report.stored, 1);
        QCOMPARE(project->runs(ids[1], QStringLiteral("match")).size(), 1);
        QVERIFY(w.grab().save(test::artifactDir() + QStringLiteral("/batch_window.png")));
    }

    void theDialogBuildsTheRequest()
    {
        QString error;
        auto project = core::Project::create(m_dir.filePath(QStringLiteral("dialog.loupe")), &error);
        QVERIFY2(project, qPrintable(error));
        QVERIFY(project->addLabel({0, QStringLiteral("circle"), Qt::red, {}, 0}));
        BatchDialog match(core::BatchRequest::Kind::Match, project.get(), 4);
        QCOMPARE(match.textsField()->toPlainText(), QStringLiteral("a photo of a circle"));
        QVERIFY(!match.problem().isEmpty()); // no model yet
        match.modelField()->setCurrentText(test::goldenDir(QStringLiteral("clip_match")));
        QVERIFY2(match.problem().isEmpty(), qPrintable(match.problem()));
        match.textsField()->setPlainText(QStringLiteral("a red one\n\n  a blue one "));
        QCOMPARE(match.request().texts,
                 (QStringList{QStringLiteral("a red one"), QStringLiteral("a blue one")}));
        match.textsField()->clear();
        QVERIFY(!match.problem().isEmpty());
        match.modelField()->setCurrentText(m_dir.filePath(QStringLiteral("missing")));
        QVERIFY(match.problem().contains(QStringLiteral("missing")));

        BatchDialog caption(core::BatchRequest::Kind::Caption, project.get(), 1);
        caption.modelField()->setCurrentText(test::goldenDir(QStringLiteral("blip_caption")));
        QVERIFY(caption.request().decoding.isEmpty()); // the checkpoint's settings
        caption.maxNewTokensField()->setValue(7);
        caption.beamsField()->setValue(2);
        caption.promptField()->setText(QStringLiteral("a picture of"));
        const core::BatchRequest r = caption.request();
        QCOMPARE(r.decoding.value(QStringLiteral("max_new_tokens")).toInt(), 7);
        QCOMPARE(r.decoding.value(QStringLiteral("num_beams")).toInt(), 2);
        QCOMPARE(r.prompt, QStringLiteral("a picture of"));
        QCOMPARE(r.kind, core::BatchRequest::Kind::Caption);
    }

    void ctrlZUndoesACaptionInTheWindow()
    {
        const QString file = m_dir.filePath(QStringLiteral("undo.loupe"));
        QString error;
        QVERIFY2(makeProject(file, m_dir.path(), &error), qPrintable(error));
        MainWindow w(StoreBackend::opener());
        QVERIFY2(w.openProject(file, true), qPrintable(w.lastError()));
        auto* binding = w.findChild<CaptionsBinding*>();
        QTRY_VERIFY_WITH_TIMEOUT(w.controller()->currentAsset() > 0, 5000);
        const qint64 asset = w.controller()->currentAsset();
        binding->captionsDock()->show();
        binding->captionsDock()->raise();
        w.show();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        CaptionEditor* editor = binding->captionEditor();
        QTRY_COMPARE_WITH_TIMEOUT(editor->asset(), asset, 5000);
        editor->newCaptionField()->setFocus();
        QTest::keyClicks(editor->newCaptionField(), QStringLiteral("a field of stars"));
        QTest::keyClick(editor->newCaptionField(), Qt::Key_Return);
        QCOMPARE(editor->captionList()->topLevelItemCount(), 1);

        QTest::keyClick(editor->captionList(), Qt::Key_Z, Qt::ControlModifier);
        QTRY_COMPARE_WITH_TIMEOUT(editor->captionList()->topLevelItemCount(), 0, 2000);
        QTest::keyClick(editor->captionList(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QTRY_COMPARE_WITH_TIMEOUT(editor->captionList()->topLevelItemCount(), 1, 2000);

        // Tags typed in the dock are undone the same way.
        editor->tagsField()->setFocus();
        editor->tagsField()->setText(QStringLiteral("deep, space"));
        QTest::keyClick(editor->tagsField(), Qt::Key_Return);
        QCOMPARE(editor->tagsField()->text(), QStringLiteral("deep, space"));
        editor->captionList()->setFocus();
        QTest::keyClick(editor->captionList(), Qt::Key_Z, Qt::ControlModifier);
        QTRY_COMPARE_WITH_TIMEOUT(editor->tagsField()->text(), QString(), 2000);
        QVERIFY(w.grab().save(test::artifactDir() + QStringLiteral("/captions_window.png")));
    }
};

QTEST_MAIN(TestDatasetBatch)
#include "tst_dataset_batch.moc"
