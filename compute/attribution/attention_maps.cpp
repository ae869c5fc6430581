// SPDX-License-Identifier: MIT
#include "compute/attribution/attention_maps.h"

#include "compute/error.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace loupe::compute::attribution {

namespace {

void checkSet(const AttentionSet& a, const char* what)
{
    if (a.layers <= 0 || a.heads <= 0 || a.tokens <= 0 || int(a.layer.size()) != a.layers)
        throw Error(std::string(what) + ": empty or inconsistent attention set");
    for (const float* p : a.layer)
        if (!p)
            throw Error(std::string(what) + ": missing layer data");
}

// Ã_l for rollout: fused heads, optional discard, residual mix, rows renormalised.
std::vector<float> rolloutMatrix(const AttentionSet& attn, int l, const RolloutOptions& o)
{
    const int n = attn.tokens;
    std::vector<float> m = fuseHeads(attn.layer[size_t(l)], attn.heads, n, o.fusion);
    if (o.discardRatio > 0.0f) {
        // Candidates exclude column 0: the CLS column carries the global signal rollout reads out.
        std::vector<std::pair<float, int>> entries;
        entries.reserve(size_t(n) * (n - 1));
        for (int r = 0; r < n; ++r)
            for (int c = 1; c < n; ++c)
                entries.emplace_back(m[size_t(r) * n + c], r * n + c);
        const size_t drop = std::min(entries.size(), size_t(o.discardRatio * float(n) * float(n)));
        if (drop > 0) {
            std::nth_element(entries.begin(), entries.begin() + long(drop) - 1, entries.end());
            for (size_t i = 0; i < drop; ++i)
                m[size_t(entries[i].second)] = 0.0f;
        }
    }
    const float w = o.residualWeight;
    for (int r = 0; r < n; ++r) {
        float* row = &m[size_t(r) * n];
        for (int c = 0; c < n; ++c)
            row[c] *= (1.0f - w);
        row[r] += w;
        float sum = 0.0f;
        for (int c = 0; c < n; ++c)
            sum += row[c];
        if (sum > 0.0f)
            for (int c = 0; c < n; ++c)
                row[c] /= sum;
    }
    return m;
}

// v ← vᵀ·M (row vector times matrix).
void rowTimes(std::vector<float>& v, const std::vector<float>& m, int n)
{
    std::vector<float> out(size_t(n), 0.0f);
    for (int k = 0; k < n; ++k) {
        const float vk = v[size_t(k)];
        if (vk == 0.0f)
            continue;
        const float* row = &m[size_t(k) * n];
        for (int c = 0; c < n; ++c)
            out[size_t(c)] += vk * row[c];
    }
    v.swap(out);
}

// v ← M·v.
void matTimes(std::vector<float>& v, const std::vector<float>& m, int n)
{
    std::vector<float> out(size_t(n), 0.0f);
    for (int r = 0; r < n; ++r) {
        const float* row = &m[size_t(r) * n];
        float s = 0.0f;
        for (int c = 0; c < n; ++c)
            s += row[c] * v[size_t(c)];
        out[size_t(r)] = s;
    }
    v.swap(out);
}

void checkIndex(int i, int n, const char* what)
{
    if (i < 0 || i >= n)
        throw Error(std::string(what) + " index " + std::to_string(i) + " out of range [0, " +
                    std::to_string(n) + ")");
}

} // namespace

std::vector<float> fuseHeads(const float* probs, int heads, int tokens, HeadFusion fusion)
{
    const size_t nn = size_t(tokens) * tokens;
    std::vector<float> out(probs, probs + nn);
    for (int h = 1; h < heads; ++h) {
        const float* p = probs + size_t(h) * nn;
        switch (fusion) {
        case HeadFusion::Mean:
            for (size_t i = 0; i < nn; ++i)
                out[i] += p[i];
            break;
        case HeadFusion::Max:
            for (size_t i = 0; i < nn; ++i)
                out[i] = std::max(out[i], p[i]);
            break;
        case HeadFusion::Min:
            for (size_t i = 0; i < nn; ++i)
                out[i] = std::min(out[i], p[i]);
            break;
        }
    }
    if (fusion == HeadFusion::Mean)
        for (float& x : out)
            x /= float(heads);
    return out;
}

std::vector<float> rawAttention(const AttentionSet& attn, int layer, int head, int query)
{
    checkSet(attn, "raw attention");
    checkIndex(layer, attn.layers, "layer");
    checkIndex(query, attn.tokens, "query token");
    if (head >= attn.heads)
        checkIndex(head, attn.heads, "head");
    const int n = attn.tokens;
    const float* base = attn.layer[size_t(layer)];
    std::vector<float> row(size_t(n), 0.0f);
    const int h0 = head < 0 ? 0 : head;
    const int h1 = head < 0 ? attn.heads : head + 1;
    for (int h = h0; h < h1; ++h) {
        const float* r = base + (size_t(h) * n + query) * n;
        for (int c = 0; c < n; ++c)
            row[size_t(c)] += r[c];
    }
    for (float& x : row)
        x /= float(h1 - h0);
    return row;
}

