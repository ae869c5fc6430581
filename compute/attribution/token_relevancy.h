// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <vector>

namespace loupe::compute::attribution {

// One attention layer's probabilities A (after softmax) and their gradients ∇A = ∂y/∂A, both
// [heads, queries, keys] row-major float32 (a leading batch dimension of 1 is the same memory).
struct AttentionGrad
{
    int heads = 0, queries = 0, keys = 0;
    const float* probs = nullptr;
    const float* grads = nullptr;
};

// What the encoder–decoder rules read: the image encoder's self-attention layers ([H, N, N]), then per
// decoder layer its causal self-attention ([H, T, T]) and its cross-attention to the encoder ([H, T, N]),
// applied in that order within a layer (the order of GPT-2's and BLIP's decoder blocks).
struct EncoderDecoderAttention
{
    std::vector<AttentionGrad> encoderSelf;
    std::vector<AttentionGrad> decoderSelf;
    std::vector<AttentionGrad> decoderCross;
};

// Chefer et al. 2021, bi-modal rules for an encoder–decoder (text tokens t attend image tokens i; the
// image never attends text, so R^{it} stays 0). With Ā = mean_h(max(∇A ⊙ A, 0)):
//   R^{ii} = I, then R^{ii} += Ā·R^{ii} for every encoder layer;
//   R^{tt} = I, R^{ti} = 0, then per decoder layer
//     self-attention:  R^{tt} += Ā·R^{tt},  R^{ti} += Ā·R^{ti};
//     cross-attention: R^{ti} += (R̄^{tt})ᵀ · Ā^{ti} · R̄^{ii}   (R^{tt} += Ā^{ti}·R^{it} adds nothing),
//   with R̄ = (R − I) / rowsum(R − I) + I. A row of R − I that sums to 0 (a token nothing flowed into)
//   stays 0 instead of dividing by zero.
// Returns R^{ti}, [T, N] row-major. Throws Error when the layers' shapes disagree.
std::vector<float> encoderDecoderRelevancy(const EncoderDecoderAttention& attention);

// One generated token's relevancy over the image: row t of R^{ti}.
struct TokenRelevancy
{
    std::vector<float> imageTokens; // over all N encoder tokens, CLS first (raw values)
    std::vector<float> patches;     // imageTokens without CLS, grid x grid row-major (raw values)
    int grid = 0;                   // side of the patch grid
    float logit = 0;                // y: the token's logit with the prefix forced
};

// Ā = mean_h(max(∇A ⊙ A, 0)), [queries, keys] in double precision.
std::vector<double> positiveGradAttention(const AttentionGrad& layer);

// R̄ = (R − I) / rowsum(R − I) + I for a square n×n matrix, zero rows of R − I left at zero.
std::vector<double> normalizeSelfRelevancy(const std::vector<double>& r, int n);

} // namespace loupe::compute::attribution
