// SPDX-License-Identifier: MIT
// The click-to-mask tool on the canvas with synthetic events: without a model GrabCut answers and says
// so, a click then Enter adds one polygon of the current label (undo removes it), Shift+Enter a mask, a
// dragged box tightens to the object; with the golden tiny SAM the tool runs SAM. The model loads on a
// worker (the event loop goes on, clicks wait for it rather than going to GrabCut), Enter before the
// mask has arrived is carried out when it does, the tolerance changes the polygon's vertices, options
// are remembered, a selected rectangle tightens in place.
#include "common/testsupport.h"
#include "tst_annotate_fixture.h"
#include "views/annotate/samoptions.h"
#include "views/annotate/samtool.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QPainter>
#include <QSemaphore>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThreadPool>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

using namespace annotate_test;

namespace {

// A textured background with a flat yellow square at (150, 100, 90 x 80).
QImage squareImage()
{
    QImage img(Fixture::kWidth, Fixture::kHeight, QImage::Format_RGB888);
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x)
            img.setPixelColor(x, y, QColor(40 + (x * 7 + y * 3) % 50, 90 + (x * y) % 40, 60 + (y * 5) % 30));
    QPainter(&img).fillRect(QRect(150, 100, 90, 80), QColor(230, 200, 20));
    return img;
}

const QRect kSquare(150, 100, 90, 80);

// The same background with a flat yellow disk of radius 60 around (200, 150): its outline has many
// vertices at a fine tolerance and few at a coarse one.
QImage diskImage()
{
    QImage img = squareImage();
    QPainter p(&img);
    p.fillRect(img.rect(), QColor(50, 100, 70));
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(230, 200, 20));
    p.drawEllipse(QPointF(200, 150), 60, 60);
    return img;
}

// Keeps every thread of the global pool busy until release(), so work queued there (the model load)
// cannot start: what the GUI does meanwhile is what it does while a big checkpoint loads.
struct BusyPool
{
    QSemaphore gate;
    QList<QFuture<void>> held;
    BusyPool()
    {
        QSemaphore started;
        const int n = QThreadPool::globalInstance()->maxThreadCount();
        for (int i = 0; i < n; ++i)
            held << QtConcurrent::run([this, &started] {
                started.release();
                gate.acquire();
            });
        started.acquire(n);
    }
    void release()
    {
        gate.release(int(held.size()));
        for (QFuture<void>& f : held)
            f.waitForFinished();
        held.clear();
    }
    ~BusyPool()
    {
        if (!held.isEmpty()) release();
    }
};

int vertexCount(const Shape& s)
{
    return std::holds_alternative<PolygonGeom>(s.geometry)
               ? int(std::get<PolygonGeom>(s.geometry).points.size())
               : -1;
}

} // namespace

class TestSamTool : public QObject
{
    Q_OBJECT

    SamTool* samTool(Fixture& f)
    {
        f.canvas->setImage(squareImage(), QStringLiteral("square-in-memory.png"));
        f.annotator->setImage(Fixture::kImage, QSize(Fixture::kWidth, Fixture::kHeight));
        f.canvas->setView(ViewTransform(2.0, QPointF(0, 0)));
        f.use("toolSam");
        return qobject_cast<SamTool*>(f.annotator->tool(QStringLiteral("toolSam")));
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
    }
    void cleanup() { QSettings().clear(); }

    void registeredWithShortcutS()
    {
        Fixture f;
        QAction* a = f.annotator->action(QStringLiteral("toolSam"));
        QVERIFY(a);
        QCOMPARE(a->shortcut(), QKeySequence(QStringLiteral("S")));
        QVERIFY(qobject_cast<SamTool*>(f.annotator->tool(QStringLiteral("toolSam"))));
    }

