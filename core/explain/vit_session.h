// SPDX-License-Identifier: MIT
#pragma once

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

    // Throws compute::Error naming the folder/file and the problem.
    static VitSession open(const QString& folder);
    // Decodes an image file (QImage: PNG, JPEG, ...), converts it to RGB8 and runs the model's image
    // processor. Throws compute::Error naming the file when it cannot be read.
    compute::Tensor pixelValues(const QString& imagePath) const;
    std::string label(int64_t index) const;
};

} // namespace loupe::core
