// SPDX-License-Identifier: MIT
#include "compute/models/blip_caption_trace.h"

namespace loupe::compute {

std::unique_ptr<CrossAttentionRecorder> recordBlipCrossAttention(BlipTextLanguageModel& model, int64_t topK)
{
    model.stepOptions.crossAttentions = true;
    return std::make_unique<CrossAttentionRecorder>(
        model, [&model]() -> const std::vector<Tensor>& { return model.lastOutput().crossAttentions; }, topK);
}

} // namespace loupe::compute
