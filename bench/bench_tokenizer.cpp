// SPDX-License-Identifier: MIT
// Tokenizer throughput of the GPT-2, CLIP and BERT tokenizers (compute/bench/tokenizer_benchmark.h; `loupe
// bench tokenizer` runs the same code). Prints JSON.
//   loupe_bench_tokenizer [TOKENIZER_PARENT_DIR] [MB]
// The default folder is the golden tokenizers.
#include "compute/bench/tokenizer_benchmark.h"

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <iostream>

int main(int argc, char** argv)
{
    const std::filesystem::path dir = argc > 1 ? std::filesystem::path(argv[1])
                                               : std::filesystem::path(__FILE__).parent_path() / ".." /
                                                     "tests" / "data" / "golden" / "tokenizers";
    const double mb = argc > 2 ? std::max(0.1, std::atof(argv[2])) : 2.0;
    try {
        std::cout << loupe::compute::bench::tokenizerBenchmark(dir, mb).dump(2) << "\n";
    } catch (const std::exception& e) {
        std::cerr << "loupe_bench_tokenizer: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
