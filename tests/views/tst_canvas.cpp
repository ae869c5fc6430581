// SPDX-License-Identifier: MIT
// The image canvas: coordinate math, zoom to cursor, pan, fit/1:1, keys, layers, tiles, async decode.
#include "views/canvas/canvaslayer.h"
#include "views/canvas/canvasstatus.h"
#include "views/canvas/canvastool.h"
#include "views/canvas/downsample.h"
#include "views/canvas/imagecanvas.h"
#include "views/canvas/imagelayer.h"
#include "views/canvas/pixelinfo.h"
#include "views/canvas/tilepyramid.h"
#include "views/canvas/zoomable.h"

#include <QApplication>
#include <QPainter>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe::views;

namespace {

// A quadrant image: red, green / blue, white, so any view can be checked by colour.
QImage quadrants(int w, int h)
{
    QImage img(w, h, QImage::Format_RGB32);
    QPainter p(&img);
    p.fillRect(0, 0, w / 2, h / 2, Qt::red);
    p.fillRect(w / 2, 0, w - w / 2, h / 2, Qt::green);
    p.fillRect(0, h / 2, w / 2, h - h / 2, Qt::blue);
    p.fillRect(w / 2, h / 2, w - w / 2, h - h / 2, Qt::white);
    return img;
}

void sendWheel(QWidget* w, QPointF pos, int delta)
{
    QWheelEvent e(pos, w->mapToGlobal(pos), QPoint(), QPoint(0, delta), Qt::NoButton, Qt::NoModifier,
                  Qt::NoScrollPhase, false);
    QApplication::sendEvent(w, &e);
}

void sendMouse(QWidget* w, QEvent::Type type, QPointF pos, Qt::MouseButton button, Qt::MouseButtons buttons)
{
    QMouseEvent e(type, pos, w->mapToGlobal(pos), button, buttons, Qt::NoModifier);
    QApplication::sendEvent(w, &e);
}

class RecordingLayer : public CanvasLayer
{
public:
    RecordingLayer() : CanvasLayer(QStringLiteral("recording")) {}
    void paint(QPainter& p, const ViewTransform& view, const QRectF& exposed) override
    {
        ++paints;
        lastExposed = exposed;
        // A marker on image pixel (10,10) proves the layer paints in the image's frame.
        p.fillRect(view.imageToWidget(QRectF(10, 10, 1, 1)), Qt::magenta);
    }
    bool mousePressed(const CanvasMouseEvent& e) override
    {
        pressedAt = e.imagePos;
        return true;
    }
    int paints = 0;
    QRectF lastExposed;
    QPointF pressedAt{-1, -1};
};

class IdleTool : public CanvasTool
{
public:
    IdleTool() : CanvasTool(QStringLiteral("idle")) {}
    void activate(ImageCanvas* c) override
    {
        ++activations;
        CanvasTool::activate(c);
    }
    void deactivate() override
    {
        ++deactivations;
        CanvasTool::deactivate();
    }
    int activations = 0, deactivations = 0;
};

} // namespace

