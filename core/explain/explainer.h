// SPDX-License-Identifier: MIT
#pragma once

#include "compute/attribution/attention_maps.h"
#include "compute/attribution/faithfulness.h"
#include "compute/attribution/head_importance.h"
#include "core/explain/vit_session.h"

#include <QImage>
#include <QString>
#include <string>
#include <vector>

namespace loupe::core {

// Everything `loupe explain` and `loupe bench explain-quality` share: running a method on one
// preprocessed image for one target and scoring perturbed copies with the model.
struct ExplainParams
{
    QString method;          // attention | rollout | occlusion | rise | head-importance
    int layer = -1;          // attention: -1 = last
    int head = -1;           // attention: -1 = mean over heads
    int occlusionWindow = 0; // 0 = one patch
    int occlusionStride = 0; // 0 = half a patch
    int riseMasks = 1000;
    int riseCells = 8;
    float riseP = 0.5f;
    uint64_t seed = 0;
    int batchSize = 16;
    int igSteps = 16; // integrated gradients: steps from the zero baseline (midpoint rule)
};

// Methods not implemented yet (gradcam); everything else in forwardMethods() runs.
bool needsGradients(const QString& method);
bool isKnownMethod(const QString& method);
QStringList forwardMethods();

compute::attribution::PlanarImage toPlanar(const compute::Tensor& pixelValues); // [1, C, H, W]
compute::attribution::PatchGrid patchGrid(const VitSession& s, int height, int width);

// Softmax probability of `target` for each image in the batch (one batched forward).
compute::attribution::ScoreFn probabilityScore(const VitSession& s, int target);
std::vector<float> logitsOf(const VitSession& s, const compute::attribution::PlanarImage& image);

// The map on the patch grid (rows × cols, row-major), raw values. Throws compute::Error on bad params.
std::vector<float> explainMap(const VitSession& s, const compute::attribution::PlanarImage& image, int target,
                              const ExplainParams& params);
compute::attribution::HeadImportance
explainHeads(const VitSession& s, const compute::attribution::PlanarImage& image, int target, int batchSize);

// Overlay for display: the map upsampled bilinearly to the image, min–max normalised, viridis, 50 % blend.
QImage overlay(const QImage& image, const std::vector<float>& grid, int rows, int cols);

struct Faithfulness
{
    float deletionAuc = 0, insertionAuc = 0;
};
// Deletion (zero substrate) and insertion (Gaussian blur k 11, σ 5) with the target's probability.
Faithfulness faithfulness(const VitSession& s, const compute::attribution::PlanarImage& image, int target,
                          const std::vector<float>& grid, int rows, int cols, int steps = 20);

} // namespace loupe::core
