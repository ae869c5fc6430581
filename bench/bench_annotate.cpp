// SPDX-License-Identifier: MIT
// Shape drawing speed (offscreen): 5,000 polygons of ~20 vertices on one 4000x3000 image, whole canvas
// frames rendered while panning at several zooms (what a pan repaints), one shape selected so handles
// are drawn too; the same frames with the shape layer hidden (image-only baseline); every shape drawn
// uncached at fit (a zoom step); and a vertex drag per mouse move (merged command on an in-memory
// document + index update + repaint of the touched region). Prints JSON; target < 16 ms per frame.
// Usage: loupe_bench_annotate [shapes=5000] [frames=60]
#include "annotation/commands/movevertices.h"
#include "annotation/document/annotationdocument.h"
#include "views/annotate/annotator.h"
#include "views/annotate/shapelayer.h"
#include "views/annotate/shapescene.h"
#include "views/canvas/imagecanvas.h"
#include "views/canvas/imagelayer.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <QRandomGenerator>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

using namespace loupe::annotation;
using namespace loupe::views;

namespace {

QJsonObject stats(std::vector<double> ms)
{
    std::sort(ms.begin(), ms.end());
    double sum = 0;
    for (double v : ms)
        sum += v;
    return QJsonObject{{"mean_ms", sum / double(ms.size())},
                       {"p50_ms", ms[ms.size() / 2]},
                       {"p95_ms", ms[std::min(ms.size() - 1, size_t(double(ms.size()) * 0.95))]},
                       {"max_ms", ms.back()}};
}

// Star-ish polygons of ~20 vertices, 20-120 px across, scattered over the image.
std::vector<Shape> makeShapes(int n, QSize image)
{
    QRandomGenerator rng(42);
    std::vector<Shape> out;
    out.reserve(size_t(n));
    for (int i = 0; i < n; ++i) {
        const QPointF c(rng.bounded(image.width()), rng.bounded(image.height()));
        const double r = 10 + rng.bounded(50.0);
        const int k = 18 + rng.bounded(5);
        QPolygonF p;
        for (int j = 0; j < k; ++j) {
            const double a = 2 * M_PI * j / k;
            const double rr = r * (0.7 + 0.3 * rng.generateDouble());
            p << c + QPointF(std::cos(a) * rr, std::sin(a) * rr);
        }
        Shape s;
        s.imageId = 1;
        s.labelId = 1 + i % 6;
        s.geometry = PolygonGeom{p};
        out.push_back(std::move(s));
    }
    return out;
}

} // namespace

