// SPDX-License-Identifier: MIT
#include "compute/text/gpt2_tokenizer.h"

#include "compute/error.h"
#include "compute/text/pretokenize.h"
#include "compute/text/unicode.h"

#include <filesystem>

namespace loupe::compute::text {

namespace fs = std::filesystem;

void loadBytePairFiles(BytePairModel& model, const TokenizerFiles& files, size_t maxMerges, bool dropLastLine)
{
    const fs::path vocabPath = files.dir / "vocab.json", mergesPath = files.dir / "merges.txt";
    if (fs::exists(vocabPath) || fs::exists(mergesPath) || !files.tokenizerJson) {
        if (!fs::exists(vocabPath)) throw Error(files.dir.string(), "vocab.json is missing");
        if (!fs::exists(mergesPath)) throw Error(files.dir.string(), "merges.txt is missing");
        const nlohmann::json vocab = readJsonFile(vocabPath);
        std::vector<std::string> lines = splitLines(readTextFile(mergesPath));
        // Python: read().split("\n")[1:-1] (GPT-2) or read().strip().split("\n")[1:maxMerges + 1] (CLIP).
        if (dropLastLine) {
            if (!lines.empty()) lines.pop_back();
        } else {
            while (!lines.empty() && lines.back().find_first_not_of(" \t\v\f") == std::string::npos)
                lines.pop_back();
        }
        std::vector<std::pair<std::string, std::string>> merges;
        for (size_t i = 1; i < lines.size() && merges.size() < maxMerges; ++i)
            merges.push_back(parseMergeLine(lines[i], mergesPath.string(), i + 1));
        model.load(vocab, merges, vocabPath.string(), mergesPath.string());
        return;
    }
    const std::string source = (files.dir / "tokenizer.json").string();
    const nlohmann::json& tj = *files.tokenizerJson;
    if (!tj.contains("model") || !tj["model"].is_object()) throw Error(source, "has no 'model' object");
    const nlohmann::json& m = tj["model"];
    if (m.value("type", std::string("BPE")) != "BPE")
        throw Error(source, "model.type is '" + m.value("type", std::string()) + "', not BPE");
    if (!m.contains("vocab")) throw Error(source, "model.vocab is missing");
    if (!m.contains("merges")) throw Error(source, "model.merges is missing");
    auto merges = mergesFromJson(m["merges"], source);
    if (merges.size() > maxMerges) merges.resize(maxMerges);
    model.load(m["vocab"], merges, source, source);
}

std::string byteAlphabetToText(const std::string& joined)
{
    return unicode::encodeUtf8(unicode::decodeUtf8(fromByteAlphabet(joined)));
}

Gpt2Tokenizer::Gpt2Tokenizer(const TokenizerFiles& files)
{
    loadBytePairFiles(model_, files, size_t(-1), true);
    addBos_ = files.addBosToken;
    addPrefixSpace_ = files.addPrefixSpace;
    setUpAddedTokens(files);
}

std::u32string Gpt2Tokenizer::prepareText(std::u32string text) const
{
    if (addPrefixSpace_) text.insert(text.begin(), U' ');
    return text;
}

std::vector<std::string> Gpt2Tokenizer::tokenizeText(std::u32string_view text) const
{
    std::vector<std::string> out;
    std::vector<std::string> symbols;
    const auto& alphabet = byteToUnicode();
    for (std::u32string_view piece : gpt2Pieces(text)) {
        const std::string bytes = unicode::encodeUtf8(piece);
        std::string word;
        for (unsigned char b : bytes)
            word += alphabet[b];
        if (cache_.find(word, symbols)) {
            out.insert(out.end(), symbols.begin(), symbols.end());
            continue;
        }
        symbols.clear();
        for (unsigned char b : bytes)
            symbols.push_back(alphabet[b]);
        symbols = model_.merge(std::move(symbols));
        cache_.insert(word, symbols);
        out.insert(out.end(), symbols.begin(), symbols.end());
    }
    return out;
}

std::string Gpt2Tokenizer::tokensToString(const std::vector<std::string>& tokens) const
{
    std::string joined;
    for (const std::string& t : tokens)
        joined += t;
    return byteAlphabetToText(joined);
}

void Gpt2Tokenizer::addSpecialTokens(Encoding& e) const
{
    if (!addBos_ || bosId < 0) return;
    wrapTokens(e, bosId, -1);
}

} // namespace loupe::compute::text
