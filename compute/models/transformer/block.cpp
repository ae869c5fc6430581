// SPDX-License-Identifier: MIT
#include "compute/models/transformer/block.h"

#include "compute/backend/backend.h"
#include "compute/backend/scheduler.h"
#include "compute/error.h"
#include "compute/graph/planner.h"

namespace loupe::compute::transformer {

NodeId mlp(Graph& g, NodeId x, NodeId residual, const MlpWeights& w, const std::string& p)
{
    NodeId a =
        g.name(g.linear(x, linearNode(g, p + "fc1.w", w.fc1), weightNode(g, p + "fc1.b", w.fc1Bias), w.act),
               p + "mlp_act");
    return g.name(g.linear(a, linearNode(g, p + "fc2.w", w.fc2), weightNode(g, p + "fc2.b", w.fc2Bias),
                           Activation::None, residual),
                  p + "mlp_out");
}

NodeId transformerBlock(Graph& g, NodeId h, const BlockWeights& w, const BlockSpec& s, const std::string& p)
{
    auto norm = [&](NodeId x, const NormWeights& n, const std::string& name) {
        return g.name(
            g.layerNorm(x, weightNode(g, p + name + ".w", n.w), weightNode(g, p + name + ".b", n.b), s.eps),
            p + name);
    };
    const bool cross = w.cross.defined();
    if (cross && (s.cross.k < 0 || s.cross.v < 0))
        throw Error("transformer",
                    p + ": the block has cross-attention but no encoder keys/values were given");
    const int64_t heads = s.attn.heads;
    if (s.norm == NormPlacement::Pre) {
        h = selfAttention(g, norm(h, w.ln1, "ln1"), h, w.attn, s.attn, p);
        if (cross)
            h = crossAttention(g, norm(h, w.lnCross, "ln_cross"), h, w.cross, s.cross, heads, s.crossMask, p);
        h = mlp(g, norm(h, w.ln2, "ln2"), h, w.mlp, p);
    } else {
        h = norm(selfAttention(g, h, h, w.attn, s.attn, p), w.ln1, "ln1");
        if (cross)
            h = norm(crossAttention(g, h, h, w.cross, s.cross, heads, s.crossMask, p), w.lnCross, "ln_cross");
        h = norm(mlp(g, h, h, w.mlp, p), w.ln2, "ln2");
    }
    return g.name(g.cont(h), p + "out");
}

void computeCrossKeyValues(KvCache& kv, const Tensor& enc, const std::vector<BlockWeights>& blocks,
                           int64_t heads, Scheduler& scheduler)
{
    Graph g;
    NodeId x = g.input("encoder_hidden_states", enc.shape());
    for (size_t i = 0; i < blocks.size(); ++i) {
        KeyValueNodes kvn = crossKeyValues(g, x, blocks[i].cross, heads, "blk." + std::to_string(i) + ".");
        g.keep(kvn.k);
        g.keep(kvn.v);
    }
    GraphRun run;
    run.inputs["encoder_hidden_states"] = enc.dtype() == DType::F32 ? enc : enc.to(DType::F32);
    scheduler.run(g, run);
    kv.crossKeys.clear();
    kv.crossValues.clear();
    for (size_t i = 0; i < blocks.size(); ++i) {
        const std::string p = "blk." + std::to_string(i) + ".";
        kv.crossKeys.push_back(run.kept.at(p + "cross_k"));
        kv.crossValues.push_back(run.kept.at(p + "cross_v"));
    }
}

} // namespace loupe::compute::transformer
