// SPDX-License-Identifier: MIT
#include "compute/autograd/vit_gradients.h"

#include "compute/autograd/backward_graph.h"
#include "compute/backend/scheduler.h"
#include "compute/error.h"

namespace loupe::compute {

VitGradients vitGradients(const VitModel& model, const Tensor& pixelValues,
                          const std::vector<int64_t>& targets, const VitGradientRequest& request)
{
    VitRunOptions options;
    options.interpolatePosEncoding = request.interpolatePosEncoding;
    const Graph g = model.buildGraph(pixelValues.shape(), options);
    const NodeId logits = g.find("logits");
    if (logits < 0) throw Error("vit", "gradients need a classification head (this model has no logits)");
    const Shape ls = g.node(logits).shape;
    if (int64_t(targets.size()) != ls[0])
        throw Error("vit", "gradients need one target class per image: got " +
                               std::to_string(targets.size()) + " for a batch of " + std::to_string(ls[0]));
    std::vector<float> seed(size_t(shapeNumel(ls)), 0.0f);
    for (int64_t b = 0; b < ls[0]; ++b) {
        const int64_t t = targets[size_t(b)];
        if (t < 0 || t >= ls[1])
            throw Error("vit",
                        "target class " + std::to_string(t) + " is outside 0.." + std::to_string(ls[1] - 1));
        seed[size_t(b * ls[1] + t)] = 1.0f;
    }
    GradientRequest req;
    const NodeId pixels = g.find("pixel_values");
    if (request.inputGrad) req.gradients.push_back(pixels);
    const int64_t L = model.config().numHiddenLayers;
    std::vector<NodeId> probs;
    if (request.attentions)
        for (int64_t l = 0; l < L; ++l) {
            probs.push_back(g.find("blk." + std::to_string(l) + ".attn_probs"));
            req.gradients.push_back(probs.back());
        }
    std::vector<NodeId> extra;
    for (const std::string& name : request.nodes) {
        const NodeId id = g.find(name);
        if (id < 0)
            throw Error("vit", "no graph node named '" + name + "' (see VitModel for the node names)");
        extra.push_back(id);
        req.gradients.push_back(id);
    }
    // On the model's device (the CPU keeps its tuned direct sweep); the scheduler records what ran it.
    const GradientRun run = runWithGradients(g, {{"pixel_values", pixelValues}}, logits,
                                             Tensor::fromF32(ls, seed), req, model.scheduler());
    VitGradients out;
    out.logits = run.valueOf(logits);
    if (request.inputGrad) out.inputGrad = run.gradOf(pixels);
    for (NodeId p : probs) {
        out.attentions.push_back(run.valueOf(p));
        out.attnGrads.push_back(run.gradOf(p));
    }
    for (size_t i = 0; i < extra.size(); ++i) {
        out.nodeValues[request.nodes[i]] = run.valueOf(extra[i]);
        out.nodeGrads[request.nodes[i]] = run.gradOf(extra[i]);
    }
    return out;
}

std::string vitGradCamNode(const VitModel& model)
{
    const int64_t L = model.config().numHiddenLayers;
    return L >= 2 ? "blk." + std::to_string(L - 2) + ".out" : "embed.out";
}

VitGradients vitGradients(const VitModel& model, const Tensor& pixelValues, int64_t targetClass)
{
    const int64_t B = pixelValues.dim() > 0 ? pixelValues.size(0) : 0;
    return vitGradients(model, pixelValues, std::vector<int64_t>(size_t(B), targetClass));
}

} // namespace loupe::compute
