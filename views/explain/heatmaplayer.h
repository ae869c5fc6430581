// SPDX-License-Identifier: MIT
#pragma once

#include "views/canvas/canvaslayer.h"
#include "views/explain/colormap.h"

#include <QImage>
#include <QRectF>
#include <QSize>
#include <QString>
#include <optional>
#include <vector>

namespace loupe::views {

// The explanation on the canvas: a patch-grid map stretched over the whole image, upsampled bilinearly,
// min–max normalised and coloured, drawn with the layer's opacity; values under the threshold
// (normalised, 0..1) are left clear so the image shows through. Hovering reports the raw value under
// the cursor. Images larger than kMaxRenderSide are rendered smaller and scaled when painted. A map carries
// a caption (method, target, settings) drawn in the top-left corner, so what is on the image always says
// what it is; a probed patch is outlined.
class HeatMapLayer : public CanvasLayer
{
    Q_OBJECT
public:
    static constexpr int kMaxRenderSide = 1600;
    explicit HeatMapLayer(QObject* parent = nullptr);

    void setMap(std::vector<float> grid, int rows, int cols, const QString& caption = {});
    void clearMap(); // the caption too
    QString caption() const { return m_caption; }
    // The probed patch (image coordinates), outlined whether or not a map is shown; empty = none.
    void setProbe(const QRectF& imageRect);
    QRectF probe() const { return m_probe; }
    bool hasMap() const { return !m_grid.empty(); }
    const std::vector<float>& grid() const { return m_grid; }
    int rows() const { return m_rows; }
    int cols() const { return m_cols; }

    void setColormap(Colormap map);
    Colormap colormap() const { return m_colormap; }
    void setThreshold(double threshold);
    double threshold() const { return m_threshold; }

    // The raw map value at an image point (the pixel containing it); nothing off the image or map.
    std::optional<float> valueAt(QPointF imagePos) const;
    // The grid cell (x = column, y = row) under an image point.
    std::optional<QPoint> cellAt(QPointF imagePos) const;
    QSize imageSize() const { return m_imageSize; }
    const QImage& rendered() const { return m_rendered; }

    void imageChanged(QSize size) override;
    void paint(QPainter& painter, const ViewTransform& view, const QRectF& exposedImageRect) override;
    bool mouseMoved(const CanvasMouseEvent& event) override;

signals:
    // The cursor moved: the raw value under it, or over = false when it left the map.
    void hovered(bool over, QPoint imagePixel, float value);

private:
    void render();

    QSize m_imageSize;
    std::vector<float> m_grid;
    int m_rows = 0, m_cols = 0;
    Colormap m_colormap = Colormap::Viridis;
    double m_threshold = 0.0;
    QImage m_rendered;
    QString m_caption;
    QRectF m_probe;
};

} // namespace loupe::views
