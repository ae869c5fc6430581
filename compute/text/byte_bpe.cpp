// SPDX-License-Identifier: MIT
#include "compute/text/byte_bpe.h"

#include "compute/error.h"
#include "compute/text/unicode.h"

namespace loupe::compute::text {

using json = nlohmann::json;

namespace {

std::array<char32_t, 256> byteCodePoints()
{
    std::array<char32_t, 256> cp{};
    std::array<bool, 256> printable{};
    for (int b = '!'; b <= '~'; ++b)
        printable[b] = true;
    for (int b = 0xA1; b <= 0xAC; ++b)
        printable[b] = true;
    for (int b = 0xAE; b <= 0xFF; ++b)
        printable[b] = true;
    int n = 0;
    for (int b = 0; b < 256; ++b)
        cp[b] = printable[b] ? char32_t(b) : char32_t(256 + n++);
    return cp;
}

const std::array<char32_t, 256>& codePoints()
{
    static const std::array<char32_t, 256> table = byteCodePoints();
    return table;
}

// The cache is a speed-up only: clear it rather than let arbitrary input grow it without bound.
constexpr size_t kMaxCacheEntries = 200000;

bool isAsciiSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

} // namespace

const std::array<std::string, 256>& byteToUnicode()
{
    static const std::array<std::string, 256> table = [] {
        std::array<std::string, 256> t;
        for (int b = 0; b < 256; ++b)
            unicode::appendUtf8(t[b], codePoints()[b]);
        return t;
    }();
    return table;
}

std::optional<uint8_t> unicodeToByte(char32_t c)
{
    if (c < 0x100) {
        if ((c >= '!' && c <= '~') || (c >= 0xA1 && c <= 0xAC) || c >= 0xAE) return uint8_t(c);
        return std::nullopt;
    }
    if (c < 0x100 + 68) {
        // The bytes outside the printable ranges, in order, are 256, 257, ...
        static const std::array<uint8_t, 68> inverse = [] {
            std::array<uint8_t, 68> inv{};
            for (int b = 0; b < 256; ++b)
                if (codePoints()[b] >= 256) inv[codePoints()[b] - 256] = uint8_t(b);
            return inv;
        }();
        return inverse[c - 0x100];
    }
    return std::nullopt;
}

std::string toByteAlphabet(std::string_view utf8)
{
    const auto& table = byteToUnicode();
    std::string out;
    out.reserve(utf8.size() * 2);
    for (unsigned char b : utf8)
        out += table[b];
    return out;
}

std::string fromByteAlphabet(std::string_view text)
{
    std::string bytes;
    bytes.reserve(text.size());
    for (char32_t c : unicode::decodeUtf8(text)) {
        if (auto b = unicodeToByte(c))
            bytes.push_back(char(*b));
        else
            unicode::appendUtf8(bytes, c);
    }
    return bytes;
}

void BytePairModel::load(const json& vocab, const std::vector<std::pair<std::string, std::string>>& merges,
                         const std::string& vocabSource, const std::string& mergesSource)
{
    if (!vocab.is_object()) throw Error(vocabSource, "the vocabulary is not a JSON object of token: id");
    if (vocab.empty()) throw Error(vocabSource, "the vocabulary is empty");
    tokenToId_.clear();
    idToToken_.clear();
    ranks_.clear();
    tokenToId_.reserve(vocab.size());
    for (auto it = vocab.begin(); it != vocab.end(); ++it) {
        const int64_t id = checkedId(it.value(), vocabSource, it.key());
        tokenToId_[it.key()] = id;
        idToToken_[id] = it.key(); // a duplicate id keeps the last token, as the library's decoder dict does
    }
    for (size_t i = 0; i < merges.size(); ++i) {
        const auto& [a, b] = merges[i];
        if (a.empty()) continue;
        for (const std::string* part : {&a, &b})
            if (!tokenToId_.count(*part))
                throw Error(mergesSource, "merge " + std::to_string(i + 1) + " '" + a + " " + b + "' uses '" +
                                              *part + "', which is not in the vocabulary");
        if (!tokenToId_.count(a + b))
            throw Error(mergesSource, "merge " + std::to_string(i + 1) + " '" + a + " " + b + "' makes '" +
                                          a + b + "', which is not in the vocabulary");
        ranks_[a + ' ' + b] = int(i);
    }
}

int64_t BytePairModel::id(const std::string& token) const
{
    auto it = tokenToId_.find(token);
    return it == tokenToId_.end() ? -1 : it->second;
}

const std::string* BytePairModel::token(int64_t id) const
{
    auto it = idToToken_.find(id);
    return it == idToToken_.end() ? nullptr : &it->second;
}

std::vector<std::string> BytePairModel::merge(std::vector<std::string> word) const
{
    std::string key;
    while (word.size() > 1) {
        int best = -1;
        size_t bestAt = 0;
        for (size_t i = 0; i + 1 < word.size(); ++i) {
            key.assign(word[i]).append(1, ' ').append(word[i + 1]);
            auto it = ranks_.find(key);
            if (it != ranks_.end() && (best < 0 || it->second < best)) {
                best = it->second;
                bestAt = i;
            }
        }
        if (best < 0) break;
        const std::string first = word[bestAt], second = word[bestAt + 1];
        std::vector<std::string> next;
        next.reserve(word.size());
        for (size_t i = 0; i < word.size();) {
            if (i + 1 < word.size() && word[i] == first && word[i + 1] == second) {
                next.push_back(first + second);
                i += 2;
            } else {
                next.push_back(std::move(word[i]));
                ++i;
            }
        }
        word = std::move(next);
    }
    return word;
}

bool BpeCache::find(const std::string& word, std::vector<std::string>& out) const
{
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = map_.find(word);
    if (it == map_.end()) return false;
    out = it->second;
    return true;
}

void BpeCache::insert(const std::string& word, const std::vector<std::string>& symbols) const
{
    std::lock_guard<std::mutex> lock(mutex_);
    if (map_.size() >= kMaxCacheEntries) map_.clear();
    map_.emplace(word, symbols);
}

std::vector<std::string> splitLines(const std::string& text)
{
    std::vector<std::string> lines;
    std::string line;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\r' || c == '\n') {
            lines.push_back(std::move(line));
            line.clear();
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
        } else {
            line.push_back(c);
        }
    }
    lines.push_back(std::move(line));
    return lines;
}

