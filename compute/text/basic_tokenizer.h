// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace loupe::compute::text {

// BERT's BasicTokenizer (also CLIP's text clean-up when ftfy is absent): drop control characters, map
// whitespace to spaces, isolate CJK ideographs, NFC, split on whitespace, lower-case and strip accents
// (NFD, drop Mn) when asked, split punctuation off (ASCII symbols count as punctuation).
struct BasicTokenizer
{
    bool doLowerCase = true;
    std::optional<bool> stripAccents; // unset: strip when lower-casing
    bool tokenizeChineseChars = true;
    bool splitOnPunctuation = true;
    std::unordered_set<std::u32string> neverSplit;

    std::vector<std::u32string>
    tokenize(std::u32string_view text,
             const std::unordered_set<std::u32string>* extraNeverSplit = nullptr) const;
};

bool isChineseChar(char32_t c);
// Python's str.split(): runs of str.isspace() characters separate words; no empty words.
std::vector<std::u32string> whitespaceSplit(std::u32string_view text);

} // namespace loupe::compute::text
