// SPDX-License-Identifier: MIT
#include "annotation/formats/sizelimits.h"

#include "annotation/formats/imagematch.h"

#include <QDir>

namespace loupe::annotation {

bool checkImageSize(qint64 width, qint64 height, const QString& file, const QString& field,
                    FormatReport& report)
{
    if (width <= 0 || height <= 0) {
        report.error(file, field,
                     QStringLiteral("image size %1 x %2 must be positive").arg(width).arg(height));
        return false;
    }
    if (width > kMaxImageSide || height > kMaxImageSide || width * height > kMaxImagePixels) {
        report.error(file, field,
                     QStringLiteral("image size %1 x %2 is beyond the limit of %3 pixels per side and %4 "
                                    "pixels in all")
                         .arg(width)
                         .arg(height)
                         .arg(kMaxImageSide)
                         .arg(kMaxImagePixels));
        return false;
    }
    return true;
}

ImportTarget::ImportTarget(const QStringList& paths, const std::vector<QSize>& sizes)
{
    for (qsizetype i = 0; i < paths.size() && size_t(i) < sizes.size(); ++i) {
        const QString p = normalisedImagePath(paths[i]);
        m_byPath.insert(p, sizes[size_t(i)]);
        const QString name = imageFileName(p);
        m_byName.insert(name, m_byName.contains(name) ? QSize() : sizes[size_t(i)]);
    }
}

ImportTarget::ImportTarget(std::function<std::optional<QSize>(const QString& path)> lookup)
    : m_lookup(std::move(lookup))
{
}

std::optional<QSize> ImportTarget::sizeOf(const QString& path) const
{
    if (m_lookup) return m_lookup(path);
    const QString p = normalisedImagePath(path);
    if (const auto exact = m_byPath.constFind(p); exact != m_byPath.constEnd()) return *exact;
    const auto byName = m_byName.constFind(imageFileName(p));
    // No image of that name, or several (ambiguous: the import leaves it out).
    if (byName == m_byName.constEnd() || !byName->isValid()) return std::nullopt;
    return *byName;
}

MaskGate maskGate(const ImportTarget* target, const QString& imagePath, int width, int height,
                  const QString& file, const QString& place, FormatReport& report)
{
    if (!target) return MaskGate::Rasterise;
    const std::optional<QSize> real = target->sizeOf(imagePath);
    if (!real) {
        report.dropped(QStringLiteral("mask"),
                       QStringLiteral("its image is not in the project, so it was not rasterised"));
        return MaskGate::Skip;
    }
    if (qint64(width) * height > qint64(real->width()) * real->height() || width > real->width() ||
        height > real->height()) {
        report.error(
            file, place,
            QStringLiteral("mask declared on a %1 x %2 image but the image \"%3\" it belongs to is %4 x %5")
                .arg(width)
                .arg(height)
                .arg(imagePath)
                .arg(real->width())
                .arg(real->height()));
        return MaskGate::Refuse;
    }
    return MaskGate::Rasterise;
}

} // namespace loupe::annotation
