// SPDX-License-Identifier: MIT
// Precision and recall of instance proposals with no detector (SAM's automatic masks, each labelled by
// CLIP) against ground truth: shapes-world images (by default the sample project's twelve: seed 20240601,
// 96 px) or a COCO instances file with polygon or uncompressed-RLE masks. A proposal is a true positive
// when its mask overlaps a not yet matched object's mask with IoU >= 0.5 (greedy, best score first);
// "labelled" also needs the same label, "agnostic" does not. One JSON object, with P/R at several score
// thresholds from a single run at threshold 0.
//   loupe_bench_proposals --sam DIR [--clip DIR] [--shapes N] [--seed S]
//                         [--coco FILE --images DIR] [--points-per-side N] [--pred-iou T] [--stability T]
//                         [--min-area PX] [--crop masked|plain] [--threads N]
#include "compute/cpu_options.h"
#include "compute/error.h"
#include "compute/threadpool.h"
#include "core/inference/sam_clip_detector.h"
#include "core/samples/sampleproject.h"
#include "core/samples/shapesworld.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

using namespace loupe::core;

namespace {

struct Truth
{
    QString label;
    QImage mask; // Grayscale8, non-zero inside
};

struct Sample
{
    QString name;
    QImage image;
    std::vector<Truth> objects;
};

[[noreturn]] void fail(const QString& message)
{
    std::cerr << "loupe_bench_proposals: " << message.toStdString() << "\n";
    std::exit(1);
}

std::vector<Sample> shapesSamples(int count, quint64 seed)
{
    const ShapesWorld world(seed);
    std::vector<Sample> out;
    for (int i = 0; i < count; ++i) {
        const ShapesSample s = world.generate(i);
        Sample sample{QStringLiteral("shapes-%1").arg(i), s.image, {}};
        for (const ShapeObject& o : s.objects)
            sample.objects.push_back({shapeClassName(o.cls), o.mask});
        out.push_back(std::move(sample));
    }
    return out;
}

// COCO's uncompressed RLE (column-major runs starting with background) into a Grayscale8 mask.
QImage rleMask(const QJsonObject& rle, const QString& path)
{
    const QJsonArray size = rle.value("size").toArray();
    if (!rle.value("counts").isArray() || size.size() != 2)
        fail(path + ": only uncompressed RLE masks (counts as a list) are read");
    const int h = size[0].toInt(), w = size[1].toInt();
    QImage mask(w, h, QImage::Format_Grayscale8);
    mask.fill(0);
    qint64 at = 0;
    bool inside = false;
    for (const QJsonValue& run : rle.value("counts").toArray()) {
        for (qint64 k = 0; k < qint64(run.toDouble()) && at < qint64(w) * h; ++k, ++at)
            if (inside) mask.scanLine(int(at % h))[at / h] = 255;
        inside = !inside;
    }
    return mask;
}

std::vector<Sample> cocoSamples(const QString& path, const QString& imagesDir, int limit)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) fail(path + ": " + f.errorString());
    const QJsonObject doc = QJsonDocument::fromJson(f.readAll()).object();
    if (!doc.value("annotations").isArray()) fail(path + ": not a COCO instances file (no annotations)");
    std::map<int, QString> categories;
    for (const QJsonValue& c : doc.value("categories").toArray())
        categories[c.toObject().value("id").toInt()] = c.toObject().value("name").toString();
    std::map<int, size_t> byId;
    std::vector<Sample> out;
    for (const QJsonValue& v : doc.value("images").toArray()) {
        if (limit > 0 && int(out.size()) >= limit) break;
        const QJsonObject im = v.toObject();
        const QString file = QDir(imagesDir).filePath(im.value("file_name").toString());
        QImage image(file);
        if (image.isNull()) fail(file + ": cannot read the image");
        byId[im.value("id").toInt()] = out.size();
        out.push_back({file, image, {}});
    }
    for (const QJsonValue& v : doc.value("annotations").toArray()) {
        const QJsonObject a = v.toObject();
        const auto it = byId.find(a.value("image_id").toInt());
        if (it == byId.end() || a.value("iscrowd").toInt()) continue;
        Sample& s = out[it->second];
        QImage mask;
        const QJsonValue seg = a.value("segmentation");
        if (seg.isObject()) {
            mask = rleMask(seg.toObject(), path);
        } else {
            mask = QImage(s.image.size(), QImage::Format_Grayscale8);
            mask.fill(0);
            for (const QJsonValue& poly : seg.toArray()) {
                std::vector<QPointF> pts;
                const QJsonArray xy = poly.toArray();
                for (int k = 0; k + 1 < xy.size(); k += 2)
                    pts.emplace_back(xy[k].toDouble(), xy[k + 1].toDouble());
                const QImage part = rasterizePolygon(pts, s.image.width(), s.image.height());
                for (int y = 0; y < mask.height(); ++y)
                    for (int x = 0; x < mask.width(); ++x)
                        if (part.constScanLine(y)[x]) mask.scanLine(y)[x] = 255;
            }
        }
        if (mask.size() != s.image.size()) fail(path + ": a mask's size is not its image's (" + s.name + ")");
        s.objects.push_back({categories[a.value("category_id").toInt()], mask});
    }
    return out;
}

