// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

// What a checkpoint's tokenizer_config.json, special_tokens_map.json, added_tokens.json and tokenizer.json
// say about special and added tokens, merged as the library's from_pretrained merges them.
namespace loupe::compute::text {

// The largest id a vocabulary file may hold: far above any published vocabulary (~256k), low enough that
// an id table of that size is a sane allocation.
inline constexpr int64_t kMaxTokenId = int64_t(1) << 24;

struct AddedToken
{
    std::string content;
    int64_t id = -1;
    bool special = false;
    bool lstrip = false, rstrip = false, singleWord = false, normalized = true;
};

struct TokenizerFiles
{
    std::filesystem::path dir;
    std::string tokenizerClass; // tokenizer_config.json's, "" when absent
    std::vector<AddedToken>
        addedTokens; // ids known (added_tokens_decoder, added_tokens.json, tokenizer.json)
    // Named special tokens ("" when absent) and additional_special_tokens, as strings.
    std::string bos, eos, unk, sep, pad, cls, mask;
    std::vector<std::string> additional;
    std::optional<bool> doLowerCase, stripAccents;
    bool tokenizeChineseChars = true;
    bool doBasicTokenize = true;
    bool addBosToken = false, addPrefixSpace = false;
    int64_t modelMaxLength = -1;
    bool cleanUp = true;
    bool paddingLeft = false, truncationLeft = false;
    std::vector<std::string> neverSplit;
    std::optional<nlohmann::json> tokenizerJson; // tokenizer.json when present

    // all_special_tokens in the library's order (bos, eos, unk, sep, pad, cls, mask, additional), unique.
    std::vector<std::string> allSpecialTokens() const;
};

// Reads the optional JSON files of dir. Throws Error naming the file for unreadable or malformed JSON.
TokenizerFiles readTokenizerFiles(const std::filesystem::path& dir);

nlohmann::json readJsonFile(const std::filesystem::path& path);
std::string readTextFile(const std::filesystem::path& path);
// A vocabulary id read from a file: an integer in [0, kMaxTokenId), else Error naming the file and token.
int64_t checkedId(const nlohmann::json& value, const std::filesystem::path& file, const std::string& token);

} // namespace loupe::compute::text
