// SPDX-License-Identifier: MIT
// What a caption word's relevancy map costs on the CPU engine: ViT-B/16 (224) + GPT-2 small with
// cross-attention, random weights of the real shapes, f32. Per forced prefix length: the decoder's
// forward+backward over the prefix and the encoder's forward+backward from its gradient (what
// Captioner::relevancy does on a cache miss, and `loupe caption --trace` per token; decoder_part: the
// decoder's share alone; the rest is the encoder pass and the rules). One JSON object:
//   loupe_bench_caption_relevancy [--runs N] [--prefix N]...
#include "compute/bench/random_weights.h"
#include "compute/models/vision_encoder_decoder.h"
#include "compute/models/vision_encoder_decoder_relevancy.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <nlohmann/json.hpp>

using namespace loupe::compute;
using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

} // namespace

int main(int argc, char** argv)
{
    int runs = 2;
    std::vector<int64_t> prefixes;
    for (int i = 1; i < argc; ++i) {
        const bool value = i + 1 < argc;
        if (!std::strcmp(argv[i], "--runs") && value)
            runs = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--prefix") && value)
            prefixes.push_back(std::max<int64_t>(1, std::atoll(argv[++i])));
        else {
            std::cerr << "usage: loupe_bench_caption_relevancy [--runs N] [--prefix N]...\n";
            return 2;
        }
    }
    if (prefixes.empty()) prefixes = {1, 8, 16};
    try {
        ViTConfig vc;
        Gpt2Config dc;
        dc.addCrossAttention = true;
        dc.nEmbd = vc.hiddenSize;
        auto t0 = Clock::now();
        const auto model = VisionEncoderDecoderModel::fromModels(bench::randomVit(vc), bench::randomGpt2(dc),
                                                                 dc.bosTokenId, "random");
        nlohmann::json j{{"model", "ViT-B/16 224 + GPT-2 small (cross-attention), random weights"},
                         {"build_ms", msSince(t0)}};
        const Tensor px = bench::RandomWeights{}.make({1, 3, vc.imageSize, vc.imageSize}, 2.0f);
        t0 = Clock::now();
        const Tensor states = model.encode(px);
        j["encode_ms"] = msSince(t0);
        for (const int64_t n : prefixes) {
            std::vector<int64_t> prefix{model.decoderStartTokenId()};
            for (int64_t i = 1; i < n; ++i)
                prefix.push_back((i * 7919) % dc.vocabSize);
            std::vector<double> times, decoder;
            float check = 0;
            for (int r = 0; r < runs; ++r) {
                t0 = Clock::now();
                const auto rel = captionTokenRelevancy(model, px, states, prefix, 13);
                times.push_back(msSince(t0));
                check += rel.patches.front();
                t0 = Clock::now();
                check += model.decoder().tokenGradients(prefix, states, 13).logit;
                decoder.push_back(msSince(t0));
            }
            std::sort(times.begin(), times.end());
            std::sort(decoder.begin(), decoder.end());
            j["per_token"].push_back({{"prefix_tokens", n},
                                      {"runs", runs},
                                      {"min_ms", times.front()},
                                      {"median_ms", times[times.size() / 2]},
                                      {"decoder_part_min_ms", decoder.front()},
                                      {"finite", std::isfinite(check)}});
        }
        std::cout << j.dump(2) << "\n";
    } catch (const std::exception& e) {
        std::cerr << "loupe_bench_caption_relevancy: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
