// SPDX-License-Identifier: MIT
// What click-to-mask saves: the standard interactive-segmentation simulation (NoC@85) of a SAM checkpoint
// against ground-truth masks, next to the vertices a person would place to draw the same objects as
// polygons. Per object: clicks until IoU >= target (first click at the object's most interior pixel,
// each next one at the most interior pixel of the largest error region, positive on a miss, negative
// on a false region, the previous low-resolution logits fed back as mask input), up to --max-clicks;
// the polygon's vertices (the truth mask's outline and holes, Douglas-Peucker at --tolerance px) and,
// for COCO polygons, the file's own vertex count; seconds for both at the stated costs. One JSON object.
//   loupe_bench_sam_benefit --model DIR (--shapes N [--seed S] [--size PX] | --coco FILE --images DIR)
//       [--target 0.85] [--max-clicks 20] [--click-seconds 1.5] [--vertex-seconds 1.0] [--tolerance 1]
//       [--no-mask-input] [--max-objects N] [--min-area PX] [--threads N] [--summary-only]
// Objects that never reach the target count --max-clicks clicks (the papers' NoC convention), and their
// seconds add the polygon a person then draws instead, so a model that fails is never the cheap one.
#include "compute/bench/bench_stats.h"
#include "compute/error.h"
#include "compute/threadpool.h"
#include "core/inference/click_simulation.h"
#include "core/inference/sam_click_predictor.h"
#include "core/samples/shapesworld.h"

#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

using namespace loupe::core;
using nlohmann::json;

namespace {

struct Options
{
    QString model, cocoFile, imagesDir;
    int shapes = 0, size = 96, maxClicks = 20, maxObjects = 0, minArea = 1, threads = 0;
    uint64_t seed = 9001;
    double target = 0.85, clickSeconds = 1.5, vertexSeconds = 1.0, tolerance = 1.0;
    bool maskInput = true, summaryOnly = false;
};

struct GroundTruth
{
    std::string id; // "image#annotation"
    PixelMask mask;
    int cocoVertices = -1; // vertices of the file's polygons; -1 for RLE masks and rendered images
};

struct ImageCase
{
    std::string name;
    QImage image;
    std::vector<GroundTruth> objects;
};

[[noreturn]] void fail(const std::string& message)
{
    std::cerr << "loupe_bench_sam_benefit: " << message << "\n";
    std::exit(2);
}

Options parse(int argc, char** argv)
{
    Options o;
    auto value = [&](int& i) -> std::string {
        if (i + 1 >= argc) fail(std::string(argv[i]) + " needs a value");
        return argv[++i];
    };
    auto number = [&](int& i) {
        const std::string flag = argv[i], v = value(i);
        char* end = nullptr;
        const double d = std::strtod(v.c_str(), &end);
        if (v.empty() || *end) fail(flag + " needs a number, not '" + v + "'");
        return d;
    };
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--model")
            o.model = QString::fromStdString(value(i));
        else if (a == "--coco")
            o.cocoFile = QString::fromStdString(value(i));
        else if (a == "--images")
            o.imagesDir = QString::fromStdString(value(i));
        else if (a == "--shapes")
            o.shapes = int(number(i));
        else if (a == "--seed")
            o.seed = uint64_t(number(i));
        else if (a == "--size")
            o.size = int(number(i));
        else if (a == "--target")
            o.target = number(i);
        else if (a == "--max-clicks")
            o.maxClicks = int(number(i));
        else if (a == "--click-seconds")
            o.clickSeconds = number(i);
        else if (a == "--vertex-seconds")
            o.vertexSeconds = number(i);
        else if (a == "--tolerance")
            o.tolerance = number(i);
        else if (a == "--max-objects")
            o.maxObjects = int(number(i));
        else if (a == "--min-area")
            o.minArea = int(number(i));
        else if (a == "--threads")
            o.threads = int(number(i));
        else if (a == "--no-mask-input")
            o.maskInput = false;
        else if (a == "--summary-only")
            o.summaryOnly = true;
        else
            fail("unknown option " + a);
    }
    if (o.model.isEmpty()) fail("--model DIR is required (a SAM checkpoint folder)");
    if ((o.shapes > 0) == !o.cocoFile.isEmpty())
        fail("give either --shapes N or --coco FILE (with --images DIR)");
    if (o.maxClicks < 1 || o.target <= 0 || o.target > 1)
        fail("--max-clicks must be >= 1, --target in (0, 1]");
    return o;
}

