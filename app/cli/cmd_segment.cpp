// SPDX-License-Identifier: MIT
// loupe segment --model DIR IMAGE [--point X,Y[,L]]... [--box X0,Y0,X1,Y1] [--multimask] -o MASK.png
//               [--polygon OUT.json] [--json] [--threads N]
#include "app/cli/command.h"
#include "app/cli/engine_args.h"
#include "app/cli/help_text.h"
#include "app/cli/threads.h"
#include "compute/error.h"
#include "compute/models/sam.h"
#include "compute/preprocess/image_processor.h"
#include "compute/preprocess/sam_mask_polygon.h"
#include "compute/preprocess/sam_prompts.h"
#include "core/imageio.h"
#include "core/inference/execution.h"
#include "core/inference/segmenter.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QImage>
#include <QSaveFile>
#include <QTextStream>
#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace loupe::cli {

namespace {

using compute::Error;

const char* kUsage = "usage: loupe segment --model DIR IMAGE [--point X,Y[,L]]... [--box X0,Y0,X1,Y1] "
                     "[--multimask] -o MASK.png [--polygon OUT.json] [--json] [--threads N] "
                     "[--backend auto|cpu|vulkan|cuda] [--dtype f32|bf16|f16|int8]\n";

// "X,Y" or "X,Y,L" (L = 1 foreground, 0 background) or "X0,Y0,X1,Y1": `count` numbers, in image pixels.
std::vector<double> parseNumbers(const QString& text, const char* what)
{
    std::vector<double> v;
    for (const QString& part : text.split(QLatin1Char(','))) {
        bool ok = false;
        const double d = part.trimmed().toDouble(&ok);
        if (!ok || !std::isfinite(d))
            throw Error(std::string("--") + what + " " + text.toStdString(), "is not a list of numbers");
        v.push_back(d);
    }
    return v;
}

// MASK.png -> MASK_1.png (every mask of --multimask, in the model's order).
QString indexedPath(const QString& path, int i)
{
    const QFileInfo f(path);
    const QString suffix = f.suffix().isEmpty() ? QStringLiteral("png") : f.suffix();
    return f.path() + QLatin1Char('/') + f.completeBaseName() + QStringLiteral("_%1.").arg(i) + suffix;
}

void writeMask(const std::vector<uint8_t>& mask, int w, int h, const QString& path)
{
    QImage img(w, h, QImage::Format_Grayscale8);
    for (int y = 0; y < h; ++y) {
        uchar* row = img.scanLine(y);
        for (int x = 0; x < w; ++x)
            row[x] = mask[size_t(y) * size_t(w) + size_t(x)] ? 255 : 0;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !img.save(&file, "PNG") || !file.commit())
        throw Error(path.toStdString(), "cannot write the mask: " + file.errorString().toStdString());
}

void writePolygon(const std::vector<uint8_t>& mask, int w, int h, const QString& image, float iou,
                  const QString& path)
{
    nlohmann::json j;
    j["image"] = image.toStdString();
    j["width"] = w;
    j["height"] = h;
    j["iou_score"] = iou;
    j["points"] = nlohmann::json::array();
    for (const auto& p : compute::maskOutline(mask, w, h))
        j["points"].push_back({p[0], p[1]});
    QSaveFile file(path);
    const std::string text = j.dump(1) + "\n";
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(text.data(), qint64(text.size())) != qint64(text.size()) || !file.commit())
        throw Error(path.toStdString(), "cannot write the polygon: " + file.errorString().toStdString());
}

struct Request
{
    QString model, image, output, polygon;
    QStringList points;
    QString box;
    bool multimask = false, json = false;
    compute::EngineOptions engine;
};

