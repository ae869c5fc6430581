// SPDX-License-Identifier: MIT
#pragma once

#include "compute/attribution/token_relevancy.h"
#include "compute/models/blip.h"
#include "compute/tensor.h"

#include <vector>

namespace loupe::compute {

// The relevancy of the image patches for one answer token of BLIP question answering
// (BlipForQuestionAnswering), by the bi-modal rules carried along vision encoder -> question encoder ->
// answer decoder (attribution::questionAnsweringRelevancy): y = logit of `token` after the forced answer
// prefix `prefix` ([DEC] and the tokens answered before it), back-propagated through the decoder, the
// question states, the question encoder and the image embeddings into the vision encoder.
// `imageEmbeds` (vision().forward(pixelValues).imageEmbeds) and `questionEmbeds`
// (encodeQuestion(questionIds, imageEmbeds).lastHiddenState) are passed in so a caller that keeps them
// saves those passes; each stage's backward pass runs its own forward. Throws Error for a prefix or
// question that does not fit the model or a token outside the vocabulary.
attribution::TokenRelevancy answerTokenRelevancy(const BlipForQuestionAnswering& model,
                                                 const Tensor& pixelValues, const Tensor& imageEmbeds,
                                                 const std::vector<int64_t>& questionIds,
                                                 const Tensor& questionEmbeds,
                                                 const std::vector<int64_t>& prefix, int64_t token);

} // namespace loupe::compute
