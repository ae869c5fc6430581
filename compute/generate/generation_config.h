// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace loupe::compute::generate {

// transformers' GenerationConfig: the library's defaults, overridden by a checkpoint's
// generation_config.json (or, without one, the generation fields of config.json), then by the caller.
struct GenerationConfig
{
    enum class EarlyStopping { False, True, Never };

    int64_t maxNewTokens = -1; // -1: from maxLength
    int64_t maxLength = 20;    // prompt included
    int64_t minNewTokens = 0;
    int64_t minLength = 0; // prompt included
    bool doSample = false;
    int64_t numBeams = 1;
    int64_t numReturnSequences = 1;
    double temperature = 1.0;
    int64_t topK = 50; // sampling only; 0 disables
    double topP = 1.0; // sampling only; 1 disables
    double repetitionPenalty = 1.0;
    double lengthPenalty = 1.0;
    EarlyStopping earlyStopping = EarlyStopping::False;
    std::vector<int64_t> eosTokenIds;
    int64_t padTokenId = -1; // -1: the first EOS, as transformers does for open-ended generation
    int64_t bosTokenId = -1;
    int64_t decoderStartTokenId = -1;
    uint64_t seed = 0;

    // New tokens allowed after a prompt of `promptLength` tokens.
    int64_t newTokenBudget(int64_t promptLength) const;
    int64_t padToken() const
    {
        return padTokenId >= 0 ? padTokenId : (eosTokenIds.empty() ? 0 : eosTokenIds.front());
    }
    bool isEos(int64_t token) const;
    // Throws Error for settings that make no sense (numBeams < 1, top_p outside (0, 1], ...).
    void validate() const;

    // Fields present in `j` override this config's; throws Error naming `source` for bad values.
    void merge(const nlohmann::json& j, const std::string& source);
    // The library's defaults, then config.json's generation fields (bos/eos/pad/decoder_start), then
    // generation_config.json when the folder has one.
    static GenerationConfig fromModelFolder(const std::filesystem::path& folder);
};

} // namespace loupe::compute::generate
