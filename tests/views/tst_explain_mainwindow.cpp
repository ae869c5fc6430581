// SPDX-License-Identifier: MIT
// The Explain dock inside the real main window over the sample project: View > Explain (Ctrl+E) brings
// it up, it runs the registered shapes ViT only once visible, draws its map as a canvas layer, follows
// the current image, and reports the value under the cursor in the status bar.
#include "core/samples/createsampleproject.h"
#include "views/canvas/canvasstatus.h"
#include "views/canvas/imagecanvas.h"
#include "views/dataset/datasetmodel.h"
#include "views/explain/explainpanel.h"
#include "views/explain/heatmaplayer.h"
#include "views/mainwindow/mainwindow.h"
#include "views/mainwindow/projectcontroller.h"
#include "views/mainwindow/storebackend.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QMenu>
#include <QMouseEvent>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe;
using namespace loupe::views;

class TestExplainMainWindow : public QObject
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
        qputenv("LOUPE_MODELS_DIR", QByteArray(LOUPE_TEST_DATA) + "/../../resources/models");
        QVERIFY(m_dir.isValid());
        QString error;
        m_project = core::createSampleProject(m_dir.filePath(QStringLiteral("sample")), &error);
        QVERIFY2(!m_project.isEmpty(), qPrintable(error));
    }

    void dockFollowsTheCurrentImage()
    {
        MainWindow w(StoreBackend::opener());
        w.resize(1280, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        ExplainPanel* panel = w.explainPanel();
        QVERIFY(panel);
        QVERIFY(w.canvas()->layers().contains(panel->layer()));
        QVERIFY2(w.openProject(m_project, true), qPrintable(w.lastError()));
        QTRY_VERIFY(!w.canvas()->imagePath().isEmpty());
        // Tabbed behind Info: nothing runs yet.
        QVERIFY(!panel->isRunning());
        QVERIFY(!panel->isReady());

        QAction* show = w.findChild<QAction*>(QStringLiteral("showExplain"));
        QVERIFY(show);
        QCOMPARE(show->shortcut(), QKeySequence(QStringLiteral("Ctrl+E")));
        bool listed = false; // View > Panels toggles it like the other docks
        for (QMenu* m : w.findChildren<QMenu*>())
            if (m->title() == QStringLiteral("&Panels"))
                listed = listed || m->actions().contains(w.explainDock()->toggleViewAction());
        QVERIFY(listed);
        show->trigger();
        QTRY_VERIFY(w.explainDock()->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(panel->isReady(), 30000);
        QTRY_VERIFY(panel->layer()->hasMap());
        QCOMPARE(panel->shown().params.method, QStringLiteral("rollout"));
        const std::vector<float> first = panel->shown().grid;

        // The next image: the panel follows it with its own forward and map.
        QSignalSpy ready(panel, &ExplainPanel::ready);
        w.controller()->selectRow(1);
        QTRY_COMPARE(w.canvas()->imagePath(), w.controller()->datasetModel()->rowAt(1)->absolutePath);
        QVERIFY(ready.count() > 0 || ready.wait(30000));
        QTRY_VERIFY(panel->layer()->hasMap());
        QVERIFY(panel->shown().grid != first);

        // Hovering the map puts its value in the status bar.
        w.canvas()->fitToWindow();
        const QPointF centre = w.canvas()->view().imageToWidget(
            QPointF(w.canvas()->imageSize().width() / 2.0, w.canvas()->imageSize().height() / 2.0));
        QMouseEvent move(QEvent::MouseMove, centre, w.canvas()->mapToGlobal(centre), Qt::NoButton,
                         Qt::NoButton, Qt::NoModifier);
        QApplication::sendEvent(w.canvas(), &move);
        auto* status = w.findChild<CanvasStatus*>();
        QVERIFY(status);
        QVERIFY2(status->hintText().startsWith(QStringLiteral("Attention rollout = ")),
                 qPrintable(status->hintText()));
    }
};

QTEST_MAIN(TestExplainMainWindow)
#include "tst_explain_mainwindow.moc"
