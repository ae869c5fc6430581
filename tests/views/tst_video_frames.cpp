// SPDX-License-Identifier: MIT
// A video in the window: imported as frames (File > Import Video…'s path, every Nth frame), the browser
// names each frame's number, Alt+Right / Alt+Left step through the video on the canvas and the status
// bar says where in it the shown frame is.
#include "common/testsupport.h"
#include "core/import/videoimport.h"
#include "core/import/videotestclip.h"
#include "core/store/project.h"
#include "views/canvas/canvasstatus.h"
#include "views/canvas/imagecanvas.h"
#include "views/dataset/datasetmodel.h"
#include "views/mainwindow/mainwindow.h"
#include "views/mainwindow/projectcontroller.h"
#include "views/mainwindow/storebackend.h"
#include "views/video/videobinding.h"

#include <QAction>
#include <QDir>
#include <QDockWidget>
#include <QImage>
#include <QLabel>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe;
using namespace loupe::views;

namespace {

// The window's parts that frame stepping uses, as MainWindow puts them together.
struct Window
{
    QMainWindow window;
    ImageCanvas* canvas = new ImageCanvas(&window);
    CanvasStatus* status = new CanvasStatus(canvas, &window);
    ProjectController* controller = new ProjectController(canvas, StoreBackend::opener(), &window);
    VideoBinding* video = nullptr;

    Window()
    {
        window.setCentralWidget(canvas);
        window.statusBar()->addPermanentWidget(status, 1);
        auto* dock = new QDockWidget(QStringLiteral("Dataset"), &window);
        dock->setWidget(controller->createDatasetPanel(&window));
        window.addDockWidget(Qt::LeftDockWidgetArea, dock);
        video = new VideoBinding(&window, controller, status);
        video->install();
        window.resize(800, 600);
    }
    ~Window() { controller->closeProject(); }
    core::Project* project() const { return qobject_cast<StoreBackend*>(controller->backend())->project(); }
    qint64 frameId(qint64 frame) const
    {
        for (const core::SequenceFrame& f :
             project()->sequenceFrames(core::SequenceKey{QStringLiteral("clip"), {}}))
            if (f.frame == frame) return f.assetId;
        return -1;
    }
};

} // namespace

