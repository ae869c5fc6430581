// SPDX-License-Identifier: MIT
#include "compute/generate/logits_processors.h"

#include "compute/backend/cpu/vmath.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace loupe::compute::generate {

namespace {

constexpr float kRemoved = -std::numeric_limits<float>::infinity();

} // namespace

void applyRepetitionPenalty(std::vector<float>& scores, const std::vector<int64_t>& tokens, double penalty)
{
    if (penalty == 1.0) return;
    // torch.gather then scatter: each distinct id is penalised once, from its original score.
    std::vector<int64_t> ids = tokens;
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    const float p = float(penalty);
    for (int64_t id : ids) {
        if (id < 0 || id >= int64_t(scores.size())) continue;
        float& s = scores[size_t(id)];
        s = s < 0 ? s * p : s / p;
    }
}

void suppressTokens(std::vector<float>& scores, const std::vector<int64_t>& ids)
{
    for (int64_t id : ids)
        if (id >= 0 && id < int64_t(scores.size())) scores[size_t(id)] = kRemoved;
}

void applyTemperature(std::vector<float>& scores, double temperature)
{
    if (temperature == 1.0) return;
    const float t = float(temperature);
    for (float& s : scores)
        s = s / t;
}

void applyTopK(std::vector<float>& scores, int64_t k, int64_t minKeep)
{
    if (k <= 0) return;
    k = std::min<int64_t>(std::max(k, minKeep), int64_t(scores.size()));
    std::vector<float> sorted = scores;
    std::nth_element(sorted.begin(), sorted.begin() + (k - 1), sorted.end(), std::greater<float>());
    const float kth = sorted[size_t(k - 1)];
    for (float& s : scores)
        if (s < kth) s = kRemoved;
}

void applyTopP(std::vector<float>& scores, double p, int64_t minKeep)
{
    if (p >= 1.0) return;
    const size_t V = scores.size();
    std::vector<size_t> order(V);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
    std::vector<float> sorted(V);
    for (size_t i = 0; i < V; ++i)
        sorted[i] = scores[order[i]];
    const std::vector<float> probs = softmax(sorted);
    float cumulative = 0;
    const float threshold = float(1.0 - p);
    std::vector<bool> remove(V, false);
    for (size_t i = 0; i < V; ++i) {
        cumulative += probs[i];
        remove[i] = cumulative <= threshold;
    }
    for (size_t i = V - std::min<size_t>(V, size_t(std::max<int64_t>(minKeep, 0))); i < V; ++i)
        remove[i] = false;
    for (size_t i = 0; i < V; ++i)
        if (remove[i]) scores[order[i]] = kRemoved;
}

void logSoftmaxInPlace(std::vector<float>& scores)
{
    const float mx = *std::max_element(scores.begin(), scores.end());
    if (!std::isfinite(mx)) return;
    double sum = 0;
    for (float s : scores)
        sum += std::exp(double(s - mx));
    const float logSum = float(std::log(sum));
    for (float& s : scores) // torch's order: (x - max) - log(sum)
        s = (s - mx) - logSum;
}

std::vector<float> softmax(const std::vector<float>& scores)
{
    // Vectorised: this runs over the whole vocabulary at every decoding step.
    const int64_t n = int64_t(scores.size());
    std::vector<float> out(scores.size());
    const float mx = vmax(scores.data(), n);
    vexpShifted(scores.data(), out.data(), n, 1.f, mx);
    for (size_t i = 0; i < scores.size(); ++i) // removed tokens are exactly impossible, not 1e-38
        if (scores[i] == kRemoved) out[i] = 0.f;
    vscale(out.data(), n, 1.f / vsum(out.data(), n));
    return out;
}

int64_t argmax(const std::vector<float>& scores)
{
    return int64_t(std::max_element(scores.begin(), scores.end()) - scores.begin()); // first of the ties
}

std::vector<std::pair<int64_t, float>> topProbabilities(const std::vector<float>& probs, int64_t k)
{
    k = std::min<int64_t>(k, int64_t(probs.size()));
    std::vector<int64_t> ids(probs.size());
    std::iota(ids.begin(), ids.end(), 0);
    std::partial_sort(ids.begin(), ids.begin() + k, ids.end(), [&](int64_t a, int64_t b) {
        return probs[size_t(a)] > probs[size_t(b)] || (probs[size_t(a)] == probs[size_t(b)] && a < b);
    });
    std::vector<std::pair<int64_t, float>> out;
    for (int64_t i = 0; i < k; ++i)
        out.emplace_back(ids[size_t(i)], probs[size_t(ids[size_t(i)])]);
    return out;
}

} // namespace loupe::compute::generate
