// SPDX-License-Identifier: MIT
#pragma once

#include "compute/text/basic_tokenizer.h"
#include "compute/text/slow_tokenizer.h"

#include <unordered_map>

namespace loupe::compute::text {

// BertTokenizer: BasicTokenizer then greedy longest-match-first WordPiece with "##" continuations; [UNK]
// for a word over 100 characters or with no match; ids wrapped in [CLS] ... [SEP]. BLIP uses it too.
class BertTokenizer : public SlowTokenizer
{
public:
    explicit BertTokenizer(const TokenizerFiles& files);
    std::string kind() const override { return "bert"; }

protected:
    std::vector<std::string> tokenizeText(std::u32string_view text) const override;
    int64_t vocabId(const std::string& token) const override;
    const std::string* vocabToken(int64_t id) const override;
    int64_t modelVocabSize() const override { return int64_t(vocab_.size()); }
    std::string tokensToString(const std::vector<std::string>& tokens) const override;
    std::string unknownIdToken(int64_t id) const override;
    bool lowerCasesInput() const override { return doBasicTokenize_ && basic_.doLowerCase; }
    void addSpecialTokens(Encoding& encoding) const override;
    int64_t numSpecialTokens() const override { return 2; }

private:
    void wordPiece(const std::u32string& word, std::vector<std::string>& out) const;

    std::unordered_map<std::string, int64_t> vocab_;
    std::unordered_map<int64_t, std::string> idToToken_;
    BasicTokenizer basic_;
    bool doBasicTokenize_ = true;
    std::unordered_set<std::u32string> allSpecialU32_;
    std::string continuation_ = "##";
    size_t maxInputCharsPerWord_ = 100;
};

} // namespace loupe::compute::text
