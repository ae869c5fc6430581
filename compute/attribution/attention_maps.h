// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <vector>

namespace loupe::compute::attribution {

// Attention probabilities (after softmax) of one image, one pointer per layer, each [heads, tokens, tokens]
// row-major float32. The same layout holds gradients with respect to those probabilities.
struct AttentionSet
{
    int layers = 0;
    int heads = 0;
    int tokens = 0;
    std::vector<const float*> layer;

    size_t layerSize() const { return size_t(heads) * tokens * tokens; }
};

// Where the patches sit among the tokens. The model declares it; methods never guess.
struct PatchGrid
{
    int rows = 0;
    int cols = 0;
    int firstPatchToken = 1; // 1 for CLS-first ViTs, 2 with a distillation token (DeiT)
};

enum class HeadFusion { Mean, Max, Min };

struct RolloutOptions
{
    HeadFusion fusion = HeadFusion::Mean;
    float discardRatio = 0.0f; // zero this fraction of the smallest fused entries (never column 0)
    int startLayer = 0;        // layers below this are skipped
    float residualWeight = 0.5f; // Ã = (1-w)·F + w·I, then rows renormalised
};

// fuse_h(A_l^h) as an N×N matrix.
std::vector<float> fuseHeads(const float* probs, int heads, int tokens, HeadFusion fusion);

// Attention of `query` over all tokens in one layer; head < 0 means the mean over heads.
std::vector<float> rawAttention(const AttentionSet& attn, int layer, int head, int query = 0);

// Row `query` of the rollout R = Ã_{L-1} ⋯ Ã_start: how much each token flows into `query`.
// Computed as a vector–matrix chain (O(L·N²)) rather than the full matrix product (O(L·N³)).
std::vector<float> rolloutRow(const AttentionSet& attn, int query, const RolloutOptions& options);
// Column `token` of R: how much `token` flows into every query.
std::vector<float> rolloutColumn(const AttentionSet& attn, int token, const RolloutOptions& options);

// Chefer et al. 2021 generic rule: R = I; R ← R + mean_h(max(∇A ⊙ A, 0)) · R for every layer; row `query`.
std::vector<float> cheferRow(const AttentionSet& attn, const AttentionSet& grads, int query = 0);

// The patch entries of a token row, in grid order (row-major).
std::vector<float> patchMap(const std::vector<float>& tokenRow, const PatchGrid& grid);

// Bilinear resize (align_corners = false, edge clamped) of a rows×cols map to height×width.
std::vector<float> upsampleBilinear(const std::vector<float>& map, int rows, int cols, int height, int width);

// Min–max normalisation to [0, 1] for display; a constant map becomes all zeros.
std::vector<float> normalizeMinMax(const std::vector<float>& map);

} // namespace loupe::compute::attribution