std::vector<ImageCase> shapesCases(const Options& o)
{
    ShapesWorldOptions w;
    w.size = o.size;
    const QString bad = ShapesWorld::validate(w);
    if (!bad.isEmpty()) fail("--size: " + bad.toStdString());
    const ShapesWorld world(o.seed, w);
    std::vector<ImageCase> cases;
    for (int i = 0; i < o.shapes; ++i) {
        const ShapesSample s = world.generate(i);
        ImageCase c{"shapes_" + std::to_string(i), s.image, {}};
        for (size_t k = 0; k < s.objects.size(); ++k)
            c.objects.push_back(
                {c.name + "#" + std::to_string(k), PixelMask::fromImage(s.objects[k].mask), -1});
        cases.push_back(std::move(c));
    }
    return cases;
}

// COCO's RLE: counts as a list, or as the compressed string of pycocotools (6 bits a character, the
// 0x20 bit continuing, deltas from two runs back after the third); column-major, background first.
PixelMask decodeRle(const json& seg, const std::string& where)
{
    if (!seg.contains("size") || !seg["size"].is_array() || seg["size"].size() != 2 ||
        !seg.contains("counts"))
        fail(where + ": an RLE segmentation needs 'size' [h, w] and 'counts'");
    const int h = seg["size"][0].get<int>(), w = seg["size"][1].get<int>();
    std::vector<long> counts;
    if (seg["counts"].is_array()) {
        for (const json& c : seg["counts"])
            counts.push_back(c.get<long>());
    } else if (seg["counts"].is_string()) {
        const std::string s = seg["counts"].get<std::string>();
        size_t p = 0;
        while (p < s.size()) {
            long x = 0;
            int k = 0;
            bool more = true;
            while (more) {
                if (p >= s.size()) fail(where + ": truncated compressed RLE");
                const long c = long(s[p]) - 48;
                x |= (c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                ++p;
                ++k;
                if (!more && (c & 0x10)) x |= -1L << (5 * k);
            }
            if (counts.size() > 2) x += counts[counts.size() - 2];
            counts.push_back(x);
        }
    } else {
        fail(where + ": RLE 'counts' must be a list or a string");
    }
    PixelMask m(w, h);
    long pos = 0;
    for (size_t r = 0; r < counts.size(); ++r) {
        if (counts[r] < 0 || pos + counts[r] > long(w) * h) fail(where + ": RLE runs exceed the mask size");
        if (r % 2)
            for (long n = 0; n < counts[r]; ++n) {
                const long at = pos + n;
                m.bits[size_t(at % h) * size_t(w) + size_t(at / h)] = 1;
            }
        pos += counts[r];
    }
    return m;
}

std::vector<ImageCase> cocoCases(const Options& o)
{
    std::ifstream in(o.cocoFile.toStdString());
    if (!in) fail(o.cocoFile.toStdString() + ": cannot be read");
    json coco;
    try {
        in >> coco;
    } catch (const std::exception& e) {
        fail(o.cocoFile.toStdString() + ": not JSON (" + e.what() + ")");
    }
    for (const char* key : {"images", "annotations"})
        if (!coco.contains(key) || !coco[key].is_array())
            fail(o.cocoFile.toStdString() + ": not a COCO file, '" + key + "' is missing");
    const QDir images(o.imagesDir.isEmpty() ? QFileInfo(o.cocoFile).absolutePath() : o.imagesDir);
    std::vector<ImageCase> cases;
    std::map<long, size_t> byId;
    for (const json& im : coco["images"]) {
        const QString file = images.filePath(QString::fromStdString(im.value("file_name", "")));
        ImageCase c{QFileInfo(file).fileName().toStdString(), QImage(file), {}};
        if (c.image.isNull()) fail(file.toStdString() + ": cannot be read as an image");
        byId[im.value("id", -1L)] = cases.size();
        cases.push_back(std::move(c));
    }
    for (const json& a : coco["annotations"]) {
        const std::string where =
            o.cocoFile.toStdString() + ": annotation " + std::to_string(a.value("id", -1L));
        const auto it = byId.find(a.value("image_id", -1L));
        if (it == byId.end()) fail(where + " names an image that is not in 'images'");
        if (a.value("iscrowd", 0) != 0 || !a.contains("segmentation")) continue;
        ImageCase& c = cases[it->second];
        const int w = c.image.width(), h = c.image.height();
        GroundTruth g{c.name + "#" + std::to_string(a.value("id", -1L)), PixelMask(w, h), 0};
        const json& seg = a["segmentation"];
        if (seg.is_array()) {
            for (const json& poly : seg) {
                std::vector<QPointF> pts;
                for (size_t i = 0; i + 1 < poly.size(); i += 2)
                    pts.emplace_back(poly[i].get<double>(), poly[i + 1].get<double>());
                g.cocoVertices += int(pts.size());
                const PixelMask part = PixelMask::fromImage(rasterizePolygon(pts, w, h));
                for (size_t i = 0; i < part.bits.size(); ++i)
                    g.mask.bits[i] = g.mask.bits[i] || part.bits[i];
            }
        } else if (seg.is_object()) {
            g.mask = decodeRle(seg, where);
            g.cocoVertices = -1;
            if (g.mask.width != w || g.mask.height != h) fail(where + ": RLE size differs from the image's");
        } else {
            fail(where + ": 'segmentation' must be polygons or RLE");
        }
        c.objects.push_back(std::move(g));
    }
    return cases;
}

double mean(const std::vector<double>& v)
{
    double s = 0;
    for (double x : v)
        s += x;
    return v.empty() ? 0 : s / double(v.size());
}

} // namespace

