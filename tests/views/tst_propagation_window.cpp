// SPDX-License-Identifier: MIT
// Propagation in the real window: Annotate > Propagate to Next Frames… and Interpolate Boxes Between
// Keyframes are there once a frame is shown; a run goes through the Jobs dock's tracker and lands as
// one undo step of the window's stack.
#include "annotation/bridge/projectannotations.h"
#include "annotation/commands/addshapes.h"
#include "annotation/propagation/frameorder.h"
#include "common/movingsquare.h"
#include "core/jobs/jobtracker.h"
#include "core/store/project.h"
#include "views/annotate/annotator.h"
#include "views/canvas/imagecanvas.h"
#include "views/mainwindow/annotationbinding.h"
#include "views/mainwindow/mainwindow.h"
#include "views/mainwindow/projectcontroller.h"
#include "views/mainwindow/storebackend.h"
#include "views/propagation/propagatedialog.h"
#include "views/propagation/propagationbinding.h"

#include <QAction>
#include <QComboBox>
#include <QMenu>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe;
using namespace loupe::views;
using loupe::test::MovingSquare;

class TestPropagationWindow : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_project;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        qputenv("LOUPE_NO_DIALOGS", "1");
        const QStringList paths = MovingSquare::write(m_dir.filePath(QStringLiteral("frames")));
        QCOMPARE(paths.size(), 10);
        m_project = m_dir.filePath(QStringLiteral("p.loupe"));
        QString error;
        auto p = core::Project::create(m_project, &error);
        QVERIFY2(p, qPrintable(error));
        QVector<core::AssetRecord> records;
        for (int i = 0; i < paths.size(); ++i) {
            core::AssetRecord r;
            r.absolutePath = paths[i];
            r.sha256Hex = QString::number(i);
            r.width = MovingSquare::kWidth;
            r.height = MovingSquare::kHeight;
            records.push_back(r);
        }
        QVERIFY2(p->addAssets(records, &error), qPrintable(error));
        QVERIFY2(p->addLabel({0, QStringLiteral("square"), Qt::yellow, {}, 0}, &error), qPrintable(error));
    }

    void dialogOffersOnlyOpenCvWithoutSam()
    {
        PropagateDialog dialog(QStringLiteral("the 1 selected shape"), QString());
        auto* model = qobject_cast<QStandardItemModel*>(dialog.trackerField()->model());
        QVERIFY(model);
        QVERIFY(!model->item(0)->isEnabled());
        QCOMPARE(dialog.tracker(), annotation::BoxTrackerKind::OpenCv);
    }

    void propagateFromTheWindowIsOneUndoStep()
    {
        if (!core::openCvTrackerAvailable()) QSKIP("built without OpenCV video");
        MainWindow w(StoreBackend::opener());
        w.resize(1200, 800);
        w.show();
        QVERIFY2(w.openProject(m_project, true), qPrintable(w.lastError()));
        auto* binding = w.findChild<PropagationBinding*>();
        QVERIFY(binding);
        QVERIFY(w.annotation()->annotator()->menu()->actions().contains(binding->propagateAction()));
        QVERIFY(w.annotation()->annotator()->menu()->actions().contains(binding->interpolateAction()));

        annotation::ProjectAnnotations* pa = w.annotation()->projectAnnotations();
        QVERIFY(pa);
        const std::vector<annotation::Frame> frames =
            annotation::ProjectFrameOrder(pa->project())
                .sequenceOf(pa->project().assetPage({}, 0, 1).at(0).id);
        QCOMPARE(int(frames.size()), 10);
        ProjectController* c = w.controller();
        QTRY_VERIFY_WITH_TIMEOUT(c->currentAsset() > 0, 20000); // the browser fills after opening
        for (int i = 0; i < 10 && c->currentAsset() != frames[0].id; ++i) {
            const qint64 before = c->currentAsset();
            c->selectRow(i);
            QTRY_VERIFY(c->currentAsset() != before || i == 0);
        }
        QTRY_COMPARE(c->currentAsset(), frames[0].id);
        QVERIFY(binding->propagateAction()->isEnabled());

        annotation::AnnotationDocument& doc = *pa->document();
        annotation::Shape s;
        s.imageId = frames[0].id;
        s.labelId = pa->project().labels().at(0).id;
        s.geometry = annotation::RectangleGeom{MovingSquare::squareAt(0)};
        doc.undoStack()->push(new annotation::AddShapes(doc, {s}));
        const int steps = doc.undoStack()->count();

        core::JobHandle* job = binding->startPropagation(3, annotation::BoxTrackerKind::OpenCv);
        QVERIFY(job);
        QVERIFY(c->jobTracker()->jobs().contains(job));
        QSignalSpy done(job, &core::JobHandle::finished);
        QVERIFY(done.wait(60000));
        QCOMPARE(job->state(), core::JobHandle::State::Succeeded);
        QCOMPARE(doc.undoStack()->count(), steps + 1);
        for (int i = 1; i <= 3; ++i)
            QCOMPARE(int(doc.shapes(frames[size_t(i)].id).size()), 1);
        QVERIFY(doc.shapes(frames[4].id).empty());
        doc.undoStack()->undo();
        for (int i = 1; i <= 3; ++i)
            QVERIFY(doc.shapes(frames[size_t(i)].id).empty());
    }
};

QTEST_MAIN(TestPropagationWindow)
#include "tst_propagation_window.moc"