std::vector<float> rolloutRow(const AttentionSet& attn, int query, const RolloutOptions& options)
{
    checkSet(attn, "rollout");
    checkIndex(query, attn.tokens, "query token");
    const int n = attn.tokens;
    std::vector<float> v(size_t(n), 0.0f);
    v[size_t(query)] = 1.0f;
    // R = Ã_{L-1} ⋯ Ã_start, so e_qᵀR multiplies the latest layer first.
    for (int l = attn.layers - 1; l >= std::max(0, options.startLayer); --l)
        rowTimes(v, rolloutMatrix(attn, l, options), n);
    return v;
}

std::vector<float> rolloutColumn(const AttentionSet& attn, int token, const RolloutOptions& options)
{
    checkSet(attn, "rollout");
    checkIndex(token, attn.tokens, "token");
    const int n = attn.tokens;
    std::vector<float> v(size_t(n), 0.0f);
    v[size_t(token)] = 1.0f;
    for (int l = std::max(0, options.startLayer); l < attn.layers; ++l)
        matTimes(v, rolloutMatrix(attn, l, options), n);
    return v;
}

std::vector<float> cheferRow(const AttentionSet& attn, const AttentionSet& grads, int query)
{
    checkSet(attn, "chefer relevancy (attentions)");
    checkSet(grads, "chefer relevancy (gradients)");
    if (grads.layers != attn.layers || grads.heads != attn.heads || grads.tokens != attn.tokens)
        throw Error("chefer relevancy: attention and gradient shapes differ");
    checkIndex(query, attn.tokens, "query token");
    const int n = attn.tokens;
    const size_t nn = size_t(n) * n;
    std::vector<float> v(size_t(n), 0.0f);
    v[size_t(query)] = 1.0f;
    std::vector<float> cam(nn);
    // R_final = (I + cam_{L-1}) ⋯ (I + cam_0); its row is a chain of v ← v + vᵀ·cam_l from the last layer.
    for (int l = attn.layers - 1; l >= 0; --l) {
        std::fill(cam.begin(), cam.end(), 0.0f);
        const float* a = attn.layer[size_t(l)];
        const float* g = grads.layer[size_t(l)];
        for (int h = 0; h < attn.heads; ++h) {
            const float* ah = a + size_t(h) * nn;
            const float* gh = g + size_t(h) * nn;
            for (size_t i = 0; i < nn; ++i)
                cam[i] += std::max(ah[i] * gh[i], 0.0f);
        }
        for (float& x : cam)
            x /= float(attn.heads);
        std::vector<float> t = v;
        rowTimes(t, cam, n);
        for (int c = 0; c < n; ++c)
            v[size_t(c)] += t[size_t(c)];
    }
    return v;
}

std::vector<float> patchMap(const std::vector<float>& tokenRow, const PatchGrid& grid)
{
    const size_t count = size_t(grid.rows) * grid.cols;
    if (grid.firstPatchToken < 0 || size_t(grid.firstPatchToken) + count > tokenRow.size())
        throw Error("patch grid " + std::to_string(grid.rows) + "x" + std::to_string(grid.cols) +
                    " does not fit " + std::to_string(tokenRow.size()) + " tokens");
    return {tokenRow.begin() + grid.firstPatchToken, tokenRow.begin() + grid.firstPatchToken + long(count)};
}

std::vector<float> upsampleBilinear(const std::vector<float>& map, int rows, int cols, int height, int width)
{
    if (rows <= 0 || cols <= 0 || height <= 0 || width <= 0 || map.size() != size_t(rows) * cols)
        throw Error("upsample: bad sizes");
    std::vector<float> out(size_t(height) * width);
    const float sy = float(rows) / float(height);
    const float sx = float(cols) / float(width);
    for (int y = 0; y < height; ++y) {
        const float fy = std::max(0.0f, (float(y) + 0.5f) * sy - 0.5f);
        const int y0 = std::min(int(fy), rows - 1);
        const int y1 = std::min(y0 + 1, rows - 1);
        const float wy = fy - float(y0);
        for (int x = 0; x < width; ++x) {
            const float fx = std::max(0.0f, (float(x) + 0.5f) * sx - 0.5f);
            const int x0 = std::min(int(fx), cols - 1);
            const int x1 = std::min(x0 + 1, cols - 1);
            const float wx = fx - float(x0);
            const float top = map[size_t(y0) * cols + x0] * (1 - wx) + map[size_t(y0) * cols + x1] * wx;
            const float bot = map[size_t(y1) * cols + x0] * (1 - wx) + map[size_t(y1) * cols + x1] * wx;
            out[size_t(y) * width + x] = top * (1 - wy) + bot * wy;
        }
    }
    return out;
}

std::vector<float> normalizeMinMax(const std::vector<float>& map)
{
    if (map.empty())
        return {};
    const auto [lo, hi] = std::minmax_element(map.begin(), map.end());
    const float range = *hi - *lo;
    std::vector<float> out(map.size(), 0.0f);
    if (!(range > 0.0f))
        return out;
    for (size_t i = 0; i < map.size(); ++i)
        out[i] = (map[i] - *lo) / range;
    return out;
}

} // namespace loupe::compute::attribution
