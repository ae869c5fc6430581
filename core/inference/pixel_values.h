// SPDX-License-Identifier: MIT
#pragma once

#include "compute/preprocess/processor_config.h"
#include "compute/tensor.h"

#include <QImage>
#include <QString>

namespace loupe::core {

// pixel_values [1, 3, H, W] for a model: the image converted to RGB as Pillow's convert("RGB") does
// (grey replicated, alpha dropped), then the checkpoint's image processor.
compute::Tensor pixelValuesFromImage(const QImage& image, const compute::ImageProcessorConfig& processor);

// Same from a file, decoded through core::readImage so that inference accepts and refuses exactly the
// images import does (pixel limit, truncation, non-regular files). Throws compute::Error
// "PATH: reason".
compute::Tensor loadPixelValues(const QString& imagePath, const compute::ImageProcessorConfig& processor);

} // namespace loupe::core
