// SPDX-License-Identifier: MIT
// The Caption and Ask docks in the main window: tabbed with Classify, listed under View > Panels, shown by
// View > Caption (Ctrl+Shift+C) and View > Ask (Ctrl+Shift+K), and following the project's current
// image; their word maps stay off the canvas while the docks are hidden.
#include "core/samples/createsampleproject.h"
#include "views/ask/askpanel.h"
#include "views/canvas/imagecanvas.h"
#include "views/caption/captionpanel.h"
#include "views/explain/heatmaplayer.h"
#include "views/mainwindow/mainwindow.h"
#include "views/mainwindow/storebackend.h"
#include "views/match/matchpanel.h"
#include "views/models/modelspanel.h"
#include "views/text/tokeninspector.h"
#include "window_test_env.h"

#include <QAction>
#include <QDockWidget>
#include <QListWidget>
#include <QMenu>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe;
using namespace loupe::views;

class TestCaptionDocks : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        window_test::isolateSettingsAndDialogs();
        qputenv("LOUPE_MODELS_DIR", QByteArray(LOUPE_TEST_DATA) + "/../../resources/models");
        QVERIFY(m_dir.isValid());
        QString error;
        m_project = core::createSampleProject(m_dir.filePath(QStringLiteral("sample")), &error);
        QVERIFY2(!m_project.isEmpty(), qPrintable(error));
    }

    void docksShowAndFollowTheImage()
    {
        MainWindow w(StoreBackend::opener());
        w.resize(1280, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto* caption = w.findChild<CaptionPanel*>();
        auto* ask = w.findChild<AskPanel*>();
        QVERIFY(caption && ask);
        QCOMPARE(w.captionDock()->widget(), caption);
        QCOMPARE(w.askDock()->widget(), ask);
        auto* classify = w.findChild<QDockWidget*>(QStringLiteral("ClassifyDock"));
        QVERIFY(classify);
        QVERIFY(w.tabifiedDockWidgets(classify).contains(w.captionDock()));
        QVERIFY(w.tabifiedDockWidgets(classify).contains(w.askDock()));
        QVERIFY(!caption->inspector()->layer()->isVisible());
        QVERIFY(w.canvas()->layers().contains(caption->inspector()->layer()));
        QVERIFY(w.canvas()->layers().contains(ask->inspector()->layer()));

        QVERIFY2(w.openProject(m_project, true), qPrintable(w.lastError()));
        QTRY_VERIFY(!w.canvas()->imagePath().isEmpty());
        QCOMPARE(caption->imagePath(), w.canvas()->imagePath());
        QCOMPARE(ask->imagePath(), w.canvas()->imagePath());

        for (const auto& [name, key, dock] : {std::tuple{"showCaption", "Ctrl+Shift+C", w.captionDock()},
                                              {"showAsk", "Ctrl+Shift+K", w.askDock()}}) {
            QAction* show = w.findChild<QAction*>(QString::fromLatin1(name));
            QVERIFY(show);
            QCOMPARE(show->shortcut(), QKeySequence(QString::fromLatin1(key)));
            bool listed = false;
            for (QMenu* m : w.findChildren<QMenu*>())
                if (m->title() == QStringLiteral("&Panels"))
                    listed = listed || m->actions().contains(dock->toggleViewAction());
            QVERIFY(listed);
            show->trigger();
            QTRY_VERIFY(dock->isVisible());
        }
        QCOMPARE(w.size(), QSize(1280, 800)); // the docks' minimum sizes fit a laptop window
    }

    // On a fresh sample project each text panel starts with the shipped model it can run, and picking a
    // model another panel runs (the classifier, for Explain) in the Models dock leaves them as they are.
    void panelsStartWithTheModelTheyRun()
    {
        MainWindow w(StoreBackend::opener());
        QVERIFY2(w.openProject(m_project, true), qPrintable(w.lastError()));
        auto* caption = w.findChild<CaptionPanel*>();
        auto* ask = w.findChild<AskPanel*>();
        auto* match = w.findChild<MatchPanel*>();
        auto* models = w.findChild<ModelsPanel*>();
        QVERIFY(caption && ask && match && models);
        QVERIFY2(caption->modelFolder().endsWith(QStringLiteral("shapes-captioner")),
                 qPrintable(caption->modelFolder()));
        QVERIFY2(ask->modelFolder().endsWith(QStringLiteral("shapes-vqa")), qPrintable(ask->modelFolder()));
        QVERIFY2(match->modelFolder().endsWith(QStringLiteral("shapes-clip")),
                 qPrintable(match->modelFolder()));
        QString classifier;
        for (int i = 0; i < models->list()->count(); ++i)
            if (models->list()->item(i)->text().contains(QStringLiteral("shapes-vit"))) {
                models->list()->setCurrentRow(i);
                classifier = models->selectedFolder();
            }
        QVERIFY(classifier.endsWith(QStringLiteral("shapes-vit")));
        QVERIFY(caption->modelFolder().endsWith(QStringLiteral("shapes-captioner")));
        QVERIFY(ask->modelFolder().endsWith(QStringLiteral("shapes-vqa")));
        QVERIFY(match->modelFolder().endsWith(QStringLiteral("shapes-clip")));
        // A model a panel runs does reach it.
        caption->setModelFolder({});
        for (int i = 0; i < models->list()->count(); ++i)
            if (models->list()->item(i)->text().contains(QStringLiteral("shapes-captioner")))
                models->list()->setCurrentRow(i);
        QVERIFY2(caption->modelFolder().endsWith(QStringLiteral("shapes-captioner")),
                 qPrintable(caption->modelFolder()));
    }

private:
    QTemporaryDir m_dir;
    QString m_project;
};

QTEST_MAIN(TestCaptionDocks)
#include "tst_caption_panel_docks.moc"
