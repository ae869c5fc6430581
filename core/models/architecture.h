// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>
#include <vector>

namespace loupe::core {

// One Hugging Face architecture Loupe knows about. `supported` says whether the engine can run it now;
// the others are recognised so the message can say "not yet" rather than "unknown".
struct ArchitectureSpec
{
    const char* architecture; // config.json "architectures" entry, e.g. "ViTForImageClassification"
    const char* modelType;    // config.json "model_type", e.g. "vit"
    const char* task;         // "image-classification", "image-features", "captioning", ...
    bool supported;
};

const std::vector<ArchitectureSpec>& knownArchitectures();
QStringList supportedArchitectures();

// What a checkpoint folder's config.json says the model is.
struct DetectedArchitecture
{
    QString architecture; // empty when detection failed
    QString modelType;
    QString task;
    int numLabels = 0; // entries of id2label (0 for models without a classifier)
    QString error;     // set when the folder cannot be used: names config.json and the reason

    bool ok() const { return error.isEmpty(); }
};

// Reads FOLDER/config.json: the first entry of `architectures` Loupe knows, else a default for
// `model_type`. Unknown or not-yet-supported architectures give an error listing what is supported.
DetectedArchitecture detectArchitecture(const QString& folder);
// Same, from config.json text already read (`source` names it in messages).
DetectedArchitecture detectArchitectureFromJson(const QByteArray& configJson, const QString& source);

} // namespace loupe::core
