// SPDX-License-Identifier: MIT
// The Engine Profiler dock: after a classification with the shipped shapes classifier it shows that
// run's ops (per-op and per-layer tables and the timeline naming the ViT's nodes) and device memory, with
// tables of their own for a run on Vulkan (lavapipe) beside one on the CPU; it
// records nothing and creates no view while hidden; a run on Vulkan shows its device worker's queue
// depth and its wait in the queue; the Qt-table fallback sorts by a clicked column; the
// main window's View > Engine Profiler (Ctrl+Shift+P) shows it. Screenshots go to the artifact folder.
//
// Under the offscreen platform there is usually no OpenGL, so the dock shows its Qt tables and says why;
// under a real X server (xvfb-run, QT_QPA_PLATFORM=xcb) it draws with Dear ImGui, which imguiUnderXvfb
// checks in a child process. The view used is printed, and LOUPE_EXPECT_PROFILER_VIEW=imgui makes the
// ImGui path mandatory.
#include "common/testsupport.h"
#include "compute/backend/profiler.h"
#include "compute/engine_options.h"
#include "core/inference/classifier.h"
#include "views/mainwindow/mainwindow.h"
#include "views/profiler/profilerdock.h"
#include "views/profiler/profilertext.h"
#include "views/profiler/profilerview.h"
#include "window_test_env.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QGuiApplication>
#include <QHeaderView>
#include <QLabel>
#include <QOpenGLWidget>
#include <QPainter>
#include <QProcess>
#include <QSet>
#include <QSettings>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTest>
#include <map>

using namespace loupe;
using namespace loupe::views;

namespace {

QString shapesClassifier()
{
    return QDir(QStringLiteral(LOUPE_TEST_DATA "/../../resources/models/shapes-vit")).canonicalPath();
}

// A red disc on grey: one of the shapes world's pictures.
QImage disc()
{
    QImage img(96, 96, QImage::Format_RGB32);
    img.fill(QColor(128, 128, 128));
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    p.setBrush(Qt::red);
    p.setPen(Qt::NoPen);
    p.drawEllipse(QPointF(48, 48), 28, 28);
    return img;
}

// Returns the backend that ran it.
std::string classifyOnce(compute::BackendChoice backend = compute::BackendChoice::Cpu)
{
    QString error;
    compute::EngineOptions options;
    options.backend = backend;
    const auto classifier = core::ImageClassifier::open(shapesClassifier(), &error, options);
    if (!classifier) qWarning() << error;
    if (!classifier) return {};
    const core::Classification c = classifier->classify(disc(), 3, &error);
    if (c.top.isEmpty()) qWarning() << error;
    return c.top.isEmpty() ? std::string() : compute::lastExecution().backend;
}

void classifyOnCpu()
{
    // The cases below read the cpu backend's tables.
    QCOMPARE(classifyOnce(compute::BackendChoice::Cpu), std::string("cpu"));
}

// Shows the dock with its Qt tables whatever OpenGL there is: the view is chosen when it is first shown.
void showWithTables(ProfilerDock& dock)
{
    qputenv("LOUPE_PROFILER_TABLES", "1");
    dock.resize(900, 600);
    dock.show();
    dock.setActive(true);
    qunsetenv("LOUPE_PROFILER_TABLES");
}

QImage screenshot(ProfilerDock& dock)
{
    if (auto* gl = qobject_cast<QOpenGLWidget*>(dock.view()->widget())) return gl->grabFramebuffer();
    return dock.grab().toImage();
}

int distinctColours(const QImage& img)
{
    QSet<QRgb> colours;
    for (int y = 0; y < img.height(); y += 3)
        for (int x = 0; x < img.width(); x += 3)
            colours.insert(img.pixel(x, y));
    return int(colours.size());
}

} // namespace

