// SPDX-License-Identifier: MIT
#include "compute/attribution/gradcam_vit.h"

#include "compute/error.h"

namespace loupe::compute::attribution {

namespace {

int resolveBlock(const VitModel& model, int block)
{
    const int L = int(model.config().numHiddenLayers);
    const int b = block < 0 ? L - 1 : block;
    if (block < -1 || b >= L)
        throw Error("gradcam", "block " + std::to_string(block) + " is outside 0.." + std::to_string(L - 1) +
                                   " (-1 = the last)");
    return b;
}

} // namespace

std::string vitGradCamNode(const VitModel& model, const VitGradCamOptions& options)
{
    const std::string p = "blk." + std::to_string(resolveBlock(model, options.block)) + ".";
    return p + (options.convention == GradCamConvention::LayerNormOutput ? "ln1" : "attn_probs");
}

VitGradientRequest vitGradCamRequest(const VitModel& model, const VitGradCamOptions& options)
{
    VitGradientRequest r;
    r.attentions = false;
    r.inputGrad = false;
    r.nodes = {vitGradCamNode(model, options)};
    return r;
}

std::vector<float> vitGradCamMap(const VitModel& model, const VitGradients& gradients, const PatchGrid& grid,
                                 const VitGradCamOptions& options, int64_t b)
{
    const std::string node = vitGradCamNode(model, options);
    const auto v = gradients.nodeValues.find(node), g = gradients.nodeGrads.find(node);
    if (v == gradients.nodeValues.end() || g == gradients.nodeGrads.end())
        throw Error("gradcam",
                    "the gradients hold no node '" + node + "' (take them with vitGradCamRequest)");
    const Tensor f = v->second.contiguous(), d = g->second.contiguous();
    const Shape& s = f.shape();
    if (b < 0 || b >= s[0]) throw Error("gradcam", "image " + std::to_string(b) + " is not in the batch");
    try {
        if (options.convention == GradCamConvention::LayerNormOutput) {
            const size_t per = size_t(s[1] * s[2]);
            return gradCam(f.ptr<float>() + b * per, d.ptr<float>() + b * per, int(s[1]), int(s[2]), grid);
        }
        const size_t per = size_t(s[1] * s[2] * s[3]);
        return attentionGradCam(f.ptr<float>() + b * per, d.ptr<float>() + b * per, int(s[1]), int(s[2]),
                                grid);
    } catch (const std::invalid_argument& e) {
        throw Error("gradcam", e.what());
    }
}

} // namespace loupe::compute::attribution
