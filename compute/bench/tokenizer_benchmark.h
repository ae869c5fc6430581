// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

namespace loupe::compute::bench {

// Tokenizer throughput of the gpt2/, clip/ and bert/ tokenizer folders under `parent` (the golden ones
// in tests/data/golden/tokenizers have vocabularies of 422-814 tokens; a published checkpoint's larger
// vocabulary merges more per word), on two texts of `megabytes` each: "prose" (repeated words, so the
// per-word BPE cache is warm, as for real text) and "unique" (pseudo-random words, every word runs BPE).
// Lines of ~100 bytes, as captions and prompts come: encode MB/s and tokens/s, decode MB/s. One thread.
// Throws Error naming a folder that holds no tokenizer.
nlohmann::json tokenizerBenchmark(const std::filesystem::path& parent, double megabytes);

} // namespace loupe::compute::bench
