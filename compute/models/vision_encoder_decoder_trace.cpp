// SPDX-License-Identifier: MIT
#include "compute/models/vision_encoder_decoder_trace.h"

#include "compute/error.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace loupe::compute {

std::vector<float> TokenTrace::patchMap(int layer) const
{
    if (crossAttention.empty()) return {};
    const size_t L = crossAttention.size();
    const size_t first = layer < 0 ? 0 : size_t(layer), last = layer < 0 ? L : size_t(layer) + 1;
    if (first >= L) throw Error("trace", "layer " + std::to_string(layer) + " does not exist");
    const size_t N = crossAttention.front().front().size();
    std::vector<float> map(N > 0 ? N - 1 : 0, 0.0f);
    size_t count = 0;
    for (size_t l = first; l < last; ++l)
        for (const auto& head : crossAttention[l]) {
            for (size_t k = 1; k < N; ++k)
                map[k - 1] += head[k];
            ++count;
        }
    for (float& v : map)
        v /= float(count);
    return map;
}

CrossAttentionRecorder::CrossAttentionRecorder(generate::LanguageModel& model, LastCrossAttentions last,
                                               int64_t topK)
    : model_(model), last_(std::move(last)), topK_(topK)
{
}

CrossAttentionRecorder::CrossAttentionRecorder(Gpt2LanguageModel& model, int64_t topK)
    : CrossAttentionRecorder(
          model, [&model]() -> const std::vector<Tensor>& { return model.lastOutput().crossAttentions; },
          topK)
{
    model.stepOptions.crossAttentions = true;
}

void CrossAttentionRecorder::record(const std::vector<std::vector<float>>& logits)
{
    const std::vector<Tensor>& cross = last_(); // per layer [B, H, n, N]: n > 1 at a prompt's first step
    std::vector<Row> rows(logits.size());
    for (size_t r = 0; r < logits.size(); ++r) {
        Row& row = rows[r];
        row.history = histories_[r];
        const std::vector<float>& z = logits[r];
        const float m = *std::max_element(z.begin(), z.end());
        row.probs.resize(z.size());
        double sum = 0;
        for (size_t v = 0; v < z.size(); ++v)
            sum += row.probs[v] = std::exp(z[v] - m);
        for (float& p : row.probs)
            p = float(p / sum);
        for (const Tensor& t : cross) {
            const Tensor c = t.contiguous();
            const int64_t H = c.size(1), Q = c.size(2), N = c.size(3);
            const float* base = c.ptr<float>() + int64_t(r) * H * Q * N;
            std::vector<std::vector<float>> heads;
            for (int64_t h = 0; h < H; ++h) {
                const float* p = base + (h * Q + Q - 1) * N; // the newest position
                heads.emplace_back(p, p + N);
            }
            row.cross.push_back(std::move(heads));
        }
    }
    steps_.push_back(std::move(rows));
}

std::vector<std::vector<float>> CrossAttentionRecorder::start(const std::vector<int64_t>& prompt,
                                                              int64_t rows, int64_t maxLength)
{
    steps_.clear();
    histories_.assign(size_t(rows), {});
    auto logits = model_.start(prompt, rows, maxLength);
    record(logits);
    return logits;
}

std::vector<std::vector<float>> CrossAttentionRecorder::next(const std::vector<int64_t>& parents,
                                                             const std::vector<int64_t>& tokens)
{
    std::vector<std::vector<int64_t>> h;
    for (size_t i = 0; i < parents.size(); ++i) {
        h.push_back(histories_.at(size_t(parents[i])));
        h.back().push_back(tokens[i]);
    }
    histories_ = std::move(h);
    auto logits = model_.next(parents, tokens);
    record(logits);
    return logits;
}

std::vector<TokenTrace> CrossAttentionRecorder::traces(const std::vector<int64_t>& sequence,
                                                       int64_t promptLength) const
{
    std::vector<TokenTrace> out;
    std::vector<int64_t> history;
    for (size_t s = 0; s < steps_.size() && size_t(promptLength) + s < sequence.size(); ++s) {
        const auto it = std::find_if(steps_[s].begin(), steps_[s].end(),
                                     [&](const Row& r) { return r.history == history; });
        if (it == steps_[s].end()) break; // padding after an early finished hypothesis
        const int64_t token = sequence[size_t(promptLength) + s];
        TokenTrace t;
        t.token = token;
        t.step = int64_t(s);
        t.probability = token >= 0 && size_t(token) < it->probs.size() ? it->probs[size_t(token)] : 0.0f;
        std::vector<int64_t> order(it->probs.size());
        std::iota(order.begin(), order.end(), 0);
        const size_t k = std::min(order.size(), size_t(std::max<int64_t>(topK_, 0)));
        std::partial_sort(order.begin(), order.begin() + long(k), order.end(), [&](int64_t a, int64_t b) {
            return it->probs[size_t(a)] > it->probs[size_t(b)] ||
                   (it->probs[size_t(a)] == it->probs[size_t(b)] && a < b);
        });
        for (size_t i = 0; i < k; ++i)
            t.top.emplace_back(order[i], it->probs[size_t(order[i])]);
        t.crossAttention = it->cross;
        out.push_back(std::move(t));
        history.push_back(token);
    }
    return out;
}

} // namespace loupe::compute
