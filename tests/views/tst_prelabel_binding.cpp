// SPDX-License-Identifier: MIT
// Annotate > Pre-label Selection… in the real window over a real project, with a fake detector
// registered like a plugin's: the dialog offers the project's model a detector takes, the job runs in
// the Jobs dock, the proposals appear on the canvas without reopening (state New, dashed), the Review
// dock walks them lowest score first, and Y accepts one, which is then drawn solid.
#include "annotation/bridge/projectannotations.h"
#include "annotation/commands/addshapes.h"
#include "common/fakedetector.h"
#include "common/testsupport.h"
#include "core/jobs/jobtracker.h"
#include "core/store/project.h"
#include "views/annotate/annotator.h"
#include "views/annotate/shapelayer.h"
#include "views/annotate/shapescene.h"
#include "views/canvas/imagecanvas.h"
#include "views/mainwindow/annotationbinding.h"
#include "views/mainwindow/mainwindow.h"
#include "views/mainwindow/projectcontroller.h"
#include "views/mainwindow/storebackend.h"
#include "views/prelabel/prelabelbinding.h"
#include "views/prelabel/prelabeldialog.h"
#include "views/review/reviewdock.h"
#include "views/review/reviewsession.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe;
using namespace loupe::views;

namespace {

bool makeProject(const QString& path, const QString& dir, const QString& model, QString* error)
{
    auto p = core::Project::create(path, error);
    if (!p) return false;
    QVector<core::AssetRecord> batch;
    for (int i = 0; i < 2; ++i) {
        core::AssetRecord r;
        r.absolutePath = dir + QStringLiteral("/img_%1.png").arg(i);
        QImage img(320, 240, QImage::Format_RGB32);
        img.fill(QColor::fromHsv(i * 90, 120, 200));
        if (!img.save(r.absolutePath)) return false;
        r.sha256Hex = QString::number(i + 1);
        r.width = img.width();
        r.height = img.height();
        batch << r;
    }
    core::ModelRecord m;
    m.path = model;
    m.name = QStringLiteral("fake squares");
    m.architecture = QStringLiteral("FakeDetector");
    return p->addAssets(batch, error) && p->addLabel({0, QStringLiteral("cat"), Qt::red, {}, 0}, error) &&
           p->registerModel(m, error);
}

} // namespace

