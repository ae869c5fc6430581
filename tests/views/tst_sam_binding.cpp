// SPDX-License-Identifier: MIT
// The main window hands the click-to-mask tool the project's SAM model when a project opens (GrabCut
// without one), and embeds the browser's next images ahead while one is shown.
#include "core/samples/createsampleproject.h"
#include "core/store/project.h"
#include "views/annotate/annotator.h"
#include "views/annotate/samtool.h"
#include "views/annotate/shapescene.h"
#include "views/canvas/imagecanvas.h"
#include "views/mainwindow/mainwindow.h"
#include "views/mainwindow/storebackend.h"
#include "window_test_env.h"

#include <QAction>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>

using namespace loupe;
using namespace loupe::views;

class TestSamBinding : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        window_test::isolateSettingsAndDialogs();
        qputenv("LOUPE_MODELS_DIR", QByteArray(LOUPE_TEST_DATA) + "/../../resources/models");
        QVERIFY(m_dir.isValid());
    }

    void projectWithoutSamUsesGrabCut()
    {
        // A project of its own: the sample project registers the bundled SAM model.
        const QString path = m_dir.filePath(QStringLiteral("plain.loupe"));
        {
            QString error;
            QVERIFY2(core::Project::create(path, &error), qPrintable(error));
        }
        MainWindow w(StoreBackend::opener());
        QVERIFY2(w.openProject(path, true), qPrintable(w.lastError()));
        SamTool* sam = samTool(w);
        QVERIFY(sam);
        QVERIFY(!sam->isLoadingModel()); // nothing to load
        QCOMPARE(sam->engineText(), QStringLiteral("GrabCut (fallback: no SAM model)"));
    }

    void annotateMenuTightensABoxAndTheOptionsShowWithTheTool()
    {
        const QString path = sample(QStringLiteral("menu"));
        MainWindow w(StoreBackend::opener());
        w.show();
        QVERIFY2(w.openProject(path, true), qPrintable(w.lastError()));
        SamTool* sam = samTool(w);
        QVERIFY(sam);
        QAction* tighten = w.findChild<QAction*>(QStringLiteral("tightenBox"));
        QVERIFY(tighten);
        QVERIFY(!tighten->isEnabled()); // no box
        QTRY_VERIFY(!sam->scene()->imageSize().isEmpty());
        Annotator* annotator = w.findChildren<Annotator*>().value(0);
        QVERIFY(annotator);
        annotation::Shape box;
        box.labelId = sam->scene()->labels().empty() ? 0 : sam->scene()->labels().front().id;
        box.geometry = annotation::RectangleGeom{QRectF(2, 2, 20, 20)};
        QVERIFY(sam->scene()->addShapes({box}, true));
        QCOMPARE(sam->scene()->selection().size(), 1);
        QVERIFY(tighten->isEnabled()); // a rectangle is selected
        sam->scene()->setSelection({});
        QVERIFY(!tighten->isEnabled());
        auto* options = w.findChild<QToolBar*>(QStringLiteral("SamOptionsToolBar"));
        QVERIFY(options);
        QVERIFY(options->isHidden());
        annotator->activateTool(QStringLiteral("toolSam"));
        QVERIFY(!options->isHidden());
        annotator->activateTool(QStringLiteral("toolSelect"));
        QVERIFY(options->isHidden());
    }

    void projectSamModelIsUsedAndNextImagesPrefetched()
    {
        const QString path = sample(QStringLiteral("with-sam"));
        {
            QString error;
            auto project = core::Project::open(path, &error);
            QVERIFY2(project, qPrintable(error));
            core::ModelRecord m;
            m.path = QStringLiteral(LOUPE_TEST_DATA "/golden/sam_segment");
            m.name = QStringLiteral("sam_segment");
            m.architecture = QStringLiteral("SamModel");
            QVERIFY2(project->registerModel(m, &error), qPrintable(error));
        }
        MainWindow w(StoreBackend::opener());
        w.resize(1280, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY2(w.openProject(path, true), qPrintable(w.lastError()));
        SamTool* sam = samTool(w);
        QVERIFY(sam);
        // Loaded on a worker: the window is up before the model is.
        QTRY_COMPARE_WITH_TIMEOUT(sam->engineText(), QStringLiteral("SAM"), 20000);
        QTRY_VERIFY(!w.canvas()->imagePath().isEmpty());
        // The images after the shown one are embedded in the background.
        QTRY_VERIFY_WITH_TIMEOUT(sam->segmenter()->embedCount() >= 1, 60000);
    }

private:
    QString sample(const QString& name)
    {
        QString error;
        const QString path = core::createSampleProject(m_dir.filePath(name), &error);
        if (path.isEmpty()) qWarning("%s", qPrintable(error));
        return path;
    }
    static SamTool* samTool(MainWindow& w)
    {
        for (Annotator* a : w.findChildren<Annotator*>())
            if (auto* t = qobject_cast<SamTool*>(a->tool(QStringLiteral("toolSam")))) return t;
        return nullptr;
    }

    QTemporaryDir m_dir;
};

QTEST_MAIN(TestSamBinding)
#include "tst_sam_binding.moc"
