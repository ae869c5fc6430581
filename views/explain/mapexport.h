// SPDX-License-Identifier: MIT
#pragma once

#include "core/explain/explain_record.h"
#include "views/explain/colormap.h"

#include <QImage>
#include <QStringList>

namespace loupe::views {

struct MapExportStyle
{
    Colormap colormap = Colormap::Viridis;
    double opacity = 0.5;
    double threshold = 0.0;
};

// Writes BASE.png (the map over the image as the canvas shows it), BASE.grey.png (the normalised map,
// grey, image size) and BASE.npy (float32 [rows, cols], raw, rows first: what `loupe explain` writes).
// Returns the files written; on failure nothing is returned and *error names the file and the problem.
QStringList exportExplanation(const QString& basePath, const QImage& image, const core::Explanation& e,
                              const MapExportStyle& style, QString* error);

} // namespace loupe::views
