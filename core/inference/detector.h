// SPDX-License-Identifier: MIT
#pragma once

#include "compute/engine_options.h"

#include <QImage>
#include <QRectF>
#include <QString>
#include <QStringList>
#include <QVariantMap>
#include <functional>
#include <memory>
#include <vector>

namespace loupe::core {

// One object a model found in an image, in the image's pixels.
struct Detection
{
    QString label;    // one of DetectorOptions::labels, or the model's own class name
    double score = 0; // the model's confidence in [0, 1]
    QRectF box;
    QImage mask; // Format_Grayscale8 at the image's size, 255 inside; null for box-only detectors
};

// What a detector is opened with. Open-vocabulary detectors (SAM + CLIP, OWL-ViT) label with `labels`;
// closed-vocabulary ones (DETR) map their classes onto them by name and drop the rest.
struct DetectorOptions
{
    QString modelFolder;    // the checkpoint that finds objects
    QString labellerFolder; // a CLIP checkpoint naming what a class-agnostic model found; may be empty
    QStringList labels;     // the project's labels
    double threshold = 0.5; // detections scoring below are not returned
    // The detector's own knobs by the names its reference implementation uses (SAM's generator:
    // points_per_side, pred_iou_thresh ...); a detector refuses names it does not know, naming them.
    QVariantMap settings;
    compute::EngineOptions engine; // the device and precision every model of the detector runs with
};

// The seam between pre-labelling (core/jobs, `loupe prelabel`) and the models that propose shapes.
// A detector is used from one thread at a time; it may keep per-image caches.
class Detector
{
public:
    virtual ~Detector() = default;
    // Human name of the method with its model, kept in the run's provenance ("SAM automatic masks + CLIP").
    virtual QString name() const = 0;
    // The parameters that change its answers (thresholds, grid), as JSON text for the run row; a resumed
    // run with other parameters is another run.
    virtual QString parameters() const = 0;
    // Throws compute::Error (naming the file) when the image cannot be read or the model fails.
    virtual std::vector<Detection> detect(const QImage& image) = 0;
};

// Opens a detector for a checkpoint folder; throws compute::Error naming the folder when it cannot.
using DetectorFactory = std::function<std::unique_ptr<Detector>(const DetectorOptions&)>;

// Detector kinds are registered by the architecture their checkpoint's config.json names (SamModel;
// plugins add OwlViTForObjectDetection, DetrForObjectDetection ...). Registration is thread-safe; a later
// registration of the same architecture replaces the earlier one.
void registerDetector(const QString& architecture, DetectorFactory factory);
QStringList detectorArchitectures();
// The names a checkpoint folder's config.json gives its model: the architectures list, then model_type.
// Empty with *why (naming the file) when config.json is unreadable, not JSON or names nothing.
QStringList checkpointModelNames(const QString& folder, QString* why = nullptr);
// Whether a registered detector kind fits the folder (what openDetector would pick).
bool hasDetector(const QString& folder);

// The detector for options.modelFolder, chosen by its config.json's architectures[0] (or model_type).
// Returns nullptr and sets *why (naming the folder) when no registered kind fits or the folder is bad.
std::unique_ptr<Detector> openDetector(const DetectorOptions& options, QString* why);

} // namespace loupe::core