int run(const Request& r, QTextStream& out)
{
    const auto sam = core::SamCheckpoint::open(r.model, r.engine);
    const compute::SamModel& model = sam->model;
    const compute::ImageProcessorConfig& processor = sam->processor;
    const int64_t S = model.config().vision.imageSize;

    QString readError;
    const QImage decoded = core::readImage(r.image, &readError);
    if (decoded.isNull()) throw Error(readError.toStdString());
    const QImage rgb = decoded.convertToFormat(QImage::Format_RGB888);
    const int W = rgb.width(), H = rgb.height();

    // Prompts in source pixels, checked against the image before the encoder runs.
    compute::sam::Prompt prompt;
    const std::array<int64_t, 2> original{H, W};
    const std::array<int, 2> rs = compute::resizedSize(H, W, processor);
    const std::array<int64_t, 2> resized{rs[0], rs[1]};
    for (const QString& text : r.points) {
        const std::vector<double> v = parseNumbers(text, "point");
        if (v.size() != 2 && v.size() != 3)
            throw Error("--point " + text.toStdString(), "needs X,Y or X,Y,L");
        if (v[0] < 0 || v[1] < 0 || v[0] >= W || v[1] >= H)
            throw Error("--point " + text.toStdString(), "lies outside the " + std::to_string(W) + "x" +
                                                             std::to_string(H) + " image " +
                                                             r.image.toStdString());
        const int label = v.size() == 3 ? int(v[2]) : 1;
        if (v.size() == 3 && v[2] != 0 && v[2] != 1)
            throw Error("--point " + text.toStdString(), "label must be 1 (foreground) or 0 (background)");
        prompt.points.push_back(compute::samRescalePoint({v[0], v[1]}, original, resized));
        prompt.labels.push_back(label);
    }
    if (!r.box.isEmpty()) {
        const std::vector<double> b = parseNumbers(r.box, "box");
        if (b.size() != 4) throw Error("--box " + r.box.toStdString(), "needs X0,Y0,X1,Y1");
        if (b[0] < 0 || b[1] < 0 || b[2] > W || b[3] > H || b[0] >= b[2] || b[1] >= b[3])
            throw Error("--box " + r.box.toStdString(), "is not a box inside the " + std::to_string(W) + "x" +
                                                            std::to_string(H) + " image " +
                                                            r.image.toStdString() + " (X0 < X1, Y0 < Y1)");
        prompt.box = compute::samRescaleBox({b[0], b[1], b[2], b[3]}, original, resized);
    }

    const compute::ImageU8 view{W, H, 3, size_t(rgb.bytesPerLine()), rgb.constBits()};
    const compute::PreprocessedImage pre = compute::preprocess(view, processor);
    const core::ExecutionScope scope(r.engine);
    const compute::Tensor embedding = model.embed(compute::Tensor::fromF32(pre.shape(), pre.pixels));
    const compute::sam::MaskPrediction pred = model.decode(embedding, prompt, true);
    const compute::ExecutionRecord execution = scope.finish();
    reportFallback(execution, QStringLiteral("segment"));

    // Without --multimask the mask the model rates best.
    std::vector<int64_t> chosen;
    if (r.multimask) {
        for (int64_t i = 0; i < int64_t(pred.iou.size()); ++i)
            chosen.push_back(i);
    } else {
        chosen.push_back(int64_t(std::max_element(pred.iou.begin(), pred.iou.end()) - pred.iou.begin()));
    }
    nlohmann::json result;
    result["image"] = r.image.toStdString();
    result["iou_scores"] = nlohmann::json::array();
    result["masks"] = nlohmann::json::array();
    for (size_t k = 0; k < chosen.size(); ++k) {
        const int64_t i = chosen[k];
        const std::vector<uint8_t> mask =
            compute::samPostprocessMask(pred.masks.select(0, i), S, pre.reshapedInputSize, pre.originalSize);
        const QString path = r.multimask ? indexedPath(r.output, int(k)) : r.output;
        writeMask(mask, W, H, path);
        if (!r.polygon.isEmpty() && k == 0) writePolygon(mask, W, H, r.image, pred.iou[size_t(i)], r.polygon);
        result["iou_scores"].push_back(pred.iou[size_t(i)]);
        result["masks"].push_back(path.toStdString());
        if (!r.json) out << path << "  iou " << pred.iou[size_t(i)] << "\n";
    }
    addExecutionJson(result, execution);
    if (r.json) out << QString::fromStdString(result.dump()) << "\n";
    return ExitOk;
}

