// SPDX-License-Identifier: MIT
#pragma once

#include "plugins/api/plugin_api.h"

#include <QImage>
#include <QRectF>
#include <QString>
#include <QStringList>
#include <QVariantMap>
#include <QtPlugin>
#include <memory>
#include <vector>

namespace loupe::plugin {

// One object found in an image, in the image's pixels.
struct Detection
{
    QString label;
    double score = 0; // in [0, 1]
    QRectF box;
    QImage mask; // Format_Grayscale8 at the image's size, 255 inside; null for box-only detectors
};

// What pre-labelling opens a detector with (Loupe's DetectorOptions).
struct DetectorRequest
{
    QString modelFolder;    // the checkpoint folder; its config.json names the architecture
    QString labellerFolder; // a CLIP checkpoint to name class-agnostic finds; may be empty
    QStringList labels;     // the project's labels
    double threshold = 0.5;
    QVariantMap settings; // the detector's own knobs; refuse unknown names, naming them
};

// A detector behind Loupe's detector interface. Used from one thread at a time.
class Detector
{
public:
    virtual ~Detector() = default;
    virtual QString name() const = 0;       // for the run's provenance
    virtual QString parameters() const = 0; // JSON text of what changes its answers
    // False with *error (naming the model or the image) when it fails.
    virtual bool detect(const QImage& image, std::vector<Detection>* out, QString* error) = 0;
};

// Opens detectors for checkpoints whose config.json names one of architectures() (its "architectures"
// list or "model_type").
class ModelAdapterInterface
{
public:
    virtual ~ModelAdapterInterface() = default;
    virtual QStringList architectures() const = 0;
    // Null with *error (naming the folder) when it cannot.
    virtual std::unique_ptr<Detector> openDetector(const DetectorRequest& request, QString* error) = 0;
};

} // namespace loupe::plugin

#define LOUPE_MODEL_ADAPTER_IID "org.loupe.ModelAdapter/1"
Q_DECLARE_INTERFACE(loupe::plugin::ModelAdapterInterface, LOUPE_MODEL_ADAPTER_IID)
