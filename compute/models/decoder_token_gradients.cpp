// SPDX-License-Identifier: MIT
#include "compute/models/decoder_token_gradients.h"

#include "compute/autograd/backward_graph.h"
#include "compute/error.h"

namespace loupe::compute {

namespace {

NodeId need(const Graph& g, const std::string& name, const std::string& who)
{
    const NodeId id = g.find(name);
    if (id < 0) throw Error(who, "the gradient graph has no node named '" + name + "'");
    return id;
}

GradientRun gradients(const Graph& g, const std::map<std::string, Tensor>& inputs, NodeId output,
                      const Tensor& seed, const GradientRequest& req, Scheduler* scheduler)
{
    return scheduler ? runWithGradients(g, inputs, output, seed, req, *scheduler)
                     : runWithGradients(g, inputs, output, seed, req);
}

} // namespace

DecoderTokenGradients decoderTokenGradients(const Graph& g, const std::map<std::string, Tensor>& inputs,
                                            int64_t layers, int64_t target, const std::string& who,
                                            Scheduler* scheduler)
{
    const NodeId logits = need(g, "logits", who);
    const Shape ls = g.node(logits).shape; // [1, 1, V]
    const int64_t V = ls.back();
    if (target < 0 || target >= V)
        throw Error(who, "token id " + std::to_string(target) + " is outside the vocabulary of " +
                             std::to_string(V));
    std::vector<float> seed(size_t(shapeNumel(ls)), 0.0f);
    seed[size_t(target)] = 1.0f;
    GradientRequest req;
    std::vector<NodeId> self, cross;
    for (int64_t l = 0; l < layers; ++l) {
        self.push_back(need(g, "blk." + std::to_string(l) + ".attn_probs", who));
        cross.push_back(need(g, "blk." + std::to_string(l) + ".cross_probs", who));
        req.gradients.push_back(self.back());
        req.gradients.push_back(cross.back());
    }
    const NodeId encoder = need(g, "encoder_states", who);
    req.gradients.push_back(encoder);
    const GradientRun run = gradients(g, inputs, logits, Tensor::fromF32(ls, seed), req, scheduler);
    DecoderTokenGradients out;
    out.logit = run.valueOf(logits).contiguous().ptr<float>()[target];
    for (size_t l = 0; l < self.size(); ++l) {
        out.selfProbs.push_back(run.valueOf(self[l]));
        out.selfGrads.push_back(run.gradOf(self[l]));
        out.crossProbs.push_back(run.valueOf(cross[l]));
        out.crossGrads.push_back(run.gradOf(cross[l]));
    }
    out.encoderGrad = run.gradOf(encoder);
    return out;
}

EncoderAttentionGradients encoderAttentionGradients(const Graph& g,
                                                    const std::map<std::string, Tensor>& inputs,
                                                    const std::string& output, const Tensor& seed,
                                                    const std::string& prefix, int64_t layers,
                                                    Scheduler* scheduler)
{
    const NodeId out = need(g, output, "encoder");
    GradientRequest req;
    for (int64_t l = 0; l < layers; ++l)
        req.gradients.push_back(need(g, prefix + std::to_string(l) + ".attn_probs", "encoder"));
    const GradientRun run = gradients(g, inputs, out, seed, req, scheduler);
    EncoderAttentionGradients r;
    for (NodeId p : req.gradients) {
        r.probs.push_back(run.valueOf(p));
        r.grads.push_back(run.gradOf(p));
    }
    return r;
}

namespace {

attribution::AttentionGrad layerOf(const Tensor& probs, const Tensor& grads)
{
    const Shape& s = probs.shape(); // [1, H, q, k]
    if (s.size() != 4 || s[0] != 1 || grads.shape() != s || !probs.isContiguous() || !grads.isContiguous())
        throw Error("token relevancy",
                    "attention " + shapeString(s) + " is not a packed [1, heads, queries, keys]");
    return {int(s[1]), int(s[2]), int(s[3]), probs.ptr<float>(), grads.ptr<float>()};
}

} // namespace

attribution::TokenRelevancy captionTokenRelevancy(const EncoderAttentionGradients& encoder,
                                                  const DecoderTokenGradients& decoder, int64_t grid)
{
    attribution::EncoderDecoderAttention at;
    for (size_t l = 0; l < encoder.probs.size(); ++l)
        at.encoderSelf.push_back(layerOf(encoder.probs[l], encoder.grads[l]));
    for (size_t l = 0; l < decoder.selfProbs.size(); ++l) {
        at.decoderSelf.push_back(layerOf(decoder.selfProbs[l], decoder.selfGrads[l]));
        at.decoderCross.push_back(layerOf(decoder.crossProbs[l], decoder.crossGrads[l]));
    }
    const std::vector<float> rti = attribution::encoderDecoderRelevancy(at);
    const int T = at.decoderSelf.front().queries, N = at.encoderSelf.front().queries;
    if (int64_t(N) != 1 + grid * grid)
        throw Error("token relevancy", std::to_string(N) + " image tokens do not make CLS + a " +
                                           std::to_string(grid) + "x" + std::to_string(grid) + " grid");
    attribution::TokenRelevancy r;
    r.imageTokens.assign(rti.begin() + size_t(T - 1) * N, rti.begin() + size_t(T) * N);
    r.patches.assign(r.imageTokens.begin() + 1, r.imageTokens.end());
    r.grid = int(grid);
    r.logit = decoder.logit;
    return r;
}

} // namespace loupe::compute
