// SPDX-License-Identifier: MIT
#include "compute/text/tokenizer_files.h"

#include "compute/error.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace loupe::compute::text {

using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Tokenizer files are small (a large vocabulary is a few MB); anything past this is not one.
constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t(512) << 20;

// A special token is written as a string or as an AddedToken object {"content": ...}.
std::string tokenContent(const json& v, const fs::path& file, const char* key)
{
    if (v.is_null()) return {};
    if (v.is_string()) return v.get<std::string>();
    if (v.is_object() && v.contains("content") && v["content"].is_string())
        return v["content"].get<std::string>();
    throw Error(file.string(),
                std::string("'") + key + "' is neither a string nor an object with a 'content' string");
}

void readSpecials(TokenizerFiles& f, const json& j, const fs::path& file)
{
    const std::pair<const char*, std::string*> named[] = {
        {"bos_token", &f.bos}, {"eos_token", &f.eos}, {"unk_token", &f.unk},  {"sep_token", &f.sep},
        {"pad_token", &f.pad}, {"cls_token", &f.cls}, {"mask_token", &f.mask}};
    for (const auto& [key, target] : named)
        if (j.contains(key)) *target = tokenContent(j[key], file, key);
    if (j.contains("additional_special_tokens") && !j["additional_special_tokens"].is_null()) {
        const json& a = j["additional_special_tokens"];
        if (!a.is_array()) throw Error(file.string(), "'additional_special_tokens' is not a list");
        f.additional.clear();
        for (const json& t : a)
            f.additional.push_back(tokenContent(t, file, "additional_special_tokens"));
    }
}

bool flag(const json& o, const char* key, bool fallback)
{
    return o.contains(key) && o[key].is_boolean() ? o[key].get<bool>() : fallback;
}

void addToken(TokenizerFiles& f, AddedToken t)
{
    for (AddedToken& existing : f.addedTokens)
        if (existing.id == t.id) {
            existing = std::move(t);
            return;
        }
    f.addedTokens.push_back(std::move(t));
}

AddedToken addedFromObject(const json& o, int64_t id, const fs::path& file)
{
    if (!o.is_object() || !o.contains("content") || !o["content"].is_string())
        throw Error(file.string(), "added token " + std::to_string(id) + " has no 'content' string");
    AddedToken t;
    t.content = o["content"].get<std::string>();
    if (t.content.empty()) throw Error(file.string(), "added token " + std::to_string(id) + " is empty");
    t.id = id;
    t.special = flag(o, "special", false);
    t.lstrip = flag(o, "lstrip", false);
    t.rstrip = flag(o, "rstrip", false);
    t.singleWord = flag(o, "single_word", false);
    t.normalized = flag(o, "normalized", !t.special);
    return t;
}

} // namespace

std::string readTextFile(const fs::path& path)
{
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec) throw Error(path.string(), "cannot be read (" + ec.message() + ")");
    if (size > kMaxFileBytes)
        throw Error(path.string(), "is too large for a tokenizer file (" + std::to_string(size) + " bytes)");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path.string(), "cannot be opened");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

json readJsonFile(const fs::path& path)
{
    const std::string text = readTextFile(path);
    try {
        return json::parse(text);
    } catch (const json::exception& e) {
        throw Error(path.string(), std::string("is not valid JSON (") + e.what() + ")");
    }
}

int64_t checkedId(const json& value, const fs::path& file, const std::string& token)
{
    if (!value.is_number_integer())
        throw Error(file.string(), "the id of token '" + token + "' is not an integer");
    if (value.is_number_unsigned() && value.get<uint64_t>() >= uint64_t(kMaxTokenId))
        throw Error(file.string(), "the id of token '" + token + "' is out of range (" + value.dump() + ")");
    const int64_t id = value.get<int64_t>();
    if (id < 0 || id >= kMaxTokenId)
        throw Error(file.string(),
                    "the id of token '" + token + "' is out of range (" + std::to_string(id) + ")");
    return id;
}