double maskIou(const QImage& a, const QImage& b)
{
    qint64 inter = 0, uni = 0;
    for (int y = 0; y < a.height(); ++y) {
        const uchar* ra = a.constScanLine(y);
        const uchar* rb = b.constScanLine(y);
        for (int x = 0; x < a.width(); ++x) {
            inter += ra[x] && rb[x];
            uni += ra[x] || rb[x];
        }
    }
    return uni ? double(inter) / double(uni) : 0.0;
}

struct Counts
{
    qint64 proposals = 0, truePositives = 0, objects = 0, found = 0;
};

// Greedy matching, best score first (the detections come sorted), at mask IoU >= 0.5.
void match(const std::vector<Detection>& dets, const std::vector<Truth>& truth, double threshold,
           bool labelled, Counts& c)
{
    std::vector<bool> taken(truth.size(), false);
    c.objects += qint64(truth.size());
    for (const Detection& d : dets) {
        if (d.score < threshold) continue;
        ++c.proposals;
        int best = -1;
        double bestIou = 0.5;
        for (size_t t = 0; t < truth.size(); ++t) {
            if (taken[t] || (labelled && truth[t].label != d.label)) continue;
            const double iou = maskIou(d.mask, truth[t].mask);
            if (iou >= bestIou) best = int(t), bestIou = iou;
        }
        if (best >= 0) {
            taken[size_t(best)] = true;
            ++c.truePositives;
            ++c.found;
        }
    }
}

nlohmann::json report(const Counts& c)
{
    return {{"proposals", c.proposals},
            {"true_positives", c.truePositives},
            {"precision", c.proposals ? double(c.truePositives) / double(c.proposals) : 0.0},
            {"recall", c.objects ? double(c.found) / double(c.objects) : 0.0}};
}

