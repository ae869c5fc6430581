// SPDX-License-Identifier: MIT
#pragma once

#include "plugins/api/plugin_api.h"

#include <QString>
#include <QStringList>
#include <QVariant>
#include <QVariantMap>
#include <QtPlugin>
#include <vector>

namespace loupe::plugin {

// An image as the model takes it: planar channels × height × width, in the model's normalised input space.
struct ExplainImage
{
    int channels = 0;
    int height = 0;
    int width = 0;
    std::vector<float> data;
};

// The map grid of an image: one value per patch, row-major.
struct MapGrid
{
    int rows = 0;
    int cols = 0;
    int patchHeight = 0; // pixels per grid cell
    int patchWidth = 0;
};

// A classification model opened for explanation (Loupe's model session). Calls may throw Loupe's own
// exceptions on a model failure: let them pass.
class ModelSession
{
public:
    virtual ~ModelSession() = default;
    virtual int classCount() const = 0;
    virtual MapGrid grid(int height, int width) const = 0;
    // Logits, batch × classCount, one forward pass for the batch.
    virtual std::vector<float> logits(const std::vector<const ExplainImage*>& batch) = 0;
    // d logit[target] / d input for each image, batch × (channels · height · width).
    virtual std::vector<float> inputGradients(const std::vector<const ExplainImage*>& batch, int target) = 0;
    // Reports model passes done of total; false when the user cancelled (return false from map()).
    virtual bool progress(int done, int total) = 0;
};

// Explanation methods: a map over the image's grid saying how much each cell matters for one class.
class ExplanationMethodInterface
{
public:
    virtual ~ExplanationMethodInterface() = default;
    virtual QStringList methods() const = 0; // as `loupe explain --method` takes them
    virtual QString title(const QString& method) const = 0;
    // Fills *map with grid(image.height, image.width).rows × cols values. settings holds Loupe's explain
    // parameters by name (seed, batchSize, igSteps, ...) and the method's own knobs. False with *error
    // on bad settings, or when progress() said stop.
    virtual bool map(const QString& method, ModelSession& session, const ExplainImage& image, int target,
                     const QVariantMap& settings, std::vector<float>* map, QString* error) = 0;
};

// One knob of a method, shown to users and set with `loupe explain --set KEY=VALUE`. The default's
// type (int, double, bool or QString) is the type map() receives under the key.
struct MethodSetting
{
    QString key;
    QVariant defaultValue;
    QString description;
};

// Optional, beside ExplanationMethodInterface: the settings each method takes. A separate interface so
// that plugins built before it keep loading (Loupe asks for it with qobject_cast); a method that
// declares settings receives the user's values in map()'s settings, the defaults otherwise.
class ExplanationSettingsInterface
{
public:
    virtual ~ExplanationSettingsInterface() = default;
    virtual QList<MethodSetting> settings(const QString& method) const = 0;
};

} // namespace loupe::plugin

#define LOUPE_EXPLANATION_METHOD_IID "org.loupe.ExplanationMethod/1"
Q_DECLARE_INTERFACE(loupe::plugin::ExplanationMethodInterface, LOUPE_EXPLANATION_METHOD_IID)
#define LOUPE_EXPLANATION_SETTINGS_IID "org.loupe.ExplanationSettings/1"
Q_DECLARE_INTERFACE(loupe::plugin::ExplanationSettingsInterface, LOUPE_EXPLANATION_SETTINGS_IID)