std::vector<std::string> TokenizerFiles::allSpecialTokens() const
{
    std::vector<std::string> out;
    auto add = [&](const std::string& s) {
        if (!s.empty() && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    };
    for (const std::string* s : {&bos, &eos, &unk, &sep, &pad, &cls, &mask})
        add(*s);
    for (const std::string& s : additional)
        add(s);
    return out;
}

TokenizerFiles readTokenizerFiles(const fs::path& dir)
{
    TokenizerFiles f;
    f.dir = dir;

    const fs::path tokenizerJson = dir / "tokenizer.json";
    if (fs::exists(tokenizerJson)) {
        json tj = readJsonFile(tokenizerJson);
        if (!tj.is_object()) throw Error(tokenizerJson.string(), "is not a JSON object");
        if (tj.contains("added_tokens") && !tj["added_tokens"].is_null()) {
            if (!tj["added_tokens"].is_array())
                throw Error(tokenizerJson.string(), "'added_tokens' is not a list");
            for (const json& o : tj["added_tokens"]) {
                if (!o.is_object() || !o.contains("id"))
                    throw Error(tokenizerJson.string(), "an added token has no 'id'");
                const std::string content = o.value("content", std::string());
                addToken(f, addedFromObject(o, checkedId(o["id"], tokenizerJson, content), tokenizerJson));
            }
        }
        f.tokenizerJson = std::move(tj);
    }

    const fs::path addedJson = dir / "added_tokens.json";
    if (fs::exists(addedJson)) {
        const json a = readJsonFile(addedJson);
        if (!a.is_object()) throw Error(addedJson.string(), "is not a JSON object of token: id");
        // Added in id order, as the library does.
        std::vector<std::pair<int64_t, std::string>> byId;
        for (auto it = a.begin(); it != a.end(); ++it)
            byId.emplace_back(checkedId(it.value(), addedJson, it.key()), it.key());
        std::sort(byId.begin(), byId.end());
        for (const auto& [id, content] : byId) {
            if (content.empty()) throw Error(addedJson.string(), "an added token is empty");
            bool known = false;
            for (const AddedToken& t : f.addedTokens)
                known = known || t.id == id;
            if (!known) addToken(f, AddedToken{content, id, false, false, false, false, true});
        }
    }

    const fs::path configJson = dir / "tokenizer_config.json";
    if (fs::exists(configJson)) {
        const json c = readJsonFile(configJson);
        if (!c.is_object()) throw Error(configJson.string(), "is not a JSON object");
        if (c.contains("tokenizer_class") && c["tokenizer_class"].is_string())
            f.tokenizerClass = c["tokenizer_class"].get<std::string>();
        if (c.contains("added_tokens_decoder") && !c["added_tokens_decoder"].is_null()) {
            const json& d = c["added_tokens_decoder"];
            if (!d.is_object()) throw Error(configJson.string(), "'added_tokens_decoder' is not an object");
            for (auto it = d.begin(); it != d.end(); ++it) {
                int64_t id = -1;
                try {
                    size_t used = 0;
                    id = std::stoll(it.key(), &used);
                    if (used != it.key().size()) id = -1;
                } catch (const std::exception&) {
                }
                if (id < 0 || id >= kMaxTokenId)
                    throw Error(configJson.string(),
                                "'added_tokens_decoder' has a bad id '" + it.key() + "'");
                addToken(f, addedFromObject(it.value(), id, configJson));
            }
        }
        readSpecials(f, c, configJson);
        auto optBool = [&](const char* key) -> std::optional<bool> {
            if (c.contains(key) && c[key].is_boolean()) return c[key].get<bool>();
            return std::nullopt;
        };
        f.doLowerCase = optBool("do_lower_case");
        f.stripAccents = optBool("strip_accents");
        f.tokenizeChineseChars = flag(c, "tokenize_chinese_chars", true);
        f.doBasicTokenize = flag(c, "do_basic_tokenize", true);
        f.addBosToken = flag(c, "add_bos_token", false);
        f.addPrefixSpace = flag(c, "add_prefix_space", false);
        f.cleanUp = flag(c, "clean_up_tokenization_spaces", true);
        if (c.contains("model_max_length") && c["model_max_length"].is_number()) {
            const double m = c["model_max_length"].get<double>();
            // The library writes 1e30 for "no limit".
            if (m > 0 && m < 1e15) f.modelMaxLength = int64_t(m);
        }
        f.paddingLeft = c.value("padding_side", std::string("right")) == "left";
        f.truncationLeft = c.value("truncation_side", std::string("right")) == "left";
        if (c.contains("never_split") && c["never_split"].is_array())
            for (const json& s : c["never_split"])
                if (s.is_string()) f.neverSplit.push_back(s.get<std::string>());
    }

    // special_tokens_map.json overrides tokenizer_config.json, as in from_pretrained.
    const fs::path mapJson = dir / "special_tokens_map.json";
    if (fs::exists(mapJson)) {
        const json m = readJsonFile(mapJson);
        if (!m.is_object()) throw Error(mapJson.string(), "is not a JSON object");
        readSpecials(f, m, mapJson);
    }
    return f;
}

} // namespace loupe::compute::text
