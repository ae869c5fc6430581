// SPDX-License-Identifier: MIT
#include "compute/models/transformer/attention.h"

#include "compute/error.h"

#include <cmath>
#include <limits>

namespace loupe::compute::transformer {

namespace {

int64_t lastDim(const Graph& g, NodeId x)
{
    return g.node(x).shape.back();
}

// Heads [B, H, n, hd] back to [B, n, H * hd].
NodeId mergeHeads(Graph& g, NodeId ctx)
{
    const Shape& s = g.node(ctx).shape;
    return g.reshape(g.permute(ctx, {0, 2, 1, 3}), {s[0], s[2], s[1] * s[3]});
}

} // namespace

Tensor causalMask(int64_t n, int64_t past)
{
    const int64_t keys = past + n;
    std::vector<float> m(size_t(n * keys), 0.f);
    const float lowest = std::numeric_limits<float>::lowest();
    for (int64_t i = 0; i < n; ++i)
        for (int64_t j = past + i + 1; j < keys; ++j)
            m[size_t(i * keys + j)] = lowest;
    return Tensor::fromF32({1, 1, n, keys}, m);
}

NodeId selfAttention(Graph& g, NodeId x, NodeId residual, const AttentionWeights& w, const AttentionSpec& s,
                     const std::string& p)
{
    const Shape& xs = g.node(x).shape;
    if (xs.size() != 3) throw Error("attention", p + ": input must be [batch, tokens, width]");
    const int64_t B = xs[0], n = xs[1], D = xs[2], H = s.heads;
    if (H <= 0 || D % H != 0) throw Error("attention", p + ": width not divisible into heads");
    const int64_t hd = D / H, D3 = 3 * D, P = s.past.length;
    NodeId qkv = g.name(g.linear(x, linearNode(g, p + "qkv.w", w.qkv), weightNode(g, p + "qkv.b", w.qkvBias)),
                        p + "qkv");
    NodeId q = g.asStrided(qkv, {B, H, n, hd}, {n * D3, hd, D3, 1}, 0);
    NodeId kt, v;
    if (s.exportKeyValues) {
        NodeId k = g.name(g.cont(g.asStrided(qkv, {B, H, n, hd}, {n * D3, hd, D3, 1}, D)), p + "k_new");
        v = g.name(g.cont(g.asStrided(qkv, {B, H, n, hd}, {n * D3, hd, D3, 1}, 2 * D)), p + "v_new");
        kt = g.asStrided(k, {B, H, hd, n}, {H * n * hd, n * hd, 1, hd}, 0);
    } else {
        kt = g.asStrided(qkv, {B, H, hd, n}, {n * D3, hd, 1, D3}, D);
        v = g.asStrided(qkv, {B, H, n, hd}, {n * D3, hd, D3, 1}, 2 * D);
    }
    NodeId scores = g.matmul(q, kt); // [B, H, n, n]
    if (s.causal && n > 1) scores = g.add(scores, g.weight(p + "causal_mask", causalMask(n, 0)));
    NodeId pastV = -1;
    if (P > 0) {
        if (s.past.k < 0 || s.past.v < 0) throw Error("attention", p + ": past length without past inputs");
        const Shape& cs = g.node(s.past.k).shape; // [B, H, capacity, hd]
        const int64_t cap = cs[2];
        if (cs.size() != 4 || cs[0] != B || cs[1] != H || cs[3] != hd || cap < P)
            throw Error("attention", p + ": key/value cache " + shapeString(cs) + " does not hold " +
                                         std::to_string(P) + " positions");
        NodeId pastKt = g.asStrided(s.past.k, {B, H, hd, P}, {H * cap * hd, cap * hd, 1, hd}, 0);
        pastV = g.asStrided(s.past.v, {B, H, P, hd}, {H * cap * hd, cap * hd, hd, 1}, 0);
        NodeId pastScores = g.matmul(q, pastKt);
        if (s.past.mask >= 0) pastScores = g.add(pastScores, s.past.mask);
        scores = g.concat(pastScores, scores, 3); // [B, H, n, P + n]
    }
    if (s.additiveMask >= 0) scores = g.add(scores, s.additiveMask);
    scores = g.name(scores, p + "attn_scores");
    NodeId probs = g.name(g.softmax(scores, 1.0 / std::sqrt(double(hd))), p + "attn_probs");
    NodeId ctx;
    if (P > 0)
        ctx = g.add(g.matmul(g.slice(probs, 3, 0, P), pastV), g.matmul(g.slice(probs, 3, P, P + n), v));
    else
        ctx = g.matmul(probs, v);
    ctx = g.name(mergeHeads(g, ctx), p + "attn_ctx");
    return g.name(g.linear(ctx, linearNode(g, p + "o.w", w.out), weightNode(g, p + "o.b", w.outBias),
                           Activation::None, residual),
                  p + "attn_res");
}

KeyValueNodes crossKeyValues(Graph& g, NodeId enc, const CrossAttentionWeights& w, int64_t H,
                             const std::string& p)
{
    const Shape& es = g.node(enc).shape;
    const int64_t B = es[0], N = es[1];
    NodeId kv =
        g.linear(enc, linearNode(g, p + "cross_kv.w", w.kv), weightNode(g, p + "cross_kv.b", w.kvBias));
    const int64_t D2 = lastDim(g, kv), D = D2 / 2, hd = D / H;
    KeyValueNodes out;
    out.k = g.name(g.cont(g.asStrided(kv, {B, H, N, hd}, {N * D2, hd, D2, 1}, 0)), p + "cross_k");
    out.v = g.name(g.cont(g.asStrided(kv, {B, H, N, hd}, {N * D2, hd, D2, 1}, D)), p + "cross_v");
    return out;
}

NodeId crossAttention(Graph& g, NodeId x, NodeId residual, const CrossAttentionWeights& w, KeyValueNodes kv,
                      int64_t H, NodeId additiveMask, const std::string& p)
{
    const Shape& xs = g.node(x).shape;
    const int64_t B = xs[0], n = xs[1], D = xs[2], hd = D / H;
    const Shape& ks = g.node(kv.k).shape; // [B, H, N, hd]
    const int64_t N = ks[2];
    NodeId q =
        g.name(g.linear(x, linearNode(g, p + "cross_q.w", w.q), weightNode(g, p + "cross_q.b", w.qBias)),
               p + "cross_q");
    NodeId qh = g.asStrided(q, {B, H, n, hd}, {n * D, hd, D, 1}, 0);
    NodeId kt = g.asStrided(kv.k, {B, H, hd, N}, {H * N * hd, N * hd, 1, hd}, 0);
    NodeId scores = g.matmul(qh, kt);
    if (additiveMask >= 0) scores = g.add(scores, additiveMask);
    scores = g.name(scores, p + "cross_scores");
    NodeId probs = g.name(g.softmax(scores, 1.0 / std::sqrt(double(hd))), p + "cross_probs");
    NodeId ctx = g.name(mergeHeads(g, g.matmul(probs, kv.v)), p + "cross_ctx");
    return g.name(g.linear(ctx, linearNode(g, p + "cross_o.w", w.out),
                           weightNode(g, p + "cross_o.b", w.outBias), Activation::None, residual),
                  p + "cross_res");
}

} // namespace loupe::compute::transformer
