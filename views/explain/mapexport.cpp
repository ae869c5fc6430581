// SPDX-License-Identifier: MIT
#include "views/explain/mapexport.h"

#include "compute/attribution/npy.h"
#include "compute/error.h"
#include "views/explain/heatmaprender.h"

#include <QSaveFile>

namespace loupe::views {

namespace {

bool savePng(const QImage& image, const QString& path, QString* error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !image.save(&file, "PNG") || !file.commit()) {
        if (error) *error = QStringLiteral("%1: cannot write: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace

QStringList exportExplanation(const QString& basePath, const QImage& image, const core::Explanation& e,
                              const MapExportStyle& style, QString* error)
{
    if (e.grid.empty() || e.grid.size() != size_t(e.rows) * size_t(e.cols)) {
        if (error) *error = QStringLiteral("%1: there is no map to export").arg(basePath);
        return {};
    }
    const QString npy = basePath + QStringLiteral(".npy");
    try {
        compute::writeNpyF32(npy.toStdString(), {e.rows, e.cols}, e.grid);
    } catch (const std::exception& ex) {
        if (error) *error = QString::fromStdString(ex.what());
        return {};
    }
    QStringList written{npy};
    // Head importance is a layers × heads table: only the raw array means anything.
    if (e.params.method == QLatin1String("head-importance")) return written;
    const QSize size = image.isNull() ? QSize(e.cols * 16, e.rows * 16) : image.size();
    const QString grey = basePath + QStringLiteral(".grey.png");
    if (!savePng(renderGrey(e.grid, e.rows, e.cols, size), grey, error)) return {};
    written << grey;
    const QString overlay = basePath + QStringLiteral(".png");
    const QImage heat = renderHeatMap(e.grid, e.rows, e.cols, size, style.colormap, style.threshold);
    const QImage base = image.isNull() ? QImage(size, QImage::Format_RGB888) : image;
    QImage out =
        image.isNull() ? heat.convertToFormat(QImage::Format_RGB888) : blendOver(base, heat, style.opacity);
    if (!savePng(out, overlay, error)) return {};
    written << overlay;
    return written;
}

} // namespace loupe::views
