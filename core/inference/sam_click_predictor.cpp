// SPDX-License-Identifier: MIT
#include "core/inference/sam_click_predictor.h"

#include "compute/preprocess/sam_prompts.h"

#include <algorithm>
#include <chrono>

namespace loupe::core {

SamClickPredictor::SamClickPredictor(std::shared_ptr<const SamCheckpoint> model, const QImage& image,
                                     bool useMaskInput)
    : model_(std::move(model)), useMaskInput_(useMaskInput)
{
    const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
    const auto t0 = std::chrono::steady_clock::now();
    const compute::ImageU8 view{rgb.width(), rgb.height(), 3, size_t(rgb.bytesPerLine()), rgb.constBits()};
    const compute::PreprocessedImage pre = compute::preprocess(view, model_->processor);
    embedding_ = model_->model.embed(compute::Tensor::fromF32(pre.shape(), pre.pixels));
    original_ = {rgb.height(), rgb.width()};
    resized_ = pre.reshapedInputSize;
    embedSeconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

PixelMask SamClickPredictor::predict(const std::vector<SimulatedClick>& clicks)
{
    compute::sam::Prompt p;
    for (const SimulatedClick& c : clicks) {
        p.points.push_back(compute::samRescalePoint({double(c.x), double(c.y)}, original_, resized_));
        p.labels.push_back(c.positive ? 1 : 0);
    }
    if (useMaskInput_ && previous_) p.maskInput = *previous_;
    const compute::sam::MaskPrediction pred = model_->model.decode(embedding_, p, true);
    const auto best = int64_t(std::max_element(pred.iou.begin(), pred.iou.end()) - pred.iou.begin());
    const compute::Tensor lowRes = pred.masks.select(0, best).contiguous();
    previous_ = lowRes;
    lastScore_ = pred.iou[size_t(best)];
    const std::vector<uint8_t> mask =
        compute::samPostprocessMask(lowRes, model_->model.config().vision.imageSize, resized_, original_);
    PixelMask out(static_cast<int>(original_[1]), static_cast<int>(original_[0]));
    out.bits = mask;
    return out;
}

} // namespace loupe::core