int main(int argc, char** argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int count = argc > 1 ? std::max(1, atoi(argv[1])) : 5000;
    const int frames = argc > 2 ? std::max(5, atoi(argv[2])) : 60;
    const QSize imageSize(4000, 3000);
    QJsonObject out{{"shapes", count},
                    {"vertices_per_shape", "18-22"},
                    {"image", "4000x3000"},
                    {"viewport", "1600x1000"},
                    {"frames", frames}};

    MemoryAnnotationStore store;
    AnnotationDocument doc(store);
    std::vector<LabelDef> labels;
    for (int i = 1; i <= 6; ++i)
        labels.push_back(LabelDef{
            i, QStringLiteral("label%1").arg(i), QColor::fromHsv((i * 60) % 360, 200, 230), {}, {}, {}});

    QWidget window;
    auto* canvas = new ImageCanvas(&window);
    canvas->resize(1600, 1000);
    QImage img(imageSize, QImage::Format_RGB32);
    img.fill(QColor(90, 100, 110));
    canvas->setImage(img, QStringLiteral("bench.png"));
    canvas->imageLayer()->pyramid().waitForFinished();
    Annotator annotator(canvas, &window);
    annotator.setDocument(&doc, labels);

    QElapsedTimer t;
    t.start();
    std::vector<Shape> shapes = makeShapes(count, imageSize);
    std::vector<ShapeChange> changes;
    for (Shape& s : shapes)
        changes.push_back({ShapeChange::Op::Insert, std::move(s)});
    if (!doc.apply(changes, ChangeEvent::All)) return 1;
    out["insert_ms"] = double(t.nsecsElapsed()) / 1e6;
    t.restart();
    annotator.setImage(1, imageSize); // loads the image's shapes and builds the index
    out["load_image_shapes_ms"] = double(t.nsecsElapsed()) / 1e6;
    annotator.scene()->setSelection({annotator.scene()->order()[size_t(count / 2)]});

    QImage target(canvas->size(), QImage::Format_ARGB32_Premultiplied);
    // One pass per zoom: the first frame after the zoom change draws every shape in view (the layer's
    // cache is rebuilt), the following ones are pans. The same loop with the shape layer hidden gives
    // the image-only cost of a frame on this machine.
    auto panRun = [&](double zoom, bool shapes) {
        annotator.layer()->setVisible(shapes);
        if (zoom == 0)
            canvas->fitToWindow();
        else
            canvas->setView(ViewTransform::centered(QSizeF(imageSize), QSizeF(canvas->size()), zoom, 1.0));
        t.restart();
        canvas->render(&target);
        const double first = double(t.nsecsElapsed()) / 1e6;
        // Above ShapeLayer::kDeferAbove shapes the first frame shows the old drawing scaled; the shapes
        // are drawn anew once the zoom rests: that frame is the real cost of a zoom step.
        const bool settled = annotator.layer()->isSettling();
        double settle = first;
        if (settled) {
            QElapsedTimer wait;
            wait.start();
            while (annotator.layer()->isSettling() && wait.elapsed() < 2000)
                QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
            t.restart();
            canvas->render(&target);
            settle = double(t.nsecsElapsed()) / 1e6;
        }
        const int inView = annotator.layer()->lastPaintedCount();
        std::vector<double> ms;
        for (int f = 0; f < frames; ++f) {
            canvas->setView(canvas->view().panned(QPointF(f % 2 ? 37 : -37, f % 4 < 2 ? 29 : -29)));
            t.restart();
            canvas->render(&target);
            ms.push_back(double(t.nsecsElapsed()) / 1e6);
        }
        QJsonObject r = stats(ms);
        r["first_frame_ms"] = first;
        r["zoom_settled_frame_ms"] = settle;
        r["first_frame_scaled_cache"] = settled;
        r["zoom"] = canvas->zoom();
        if (shapes) {
            r["shapes_in_view"] = inView;
            r["antialiased"] = annotator.layer()->isAntialiased();
        }
        return r;
    };
    QJsonArray runs, baseline;
    for (double zoom : {0.0, 0.5, 1.0, 2.0}) {
        runs.append(panRun(zoom, true));
        baseline.append(panRun(zoom, false));
    }
    annotator.layer()->setVisible(true);
    out["redraw_while_panning"] = runs;
    out["image_only_while_panning"] = baseline;

    // Whole frames with every shape drawn (no cache): what a zoom step costs.
    {
        ShapeLayer direct(annotator.scene());
        canvas->fitToWindow();
        std::vector<double> ms;
        QPainter p(&target);
        for (int f = 0; f < 10; ++f) {
            t.restart();
            direct.paint(p, canvas->view(),
                         canvas->view().widgetToImage(QRectF(QPointF(), QSizeF(canvas->size()))));
            ms.push_back(double(t.nsecsElapsed()) / 1e6);
        }
        out["all_shapes_uncached_fit"] = stats(ms);
    }

    // A vertex drag at 1:1 on a shape in the middle of the view: one MoveVertices per mouse move
    // (merged), the scene and index updated from the change event, then the touched region repainted.
    canvas->setView(ViewTransform::centered(QSizeF(imageSize), QSizeF(canvas->size()), 1.0, 1.0));
    canvas->render(&target);
    const QPointF middle(imageSize.width() / 2.0, imageSize.height() / 2.0);
    qint64 selected = 0;
    for (qint64 id : annotator.scene()->visibleIn(QRectF(middle - QPointF(200, 200), QSizeF(400, 400))))
        if (std::holds_alternative<PolygonGeom>(annotator.scene()->shape(id)->geometry)) selected = id;
    annotator.scene()->setSelection({selected});
    canvas->render(&target);
    const QPolygonF start = std::get<PolygonGeom>(doc.shape(selected)->geometry).points;
    std::vector<double> drag;
    for (int f = 0; f < frames; ++f) {
        t.restart();
        doc.undoStack()->push(new MoveVertices(doc, selected, {0}, {start[0] + QPointF(f, f / 2.0)}, 1));
        const QRect dirty = canvas->view()
                                .imageToWidget(QRectF(start.boundingRect()).adjusted(-80, -80, 80, 80))
                                .toAlignedRect();
        canvas->render(&target, dirty.topLeft(), QRegion(dirty));
        drag.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    QJsonObject d = stats(drag);
    d["undo_steps"] = doc.undoStack()->count();
    out["vertex_drag_per_move"] = d;
    std::printf("%s\n", QJsonDocument(out).toJson(QJsonDocument::Indented).constData());
    return 0;
}
