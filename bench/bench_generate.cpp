// SPDX-License-Identifier: MIT
// GPT-2 decoding on Loupe's CPU engine, f32, greedy at batch 1 (or sampled rows with --rows), over
// `--new-tokens` tokens after a short prompt (EOS suppressed so every run decodes the full count): random
// weights of GPT-2 small's shapes, or a checkpoint folder (--model); --save writes the random weights as a
// GPT2LMHeadModel folder first (tools/bench/peer_llamacpp.sh converts that folder for llama.cpp). Prints
// one JSON object; `loupe bench generate` runs the same code (compute/bench/decode_benchmark.h).
//   loupe_bench_generate [--runs N] [--new-tokens N] [--prompt-tokens N] [--rows N] [--threads N]
//                        [--trace-top-k K] [--model DIR] [--save DIR]
#include "compute/bench/decode_benchmark.h"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>

int main(int argc, char** argv)
{
    loupe::compute::bench::DecodeBenchOptions o;
    for (int i = 1; i < argc; i += 2) {
        const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
        const std::string name = argv[i];
        if (!value) {
            std::cerr << "loupe_bench_generate: " << name << " needs a value\n";
            return 2;
        }
        if (name == "--runs")
            o.runs = std::atoi(value);
        else if (name == "--new-tokens")
            o.newTokens = std::atoll(value);
        else if (name == "--prompt-tokens")
            o.promptTokens = std::atoll(value);
        else if (name == "--rows")
            o.rows = std::atoll(value);
        else if (name == "--threads")
            o.threads = std::atoi(value);
        else if (name == "--trace-top-k")
            o.traceTopK = std::atoll(value);
        else if (name == "--model")
            o.model = value;
        else if (name == "--save")
            o.save = value;
        else {
            std::cerr << "usage: loupe_bench_generate [--runs N] [--new-tokens N] [--prompt-tokens N] "
                         "[--rows N] [--threads N] [--trace-top-k K] [--model DIR] [--save DIR]\n";
            return 2;
        }
    }
    try {
        std::cout << loupe::compute::bench::decodeBenchmark(o).dump(2) << std::endl;
    } catch (const std::exception& e) {
        std::cerr << "loupe_bench_generate: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
