// SPDX-License-Identifier: MIT
#pragma once

#include "compute/text/byte_bpe.h"
#include "compute/text/slow_tokenizer.h"

namespace loupe::compute::text {

// GPT-2's byte-level BPE (GPT2Tokenizer): the pre-tokenisation regex, bytes mapped to printable
// characters, BPE by merge rank; no special tokens added unless add_bos_token.
class Gpt2Tokenizer : public SlowTokenizer
{
public:
    explicit Gpt2Tokenizer(const TokenizerFiles& files);
    std::string kind() const override { return "gpt2"; }

protected:
    std::vector<std::string> tokenizeText(std::u32string_view text) const override;
    int64_t vocabId(const std::string& token) const override { return model_.id(token); }
    const std::string* vocabToken(int64_t id) const override { return model_.token(id); }
    int64_t modelVocabSize() const override { return model_.size(); }
    std::string tokensToString(const std::vector<std::string>& tokens) const override;
    std::u32string prepareText(std::u32string text) const override;
    void addSpecialTokens(Encoding& encoding) const override;
    int64_t numSpecialTokens() const override { return addBos_ ? 1 : 0; }

private:
    BytePairModel model_;
    BpeCache cache_;
    bool addBos_ = false, addPrefixSpace_ = false;
};

// Reads vocab.json + merges.txt (merges from line 2 on; a last line without newline is dropped, as the
// library's reader does), or tokenizer.json's model.
void loadBytePairFiles(BytePairModel& model, const TokenizerFiles& files, size_t maxMerges,
                       bool dropLastLine);

// The library's bytes.decode("utf-8", errors="replace") of a byte-alphabet string.
std::string byteAlphabetToText(const std::string& joined);

} // namespace loupe::compute::text
