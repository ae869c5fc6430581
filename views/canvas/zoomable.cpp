// SPDX-License-Identifier: MIT
#include "views/canvas/zoomable.h"

#include <QString>
#include <algorithm>
#include <cmath>

namespace loupe::views {

const QList<double>& Zoomable::presets()
{
    static const QList<double> list{1.0 / 64, 1.0 / 32, 1.0 / 16, 1.0 / 8, 1.0 / 6, 0.25, 1.0 / 3, 0.5,
                                    2.0 / 3,  1.0,      1.5,      2.0,     3.0,     4.0,  6.0,     8.0,
                                    12.0,     16.0,     24.0,     32.0,    48.0,    64.0, 96.0,    128.0};
    return list;
}

double Zoomable::clamp(double zoom)
{
    return std::clamp(zoom, kMinZoom, kMaxZoom);
}

double Zoomable::zoomIn(double zoom)
{
    for (double p : presets())
        if (p > zoom * 1.001) return p;
    return kMaxZoom;
}

double Zoomable::zoomOut(double zoom)
{
    const auto& list = presets();
    for (auto it = list.rbegin(); it != list.rend(); ++it)
        if (*it < zoom / 1.001) return *it;
    return kMinZoom;
}

double Zoomable::wheel(double zoom, QPoint angleDelta)
{
    const int delta = angleDelta.y() != 0 ? angleDelta.y() : angleDelta.x();
    return clamp(zoom * std::pow(1.25, delta / 120.0));
}

QString Zoomable::toText(double zoom)
{
    const double percent = zoom * 100;
    if (percent >= 10 || std::abs(percent - std::round(percent)) < 0.05)
        return QString::number(std::round(percent)) + QLatin1Char('%');
    return QString::number(percent, 'f', 1) + QLatin1Char('%');
}

} // namespace loupe::views
