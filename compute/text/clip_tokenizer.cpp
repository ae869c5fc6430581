// SPDX-License-Identifier: MIT
#include "compute/text/clip_tokenizer.h"

#include "compute/text/gpt2_tokenizer.h"
#include "compute/text/pretokenize.h"
#include "compute/text/unicode.h"

namespace loupe::compute::text {

namespace {

// CLIPTokenizer reads merges.txt lines 1 .. 49152 - 256 - 2.
constexpr size_t kClipMaxMerges = 49152 - 256 - 2;
const std::string kEndOfWord = "</w>";

} // namespace

ClipTokenizer::ClipTokenizer(const TokenizerFiles& files)
{
    loadBytePairFiles(model_, files, kClipMaxMerges, false);
    basic_.doLowerCase = true;
    basic_.stripAccents = false;
    basic_.splitOnPunctuation = false;
    setUpAddedTokens(files);
}

std::vector<std::string> ClipTokenizer::tokenizeText(std::u32string_view text) const
{
    std::u32string joined;
    for (const std::u32string& w : basic_.tokenize(text)) {
        if (!joined.empty()) joined.push_back(U' ');
        joined += w;
    }
    std::vector<std::string> out;
    std::vector<std::string> symbols;
    const auto& alphabet = byteToUnicode();
    for (std::u32string_view piece : clipPieces(joined)) {
        const std::string bytes = unicode::encodeUtf8(piece);
        std::string word;
        for (unsigned char b : bytes)
            word += alphabet[b];
        // The library's bpe() cache starts with the two markers, returned whole (no "</w>").
        if (word == "<|startoftext|>" || word == "<|endoftext|>") {
            out.push_back(word);
            continue;
        }
        if (cache_.find(word, symbols)) {
            out.insert(out.end(), symbols.begin(), symbols.end());
            continue;
        }
        symbols.clear();
        for (unsigned char b : bytes)
            symbols.push_back(alphabet[b]);
        symbols.back() += kEndOfWord;
        symbols = model_.merge(std::move(symbols));
        cache_.insert(word, symbols);
        out.insert(out.end(), symbols.begin(), symbols.end());
    }
    return out;
}

std::string ClipTokenizer::tokensToString(const std::vector<std::string>& tokens) const
{
    std::string joined;
    for (const std::string& t : tokens)
        joined += t;
    std::string text = byteAlphabetToText(joined);
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        if (text.compare(i, kEndOfWord.size(), kEndOfWord) == 0) {
            out.push_back(' ');
            i += kEndOfWord.size();
        } else {
            out.push_back(text[i++]);
        }
    }
    return unicode::stripPythonSpace(out); // str.strip()
}

void ClipTokenizer::addSpecialTokens(Encoding& e) const
{
    wrapTokens(e, bosId, eosId);
}

} // namespace loupe::compute::text
