// SPDX-License-Identifier: MIT
#pragma once

#include "compute/text/tokenizer.h"
#include "compute/text/tokenizer_files.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace loupe::compute::text {

// What the library's PreTrainedTokenizer does around a model-specific tokenizer: added tokens are split
// off first (longest match, honouring lstrip/rstrip/single_word), the rest goes to tokenizeText(); ids of
// added tokens win over the vocabulary's; decode drops special ids, keeps legacy added tokens apart and
// cleans spaces before punctuation.
class SlowTokenizer : public Tokenizer
{
public:
    Encoding encode(std::string_view text, bool addSpecialTokens = true) const override;
    std::string decode(const std::vector<int64_t>& ids, bool skipSpecialTokens = true) const override;
    int64_t tokenId(std::string_view token) const override;
    std::string idToToken(int64_t id) const override;
    int64_t vocabSize() const override;

protected:
    // The model's own split of a text with no added token in it.
    virtual std::vector<std::string> tokenizeText(std::u32string_view text) const = 0;
    // The model vocabulary (no added tokens): -1 / "" when absent.
    virtual int64_t vocabId(const std::string& token) const = 0;
    virtual const std::string* vocabToken(int64_t id) const = 0; // nullptr when absent
    virtual int64_t modelVocabSize() const = 0;
    virtual std::string tokensToString(const std::vector<std::string>& tokens) const = 0;
    // An id neither the vocabulary nor the added tokens hold: the library's BERT reads it as [UNK], its
    // byte-level BPE fails (here: Error naming the id).
    virtual std::string unknownIdToken(int64_t id) const;
    // BERT lower-cases the text (outside special tokens) before anything else.
    virtual bool lowerCasesInput() const { return false; }
    virtual std::u32string prepareText(std::u32string text) const { return text; }

    // Call once the vocabulary is loaded: registers added and special tokens and the special ids.
    void setUpAddedTokens(const TokenizerFiles& files);
    int64_t convertTokenToId(const std::string& token) const; // added tokens, vocabulary, then unk
    std::string convertIdToToken(int64_t id) const;           // unknownIdToken() for unknown ids

    std::vector<AddedToken> added_; // sorted by id
    std::unordered_map<std::string, int64_t> addedByContent_;
    std::vector<std::string> allSpecial_;
    std::string unkToken_;
    std::vector<std::string> additional_;

private:
    std::u32string lowerOutsideSpecials(const std::u32string& text) const;
    std::vector<std::u32string> protectedForLowering_;
    std::vector<std::u32string> addedContents_; // index-aligned with added_
};

std::string cleanUpTokenization(std::string text);

} // namespace loupe::compute::text
