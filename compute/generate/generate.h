// SPDX-License-Identifier: MIT
#pragma once

#include "compute/generate/generation_config.h"
#include "compute/generate/language_model.h"

#include <functional>
#include <utility>
#include <vector>

namespace loupe::compute::generate {

struct GeneratedSequence
{
    std::vector<int64_t> tokens; // the prompt included, as transformers' generate returns it
    // Beam search: transformers' sequences_scores (sum of log-probabilities / generated_len **
    // length_penalty). Greedy and sampling: the sum of the chosen tokens' log-probabilities under the
    // processed (and, for sampling, warped) distribution.
    double score = 0;
};

// The most probable alternatives at one step of one row, from the distribution the token was chosen
// from (after the logits processors; for beam search, before the beam's running score is added).
struct StepAlternatives
{
    int64_t step = 0;
    int64_t row = 0;
    int64_t chosen = -1; // greedy and sampling: the token taken; beam search: -1 (beams choose later)
    std::vector<std::pair<int64_t, float>> top; // (id, probability), best first
};

struct GenerationCallbacks
{
    // Each new token of row 0 as it is chosen (greedy and sampling; beam search knows its winner only at
    // the end and streams nothing).
    std::function<void(int64_t token)> onToken;
    // Polled between steps; true stops generation, the result then holds what was produced so far.
    std::function<bool()> cancelled;
    // At every step, the `topAlternatives` most probable tokens of every row (0: off).
    int64_t topAlternatives = 0;
    std::function<void(const StepAlternatives&)> onStep;
};

struct GenerationResult
{
    std::vector<GeneratedSequence> sequences; // best first for beam search
    std::vector<StepAlternatives> steps;      // when topAlternatives > 0
    int64_t promptLength = 0;
    bool cancelled = false;
};

// Greedy search, beam search or sampling from `prompt` (one input), as transformers' generate does
// (see GENERATION.md). Throws Error for invalid settings or a prompt the model cannot hold.
GenerationResult generateSequences(LanguageModel& model, const std::vector<int64_t>& prompt,
                                   const GenerationConfig& config, const GenerationCallbacks& callbacks = {});

// Several prompts decoded in one batch, as transformers' generate does with padding_side="left": the
// prompts are left-padded to the longest (pad token, attention mask 0), so every row's next token comes
// from the same column. Greedy search or sampling, one sequence per prompt; result i belongs to prompt i,
// without padding, and ends at its EOS as a run of that prompt alone would. The budget counts from the
// longest prompt (as the padded batch does), so with max_length short prompts get that many fewer new
// tokens than alone. One prompt runs as generateSequences; several need a model that masks padding
// (LanguageModel::supportsPadding), else Error.
std::vector<GenerationResult> generateBatch(LanguageModel& model,
                                            const std::vector<std::vector<int64_t>>& prompts,
                                            const GenerationConfig& config,
                                            const GenerationCallbacks& callbacks = {});

} // namespace loupe::compute::generate
