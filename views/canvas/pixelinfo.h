// SPDX-License-Identifier: MIT
#pragma once

#include <QImage>
#include <QString>

namespace loupe::views {

// The value of one pixel as the file stores it: "gray 128", "gray16 40000", "RGB 12 34 56",
// "RGBA 12 34 56 200", 16-bit colour as "RGB16 ...". Empty outside the image.
QString pixelValueText(const QImage& image, QPoint pixel);

} // namespace loupe::views
