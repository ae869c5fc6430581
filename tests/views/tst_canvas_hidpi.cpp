// SPDX-License-Identifier: MIT
// The canvas on a 2x screen: "100%" maps one image pixel to one device pixel, exactly (crisp), and
// the cursor maths works in logical widget pixels.
#include "views/canvas/imagecanvas.h"

#include <QApplication>
#include <QMouseEvent>
#include <QStandardPaths>
#include <QTest>

using namespace loupe::views;

class TestCanvasHiDpi : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY2(qApp->devicePixelRatio() == 2.0, "QT_SCALE_FACTOR=2 did not apply");
    }

    void actualPixelsAreDevicePixels()
    {
        // A one-pixel checkerboard: any resampling would blur it into grey.
        QImage img(64, 48, QImage::Format_RGB32);
        for (int y = 0; y < img.height(); ++y)
            for (int x = 0; x < img.width(); ++x)
                img.setPixel(x, y, (x + y) % 2 ? qRgb(255, 255, 255) : qRgb(0, 0, 0));
        ImageCanvas canvas;
        canvas.resize(100, 80);
        canvas.show();
        canvas.setImage(img);
        canvas.zoomToActualSize();
        QCOMPARE(canvas.zoom(), 1.0);
        QCOMPARE(canvas.view().scale(), 0.5);
        const QImage shot = canvas.grab().toImage();
        QCOMPARE(shot.size(), QSize(200, 160));                                  // device pixels
        const QPointF origin = canvas.view().imageToWidget(QPointF(0, 0)) * 2.0; // device position
        QCOMPARE(origin, QPointF(std::round(origin.x()), std::round(origin.y())));
        for (int y = 0; y < img.height(); y += 7)
            for (int x = 0; x < img.width(); x += 5)
                QCOMPARE(shot.pixel(int(origin.x()) + x, int(origin.y()) + y), img.pixel(x, y));
        // Position maths stays in logical pixels: logical point (o + 10.25) is image pixel 20.
        const QPointF logical = canvas.view().imageToWidget(QPointF(20.5, 11.5));
        QMouseEvent move(QEvent::MouseMove, logical, canvas.mapToGlobal(logical), Qt::NoButton, Qt::NoButton,
                         Qt::NoModifier);
        QApplication::sendEvent(&canvas, &move);
        QCOMPARE(canvas.cursorInfo().pixel, QPoint(20, 11));
    }

    void fitUsesDevicePixels()
    {
        ImageCanvas canvas;
        canvas.resize(216, 216);
        canvas.show();
        canvas.setImage(QImage(400, 100, QImage::Format_RGB32));
        // 200 logical = 400 device pixels for 400 image pixels: fit is exactly 100%.
        QCOMPARE(canvas.zoom(), 1.0);
    }
};

int main(int argc, char** argv)
{
    qputenv("QT_SCALE_FACTOR", "2");
    QApplication app(argc, argv);
    TestCanvasHiDpi test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_canvas_hidpi.moc"
