// SPDX-License-Identifier: MIT
#include "compute/text/slow_tokenizer.h"

#include "compute/error.h"
#include "compute/text/unicode.h"

#include <algorithm>

namespace loupe::compute::text {

namespace {

struct Segment
{
    std::u32string text;
    int added = -1; // index into the added-token list, -1 for plain text
};

std::u32string stripLeft(const std::u32string& s)
{
    size_t i = 0;
    while (i < s.size() && unicode::isPythonSpace(s[i]))
        ++i;
    return s.substr(i);
}

std::u32string stripRight(const std::u32string& s)
{
    size_t n = s.size();
    while (n > 0 && unicode::isPythonSpace(s[n - 1]))
        --n;
    return s.substr(0, n);
}

bool matchesAt(const std::u32string& text, size_t pos, const std::u32string& token)
{
    return token.size() <= text.size() - pos && text.compare(pos, token.size(), token) == 0;
}

} // namespace

void SlowTokenizer::setUpAddedTokens(const TokenizerFiles& files)
{
    added_ = files.addedTokens;
    allSpecial_ = files.allSpecialTokens();
    unkToken_ = files.unk;
    additional_ = files.additional;
    auto known = [&](const std::string& content) {
        return std::any_of(added_.begin(), added_.end(),
                           [&](const AddedToken& t) { return t.content == content; });
    };
    // Special tokens with no id in the files take the vocabulary's, else the next free id (_add_tokens).
    for (const std::string& s : allSpecial_) {
        if (known(s)) continue;
        int64_t id = vocabId(s);
        if (id < 0) {
            id = modelVocabSize();
            for (const AddedToken& t : added_)
                id = std::max(id, t.id + 1);
        }
        added_.push_back(AddedToken{s, id, true, false, false, false, false});
    }
    std::sort(added_.begin(), added_.end(),
              [](const AddedToken& a, const AddedToken& b) { return a.id < b.id; });
    addedByContent_.clear();
    addedContents_.clear();
    for (const AddedToken& t : added_) {
        addedByContent_[t.content] = t.id;
        addedContents_.push_back(unicode::decodeUtf8(t.content));
    }
    specialIds.clear();
    for (const std::string& s : allSpecial_)
        if (int64_t id = convertTokenToId(s); id >= 0) specialIds.push_back(id);
    auto idOf = [&](const std::string& s) { return s.empty() ? int64_t(-1) : convertTokenToId(s); };
    bosId = idOf(files.bos), eosId = idOf(files.eos), padId = idOf(files.pad), unkId = idOf(files.unk);
    clsId = idOf(files.cls), sepId = idOf(files.sep), maskId = idOf(files.mask);
    modelMaxLength = files.modelMaxLength;
    cleanUpTokenizationSpaces = files.cleanUp;
    paddingSide = files.paddingLeft ? Side::Left : Side::Right;
    truncationSide = files.truncationLeft ? Side::Left : Side::Right;

    protectedForLowering_.clear();
    for (const std::string& s : allSpecial_)
        protectedForLowering_.push_back(unicode::decodeUtf8(s));
    for (const AddedToken& t : added_)
        if (!t.special && t.normalized) protectedForLowering_.push_back(unicode::decodeUtf8(t.content));
}

int64_t SlowTokenizer::convertTokenToId(const std::string& token) const
{
    if (auto it = addedByContent_.find(token); it != addedByContent_.end()) return it->second;
    if (int64_t id = vocabId(token); id >= 0) return id;
    return unkToken_.empty() ? -1 : tokenId(unkToken_);
}

std::string SlowTokenizer::convertIdToToken(int64_t id) const
{
    auto it = std::lower_bound(added_.begin(), added_.end(), id,
                               [](const AddedToken& t, int64_t v) { return t.id < v; });
    if (it != added_.end() && it->id == id) return it->content;
    if (const std::string* t = vocabToken(id)) return *t;
    return unknownIdToken(id);
}

int64_t SlowTokenizer::tokenId(std::string_view token) const
{
    const std::string t(token);
    if (auto it = addedByContent_.find(t); it != addedByContent_.end()) return it->second;
    return vocabId(t);
}

std::string SlowTokenizer::idToToken(int64_t id) const
{
    auto it = std::lower_bound(added_.begin(), added_.end(), id,
                               [](const AddedToken& t, int64_t v) { return t.id < v; });
    if (it != added_.end() && it->id == id) return it->content;
    const std::string* t = vocabToken(id);
    return t ? *t : std::string();
}

int64_t SlowTokenizer::vocabSize() const
{
    int64_t n = modelVocabSize();
    for (const AddedToken& t : added_)
        if (vocabId(t.content) < 0) ++n;
    return n;
}

std::string SlowTokenizer::unknownIdToken(int64_t id) const
{
    throw Error("decode", "token id " + std::to_string(id) + " is not in the " + kind() + " vocabulary (" +
                              std::to_string(vocabSize()) + " tokens)");
}

// The library lower-cases character by character with re.sub, leaving special tokens (and normalized
// non-special added tokens) as written; the first listed token that matches at a position wins.
std::u32string SlowTokenizer::lowerOutsideSpecials(const std::u32string& text) const
{
    std::u32string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        bool kept = false;
        for (const std::u32string& p : protectedForLowering_) {
            if (!p.empty() && matchesAt(text, i, p)) {
                out += p;
                i += p.size();
                kept = true;
                break;
            }
        }
        if (kept) continue;
        out += unicode::lowerChar(text[i]);
        ++i;
    }
    return out;
}

