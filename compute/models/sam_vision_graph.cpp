// SPDX-License-Identifier: MIT
#include "compute/models/sam_vision_graph.h"

#include "compute/models/sam_vision.h"

#include <cmath>
#include <string>

namespace loupe::compute::sam {

namespace {

using transformer::linearNode;
using transformer::weightNode;

// A gathered relative-position table [side(q), side(k), hd] as the right operand of the per-row GEMM,
// [1, side(q), hd, side(k)], multiplied by `factor`.
Tensor transposedTable(const Tensor& table, float factor)
{
    const Tensor t = table.contiguous();
    const int64_t side = t.size(0), hd = t.size(2);
    std::vector<float> out(size_t(side * hd * side));
    const float* p = t.ptr<float>();
    for (int64_t q = 0; q < side; ++q)
        for (int64_t k = 0; k < side; ++k)
            for (int64_t d = 0; d < hd; ++d)
                out[size_t((q * hd + d) * side + k)] = p[(q * side + k) * hd + d] * factor;
    return Tensor::fromF32({1, side, hd, side}, out);
}

struct Builder
{
    Graph& g;
    const SamVisionConfig& c;
    int64_t D = c.hiddenSize, heads = c.numAttentionHeads, hd = D / heads;

    // Self-attention within each of `nW` square windows of `side` x `side` tokens: x [nW, T, D] packed
    // -> the heads' context [nW, T, D]. The relative terms q . Rh[qy][ky] + q . Rw[qx][kx] go in as a
    // bias beside q k^T; the tables are pre-divided by the softmax scale, since Softmax scales its
    // whole input and transformers adds them unscaled.
    template <typename Layer>
    NodeId attention(NodeId x, int64_t nW, int64_t side, const Layer& L, const std::string& p)
    {
        const int64_t T = side * side, D3 = 3 * D, BH = nW * heads;
        const double scale = 1.0 / std::sqrt(double(hd));
        NodeId qkv = g.name(
            g.linear(x, linearNode(g, p + "qkv.w", L.qkv), weightNode(g, p + "qkv.b", L.qkvb)), p + "qkv");
        NodeId q = g.asStrided(qkv, {nW, heads, T, hd}, {T * D3, hd, D3, 1}, 0);
        NodeId kt = g.asStrided(qkv, {nW, heads, hd, T}, {T * D3, hd, 1, D3}, D);
        NodeId v = g.asStrided(qkv, {nW, heads, T, hd}, {T * D3, hd, D3, 1}, 2 * D);
        NodeId scores = g.name(g.matmul(q, kt), p + "attn_scores");
        if (L.relH.defined() && L.relH.numel()) {
            const float unscale = float(std::sqrt(double(hd)));
            NodeId rhT = g.weight(p + "rel_h", transposedTable(L.relH, unscale));
            NodeId rwT = g.weight(p + "rel_w", transposedTable(L.relW, unscale));
            // q packed per (window, head) so the two become one batch dim: [BH, qy, qx, hd].
            NodeId qc = g.reshape(g.cont(q), {BH, side, side, hd});
            // rel_h = einsum("bhwc,hkc->bhwk"): for each query row qy, [qx, hd] x [hd, ky].
            NodeId relH = g.matmul(qc, rhT); // [BH, qy, qx, ky]
            // rel_w = einsum("bhwc,wkc->bhwk"): the same per query column, q seen as [BH, qx, qy, hd].
            NodeId qt = g.asStrided(qc, {BH, side, side, hd}, {T * hd, hd, side * hd, 1}, 0);
            NodeId relW = g.cont(g.permute(g.matmul(qt, rwT), {0, 2, 1, 3})); // [BH, qy, qx, kx]
            NodeId bias = g.add(g.reshape(relH, {BH, T, side, 1}), g.reshape(relW, {BH, T, 1, side}));
            scores = g.name(g.add(scores, g.reshape(bias, {nW, heads, T, T})), p + "attn_biased");
        }
        NodeId probs = g.name(g.softmax(scores, scale), p + "attn_probs");
        NodeId ctx = g.matmul(probs, v); // [nW, heads, T, hd]
        return g.reshape(g.permute(ctx, {0, 2, 1, 3}), {nW, T, D});
    }

