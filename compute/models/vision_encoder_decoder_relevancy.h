// SPDX-License-Identifier: MIT
#pragma once

#include "compute/attribution/token_relevancy.h"
#include "compute/models/vision_encoder_decoder.h"
#include "compute/tensor.h"

#include <vector>

namespace loupe::compute {

// The relevancy of the image patches for one caption token of a ViT-GPT2 captioner (Chefer et al.'s
// encoder–decoder rules, attribution/token_relevancy.h): y = logit of `token` after the forced decoder
// input `prefix` (start token, prompt and the tokens generated before it). `encoderStates` is
// model.encode(pixelValues), passed in so a caller that keeps it saves that forward pass; the encoder's
// backward pass runs its own forward. One decoder and one encoder forward+backward per token.
// Throws Error for a prefix that does not fit the decoder or a token outside the vocabulary.
attribution::TokenRelevancy captionTokenRelevancy(const VisionEncoderDecoderModel& model,
                                                  const Tensor& pixelValues, const Tensor& encoderStates,
                                                  const std::vector<int64_t>& prefix, int64_t token);

} // namespace loupe::compute
