// SPDX-License-Identifier: MIT
// loupe model info DIR: architecture, parameter count, dtypes and whether the engine can run it.
// loupe model download REPO_ID: see model_download.cpp.
#include "app/cli/command.h"
#include "app/cli/model_download.h"
#include "compute/error.h"
#include "compute/io/checkpoint.h"
#include "compute/models/clip.h"
#include "compute/models/finite_outputs.h"
#include "compute/models/gpt2.h"
#include "compute/models/vit.h"
#include "compute/preprocess/processor_fit.h"

#include <QTextStream>
#include <cmath>
#include <filesystem>
#include <map>

namespace loupe::cli {

namespace {

QString withSeparators(uint64_t n)
{
    QString s = QString::number(n);
    for (int i = s.size() - 3; i > 0; i -= 3)
        s.insert(i, QLatin1Char(','));
    return s;
}

// preprocessor_config.json as VitSession::open reads it, then checked against the model.
void checkProcessor(const std::filesystem::path& folder, const compute::ViTConfig& model)
{
    const std::filesystem::path pp = folder / "preprocessor_config.json";
    if (!std::filesystem::exists(pp))
        throw compute::Error(pp.string(),
                             "missing: the image processor settings are needed to prepare images");
    compute::checkProcessorFitsModel(compute::ImageProcessorConfig::fromFile(pp), model, pp.string(), false);
}

// NaN or inf in the weights makes every output NaN; say which tensor instead of "supported".
void checkWeightsFinite(const compute::Checkpoint& ckpt)
{
    for (const std::string& name : ckpt.names()) {
        const compute::TensorView& t = ckpt.tensor(name);
        if (!compute::isFloating(t.dtype)) continue;
        const std::vector<float> v = compute::toF32(t);
        if (compute::allFinite(v.data(), v.size())) continue;
        size_t bad = 0;
        for (float x : v)
            bad += std::isfinite(x) ? 0 : 1;
        throw compute::Error(ckpt.files().size() == 1 ? ckpt.files().front().string()
                                                      : ckpt.folder().string(),
                             "tensor '" + name + "' has " + std::to_string(bad) +
                                 " NaN/inf values: the model would produce non-finite outputs");
    }
}

int modelInfo(const QString& folder)
{
    QTextStream out(stdout), err(stderr);
    try {
        const compute::Checkpoint ckpt = compute::Checkpoint::open(folder.toStdString());
        const nlohmann::json& cfg = ckpt.config();
        std::string arch = "(none)";
        if (cfg.contains("architectures") && cfg["architectures"].is_array() &&
            !cfg["architectures"].empty() && cfg["architectures"][0].is_string())
            arch = cfg["architectures"][0].get<std::string>();
        const std::string type = cfg.contains("model_type") && cfg["model_type"].is_string()
                                     ? cfg["model_type"].get<std::string>()
                                     : "(none)";
        std::map<std::string, std::pair<uint64_t, uint64_t>> byDtype; // dtype -> tensors, elements
        for (const std::string& name : ckpt.names()) {
            const compute::TensorView& t = ckpt.tensor(name);
            auto& e = byDtype[std::string(compute::dtypeName(t.dtype))];
            ++e.first;
            e.second += uint64_t(t.numel());
        }
        out << "folder:        " << folder << "\n";
        out << "architecture:  " << QString::fromStdString(arch) << "\n";
        out << "model_type:    " << QString::fromStdString(type) << "\n";
        out << "format:        " << QString::fromStdString(std::string(compute::formatName(ckpt.format())))
            << " (" << ckpt.files().size() << " file" << (ckpt.files().size() == 1 ? "" : "s") << ")\n";
        out << "parameters:    " << withSeparators(ckpt.parameterCount()) << " in " << ckpt.names().size()
            << " tensors\n";
        out << "dtypes:        ";
        bool first = true;
        for (const auto& [dt, e] : byDtype) {
            out << (first ? "" : ", ") << QString::fromStdString(dt) << " (" << e.first << " tensors, "
                << withSeparators(e.second) << " values)";
            first = false;
        }
        out << "\n";
        try {
            // Everything loading for the command that runs this architecture checks, so "supported" means
            // it will run.
            if (type == "clip") {
                const compute::ClipModel m = compute::ClipModel::fromCheckpoint(ckpt);
                checkWeightsFinite(ckpt);
                const auto& c = m.config();
                out << "engine:        supported as CLIPModel (loupe match)\n";
                out << "shape:         vision " << c.vision.hiddenSize << " wide, "
                    << c.vision.numHiddenLayers << " layers, image " << c.vision.imageSize << ", patch "
                    << c.vision.patchSize << "; text " << c.text.hiddenSize << " wide, "
                    << c.text.numHiddenLayers << " layers, " << c.text.maxPositionEmbeddings
                    << " positions; projection " << c.projectionDim << "\n";
            } else if (type == "gpt2") {
                const compute::Gpt2Model m = compute::Gpt2Model::fromCheckpoint(ckpt);
                checkWeightsFinite(ckpt);
                const auto& c = m.config();
                out << "engine:        supported as GPT2LMHeadModel (loupe generate)\n";
                out << "shape:         " << c.nEmbd << " wide, " << c.nLayer << " layers, " << c.nHead
                    << " heads, " << c.nPositions << " positions, vocabulary " << c.vocabSize << "\n";
            } else {
                const compute::VitModel m = compute::VitModel::fromCheckpoint(ckpt);
                const auto& c = m.config();
                checkProcessor(ckpt.folder(), c);
                checkWeightsFinite(ckpt);
                out << "engine:        supported as " << compute::VitModel::archName(m.arch()) << "\n";
                out << "shape:         hidden " << c.hiddenSize << ", layers " << c.numHiddenLayers
                    << ", heads " << c.numAttentionHeads << ", mlp " << c.intermediateSize << ", "
                    << QString::fromStdString(c.hiddenAct) << ", image " << c.imageSize << ", patch "
                    << c.patchSize << ", labels " << c.numLabels() << "\n";
            }
        } catch (const compute::Error& e) {
            out << "engine:        not runnable: " << e.what() << "\n";
            out.flush();
            err << "loupe model info: " << e.what() << "\n";
            return ExitFailure;
        }
        return ExitOk;
    } catch (const compute::Error& e) {
        err << "loupe model info: " << e.what() << "\n";
        return ExitFailure;
    }
}

int model(const QStringList& args)
{
    if (args.size() == 2 && args[0] == QLatin1String("info")) return modelInfo(args[1]);
    if (!args.isEmpty() && args[0] == QLatin1String("download")) return modelDownload(args.mid(1));
    QTextStream(args.contains(QStringLiteral("--help")) ? stdout : stderr)
        << "usage: loupe model info DIR\n"
           "       loupe model download REPO_ID [--revision R] [--endpoint URL] [--to DIR]\n\n"
           "Describes a checkpoint folder and checks everything classify and explain would check when\n"
           "loading it (config.json, weights and their shapes, preprocessor_config.json against the model,\n"
           "NaN/inf weights). Exit status: 0 runnable, 1 not runnable or unreadable (the reason is "
           "printed),\n"
           "2 usage error.\n\n"
           "model download fetches a checkpoint from the Hugging Face Hub: loupe model download --help.\n";
    return args.contains(QStringLiteral("--help")) ? ExitOk : ExitUsage;
}

const CommandRegistrar registrar{
    {QStringLiteral("model"),
     QStringLiteral("Describe a checkpoint folder or download one from the Hub (model info|download)"),
     model}};

} // namespace

} // namespace loupe::cli
