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

#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe;
using namespace loupe::views;

class TestSamBinding : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        qputenv("LOUPE_NO_DIALOGS", "1");
        qputenv("LOUPE_MODELS_DIR", QByteArray(LOUPE_TEST_DATA) + "/../../resources/models");
        QVERIFY(m_dir.isValid());
    }

    void projectWithoutSamUsesGrabCut()
    {
        const QString path = sample(QStringLiteral("plain"));
        MainWindow w(StoreBackend::opener());
        QVERIFY2(w.openProject(path, true), qPrintable(w.lastError()));
        SamTool* sam = samTool(w);
        QVERIFY(sam);
        QCOMPARE(sam->engineText(), QStringLiteral("GrabCut (fallback: no SAM model)"));
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
        QCOMPARE(sam->engineText(), QStringLiteral("SAM"));
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