class TestVideoFrames : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        if (!core::hasVideoSupport()) QSKIP("this build has no video support (OpenCV videoio)");
    }

    void stepsThroughAnImportedVideo()
    {
        const QString path = m_dir.filePath(QStringLiteral("frames.loupe"));
        const QString clip = m_dir.filePath(QStringLiteral("clip.avi"));
        QString error;
        QVERIFY2(core::writeTestVideo(clip, 12, QSize(64, 48), 10, &error), qPrintable(error));
        QVERIFY2(core::Project::create(path, &error), qPrintable(error));

        Window w;
        QMenu* file = w.window.menuBar()->actions().value(0)->menu();
        QVERIFY(file && file->actions().contains(w.video->importAction()));
        QCOMPARE(w.video->nextFrameAction()->shortcut(), QKeySequence(QStringLiteral("Alt+Right")));
        QVERIFY2(w.controller->openProject(path, &error), qPrintable(error));
        auto* store = qobject_cast<StoreBackend*>(w.controller->backend());
        QVERIFY(store);
        // What File > Import Video… does once the file and the stride are chosen.
        QSignalSpy finished(store, &StoreBackend::importFinished);
        w.controller->importVideo(clip, 1);
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.first().at(0).toInt(), 12);

        DatasetModel* model = w.controller->datasetModel();
        QTRY_COMPARE(model->rowCount(), 12);
        QTRY_VERIFY(model->rowAt(11) != nullptr);
        for (int row = 0; row < 12; ++row) // the browser lists the frames in order
            QCOMPARE(model->index(row).data(DatasetModel::FrameRole).toLongLong(), qint64(row));
        QCOMPARE(model->index(3).data(Qt::DisplayRole).toString(), QStringLiteral("clip · frame 3"));
        QVERIFY(
            model->index(3).data(Qt::ToolTipRole).toString().startsWith(QLatin1String("frame 3 of clip")));

        w.window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w.window));
        w.controller->selectRow(0);
        QTRY_COMPARE(w.controller->currentAsset(), w.frameId(0));
        QCOMPARE(w.status->frameText(), QStringLiteral("frame 0 · 1 / 12"));
        QVERIFY(w.status->frameLabel()->isVisible());

        QTest::keyClick(&w.window, Qt::Key_Right, Qt::AltModifier);
        QTRY_COMPARE(w.controller->currentAsset(), w.frameId(1));
        QCOMPARE(w.status->frameText(), QStringLiteral("frame 1 · 2 / 12"));
        QTRY_VERIFY(w.canvas->imagePath().endsWith(QLatin1String("frames/clip/frame_000001.png")));
        QTest::keyClick(&w.window, Qt::Key_Right, Qt::AltModifier);
        QTRY_COMPARE(w.controller->currentAsset(), w.frameId(2));
        QTest::keyClick(&w.window, Qt::Key_Left, Qt::AltModifier);
        QTRY_COMPARE(w.controller->currentAsset(), w.frameId(1));

        // The ends stop the stepping and say so.
        QSignalSpy messages(w.video, &VideoBinding::message);
        QVERIFY(w.video->stepFrame(-1));
        QVERIFY(!w.video->stepFrame(-1));
        QCOMPARE(w.controller->currentAsset(), w.frameId(0));
        QCOMPARE(messages.last().first().toString(), QStringLiteral("First frame of the sequence"));
        QVERIFY(w.video->stepFrame(11));
        QCOMPARE(w.status->frameText(), QStringLiteral("frame 11 · 12 / 12"));
        QVERIFY(!w.video->stepFrame(1));
    }

    // In the whole window the frame keys reach the binding: no other action there takes Alt+Right or
    // Alt+Left (an ambiguous shortcut would fire neither).
    void mainWindowStepsFrames()
    {
        const QString path = m_dir.filePath(QStringLiteral("main.loupe"));
        const QString clip = m_dir.filePath(QStringLiteral("clip.avi"));
        QString error;
        if (!QFile::exists(clip)) QVERIFY(core::writeTestVideo(clip, 12, QSize(64, 48), 10, &error));
        {
            auto p = core::Project::create(path, &error);
            QVERIFY2(p, qPrintable(error));
            core::VideoImportOptions every3;
            every3.stride = 3;
            QCOMPARE(core::importVideo(*p, clip, every3).added, 4);
        }
        MainWindow w(StoreBackend::opener());
        QVERIFY(w.findChild<VideoBinding*>());
        QVERIFY2(w.openProject(path, true), qPrintable(w.lastError()));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QTRY_VERIFY(w.controller()->currentAsset() > 0);
        QCOMPARE(w.canvasStatus()->frameText(), QStringLiteral("frame 0 · 1 / 4"));
        QTest::keyClick(&w, Qt::Key_Right, Qt::AltModifier);
        QTRY_COMPARE(w.canvasStatus()->frameText(), QStringLiteral("frame 3 · 2 / 4"));
        QTest::keyClick(&w, Qt::Key_Right, Qt::AltModifier);
        QTRY_COMPARE(w.canvasStatus()->frameText(), QStringLiteral("frame 6 · 3 / 4"));
        QTest::qWait(1500); // thumbnails and the frame decode off the UI thread
        QVERIFY(w.grab().save(test::artifactDir() + QStringLiteral("/video_frames_window.png")));
        QTest::keyClick(&w, Qt::Key_Left, Qt::AltModifier);
        QTRY_COMPARE(w.canvasStatus()->frameText(), QStringLiteral("frame 3 · 2 / 4"));
    }

    // Every Nth frame through the window's import; a lone image shows no frame readout.
    void importsEveryNthFrameAndHidesTheReadoutForImages()
    {
        const QString path = m_dir.filePath(QStringLiteral("stride.loupe"));
        const QString clip = m_dir.filePath(QStringLiteral("clip.avi"));
        QString error;
        if (!QFile::exists(clip)) QVERIFY(core::writeTestVideo(clip, 12, QSize(64, 48), 10, &error));
        const QString lone = m_dir.filePath(QStringLiteral("lone/one.png"));
        QDir().mkpath(QFileInfo(lone).absolutePath());
        QImage image(16, 16, QImage::Format_RGB32);
        image.fill(Qt::blue);
        QVERIFY(image.save(lone));
        QVERIFY2(core::Project::create(path, &error), qPrintable(error));

        Window w;
        QVERIFY2(w.controller->openProject(path, &error), qPrintable(error));
        auto* store = qobject_cast<StoreBackend*>(w.controller->backend());
        QSignalSpy finished(store, &StoreBackend::importFinished);
        w.controller->importVideo(clip, 4);
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.last().at(0).toInt(), 3); // frames 0, 4, 8
        w.controller->importPaths({lone});
        QVERIFY(finished.wait(30000));
        DatasetModel* model = w.controller->datasetModel();
        QTRY_COMPARE(model->rowCount(), 4);
        QTRY_VERIFY(model->rowAt(3) != nullptr);
        QCOMPARE(model->index(1).data(Qt::DisplayRole).toString(), QStringLiteral("clip · frame 4"));
        QCOMPARE(model->index(3).data(DatasetModel::FrameRole).toLongLong(), qint64(-1));
        QCOMPARE(model->index(3).data(Qt::DisplayRole).toString(), QStringLiteral("one.png"));

        w.controller->selectRow(1);
        QTRY_COMPARE(w.controller->currentAsset(), w.frameId(4));
        QCOMPARE(w.status->frameText(), QStringLiteral("frame 4 · 2 / 3"));
        // More frames of the video arriving update the count without moving.
        w.controller->importVideo(clip, 2);
        QVERIFY(finished.wait(30000));
        QTRY_COMPARE(w.status->frameText(), QStringLiteral("frame 4 · 3 / 6"));
        QVERIFY(w.video->stepFrame(1));
        QCOMPARE(w.controller->currentAsset(), w.frameId(6));
        // The browser keeps the video's frames together in frame order, the image after them.
        QTRY_COMPARE(model->rowCount(), 7);
        QTRY_VERIFY(model->rowAt(6) != nullptr);
        for (int row = 0; row < 6; ++row)
            QCOMPARE(model->index(row).data(DatasetModel::FrameRole).toLongLong(), qint64(2 * row));
        QCOMPARE(model->index(6).data(DatasetModel::FrameRole).toLongLong(), qint64(-1));
        w.controller->selectRow(6);
        QTRY_COMPARE(w.controller->currentAsset(),
                     model->index(6).data(DatasetModel::AssetIdRole).toLongLong());
        QVERIFY(w.status->frameText().isEmpty());
        QVERIFY(!w.status->frameLabel()->isVisibleTo(&w.window));
        QVERIFY(!w.video->stepFrame(1)); // a folder of one
    }
};

QTEST_MAIN(TestVideoFrames)
#include "tst_video_frames.moc"
