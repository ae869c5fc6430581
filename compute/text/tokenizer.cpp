// SPDX-License-Identifier: MIT
#include "compute/text/tokenizer.h"

#include "compute/error.h"
#include "compute/text/bert_tokenizer.h"
#include "compute/text/clip_tokenizer.h"
#include "compute/text/gpt2_tokenizer.h"
#include "compute/text/tokenizer_files.h"

#include <algorithm>

namespace loupe::compute::text {

namespace fs = std::filesystem;

Tokenizer::~Tokenizer() = default;

bool Tokenizer::isSpecial(int64_t id) const
{
    return std::find(specialIds.begin(), specialIds.end(), id) != specialIds.end();
}

void Tokenizer::wrapTokens(Encoding& e, int64_t first, int64_t last) const
{
    e.ids.insert(e.ids.begin(), first);
    e.tokens.insert(e.tokens.begin(), idToToken(first));
    if (last < 0) return;
    e.ids.push_back(last);
    e.tokens.push_back(idToToken(last));
}

Encoding Tokenizer::pad(Encoding e, int64_t length) const
{
    if (int64_t(e.ids.size()) >= length) return e;
    if (padId < 0) throw Error("padding", "the " + kind() + " tokenizer has no padding token (pad_token)");
    const size_t n = size_t(length) - e.ids.size();
    const std::string padToken = idToToken(padId);
    if (paddingSide == Side::Right) {
        e.ids.insert(e.ids.end(), n, padId);
        e.tokens.insert(e.tokens.end(), n, padToken);
        e.attentionMask.insert(e.attentionMask.end(), n, 0);
    } else {
        e.ids.insert(e.ids.begin(), n, padId);
        e.tokens.insert(e.tokens.begin(), n, padToken);
        e.attentionMask.insert(e.attentionMask.begin(), n, 0);
    }
    return e;
}

int64_t Tokenizer::paddedLength(const EncodeOptions& options) const
{
    const int64_t length = options.maxLength >= 0 ? options.maxLength : modelMaxLength;
    if (length < 0) throw Error("padding", "padding to the maximum length needs a max length");
    return length;
}

Encoding Tokenizer::encodeWith(std::string_view text, const EncodeOptions& options) const
{
    Encoding e = encode(text, false);
    const int64_t special = options.addSpecialTokens ? numSpecialTokens() : 0;
    // As the library: when max length leaves no room for the text after the special tokens, nothing is cut.
    const int64_t keep = options.maxLength - special;
    if (options.maxLength >= 0 && keep > 0 && int64_t(e.ids.size()) > keep) {
        const auto cut = std::ptrdiff_t(int64_t(e.ids.size()) - keep);
        if (truncationSide == Side::Right) {
            e.ids.erase(e.ids.end() - cut, e.ids.end());
            e.tokens.erase(e.tokens.end() - cut, e.tokens.end());
        } else {
            e.ids.erase(e.ids.begin(), e.ids.begin() + cut);
            e.tokens.erase(e.tokens.begin(), e.tokens.begin() + cut);
        }
    }
    if (options.addSpecialTokens) addSpecialTokens(e);
    e.attentionMask.assign(e.ids.size(), 1);
    // The library's pad() returns an empty single sequence as it is.
    if (options.padding == Padding::MaxLength && !e.ids.empty()) e = pad(std::move(e), paddedLength(options));
    return e;
}

std::vector<Encoding> Tokenizer::encodeBatch(const std::vector<std::string>& texts,
                                             const EncodeOptions& options) const
{
    EncodeOptions each = options;
    each.padding = Padding::None;
    std::vector<Encoding> out;
    out.reserve(texts.size());
    size_t longest = 0;
    for (const std::string& t : texts) {
        out.push_back(encodeWith(t, each));
        longest = std::max(longest, out.back().ids.size());
    }
    // A batch pads every row, empty ones included.
    if (options.padding != Padding::None) {
        const int64_t length = options.padding == Padding::Longest ? int64_t(longest) : paddedLength(options);
        for (Encoding& e : out)
            e = pad(std::move(e), length);
    }
    return out;
}

namespace {

std::string withoutFast(std::string cls)
{
    const std::string fast = "Fast";
    if (cls.size() > fast.size() && cls.compare(cls.size() - fast.size(), fast.size(), fast) == 0)
        cls.resize(cls.size() - fast.size());
    return cls;
}

std::string kindFromFiles(const TokenizerFiles& f)
{
    const fs::path& dir = f.dir;
    if (fs::exists(dir / "vocab.txt")) return "bert";
    if (fs::exists(dir / "vocab.json") || fs::exists(dir / "merges.txt")) {
        for (const char* name : {"merges.txt", "vocab.json"})
            if (fs::exists(dir / name) && readTextFile(dir / name).find("</w>") != std::string::npos)
                return "clip";
        return "gpt2";
    }
    if (f.tokenizerJson) {
        const nlohmann::json& tj = *f.tokenizerJson;
        const std::string source = (dir / "tokenizer.json").string();
        if (!tj.contains("model") || !tj["model"].is_object()) throw Error(source, "has no 'model' object");
        const nlohmann::json& m = tj["model"];
        const std::string type = m.value("type", std::string());
        if (type == "WordPiece") return "bert";
        if (type == "BPE") {
            const bool clip = m.contains("end_of_word_suffix") && m["end_of_word_suffix"] == "</w>";
            return clip ? "clip" : "gpt2";
        }
        throw Error(source, "model type '" + type + "' is not supported (BPE and WordPiece are)");
    }
    throw Error(dir.string(),
                "holds no tokenizer files (tokenizer.json, vocab.json + merges.txt, or vocab.txt)");
}

} // namespace

std::unique_ptr<Tokenizer> loadTokenizer(const fs::path& dir)
{
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw Error(dir.string(), "is not a folder");
    const TokenizerFiles files = readTokenizerFiles(dir);
    std::string kind;
    const std::string cls = withoutFast(files.tokenizerClass);
    if (cls.empty())
        kind = kindFromFiles(files);
    else if (cls == "GPT2Tokenizer")
        kind = "gpt2";
    else if (cls == "CLIPTokenizer")
        kind = "clip";
    else if (cls == "BertTokenizer" || cls == "BlipTokenizer" || cls == "DistilBertTokenizer")
        kind = "bert";
    else
        throw Error((dir / "tokenizer_config.json").string(),
                    "tokenizer_class '" + files.tokenizerClass +
                        "' is not supported (GPT2Tokenizer, CLIPTokenizer and BertTokenizer are)");
    if (kind == "gpt2") return std::make_unique<Gpt2Tokenizer>(files);
    if (kind == "clip") return std::make_unique<ClipTokenizer>(files);
    return std::make_unique<BertTokenizer>(files);
}

} // namespace loupe::compute::text
