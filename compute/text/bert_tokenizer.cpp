// SPDX-License-Identifier: MIT
#include "compute/text/bert_tokenizer.h"

#include "compute/error.h"
#include "compute/text/byte_bpe.h"
#include "compute/text/unicode.h"

#include <filesystem>

namespace loupe::compute::text {

namespace fs = std::filesystem;

BertTokenizer::BertTokenizer(const TokenizerFiles& files)
{
    const fs::path vocabPath = files.dir / "vocab.txt";
    std::optional<bool> normalizerLower, normalizerStrip;
    if (fs::exists(vocabPath) || !files.tokenizerJson) {
        if (!fs::exists(vocabPath)) throw Error(files.dir.string(), "vocab.txt is missing");
        std::vector<std::string> lines = splitLines(readTextFile(vocabPath));
        if (!lines.empty() && lines.back().empty()) lines.pop_back(); // readlines() has no empty last line
        if (lines.empty()) throw Error(vocabPath.string(), "the vocabulary is empty");
        if (int64_t(lines.size()) >= kMaxTokenId)
            throw Error(vocabPath.string(),
                        "has too many lines for a vocabulary (" + std::to_string(lines.size()) + ")");
        for (size_t i = 0; i < lines.size(); ++i)
            vocab_[lines[i]] = int64_t(i); // a repeated token keeps its last line, as load_vocab does
        for (size_t i = 0; i < lines.size(); ++i)
            idToToken_[vocab_[lines[i]]] = lines[i];
    } else {
        const std::string source = (files.dir / "tokenizer.json").string();
        const nlohmann::json& tj = *files.tokenizerJson;
        if (!tj.contains("model") || !tj["model"].is_object()) throw Error(source, "has no 'model' object");
        const nlohmann::json& m = tj["model"];
        if (m.value("type", std::string("WordPiece")) != "WordPiece")
            throw Error(source, "model.type is '" + m.value("type", std::string()) + "', not WordPiece");
        if (!m.contains("vocab") || !m["vocab"].is_object() || m["vocab"].empty())
            throw Error(source, "model.vocab is missing or not an object of token: id");
        for (auto it = m["vocab"].begin(); it != m["vocab"].end(); ++it) {
            const int64_t id = checkedId(it.value(), source, it.key());
            vocab_[it.key()] = id;
            idToToken_[id] = it.key();
        }
        if (m.contains("continuing_subword_prefix") && m["continuing_subword_prefix"].is_string())
            continuation_ = m["continuing_subword_prefix"].get<std::string>();
        if (m.contains("max_input_chars_per_word") && m["max_input_chars_per_word"].is_number_unsigned())
            maxInputCharsPerWord_ = m["max_input_chars_per_word"].get<size_t>();
        if (tj.contains("normalizer") && tj["normalizer"].is_object()) {
            const nlohmann::json& n = tj["normalizer"];
            if (n.contains("lowercase") && n["lowercase"].is_boolean())
                normalizerLower = n["lowercase"].get<bool>();
            if (n.contains("strip_accents") && n["strip_accents"].is_boolean())
                normalizerStrip = n["strip_accents"].get<bool>();
        }
    }
    basic_.doLowerCase = files.doLowerCase.value_or(normalizerLower.value_or(true));
    basic_.stripAccents = files.stripAccents ? files.stripAccents : normalizerStrip;
    basic_.tokenizeChineseChars = files.tokenizeChineseChars;
    doBasicTokenize_ = files.doBasicTokenize;
    for (const std::string& s : files.neverSplit)
        basic_.neverSplit.insert(unicode::decodeUtf8(s));
    setUpAddedTokens(files);
    for (const std::string& s : allSpecial_)
        allSpecialU32_.insert(unicode::decodeUtf8(s));
}

int64_t BertTokenizer::vocabId(const std::string& token) const
{
    auto it = vocab_.find(token);
    return it == vocab_.end() ? -1 : it->second;
}

const std::string* BertTokenizer::vocabToken(int64_t id) const
{
    auto it = idToToken_.find(id);
    return it == idToToken_.end() ? nullptr : &it->second;
}

std::string BertTokenizer::unknownIdToken(int64_t) const
{
    return unkToken_;
}

void BertTokenizer::wordPiece(const std::u32string& word, std::vector<std::string>& out) const
{
    if (word.size() > maxInputCharsPerWord_) {
        out.push_back(unkToken_);
        return;
    }
    // Byte offsets of each character, so substrings are cut from the UTF-8 once.
    const std::string utf8 = unicode::encodeUtf8(word);
    std::vector<size_t> offset(word.size() + 1, 0);
    for (size_t i = 0, pos = 0; i < word.size(); ++i) {
        offset[i] = pos;
        const char32_t c = word[i];
        pos += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
        offset[i + 1] = pos;
    }
    const size_t before = out.size();
    std::string candidate;
    for (size_t start = 0; start < word.size();) {
        size_t end = word.size();
        bool found = false;
        while (start < end) {
            candidate.clear();
            if (start > 0) candidate = continuation_;
            candidate.append(utf8, offset[start], offset[end] - offset[start]);
            if (vocab_.count(candidate)) {
                found = true;
                break;
            }
            --end;
        }
        if (!found) {
            out.resize(before);
            out.push_back(unkToken_);
            return;
        }
        out.push_back(candidate);
        start = end;
    }
}

std::vector<std::string> BertTokenizer::tokenizeText(std::u32string_view text) const
{
    std::vector<std::string> out;
    if (!doBasicTokenize_) {
        for (const std::u32string& w : whitespaceSplit(text))
            wordPiece(w, out);
        return out;
    }
    for (const std::u32string& token : basic_.tokenize(text, &allSpecialU32_)) {
        if (basic_.neverSplit.count(token))
            out.push_back(unicode::encodeUtf8(token));
        else
            wordPiece(token, out);
    }
    return out;
}

std::string BertTokenizer::tokensToString(const std::vector<std::string>& tokens) const
{
    // " ".join(tokens).replace(" ##", "").strip()
    std::string joined;
    for (size_t i = 0; i < tokens.size(); ++i) {
        if (i) joined += ' ';
        joined += tokens[i];
    }
    const std::string marker = " " + continuation_;
    std::string out;
    for (size_t i = 0; i < joined.size();) {
        if (joined.compare(i, marker.size(), marker) == 0) {
            i += marker.size();
        } else {
            out.push_back(joined[i++]);
        }
    }
    return unicode::stripPythonSpace(out); // str.strip()
}

void BertTokenizer::addSpecialTokens(Encoding& e) const
{
    wrapTokens(e, clsId, sepId);
}

} // namespace loupe::compute::text