Encoding SlowTokenizer::encode(std::string_view utf8, bool addSpecial) const
{
    std::u32string text = prepareText(unicode::decodeUtf8(utf8));
    if (lowerCasesInput()) text = lowerOutsideSpecials(text);

    // Split on added tokens, leftmost then longest.
    std::vector<Segment> segments;
    size_t plainStart = 0;
    for (size_t i = 0; i < text.size();) {
        int best = -1;
        for (size_t k = 0; k < addedContents_.size(); ++k) {
            const std::u32string& c = addedContents_[k];
            if (!c.empty() && matchesAt(text, i, c) &&
                (best < 0 || c.size() > addedContents_[size_t(best)].size()))
                best = int(k);
        }
        if (best < 0) {
            ++i;
            continue;
        }
        if (i > plainStart) segments.push_back({text.substr(plainStart, i - plainStart), -1});
        segments.push_back({addedContents_[size_t(best)], best});
        i += addedContents_[size_t(best)].size();
        plainStart = i;
    }
    if (plainStart < text.size()) segments.push_back({text.substr(plainStart), -1});

    for (size_t i = 0; i < segments.size(); ++i) {
        if (segments[i].added < 0) continue;
        const AddedToken& t = added_[size_t(segments[i].added)];
        Segment* left = i > 0 ? &segments[i - 1] : nullptr;
        Segment* right = i + 1 < segments.size() ? &segments[i + 1] : nullptr;
        if (t.rstrip && right && !right->text.empty()) right->text = stripLeft(right->text);
        if (t.lstrip && left && !left->text.empty()) left->text = stripRight(left->text);
        if (t.singleWord && left && !left->text.empty() && left->text.back() != U' ') {
            left->text += segments[i].text;
            segments[i].text.clear();
        } else if (t.singleWord && right && !right->text.empty() && right->text.front() != U' ') {
            segments[i].text += right->text;
            right->text.clear();
        }
    }

    Encoding enc;
    for (const Segment& s : segments) {
        if (s.text.empty()) continue;
        std::string utf = unicode::encodeUtf8(s.text);
        if (addedByContent_.count(utf)) {
            enc.tokens.push_back(std::move(utf));
            continue;
        }
        for (std::string& t : tokenizeText(s.text))
            enc.tokens.push_back(std::move(t));
    }
    enc.ids.reserve(enc.tokens.size());
    for (const std::string& t : enc.tokens)
        enc.ids.push_back(convertTokenToId(t));
    if (addSpecial) addSpecialTokens(enc);
    enc.attentionMask.assign(enc.ids.size(), 1);
    return enc;
}

std::string SlowTokenizer::decode(const std::vector<int64_t>& ids, bool skipSpecialTokens) const
{
    // Added tokens that are not special (plus additional specials past the vocabulary) are decoded on
    // their own, never through the byte decoder.
    auto isLegacy = [&](const std::string& token) {
        auto it = addedByContent_.find(token);
        if (it == addedByContent_.end()) return false;
        if (std::find(allSpecial_.begin(), allSpecial_.end(), token) == allSpecial_.end()) return true;
        return it->second >= modelVocabSize() &&
               std::find(additional_.begin(), additional_.end(), token) != additional_.end();
    };
    std::vector<std::string> subTexts, current;
    for (int64_t id : ids) {
        if (skipSpecialTokens && isSpecial(id)) continue;
        std::string token = convertIdToToken(id);
        if (isLegacy(token)) {
            if (!current.empty()) {
                std::string s = tokensToString(current);
                if (!s.empty()) subTexts.push_back(std::move(s));
                current.clear();
            }
            subTexts.push_back(std::move(token));
        } else {
            current.push_back(std::move(token));
        }
    }
    if (!current.empty()) subTexts.push_back(tokensToString(current));
    std::string text;
    for (size_t i = 0; i < subTexts.size(); ++i) {
        if (i) text += ' ';
        text += subTexts[i];
    }
    return cleanUpTokenizationSpaces ? cleanUpTokenization(std::move(text)) : text;
}

std::string cleanUpTokenization(std::string text)
{
    static const std::pair<std::string_view, std::string_view> kRules[] = {
        {" .", "."},     {" ?", "?"},   {" !", "!"},   {" ,", ","},     {" ' ", "'"},
        {" n't", "n't"}, {" 'm", "'m"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};
    for (const auto& [from, to] : kRules) {
        std::string out;
        out.reserve(text.size());
        size_t pos = 0;
        while (true) {
            const size_t hit = text.find(from, pos);
            if (hit == std::string::npos) break;
            out.append(text, pos, hit - pos);
            out += to;
            pos = hit + from.size();
        }
        out.append(text, pos, std::string::npos);
        text = std::move(out);
    }
    return text;
}

} // namespace loupe::compute::text
