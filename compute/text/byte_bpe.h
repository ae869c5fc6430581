// SPDX-License-Identifier: MIT
#pragma once

#include "compute/text/tokenizer_files.h"

#include <array>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace loupe::compute::text {

// GPT-2's bytes_to_unicode: every byte as one printable character, so BPE never sees spaces or controls.
const std::array<std::string, 256>& byteToUnicode();
// The inverse (code point -> byte); nullopt for a character outside the 256.
std::optional<uint8_t> unicodeToByte(char32_t c);
// A UTF-8 string in the byte alphabet, each byte replaced by its character.
std::string toByteAlphabet(std::string_view utf8);
// Byte-alphabet text back to bytes; characters outside the alphabet keep their UTF-8 bytes.
std::string fromByteAlphabet(std::string_view text);

// A byte-level BPE vocabulary and merge table (vocab.json + merges.txt, or tokenizer.json's model), shared
// by GPT-2 and CLIP. Merging follows the library's slow bpe(): repeatedly merge every occurrence of the
// adjacent pair of lowest rank.
class BytePairModel
{
public:
    // vocab: {token: id}. merges: pairs in rank order ("" parts for lines that are not pairs, which keep
    // their rank but never merge). Throws Error naming `source` for bad ids or merges of unknown tokens.
    void load(const nlohmann::json& vocab, const std::vector<std::pair<std::string, std::string>>& merges,
              const std::string& vocabSource, const std::string& mergesSource);

    int64_t id(const std::string& token) const; // -1 when absent
    const std::string* token(int64_t id) const; // nullptr when absent
    int64_t size() const { return int64_t(tokenToId_.size()); }

    // The merged symbols of one word given as its initial symbols (characters of the byte alphabet).
    std::vector<std::string> merge(std::vector<std::string> symbols) const;

private:
    std::unordered_map<std::string, int64_t> tokenToId_;
    std::unordered_map<int64_t, std::string> idToToken_;
    std::unordered_map<std::string, int> ranks_; // "first second" -> rank (the last duplicate wins)
};

// A bounded per-word cache of BPE results, safe to share between threads.
class BpeCache
{
public:
    bool find(const std::string& word, std::vector<std::string>& out) const;
    void insert(const std::string& word, const std::vector<std::string>& symbols) const;

private:
    mutable std::mutex mutex_;
    mutable std::unordered_map<std::string, std::vector<std::string>> map_;
};

// merges.txt lines as pairs (line splitting with universal newlines, as Python's text mode reads them).
std::vector<std::string> splitLines(const std::string& text);
std::pair<std::string, std::string> parseMergeLine(const std::string& line, const std::string& source,
                                                   size_t lineNo);
// tokenizer.json model.merges: "a b" strings or [a, b] pairs.
std::vector<std::pair<std::string, std::string>> mergesFromJson(const nlohmann::json& merges,
                                                                const std::string& source);

} // namespace loupe::compute::text
