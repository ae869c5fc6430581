// SPDX-License-Identifier: MIT
// The click-to-mask tool on the canvas with synthetic events: without a model GrabCut answers and says
// so, a click then Enter adds one polygon of the current label (undo removes it), Shift+Enter a mask, a
// dragged box tightens to the object; with the golden tiny SAM the tool runs SAM.
#include "common/testsupport.h"
#include "tst_annotate_fixture.h"
#include "views/annotate/samtool.h"

#include <QPainter>
#include <QSignalSpy>
#include <QTemporaryDir>

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
        f.key(Qt::Key_Return, Qt::ShiftModifier); // waits for the mask if the preview is not there yet
        QCOMPARE(f.shapes().size(), size_t(1));
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
        QCOMPARE(f.shapes().size(), size_t(1));
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
        QVERIFY(tool->setModelFolder(dir));
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
        QCOMPARE(f.shapes().size(), size_t(1));
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
        QVERIFY(!tool->setModelFolder(empty.path()));
        QCOMPARE(tool->engineText(), QStringLiteral("GrabCut (fallback: no SAM model)"));
    }
};

QTEST_MAIN(TestSamTool)
#include "tst_sam_tool.moc"
