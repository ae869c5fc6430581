// SPDX-License-Identifier: MIT
#pragma once

#include "compute/generate/generate.h"
#include "compute/models/vision_encoder_decoder_trace.h"
#include "compute/text/tokenizer.h"
#include "core/inference/captioner.h"

#include <memory>
#include <vector>

namespace loupe::core {

// One decoding run of a captioner's or an asker's decoder: `recorder` (null: no trace) wraps `lm` when
// request.traceTop > 0. The result's sequence, text (special tokens skipped) and traces are filled,
// promptLength is the library's; image is left to the caller.
Caption decodeTraced(compute::generate::LanguageModel& lm,
                     std::unique_ptr<compute::CrossAttentionRecorder> recorder,
                     const std::vector<int64_t>& prompt, const compute::generate::GenerationConfig& settings,
                     const compute::text::Tokenizer& tok, const CaptionRequest& request);

} // namespace loupe::core
