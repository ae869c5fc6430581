// SPDX-License-Identifier: MIT
#include "core/explain/forward_cache.h"

#include "compute/error.h"
#include "core/inference/execution.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace loupe::core {

using namespace compute::attribution;

AttentionSet CachedForward::attentionSet() const
{
    AttentionSet set;
    set.layers = layers;
    set.heads = heads;
    set.tokens = tokens;
    for (const std::vector<float>& l : attentions)
        set.layer.push_back(l.data());
    return set;
}

std::vector<float> CachedForward::probabilities() const
{
    std::vector<float> p(logits.size());
    if (logits.empty()) return p;
    const float mx = *std::max_element(logits.begin(), logits.end());
    double sum = 0;
    for (size_t i = 0; i < logits.size(); ++i)
        sum += std::exp(double(logits[i] - mx));
    for (size_t i = 0; i < logits.size(); ++i)
        p[i] = float(std::exp(double(logits[i] - mx)) / sum);
    return p;
}

std::vector<int> CachedForward::ranking() const
{
    std::vector<int> order(logits.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [this](int a, int b) { return logits[size_t(a)] > logits[size_t(b)]; });
    return order;
}

size_t CachedForward::bytes() const
{
    size_t n = image.data.size() + logits.size();
    for (const std::vector<float>& l : attentions)
        n += l.size();
    return n * sizeof(float);
}

CachedForward forwardWithAttentions(const VitSession& s, const PlanarImage& image)
{
    compute::VitRunOptions o;
    o.attentions = true;
    const compute::Tensor px =
        compute::Tensor::fromF32({1, image.channels, image.height, image.width}, image.data);
    const ExecutionScope execution(s.checkpoint.engineOptions());
    const compute::VitOutput out = s.forward(px, o);
    if (out.attentions.empty())
        throw compute::Error("explain", "the model returned no attention probabilities");
    CachedForward f;
    f.image = image;
    f.grid = patchGrid(s, image.height, image.width);
    f.logits = out.logits.toF32Vector();
    f.execution = execution.finish();
    f.layers = int(out.attentions.size());
    f.heads = int(out.attentions.front().shape()[1]);
    f.tokens = int(out.attentions.front().shape()[2]);
    for (const compute::Tensor& a : out.attentions)
        f.attentions.push_back(a.contiguous().toF32Vector());
    return f;
}

bool isAttentionMethod(const QString& m)
{
    return m == QLatin1String("attention") || m == QLatin1String("rollout");
}

namespace {

// Column `token` of one layer's attention (what attends to the token), mean over heads when head < 0.
std::vector<float> attentionColumn(const AttentionSet& set, int layer, int head, int token)
{
    const int n = set.tokens;
    std::vector<float> col(size_t(n), 0.0f);
    const int h0 = head < 0 ? 0 : head, h1 = head < 0 ? set.heads : head + 1;
    for (int h = h0; h < h1; ++h) {
        const float* a = set.layer[size_t(layer)] + size_t(h) * n * n;
        for (int q = 0; q < n; ++q)
            col[size_t(q)] += a[size_t(q) * n + token];
    }
    for (float& v : col)
        v /= float(h1 - h0);
    return col;
}

} // namespace

std::vector<float> attentionMap(const CachedForward& f, const ExplainParams& p)
{
    const AttentionSet set = f.attentionSet();
    // head -1 is the mean over heads; every other index must name something that exists.
    const auto range = [&](const char* what, int v, int limit, int lowest = 0) {
        if (v < lowest || v >= limit)
            throw compute::Error(
                "explain", std::string(what) + " " + std::to_string(v) + " is out of range (the model has " +
                               std::to_string(f.layers) + " layers of " + std::to_string(f.heads) +
                               " heads, " + std::to_string(f.tokens) + " tokens)");
    };
    range("token", p.token, f.tokens);
    if (p.method == QLatin1String("rollout")) {
        range("start layer", p.startLayer, f.layers);
        RolloutOptions o;
        o.fusion = p.fusion;
        o.discardRatio = std::clamp(p.discardRatio, 0.0f, 0.99f);
        o.startLayer = std::max(0, p.startLayer);
        return patchMap(p.column ? rolloutColumn(set, p.token, o) : rolloutRow(set, p.token, o), f.grid);
    }
    if (p.method == QLatin1String("attention")) {
        const int layer = p.layer < 0 ? f.layers - 1 : p.layer;
        range("layer", layer, f.layers);
        range("head", p.head, f.heads, -1);
        return patchMap(p.column ? attentionColumn(set, layer, p.head, p.token)
                                 : rawAttention(set, layer, p.head, p.token),
                        f.grid);
    }
    throw compute::Error("explain",
                         "method '" + p.method.toStdString() + "' is not computed from attentions");
}

} // namespace loupe::core
