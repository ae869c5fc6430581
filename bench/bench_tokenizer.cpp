// SPDX-License-Identifier: MIT
// Tokenizer throughput: encode() MB/s and tokens/s of the GPT-2, CLIP and BERT tokenizers on two texts of
// about 2 MB each: "prose" (sentences with repeated words, so the per-word BPE cache is warm, as for real
// text) and "unique" (pseudo-random words, every word new, so every word runs BPE). Prints JSON.
//   loupe_bench_tokenizer [TOKENIZER_PARENT_DIR] [MB]
// The default folder is the golden tokenizers (vocabularies of 422-814 tokens); a published checkpoint's
// larger vocabulary merges more per word.
#include "compute/text/tokenizer.h"

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

using namespace loupe::compute::text;

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

} // namespace

int main(int argc, char** argv)
{
    const std::filesystem::path dir = argc > 1 ? std::filesystem::path(argv[1])
                                               : std::filesystem::path(__FILE__).parent_path() / ".." /
                                                     "tests" / "data" / "golden" / "tokenizers";
    const double mb = argc > 2 ? std::max(0.1, std::atof(argv[2])) : 2.0;
    const size_t bytes = size_t(mb * 1024 * 1024);
    const std::pair<const char*, std::string> texts[] = {{"prose", proseText(bytes)},
                                                         {"unique", uniqueText(bytes)}};
    nlohmann::json results = nlohmann::json::array();
    for (const char* kind : {"gpt2", "clip", "bert"}) {
        const auto tokenizer = loadTokenizer(dir / kind);
        for (const auto& [name, text] : texts) {
            // Lines of ~100 bytes, as captions and prompts come: the per-call work (added-token split,
            // special tokens) counts too.
            size_t tokens = 0;
            const auto start = std::chrono::steady_clock::now();
            for (size_t pos = 0; pos < text.size();) {
                size_t end = std::min(text.size(), pos + 100);
                while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
                    ++end; // whole characters
                tokens += tokenizer->encode(std::string_view(text).substr(pos, end - pos)).ids.size();
                pos = end;
            }
            const double seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            const double megabytes = double(text.size()) / (1024.0 * 1024.0);
            results.push_back({{"tokenizer", kind},
                               {"text", name},
                               {"megabytes", megabytes},
                               {"seconds", seconds},
                               {"mb_per_s", megabytes / seconds},
                               {"tokens_per_s", double(tokens) / seconds},
                               {"vocab_size", tokenizer->vocabSize()}});
        }
    }
    std::cout << nlohmann::json{{"bench", "tokenizer"}, {"threads", 1}, {"results", results}}.dump(2) << "\n";
    return 0;
}
