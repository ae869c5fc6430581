// SPDX-License-Identifier: MIT
#pragma once

#include "compute/attribution/faithfulness.h"
#include "core/explain/vit_session.h"

#include <QJsonObject>
#include <vector>

namespace loupe::core {

// Every faithfulness score the issue names for one map, with the curves behind them: deletion and
// insertion on both substrates (zero and Gaussian blur k 11, σ 5) and Chefer et al.'s positive /
// negative perturbation. The score is the softmax probability of the explained target throughout.
struct FaithfulnessReport
{
    compute::attribution::Curve deletionZero, deletionBlur;   // lower AUC = more faithful
    compute::attribution::Curve insertionBlur, insertionZero; // higher AUC = more faithful
    compute::attribution::Curve positivePerturbation;         // most relevant removed first; lower is better
    compute::attribution::Curve negativePerturbation; // least relevant removed first; higher is better

    // {"deletion_auc": …, "insertion_auc": …, …, "curves": {name: {"fractions": [...], "scores": [...]}}}
    // deletion_auc / insertion_auc keep their earlier meaning (zero / blur substrate).
    QJsonObject toJson(bool withCurves = true) const;
};

// Scores `grid` (rows × cols on the patch grid, upsampled bilinearly to the image) on `image`:
// 4·(steps + 1) + 20 forwards, batched.
FaithfulnessReport faithfulnessReport(const VitSession& s, const compute::attribution::PlanarImage& image,
                                      int target, const std::vector<float>& grid, int rows, int cols,
                                      int steps = 20);

} // namespace loupe::core
