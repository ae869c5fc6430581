// SPDX-License-Identifier: MIT
#pragma once

#include "compute/text/basic_tokenizer.h"
#include "compute/text/byte_bpe.h"
#include "compute/text/slow_tokenizer.h"

namespace loupe::compute::text {

// CLIPTokenizer as the library runs it without ftfy: BasicTokenizer clean-up (lower-case, accents kept,
// punctuation not split), the CLIP regex, byte-level BPE whose word-final symbol carries "</w>"; the ids
// are wrapped in <|startoftext|> ... <|endoftext|>.
class ClipTokenizer : public SlowTokenizer
{
public:
    explicit ClipTokenizer(const TokenizerFiles& files);
    std::string kind() const override { return "clip"; }

protected:
    std::vector<std::string> tokenizeText(std::u32string_view text) const override;
    int64_t vocabId(const std::string& token) const override { return model_.id(token); }
    const std::string* vocabToken(int64_t id) const override { return model_.token(id); }
    int64_t modelVocabSize() const override { return model_.size(); }
    std::string tokensToString(const std::vector<std::string>& tokens) const override;
    void addSpecialTokens(Encoding& encoding) const override;
    int64_t numSpecialTokens() const override { return 2; }

private:
    BytePairModel model_;
    BpeCache cache_;
    BasicTokenizer basic_;
};

} // namespace loupe::compute::text
