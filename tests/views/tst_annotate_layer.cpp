// SPDX-License-Identifier: MIT
// The ShapeLayer as users see it: label colours on screen, handles of one on-screen size at any zoom,
// culling to the visible part, repaints limited to what a change touched, hidden labels not drawn.
#include "annotation/commands/moveshapes.h"
#include "tst_annotate_fixture.h"
#include "views/annotate/shapelayer.h"

#include <QSignalSpy>
#include <QStandardPaths>
#include <cmath>

using namespace annotate_test;

namespace {

bool near(QRgb a, QColor b, int tol = 40)
{
    return qAbs(qRed(a) - b.red()) <= tol && qAbs(qGreen(a) - b.green()) <= tol &&
           qAbs(qBlue(a) - b.blue()) <= tol;
}

// The pixel at logical widget coordinates (grabs are in device pixels on HiDPI screens).
QRgb at(const QImage& img, double x, double y)
{
    const double r = img.devicePixelRatio();
    return img.pixel(int(x * r), int(y * r));
}

// Length of the run of pure-white pixels through (x, y) along the row.
int whiteRun(const QImage& img, int x, int y)
{
    auto white = [&](int px) {
        return px >= 0 && px < img.width() && img.pixel(px, y) == qRgb(255, 255, 255);
    };
    if (!white(x)) return 0;
    int l = x, r = x;
    while (white(l - 1))
        --l;
    while (white(r + 1))
        ++r;
    return r - l + 1;
}

} // namespace

