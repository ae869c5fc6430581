// SPDX-License-Identifier: MIT
// What every captioner shares: the last image's encoding kept, per-token relevancy cached, "what if"
// branches decoded from a caption's prefix.
#include "core/inference/captioner.h"

#include <QFileInfo>
#include <algorithm>
#include <stdexcept>

namespace loupe::core {

namespace {

// Relevancy maps are small (one float per image token) but a long session clicks many words.
constexpr size_t kMaxCachedRelevancies = 512;

} // namespace

const Captioner::Encoded& Captioner::encoded(const QString& image)
{
    const QDateTime modified = QFileInfo(image).lastModified();
    if (last_.states.defined() && last_.image == image && last_.modified == modified) return last_;
    Encoded e;
    e.image = image;
    e.modified = modified;
    e.pixels = pixelValues(image);
    e.states = encode(e.pixels, image);
    last_ = std::move(e);
    return last_;
}

Caption Captioner::caption(const QString& image, const CaptionRequest& request)
{
    const Encoded& e = encoded(image);
    Caption c = decode(e.states, promptIds(), request);
    c.image = image;
    c.promptLength = int64_t(promptIds().size());
    return c;
}

void Captioner::checkStep(const Caption& caption, int64_t k) const
{
    if (caption.image.isEmpty()) throw std::invalid_argument("the caption does not name its image");
    if (caption.promptLength <= 0 || k < 0 || k >= caption.generatedCount())
        throw std::out_of_range("token " + std::to_string(k) + " is not one of the caption's " +
                                std::to_string(std::max<int64_t>(caption.generatedCount(), 0)) +
                                " generated tokens");
}

compute::attribution::TokenRelevancy Captioner::relevancy(const Caption& caption, int64_t k)
{
    checkStep(caption, k);
    const auto& tokens = caption.sequence.tokens;
    const size_t at = size_t(caption.promptLength + k);
    std::pair<QString, std::vector<int64_t>> key{
        caption.image, std::vector<int64_t>(tokens.begin(), tokens.begin() + at + 1)};
    if (const auto it = relevancies_.find(key); it != relevancies_.end()) return it->second;
    const Encoded& e = encoded(caption.image);
    const std::vector<int64_t> prefix(tokens.begin(), tokens.begin() + at);
    compute::attribution::TokenRelevancy r = tokenRelevancy(e.pixels, e.states, prefix, tokens[at]);
    if (relevancies_.size() >= kMaxCachedRelevancies) relevancies_.clear();
    relevancies_.emplace(std::move(key), r);
    return r;
}

Caption Captioner::branch(const Caption& caption, int64_t k, int64_t token, const CaptionRequest& request)
{
    checkStep(caption, k);
    if (token < 0 || token >= vocabSize())
        throw std::invalid_argument("token id " + std::to_string(token) + " is outside the vocabulary of " +
                                    std::to_string(vocabSize()));
    const auto& tokens = caption.sequence.tokens;
    std::vector<int64_t> prefix(tokens.begin(), tokens.begin() + caption.promptLength + k);
    prefix.push_back(token);
    const compute::generate::GenerationConfig& cfg = settings();
    const bool ended =
        std::find(cfg.eosTokenIds.begin(), cfg.eosTokenIds.end(), token) != cfg.eosTokenIds.end();
    Caption out;
    if (ended || cfg.newTokenBudget(int64_t(prefix.size())) <= 0) {
        out.sequence.tokens = prefix;
        out.text = tokenizer().decode(prefix, true);
    } else {
        out = decode(encoded(caption.image).states, prefix, request);
    }
    out.image = caption.image;
    out.promptLength = caption.promptLength;
    // Traces line up with the generated tokens: the caption's before k (when it has them), its step k
    // with the new token, then the continuation's steps, renumbered.
    std::vector<compute::TokenTrace> traces;
    if (request.traceTop > 0 && int64_t(caption.traces.size()) > k) {
        traces.assign(caption.traces.begin(), caption.traces.begin() + k);
        compute::TokenTrace changed = caption.traces[size_t(k)];
        changed.token = token;
        changed.probability = 0;
        for (const auto& [id, p] : changed.top)
            if (id == token) changed.probability = p;
        traces.push_back(std::move(changed));
    }
    for (compute::TokenTrace t : out.traces) {
        t.step += k + 1;
        traces.push_back(std::move(t));
    }
    out.traces = std::move(traces);
    return out;
}

} // namespace loupe::core
