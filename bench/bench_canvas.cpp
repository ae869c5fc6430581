// SPDX-License-Identifier: MIT
// Canvas speed on an 8000×8000 image (offscreen): decode time off the GUI thread, LOD pyramid build
// time, and paint time per frame while panning at several zooms once the tiles are built; and the
// dataset browser's time to count and show its first page of 100,000 assets from an in-memory source
// (the model + worker-thread overhead alone, no SQL). Prints JSON.
// Usage: loupe_bench_canvas [side=8000] [frames=60]
#include "views/canvas/imagecanvas.h"
#include "views/canvas/imagedecoder.h"
#include "views/canvas/imagelayer.h"
#include "views/dataset/datasetmodel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <QTemporaryDir>
#include <algorithm>
#include <cstdio>
#include <vector>

using namespace loupe::views;

namespace {

QImage makeImage(int side)
{
    QImage img(side, side, QImage::Format_RGB32);
    for (int y = 0; y < side; ++y) {
        auto* row = reinterpret_cast<quint32*>(img.scanLine(y));
        for (int x = 0; x < side; ++x)
            row[x] = qRgb((x * 255) / side, (y * 255) / side, ((x ^ y) & 0xFF));
    }
    return img;
}

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

class MemorySource : public AssetSource
{
public:
    explicit MemorySource(int n) : m_n(n) {}
    int count(const DatasetFilter&, QString*) override { return m_n; }
    QList<AssetRow> page(const DatasetFilter&, int offset, int limit, QString*) override
    {
        QList<AssetRow> rows;
        for (int i = offset; i < std::min(m_n, offset + limit); ++i)
            rows.append(AssetRow{i + 1, QStringLiteral("images/%1.jpg").arg(i),
                                 QStringLiteral("/data/images/%1.jpg").arg(i), 640, 480,
                                 QStringLiteral("train"), QStringLiteral("unreviewed"), 0});
        return rows;
    }

private:
    int m_n;
};

// Time from creating the model to its first page being shown (count and page 0 delivered).
double browserFirstPageMs(int assets)
{
    QElapsedTimer t;
    t.start();
    DatasetModel model([assets] { return std::make_unique<MemorySource>(assets); });
    while (!(model.isCounted() && model.rowAt(0)))
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    return double(t.nsecsElapsed()) / 1e6;
}

} // namespace

int main(int argc, char** argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int side = argc > 1 ? std::max(64, atoi(argv[1])) : 8000;
    const int frames = argc > 2 ? std::max(5, atoi(argv[2])) : 60;
    QJsonObject out{
        {"image", QStringLiteral("%1x%1").arg(side)}, {"viewport", "1600x1000"}, {"frames", frames}};

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("big.jpg"));
    makeImage(side).save(path, "JPEG", 90);

    QElapsedTimer t;
    t.start();
    const DecodedImage decoded = ImageDecoder::decode(path);
    out["decode_jpeg_ms"] = double(t.nsecsElapsed()) / 1e6;
    if (!decoded.error.isEmpty()) {
        std::fprintf(stderr, "%s\n", qPrintable(decoded.error));
        return 1;
    }

    ImageCanvas canvas;
    canvas.resize(1600, 1000);
    t.restart();
    canvas.setImage(decoded.source, path);
    out["set_image_ms"] = double(t.nsecsElapsed()) / 1e6; // GUI-thread cost: must stay small
    t.restart();
    canvas.imageLayer()->pyramid().waitForFinished();
    out["pyramid_build_ms"] = double(t.nsecsElapsed()) / 1e6 + out["set_image_ms"].toDouble();

    QImage target(canvas.size(), QImage::Format_ARGB32_Premultiplied);
    QJsonArray runs;
    for (double zoom : {0.0, 0.3, 0.7, 1.0, 3.0}) {
        // Each run starts centred and pans back and forth around the centre (no net drift).
        if (zoom == 0)
            canvas.fitToWindow();
        else
            canvas.setView(
                ViewTransform::centered(QSizeF(canvas.imageSize()), QSizeF(canvas.size()), zoom, 1.0));
        std::vector<double> ms;
        for (int f = 0; f < frames; ++f) {
            canvas.setView(canvas.view().panned(QPointF(f % 2 ? 37 : -37, f % 4 < 2 ? 29 : -29)));
            t.restart();
            canvas.render(&target);
            ms.push_back(double(t.nsecsElapsed()) / 1e6);
        }
        QJsonObject r = stats(ms);
        // Proof the frames drew the image: the share of sampled pixels that are not background.
        const QRgb background = canvas.palette().color(QPalette::Dark).rgb();
        int drawn = 0, samples = 0;
        for (int y = 0; y < target.height(); y += 10)
            for (int x = 0; x < target.width(); x += 10, ++samples)
                drawn += (target.pixel(x, y) | 0xFF000000u) != (background | 0xFF000000u);
        r["image_fraction_of_frame"] = double(drawn) / samples;
        r["zoom"] = canvas.zoom();
        r["level"] = canvas.imageLayer()->drawnLevel(canvas.imageLayer()->wantedLevel(canvas.zoom()));
        runs.append(r);
    }
    out["paint_while_panning"] = runs;
    out["browser_first_page_100k_memory_source_ms"] = browserFirstPageMs(100000);
    std::printf("%s\n", QJsonDocument(out).toJson(QJsonDocument::Indented).constData());
    return 0;
}
