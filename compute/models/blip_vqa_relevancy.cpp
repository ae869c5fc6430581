// SPDX-License-Identifier: MIT
#include "compute/models/blip_vqa_relevancy.h"

#include "compute/backend/scheduler.h"
#include "compute/error.h"
#include "compute/models/decoder_token_gradients.h"

namespace loupe::compute {

namespace {

// Packs probabilities and gradients into `keep` (which owns them while the rules read them).
attribution::AttentionGrad layerOf(std::vector<Tensor>& keep, const Tensor& probs, const Tensor& grads)
{
    const Shape& s = probs.shape(); // [1, H, q, k]
    if (s.size() != 4 || s[0] != 1 || grads.shape() != s)
        throw Error("token relevancy", "attention " + shapeString(s) + " is not [1, heads, queries, keys]");
    keep.push_back(probs.contiguous());
    const float* p = keep.back().ptr<float>();
    keep.push_back(grads.contiguous());
    return {int(s[1]), int(s[2]), int(s[3]), p, keep.back().ptr<float>()};
}

} // namespace

attribution::TokenRelevancy answerTokenRelevancy(const BlipForQuestionAnswering& model,
                                                 const Tensor& pixelValues, const Tensor& imageEmbeds,
                                                 const std::vector<int64_t>& questionIds,
                                                 const Tensor& questionEmbeds,
                                                 const std::vector<int64_t>& prefix, int64_t token)
{
    if (questionIds.empty()) throw Error("blip", "the question has no tokens");
    const DecoderTokenGradients dec = model.textDecoder().tokenGradients(prefix, questionEmbeds, token);
    const TextEncoderGradients question =
        model.textEncoder().encoderGradients(questionIds, imageEmbeds, dec.encoderGrad.contiguous());
    const BlipVisionConfig& vc = model.vision().config();
    const Tensor px = pixelValues.dtype() == DType::F32 ? pixelValues : pixelValues.to(DType::F32);
    const Graph g = model.vision().buildGraph(px.shape());
    const EncoderAttentionGradients vision = encoderAttentionGradients(
        g, {{"pixel_values", px}}, "vision.post_norm", question.encoderGrad.contiguous(), "vision.blk.",
        vc.numHiddenLayers, &model.vision().scheduler());

    std::vector<Tensor> keep; // reserved: pointers into it must stay valid
    keep.reserve(2 * (vision.probs.size() + 2 * question.selfProbs.size() + 2 * dec.selfProbs.size()));
    attribution::QuestionAnsweringAttention at;
    for (size_t l = 0; l < vision.probs.size(); ++l)
        at.imageSelf.push_back(layerOf(keep, vision.probs[l], vision.grads[l]));
    for (size_t l = 0; l < question.selfProbs.size(); ++l) {
        at.questionSelf.push_back(layerOf(keep, question.selfProbs[l], question.selfGrads[l]));
        at.questionCross.push_back(layerOf(keep, question.crossProbs[l], question.crossGrads[l]));
    }
    for (size_t l = 0; l < dec.selfProbs.size(); ++l) {
        at.answerSelf.push_back(layerOf(keep, dec.selfProbs[l], dec.selfGrads[l]));
        at.answerCross.push_back(layerOf(keep, dec.crossProbs[l], dec.crossGrads[l]));
    }
    const std::vector<float> rai = attribution::questionAnsweringRelevancy(at);
    const int A = at.answerSelf.front().queries, N = at.imageSelf.front().queries;
    const int64_t grid = vc.imageSize / vc.patchSize;
    if (int64_t(N) != 1 + grid * grid)
        throw Error("token relevancy", std::to_string(N) + " image tokens do not make CLS + a " +
                                           std::to_string(grid) + "x" + std::to_string(grid) + " grid");
    attribution::TokenRelevancy r;
    r.imageTokens.assign(rai.begin() + size_t(A - 1) * N, rai.begin() + size_t(A) * N);
    r.patches.assign(r.imageTokens.begin() + 1, r.imageTokens.end());
    r.grid = int(grid);
    r.logit = dec.logit;
    return r;
}

} // namespace loupe::compute
