// SPDX-License-Identifier: MIT
#pragma once

#include "core/explain/explainer.h"
#include "core/explain/quality.h"

#include <QImage>
#include <QString>
#include <QStringList>
#include <functional>
#include <map>
#include <optional>
#include <vector>

namespace loupe::core {

class ShapesWorld;

// One image with the object its explanation should point at.
struct QualityItem
{
    QString name;       // shown in errors and in per-image rows (a relative path, or "shapes/000042")
    QImage image;       // as read from disk or generated; converted to RGB for the model
    QualityMask mask;   // at the image's resolution
    int target = -1;    // class index; -1 = the trained model's top class
    QString targetName; // when set and target < 0: resolved against the model's id2label
    // Seeds the sampling methods (RISE); the shapes world uses the image's world index, so a run split
    // into parts (first = K) draws the same masks as one run over everything.
    std::optional<uint64_t> seed;
};

// Items produced on demand, so a folder of large photos is never all in memory. `item` throws
// compute::Error naming the file and the problem (unreadable, size mismatch, ...).
struct QualitySource
{
    int count = 0;
    std::function<QualityItem(int index)> item;
    QString description; // for the report ("shapes world seed 2026", "folder /data/images")
};

// Images `first..first+count-1` of the world; target = the label (the most prominent object), mask = that
// object.
QualitySource shapesQualitySource(const ShapesWorld& world, int count, int first = 0);

struct QualityOptions
{
    QStringList methods; // each must be in forwardMethods() and give a map (not head-importance)
    int steps = 16;      // deletion/insertion curve points
    int riseMasks = 300;
    int igSteps = 16;
    int batchSize = 32;
    bool keepPerImage = true; // rows for CSV export
    // Plugin methods' own settings by method (parseExplainMethodsSettings); absent: the defaults.
    QMap<QString, QVariantMap> methodSettings;
};

struct QualityCallbacks
{
    std::function<void(int done, int total)> progress; // after each image
    std::function<bool()> canceled;                    // polled between methods
};

struct MethodQuality
{
    QString method;
    QVariantMap settings; // the method's own settings, in full (empty for built-in methods)
    int images = 0;
    double pointing = 0, inside = 0, deletion = 0, insertion = 0; // means over images
    int randomisedImages = 0;
    double randomisation = 0;                        // mean Spearman; valid when randomisedImages > 0
    double mapSeconds = 0;                           // mean time to compute one map with the trained model
    std::vector<double> meanDeletion, meanInsertion; // mean curves over QualityReport::fractions
};

struct QualityImageRow
{
    QString image;
    QString method;
    int target = 0;
    bool pointing = false;
    float inside = 0, deletion = 0, insertion = 0;
    bool hasRandomisation = false;
    float randomisation = 0;
};

struct QualityReport
{
    int images = 0;          // images scored (fewer than asked when canceled)
    int labelled = 0;        // images whose target came from a label rather than the model
    int labelledCorrect = 0; // of those, the model's top class was the label
    bool canceled = false;
    std::vector<float> fractions;       // the curves' x axis
    std::vector<MethodQuality> methods; // in QualityOptions::methods order
    std::vector<QualityImageRow> rows;
};

// Checks the method list; returns an empty string when every method can be measured.
QString checkQualityMethods(const QStringList& methods);

// Runs every method on every item with `model` (and, when given, the same methods on `randomModel` for the
// randomisation check) and averages. Throws compute::Error (naming the item) on bad data or models.
QualityReport runQuality(const VitSession& model, const VitSession* randomModel, const QualitySource& source,
                         const QualityOptions& options, const QualityCallbacks& callbacks = {});

// The model's preprocessing of an RGB image, as explainMap takes it.
compute::attribution::PlanarImage modelInput(const VitSession& s, const QImage& image);

} // namespace loupe::core
