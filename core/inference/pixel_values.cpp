// SPDX-License-Identifier: MIT
#include "core/inference/pixel_values.h"

#include "compute/error.h"
#include "compute/preprocess/image_processor.h"
#include "core/imageio.h"

#include <QLoggingCategory>

namespace loupe::core {

compute::Tensor pixelValuesFromImage(const QImage& source, const compute::ImageProcessorConfig& processor)
{
    const QImage image = source.convertToFormat(QImage::Format_RGB888);
    const compute::ImageU8 view{image.width(), image.height(), 3, size_t(image.bytesPerLine()),
                                image.constBits()};
    const compute::PreprocessedImage pre = compute::preprocess(view, processor);
    return compute::Tensor::fromF32(pre.shape(), pre.pixels);
}

compute::Tensor loadPixelValues(const QString& imagePath, const compute::ImageProcessorConfig& processor)
{
    // libpng's chatter about colour profiles is not the user's problem in a batch run.
    QLoggingCategory::setFilterRules(QStringLiteral("qt.gui.imageio.warning=false"));
    QString error;
    const QImage image = readImage(imagePath, &error);
    if (image.isNull()) throw compute::Error(error.toStdString());
    return pixelValuesFromImage(image, processor);
}

} // namespace loupe::core
