// SPDX-License-Identifier: MIT
#include "compute/text/basic_tokenizer.h"

#include "compute/text/unicode.h"

namespace loupe::compute::text {

namespace {

using unicode::Category;

bool isControl(char32_t c)
{
    if (c == U'\t' || c == U'\n' || c == U'\r') return false;
    return unicode::isOtherCategory(c); // every C* category, unassigned code points included
}

bool isBertWhitespace(char32_t c)
{
    return c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || unicode::category(c) == Category::Zs;
}

bool isPunctuation(char32_t c)
{
    if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126))
        return true;
    return unicode::isPunctuationCategory(c);
}

std::u32string removeAccents(std::u32string_view token)
{
    std::u32string out;
    for (char32_t c : unicode::nfd(token))
        if (unicode::category(c) != Category::Mn) out.push_back(c);
    return out;
}

} // namespace

bool isChineseChar(char32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
           (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) ||
           (c >= 0x2B820 && c <= 0x2CEAF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

std::vector<std::u32string> whitespaceSplit(std::u32string_view text)
{
    std::vector<std::u32string> out;
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && unicode::isPythonSpace(text[i]))
            ++i;
        size_t j = i;
        while (j < text.size() && !unicode::isPythonSpace(text[j]))
            ++j;
        if (j > i) out.emplace_back(text.substr(i, j - i));
        i = j;
    }
    return out;
}

std::vector<std::u32string> BasicTokenizer::tokenize(std::u32string_view text,
                                                     const std::unordered_set<std::u32string>* extra) const
{
    auto never = [&](const std::u32string& t) { return neverSplit.count(t) || (extra && extra->count(t)); };

    std::u32string cleaned;
    cleaned.reserve(text.size());
    for (char32_t c : text) {
        if (c == 0 || c == 0xFFFD || isControl(c)) continue;
        if (isBertWhitespace(c)) {
            cleaned.push_back(U' ');
        } else if (tokenizeChineseChars && isChineseChar(c)) {
            cleaned.push_back(U' ');
            cleaned.push_back(c);
            cleaned.push_back(U' ');
        } else {
            cleaned.push_back(c);
        }
    }
    const std::u32string normalized = unicode::nfc(cleaned);

    std::vector<std::u32string> out;
    for (std::u32string& token : whitespaceSplit(normalized)) {
        if (!never(token)) {
            if (doLowerCase) {
                token = unicode::lower(token);
                if (stripAccents.value_or(true)) token = removeAccents(token);
            } else if (stripAccents.value_or(false)) {
                token = removeAccents(token);
            }
        }
        if (!splitOnPunctuation || never(token)) {
            if (!token.empty()) out.push_back(std::move(token));
            continue;
        }
        std::u32string word;
        for (char32_t c : token) {
            if (isPunctuation(c)) {
                if (!word.empty()) out.push_back(std::move(word));
                word.clear();
                out.emplace_back(1, c);
            } else {
                word.push_back(c);
            }
        }
        if (!word.empty()) out.push_back(std::move(word));
    }
    return out;
}

} // namespace loupe::compute::text