class TestAnnotateLayer : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void labelColoursOnScreen()
    {
        Fixture f;
        f.add(RectangleGeom{QRectF(20, 20, 60, 40)}, 1);  // car: red
        f.add(RectangleGeom{QRectF(120, 20, 60, 40)}, 3); // tree: blue
        const QImage shot = f.canvas->grab().toImage();
        // Outlines in the label colour (left side at x = 20 image = 40 widget).
        QVERIFY(near(at(shot, 40, 80), QColor(230, 40, 40)));
        QVERIFY(near(at(shot, 240, 80), QColor(40, 80, 230)));
        // The inside is tinted (not the plain grey image) but still shows the image.
        const QRgb inside = at(shot, 100, 80);
        QVERIFY(inside != qRgb(128, 128, 128));
        QVERIFY(qRed(inside) > qGreen(inside));
        f.scene()->setLabelHidden(1, true);
        const QImage hidden = f.canvas->grab().toImage();
        QCOMPARE(at(hidden, 100, 80), qRgb(128, 128, 128));
        QVERIFY(near(at(hidden, 240, 80), QColor(40, 80, 230)));
    }

    void handlesKeepTheirScreenSize()
    {
        Fixture f;
        const QRectF box(100, 100, 100, 80);
        const qint64 id = f.add(RectangleGeom{box});
        f.scene()->setSelection({id});
        QList<int> sizes;
        for (double scale : {0.5, 1.0, 4.0}) {
            // The top-left corner in the middle of the widget, whatever the zoom.
            f.canvas->setView(ViewTransform(scale, QPointF(300, 300) - box.topLeft() * scale));
            const QImage shot = f.canvas->grab().toImage();
            const double r = shot.devicePixelRatio();
            sizes << int(std::lround(whiteRun(shot, int(300 * r), int(300 * r)) / r));
        }
        QVERIFY2(sizes[0] >= 5 && sizes[0] <= 8, qPrintable(QString::number(sizes[0])));
        QCOMPARE(sizes[1], sizes[0]);
        QCOMPARE(sizes[2], sizes[0]);
    }

    void culledToTheVisiblePart()
    {
        Fixture f;
        std::vector<Shape> many;
        for (int y = 0; y < 20; ++y)
            for (int x = 0; x < 20; ++x) {
                Shape s;
                s.labelId = 1 + (x + y) % 3;
                s.geometry = PolygonGeom{QPolygonF({{x * 20.0 + 2, y * 15.0 + 2},
                                                    {x * 20.0 + 15, y * 15.0 + 2},
                                                    {x * 20.0 + 9, y * 15.0 + 12}})};
                many.push_back(s);
            }
        f.scene()->addShapes(many, false);
        QCOMPARE(f.scene()->shapeCount(), 400);
        f.canvas->fitToWindow();
        f.canvas->grab();
        QCOMPARE(f.annotator->layer()->lastPaintedCount(), 400);
        // At 8x only a few shapes are on screen: only those are drawn.
        f.canvas->setView(ViewTransform(8.0, QPointF(0, 0)));
        f.canvas->grab();
        const int painted = f.annotator->layer()->lastPaintedCount();
        QVERIFY2(painted > 0 && painted < 60, qPrintable(QString::number(painted)));
        // Far out, every triangle is under two screen pixels: each still shows as a dot of its colour.
        f.canvas->setView(ViewTransform(0.05, QPointF(10, 10)));
        const QImage tiny = f.canvas->grab().toImage();
        const QRect area = f.canvas->view().imageToWidget(QRectF(0, 0, 400, 300)).toAlignedRect();
        bool red = false, green = false, blue = false;
        for (int y = area.top(); y <= area.bottom(); ++y)
            for (int x = area.left(); x <= area.right(); ++x) {
                red = red || near(tiny.pixel(x, y), QColor(230, 40, 40), 30);
                green = green || near(tiny.pixel(x, y), QColor(40, 200, 40), 30);
                blue = blue || near(tiny.pixel(x, y), QColor(40, 80, 230), 30);
            }
        QVERIFY(red && green && blue);
    }

    void cachedPansAndEditsMatchAFullRedraw()
    {
        Fixture f;
        for (int i = 0; i < 60; ++i)
            f.add(PolygonGeom{QPolygonF({{i * 6.0 + 3, (i % 7) * 40.0 + 5},
                                         {i * 6.0 + 30, (i % 7) * 40.0 + 8},
                                         {i * 6.0 + 12, (i % 7) * 40.0 + 38}})},
                  1 + i % 3);
        const qint64 moved = f.scene()->order()[10];
        f.scene()->setSelection({moved});
        f.canvas->grab();
        // Pans in whole pixels, an edit while panned (its region redrawn in the cache), more pans.
        for (QPointF d : {QPointF(37, -29), QPointF(-12, 40), QPointF(5, 5)}) {
            f.canvas->setView(f.canvas->view().panned(d));
            f.canvas->grab();
        }
        f.stack()->push(new MoveShapes(*f.doc, {moved}, QPointF(17, 9), 1));
        f.canvas->grab();
        f.canvas->setView(f.canvas->view().panned(QPointF(-60, 21)));
        const QImage cached = f.canvas->grab().toImage();
        f.annotator->layer()->setViewport(f.canvas); // drops the cache: the next paint draws everything
        const QImage fresh = f.canvas->grab().toImage();
        QCOMPARE(cached.size(), fresh.size());
        // Antialiased edges cut by a strip's clip may differ by a level or two; a stale or missing shape
        // differs by far more.
        int differing = 0;
        for (int y = 0; y < fresh.height(); ++y)
            for (int x = 0; x < fresh.width(); ++x)
                differing += !near(cached.pixel(x, y), QColor(fresh.pixel(x, y)), 3);
        QCOMPARE(differing, 0);
    }

    void zoomWithThousandsOfShapesSettles()
    {
        Fixture f;
        std::vector<Shape> many;
        for (int i = 0; i < ShapeLayer::kDeferAbove + 200; ++i) {
            Shape s;
            s.labelId = 1 + i % 3;
            s.geometry = RectangleGeom{QRectF((i % 40) * 10.0, (i / 40) * 9.0, 6, 5)};
            many.push_back(s);
        }
        f.scene()->addShapes(many, false);
        ShapeLayer* layer = f.annotator->layer();
        f.canvas->setView(ViewTransform(1.0, QPointF(10, 10)));
        f.canvas->grab();
        QCOMPARE(layer->lastPaintedCount(), int(many.size()));
        QVERIFY(!layer->isSettling());
        // A zoom step: the old drawing, scaled, at once; the shapes drawn anew once the zoom rests.
        f.canvas->setView(ViewTransform(1.25, QPointF(10, 10)));
        const QImage quick = f.canvas->grab().toImage();
        QVERIFY(layer->isSettling());
        QCOMPARE(layer->lastPaintedCount(), 0);
        QSignalSpy redraw(layer, &CanvasLayer::changed);
        QTRY_VERIFY(!layer->isSettling());
        QCOMPARE(redraw.size(), 1);
        QVERIFY(redraw.first().first().toRectF().isNull()); // the whole view
        layer->setViewport(f.canvas); // the window may already have repainted: make grab() draw
        const QImage settled = f.canvas->grab().toImage();
        QVERIFY(layer->lastPaintedCount() > ShapeLayer::kDeferAbove);
        // Both show the shapes where they are: the first rectangle's outline at (10,10) in both.
        QVERIFY(near(at(quick, 10, 12), QColor(230, 40, 40), 60));
        QVERIFY(near(at(settled, 10, 12), QColor(230, 40, 40), 60));
    }

    void repaintsOnlyWhatChanged()
    {
        Fixture f;
        const qint64 a = f.add(RectangleGeom{QRectF(20, 20, 30, 30)});
        f.canvas->grab(); // the layer learns the view
        QSignalSpy spy(f.annotator->layer(), &CanvasLayer::changed);
        f.stack()->push(new MoveShapes(*f.doc, {a}, QPointF(10, 0), 1));
        QCOMPARE(spy.size(), 1);
        const QRectF dirty = spy.first().first().toRectF();
        QVERIFY(!dirty.isNull());
        QVERIFY(dirty.contains(QRectF(20, 20, 40, 30)));      // old and new place
        QVERIFY(dirty.width() < 120 && dirty.height() < 120); // not the whole 400x300 image
        // A change on another image does not repaint this one.
        spy.clear();
        Shape other;
        other.imageId = 99;
        other.labelId = 1;
        other.geometry = PointGeom{QPointF(5, 5)};
        std::vector<ShapeChange> changes{{ShapeChange::Op::Insert, other}};
        QVERIFY(f.doc->apply(changes, ChangeEvent::All));
        QCOMPARE(spy.size(), 0);
    }
};

QTEST_MAIN(TestAnnotateLayer)
#include "tst_annotate_layer.moc"