    void clickEnterAddsPolygonAndUndoRemovesIt()
    {
        if (!loupe::core::Segmenter::grabCutAvailable()) QSKIP("built without OpenCV imgproc");
        Fixture f;
        QSignalSpy messages(f.scene(), &ShapeScene::message);
        SamTool* tool = samTool(f);
        QVERIFY(tool);
        QCOMPARE(tool->engineText(), QStringLiteral("GrabCut (fallback: no SAM model)"));
        bool said = false;
        for (const QList<QVariant>& m : messages)
            said =
                said || m.first().toString().startsWith(QStringLiteral("GrabCut (fallback: no SAM model)"));
        QVERIFY(said);

        f.click(QPointF(195, 140));
        QCOMPARE(tool->prompt().points.size(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(tool->preview().ok(), 20000);
        QCOMPARE(tool->preview().engine, loupe::core::SegmentResult::Engine::GrabCut);

        f.key(Qt::Key_Return);
        QCOMPARE(f.shapes().size(), size_t(1));
        const Shape s = f.shapes().front();
        QCOMPARE(s.labelId, qint64(1));
        QVERIFY(std::holds_alternative<PolygonGeom>(s.geometry));
        const QRectF bounds = std::get<PolygonGeom>(s.geometry).points.boundingRect();
        QVERIFY2(std::abs(bounds.left() - kSquare.left()) <= 3 &&
                     std::abs(bounds.top() - kSquare.top()) <= 3 &&
                     std::abs(bounds.width() - kSquare.width()) <= 6 &&
                     std::abs(bounds.height() - kSquare.height()) <= 6,
                 qPrintable(QStringLiteral("%1,%2 %3x%4")
                                .arg(bounds.left())
                                .arg(bounds.top())
                                .arg(bounds.width())
                                .arg(bounds.height())));
        QVERIFY(tool->prompt().isEmpty()); // accepted: the next object starts afresh

        f.stack()->undo();
        QCOMPARE(f.shapes().size(), size_t(0));
    }

    void shiftEnterAddsMaskEscClears()
    {
        if (!loupe::core::Segmenter::grabCutAvailable()) QSKIP("built without OpenCV imgproc");
        Fixture f;
        SamTool* tool = samTool(f);
        f.click(QPointF(195, 140));
        f.key(Qt::Key_Escape);
        QVERIFY(tool->prompt().isEmpty());
        f.key(Qt::Key_Return); // nothing to accept
        QCOMPARE(f.shapes().size(), size_t(0));

        f.click(QPointF(195, 140));
        // Before the mask has arrived: added when it does, without the GUI thread waiting for it.
        f.key(Qt::Key_Return, Qt::ShiftModifier);
        QTRY_COMPARE_WITH_TIMEOUT(f.shapes().size(), size_t(1), 20000);
        QVERIFY(std::holds_alternative<MaskGeom>(f.shapes().front().geometry));
    }

    void boxTightens()
    {
        if (!loupe::core::Segmenter::grabCutAvailable()) QSKIP("built without OpenCV imgproc");
        Fixture f;
        SamTool* tool = samTool(f);
        f.drag(QPointF(135, 85), {QPointF(180, 130), QPointF(255, 195)});
        QVERIFY(tool->prompt().box);
        QVERIFY(tool->prompt().points.isEmpty());
        f.key(Qt::Key_T);
        QTRY_COMPARE_WITH_TIMEOUT(f.shapes().size(), size_t(1), 20000);
        const Shape s = f.shapes().front();
        QVERIFY(std::holds_alternative<RectangleGeom>(s.geometry));
        const QRectF r = std::get<RectangleGeom>(s.geometry).rect;
        QVERIFY2(std::abs(r.left() - kSquare.left()) <= 2 && std::abs(r.right() - (kSquare.left() + 90)) <= 2,
                 qPrintable(QStringLiteral("%1..%2").arg(r.left()).arg(r.right())));
    }

    void samModelRunsSam()
    {
        Fixture f;
        SamTool* tool = samTool(f);
        const QString dir = loupe::test::goldenDir(QStringLiteral("sam_segment"));
        QSignalSpy loaded(tool, &SamTool::modelLoaded);
        tool->setModelFolder(dir);
        QVERIFY(loaded.wait(20000));
        QCOMPARE(loaded.first().first().toBool(), true);
        QCOMPARE(tool->engineText(), QStringLiteral("SAM"));
        const QImage input(dir + QStringLiteral("/input.png"));
        f.canvas->setImage(input, dir + QStringLiteral("/input.png"));
        f.annotator->setImage(Fixture::kImage, input.size());
        f.canvas->setView(ViewTransform(2.0, QPointF(0, 0)));
        f.click(QPointF(95, 190));
        QTRY_VERIFY_WITH_TIMEOUT(tool->preview().ok(), 20000);
        QCOMPARE(tool->preview().engine, loupe::core::SegmentResult::Engine::Sam);
        QVERIFY(std::fabs(tool->preview().score - 0.57048) < 1e-4);
        f.key(Qt::Key_Return, Qt::ShiftModifier);
        QTRY_COMPARE(f.shapes().size(), size_t(1));
        QVERIFY(std::holds_alternative<MaskGeom>(f.shapes().front().geometry));
        QCOMPARE(tool->segmenter()->embedCount(), 1);

        // Two clicks in a row: what stays on screen is the answer to both (the golden two-point IoU),
        // never the first click's answer arriving late.
        f.click(QPointF(95, 190));
        QTest::mouseClick(f.canvas, Qt::RightButton, {}, f.at(QPointF(200, 280)));
        QCOMPARE(tool->prompt().labels, (QVector<int>{1, 0}));
        QTRY_VERIFY_WITH_TIMEOUT(tool->preview().ok() && std::fabs(tool->preview().score - 0.298129) < 1e-4,
                                 20000);
        QTest::qWait(200);
        QVERIFY(std::fabs(tool->preview().score - 0.298129) < 1e-4);
        QCOMPARE(tool->segmenter()->embedCount(), 1);

        // A folder that is no SAM checkpoint: GrabCut again, said in the status bar.
        QTemporaryDir empty;
        QSignalSpy messages(f.scene(), &ShapeScene::message);
        tool->setModelFolder(empty.path());
        QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 2, 20000);
        QCOMPARE(loaded.last().first().toBool(), false);
        QVERIFY(!loaded.last().last().toString().isEmpty());
        QCOMPARE(tool->engineText(), QStringLiteral("GrabCut (fallback: no SAM model)"));
        QVERIFY(!messages.isEmpty());
        QVERIFY2(messages.last().first().toString().startsWith(
                     QStringLiteral("SAM model not usable, using GrabCut")),
                 qPrintable(messages.last().first().toString()));
    }

    void modelLoadsOffTheGuiThreadAndClicksWaitForIt()
    {
        Fixture f;
        SamTool* tool = samTool(f);
        const QString dir = loupe::test::goldenDir(QStringLiteral("sam_segment"));
        const QImage input(dir + QStringLiteral("/input.png"));
        f.canvas->setImage(input, dir + QStringLiteral("/input.png"));
        f.annotator->setImage(Fixture::kImage, input.size());
        f.canvas->setView(ViewTransform(2.0, QPointF(0, 0)));
        QSignalSpy loaded(tool, &SamTool::modelLoaded);
        QSignalSpy previews(tool, &SamTool::previewChanged);
        QList<loupe::core::SegmentResult::Engine> engines;
        connect(tool, &SamTool::previewChanged, this, [&] { engines << tool->preview().engine; });
        QSignalSpy messages(f.scene(), &ShapeScene::message);
        BusyPool pool; // the load cannot finish before release()
        tool->setModelFolder(dir);
        QVERIFY(tool->isLoadingModel());
        QCOMPARE(tool->engineText(), QStringLiteral("Loading SAM…"));
        // The event loop runs while the model loads.
        int ticks = 0;
        QTimer timer;
        connect(&timer, &QTimer::timeout, [&] { ++ticks; });
        timer.start(10);
        QTRY_VERIFY(ticks >= 3);
        QVERIFY(tool->isLoadingModel());
        // A click meanwhile is kept for SAM, not answered by GrabCut, and the status says why.
        f.click(QPointF(95, 190));
        QCOMPARE(tool->prompt().points.size(), 1);
        QTest::qWait(50);
        QCOMPARE(previews.size(), 0);
        QVERIFY(!messages.isEmpty());
        QVERIFY2(messages.last().first().toString().startsWith(QStringLiteral("Loading SAM…")),
                 qPrintable(messages.last().first().toString()));
        // Enter pressed before the model is there adds the shape once it is.
        f.key(Qt::Key_Return, Qt::ShiftModifier);
        QCOMPARE(f.shapes().size(), size_t(0));
        pool.release();
        QVERIFY(loaded.wait(20000));
        QCOMPARE(loaded.first().first().toBool(), true);
        QTRY_COMPARE_WITH_TIMEOUT(f.shapes().size(), size_t(1), 20000);
        QVERIFY(std::holds_alternative<MaskGeom>(f.shapes().front().geometry));
        QVERIFY(!engines.isEmpty());
        for (auto e : engines)
            QCOMPARE(e, loupe::core::SegmentResult::Engine::Sam); // never GrabCut standing in
        QCOMPARE(tool->segmenter()->embedCount(), 1);
        QCOMPARE(tool->engineText(), QStringLiteral("SAM"));
    }

    void toleranceChangesTheVertexCount()
    {
        if (!loupe::core::Segmenter::grabCutAvailable()) QSKIP("built without OpenCV imgproc");
        Fixture f;
        SamTool* tool = samTool(f);
        f.canvas->setImage(diskImage(), QStringLiteral("disk-in-memory.png"));
        f.annotator->setImage(Fixture::kImage, QSize(Fixture::kWidth, Fixture::kHeight));
        QList<int> counts;
        for (double tolerance : {0.5, 4.0}) {
            tool->setTolerance(tolerance);
            f.click(QPointF(200, 150));
            QTRY_VERIFY_WITH_TIMEOUT(tool->preview().ok(), 20000);
            f.key(Qt::Key_Return);
            QTRY_COMPARE(f.shapes().size(), size_t(1));
            counts << vertexCount(f.shapes().front());
            f.stack()->undo();
            QCOMPARE(f.shapes().size(), size_t(0));
        }
        QVERIFY2(counts[0] > counts[1] && counts[1] >= 3,
                 qPrintable(QStringLiteral("%1 then %2 vertices").arg(counts[0]).arg(counts[1])));
    }

    void optionsBarAndSettingsKeepTheChoice()
    {
        {
            Fixture f;
            SamTool* tool = samTool(f);
            SamOptionsBar bar(tool);
            auto* spin = bar.findChild<QDoubleSpinBox*>(QStringLiteral("samTolerance"));
            auto* output = bar.findChild<QComboBox*>(QStringLiteral("samOutput"));
            QVERIFY(spin && output);
            QCOMPARE(spin->value(), 1.0);
            spin->setValue(3.5);
            QCOMPARE(tool->tolerance(), 3.5);
            output->setCurrentIndex(output->findText(QStringLiteral("Mask")));
            QCOMPARE(tool->output(), SamTool::Output::Mask);
            f.key(Qt::Key_BracketRight); // the canvas key moves the spin box too
            QCOMPARE(spin->value(), 4.0);
        }
        Fixture again;
        SamTool* tool = samTool(again);
        QCOMPARE(tool->tolerance(), 4.0);
        QCOMPARE(tool->output(), SamTool::Output::Mask);
        if (!loupe::core::Segmenter::grabCutAvailable()) return;
        // Enter now adds a mask, Shift+Enter a polygon.
        again.click(QPointF(195, 140));
        again.key(Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(again.shapes().size(), size_t(1), 20000);
        QVERIFY(std::holds_alternative<MaskGeom>(again.shapes().front().geometry));
    }

    void selectedRectangleTightensInPlace()
    {
        if (!loupe::core::Segmenter::grabCutAvailable()) QSKIP("built without OpenCV imgproc");
        Fixture f;
        SamTool* tool = samTool(f);
        QVERIFY(!tool->canTightenBox());
        const qint64 id = f.add(RectangleGeom{QRectF(135, 85, 120, 110)});
        QVERIFY(id);
        f.scene()->setSelection({id});
        QVERIFY(tool->canTightenBox());
        QVERIFY(tool->tightenBox());
        QTRY_VERIFY_WITH_TIMEOUT(std::get<RectangleGeom>(f.scene()->shape(id)->geometry).rect.width() < 100,
                                 20000);
        const QRectF r = std::get<RectangleGeom>(f.scene()->shape(id)->geometry).rect;
        QCOMPARE(f.shapes().size(), size_t(1)); // changed, not added
        QVERIFY2(std::abs(r.left() - kSquare.left()) <= 2 && std::abs(r.right() - (kSquare.left() + 90)) <= 2,
                 qPrintable(QStringLiteral("%1..%2").arg(r.left()).arg(r.right())));
        f.stack()->undo();
        QCOMPARE(std::get<RectangleGeom>(f.scene()->shape(id)->geometry).rect, QRectF(135, 85, 120, 110));
    }
};

QTEST_MAIN(TestSamTool)
#include "tst_sam_tool.moc"