class TestPrelabelBinding : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_model;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        qputenv("LOUPE_NO_DIALOGS", "1");
        QVERIFY(m_dir.isValid());
        m_model = m_dir.filePath(QStringLiteral("fake-model"));
        QVERIFY(test::writeFakeCheckpoint(m_model));
        test::FakeDetector::registerIt();
    }

    void proposalsAppearDashedAndYAcceptsOne()
    {
        const QString file = m_dir.filePath(QStringLiteral("prelabel.loupe"));
        QString error;
        QVERIFY2(makeProject(file, m_dir.path(), m_model, &error), qPrintable(error));
        MainWindow w(StoreBackend::opener());
        w.resize(1200, 800);
        w.show();
        QApplication::setActiveWindow(&w);
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QVERIFY2(w.openProject(file, true), qPrintable(w.lastError()));
        auto* binding = w.findChild<PrelabelBinding*>();
        QVERIFY(binding && binding->prelabelAction()->isEnabled());
        QCOMPARE(binding->prelabelAction()->text(), QStringLiteral("&Pre-label Selection…"));
        Annotator* ann = w.annotation()->annotator();
        QTRY_VERIFY_WITH_TIMEOUT(ann->scene()->isEditable(), 20000);
        const qint64 asset = w.controller()->currentAsset();
        QCOMPARE(binding->selection(), QList<qint64>{asset});

        // The dialog lists the registered model a detector takes and asks for nothing more.
        auto* project = qobject_cast<StoreBackend*>(w.controller()->backend())->project();
        PrelabelDialog dialog(project, 1);
        QCOMPARE(dialog.modelField()->currentText(), QStringLiteral("fake squares"));
        QVERIFY2(dialog.problem().isEmpty(), qPrintable(dialog.problem()));
        dialog.thresholdField()->setValue(0.6);
        annotation::PrelabelRequest request = dialog.request();
        QCOMPARE(request.modelFolder, m_model);
        QVERIFY(request.labellerFolder.isEmpty());
        QCOMPARE(request.threshold, 0.6);
        dialog.modelField()->setCurrentText(m_dir.filePath(QStringLiteral("nowhere")));
        QVERIFY(dialog.problem().contains(QStringLiteral("nowhere")));

        QSignalSpy finished(binding, &PrelabelBinding::prelabelFinished);
        core::JobHandle* job = binding->startPrelabel(request);
        QVERIFY(job);
        QVERIFY(w.controller()->jobTracker()->jobs().contains(job)); // shown in the Jobs dock
        QVERIFY(finished.wait(30000));
        QCOMPARE(job->state(), core::JobHandle::State::Succeeded);
        QCOMPARE(job->done(), 1);

        // On the canvas without reopening: the cat's polygon and the unlabelled box, both proposals.
        QTRY_COMPARE_WITH_TIMEOUT(ann->scene()->shapeCount(), 2, 5000);
        annotation::AnnotationDocument* doc = w.annotation()->projectAnnotations()->document();
        const std::vector<annotation::Shape> shapes = doc->shapes(asset);
        QCOMPARE(shapes.size(), size_t(2));
        for (const annotation::Shape& s : shapes) {
            QCOMPARE(s.source, annotation::ShapeSource::Model);
            QCOMPARE(s.review, annotation::ReviewState::New);
            QVERIFY(s.runId > 0);
            QCOMPARE(outlineStyle(s), Qt::DashLine);
        }
        QVERIFY(w.grab().save(test::artifactDir() + QStringLiteral("/prelabel_window.png")));
        const qint64 low = shapes[0].score < shapes[1].score ? shapes[0].id : shapes[1].id;
        const qint64 high = low == shapes[0].id ? shapes[1].id : shapes[0].id;
        // Hovered, each says what it is and how sure the model was.
        QCOMPARE(shapeCaption(*doc->shape(low), ann->scene()->label(doc->shape(low)->labelId)),
                 QStringLiteral("(no label) 0.70"));
        QCOMPARE(shapeCaption(*doc->shape(high), ann->scene()->label(doc->shape(high)->labelId)),
                 QStringLiteral("cat 0.90"));

        // A shape drawn by hand is not a proposal: "Model proposals" leaves it out of the queue.
        annotation::Shape manual;
        manual.imageId = asset;
        manual.labelId = doc->shape(high)->labelId;
        manual.geometry = annotation::RectangleGeom{QRectF(100, 100, 30, 30)};
        auto* add = new annotation::AddShapes(*doc, {manual});
        w.annotation()->projectAnnotations()->undoStack()->push(add);
        ReviewDock* dock = w.annotation()->reviewDock();
        QTRY_COMPARE(dock->session()->queue().size(), size_t(3));
        auto* show = dock->findChild<QComboBox*>(QStringLiteral("reviewShow"));
        show->setCurrentIndex(show->findText(QStringLiteral("Model proposals")));
        QCOMPARE(dock->session()->queue(), (std::vector<qint64>{low, high}));

        // The Review dock walks them lowest score first; Y accepts, and the accepted one is solid.
        QTRY_COMPARE(dock->session()->currentShape(), low);
        w.canvas()->setFocus();
        QTest::keyClick(w.canvas(), Qt::Key_Y);
        QCOMPARE(doc->shape(low)->review, annotation::ReviewState::Accepted);
        QCOMPARE(outlineStyle(*doc->shape(low)), Qt::SolidLine);
        QCOMPARE(outlineStyle(*doc->shape(high)), Qt::DashLine);
        QCOMPARE(dock->session()->currentShape(), high);

        // Again: the image is done with these settings and is skipped.
        QVERIFY(binding->startPrelabel(request));
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.last().at(0).value<annotation::PrelabelReport>().skipped, 1);
        QCOMPARE(doc->shapes(asset).size(), size_t(3));
    }
};

QTEST_MAIN(TestPrelabelBinding)
#include "tst_prelabel_binding.moc"
