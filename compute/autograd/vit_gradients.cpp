// SPDX-License-Identifier: MIT
#include "compute/autograd/vit_gradients.h"

#include "compute/autograd/backward.h"
#include "compute/error.h"

namespace loupe::compute {

VitGradients vitGradients(const VitModel& model, const Tensor& pixelValues, int64_t targetClass)
{
    const Graph g = model.buildGraph(pixelValues.shape());
    const NodeId logits = g.find("logits");
    if (logits < 0) throw Error("vit", "gradients need a classification head (this model has no logits)");
    const Shape ls = g.node(logits).shape;
    if (targetClass < 0 || targetClass >= ls[1])
        throw Error("vit", "target class " + std::to_string(targetClass) + " is outside 0.." +
                               std::to_string(ls[1] - 1));
    std::vector<float> seed(size_t(shapeNumel(ls)), 0.0f);
    for (int64_t b = 0; b < ls[0]; ++b)
        seed[size_t(b * ls[1] + targetClass)] = 1.0f;
    const GradientRun run =
        runWithGradients(g, {{"pixel_values", pixelValues}}, logits, Tensor::fromF32(ls, seed));
    VitGradients out;
    out.logits = run.valueOf(logits);
    out.inputGrad = run.gradOf(g.find("pixel_values"));
    for (int64_t l = 0; l < model.config().numHiddenLayers; ++l) {
        const NodeId p = g.find("blk." + std::to_string(l) + ".attn_probs");
        out.attentions.push_back(run.valueOf(p));
        out.attnGrads.push_back(run.gradOf(p));
    }
    return out;
}

} // namespace loupe::compute
