// SPDX-License-Identifier: MIT
// The heat-map canvas layer: a known grid becomes known pixels (bilinear as upsampleBilinear, min–max
// normalised, coloured by the table), threshold clears low values, opacity blends over the image on a
// real canvas, hovering reports the raw value under the cursor, and cells map back to the grid.
#include "compute/attribution/attention_maps.h"
#include "views/canvas/imagecanvas.h"
#include "views/canvas/viewtransform.h"
#include "views/explain/colormap.h"
#include "views/explain/heatmaplayer.h"
#include "views/explain/heatmaprender.h"

#include <QApplication>
#include <QMouseEvent>
#include <QPainter>
#include <QSignalSpy>
#include <QTest>

using namespace loupe;
using namespace loupe::views;

namespace {

// 2 × 3 grid, values 0..5 row-major.
const std::vector<float> kGrid{0, 1, 2, 3, 4, 5};

QImage paintLayer(HeatMapLayer& layer, QSize size)
{
    QImage out(size, QImage::Format_ARGB32);
    out.fill(Qt::transparent);
    QPainter p(&out);
    layer.paint(p, ViewTransform(1.0, QPointF(0, 0)), QRectF(QPointF(0, 0), QSizeF(size)));
    return out;
}

} // namespace

class TestExplainHeatMapLayer : public QObject
{
    Q_OBJECT
private slots:
    void knownGridToKnownPixels()
    {
        HeatMapLayer layer;
        layer.imageChanged(QSize(6, 4)); // each cell covers 2 × 2 pixels
        layer.setMap(kGrid, 2, 3);
        QVERIFY(layer.hasMap());
        const QImage shot = paintLayer(layer, QSize(6, 4));
        const auto& viridis = colormapTable(Colormap::Viridis);
        // Corners hold the extreme cells exactly (edges clamp): 0 → first entry, 5 → last entry.
        QCOMPARE(shot.pixel(0, 0), viridis[0]);
        QCOMPARE(shot.pixel(5, 3), viridis[255]);
        // Pixel (1, 0): source x = (1.5)·3/6 − 0.5 = 0.25 → 0.25 of the way from 0 to 1, row 0 → value
        // 0.25, normalised 0.25/5 = 0.05 → index floor(0.05·256) = 12.
        QCOMPARE(shot.pixel(1, 0), viridis[12]);
        // Pixel (2, 2): x = 0.75 → 0.75; y = (2.5)·2/4 − 0.5 = 0.75 → 0.75 + 0.75·3 = 3.0 → 0.6 → 153.
        QCOMPARE(shot.pixel(2, 2), viridis[153]);
        // The same numbers as the engine's upsampling for every pixel.
        const std::vector<float> up = compute::attribution::upsampleBilinear(kGrid, 2, 3, 4, 6);
        for (int y = 0; y < 4; ++y)
            for (int x = 0; x < 6; ++x) {
                QCOMPARE(shot.pixel(x, y), colormapColor(Colormap::Viridis, up[size_t(y * 6 + x)] / 5.0f));
                QCOMPARE(*layer.valueAt(QPointF(x + 0.5, y + 0.5)), up[size_t(y * 6 + x)]);
            }
        layer.setColormap(Colormap::Gray);
        QCOMPARE(paintLayer(layer, QSize(6, 4)).pixel(2, 2), qRgb(153, 153, 153));
    }

    void thresholdClearsLowValues()
    {
        HeatMapLayer layer;
        layer.imageChanged(QSize(6, 4));
        layer.setMap(kGrid, 2, 3);
        layer.setThreshold(0.5); // normalised: values below 2.5 are clear
        const QImage shot = paintLayer(layer, QSize(6, 4));
        QCOMPARE(qAlpha(shot.pixel(0, 0)), 0);
        QCOMPARE(qAlpha(shot.pixel(5, 3)), 255);
        QCOMPARE(qAlpha(shot.pixel(2, 2)), 255); // 3.0 ≥ 2.5
        QCOMPARE(qAlpha(shot.pixel(1, 0)), 0);   // 0.25
    }

