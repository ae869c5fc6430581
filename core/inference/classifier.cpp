// SPDX-License-Identifier: MIT
#include "core/inference/classifier.h"

#include "compute/error.h"
#include "compute/io/checkpoint.h"
#include "compute/models/finite_outputs.h"
#include "compute/models/vit.h"
#include "compute/preprocess/image_processor.h"
#include "compute/preprocess/processor_config.h"
#include "compute/preprocess/processor_fit.h"
#include "core/inference/pixel_values.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

namespace loupe::core {

struct ImageClassifier::Impl
{
    QString folder;
    compute::Checkpoint checkpoint; // owns the weights the model views
    compute::VitModel model;
    compute::ImageProcessorConfig processor;
};

ImageClassifier::ImageClassifier(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}
ImageClassifier::~ImageClassifier() = default;

QString ImageClassifier::folder() const
{
    return d->folder;
}

const compute::EngineOptions& ImageClassifier::engineOptions() const
{
    return d->checkpoint.engineOptions();
}

std::shared_ptr<const ImageClassifier> ImageClassifier::open(const QString& folder, QString* error,
                                                             const compute::EngineOptions& options)
{
    try {
        const std::filesystem::path dir = folder.toStdString();
        compute::Checkpoint ckpt = compute::Checkpoint::open(dir, options);
        compute::VitModel model = compute::VitModel::fromCheckpoint(ckpt);
        if (model.arch() == compute::VitModel::Arch::ViTModel)
            throw compute::Error(folder.toStdString(), "the checkpoint has no classification head");
        const std::filesystem::path pp = dir / "preprocessor_config.json";
        if (!std::filesystem::exists(pp))
            throw compute::Error(pp.string(),
                                 "missing: the image processor settings are needed to prepare images");
        compute::ImageProcessorConfig processor = compute::ImageProcessorConfig::fromFile(pp);
        compute::checkProcessorFitsModel(processor, model.config(), pp.string(), false);
        auto impl =
            std::unique_ptr<Impl>(new Impl{folder, std::move(ckpt), std::move(model), std::move(processor)});
        return std::shared_ptr<const ImageClassifier>(new ImageClassifier(std::move(impl)));
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return nullptr;
    }
}

Classification ImageClassifier::classify(const QImage& source, int topk, QString* error,
                                         const QString& name) const
{
    Classification out;
    if (source.isNull()) {
        if (error) *error = QStringLiteral("no image to classify");
        return out;
    }
    QElapsedTimer timer;
    timer.start();
    try {
        const compute::Tensor px = pixelValuesFromImage(source, d->processor);
        const std::vector<float> logits = d->model.forward(px).logits.toF32Vector();
        if (logits.empty()) throw compute::Error(d->folder.toStdString(), "the model returned no logits");
        const std::string what = name.isEmpty() ? std::string("the image") : name.toStdString();
        compute::requireFiniteOutputs(logits.data(), logits.size(), what);
        // Softmax in double so tiny probabilities stay meaningful.
        const double mx = *std::max_element(logits.begin(), logits.end());
        double sum = 0;
        for (float l : logits)
            sum += std::exp(double(l) - mx);
        std::vector<int> order(logits.size());
        std::iota(order.begin(), order.end(), 0);
        const size_t k = std::min(order.size(), size_t(std::max(1, topk)));
        std::partial_sort(order.begin(), order.begin() + ptrdiff_t(k), order.end(),
                          [&](int a, int b) { return logits[size_t(a)] > logits[size_t(b)]; });
        const auto& labels = d->model.config().id2label;
        for (size_t i = 0; i < k; ++i) {
            const int c = order[i];
            auto it = labels.find(c);
            Classification::Entry e;
            e.index = c;
            e.label =
                it == labels.end() ? QStringLiteral("LABEL_%1").arg(c) : QString::fromStdString(it->second);
            e.logit = logits[size_t(c)];
            e.prob = std::exp(double(logits[size_t(c)]) - mx) / sum;
            out.top.append(e);
        }
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        out.top.clear();
    }
    out.durationMs = double(timer.nsecsElapsed()) / 1e6;
    return out;
}

QJsonObject Classification::toJson() const
{
    QJsonArray arr;
    for (const Entry& e : top)
        arr.append(QJsonObject{{QStringLiteral("index"), e.index},
                               {QStringLiteral("label"), e.label},
                               {QStringLiteral("logit"), e.logit},
                               {QStringLiteral("prob"), e.prob}});
    return QJsonObject{{QStringLiteral("top"), arr}};
}

Classification Classification::fromJson(const QJsonObject& json)
{
    Classification c;
    for (const QJsonValue& v : json.value(QStringLiteral("top")).toArray()) {
        const QJsonObject o = v.toObject();
        c.top.append(
            Entry{o.value(QStringLiteral("index")).toInt(), o.value(QStringLiteral("label")).toString(),
                  o.value(QStringLiteral("logit")).toDouble(), o.value(QStringLiteral("prob")).toDouble()});
    }
    return c;
}

} // namespace loupe::core
