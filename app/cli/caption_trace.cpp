// SPDX-License-Identifier: MIT
#include "app/cli/caption_trace.h"

#include "compute/attribution/npy.h"
#include "compute/error.h"
#include "core/explain/explainer.h"
#include "core/imageio.h"

#include <QDir>
#include <QSaveFile>

namespace loupe::cli {

nlohmann::json writeCaptionTrace(const std::vector<compute::TokenTrace>& traces,
                                 const compute::text::Tokenizer& tok, int grid, const QString& imagePath,
                                 const QString& dir, const QString& stem, const TokenRelevancyOf& relevancy)
{
    QString error;
    // The ViT and BLIP processors resize the whole image to the model's square, so the grid covers all of it.
    const QImage image = core::readImage(imagePath, &error);
    if (image.isNull()) throw compute::Error(error.toStdString());
    auto writeMap = [&](const QString& base, const std::vector<float>& map) -> nlohmann::json {
        const QString npy = base + QStringLiteral(".npy"), png = base + QStringLiteral(".png");
        compute::writeNpyF32(QDir(dir).filePath(npy).toStdString(), {grid, grid}, map);
        if (!core::overlay(image, map, grid, grid).save(QDir(dir).filePath(png)))
            throw compute::Error(QDir(dir).filePath(png).toStdString(), "cannot write the overlay PNG");
        return {{"npy", npy.toStdString()}, {"png", png.toStdString()}};
    };
    nlohmann::json tokens = nlohmann::json::array();
    for (const compute::TokenTrace& t : traces) {
        nlohmann::json maps;
        const int layers = int(t.crossAttention.size());
        for (const auto& [key, layer] :
             {std::pair<const char*, int>{"last_layer", layers - 1}, {"all_layers", -1}}) {
            const std::vector<float> map = t.patchMap(layer);
            if (int64_t(map.size()) != int64_t(grid) * grid)
                throw compute::Error(imagePath.toStdString(),
                                     "the cross-attention covers " + std::to_string(map.size()) +
                                         " patches, not the model's grid of " + std::to_string(grid) + " x " +
                                         std::to_string(grid));
            maps[key] =
                writeMap(stem + QStringLiteral(".t%1.%2").arg(t.step).arg(layer < 0 ? "mean" : "last"), map);
        }
        nlohmann::json top = nlohmann::json::array();
        for (const auto& [id, prob] : t.top)
            top.push_back({{"id", id}, {"text", tok.decode({id}, false)}, {"prob", prob}});
        nlohmann::json entry{{"step", t.step},        {"id", t.token}, {"text", tok.decode({t.token}, false)},
                             {"prob", t.probability}, {"top", top},    {"cross_attention", maps}};
        if (relevancy) {
            const compute::attribution::TokenRelevancy r = relevancy(t.step);
            if (r.grid != grid)
                throw compute::Error(imagePath.toStdString(),
                                     "the relevancy map's grid of " + std::to_string(r.grid) +
                                         " is not the model's " + std::to_string(grid));
            nlohmann::json rel = writeMap(stem + QStringLiteral(".t%1.rel").arg(t.step), r.patches);
            rel["logit"] = r.logit;
            entry["relevancy"] = rel;
        }
        tokens.push_back(entry);
    }
    return tokens;
}

void makeTraceFolder(const QString& dir)
{
    if (!QDir().mkpath(dir)) throw compute::Error(dir.toStdString(), "cannot create the trace folder");
}

void writeTraceJson(const QString& dir, nlohmann::json trace)
{
    trace["distribution"] = "softmax of the decoder's logits, before decoding processors";
    QSaveFile f(QDir(dir).filePath(QStringLiteral("trace.json")));
    if (!f.open(QIODevice::WriteOnly) || f.write(QByteArray::fromStdString(trace.dump(2))) < 0 || !f.commit())
        throw compute::Error(f.fileName().toStdString(), "cannot write the trace");
}

} // namespace loupe::cli