int main(int argc, char** argv)
{
    const Options o = parse(argc, argv);
    if (o.threads > 0) loupe::compute::setThreadCount(o.threads);
    const auto wall0 = std::chrono::steady_clock::now();
    std::shared_ptr<const SamCheckpoint> model;
    try {
        model = SamCheckpoint::open(o.model);
    } catch (const loupe::compute::Error& e) {
        fail(e.what());
    }
    const std::vector<ImageCase> cases = o.shapes > 0 ? shapesCases(o) : cocoCases(o);

    json objects = json::array();
    std::vector<double> noc, reached, firstIou, vertices, cocoVertices, samSeconds, polySeconds, cocoSeconds;
    std::vector<double> samCocoSeconds; // unreached objects fall back to the file's polygon
    std::vector<double> embedMs, decodeMs;
    int done = 0;
    for (const ImageCase& c : cases) {
        if (o.maxObjects > 0 && done >= o.maxObjects) break;
        std::unique_ptr<SamClickPredictor> predictor;
        for (const GroundTruth& g : c.objects) {
            if (o.maxObjects > 0 && done >= o.maxObjects) break;
            if (g.mask.area() < o.minArea) continue;
            try {
                if (!predictor) {
                    predictor = std::make_unique<SamClickPredictor>(model, c.image, o.maskInput);
                    embedMs.push_back(predictor->embedSeconds() * 1000);
                }
            } catch (const loupe::compute::Error& e) {
                fail(c.name + ": " + e.what());
            }
            predictor->reset();
            const ClickRun run = simulateClicks(
                g.mask,
                [&](const std::vector<SimulatedClick>& clicks) {
                    const auto t0 = loupe::compute::bench::Clock::now();
                    PixelMask m = predictor->predict(clicks);
                    decodeMs.push_back(loupe::compute::bench::msSince(t0));
                    return m;
                },
                o.target, o.maxClicks);
            const int n = run.noc(o.maxClicks);
            const int v = polygonVertexCount(g.mask, o.tolerance);
            noc.push_back(n);
            reached.push_back(run.reached() ? 1 : 0);
            firstIou.push_back(run.ious.empty() ? 0 : run.ious.front());
            vertices.push_back(v);
            const double samCost = n * o.clickSeconds + (run.reached() ? 0.0 : v * o.vertexSeconds);
            samSeconds.push_back(samCost);
            polySeconds.push_back(v * o.vertexSeconds);
            if (g.cocoVertices >= 0) {
                cocoVertices.push_back(g.cocoVertices);
                cocoSeconds.push_back(g.cocoVertices * o.vertexSeconds);
                samCocoSeconds.push_back(n * o.clickSeconds +
                                         (run.reached() ? 0.0 : g.cocoVertices * o.vertexSeconds));
            }
            if (!o.summaryOnly) {
                json clicks = json::array();
                for (const SimulatedClick& k : run.clicks)
                    clicks.push_back({k.x, k.y, k.positive ? 1 : 0});
                objects.push_back(
                    {{"object", g.id},
                     {"area", g.mask.area()},
                     {"clicks", n},
                     {"reached", run.reached()},
                     {"click_points", clicks},
                     {"ious", run.ious},
                     {"vertices", v},
                     {"coco_vertices", g.cocoVertices >= 0 ? json(g.cocoVertices) : json(nullptr)},
                     {"sam_seconds", samCost},
                     {"polygon_seconds", v * o.vertexSeconds}});
            }
            ++done;
        }
    }
    if (done == 0) fail("no objects to simulate (check the data and --min-area)");
    const double sam = mean(samSeconds), poly = mean(polySeconds);
    json summary = {{"objects", done},
                    {"mean_clicks_noc", mean(noc)},
                    {"reached_fraction", mean(reached)},
                    {"mean_iou_first_click", mean(firstIou)},
                    {"mean_vertices", mean(vertices)},
                    {"sam_seconds_per_object", sam},
                    {"polygon_seconds_per_object", poly},
                    {"speedup", sam > 0 ? poly / sam : 0}};
    if (!cocoVertices.empty()) {
        summary["mean_coco_vertices"] = mean(cocoVertices);
        summary["coco_polygon_seconds_per_object"] = mean(cocoSeconds);
        summary["sam_seconds_per_object_coco_fallback"] = mean(samCocoSeconds);
        summary["coco_speedup"] = mean(samCocoSeconds) > 0 ? mean(cocoSeconds) / mean(samCocoSeconds) : 0;
    }
    json data = o.shapes > 0
                    ? json{{"kind", "shapes"}, {"images", o.shapes}, {"seed", o.seed}, {"size", o.size}}
                    : json{{"kind", "coco"}, {"file", o.cocoFile.toStdString()}};
    json out = {{"benchmark", "sam_benefit"},
                {"model", o.model.toStdString()},
                {"data", data},
                {"protocol",
                 {{"target_iou", o.target},
                  {"max_clicks", o.maxClicks},
                  {"mask_input", o.maskInput},
                  {"unreached_count_as", o.maxClicks},
                  {"unreached_cost", "max clicks, then the polygon"},
                  {"vertex_tolerance_px", o.tolerance}}},
                {"costs", {{"click_seconds", o.clickSeconds}, {"vertex_seconds", o.vertexSeconds}}},
                {"summary", summary},
                {"timing",
                 {{"embed_ms_mean", mean(embedMs)},
                  {"decode_ms_mean", mean(decodeMs)},
                  {"wall_seconds", loupe::compute::bench::msSince(wall0) / 1000}}},
                {"threads", loupe::compute::threadCount()},
                {"load_average_1m", loupe::compute::bench::loadAverage1()}};
    if (!o.summaryOnly) out["objects"] = objects;
    std::cout << out.dump(2) << "\n";
    return 0;
}
