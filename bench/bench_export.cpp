// SPDX-License-Identifier: MIT
// Export speed (10,000 images x 20 shapes to COCO and YOLO; target < 5 s each) and the time to apply
// one edit command through the document (target < 5 ms). Prints JSON.
// Usage: loupe_bench_export [images] [shapes_per_image]
#include "annotation/commands/addshapes.h"
#include "annotation/commands/changelabel.h"
#include "annotation/commands/moveshapes.h"
#include "annotation/commands/paintmask.h"
#include "annotation/document/annotationdocument.h"
#include "annotation/document/persistenthistory.h"
#include "annotation/formats/formats.h"
#include "annotation/geometry/raster.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

using namespace loupe::annotation;

namespace {

// Per image: 10 boxes, 8 polygons of 12 vertices, 2 masks (ellipses) on a 640 x 480 image.
Dataset makeDataset(int images, int perImage)
{
    Dataset d;
    for (int l = 0; l < 20; ++l) {
        LabelDef label;
        label.name = QStringLiteral("class_%1").arg(l);
        d.labels.push_back(label);
    }
    std::mt19937 rng(1);
    std::uniform_real_distribution<double> ux(20, 600), uy(20, 440), us(5, 40);
    // Masks are rasterised once and reused: building the dataset is not what is measured.
    std::vector<RleMask> masks;
    for (int k = 0; k < 16; ++k) {
        QPolygonF ellipse;
        const double cx = ux(rng), cy = uy(rng), rx = us(rng), ry = us(rng);
        for (int v = 0; v < 24; ++v)
            ellipse << QPointF(std::clamp(cx + rx * std::cos(v * M_PI / 12), 0.0, 640.0),
                               std::clamp(cy + ry * std::sin(v * M_PI / 12), 0.0, 480.0));
        masks.push_back(polygonToMask(ellipse, 640, 480));
    }
    d.images.reserve(size_t(images));
    for (int i = 0; i < images; ++i) {
        DatasetImage im;
        im.path = QStringLiteral("images/%1/img_%2.jpg").arg(i % 100).arg(i);
        im.width = 640;
        im.height = 480;
        for (int s = 0; s < perImage; ++s) {
            Shape sh;
            sh.labelId = int(rng() % 20);
            const double x = ux(rng), y = uy(rng), w = us(rng), h = us(rng);
            const int kind = s % 10;
            if (kind < 5) {
                sh.geometry = RectangleGeom{QRectF(x, y, std::min(w, 640 - x), std::min(h, 480 - y))};
            } else if (kind < 9 || perImage < 10) {
                QPolygonF p;
                for (int v = 0; v < 12; ++v)
                    p << QPointF(std::clamp(x + w * std::cos(v * M_PI / 6), 0.0, 640.0),
                                 std::clamp(y + h * std::sin(v * M_PI / 6), 0.0, 480.0));
                sh.geometry = PolygonGeom{p};
            } else {
                sh.geometry = MaskGeom{masks[size_t(rng() % masks.size())]};
            }
            im.shapes.push_back(std::move(sh));
        }
        d.images.push_back(std::move(im));
    }
    return d;
}

double exportSeconds(Format f, const Dataset& d, ExportOptions opt, bool* ok)
{
    QTemporaryDir dir;
    FormatReport report;
    QElapsedTimer t;
    t.start();
    *ok = exportDataset(f, d, dir.path(), opt, report) && !report.hasErrors();
    return t.nsecsElapsed() / 1e9;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const int images = argc > 1 ? std::max(1, atoi(argv[1])) : 10000;
    const int perImage = argc > 2 ? std::max(1, atoi(argv[2])) : 20;
    const Dataset d = makeDataset(images, perImage);

    bool cocoOk = false, yoloOk = false, segOk = false;
    const double coco = exportSeconds(Format::Coco, d, {}, &cocoOk);
    ExportOptions detect;
    detect.yoloTask = YoloTask::Detect;
    const double yolo = exportSeconds(Format::Yolo, d, detect, &yoloOk);
    ExportOptions segment;
    segment.yoloTask = YoloTask::Segment;
    const double yoloSeg = exportSeconds(Format::Yolo, d, segment, &segOk);

    // Edit commands against a store holding the whole dataset's shapes.
    MemoryAnnotationStore store;
    AnnotationDocument doc(store);
    MemoryHistoryStore historyStore; // each edit also serialises its undo record, as it will in a project
    PersistentHistory history(doc, historyStore);
    std::vector<ShapeChange> load;
    for (size_t i = 0; i < d.images.size(); ++i)
        for (Shape s : d.images[i].shapes) {
            s.imageId = qint64(i + 1);
            load.push_back({ShapeChange::Op::Insert, std::move(s)});
        }
    QString err;
    store.apply(load, &err);
    std::vector<double> editMs;
    QElapsedTimer t;
    for (int k = 0; k < 200; ++k) {
        const qint64 id = load[size_t(k * 97) % load.size()].shape.id;
        t.start();
        if (k % 2)
            doc.undoStack()->push(new MoveShapes(doc, {id}, QPointF(1, 1), k));
        else
            doc.undoStack()->push(new ChangeLabel(doc, {id}, k % 20));
        editMs.push_back(t.nsecsElapsed() / 1e6);
    }
    std::sort(editMs.begin(), editMs.end());

    // Brush on a 4000 x 3000 mask: one PaintMask per mouse move of one stroke (merged into one step).
    Shape big;
    big.imageId = 999999;
    big.geometry = MaskGeom{polygonToMask(QPolygonF(QRectF(500, 500, 2000, 1500)), 4000, 3000)};
    auto* addBig = new AddShapes(doc, {big});
    doc.undoStack()->push(addBig);
    const qint64 bigId = addBig->shapes().front().id;
    std::vector<double> paintMs;
    for (int k = 0; k < 100; ++k) {
        const QPointF a(1000 + 20 * k, 400 + 10 * k), b(1020 + 20 * k, 410 + 10 * k);
        t.start();
        doc.undoStack()->push(new PaintMask(doc, bigId, a, b, 25, k % 3 == 0, 424242));
        paintMs.push_back(t.nsecsElapsed() / 1e6);
    }
    std::sort(paintMs.begin(), paintMs.end());

    QJsonObject out{
        {QStringLiteral("bench"), QStringLiteral("export")},
        {QStringLiteral("images"), images},
        {QStringLiteral("shapes_per_image"), perImage},
        {QStringLiteral("shape_mix"),
         QStringLiteral("per 10: 5 boxes, 4 polygons (12 vertices), 1 mask (640x480)")},
        {QStringLiteral("coco_export_s"), coco},
        {QStringLiteral("yolo_detect_export_s"), yolo},
        {QStringLiteral("yolo_segment_export_s"), yoloSeg},
        {QStringLiteral("exports_ok"), cocoOk && yoloOk && segOk},
        {QStringLiteral("edit_command_store"),
         QStringLiteral(
             "in-memory store + persistent undo record per edit (SQLite store not integrated yet)")},
        {QStringLiteral("edit_command_median_ms"), editMs[editMs.size() / 2]},
        {QStringLiteral("edit_command_p99_ms"), editMs[editMs.size() * 99 / 100]},
        {QStringLiteral("paint_mask_4000x3000_median_ms"), paintMs[paintMs.size() / 2]},
        {QStringLiteral("targets"),
         QJsonObject{{QStringLiteral("export_s"), 5}, {QStringLiteral("edit_ms"), 5}}},
    };
    std::printf("%s\n", QJsonDocument(out).toJson(QJsonDocument::Indented).constData());
    return 0;
}
