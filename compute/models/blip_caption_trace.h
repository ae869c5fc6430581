// SPDX-License-Identifier: MIT
#pragma once

#include "compute/models/blip_language_model.h"
#include "compute/models/vision_encoder_decoder_trace.h"

#include <cstdint>
#include <memory>

namespace loupe::compute {

// A CrossAttentionRecorder over BLIP's text decoder for one image: each generated token's cross-attention
// over the image embeddings (CLS first, so TokenTrace::patchMap applies unchanged) and its distribution.
// Turns the decoder's cross-attention output on.
std::unique_ptr<CrossAttentionRecorder> recordBlipCrossAttention(BlipTextLanguageModel& model,
                                                                 int64_t topK = 5);

} // namespace loupe::compute
