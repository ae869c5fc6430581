// SPDX-License-Identifier: MIT
// ViT-B/16 at 224 with random weights of the real shapes, on Loupe's CPU engine; prints one JSON object
// (see compute/models/vit_benchmark.h for the fields).
//   loupe_bench_vit [--runs N] [--batch8-runs N] [--threads N]
#include "compute/models/vit_benchmark.h"

#include <cstdlib>
#include <cstring>
#include <iostream>

int main(int argc, char** argv)
{
    loupe::compute::VitBenchOptions o;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--runs"))
            o.runs = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--batch8-runs"))
            o.batch8Runs = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--threads"))
            o.threads = std::atoi(argv[i + 1]);
    }
    std::cout << loupe::compute::vitBenchmarkJson(o) << std::endl;
    return 0;
}
