// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/formats/report.h"

#include <QHash>
#include <QSize>
#include <QString>
#include <QStringList>
#include <functional>
#include <optional>
#include <vector>

namespace loupe::annotation {

// The largest image an annotation file may declare. Masks are rasterised at the image's size and
// run lengths are 32-bit, so a declared 10^6 x 10^6 image would abort the import with bad_alloc (or
// wrap a run); real photographs and even large aerial tiles stay well inside these.
inline constexpr int kMaxImageSide = 1 << 15;              // 32768 pixels per side
inline constexpr qint64 kMaxImagePixels = qint64(1) << 28; // 268 megapixels (a 16384 x 16384 image)

// Reports file/field/value and returns false when width x height is not a size we accept: not
// positive, a side over kMaxImageSide, or more than kMaxImagePixels pixels. Called before anything is
// allocated for the image.
bool checkImageSize(qint64 width, qint64 height, const QString& file, const QString& field,
                    FormatReport& report);

// The images an import is going to land on, known before reading: a reader checks a mask's image
// against the real one before rasterising it, and does not rasterise masks of images the project does
// not have. Matching is imagematch.h's (same relative path, else the one image with that file name).
class ImportTarget
{
public:
    ImportTarget() = default;
    ImportTarget(const QStringList& paths, const std::vector<QSize>& sizes);
    // Images found by a lookup instead (e.g. the files of a folder): nullopt when there is none.
    explicit ImportTarget(std::function<std::optional<QSize>(const QString& path)> lookup);
    // The size of the project image path lands on; nullopt when it lands on none.
    std::optional<QSize> sizeOf(const QString& path) const;

private:
    QHash<QString, QSize> m_byPath;
    QHash<QString, QSize> m_byName; // invalid size: several images share the name
    std::function<std::optional<QSize>(const QString&)> m_lookup;
};

// What a reader does with a mask on an image declared width x height.
enum class MaskGate { Rasterise, Skip, Refuse };
// Refuse (reported against file/place) when the image is bigger than the project's image it lands on;
// Skip (counted as dropped) when it lands on no project image; Rasterise otherwise or without a target.
MaskGate maskGate(const ImportTarget* target, const QString& imagePath, int width, int height,
                  const QString& file, const QString& place, FormatReport& report);

} // namespace loupe::annotation
