// SPDX-License-Identifier: MIT
#pragma once

#include "compute/engine_options.h"

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>

namespace loupe::compute::bench {

struct CaptionBenchOptions
{
    int threads = 2;        // 0: keep the current setting
    int64_t newTokens = -1; // -1: 128, or 16 with quick
    int runs = 3;           // timed runs per case, after a 4-token warm-up run
    bool quick = false;     // 2 layers, 64 wide: a smoke test of the benchmark itself
    std::filesystem::path
        tokenizers;       // parent of gpt2/, clip/, bert/ tokenizer folders; empty: no tokenizer part
    EngineOptions engine; // backend and precision the BLIP checkpoint is opened with
};

// Decoding and captioning speed on the CPU engine, random weights of the real shapes, f32, as one JSON
// object: GPT-2 small decoding at batch 1 and 8; ViT-B/16 224 + GPT-2 small (ViT-GPT2) and BLIP base
// captions, time to first token (image encoding included) and tokens/s, without and with step traces
// (cross-attention recording); tokenizer MB/s. EOS is suppressed so every run decodes the full count.
// Used by bench/bench_caption.cpp and `loupe bench caption`. Throws Error for bad options.
nlohmann::json captionBenchmark(const CaptionBenchOptions& options);

} // namespace loupe::compute::bench