    void drawnOnCanvasWithOpacityAndHover()
    {
        ImageCanvas canvas;
        canvas.resize(200, 200);
        QImage black(60, 40, QImage::Format_RGB32);
        black.fill(Qt::black);
        canvas.setImage(black, QStringLiteral("black.png"));
        canvas.setView(ViewTransform(1.0, QPointF(0, 0)));
        HeatMapLayer layer;
        canvas.addLayer(&layer);
        QCOMPARE(layer.imageSize(), QSize(60, 40));
        layer.setColormap(Colormap::Gray);
        layer.setMap(kGrid, 2, 3);
        layer.setOpacity(0.5);
        const QImage shot = canvas.grab().toImage();
        // Bottom-right cell is the maximum: white at 50 % over black ≈ 128 grey.
        QVERIFY2(std::abs(qRed(shot.pixel(55, 35)) - 128) <= 2,
                 qPrintable(QString::number(qRed(shot.pixel(55, 35)))));
        QVERIFY(qRed(shot.pixel(2, 2)) <= 2); // the minimum stays black

        QSignalSpy hovered(&layer, &HeatMapLayer::hovered);
        QMouseEvent move(QEvent::MouseMove, QPointF(55.5, 35.5), canvas.mapToGlobal(QPointF(55.5, 35.5)),
                         Qt::NoButton, Qt::NoButton, Qt::NoModifier);
        QApplication::sendEvent(&canvas, &move);
        QCOMPARE(hovered.count(), 1);
        QCOMPARE(hovered.first().at(0).toBool(), true);
        QCOMPARE(hovered.first().at(1).toPoint(), QPoint(55, 35));
        QCOMPARE(hovered.first().at(2).toFloat(), 5.0f);
        QMouseEvent off(QEvent::MouseMove, QPointF(150, 150), canvas.mapToGlobal(QPointF(150, 150)),
                        Qt::NoButton, Qt::NoButton, Qt::NoModifier);
        QApplication::sendEvent(&canvas, &off);
        QCOMPARE(hovered.last().at(0).toBool(), false);
    }

    void cellsAndBadInput()
    {
        HeatMapLayer layer;
        layer.imageChanged(QSize(60, 40));
        layer.setMap(kGrid, 2, 3);
        QCOMPARE(*layer.cellAt(QPointF(0, 0)), QPoint(0, 0));
        QCOMPARE(*layer.cellAt(QPointF(59.9, 39.9)), QPoint(2, 1));
        QCOMPARE(*layer.cellAt(QPointF(25, 19)), QPoint(1, 0));
        QVERIFY(!layer.cellAt(QPointF(60, 10)));
        QVERIFY(!layer.valueAt(QPointF(-1, 3)));
        // A grid that does not match its shape is refused (nothing drawn), not read out of bounds.
        layer.setMap({1, 2, 3}, 2, 3);
        QVERIFY(!layer.hasMap());
        QVERIFY(layer.rendered().isNull());
        QVERIFY(renderHeatMap({1, 2}, 2, 3, QSize(4, 4), Colormap::Jet).isNull());
    }

    void largeImagesRenderSmallerButHoverExact()
    {
        HeatMapLayer layer;
        layer.imageChanged(QSize(4000, 3000));
        layer.setMap(kGrid, 2, 3);
        QVERIFY(layer.rendered().width() <= HeatMapLayer::kMaxRenderSide);
        QCOMPARE(layer.rendered().width() * 3, layer.rendered().height() * 4);
        const std::vector<float> up = compute::attribution::upsampleBilinear(kGrid, 2, 3, 3000, 4000);
        QCOMPARE(*layer.valueAt(QPointF(1234.2, 2345.7)), up[size_t(2345) * 4000 + 1234]);
    }
};

QTEST_MAIN(TestExplainHeatMapLayer)
#include "tst_explain_heatmaplayer.moc"
