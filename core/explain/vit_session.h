// SPDX-License-Identifier: MIT
#pragma once

#include "compute/autograd/vit_gradients.h"
#include "compute/io/checkpoint.h"
#include "compute/models/vit.h"
#include "compute/preprocess/processor_config.h"

#include <QString>
#include <optional>

namespace loupe::core {

// A ViT-family checkpoint folder opened for explanation: weights, model and image processor. Shared by
// the command line and the Explain view.
struct VitSession
{
    compute::Checkpoint checkpoint;
    compute::VitModel model;
    compute::ImageProcessorConfig processor;
    // Accept inputs whose size differs from the model's (transformers' interpolate_pos_encoding); every
    // forward and gradient pass of this session applies it.
    bool interpolatePosEncoding = false;
    std::string processorSource; // the preprocessor_config.json it was read from, for messages

    // Throws compute::Error naming the folder/file and the problem.
    // `options` choose the device and precision; checkpoint.engineOptions() keeps them.
    static VitSession open(const QString& folder, const compute::EngineOptions& options = {});
    // Decodes an image file (QImage: PNG, JPEG, ...), converts it to RGB8 and runs the model's image
    // processor. Throws compute::Error naming the file when it cannot be read.
    compute::Tensor pixelValues(const QString& imagePath) const;
    std::string label(int64_t index) const;

    // The model's forward pass and gradients as every explanation runs them. Each call is counted, so
    // a view can prove that a slider recomputes from cached attentions instead of re-running the model.
    compute::VitOutput forward(const compute::Tensor& pixelValues,
                               const compute::VitRunOptions& options = {}) const;
    compute::VitGradients gradients(const compute::Tensor& pixelValues, int64_t targetClass) const;
    compute::VitGradients gradients(const compute::Tensor& pixelValues, const std::vector<int64_t>& targets,
                                    const compute::VitGradientRequest& request) const;
    // Model passes run through forward() and gradients() in this process, all sessions together.
    static long passCount();
};

} // namespace loupe::core
