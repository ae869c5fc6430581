// SPDX-License-Identifier: MIT
#pragma once

#include "compute/attribution/attention_maps.h"
#include "compute/attribution/faithfulness.h"
#include "compute/attribution/head_importance.h"
#include "core/explain/vit_session.h"

#include <QImage>
#include <QString>
#include <QVariantMap>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace loupe::core {

// Everything `loupe explain` and `loupe bench explain-quality` share: running a method on one
// preprocessed image for one target and scoring perturbed copies with the model.
struct ExplainParams
{
    // attention | rollout | occlusion | rise | head-importance | chefer | input-x-grad | integrated-gradients
    // | gradcam (LayerNorm output, pytorch-grad-cam's ViT recipe) | gradcam-attn (attention, Chefer et al.)
    QString method;
    int layer = -1; // attention, gradcam, gradcam-attn: the block, -1 = last
    int head = -1;  // attention: -1 = mean over heads
    // attention and rollout: which token's row (what it attends to) or column (what attends to it);
    // token 0 is CLS, the patch at grid (r, c) is firstPatchToken + r·cols + c.
    int token = 0;
    bool column = false;
    compute::attribution::HeadFusion fusion = compute::attribution::HeadFusion::Mean; // rollout
    float discardRatio = 0.0f;                                                        // rollout
    int startLayer = 0;                                                               // rollout
    int occlusionWindow = 0;                                                          // 0 = one patch
    int occlusionStride = 0;                                                          // 0 = half a patch
    int riseMasks = 1000;
    int riseCells = 8;
    float riseP = 0.5f;
    uint64_t seed = 0;
    int batchSize = 16;
    int igSteps = 16; // integrated gradients: steps from the zero baseline (midpoint rule)
    // A plugin method's own settings by key (ExplainMethodSetting; `loupe explain --set`, the Explain
    // view's page). Empty: the plugin's defaults. A map depends on them as much as on the fields above,
    // so they are stored with it and compared with it.
    QVariantMap methodSettings;
};

// Stops a running explanation: thrown from inside a method when ExplainControl::progress says no.
struct ExplainCancelled : std::runtime_error
{
    ExplainCancelled() : std::runtime_error("cancelled") {}
};

// Progress of the model passes a method makes; returning false cancels (ExplainCancelled is thrown
// before the next pass). Called from the thread running the method.
struct ExplainControl
{
    std::function<bool(int done, int total)> progress;
    // RISE: the running patch-grid map after each batch (scaled as if complete), to show it growing.
    std::function<void(const std::vector<float>& grid)> partial;
};

// Every method explainMap/explainHeads compute, by their command-line names.
bool isKnownMethod(const QString& method);
QStringList forwardMethods();
// The same list (kept for the Explain view, which asks for "methods that give a map").
QStringList mapMethods();

compute::attribution::PlanarImage toPlanar(const compute::Tensor& pixelValues); // [1, C, H, W]
compute::attribution::PatchGrid patchGrid(const VitSession& s, int height, int width);

// Softmax probability of `target` for each image in the batch (one batched forward).
compute::attribution::ScoreFn probabilityScore(const VitSession& s, int target);
std::vector<float> logitsOf(const VitSession& s, const compute::attribution::PlanarImage& image);

// The map on the patch grid (rows × cols, row-major), raw values. Throws compute::Error on bad params.
std::vector<float> explainMap(const VitSession& s, const compute::attribution::PlanarImage& image, int target,
                              const ExplainParams& params, const ExplainControl* control = nullptr);
compute::attribution::HeadImportance explainHeads(const VitSession& s,
                                                  const compute::attribution::PlanarImage& image, int target,
                                                  int batchSize, const ExplainControl* control = nullptr);

// Overlay for display: the map upsampled bilinearly to the image, min–max normalised, viridis, 50 % blend.
QImage overlay(const QImage& image, const std::vector<float>& grid, int rows, int cols);

struct Faithfulness
{
    float deletionAuc = 0, insertionAuc = 0;
};
// Deletion (zero substrate) and insertion (Gaussian blur k 11, σ 5) with the target's probability.
Faithfulness faithfulness(const VitSession& s, const compute::attribution::PlanarImage& image, int target,
                          const std::vector<float>& grid, int rows, int cols, int steps = 20);

struct FaithfulnessCurves
{
    compute::attribution::Curve deletion, insertion;
};
// The same two curves in full, for plotting; 2·(steps + 1) images scored.
FaithfulnessCurves faithfulnessCurves(const VitSession& s, const compute::attribution::PlanarImage& image,
                                      int target, const std::vector<float>& grid, int rows, int cols,
                                      int steps = 20, const ExplainControl* control = nullptr);

} // namespace loupe::core
