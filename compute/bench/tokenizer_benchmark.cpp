// SPDX-License-Identifier: MIT
#include "compute/bench/tokenizer_benchmark.h"

#include "compute/bench/bench_stats.h"
#include "compute/error.h"
#include "compute/text/tokenizer.h"

#include <algorithm>
#include <string>
#include <vector>

namespace loupe::compute::bench {

namespace {

std::string proseText(size_t bytes)
{
    static const char* sentences[] = {
        "The quick brown fox jumps over the lazy dog. ",
        "A photographer walked in the garden near the red bus, and two horses stood by the white door. ",
        "What is in the picture? A cat sits on a blue car parked in the street. ",
        "Café, naïve, résumé: accents and 日本語のテキスト with numbers 12345 and 3.14159! ",
        "It's, I'm, you're, we've, they'll, he'd, don't; CAN'T stop. ",
    };
    std::string out;
    for (size_t i = 0; out.size() < bytes; ++i)
        out += sentences[i % 5];
    return out;
}

std::string uniqueText(size_t bytes)
{
    std::string out;
    uint64_t state = 0x9E3779B97F4A7C15ull;
    while (out.size() < bytes) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        const int length = 3 + int((state >> 33) % 9);
        for (int i = 0; i < length; ++i) {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            out.push_back(char('a' + (state >> 37) % 26));
        }
        out.push_back(' ');
    }
    return out;
}

// Splits at ~100 bytes, on whole UTF-8 characters.
std::vector<std::string_view> lines(const std::string& text)
{
    std::vector<std::string_view> out;
    for (size_t pos = 0; pos < text.size();) {
        size_t end = std::min(text.size(), pos + 100);
        while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
            ++end;
        out.push_back(std::string_view(text).substr(pos, end - pos));
        pos = end;
    }
    return out;
}

} // namespace

nlohmann::json tokenizerBenchmark(const std::filesystem::path& parent, double megabytes)
{
    if (!(megabytes > 0)) throw Error("tokenizer benchmark", "the text size must be positive");
    const size_t bytes = size_t(megabytes * 1024 * 1024);
    const std::pair<const char*, std::string> texts[] = {{"prose", proseText(bytes)},
                                                         {"unique", uniqueText(bytes)}};
    nlohmann::json results = nlohmann::json::array();
    for (const char* kind : {"gpt2", "clip", "bert"}) {
        const auto tokenizer = text::loadTokenizer(parent / kind);
        for (const auto& [name, text] : texts) {
            const std::vector<std::string_view> parts = lines(text);
            std::vector<std::vector<int64_t>> ids;
            ids.reserve(parts.size());
            size_t tokens = 0;
            auto t0 = Clock::now();
            for (std::string_view part : parts) {
                ids.push_back(tokenizer->encode(part).ids);
                tokens += ids.back().size();
            }
            const double encodeS = msSince(t0) / 1000;
            t0 = Clock::now();
            size_t decoded = 0;
            for (const auto& row : ids)
                decoded += tokenizer->decode(row, true).size();
            const double decodeS = msSince(t0) / 1000, mb = double(text.size()) / (1024.0 * 1024.0);
            results.push_back({{"tokenizer", kind},
                               {"text", name},
                               {"megabytes", mb},
                               {"vocab_size", tokenizer->vocabSize()},
                               {"encode_seconds", encodeS},
                               {"encode_mb_per_s", mb / encodeS},
                               {"encode_tokens_per_s", double(tokens) / encodeS},
                               {"decode_mb_per_s", double(decoded) / (1024.0 * 1024.0) / decodeS}});
        }
    }
    return {{"benchmark", "tokenizer"},
            {"folder", parent.string()},
            {"threads", 1},
            {"results", results},
            {"load_average_1min", loadAverage1()}};
}

} // namespace loupe::compute::bench