class TestProfilerDock : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        window_test::isolateSettingsAndDialogs();
        qunsetenv("LOUPE_PROFILE_OPS");
        compute::Profiler::setEnabled(false);
    }

    void hiddenRecordsNothing()
    {
        ProfilerDock dock;
        QVERIFY(!dock.view()); // no view (and no OpenGL context) until first shown
        QVERIFY(!compute::Profiler::enabled());
        const uint64_t before = compute::Profiler::generation();
        classifyOnCpu();
        QCOMPARE(compute::Profiler::generation(), before);
        dock.setActive(true);
        QVERIFY(compute::Profiler::enabled());
        dock.setActive(false);
        QVERIFY(!compute::Profiler::enabled());
    }

    void showsTheOpsOfAClassification()
    {
        compute::Profiler::clear();
        ProfilerDock dock;
        dock.resize(1000, 640);
        dock.show();
        dock.setActive(true);
        QVERIFY(QTest::qWaitForWindowExposed(&dock));
        classifyOnCpu();
        dock.refresh();
        ProfilerView* view = dock.view();
        QVERIFY(view);
        qInfo("profiler view: %s", qPrintable(view->kind()));
        if (qEnvironmentVariable("LOUPE_EXPECT_PROFILER_VIEW") == QLatin1String("imgui"))
            QCOMPARE(view->kind(), QStringLiteral("imgui"));

        // What the user sees: the per-op table and the timeline name the classifier's ops and nodes
        // (the ImGui view fills these as it draws a frame).
        QTRY_VERIFY2(view->shownOps().contains(QLatin1String("linear")),
                     qPrintable(view->shownOps().join(',')));
        for (const char* op : {"layer_norm", "patch_embed"})
            QVERIFY2(view->shownOps().contains(QLatin1String(op)), op);
        // Attention is one fused op where the device fuses it (the CPU does), the separate ops elsewhere.
        const QStringList ops = view->shownOps();
        QVERIFY2(ops.contains(QLatin1String("attention")) ||
                     (ops.contains(QLatin1String("softmax")) && ops.contains(QLatin1String("matmul"))),
                 qPrintable(ops.join(',')));
        const QStringList timeline = view->shownTimeline();
        for (const char* node : {"blk.0.ln1", "blk.0.qkv", "blk.0.attn_res", "final_norm"})
            QVERIFY2(timeline.contains(QLatin1String(node)), node);

        const ProfilerSnapshot& s = dock.snapshot();
        QCOMPARE(int(s.backends.size()), 1);
        QCOMPARE(s.backends[0].name, std::string("cpu"));
        QCOMPARE(s.backends[0].runs, 1);
        QVERIFY(s.backends[0].lastRunMs > 0);
        bool layer0 = false;
        for (const compute::ProfileStat& l : s.backends[0].layers)
            layer0 = layer0 || l.name == "layer 0";
        QVERIFY(layer0);
        bool cpuMemory = false;
        for (const compute::MemoryGauge& g : s.memory)
            cpuMemory = cpuMemory || (g.device == "cpu" && g.peak > 0);
        QVERIFY(cpuMemory);
        QVERIFY(!s.nvml.available || !s.nvml.gpus.empty());

        // Slowest first by default; a click on the "max ms" header sorts by the longest node instead.
        std::map<QString, const compute::ProfileStat*> stat;
        for (const compute::ProfileStat& op : s.backends[0].ops)
            stat[QString::fromStdString(op.name)] = &op;
        auto sortedBy = [&](auto key) {
            const QStringList shown = view->shownOps();
            bool up = true, down = true;
            for (int i = 1; i < shown.size(); ++i) {
                const double a = key(*stat[shown[i - 1]]), b = key(*stat[shown[i]]);
                up = up && a <= b;
                down = down && a >= b;
            }
            return shown.size() == int(stat.size()) && (up || down);
        };
        QVERIFY(sortedBy([](const compute::ProfileStat& op) { return op.msPerRun; }));
        const QRect header = view->opsHeaderRect(4);
        QVERIFY(!header.isEmpty());
        QWidget* target = view->widget();
        QPoint at = header.center();
        if (QWidget* child = target->childAt(at)) { // the table's header, in the Qt view
            at = child->mapFrom(target, at);
            target = child;
        }
        QTest::mouseClick(target, Qt::LeftButton, {}, at);
        QTRY_VERIFY2(sortedBy([](const compute::ProfileStat& op) { return double(op.maxNs); }),
                     qPrintable(view->shownOps().join(',')));

        const QImage shot = screenshot(dock);
        QVERIFY(!shot.isNull());
        QVERIFY2(distinctColours(shot) > 8, "the dock drew something");
        const QString file =
            QDir(test::artifactDir()).filePath(QStringLiteral("profiler_dock_%1.png").arg(view->kind()));
        QVERIFY(shot.save(file));
        qInfo("screenshot: %s", qPrintable(file));
        dock.setActive(false);
    }

    // A run on Vulkan (lavapipe here) and one on the CPU: each backend gets its own tables.
    void eachBackendHasItsOwnTables()
    {
        compute::Profiler::clear();
        ProfilerDock dock;
        showWithTables(dock);
        QCOMPARE(classifyOnce(compute::BackendChoice::Cpu), std::string("cpu"));
        const std::string other = classifyOnce(compute::BackendChoice::Vulkan);
        if (other != "vulkan") QSKIP("no Vulkan device ran the model here");
        dock.refresh();
        auto* backends = dock.findChild<QComboBox*>(QStringLiteral("profilerBackend"));
        QVERIFY(backends);
        QCOMPARE(backends->count(), 2);
        auto* timeline = dock.findChild<QTableWidget*>(QStringLiteral("profilerTimeline"));
        for (int i = 0; i < 2; ++i) {
            backends->setCurrentIndex(i);
            const std::string name = backends->currentText().toStdString();
            const auto& b = dock.snapshot().backends[size_t(i)];
            QCOMPARE(b.name, name);
            QCOMPARE(b.runs, 1);
            // A run the device worker ran starts with its wait in the queue.
            QCOMPARE(timeline->rowCount(),
                     int(b.lastRun.events.size()) + (b.lastRun.callerThread > 0 ? 1 : 0));
            QVERIFY(dock.view()->shownOps().contains(QLatin1String("linear")));
        }
        bool vulkanMemory = false;
        for (const compute::MemoryGauge& g : dock.snapshot().memory)
            vulkanMemory = vulkanMemory || (g.device != "cpu" && g.peak > 0);
        QVERIFY2(vulkanMemory, "the Vulkan device's memory gauge");
        dock.setActive(false);
    }

    // A classification on Vulkan goes through the device's worker: the gauges show its queue depth and
    // the timeline starts with the run's wait in the queue (in whichever view draws).
    void showsTheQueueOfADeviceWorker()
    {
        compute::Profiler::clear();
        ProfilerDock dock;
        dock.resize(1000, 640);
        dock.show();
        dock.setActive(true);
        QVERIFY(QTest::qWaitForWindowExposed(&dock));
        if (classifyOnce(compute::BackendChoice::Vulkan) != "vulkan")
            QSKIP("no Vulkan device ran the model here");
        dock.refresh();
        ProfilerView* view = dock.view();
        QVERIFY(view);
        qInfo("profiler view: %s", qPrintable(view->kind()));
        const ProfilerSnapshot& s = dock.snapshot();
        const compute::QueueGauge* worker = nullptr;
        for (const compute::QueueGauge& q : s.queues)
            if (q.name.rfind("vulkan", 0) == 0) worker = &q;
        QVERIFY(worker);
        QCOMPARE(worker->depth, 0);
        QVERIFY(worker->peak >= 1);
        QVERIFY(!s.backends.empty());
        QVERIFY(s.backends[0].lastRun.callerThread > 0);
        const QString gauges = gaugeLines(s).join(QLatin1Char('\n'));
        QVERIFY2(gauges.contains(QLatin1String("Queue depth vulkan")), qPrintable(gauges));
        if (auto* label = dock.findChild<QLabel*>(QStringLiteral("profilerGauges")))
            QVERIFY2(label->text().contains(QLatin1String("Queue depth vulkan")), qPrintable(label->text()));
        QTRY_VERIFY2(view->shownTimeline().value(0) == QLatin1String("queue wait"),
                     qPrintable(view->shownTimeline().mid(0, 3).join(',')));
        dock.setActive(false);
    }

    void tablesSortByAClickedColumn()
    {
        compute::Profiler::clear();
        ProfilerDock dock;
        showWithTables(dock);
        QCOMPARE(dock.view()->kind(), QStringLiteral("tables"));
        classifyOnCpu();
        dock.refresh();
        auto* ops = dock.findChild<QTableWidget*>(QStringLiteral("profilerOps"));
        QVERIFY(ops);
        QVERIFY(ops->rowCount() >= 5);
        auto column = [&](int c) {
            QVector<double> v;
            for (int r = 0; r < ops->rowCount(); ++r)
                v << ops->item(r, c)->text().toDouble();
            return v;
        };
        // Click "nodes" (column 3): ascending, click again: descending, by number not by text.
        QHeaderView* header = ops->horizontalHeader();
        QTest::mouseClick(
            header->viewport(), Qt::LeftButton, {},
            QPoint(header->sectionViewportPosition(3) + header->sectionSize(3) / 2, header->height() / 2));
        QCOMPARE(header->sortIndicatorSection(), 3);
        const QVector<double> nodes = column(3);
        const bool ascending = ops->horizontalHeader()->sortIndicatorOrder() == Qt::AscendingOrder;
        for (int i = 1; i < nodes.size(); ++i)
            QVERIFY(ascending ? nodes[i - 1] <= nodes[i] : nodes[i - 1] >= nodes[i]);
        QVERIFY(nodes.first() != nodes.last());
        auto* gauges = dock.findChild<QLabel*>(QStringLiteral("profilerGauges"));
        QVERIFY(gauges);
        QVERIFY2(gauges->text().contains(QLatin1String("Memory: cpu")), qPrintable(gauges->text()));
        QVERIFY2(gauges->text().contains(QLatin1String("NVML")) ||
                     gauges->text().contains(QLatin1String("GPU 0")),
                 qPrintable(gauges->text()));
        const QImage shot = dock.grab().toImage();
        QVERIFY2(distinctColours(shot) > 8, "the tables are drawn");
        QVERIFY(shot.save(
            QDir(test::artifactDir()).filePath(QStringLiteral("profiler_dock_tables_fallback.png"))));
        dock.setActive(false);
    }

    // Offscreen has no OpenGL here, so the case above saw the Qt tables: run it again in a child under
    // Xvfb, where the dock must draw with Dear ImGui (Mesa's software OpenGL).
    void imguiUnderXvfb()
    {
        if (QGuiApplication::platformName() != QLatin1String("offscreen"))
            QSKIP("already on a real display: the cases above drew whichever view it allows");
        const QString xvfb = QStandardPaths::findExecutable(QStringLiteral("xvfb-run"));
        if (xvfb.isEmpty()) QSKIP("xvfb-run is not installed (scripts/packages.txt lists it)");
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("xcb"));
        env.insert(QStringLiteral("LOUPE_EXPECT_PROFILER_VIEW"), QStringLiteral("imgui"));
        child.setProcessEnvironment(env);
        child.setProcessChannelMode(QProcess::MergedChannels);
        child.start(xvfb,
                    {QStringLiteral("-a"), QStringLiteral("-s"), QStringLiteral("-screen 0 1280x800x24"),
                     QCoreApplication::applicationFilePath(), QStringLiteral("showsTheOpsOfAClassification"),
                     QStringLiteral("showsTheQueueOfADeviceWorker"),
                     QStringLiteral("mainWindowShowsItFromTheViewMenu")});
        QVERIFY(child.waitForFinished(180000));
        const QString output = QString::fromUtf8(child.readAll());
        QVERIFY2(child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0, qPrintable(output));
        QVERIFY2(output.contains(QLatin1String("profiler view: imgui")), qPrintable(output));
    }

    void mainWindowShowsItFromTheViewMenu()
    {
        MainWindow window([](const QString& path, bool, QString* error) -> std::unique_ptr<ProjectBackend> {
            *error = QStringLiteral("%1: no project in this test").arg(path);
            return nullptr;
        });
        window.show();
        auto* dock = window.findChild<QDockWidget*>(QStringLiteral("EngineProfilerDock"));
        QVERIFY(dock);
        QVERIFY(!dock->isVisible()); // hidden by default
        QVERIFY(!compute::Profiler::enabled());
        auto* action = window.findChild<QAction*>(QStringLiteral("showEngineProfiler"));
        QVERIFY(action);
        QCOMPARE(action->shortcut(), QKeySequence(QStringLiteral("Ctrl+Shift+P")));
        action->trigger();
        QTRY_VERIFY(dock->isVisible());
        QTRY_VERIFY(compute::Profiler::enabled());
        auto* content = qobject_cast<ProfilerDock*>(dock->widget());
        QVERIFY(content && content->view());
        classifyOnCpu();
        QTRY_VERIFY(content->view()->shownOps().contains(QLatin1String("linear")));
        QVERIFY(content->snapshot().jobsRunning >= 0); // the window's job tracker feeds the queue line
        QTRY_VERIFY2(dock->height() >= 250, "tall enough for the timeline and tables");
        auto* jobs = window.findChild<QDockWidget*>(QStringLiteral("JobsDock"));
        QCOMPARE(window.tabifiedDockWidgets(dock), QList<QDockWidget*>{jobs});
        QVERIFY(!jobs->isVisible() || jobs->visibleRegion().isEmpty()); // the profiler's tab is raised
        const QString kind = content->view()->kind();
        QVERIFY(window.grab().save(
            QDir(test::artifactDir()).filePath(QStringLiteral("profiler_dock_mainwindow_%1.png").arg(kind))));
        // Floating the dock gives the view a new top-level window and OpenGL context, and back again.
        for (bool floating : {true, false}) {
            dock->setFloating(floating);
            QTRY_VERIFY(dock->isVisible());
            QTest::qWait(100);
            QVERIFY2(distinctColours(screenshot(*content)) > 8, floating ? "floating" : "docked again");
        }
        dock->hide();
        QTRY_VERIFY(!compute::Profiler::enabled());
    }
};

QTEST_MAIN(TestProfilerDock)
#include "tst_profiler_dock.moc"
