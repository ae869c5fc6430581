// SPDX-License-Identifier: MIT
#pragma once

#include "compute/attribution/token_relevancy.h"
#include "compute/models/blip.h"
#include "compute/tensor.h"

#include <vector>

namespace loupe::compute {

// The relevancy of the image patches for one caption token of BLIP (BlipForConditionalGeneration), by
// Chefer et al.'s encoder–decoder rules (attribution/token_relevancy.h): y = logit of `token` after the
// forced decoder input `prefix` ([DEC], prompt and the tokens generated before it). `imageEmbeds` is
// vision().forward(pixelValues).imageEmbeds, passed in so a caller that keeps it saves that pass.
// Throws Error for a prefix that does not fit the decoder or a token outside the vocabulary.
attribution::TokenRelevancy captionTokenRelevancy(const BlipForConditionalGeneration& model,
                                                  const Tensor& pixelValues, const Tensor& imageEmbeds,
                                                  const std::vector<int64_t>& prefix, int64_t token);

} // namespace loupe::compute
