// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>

class QLabel;

namespace loupe::views {

class ImageCanvas;
struct CursorInfo;

// The canvas part of the status bar: image size, cursor position in image pixels, pixel value, zoom.
class CanvasStatus : public QWidget
{
    Q_OBJECT
public:
    explicit CanvasStatus(ImageCanvas* canvas, QWidget* parent = nullptr);

    QString sizeText() const;
    QString positionText() const;
    QString valueText() const;
    QString zoomText() const;

private:
    void refreshImage();
    void refreshCursor(const CursorInfo& info);
    void refreshZoom();

    ImageCanvas* m_canvas;
    QLabel* m_size;
    QLabel* m_position;
    QLabel* m_value;
    QLabel* m_zoom;
};

} // namespace loupe::views
