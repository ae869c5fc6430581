// SPDX-License-Identifier: MIT
#pragma once

#include "core/inference/click_simulation.h"
#include "core/inference/segmenter.h"

#include <QImage>
#include <memory>
#include <optional>

namespace loupe::core {

// A SAM checkpoint answering simulated clicks on one image: the image is embedded once, then every
// click-set is decoded with multimask output and the mask SAM rates best is kept, as the SAM tool does.
// With `useMaskInput` the previous answer's low-resolution logits go back in as the mask prompt (SAM's
// interactive loop); reset() forgets them before the next object.
class SamClickPredictor
{
public:
    // Throws compute::Error when the image cannot be preprocessed or embedded.
    SamClickPredictor(std::shared_ptr<const SamCheckpoint> model, const QImage& image,
                      bool useMaskInput = true);

    PixelMask predict(const std::vector<SimulatedClick>& clicks);
    void reset() { previous_.reset(); }
    double lastScore() const { return lastScore_; }
    double embedSeconds() const { return embedSeconds_; }

private:
    std::shared_ptr<const SamCheckpoint> model_;
    compute::Tensor embedding_;
    std::array<int64_t, 2> original_{}, resized_{};
    bool useMaskInput_ = true;
    std::optional<compute::Tensor> previous_;
    double lastScore_ = 0, embedSeconds_ = 0;
};

} // namespace loupe::core
