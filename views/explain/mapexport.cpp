// SPDX-License-Identifier: MIT
#include "views/explain/mapexport.h"

#include "compute/attribution/npy.h"
#include "compute/error.h"
#include "views/explain/heatmaprender.h"

#include <QFont>
#include <QPainter>
#include <QSaveFile>
#include <algorithm>

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

// What made the map travels in the PNG's text chunks; a map made below f32 also carries a visible badge
// on the overlay, since a picture is shared without its metadata.
void markProvenance(QImage& image, const core::Explanation& e, bool badge)
{
    image.setText(QStringLiteral("Loupe-Method"), e.params.method);
    if (!e.backend.isEmpty()) image.setText(QStringLiteral("Loupe-Backend"), e.backend);
    if (!e.device.isEmpty()) image.setText(QStringLiteral("Loupe-Device"), e.device);
    if (!e.precision.isEmpty()) image.setText(QStringLiteral("Loupe-Precision"), e.precision);
    const QString text = e.precisionBadge();
    if (!badge || text.isEmpty() || image.isNull()) return;
    QPainter p(&image);
    QFont font = p.font();
    font.setBold(true);
    font.setPixelSize(std::max(10, std::min(image.width(), image.height()) / 12));
    p.setFont(font);
    const QString label = text.toUpper();
    const QRect r = p.fontMetrics().boundingRect(label).adjusted(-6, -3, 6, 3);
    const QRect box(image.width() - r.width() - 4, 4, r.width(), r.height());
    p.fillRect(box, QColor(200, 40, 40));
    p.setPen(Qt::white);
    p.drawText(box, Qt::AlignCenter, label);
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
    QImage greyImage = renderGrey(e.grid, e.rows, e.cols, size);
    markProvenance(greyImage, e, false); // the grey map is data: metadata only, no pixels changed
    if (!savePng(greyImage, grey, error)) return {};
    written << grey;
    const QString overlay = basePath + QStringLiteral(".png");
    const QImage heat = renderHeatMap(e.grid, e.rows, e.cols, size, style.colormap, style.threshold);
    const QImage base = image.isNull() ? QImage(size, QImage::Format_RGB888) : image;
    QImage out =
        image.isNull() ? heat.convertToFormat(QImage::Format_RGB888) : blendOver(base, heat, style.opacity);
    markProvenance(out, e, true);
    if (!savePng(out, overlay, error)) return {};
    written << overlay;
    return written;
}

} // namespace loupe::views
