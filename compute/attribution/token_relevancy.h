// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <string>
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

// The three stages of question answering (BLIP VQA), each list in layer order: the vision encoder's
// self-attention ([H, N, N]); per question-encoder layer its bidirectional self-attention ([H, Q, Q]) and
// its cross-attention to the image ([H, Q, N]); per answer-decoder layer its causal self-attention
// ([H, A, A]) and its cross-attention to the question encoder's states ([H, A, Q]). Gradients are of one
// y (the answer token's logit) that flows answer decoder -> question states -> question encoder -> image
// embeddings -> vision encoder.
struct QuestionAnsweringAttention
{
    std::vector<AttentionGrad> imageSelf;
    std::vector<AttentionGrad> questionSelf, questionCross;
    std::vector<AttentionGrad> answerSelf, answerCross;
};

// The bi-modal rules carried along the chain image -> question -> answer:
//   R^{ii} from the vision encoder as above;
//   question encoder = the text stack above over the image: R^{qq}, R^{qi}, its cross-attention rule
//     R^{qi} += (R̄^{qq})ᵀ · Ā^{qi} · R̄^{ii};
//   answer decoder = the text stack over the question (final R^{qq}, after every question layer):
//     R^{aa}, R^{aq} with R^{aq} += (R̄^{aa})ᵀ · Ā^{aq} · R̄^{qq};
//   R^{ai} = R^{aq} · R^{qi}.
// Why the product: the decoder never sees the image, only question states, and R^{qi} says how much each
// image token is in each question state (the rules' own meaning of a relevancy row). The rules already
// compose this way inside one stack: self-attention turns "token s reads token s'" into relevancy over
// the other modality by R^{sq} += Ā·R^{sq}, i.e. attention weights times the attended tokens' relevancy
// rows. R^{aq}·R^{qi} is that step with the question tokens as the attended tokens. R^{qi} holds no
// identity part (question tokens are not image tokens), so no image token gains relevancy without a
// path through both cross-attentions. A caveat: R̄^{qq} enters R^{aq} and, through the question
// encoder's self-attention rule, R^{qi} as well, so the question's own mixing weighs the path twice;
// Σ_l (R̄^{aa})ᵀ·Ā^{aq}_l·R^{qi} would count it once. The product is kept because R^{aq} is then also
// the answer word's relevancy over the question words, read on its own. Returns R^{ai}, [A, N] row-major.
// Throws Error when the layers' shapes disagree (naming the stage and layer).
std::vector<float> questionAnsweringRelevancy(const QuestionAnsweringAttention& attention);

// One generated token's relevancy over the image: row t of R^{ti} (or of R^{ai} for an answer token).
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

// R = I; R += Ā_l·R for every layer (all [H, n, n]): an encoder's self-relevancy. `what` names the
// stack in errors.
std::vector<double> selfRelevancy(const std::vector<AttentionGrad>& layers, const std::string& what);

// A text stack whose layers are self-attention then cross-attention to a context of `contextTokens`
// tokens whose normalised self-relevancy R̄^{cc} is `contextBar`: R^{ss} = I, R^{sc} = 0, then per layer
// R^{ss} += Ā·R^{ss}, R^{sc} += Ā·R^{sc}; R^{sc} += (R̄^{ss})ᵀ · Ā^{sc} · R̄^{cc}.
struct StackRelevancy
{
    std::vector<double> self;    // R^{ss}, [tokens, tokens]
    std::vector<double> context; // R^{sc}, [tokens, context]
    int tokens = 0, contextTokens = 0;
};
StackRelevancy crossStackRelevancy(const std::vector<AttentionGrad>& self,
                                   const std::vector<AttentionGrad>& cross,
                                   const std::vector<double>& contextBar, int contextTokens,
                                   const std::string& what);

} // namespace loupe::compute::attribution
