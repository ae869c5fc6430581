// SPDX-License-Identifier: MIT
#include "compute/models/vision_encoder_decoder_relevancy.h"

#include "compute/backend/scheduler.h"
#include "compute/models/decoder_token_gradients.h"

namespace loupe::compute {

attribution::TokenRelevancy captionTokenRelevancy(const VisionEncoderDecoderModel& model,
                                                  const Tensor& pixelValues, const Tensor& encoderStates,
                                                  const std::vector<int64_t>& prefix, int64_t token)
{
    const DecoderTokenGradients dec = model.decoder().tokenGradients(prefix, encoderStates, token);
    const VitModel& vit = model.encoder();
    const Tensor px = pixelValues.dtype() == DType::F32 ? pixelValues : pixelValues.to(DType::F32);
    const Graph g = vit.buildGraph(px.shape());
    const EncoderAttentionGradients enc =
        encoderAttentionGradients(g, {{"pixel_values", px}}, "final_norm", dec.encoderGrad.contiguous(),
                                  "blk.", vit.config().numHiddenLayers, &vit.scheduler());
    return captionTokenRelevancy(enc, dec, model.gridSize());
}

} // namespace loupe::compute
