// SPDX-License-Identifier: MIT
// loupe classify --model DIR IMAGE... [--topk K] [--json] [--threads N] [--interpolate-pos-encoding]
//                [--backend B] [--dtype D]
#include "app/cli/command.h"
#include "app/cli/engine_args.h"
#include "app/cli/help_text.h"
#include "app/cli/threads.h"
#include "compute/error.h"
#include "compute/models/finite_outputs.h"
#include "compute/preprocess/processor_fit.h"
#include "core/explain/vit_session.h"
#include "core/inference/execution.h"
#include "core/inference/pixel_values.h"

#include <QCommandLineParser>
#include <QTextStream>
#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <numeric>

namespace loupe::cli {

using core::VitSession;

namespace {

int classify(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Classify images with a ViT / DeiT checkpoint folder."));
    p.addHelpOption();
    p.addOption(
        {QStringLiteral("model"), QStringLiteral("Hugging Face checkpoint folder."), QStringLiteral("DIR")});
    p.addOption({QStringLiteral("topk"), QStringLiteral("Classes to print (default 5)."), QStringLiteral("K"),
                 QStringLiteral("5")});
    p.addOption({QStringLiteral("json"), QStringLiteral("One JSON object per image, one per line.")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("CPU threads (default: all cores)."),
                 QStringLiteral("N")});
    p.addOption(
        {QStringLiteral("interpolate-pos-encoding"),
         QStringLiteral("Run the model at the size preprocessor_config.json gives even when it differs "
                        "from config.json's image_size, interpolating the position embeddings "
                        "(transformers' interpolate_pos_encoding).")});
    addEngineOptions(p);
    p.addPositionalArgument(QStringLiteral("IMAGE"), QStringLiteral("Images to classify."),
                            QStringLiteral("IMAGE..."));
    QTextStream out(stdout), err(stderr);
    if (!p.parse(QStringList{QStringLiteral("loupe classify")} + args)) {
        err << "loupe classify: " << p.errorText() << "\n";
        return ExitUsage;
    }
    if (p.isSet(QStringLiteral("help"))) {
        out << commandHelpText(p, QStringLiteral("classify"));
        return ExitOk;
    }
    const QStringList images = p.positionalArguments();
    bool okK = false;
    const int topk = p.value(QStringLiteral("topk")).toInt(&okK);
    if (!p.isSet(QStringLiteral("model")) || images.isEmpty() || !okK || topk < 1) {
        err << "usage: loupe classify --model DIR IMAGE... [--topk K] [--json] [--threads N] "
               "[--interpolate-pos-encoding]"
            << engineUsage() << "\n";
        return ExitUsage;
    }
    if (!applyThreads(p.value(QStringLiteral("threads")))) return ExitUsage;
    const std::optional<compute::EngineOptions> engine = parseEngineOptions(p, QStringLiteral("classify"));
    if (!engine) return ExitUsage;
    const bool json = p.isSet(QStringLiteral("json"));
    compute::VitRunOptions run;
    run.interpolatePosEncoding = p.isSet(QStringLiteral("interpolate-pos-encoding"));
    try {
        const QString folder = p.value(QStringLiteral("model"));
        const VitSession s = VitSession::open(folder, *engine);
        if (s.model.arch() == compute::VitModel::Arch::ViTModel)
            throw compute::Error(
                folder.toStdString(),
                "a bare ViTModel has no classification head; use `loupe inspect` for its hidden states");
        // Before any image is read: a processor size the model cannot take is the folder's problem.
        compute::checkProcessorFitsModel(s.processor, s.model.config(),
                                         (folder + QStringLiteral("/preprocessor_config.json")).toStdString(),
                                         run.interpolatePosEncoding);
        int failures = 0;
        for (const QString& image : images) {
            std::vector<float> logits;
            const core::ExecutionScope scope(*engine);
            try {
                // Decoded through core::readImage, which accepts and refuses images as import does.
                const compute::Tensor px = core::loadPixelValues(image, s.processor);
                logits = s.model.forward(px, run).logits.toF32Vector();
                compute::requireFiniteOutputs(logits.data(), logits.size(), image.toStdString());
            } catch (const compute::Error& e) {
                err << "loupe classify: " << e.what() << "\n";
                ++failures;
                continue;
            }
            const compute::ExecutionRecord execution = scope.finish();
            reportFallback(execution, QStringLiteral("classify"));
            // Softmax in double so tiny probabilities print sensibly.
            const double mx = *std::max_element(logits.begin(), logits.end());
            double sum = 0;
            for (float l : logits)
                sum += std::exp(double(l) - mx);
            std::vector<int64_t> order(logits.size());
            std::iota(order.begin(), order.end(), 0);
            const size_t k = std::min(order.size(), size_t(topk));
            std::partial_sort(order.begin(), order.begin() + long(k), order.end(),
                              [&](int64_t a, int64_t b) { return logits[size_t(a)] > logits[size_t(b)]; });
            if (json) {
                nlohmann::json row;
                row["image"] = image.toStdString();
                row["top"] = nlohmann::json::array();
                for (size_t i = 0; i < k; ++i) {
                    const int64_t c = order[i];
                    row["top"].push_back({{"index", c},
                                          {"label", s.label(c)},
                                          {"logit", logits[size_t(c)]},
                                          {"prob", std::exp(double(logits[size_t(c)]) - mx) / sum}});
                }
                addExecutionJson(row, execution);
                out << QString::fromStdString(row.dump()) << "\n";
            } else {
                out << image << "\n";
                for (size_t i = 0; i < k; ++i) {
                    const int64_t c = order[i];
                    out << QStringLiteral("  %1  %2  %3 (logit %4)\n")
                               .arg(std::exp(double(logits[size_t(c)]) - mx) / sum, 8, 'f', 5)
                               .arg(c, 5)
                               .arg(QString::fromStdString(s.label(c)))
                               .arg(double(logits[size_t(c)]), 0, 'g', 6);
                }
            }
            out.flush();
        }
        return failures ? ExitFailure : ExitOk;
    } catch (const compute::Error& e) {
        err << "loupe classify: " << e.what() << "\n";
        return ExitFailure;
    }
}

const CommandRegistrar registrar{
    {QStringLiteral("classify"), QStringLiteral("Top-k classes of images with a ViT/DeiT model"), classify}};

} // namespace

} // namespace loupe::cli