std::vector<double> loadAverage()
{
    std::ifstream f("/proc/loadavg");
    double a = 0, b = 0, c = 0;
    f >> a >> b >> c;
    return {a, b, c};
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QString sam, clip, coco, images;
    int shapes = kSampleImageCount, threads = 0;
    quint64 seed = kSampleSeed;
    SamClipOptions tuning;
    const QStringList args = app.arguments();
    for (int i = 1; i < args.size(); ++i) {
        const QString& a = args[i];
        const bool value = i + 1 < args.size();
        if (a == "--sam" && value)
            sam = args[++i];
        else if (a == "--clip" && value)
            clip = args[++i];
        else if (a == "--shapes" && value)
            shapes = args[++i].toInt();
        else if (a == "--seed" && value)
            seed = args[++i].toULongLong();
        else if (a == "--coco" && value)
            coco = args[++i];
        else if (a == "--images" && value)
            images = args[++i];
        else if (a == "--points-per-side" && value)
            tuning.automask.pointsPerSide = args[++i].toInt();
        else if (a == "--pred-iou" && value)
            tuning.automask.predIouThresh = args[++i].toDouble();
        else if (a == "--stability" && value)
            tuning.automask.stabilityScoreThresh = args[++i].toDouble();
        else if (a == "--min-area" && value)
            tuning.automask.minMaskRegionArea = args[++i].toLongLong();
        else if (a == "--crop" && value) {
            const QString c = args[++i];
            if (c != "masked" && c != "plain") fail("--crop is masked or plain, not " + c);
            tuning.crop = c == "masked" ? CropStyle::MaskedSquare : CropStyle::PlainSquare;
        } else if (a == "--threads" && value)
            threads = args[++i].toInt();
        else {
            std::cerr
                << "usage: loupe_bench_proposals --sam DIR [--clip DIR] [--shapes N] [--seed S]\n"
                   "       [--coco FILE --images DIR] [--points-per-side N] [--pred-iou T] [--stability T]\n"
                   "       [--min-area PX] [--crop masked|plain] [--threads N]\n";
            return 2;
        }
    }
    if (sam.isEmpty()) fail("--sam DIR is required");
    if (!coco.isEmpty() && images.isEmpty()) fail("--coco needs --images DIR");
    if (threads > 0) loupe::compute::setThreadCount(threads);
    const std::vector<Sample> samples =
        coco.isEmpty() ? shapesSamples(shapes, seed) : cocoSamples(coco, images, shapes);
    QStringList labels;
    for (const Sample& s : samples)
        for (const Truth& t : s.objects)
            if (!labels.contains(t.label)) labels << t.label;
    if (coco.isEmpty()) labels = shapeClassNames();

    DetectorOptions o;
    o.modelFolder = sam;
    o.labellerFolder = clip;
    o.labels = labels;
    o.threshold = 0; // every proposal once; the thresholds below are applied afterwards
    const std::vector<double> thresholds{0.0, 0.5, 0.7, 0.8, 0.9};
    std::vector<Counts> agnostic(thresholds.size()), labelled(thresholds.size());
    double seconds = 0;
    QString name, parameters;
    try {
        SamClipDetector detector(o, tuning);
        name = detector.name();
        parameters = detector.parameters();
        for (const Sample& s : samples) {
            const auto t0 = std::chrono::steady_clock::now();
            const std::vector<Detection> dets = detector.detect(s.image);
            seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            for (size_t k = 0; k < thresholds.size(); ++k) {
                match(dets, s.objects, thresholds[k], false, agnostic[k]);
                match(dets, s.objects, thresholds[k], true, labelled[k]);
            }
        }
    } catch (const loupe::compute::Error& e) {
        fail(QString::fromStdString(e.what()));
    }
    qint64 objects = 0;
    for (const Sample& s : samples)
        objects += qint64(s.objects.size());
    nlohmann::json out;
    out["method"] = name.toStdString();
    out["parameters"] = nlohmann::json::parse(parameters.toStdString());
    out["sam"] = sam.toStdString();
    out["clip"] = clip.toStdString();
    out["source"] = coco.isEmpty() ? "shapes world seed " + std::to_string(seed) : coco.toStdString();
    out["images"] = samples.size();
    out["objects"] = objects;
    out["labels"] = labels.join(",").toStdString();
    out["match"] = "mask IoU >= 0.5, greedy by score";
    out["seconds_per_image"] = samples.empty() ? 0.0 : seconds / double(samples.size());
    out["threads"] = loupe::compute::threadCount();
    nlohmann::json rows = nlohmann::json::array();
    for (size_t k = 0; k < thresholds.size(); ++k)
        rows.push_back({{"threshold", thresholds[k]},
                        {"agnostic", report(agnostic[k])},
                        {"labelled", report(labelled[k])}});
    out["by_threshold"] = rows;
    out["load_average"] = loadAverage();
    std::cout << out.dump(2) << std::endl;
    return 0;
}
