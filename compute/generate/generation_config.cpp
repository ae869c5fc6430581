// SPDX-License-Identifier: MIT
#include "compute/generate/generation_config.h"

#include "compute/error.h"
#include "compute/io/checkpoint.h"

#include <algorithm>

namespace loupe::compute::generate {

namespace {

using json = nlohmann::json;

const json* field(const json& j, const char* name)
{
    const auto it = j.find(name);
    return it == j.end() || it->is_null() ? nullptr : &*it;
}

[[noreturn]] void bad(const std::string& source, const char* name, const std::string& why)
{
    throw Error(source, std::string("field \"") + name + "\" " + why);
}

void readInt(const json& j, const char* name, int64_t& out, const std::string& source)
{
    if (const json* v = field(j, name)) {
        if (!v->is_number_integer()) bad(source, name, "must be an integer, got " + v->dump());
        out = v->get<int64_t>();
    }
}

void readNumber(const json& j, const char* name, double& out, const std::string& source)
{
    if (const json* v = field(j, name)) {
        if (!v->is_number()) bad(source, name, "must be a number, got " + v->dump());
        out = v->get<double>();
    }
}

} // namespace

int64_t GenerationConfig::newTokenBudget(int64_t promptLength) const
{
    if (maxNewTokens >= 0) return maxNewTokens;
    return std::max<int64_t>(0, maxLength - promptLength);
}

bool GenerationConfig::isEos(int64_t token) const
{
    return std::find(eosTokenIds.begin(), eosTokenIds.end(), token) != eosTokenIds.end();
}

void GenerationConfig::validate() const
{
    const std::string s = "generation settings";
    if (numBeams < 1) throw Error(s, "the number of beams must be at least 1");
    if (numReturnSequences < 1) throw Error(s, "the number of returned sequences must be at least 1");
    if (!doSample && numReturnSequences > numBeams)
        throw Error(s, "greedy and beam search return at most as many sequences as there are beams (" +
                           std::to_string(numBeams) + "), " + std::to_string(numReturnSequences) + " asked");
    if (doSample && numBeams > 1) throw Error(s, "beam sampling is not supported; use --sample or --beams");
    if (doSample && !(temperature > 0)) throw Error(s, "the temperature must be positive");
    if (topK < 0) throw Error(s, "top-k must be 0 (off) or positive");
    if (!(topP > 0 && topP <= 1)) throw Error(s, "top-p must be in (0, 1]");
    if (!(repetitionPenalty > 0)) throw Error(s, "the repetition penalty must be positive");
    if (minNewTokens < 0 || minLength < 0) throw Error(s, "minimum lengths cannot be negative");
}

void GenerationConfig::merge(const json& j, const std::string& source)
{
    if (!j.is_object()) throw Error(source, "must be a JSON object");
    readInt(j, "max_new_tokens", maxNewTokens, source);
    readInt(j, "max_length", maxLength, source);
    readInt(j, "min_new_tokens", minNewTokens, source);
    readInt(j, "min_length", minLength, source);
    readInt(j, "num_beams", numBeams, source);
    readInt(j, "num_return_sequences", numReturnSequences, source);
    readInt(j, "top_k", topK, source);
    readInt(j, "pad_token_id", padTokenId, source);
    readInt(j, "bos_token_id", bosTokenId, source);
    readInt(j, "decoder_start_token_id", decoderStartTokenId, source);
    readNumber(j, "temperature", temperature, source);
    readNumber(j, "top_p", topP, source);
    readNumber(j, "repetition_penalty", repetitionPenalty, source);
    readNumber(j, "length_penalty", lengthPenalty, source);
    if (const json* v = field(j, "do_sample")) {
        if (!v->is_boolean()) bad(source, "do_sample", "must be true or false");
        doSample = v->get<bool>();
    }
    if (const json* v = field(j, "early_stopping")) {
        if (v->is_boolean())
            earlyStopping = v->get<bool>() ? EarlyStopping::True : EarlyStopping::False;
        else if (v->is_string() && v->get<std::string>() == "never")
            earlyStopping = EarlyStopping::Never;
        else
            bad(source, "early_stopping", "must be true, false or \"never\"");
    }
    if (const json* v = field(j, "eos_token_id")) {
        eosTokenIds.clear();
        if (v->is_number_integer())
            eosTokenIds.push_back(v->get<int64_t>());
        else if (v->is_array())
            for (const auto& e : *v) {
                if (!e.is_number_integer()) bad(source, "eos_token_id", "must hold integers");
                eosTokenIds.push_back(e.get<int64_t>());
            }
        else
            bad(source, "eos_token_id", "must be an integer or a list of integers");
    }
}

GenerationConfig GenerationConfig::fromModelFolder(const std::filesystem::path& folder)
{
    GenerationConfig c;
    const auto config = folder / "config.json";
    if (std::filesystem::exists(config)) {
        const json j = readJsonFile(config);
        json ids = json::object();
        for (const char* k : {"bos_token_id", "eos_token_id", "pad_token_id", "decoder_start_token_id"})
            if (j.is_object() && j.contains(k)) ids[k] = j[k];
        c.merge(ids, config.string());
    }
    const auto gen = folder / "generation_config.json";
    if (std::filesystem::exists(gen)) c.merge(readJsonFile(gen), gen.string());
    return c;
}

} // namespace loupe::compute::generate
