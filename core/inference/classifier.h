// SPDX-License-Identifier: MIT
#pragma once

#include "compute/engine_options.h"

#include <QImage>
#include <QJsonObject>
#include <QString>
#include <QVector>
#include <memory>

namespace loupe::core {

// One image-classification answer: the k most probable classes, best first.
struct Classification
{
    struct Entry
    {
        int index = 0;
        QString label;
        double logit = 0;
        double prob = 0;
    };
    QVector<Entry> top;
    double durationMs = 0; // preprocessing + forward pass

    // {"top": [{"index", "label", "logit", "prob"}, ...]}: the shape `loupe classify --json` prints.
    QJsonObject toJson() const;
    static Classification fromJson(const QJsonObject& json);
};

// A classification checkpoint folder opened for repeated use from any thread: the engine's ViT model
// plus its image processor. classify() is const and holds no per-call state, so one instance may serve
// a background job while the GUI keeps a reference to it.
class ImageClassifier
{
public:
    // nullptr and *error (naming the folder or file and the problem) when it cannot be opened, including
    // a preprocessor_config.json whose output size the model cannot take.
    // `options` choose the device and precision (default: auto, the checkpoint's precision).
    static std::shared_ptr<const ImageClassifier> open(const QString& folder, QString* error,
                                                       const compute::EngineOptions& options = {});
    ~ImageClassifier();

    QString folder() const;
    const compute::EngineOptions& engineOptions() const;
    // Converts the image to RGB as Pillow's convert("RGB") does, preprocesses it with the checkpoint's
    // processor settings and runs the model. Empty `top` and *error set on failure, including NaN or
    // infinite logits (broken weights), named by `name` (the image's path) when given.
    Classification classify(const QImage& image, int topk, QString* error, const QString& name = {}) const;

private:
    struct Impl;
    explicit ImageClassifier(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace loupe::core
