// SPDX-License-Identifier: MIT
// loupe inspect --model DIR IMAGE -o OUT.safetensors [--tensors PATTERN[,PATTERN...]] [--grads [--target T]]
// Saves what the model computed, named and shaped as transformers returns them with
// output_hidden_states=True and output_attentions=True (batch dimension included, f32). --grads adds
// attn_grads.{i} = d logit[target] / d attentions.{i} and input_grad = d logit[target] / d pixel_values
// (the target defaults to the top class), as the golden cases name them.
#include "app/cli/command.h"
#include "app/cli/help_text.h"
#include "app/cli/threads.h"
#include "compute/error.h"
#include "compute/graph/graph.h"
#include "compute/io/safetensors_writer.h"
#include "compute/models/finite_outputs.h"
#include "core/explain/vit_session.h"

#include <QCommandLineParser>
#include <QTextStream>
#include <algorithm>

namespace loupe::cli {

using core::VitSession;

namespace {

int inspect(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Run a ViT/DeiT model on one image and save pixel_values, "
                                               "logits, hidden_states.{i} and attentions.{i}; with --grads "
                                               "also attn_grads.{i} and input_grad."));
    p.addHelpOption();
    p.addOption(
        {QStringLiteral("model"), QStringLiteral("Hugging Face checkpoint folder."), QStringLiteral("DIR")});
    p.addOption({{QStringLiteral("o"), QStringLiteral("output")},
                 QStringLiteral("Output .safetensors file."),
                 QStringLiteral("OUT")});
    p.addOption(
        {QStringLiteral("tensors"),
         QStringLiteral("Only tensors whose names match these globs (comma separated), e.g. 'attentions.*'."),
         QStringLiteral("PATTERN")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("CPU threads (default: all cores)."),
                 QStringLiteral("N")});
    p.addOption({QStringLiteral("grads"),
                 QStringLiteral("Also save attn_grads.{i} and input_grad: gradients of the target logit.")});
    p.addOption(
        {QStringLiteral("target"),
         QStringLiteral("Class index or label whose logit --grads differentiates (default: top class)."),
         QStringLiteral("T")});
    p.addOption({QStringLiteral("interpolate-pos-encoding"),
                 QStringLiteral("Accept images the processor resizes to a size other than the model's.")});
    p.addPositionalArgument(QStringLiteral("IMAGE"), QStringLiteral("The image."));
    QTextStream out(stdout), err(stderr);
    if (!p.parse(QStringList{QStringLiteral("loupe inspect")} + args)) {
        err << "loupe inspect: " << p.errorText() << "\n";
        return ExitUsage;
    }
    if (p.isSet(QStringLiteral("help"))) {
        out << commandHelpText(p, QStringLiteral("inspect"));
        return ExitOk;
    }
    if (!p.isSet(QStringLiteral("model")) || !p.isSet(QStringLiteral("output")) ||
        p.positionalArguments().size() != 1) {
        err << "usage: loupe inspect --model DIR IMAGE -o OUT.safetensors [--tensors PATTERN] "
               "[--grads [--target T]]\n";
        return ExitUsage;
    }
    const bool grads = p.isSet(QStringLiteral("grads"));
    if (p.isSet(QStringLiteral("target")) && !grads) {
        err << "loupe inspect: --target needs --grads\n";
        return ExitUsage;
    }
    if (!applyThreads(p.value(QStringLiteral("threads")))) return ExitUsage;
    QStringList patterns = p.value(QStringLiteral("tensors")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (patterns.isEmpty()) patterns << QStringLiteral("*");
    auto wanted = [&](const std::string& name) {
        for (const QString& pat : patterns)
            if (compute::globMatch(pat.trimmed().toStdString(), name)) return true;
        return false;
    };
    try {
        VitSession s = VitSession::open(p.value(QStringLiteral("model")));
        s.interpolatePosEncoding = p.isSet(QStringLiteral("interpolate-pos-encoding"));
        const compute::Tensor px = s.pixelValues(p.positionalArguments().front());
        compute::VitRunOptions o;
        o.interpolatePosEncoding = s.interpolatePosEncoding;
        // Ask the engine only for what will be saved: attentions cost memory (kept to the end).
        const int64_t layers = s.model.config().numHiddenLayers;
        for (int64_t i = 0; i <= layers; ++i) {
            o.hiddenStates = o.hiddenStates || wanted("hidden_states." + std::to_string(i));
            o.attentions = o.attentions || (i < layers && wanted("attentions." + std::to_string(i)));
        }
        const compute::VitOutput r = s.model.forward(px, o);
        if (r.logits.defined())
            compute::requireFiniteOutputs(r.logits, p.positionalArguments().front().toStdString());
        int64_t target = -1;
        compute::VitGradients g;
        bool anyGrad = false;
        for (int64_t i = 0; i < layers; ++i)
            anyGrad = anyGrad || wanted("attn_grads." + std::to_string(i));
        if (grads && (anyGrad || wanted("input_grad"))) {
            if (!r.logits.defined()) {
                err << "loupe inspect: --grads needs a classification model ("
                    << p.value(QStringLiteral("model")) << " has no logits)\n";
                return ExitFailure;
            }
            const int64_t classes = r.logits.size(1);
            if (p.isSet(QStringLiteral("target"))) {
                const QString t = p.value(QStringLiteral("target"));
                bool isIndex = false;
                target = t.toLongLong(&isIndex);
                if (!isIndex) {
                    target = -1;
                    for (const auto& [index, label] : s.model.config().id2label)
                        if (QString::fromStdString(label) == t) target = index;
                }
                if (target < 0 || target >= classes) {
                    err << "loupe inspect: --target " << t << " is neither a class index in 0.."
                        << classes - 1 << " nor a label of " << p.value(QStringLiteral("model")) << "\n";
                    return ExitUsage;
                }
            } else {
                const float* l = r.logits.ptr<float>();
                target = int64_t(std::max_element(l, l + classes) - l);
            }
            g = s.gradients(px, target);
        }
        compute::SafetensorsWriter w;
        w.setMetadata("format", "pt");
        w.setMetadata("producer", "loupe inspect");
        auto add = [&](const std::string& name, const compute::Tensor& t) {
            if (t.defined() && wanted(name)) {
                const compute::Tensor c = t.contiguous();
                w.addF32(name, c.shape(), c.ptr<float>());
            }
        };
        add("pixel_values", px);
        add("logits", r.logits);
        for (size_t i = 0; i < r.hiddenStates.size(); ++i)
            add("hidden_states." + std::to_string(i), r.hiddenStates[i]);
        for (size_t i = 0; i < r.attentions.size(); ++i)
            add("attentions." + std::to_string(i), r.attentions[i]);
        for (size_t i = 0; i < g.attnGrads.size(); ++i)
            add("attn_grads." + std::to_string(i), g.attnGrads[i]);
        add("input_grad", g.inputGrad);
        if (target >= 0) w.setMetadata("target_class", std::to_string(target));
        if (w.size() == 0) {
            err << "loupe inspect: no tensor matches --tensors " << p.value(QStringLiteral("tensors"))
                << "\n";
            return ExitUsage;
        }
        w.write(p.value(QStringLiteral("output")).toStdString());
        out << "wrote " << w.size() << " tensors to " << p.value(QStringLiteral("output")) << "\n";
        return ExitOk;
    } catch (const compute::Error& e) {
        err << "loupe inspect: " << e.what() << "\n";
        return ExitFailure;
    }
}

const CommandRegistrar registrar{
    {QStringLiteral("inspect"),
     QStringLiteral("Save a ViT/DeiT model's hidden states, attentions (and gradients) for an image"),
     inspect}};

} // namespace

} // namespace loupe::cli
