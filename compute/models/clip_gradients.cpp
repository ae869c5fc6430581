// SPDX-License-Identifier: MIT
#include "compute/models/clip_gradients.h"

#include "compute/autograd/backward_graph.h"
#include "compute/backend/scheduler.h"
#include "compute/error.h"

#include <cmath>
#include <string>

namespace loupe::compute {

ClipVisionGradients clipVisionGradients(const ClipModel& model, const Tensor& pixelValues,
                                        const Tensor& textEmbedsIn)
{
    const Graph g = model.buildVisionGraph(pixelValues.shape());
    const NodeId proj = g.find("image_proj");
    const Shape ps = g.node(proj).shape; // [B, E]
    const Tensor text = textEmbedsIn.contiguous();
    if (text.shape() != ps)
        throw Error("clip", "gradients need one text embedding per image, " + shapeString(ps) + ", got " +
                                shapeString(text.shape()));
    const int64_t B = ps[0], E = ps[1], layers = model.config().vision.numHiddenLayers;
    GradientRequest req;
    std::vector<NodeId> probs;
    for (int64_t l = 0; l < layers; ++l) {
        probs.push_back(g.find("vision.blk." + std::to_string(l) + ".attn_probs"));
        req.gradients.push_back(probs.back());
    }
    const std::map<std::string, Tensor> inputs = {
        {"pixel_values", pixelValues.dtype() == DType::F32 ? pixelValues : pixelValues.to(DType::F32)}};

    // The seed depends on v, which only the forward pass gives: run the (cheap, cached) forward first.
    const Tensor v = model.encodeImage(pixelValues).projected.contiguous();
    std::vector<float> seed(size_t(B * E));
    ClipVisionGradients out;
    out.logits = Tensor::empty(DType::F32, {B});
    out.imageEmbeds = Tensor::empty(DType::F32, {B, E});
    const double s = model.logitScale();
    for (int64_t b = 0; b < B; ++b) {
        const float* vb = v.ptr<float>() + b * E;
        const float* tb = text.ptr<float>() + b * E;
        double ss = 0;
        for (int64_t e = 0; e < E; ++e)
            ss += double(vb[e]) * vb[e];
        const double n = std::sqrt(ss);
        if (!(n > 0)) throw Error("clip", "image embedding " + std::to_string(b) + " is zero or not finite");
        double ut = 0;
        for (int64_t e = 0; e < E; ++e)
            ut += double(vb[e]) / n * tb[e];
        for (int64_t e = 0; e < E; ++e) {
            const double u = double(vb[e]) / n;
            seed[size_t(b * E + e)] = float(s * (tb[e] - ut * u) / n);
            out.imageEmbeds.ptr<float>()[b * E + e] = float(u);
        }
        out.logits.ptr<float>()[b] = float(s * ut);
    }
    // On the model's device; the scheduler records what ran it.
    const GradientRun run =
        runWithGradients(g, inputs, proj, Tensor::fromF32(ps, seed), req, model.scheduler());
    for (NodeId p : probs) {
        out.attentions.push_back(run.valueOf(p));
        out.attnGrads.push_back(run.gradOf(p));
    }
    return out;
}

} // namespace loupe::compute
