// SPDX-License-Identifier: MIT
#include "core/inference/traced_decoding.h"

namespace loupe::core {

Caption decodeTraced(compute::generate::LanguageModel& lm,
                     std::unique_ptr<compute::CrossAttentionRecorder> recorder,
                     const std::vector<int64_t>& prompt, const compute::generate::GenerationConfig& settings,
                     const compute::text::Tokenizer& tok, const CaptionRequest& request)
{
    compute::generate::GenerationCallbacks cb;
    cb.onToken = request.onToken;
    cb.cancelled = request.cancelled;
    compute::generate::LanguageModel& decoder =
        recorder ? static_cast<compute::generate::LanguageModel&>(*recorder) : lm;
    const auto r = compute::generate::generateSequences(decoder, prompt, settings, cb);
    Caption c;
    c.sequence = r.sequences.front();
    c.text = tok.decode(c.sequence.tokens, true);
    c.promptLength = r.promptLength;
    if (recorder) c.traces = recorder->traces(c.sequence.tokens, r.promptLength);
    return c;
}

} // namespace loupe::core