    template <typename Layer> NodeId layer(NodeId x, const Layer& L, const std::string& p)
    {
        const int64_t gs = c.grid();
        NodeId a = g.name(g.layerNorm(x, weightNode(g, p + "ln1.w", L.ln1w),
                                      weightNode(g, p + "ln1.b", L.ln1b), c.layerNormEps),
                          p + "ln1");
        NodeId ctx;
        if (L.window) {
            // window_partition: zero tokens pad the grid to n windows a side; window (wy, wx) row y is
            // W*D contiguous floats, so a rank-4 view [wy, wx, y, (x, d)] cut out by one Cont.
            const int64_t W = L.window, n = (gs + W - 1) / W, gp = n * W;
            NodeId grid = g.pad(g.reshape(a, {gs, gs, D}), {0, 0}, {gp - gs, gp - gs});
            NodeId win = g.cont(g.asStrided(grid, {n, n, W, W * D}, {W * gp * D, W * D, gp * D, 1}, 0));
            NodeId out = attention(g.reshape(win, {n * n, W * W, D}), n * n, W, L, p);
            // window_unpartition: [wy, wx, y, (x, d)] back to rows [wy, y, wx, (x, d)], then the crop.
            NodeId full = g.cont(g.asStrided(out, {n, W, n, W * D}, {n * W * W * D, W * D, W * W * D, 1}, 0));
            ctx = g.reshape(g.asStrided(full, {gs, gs, D}, {gp * D, D, 1}, 0), {gs * gs, D});
        } else {
            ctx = g.reshape(attention(g.reshape(a, {1, gs * gs, D}), 1, gs, L, p), {gs * gs, D});
        }
        NodeId h = g.name(g.linear(ctx, linearNode(g, p + "proj.w", L.proj),
                                   weightNode(g, p + "proj.b", L.projb), Activation::None, x),
                          p + "attn_res");
        NodeId b = g.layerNorm(h, weightNode(g, p + "ln2.w", L.ln2w), weightNode(g, p + "ln2.b", L.ln2b),
                               c.layerNormEps);
        NodeId m = g.linear(b, linearNode(g, p + "fc1.w", L.fc1), weightNode(g, p + "fc1.b", L.fc1b),
                            activationFromName(c.hiddenAct));
        return g.name(g.linear(m, linearNode(g, p + "fc2.w", L.fc2), weightNode(g, p + "fc2.b", L.fc2b),
                               Activation::None, h),
                      p + "out");
    }
};

// A linear weight as a [rows, cols] node whatever shape the checkpoint gave it (1x1 convolutions;
// PatchEmbed takes its plain weight as [D, C, P, P] and uses linearNode).
NodeId matrixNode(Graph& g, const std::string& name, const transformer::LinearWeight& w)
{
    if (w.packed) return g.packedWeight(name, w.packed);
    return g.weight(name, w.w.contiguous().reshape({w.w.size(0), w.w.numel() / w.w.size(0)}));
}

} // namespace

Graph buildVisionGraph(const VisionEncoder& e)
{
    const SamVisionConfig& c = e.cfg_;
    const int64_t S = c.imageSize, gs = c.grid(), D = c.hiddenSize, C = c.outputChannels;
    Graph g;
    Builder b{g, c};
    NodeId px = g.input("pixel_values", {1, c.numChannels, S, S});
    NodeId x = g.reshape(g.patchEmbed(px, linearNode(g, "patch.w", e.patch_),
                                      weightNode(g, "patch.b", e.patchB_), c.patchSize),
                         {gs * gs, D});
    if (e.pos_.defined() && e.pos_.numel()) x = g.add(x, g.reshape(g.weight("pos", e.pos_), {gs * gs, D}));
    x = g.name(x, "embed.out");
    for (size_t i = 0; i < e.layers_.size(); ++i)
        x = b.layer(x, e.layers_[i], "blk." + std::to_string(i) + ".");

    // The neck, channels last: a 1x1 convolution is a Linear, LayerNorm2d a LayerNorm over the channels.
    NodeId n = g.linear(x, matrixNode(g, "neck.conv1.w", e.neck1_));
    n = g.layerNorm(n, g.weight("neck.ln1.w", e.neckLn1w_), g.weight("neck.ln1.b", e.neckLn1b_), 1e-6);
    // The 3x3 convolution (padding 1): the nine shifted views of the padded grid side by side in
    // (ky, kx, cin) order, the column order of convWeight, then one Linear.
    NodeId padded = g.pad(g.reshape(n, {gs, gs, C}), {1, 1}, {1, 1});
    const int64_t row = (gs + 2) * C;
    std::vector<NodeId> shifted;
    for (int64_t ky = 0; ky < 3; ++ky)
        for (int64_t kx = 0; kx < 3; ++kx)
            shifted.push_back(g.asStrided(padded, {gs, gs, C}, {row, C, 1}, ky * row + kx * C));
    // Pairwise, so each column is copied about log2(9) times rather than up to eight.
    while (shifted.size() > 1) {
        std::vector<NodeId> next;
        for (size_t i = 0; i + 1 < shifted.size(); i += 2)
            next.push_back(g.concat(shifted[i], shifted[i + 1], 2));
        if (shifted.size() % 2) next.push_back(shifted.back());
        shifted = std::move(next);
    }
    n = g.linear(g.reshape(shifted.front(), {gs * gs, 9 * C}), matrixNode(g, "neck.conv2.w", e.neck2_));
    n = g.layerNorm(n, g.weight("neck.ln2.w", e.neckLn2w_), g.weight("neck.ln2.b", e.neckLn2b_), 1e-6);
    NodeId out = g.name(g.reshape(n, {gs, gs, C}), "image_embeddings");
    g.keep(out);
    return g;
}

} // namespace loupe::compute::sam
