// SPDX-License-Identifier: MIT
// The GPU benchmark set without Qt: the cases of `loupe bench vit-forward|gpt2-decode|vit-attribution|
// sam-encoder` (compute/bench/gpu_cases.h) with the same options and the same JSON, for a machine that
// has the engine's libraries but not the desktop's (a bare GPU machine; tools/bench/gpu_session.sh).
//   loupe_bench_gpu CASE [--backend auto|cpu|vulkan|cuda] [--dtype f32|bf16|f16|int8] [--warmup N]
//       [--runs N] [--threads N] [--batch N] [--new-tokens N] [--prompt-tokens N] [--image-size N]
//       [--layers N] [--print-logits]
#include "compute/bench/gpu_cases.h"
#include "compute/error.h"

#include <cstdlib>
#include <exception>
#include <iostream>
#include <map>
#include <string>

using namespace loupe::compute;

namespace {

int usage(const std::string& problem)
{
    std::cerr << "loupe_bench_gpu: " << problem << "\nusage: loupe_bench_gpu CASE [--backend B] [--dtype D] "
              << "[--warmup N] [--runs N] [--threads N] [--batch N] [--new-tokens N] [--prompt-tokens N] "
              << "[--image-size N] [--layers N] [--print-logits]\ncases:";
    for (const bench::GpuCaseInfo& c : bench::gpuCases())
        std::cerr << "\n  " << c.name << "  " << c.description;
    std::cerr << "\n";
    return 2;
}

long long integer(const std::string& name, const std::string& text)
{
    char* end = nullptr;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0')
        throw bench::GpuCaseOptionError("--" + name + " must be an integer, got \"" + text + "\"");
    return v;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2 || std::string(argv[1]) == "--help") return usage("which case?");
    const std::string name = argv[1];
    bench::GpuCaseOptions o;
    try {
        const std::map<std::string, int64_t*> wide = {{"batch", &o.batch},
                                                      {"new-tokens", &o.newTokens},
                                                      {"prompt-tokens", &o.promptTokens},
                                                      {"image-size", &o.imageSize},
                                                      {"layers", &o.layers}};
        const std::map<std::string, int*> narrow = {
            {"warmup", &o.warmup}, {"runs", &o.runs}, {"threads", &o.threads}};
        for (int i = 2; i < argc; ++i) {
            const std::string arg = argv[i];
            if (arg == "--print-logits") {
                o.printLogits = true;
                continue;
            }
            if (arg.rfind("--", 0) != 0 || i + 1 >= argc) return usage("unexpected argument \"" + arg + "\"");
            const std::string key = arg.substr(2), value = argv[++i];
            if (key == "backend") {
                const auto b = parseBackendChoice(value);
                if (!b) return usage("--backend must be auto, cpu, vulkan or cuda, got \"" + value + "\"");
                o.engine.backend = *b;
            } else if (key == "dtype") {
                const auto d = parsePrecision(value);
                if (!d || *d == Precision::Default)
                    return usage("--dtype must be f32, bf16, f16 or int8, got \"" + value + "\"");
                o.engine.precision = *d;
            } else if (const auto w = wide.find(key); w != wide.end()) {
                *w->second = integer(key, value);
            } else if (const auto n = narrow.find(key); n != narrow.end()) {
                const long long v = integer(key, value);
                if (v < 0 || v > (1LL << 30)) return usage("--" + key + " must be 0 or more, got " + value);
                *n->second = int(v);
            } else {
                return usage("unknown option \"" + arg + "\"");
            }
        }
        std::cout << bench::runGpuCase(name, o).dump(2) << "\n";
        return 0;
    } catch (const bench::GpuCaseOptionError& e) {
        return usage(e.what());
    } catch (const std::exception& e) {
        std::cerr << "loupe_bench_gpu " << name << ": " << e.what() << "\n";
        return 1;
    }
}
