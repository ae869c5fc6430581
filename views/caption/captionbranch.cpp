// SPDX-License-Identifier: MIT
#include "views/caption/captionbranch.h"

#include <stdexcept>

namespace loupe::views {

namespace {
// Puts the captioner's prompt back whatever happens, so the next Generate starts where the user set it.
struct PromptRestore
{
    core::Captioner& captioner;
    const std::string& prompt;
    ~PromptRestore()
    {
        try {
            captioner.setPrompt(prompt);
        } catch (...) { // the prompt was accepted before, so this cannot fail
        }
    }
};
} // namespace

GeneratedText branchCaption(core::Captioner& captioner, const QString& image, const std::string& prompt,
                            const GeneratedText& parent, int step, int64_t token,
                            const core::CaptionRequest& request)
{
    if (step < 0 || step >= int(parent.tokens.size()))
        throw std::runtime_error("no token " + std::to_string(step + 1) + " to branch from");
    std::vector<int64_t> wanted = parent.promptIds;
    wanted.insert(wanted.end(), parent.tokens.begin(), parent.tokens.begin() + step);
    wanted.push_back(token);

    const compute::text::Tokenizer& tok = captioner.tokenizer();
    const std::string text = tok.decode(wanted, true);
    PromptRestore restore{captioner, prompt};
    try {
        captioner.setPrompt(text);
    } catch (const std::invalid_argument&) {
        throw std::runtime_error("the branch “" + text +
                                 "” leaves no room for new tokens (raise New tokens)");
    }
    if (captioner.promptIds() != wanted)
        throw std::runtime_error("the text up to the alternative, “" + text +
                                 "”, reads back as other tokens, so decoding cannot resume from it");
    core::Caption c = captioner.caption(image, request);

    // Traces are indexed by token: without the parent's up to the branch there is nothing to align.
    std::vector<compute::TokenTrace> traces;
    if (step < int(parent.traces.size())) {
        traces.assign(parent.traces.begin(), parent.traces.begin() + step);
        compute::TokenTrace t = parent.traces[size_t(step)]; // the position that predicted the alternative
        t.token = token;
        t.probability = 0;
        for (const auto& [id, p] : t.top)
            if (id == token) t.probability = p;
        traces.push_back(std::move(t));
        for (compute::TokenTrace& n : c.traces) {
            n.step += step + 1;
            traces.push_back(std::move(n));
        }
    }
    return describeGeneration(tok, c.sequence.tokens, parent.promptIds.size(), std::move(traces),
                              captioner.grid());
}

} // namespace loupe::views
