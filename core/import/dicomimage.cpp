// SPDX-License-Identifier: MIT
#include "core/import/dicomimage.h"

#include <algorithm>
#include <cmath>

namespace loupe::core {

DicomWindow fullRangeWindow(const DicomFrame& frame)
{
    DicomWindow w;
    w.name = QStringLiteral("auto");
    // PS3.3's linear function maps [c - 0.5 - (w-1)/2, c - 0.5 + (w-1)/2] to the output range, so
    // width = range + 1 and center = min + 0.5 + range / 2 cover min..max exactly.
    const double range = double(frame.maxValue) - double(frame.minValue);
    w.width = std::max(1.0, range + 1.0);
    w.center = double(frame.minValue) + 0.5 + range / 2.0;
    return w;
}

DicomWindow defaultWindow(const DicomInfo& info, const DicomFrame& frame)
{
    for (const DicomWindow& w : info.windows)
        if (w.isValid()) return w;
    return fullRangeWindow(frame);
}

QImage applyWindow(const DicomFrame& frame, const DicomWindow& window)
{
    if (!frame.isGrey()) return frame.rgb;
    const int width = frame.size.width();
    const int height = frame.size.height();
    QImage out(width, height, QImage::Format_Grayscale8);
    if (out.isNull()) return out;
    const DicomWindow w = window.isValid() ? window : fullRangeWindow(frame);
    const double low = w.center - 0.5 - (w.width - 1.0) / 2.0;
    const double scale = w.width > 1.0 ? 255.0 / (w.width - 1.0) : 0.0;
    const float* v = frame.values.data();
    for (int y = 0; y < height; ++y) {
        uchar* line = out.scanLine(y);
        for (int x = 0; x < width; ++x, ++v) {
            double g;
            if (w.width <= 1.0)
                g = *v < w.center - 0.5 ? 0.0 : 255.0; // a width of 1 is a threshold
            else
                g = std::clamp((double(*v) - low) * scale, 0.0, 255.0);
            const int level = int(std::lround(g));
            line[x] = uchar(frame.inverted ? 255 - level : level);
        }
    }
    return out;
}

} // namespace loupe::core
