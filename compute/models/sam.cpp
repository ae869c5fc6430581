// SPDX-License-Identifier: MIT
#include "compute/models/sam.h"

#include "compute/error.h"
#include "compute/io/checkpoint.h"
#include "compute/io/config_fields.h"
#include "compute/models/sam_vision.h"

namespace loupe::compute {

struct SamModel::Impl
{
    SamConfig cfg;
    sam::VisionEncoder vision;
    sam::PromptEncoder prompt;
    sam::MaskDecoder decoder;
    int64_t params = 0;
};

SamModel SamModel::fromTensors(const SamConfig& cfg, std::map<std::string, Tensor> weights,
                               const std::string& source)
{
    sam::WeightSource ws(std::move(weights), source);
    auto d = std::make_shared<Impl>(Impl{cfg, sam::VisionEncoder::load(cfg.vision, ws),
                                         sam::PromptEncoder::load(cfg.prompt, cfg.vision.numPosFeats, ws),
                                         sam::MaskDecoder::load(cfg.decoder, ws), 0});
    ws.checkAllUsed();
    d->params = ws.parameterCount();
    SamModel m;
    m.d_ = std::move(d);
    return m;
}

SamModel SamModel::fromCheckpoint(const Checkpoint& ckpt)
{
    const std::string source = (ckpt.folder() / "config.json").string();
    // The architecture first: another model's sub-configs would otherwise fail SAM's checks confusingly.
    std::string modelType;
    std::vector<std::string> architectures;
    readModelIdentity(ckpt.config(), modelType, architectures);
    const std::string first = architectures.empty() ? "" : architectures.front();
    if (first != "SamModel" && !(first.empty() && modelType == "sam"))
        throw Error(source, "architecture '" + (first.empty() ? modelType : first) +
                                "' is not a Segment Anything model (supported: SamModel)");
    const SamConfig cfg = SamConfig::fromJson(ckpt.config(), source);
    auto owner = std::make_shared<Checkpoint>(ckpt);
    std::map<std::string, Tensor> weights;
    for (const std::string& name : ckpt.names()) {
        const TensorView& v = ckpt.tensor(name);
        const bool aligned = reinterpret_cast<uintptr_t>(v.data) % alignof(float) == 0;
        if (v.dtype == DType::F32 && aligned)
            weights[name] = Tensor::wrap(const_cast<void*>(v.data), DType::F32, v.shape, owner);
        else if (isFloating(v.dtype))
            weights[name] = Tensor::fromF32(v.shape, toF32(v));
        else
            throw Error(ckpt.files().empty() ? source : ckpt.files().front().string(),
                        "tensor '" + name + "' has non-float dtype " + std::string(dtypeName(v.dtype)));
    }
    return fromTensors(cfg, std::move(weights), ckpt.folder().string());
}

Tensor SamModel::embed(const Tensor& pixelValues) const
{
    return d_->vision.forward(pixelValues);
}

sam::MaskPrediction SamModel::decode(const Tensor& embedding, const sam::Prompt& prompt, bool multimask) const
{
    const int64_t g = d_->cfg.vision.grid(), C = d_->cfg.vision.outputChannels;
    if (embedding.shape() != Shape{g, g, C})
        throw Error("sam", "image embedding must be " + shapeString({g, g, C}) + ", got " +
                               shapeString(embedding.shape()));
    if (prompt.points.empty() && !prompt.box && !(prompt.maskInput.defined() && prompt.maskInput.numel()))
        throw Error("sam", "a prompt needs at least one point, a box or a mask");
    const sam::PromptEmbeddings p = d_->prompt.encode(prompt);
    return d_->decoder.decode(embedding.contiguous().reshape({g * g, C}), d_->prompt.imagePositions(),
                              p.sparse, p.dense, g, multimask);
}

const SamConfig& SamModel::config() const
{
    return d_->cfg;
}

int64_t SamModel::parameterCount() const
{
    return d_->params;
}

Tensor SamModel::channelsFirst(const Tensor& embedding)
{
    const int64_t g0 = embedding.size(0), g1 = embedding.size(1), C = embedding.size(2);
    return embedding.permute({2, 0, 1}).contiguous().reshape({1, C, g0, g1});
}

} // namespace loupe::compute