int segment(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Segment the object at the given points and/or box with a Segment Anything (SamModel) checkpoint. "
        "Coordinates are in the image's pixels; writes the mask the model rates best at the image's size, "
        "or with --multimask every mask as MASK_0.png, MASK_1.png, ... in the model's order."));
    p.addHelpOption();
    p.addOption(
        {QStringLiteral("model"), QStringLiteral("SamModel checkpoint folder."), QStringLiteral("DIR")});
    p.addOption(
        {QStringLiteral("point"),
         QStringLiteral("A click X,Y with optional label L (1 foreground, the default; 0 background). "
                        "Repeatable."),
         QStringLiteral("X,Y[,L]")});
    p.addOption({QStringLiteral("box"), QStringLiteral("A box prompt."), QStringLiteral("X0,Y0,X1,Y1")});
    p.addOption({QStringLiteral("multimask"), QStringLiteral("Write all of the model's masks.")});
    p.addOption({{QStringLiteral("o"), QStringLiteral("output")},
                 QStringLiteral("Mask PNG to write (255 inside)."),
                 QStringLiteral("MASK.png")});
    p.addOption({QStringLiteral("polygon"),
                 QStringLiteral("Also write the (first) mask's outer outline as a JSON polygon."),
                 QStringLiteral("OUT.json")});
    p.addOption(
        {QStringLiteral("json"), QStringLiteral("Print {\"image\", \"iou_scores\", \"masks\"} as JSON.")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("CPU threads (default: all cores)."),
                 QStringLiteral("N")});
    addEngineOptions(p);
    p.addPositionalArgument(QStringLiteral("IMAGE"), QStringLiteral("The image to segment."));
    QTextStream out(stdout), err(stderr);
    if (!p.parse(QStringList{QStringLiteral("loupe segment")} + args)) {
        err << "loupe segment: " << p.errorText() << "\n";
        return ExitUsage;
    }
    if (p.isSet(QStringLiteral("help"))) {
        out << commandHelpText(p, QStringLiteral("segment"));
        return ExitOk;
    }
    Request r;
    r.model = p.value(QStringLiteral("model"));
    r.output = p.value(QStringLiteral("output"));
    r.polygon = p.value(QStringLiteral("polygon"));
    r.points = p.values(QStringLiteral("point"));
    r.box = p.value(QStringLiteral("box"));
    r.multimask = p.isSet(QStringLiteral("multimask"));
    r.json = p.isSet(QStringLiteral("json"));
    if (r.model.isEmpty() || r.output.isEmpty() || p.positionalArguments().size() != 1 ||
        (r.points.isEmpty() && r.box.isEmpty())) {
        err << "loupe segment: "
            << (r.points.isEmpty() && r.box.isEmpty() ? "give at least one --point or --box\n" : "")
            << kUsage;
        return ExitUsage;
    }
    r.image = p.positionalArguments().front();
    if (!applyThreads(p.value(QStringLiteral("threads")))) return ExitUsage;
    const std::optional<compute::EngineOptions> engine = parseEngineOptions(p, QStringLiteral("segment"));
    if (!engine) return ExitUsage;
    r.engine = *engine;
    try {
        return run(r, out);
    } catch (const Error& e) {
        err << "loupe segment: " << e.what() << "\n";
        return ExitFailure;
    }
}

const CommandRegistrar registrar{{QStringLiteral("segment"),
                                  QStringLiteral("Click-to-mask with a Segment Anything (SAM) model"),
                                  segment}};

} // namespace

} // namespace loupe::cli
