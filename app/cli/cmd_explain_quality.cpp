// SPDX-License-Identifier: MIT
// loupe explain-quality --model DIR [--random-model DIR] [--count N] [--seed S]
// Explanation quality against known truth: shapes-world images whose target object's mask is exact.
// Prints one JSON object: per method the pointing-game accuracy, the share of positive relevance inside
// the mask, deletion/insertion AUC and (with --random-model) the model-randomisation rank correlation.
#include "app/cli/command.h"
#include "app/cli/threads.h"
#include "compute/error.h"
#include "compute/preprocess/image_processor.h"
#include "core/explain/explainer.h"
#include "core/samples/shapesworld.h"

#include <QCommandLineParser>
#include <QTextStream>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

namespace loupe::cli {

using core::explainMap;
using core::ExplainParams;
using core::Faithfulness;
using core::faithfulness;
using core::forwardMethods;
using core::logitsOf;
using core::patchGrid;
using core::toPlanar;
using core::VitSession;

namespace {

using compute::attribution::PlanarImage;

PlanarImage preprocessed(const VitSession& s, const QImage& image)
{
    const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
    const compute::ImageU8 view{rgb.width(), rgb.height(), 3, size_t(rgb.bytesPerLine()), rgb.constBits()};
    const compute::PreprocessedImage pre = compute::preprocess(view, s.processor);
    return toPlanar(compute::Tensor::fromF32(pre.shape(), pre.pixels));
}

struct Accum
{
    double pointing = 0, inside = 0, deletion = 0, insertion = 0, spearman = 0;
    int n = 0, nSpearman = 0;
    double seconds = 0;
};

int explainQuality(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(
        QStringLiteral("Measure attribution methods against the shapes world's exact object masks."));
    p.addHelpOption();
    auto opt = [&](const char* name, const char* help, const char* value, const char* def = nullptr) {
        p.addOption({QString::fromLatin1(name), QString::fromLatin1(help), QString::fromLatin1(value),
                     def ? QString::fromLatin1(def) : QString()});
    };
    opt("model", "Classifier trained on the shapes world (e.g. resources/models/shapes-vit).", "DIR");
    opt("random-model", "The same architecture with re-initialised weights (sanity check).", "DIR");
    opt("count", "Images to generate.", "N", "100");
    opt("seed", "Shapes-world seed.", "S", "2026");
    opt("masks", "RISE masks per image.", "N", "300");
    opt("methods",
        "Comma-separated subset of attention,rollout,chefer,input-x-grad,integrated-gradients,"
        "occlusion,rise.",
        "LIST", "attention,rollout,chefer,input-x-grad,integrated-gradients,occlusion,rise");
    opt("steps", "Deletion/insertion steps.", "K", "16");
    opt("threads", "CPU threads (default: all cores).", "N");
    QTextStream out(stdout), err(stderr);
    if (!p.parse(QStringList{QStringLiteral("loupe explain-quality")} + args)) {
        err << "loupe explain-quality: " << p.errorText() << "\n";
        return ExitUsage;
    }
    if (p.isSet(QStringLiteral("help"))) {
        out << p.helpText();
        return ExitOk;
    }
    bool okN = false, okS = false, okM = false, okK = false;
    const int count = p.value(QStringLiteral("count")).toInt(&okN);
    const uint64_t seed = p.value(QStringLiteral("seed")).toULongLong(&okS);
    const int masks = p.value(QStringLiteral("masks")).toInt(&okM);
    const int steps = p.value(QStringLiteral("steps")).toInt(&okK);
    const QStringList methods =
        p.value(QStringLiteral("methods")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (!p.isSet(QStringLiteral("model")) || !okN || count < 1 || !okS || !okM || masks < 1 || !okK ||
        steps < 1) {
        err << "usage: loupe explain-quality --model DIR [--random-model DIR] [--count N] [--seed S] "
               "[--masks N] [--methods LIST]\n";
        return ExitUsage;
    }
    for (const QString& m : methods)
        if (m == QLatin1String("head-importance") || !forwardMethods().contains(m)) {
            err << "loupe explain-quality: '" << m
                << "' is not a map method this build can run (attention, rollout, chefer, input-x-grad, "
                   "integrated-gradients, occlusion, rise)\n";
            return ExitUsage;
        }
    if (!applyThreads(p.value(QStringLiteral("threads")))) return ExitUsage;
    try {
        const VitSession s = VitSession::open(p.value(QStringLiteral("model")));
        std::optional<VitSession> random;
        if (p.isSet(QStringLiteral("random-model")))
            random.emplace(VitSession::open(p.value(QStringLiteral("random-model"))));
        if (s.model.config().numLabels() < core::kShapeClassCount)
            throw compute::Error(p.value(QStringLiteral("model")).toStdString(),
                                 "has fewer labels than the shapes world's six classes");
        const core::ShapesWorld world(seed);
        std::map<QString, Accum> acc;
        int correct = 0;
        for (int i = 0; i < count; ++i) {
            const core::ShapesSample sample = world.generate(i);
            const int target = int(sample.label());
            const core::ShapeObject& obj = sample.objects[size_t(sample.prominent)];
            const int H = sample.image.height(), W = sample.image.width();
            std::vector<uint8_t> mask(size_t(H) * W);
            for (int y = 0; y < H; ++y)
                for (int x = 0; x < W; ++x)
                    mask[size_t(y) * W + x] = obj.mask.constScanLine(y)[x] ? 1 : 0;
            const PlanarImage image = preprocessed(s, sample.image);
            const std::vector<float> logits = logitsOf(s, image);
            correct += int(std::max_element(logits.begin(), logits.end()) - logits.begin()) == target;
            const auto grid = patchGrid(s, image.height, image.width);
            // One patch of slack, in the original image's pixels.
            const int tolerance = (W + grid.cols - 1) / grid.cols;
            for (const QString& m : methods) {
                ExplainParams params;
                params.method = m;
                params.riseMasks = masks;
                params.seed = uint64_t(i);
                // Non-overlapping patch windows keep the harness affordable: one forward per patch.
                params.occlusionStride = int(s.model.config().patchSize);
                params.batchSize = 32;
                const auto t0 = std::chrono::steady_clock::now();
                const std::vector<float> map = explainMap(s, image, target, params);
                Accum& a = acc[m];
                a.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                const std::vector<float> pixels =
                    compute::attribution::upsampleBilinear(map, grid.rows, grid.cols, H, W);
                a.pointing += compute::attribution::pointingHit(pixels, mask, H, W, tolerance) ? 1 : 0;
                a.inside += compute::attribution::positiveRelevanceInside(pixels, mask);
                const Faithfulness f = faithfulness(s, image, target, map, grid.rows, grid.cols, steps);
                a.deletion += f.deletionAuc;
                a.insertion += f.insertionAuc;
                ++a.n;
                if (random) {
                    const PlanarImage rimage = preprocessed(*random, sample.image);
                    // RISE with the same masks would share its sampling noise between the two maps and
                    // inflate their correlation; other masks leave only what the models have in common.
                    ExplainParams rparams = params;
                    rparams.seed = params.seed + 0x9E3779B9ull;
                    const std::vector<float> rmap = explainMap(*random, rimage, target, rparams);
                    if (rmap.size() == map.size()) {
                        a.spearman += compute::attribution::spearman(map, rmap);
                        ++a.nSpearman;
                    }
                }
            }
        }
        nlohmann::json j;
        j["model"] = p.value(QStringLiteral("model")).toStdString();
        if (random) j["random_model"] = p.value(QStringLiteral("random-model")).toStdString();
        j["images"] = count;
        j["seed"] = seed;
        j["top1_accuracy"] = double(correct) / count;
        j["settings"] = {{"pointing_tolerance", "one patch"},
                         {"target", "the image's label (most prominent object); mask = that object"},
                         {"deletion", "zero substrate, softmax probability"},
                         {"insertion", "blur k11 sigma5 substrate, softmax probability"},
                         {"steps", steps},
                         {"attention", "last layer, mean over heads, CLS row"},
                         {"rollout", "mean fusion, residual 0.5, rows renormalised, no discard"},
                         {"occlusion", "window = stride = one patch, baseline 0, softmax probability"},
                         {"rise",
                          {{"masks", masks},
                           {"cells", 8},
                           {"p", 0.5},
                           {"seed", "image index (other masks for the random model)"}}}};
        j["methods"] = nlohmann::json::object();
        for (const QString& m : methods) {
            const Accum& a = acc[m];
            nlohmann::json r{{"pointing_accuracy", a.pointing / a.n},
                             {"positive_relevance_inside", a.inside / a.n},
                             {"deletion_auc", a.deletion / a.n},
                             {"insertion_auc", a.insertion / a.n},
                             {"map_seconds_per_image", a.seconds / a.n}};
            if (a.nSpearman) r["randomisation_spearman"] = a.spearman / a.nSpearman;
            j["methods"][m.toStdString()] = r;
        }
        out << QString::fromStdString(j.dump(2)) << "\n";
        return ExitOk;
    } catch (const std::exception& e) {
        err << "loupe explain-quality: " << e.what() << "\n";
        return ExitFailure;
    }
}

const CommandRegistrar registrar{
    {QStringLiteral("explain-quality"),
     QStringLiteral("Score attribution methods against the shapes world's exact masks (JSON)"),
     explainQuality}};

} // namespace

} // namespace loupe::cli
