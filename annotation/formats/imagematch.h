// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/dataset/dataset.h"
#include "annotation/formats/report.h"

#include <QStringList>
#include <vector>

namespace loupe::annotation {

// Which project image each imported image is. An annotation file names its image by the path it had
// where it was made; we take the project image with the same relative path, else the one project image
// with the same file name. Images that match nothing, or match a name several project images share, are
// reported and left out; two imported images landing on one project image is an error.
struct ImageMatch
{
    std::vector<int> projectIndex; // per dataset image: index into projectPaths, or -1
    int byPath = 0;
    int byName = 0;
    int unmatched = 0;
    int ambiguous = 0;
};

// How image paths are compared: separators and ./ prefixes normalised; the file name of such a path.
QString normalisedImagePath(const QString& path);
QString imageFileName(const QString& normalisedPath);

ImageMatch matchImages(const QStringList& projectPaths, const Dataset& data, const QString& sourceName,
                       FormatReport& report);

} // namespace loupe::annotation
