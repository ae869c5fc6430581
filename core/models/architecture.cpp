// SPDX-License-Identifier: MIT
#include "core/models/architecture.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace loupe::core {

const std::vector<ArchitectureSpec>& knownArchitectures()
{
    // Model-type defaults come first for each type (used when "architectures" is absent).
    static const std::vector<ArchitectureSpec> specs = {
        {"ViTForImageClassification", "vit", "image-classification", true},
        {"ViTModel", "vit", "image-features", true},
        // A bare DeiT (two special tokens, no head) is not in the engine yet; with "deit" alone in
        // config.json we cannot tell which head the weights carry, so it maps to the bare model.
        {"DeiTModel", "deit", "image-features", false},
        {"DeiTForImageClassification", "deit", "image-classification", true},
        {"DeiTForImageClassificationWithTeacher", "deit", "image-classification", true},
        {"CLIPModel", "clip", "zero-shot-classification", false},
        {"BlipForConditionalGeneration", "blip", "captioning", false},
        {"BlipForQuestionAnswering", "blip", "visual-question-answering", false},
        {"VisionEncoderDecoderModel", "vision-encoder-decoder", "captioning", false},
        {"GPT2LMHeadModel", "gpt2", "text-generation", false},
        {"SamModel", "sam", "segmentation", false},
    };
    return specs;
}

QStringList supportedArchitectures()
{
    QStringList out;
    for (const auto& s : knownArchitectures())
        if (s.supported) out << QString::fromLatin1(s.architecture);
    return out;
}

namespace {

const ArchitectureSpec* byArchitecture(const QString& name)
{
    for (const auto& s : knownArchitectures())
        if (name == QLatin1String(s.architecture)) return &s;
    return nullptr;
}

const ArchitectureSpec* byModelType(const QString& type)
{
    for (const auto& s : knownArchitectures())
        if (type == QLatin1String(s.modelType)) return &s;
    return nullptr;
}

} // namespace

DetectedArchitecture detectArchitectureFromJson(const QByteArray& configJson, const QString& source)
{
    DetectedArchitecture d;
    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(configJson, &perr);
    if (perr.error != QJsonParseError::NoError || !doc.isObject()) {
        d.error = QStringLiteral("%1: not a valid JSON object (%2)").arg(source, perr.errorString());
        return d;
    }
    const QJsonObject cfg = doc.object();
    d.modelType = cfg.value("model_type").toString();
    const QString supported = supportedArchitectures().join(", ");

    const ArchitectureSpec* spec = nullptr;
    QStringList listed;
    for (const auto& v : cfg.value("architectures").toArray()) {
        listed << v.toString();
        if (!spec) spec = byArchitecture(v.toString());
    }
    if (!spec && listed.isEmpty() && !d.modelType.isEmpty()) spec = byModelType(d.modelType);
    const QString what = listed.isEmpty() ? QStringLiteral("model_type '%1'").arg(d.modelType)
                                          : QStringLiteral("architecture '%1'").arg(listed.join("', '"));
    if (!spec) {
        d.error = QStringLiteral("%1: unsupported %2; supported: %3").arg(source, what, supported);
        return d;
    }
    if (!spec->supported) {
        d.error = QStringLiteral("%1: %2 is recognised but not supported by this version yet; supported: %3")
                      .arg(source, QLatin1String(spec->architecture), supported);
        return d;
    }
    d.architecture = QString::fromLatin1(spec->architecture);
    if (d.modelType.isEmpty()) d.modelType = QString::fromLatin1(spec->modelType);
    d.task = QString::fromLatin1(spec->task);
    d.numLabels = cfg.value("id2label").toObject().size();
    return d;
}

DetectedArchitecture detectArchitecture(const QString& folder)
{
    const QString path = QDir(folder).filePath("config.json");
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        DetectedArchitecture d;
        d.error = QStringLiteral("%1: cannot read (%2)").arg(path, f.errorString());
        return d;
    }
    return detectArchitectureFromJson(f.readAll(), path);
}

} // namespace loupe::core