std::pair<std::string, std::string> parseMergeLine(const std::string& line, const std::string& source,
                                                   size_t lineNo)
{
    std::vector<std::string> parts;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && isAsciiSpace(line[i]))
            ++i;
        size_t j = i;
        while (j < line.size() && !isAsciiSpace(line[j]))
            ++j;
        if (j > i) parts.push_back(line.substr(i, j - i));
        i = j;
    }
    if (parts.empty()) return {};
    if (parts.size() != 2)
        throw Error(source, "line " + std::to_string(lineNo) + " is not a merge of two tokens: '" +
                                line.substr(0, 80) + "'");
    return {parts[0], parts[1]};
}

std::vector<std::pair<std::string, std::string>> mergesFromJson(const json& merges, const std::string& source)
{
    if (!merges.is_array()) throw Error(source, "model.merges is not a list");
    std::vector<std::pair<std::string, std::string>> out;
    out.reserve(merges.size());
    for (size_t i = 0; i < merges.size(); ++i) {
        const json& m = merges[i];
        if (m.is_string()) {
            out.push_back(parseMergeLine(m.get<std::string>(), source, i + 1));
        } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
            out.emplace_back(m[0].get<std::string>(), m[1].get<std::string>());
        } else {
            throw Error(source, "model.merges[" + std::to_string(i) + "] is neither \"a b\" nor [a, b]");
        }
    }
    return out;
}

} // namespace loupe::compute::text
