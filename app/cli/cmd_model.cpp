// SPDX-License-Identifier: MIT
// loupe model info DIR: architecture, parameter count, dtypes and whether the engine can run it.
#include "app/cli/command.h"
#include "compute/error.h"
#include "compute/io/checkpoint.h"
#include "compute/models/vit.h"

#include <QTextStream>
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
            const compute::VitModel m = compute::VitModel::fromCheckpoint(ckpt);
            const auto& c = m.config();
            out << "engine:        supported as " << compute::VitModel::archName(m.arch()) << "\n";
            out << "shape:         hidden " << c.hiddenSize << ", layers " << c.numHiddenLayers << ", heads "
                << c.numAttentionHeads << ", mlp " << c.intermediateSize << ", "
                << QString::fromStdString(c.hiddenAct) << ", image " << c.imageSize << ", patch "
                << c.patchSize << ", labels " << c.numLabels() << "\n";
        } catch (const compute::Error& e) {
            out << "engine:        not runnable: " << e.what() << "\n";
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
    QTextStream(args.contains(QStringLiteral("--help")) ? stdout : stderr) << "usage: loupe model info DIR\n";
    return args.contains(QStringLiteral("--help")) ? ExitOk : ExitUsage;
}

const CommandRegistrar registrar{
    {QStringLiteral("model"), QStringLiteral("Describe a checkpoint folder (model info DIR)"), model}};

} // namespace

} // namespace loupe::cli
