// SPDX-License-Identifier: MIT
// Decoding and captioning speed on the CPU engine, random weights of the real shapes, f32, one JSON object:
// GPT-2 small decoding at batch 1 and 8; ViT-GPT2 and BLIP base captions, time to first token (image
// encoding included) and tokens/s, without and with step traces; tokenizer MB/s (the golden tokenizers).
// `loupe bench caption` runs the same code (compute/bench/caption_benchmark.h).
//   loupe_bench_caption [--threads N] [--new-tokens N] [--runs N] [--quick]
#include "compute/bench/caption_benchmark.h"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>

int main(int argc, char** argv)
{
    loupe::compute::bench::CaptionBenchOptions o;
    o.tokenizers =
        std::filesystem::path(__FILE__).parent_path() / ".." / "tests" / "data" / "golden" / "tokenizers";
    for (int i = 1; i < argc; ++i) {
        const bool value = i + 1 < argc;
        if (!std::strcmp(argv[i], "--quick"))
            o.quick = true;
        else if (!std::strcmp(argv[i], "--threads") && value)
            o.threads = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--new-tokens") && value)
            o.newTokens = std::atoll(argv[++i]);
        else if (!std::strcmp(argv[i], "--runs") && value)
            o.runs = std::atoi(argv[++i]);
        else {
            std::cerr << "usage: loupe_bench_caption [--threads N] [--new-tokens N] [--runs N] [--quick]\n";
            return 2;
        }
    }
    try {
        std::cout << loupe::compute::bench::captionBenchmark(o).dump(2) << std::endl;
    } catch (const std::exception& e) {
        std::cerr << "loupe_bench_caption: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
