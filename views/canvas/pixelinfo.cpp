// SPDX-License-Identifier: MIT
#include "views/canvas/pixelinfo.h"

namespace loupe::views {

QString pixelValueText(const QImage& image, QPoint p)
{
    if (image.isNull() || !image.rect().contains(p)) return {};
    switch (image.format()) {
    case QImage::Format_Grayscale8:
    case QImage::Format_Alpha8:
        return QStringLiteral("gray %1").arg(image.constScanLine(p.y())[p.x()]);
    case QImage::Format_Grayscale16:
        return QStringLiteral("gray16 %1")
            .arg(reinterpret_cast<const quint16*>(image.constScanLine(p.y()))[p.x()]);
    case QImage::Format_RGBX64:
    case QImage::Format_RGBA64:
    case QImage::Format_RGBA64_Premultiplied: {
        const QRgba64 c = image.pixelColor(p).rgba64();
        if (!image.hasAlphaChannel())
            return QStringLiteral("RGB16 %1 %2 %3").arg(c.red()).arg(c.green()).arg(c.blue());
        return QStringLiteral("RGBA16 %1 %2 %3 %4").arg(c.red()).arg(c.green()).arg(c.blue()).arg(c.alpha());
    }
    default:
        break;
    }
    const QRgb c = image.pixel(p); // un-premultiplied by QImage
    if (!image.hasAlphaChannel())
        return QStringLiteral("RGB %1 %2 %3").arg(qRed(c)).arg(qGreen(c)).arg(qBlue(c));
    return QStringLiteral("RGBA %1 %2 %3 %4").arg(qRed(c)).arg(qGreen(c)).arg(qBlue(c)).arg(qAlpha(c));
}

} // namespace loupe::views
