// SPDX-License-Identifier: MIT
#include "compute/models/blip_caption_relevancy.h"

#include "compute/backend/scheduler.h"
#include "compute/models/decoder_token_gradients.h"

namespace loupe::compute {

attribution::TokenRelevancy captionTokenRelevancy(const BlipForConditionalGeneration& model,
                                                  const Tensor& pixelValues, const Tensor& imageEmbeds,
                                                  const std::vector<int64_t>& prefix, int64_t token)
{
    const DecoderTokenGradients dec = model.textDecoder().tokenGradients(prefix, imageEmbeds, token);
    const BlipVisionConfig& vc = model.vision().config();
    const Tensor px = pixelValues.dtype() == DType::F32 ? pixelValues : pixelValues.to(DType::F32);
    const Graph g = model.vision().buildGraph(px.shape());
    const EncoderAttentionGradients enc =
        encoderAttentionGradients(g, {{"pixel_values", px}}, "vision.post_norm", dec.encoderGrad.contiguous(),
                                  "vision.blk.", vc.numHiddenLayers, &model.vision().scheduler());
    return captionTokenRelevancy(enc, dec, vc.imageSize / vc.patchSize);
}

} // namespace loupe::compute
