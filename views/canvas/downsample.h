// SPDX-License-Identifier: MIT
#pragma once

#include <QImage>

namespace loupe::views {

// Box-filter reduction by an integer factor of an RGB32 / ARGB32_Premultiplied image: every output
// pixel is the mean of a factor×factor block (blocks cut by the right/bottom edge average what they
// hold). Exact and several times faster than QImage::scaled(SmoothTransformation) for halving.
QImage downsampleBox(const QImage& source, int factor);

} // namespace loupe::views
