// SPDX-License-Identifier: MIT
#pragma once

#include "compute/models/gpt2.h"
#include "compute/models/gpt2_language_model.h"
#include "compute/models/vit.h"

#include <memory>
#include <string>
#include <vector>

namespace loupe::compute {

class Checkpoint;

// VisionEncoderDecoderModel with a ViT encoder and a GPT-2 decoder with cross-attention (the ViT-GPT2
// captioners). The image is encoded once; the decoder's cross-attention keys/values are computed once
// from those states and reused at every decoding step.
class VisionEncoderDecoderModel
{
public:
    static std::vector<std::string> supportedArchitectures();
    // Reads config.json ("encoder" / "decoder" sub-configs) and the "encoder.*" / "decoder.*" weights;
    // throws Error for other encoder or decoder types, widths that would need enc_to_dec_proj, missing or
    // unexpected tensors and wrong shapes.
    static VisionEncoderDecoderModel fromCheckpoint(const Checkpoint& ckpt);
    static VisionEncoderDecoderModel fromModels(VitModel encoder, Gpt2Model decoder,
                                                int64_t decoderStartTokenId, const std::string& source);

    // The encoder's last_hidden_state (after its final LayerNorm), [B, N, D]: what the decoder attends to.
    Tensor encode(const Tensor& pixelValues) const;
    // The decoding loop's model for one image's encoder states [1, N, D].
    Gpt2LanguageModel languageModel(const Tensor& encoderStates) const;
    // The decoder's first token, then the prompt's; throws Error when the prompt leaves no room for a
    // new token within n_positions.
    std::vector<int64_t> decoderPrompt(const std::vector<int64_t>& promptIds) const;

    const VitModel& encoder() const;
    const Gpt2Model& decoder() const;
    int64_t decoderStartTokenId() const;
    // Side of the patch grid the cross-attention keys (after the CLS token) cover.
    int64_t gridSize() const;

    struct Impl;

private:
    std::shared_ptr<const Impl> d_;
};

} // namespace loupe::compute