class TestCanvas : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void transformRoundTrip_data()
    {
        QTest::addColumn<double>("scale");
        QTest::addColumn<QPointF>("offset");
        QTest::addColumn<QPointF>("widget");
        QTest::addColumn<QPoint>("pixel");
        QTest::newRow("1:1") << 1.0 << QPointF(0, 0) << QPointF(12.5, 7.9) << QPoint(12, 7);
        QTest::newRow("2x panned") << 2.0 << QPointF(100, 50) << QPointF(121, 55) << QPoint(10, 2);
        QTest::newRow("2x left of image") << 2.0 << QPointF(100, 50) << QPointF(99, 49) << QPoint(-1, -1);
        QTest::newRow("0.25x") << 0.25 << QPointF(-30, 10) << QPointF(10, 20) << QPoint(160, 40);
        QTest::newRow("8x") << 8.0 << QPointF(3, 3) << QPointF(3 + 8 * 5 + 7.99, 3 + 8 * 9) << QPoint(5, 9);
    }
    void transformRoundTrip()
    {
        QFETCH(double, scale);
        QFETCH(QPointF, offset);
        QFETCH(QPointF, widget);
        QFETCH(QPoint, pixel);
        const ViewTransform t(scale, offset);
        QCOMPARE(t.imagePixelAt(widget), pixel);
        const QPointF back = t.imageToWidget(t.widgetToImage(widget));
        QVERIFY(qAbs(back.x() - widget.x()) < 1e-9 && qAbs(back.y() - widget.y()) < 1e-9);
        QCOMPARE(t.imageToWidgetTransform().map(QPointF(3, 4)), t.imageToWidget(QPointF(3, 4)));
    }

    void hidpiZoomIsDevicePixels()
    {
        // At 2x device pixels "100%" is one image pixel per physical pixel: half a logical pixel.
        const ViewTransform t = ViewTransform::centered(QSizeF(100, 100), QSizeF(200, 200), 1.0, 2.0);
        QCOMPARE(t.zoom(), 1.0);
        QCOMPARE(t.scale(), 0.5);
        QCOMPARE(t.imageToWidget(QPointF(50, 50)), QPointF(100, 100));
        const ViewTransform fit = ViewTransform::fit(QSizeF(400, 100), QSizeF(200, 200), 2.0);
        QCOMPARE(fit.imageToWidget(QRectF(0, 0, 400, 100)).width(), 200.0);
        QCOMPARE(fit.zoom(), 1.0);
    }

    void zoomPresetsAndWheel()
    {
        QCOMPARE(Zoomable::zoomIn(1.0), 1.5);
        QCOMPARE(Zoomable::zoomOut(1.0), 2.0 / 3);
        QCOMPARE(Zoomable::zoomIn(1.2), 1.5);
        QCOMPARE(Zoomable::wheel(1.0, QPoint(0, 120)), 1.25);
        QCOMPARE(Zoomable::wheel(1.0, QPoint(0, -240)), 1.0 / 1.5625);
        QCOMPARE(Zoomable::wheel(Zoomable::kMaxZoom, QPoint(0, 120)), Zoomable::kMaxZoom);
        QCOMPARE(Zoomable::toText(0.25), QStringLiteral("25%"));
        QCOMPARE(Zoomable::toText(1.0 / 32), QStringLiteral("3.1%"));
    }

    void fitAndActualSize()
    {
        ImageCanvas canvas;
        canvas.resize(816, 616);
        canvas.show();
        canvas.setImage(quadrants(1600, 600));
        QVERIFY(canvas.isFitMode());
        QCOMPARE(canvas.zoom(), 0.5); // (816 - 2·8 margin) / 1600
        // The image is centred: its centre is the widget centre.
        QCOMPARE(canvas.view().imageToWidget(QPointF(800, 300)), QPointF(408, 308));
        canvas.zoomToActualSize();
        QCOMPARE(canvas.zoom(), 1.0);
        QVERIFY(!canvas.isFitMode());
        canvas.fitToWindow();
        QCOMPARE(canvas.zoom(), 0.5);
        // Fit follows the window while in fit mode.
        canvas.resize(416, 616);
        QCOMPARE(canvas.zoom(), 0.25);
    }

    void wheelZoomKeepsPointUnderCursor_data()
    {
        QTest::addColumn<QPointF>("cursor");
        QTest::addColumn<int>("delta");
        QTest::newRow("in at top-left quadrant") << QPointF(100.5, 80.25) << 120;
        QTest::newRow("out at right") << QPointF(700, 500) << -120;
        QTest::newRow("three notches in") << QPointF(333, 222) << 360;
        QTest::newRow("fine wheel") << QPointF(50, 400) << 15;
    }
    void wheelZoomKeepsPointUnderCursor()
    {
        QFETCH(QPointF, cursor);
        QFETCH(int, delta);
        ImageCanvas canvas;
        canvas.resize(800, 600);
        canvas.show();
        canvas.setImage(quadrants(2000, 1500));
        for (int round = 0; round < 3; ++round) {
            const QPointF before = canvas.view().widgetToImage(cursor);
            const double zoom = canvas.zoom();
            QSignalSpy viewSpy(&canvas, &ImageCanvas::viewChanged);
            sendWheel(&canvas, cursor, delta);
            QCOMPARE(viewSpy.count(), 1);
            QVERIFY(qAbs(canvas.zoom() - zoom * std::pow(1.25, delta / 120.0)) < 1e-9);
            const QPointF after = canvas.view().widgetToImage(cursor);
            QVERIFY2(qAbs(after.x() - before.x()) < 1e-6 && qAbs(after.y() - before.y()) < 1e-6,
                     qPrintable(QStringLiteral("moved from %1,%2 to %3,%4")
                                    .arg(before.x())
                                    .arg(before.y())
                                    .arg(after.x())
                                    .arg(after.y())));
        }
    }

    void statusBarPositionMath_data()
    {
        QTest::addColumn<double>("zoom");
        QTest::addColumn<QPointF>("pan");
        QTest::addColumn<QPointF>("cursor");
        QTest::newRow("fit") << 0.0 << QPointF() << QPointF(300, 200);
        QTest::newRow("1:1 panned") << 1.0 << QPointF(-37, 12) << QPointF(401, 333);
        QTest::newRow("4x") << 4.0 << QPointF(5, -9) << QPointF(417, 599);
        QTest::newRow("1/3 panned") << 1.0 / 3 << QPointF(120, 80) << QPointF(250.7, 140.2);
    }
    void statusBarPositionMath()
    {
        QFETCH(double, zoom);
        QFETCH(QPointF, pan);
        QFETCH(QPointF, cursor);
        ImageCanvas canvas;
        CanvasStatus status(&canvas);
        canvas.resize(800, 600);
        canvas.show();
        QImage img = quadrants(1000, 700);
        img.setPixel(0, 0, qRgb(1, 2, 3));
        canvas.setImage(img);
        if (zoom > 0) canvas.setZoomAt(zoom, QPointF(0, 0));
        canvas.setView(canvas.view().panned(pan));
        QCOMPARE(status.sizeText(), QStringLiteral("1000 × 700"));
        sendMouse(&canvas, QEvent::MouseMove, cursor, Qt::NoButton, Qt::NoButton);
        // Independent arithmetic: pixel = floor((cursor - offset) / scale).
        const ViewTransform v = canvas.view();
        const int px = int(std::floor((cursor.x() - v.offset().x()) / v.scale()));
        const int py = int(std::floor((cursor.y() - v.offset().y()) / v.scale()));
        QVERIFY(QRect(0, 0, 1000, 700).contains(px, py));
        QCOMPARE(canvas.cursorInfo().pixel, QPoint(px, py));
        QCOMPARE(status.positionText(), QStringLiteral("x %1  y %2").arg(px).arg(py));
        QCOMPARE(status.valueText(), pixelValueText(img, QPoint(px, py)));
        QCOMPARE(status.zoomText(), Zoomable::toText(canvas.zoom()));
        // Outside the image the position is blank.
        sendMouse(&canvas, QEvent::MouseMove, v.imageToWidget(QPointF(-5, -5)), Qt::NoButton, Qt::NoButton);
        QVERIFY(!canvas.cursorInfo().overImage || v.imageToWidget(QPointF(-5, -5)).x() < 0);
    }

    void pixelValues()
    {
        QImage gray(4, 4, QImage::Format_Grayscale16);
        gray.fill(0);
        reinterpret_cast<quint16*>(gray.scanLine(2))[1] = 40000;
        QCOMPARE(pixelValueText(gray, QPoint(1, 2)), QStringLiteral("gray16 40000"));
        QImage rgba(2, 2, QImage::Format_ARGB32);
        rgba.fill(qRgba(10, 20, 30, 128));
        QCOMPARE(pixelValueText(rgba, QPoint(1, 1)), QStringLiteral("RGBA 10 20 30 128"));
        QCOMPARE(pixelValueText(rgba, QPoint(2, 1)), QString());
    }

    void panByDrag_data()
    {
        QTest::addColumn<int>("button");
        QTest::addColumn<bool>("space");
        QTest::newRow("middle button") << int(Qt::MiddleButton) << false;
        QTest::newRow("space + left") << int(Qt::LeftButton) << true;
        QTest::newRow("pan tool (left)") << int(Qt::LeftButton) << false;
    }
    void panByDrag()
    {
        QFETCH(int, button);
        QFETCH(bool, space);
        const auto b = Qt::MouseButton(button);
        ImageCanvas canvas;
        canvas.resize(800, 600);
        canvas.show();
        canvas.setImage(quadrants(4000, 3000));
        canvas.setZoomAt(1.0, QPointF(400, 300));
        if (space) QTest::keyPress(&canvas, Qt::Key_Space);
        const QPointF start(400, 300), end(250, 420);
        const QPointF grabbed = canvas.view().widgetToImage(start);
        sendMouse(&canvas, QEvent::MouseButtonPress, start, b, b);
        sendMouse(&canvas, QEvent::MouseMove, (start + end) / 2, Qt::NoButton, b);
        sendMouse(&canvas, QEvent::MouseMove, end, Qt::NoButton, b);
        sendMouse(&canvas, QEvent::MouseButtonRelease, end, b, Qt::NoButton);
        if (space) QTest::keyRelease(&canvas, Qt::Key_Space);
        QCOMPARE(canvas.zoom(), 1.0);
        QCOMPARE(canvas.view().widgetToImage(end), grabbed);
        // After release, moving does not pan any more.
        const ViewTransform settled = canvas.view();
        sendMouse(&canvas, QEvent::MouseMove, QPointF(10, 10), Qt::NoButton, Qt::NoButton);
        QCOMPARE(canvas.view(), settled);
    }

    void keys()
    {
        ImageCanvas canvas;
        canvas.resize(400, 300);
        canvas.show();
        canvas.setImage(quadrants(400, 300));
        QSignalSpy next(&canvas, &ImageCanvas::nextImageRequested);
        QSignalSpy previous(&canvas, &ImageCanvas::previousImageRequested);
        QTest::keyClick(&canvas, Qt::Key_D);
        QTest::keyClick(&canvas, Qt::Key_PageDown);
        QTest::keyClick(&canvas, Qt::Key_A);
        QCOMPARE(next.count(), 2);
        QCOMPARE(previous.count(), 1);
        canvas.zoomToActualSize();
        QTest::keyClick(&canvas, Qt::Key_Plus);
        QCOMPARE(canvas.zoom(), 1.5);
        QTest::keyClick(&canvas, Qt::Key_Minus);
        QTest::keyClick(&canvas, Qt::Key_Minus);
        QCOMPARE(canvas.zoom(), 2.0 / 3);
    }

    void layersPaintAndReceiveEvents()
    {
        ImageCanvas canvas;
        canvas.resize(200, 200);
        canvas.show();
        canvas.setImage(quadrants(100, 100));
        canvas.setZoomAt(2.0, QPointF(0, 0));
        canvas.setView(ViewTransform(2.0, QPointF(0, 0)));
        RecordingLayer layer;
        canvas.addLayer(&layer);
        QCOMPARE(canvas.layers().size(), 3); // image, pixel grid, ours
        QCOMPARE(canvas.layers().first(), static_cast<CanvasLayer*>(canvas.imageLayer()));
        const QImage shot = canvas.grab().toImage();
        QVERIFY(layer.paints > 0);
        QCOMPARE(layer.lastExposed, QRectF(0, 0, 100, 100));
        QCOMPARE(shot.pixelColor(21, 21), QColor(Qt::magenta)); // image pixel (10,10) at 2x
        QCOMPARE(shot.pixelColor(5, 5), QColor(Qt::red));
        QCOMPARE(shot.pixelColor(150, 150), QColor(Qt::white));
        // A tool that ignores the press lets the layer have it, in image coordinates.
        IdleTool tool;
        canvas.setTool(&tool);
        QCOMPARE(tool.activations, 1);
        sendMouse(&canvas, QEvent::MouseButtonPress, QPointF(61, 41), Qt::LeftButton, Qt::LeftButton);
        QCOMPARE(layer.pressedAt, QPointF(30.5, 20.5));
        canvas.setTool(nullptr);
        QCOMPARE(tool.deactivations, 1);
        layer.setVisible(false);
        QCOMPARE(canvas.grab().toImage().pixelColor(21, 21), QColor(Qt::red));
    }

    void pixelGridFromHighZoom()
    {
        ImageCanvas canvas;
        canvas.resize(200, 200);
        canvas.show();
        QImage img(20, 20, QImage::Format_RGB32);
        img.fill(Qt::black);
        canvas.setImage(img);
        canvas.setView(ViewTransform(16.0, QPointF(0, 0)));
        QImage shot = canvas.grab().toImage();
        QVERIFY(qGray(shot.pixel(16, 5)) > 30); // grid line between pixels 0 and 1
        QCOMPARE(qGray(shot.pixel(8, 5)), 0);   // inside a pixel
        canvas.setView(ViewTransform(8.0, QPointF(0, 0)));
        shot = canvas.grab().toImage();
        QCOMPARE(qGray(shot.pixel(16, 5)), 0); // no grid below 1200%
    }

    void boxDownsample()
    {
        QImage img(3, 3, QImage::Format_RGB32);
        img.fill(qRgb(0, 0, 0));
        img.setPixel(0, 0, qRgb(100, 200, 40));
        img.setPixel(1, 0, qRgb(0, 0, 0));
        img.setPixel(0, 1, qRgb(100, 0, 40));
        img.setPixel(1, 1, qRgb(0, 200, 0));
        img.setPixel(2, 2, qRgb(77, 77, 77));
        const QImage half = downsampleBox(img, 2);
        QCOMPARE(half.size(), QSize(2, 2));
        QCOMPARE(QColor(half.pixel(0, 0)), QColor(50, 100, 20));
        QCOMPARE(QColor(half.pixel(1, 1)), QColor(77, 77, 77)); // edge block holds one pixel
        const QImage third = downsampleBox(quadrants(12, 12), 3);
        QCOMPARE(third.size(), QSize(4, 4));
        QCOMPARE(QColor(third.pixel(0, 0)), QColor(Qt::red));
        QCOMPARE(QColor(third.pixel(3, 3)), QColor(Qt::white));
    }

    void tilePyramidLevels()
    {
        TilePyramid pyramid;
        const QImage img = quadrants(3000, 1100);
        QSignalSpy ready(&pyramid, &TilePyramid::levelReady);
        pyramid.setImage(img);
        QCOMPARE(pyramid.levelCount(), 4); // 3000 → 1500 → 750 → 375 (fits one 512 tile)
        pyramid.waitForFinished();
        QVERIFY(pyramid.isComplete());
        QCOMPARE(ready.count(), 3);
        QCOMPARE(ready.first().first().toInt(), 3); // the coarsest comes first
        QCOMPARE(pyramid.levelSize(1), QSize(1500, 550));
        QVERIFY(pyramid.tile(1, 3, 1).isNull()); // 1500 wide: 3 columns
        QCOMPARE(pyramid.tile(1, 2, 1).size(), QSize(1500 - 1024, 550 - 512));
        QCOMPARE(QColor(pyramid.tile(1, 0, 0).pixel(0, 0)), QColor(Qt::red));
        QCOMPARE(QColor(pyramid.tile(2, 1, 0).pixel(740 - 512, 270)), QColor(Qt::white));
        QVERIFY(pyramid.tile(1, 0, 5).isNull());
    }

    void coarserLevelStandsInWhileFinerAreBuilt()
    {
        ImageCanvas canvas;
        canvas.resize(600, 400);
        ImageLayer* layer = canvas.imageLayer();
        QList<int> drawnAtEachDelivery;
        connect(&layer->pyramid(), &TilePyramid::levelReady, this,
                [&] { drawnAtEachDelivery.append(layer->drawnLevel(1)); });
        canvas.setImage(quadrants(5000, 3000)); // levels 1..4
        QCOMPARE(layer->drawnLevel(1), 0);      // nothing reduced yet: the source itself
        layer->pyramid().waitForFinished();
        // First the coarsest stands in for level 1, then level 1 itself once it exists.
        QCOMPARE(drawnAtEachDelivery, QList<int>({4, 1, 1, 1}));
    }

    void levelOfDetailPainting()
    {
        ImageCanvas canvas;
        canvas.resize(600, 400);
        canvas.show();
        canvas.setImage(quadrants(6000, 4000));
        ImageLayer* layer = canvas.imageLayer();
        QCOMPARE(layer->wantedLevel(0.1), 3);
        QCOMPARE(layer->wantedLevel(0.5), 1);
        QCOMPARE(layer->wantedLevel(0.49), 1);
        QCOMPARE(layer->wantedLevel(2.0), 0);
        layer->pyramid().waitForFinished();
        QCOMPARE(layer->drawnLevel(3), 3);
        const QImage shot = canvas.grab().toImage();
        const ViewTransform v = canvas.view();
        auto colourAt = [&](QPointF imagePoint) {
            return shot.pixelColor(v.imageToWidget(imagePoint).toPoint());
        };
        QCOMPARE(colourAt({1500, 1000}), QColor(Qt::red));
        QCOMPARE(colourAt({4500, 1000}), QColor(Qt::green));
        QCOMPARE(colourAt({1500, 3000}), QColor(Qt::blue));
        QCOMPARE(colourAt({4500, 3000}), QColor(Qt::white));
        // Outside the image is the background, not image content.
        QCOMPARE(shot.pixelColor(2, 2).rgb(), canvas.palette().color(QPalette::Dark).rgb());
    }

    void asyncDecodeAndErrors()
    {
        QTemporaryDir dir;
        const QString good = dir.filePath(QStringLiteral("ok image.png"));
        QVERIFY(quadrants(64, 48).save(good));
        const QString bad = dir.filePath(QStringLiteral("broken.png"));
        {
            QFile f(bad);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("\x89PNG\r\n\x1a\n garbage");
        }
        ImageCanvas canvas;
        canvas.resize(300, 300);
        QSignalSpy changed(&canvas, &ImageCanvas::imageChanged);
        QSignalSpy failed(&canvas, &ImageCanvas::loadFailed);
        canvas.loadImage(good);
        QVERIFY(changed.wait(5000));
        QCOMPARE(canvas.imageSize(), QSize(64, 48));
        QCOMPARE(canvas.imagePath(), good);
        canvas.loadImage(bad);
        QVERIFY(failed.wait(5000));
        QCOMPARE(failed.first().first().toString(), bad);
        QVERIFY(failed.first().at(1).toString().contains(QStringLiteral("broken.png")));
    }
};

QTEST_MAIN(TestCanvas)
#include "tst_canvas.moc"
