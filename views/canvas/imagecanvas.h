// SPDX-License-Identifier: MIT
#pragma once

#include "views/canvas/canvastool.h"
#include "views/canvas/imagedecoder.h"
#include "views/canvas/viewtransform.h"

#include <QList>
#include <QPointer>
#include <QWidget>

class QPainter;

namespace loupe::views {

class CanvasLayer;
class ImageLayer;
class PanTool;
class WindowLevel;

// What the status bar shows about the cursor.
struct CursorInfo
{
    bool overImage = false;
    QPoint pixel;  // image pixel under the cursor (valid when overImage)
    QString value; // pixel value as stored in the file
};

// The image canvas: an ordered stack of layers (image at the bottom, shapes and overlays above)
// seen through a ViewTransform. It owns navigation (wheel zoom to cursor, middle-button and
// space-drag pan, fit / 1:1 / presets, previous/next keys) and routes other input to the active tool
// and then to the layers, all in image coordinates.
class ImageCanvas : public QWidget
{
    Q_OBJECT
public:
    explicit ImageCanvas(QWidget* parent = nullptr);
    ~ImageCanvas() override;

    // Decodes a file on a worker thread; imageChanged or loadFailed follows.
    void loadImage(const QString& path);
    // Shows an image at once (already decoded).
    void setImage(const QImage& image, const QString& path = QString());
    void clearImage();
    QString imagePath() const { return m_path; } // the image shown (not one still decoding)
    QSize imageSize() const { return m_source.size(); }
    const QImage& sourceImage() const { return m_source; }
    bool isLoading() const { return m_decoder.isBusy(); }
    // Shown in the middle while there is no image.
    void setEmptyText(const QString& text);

    ImageLayer* imageLayer() const { return m_imageLayer; }
    QList<CanvasLayer*> layers() const { return m_layers; }
    // Layers are painted in list order (index 0 at the bottom). The canvas does not take ownership.
    void insertLayer(int index, CanvasLayer* layer);
    void addLayer(CanvasLayer* layer) { insertLayer(int(m_layers.size()), layer); }
    void removeLayer(CanvasLayer* layer);

    CanvasTool* tool() const { return m_tool; }
    void setTool(CanvasTool* tool); // nullptr: the built-in pan tool
    PanTool* panTool() const { return m_panTool; }
    // Window/level of a grey DICOM image (inactive otherwise): right-drag where the tool leaves the
    // right button alone, presets and reset through it.
    WindowLevel* windowLevel() const { return m_windowLevel; }

    const ViewTransform& view() const { return m_view; }
    void setView(const ViewTransform& view); // leaves fit mode
    double zoom() const { return m_view.zoom(); }
    bool isFitMode() const { return m_fitMode; }
    CursorInfo cursorInfo() const { return m_cursor; }
    CursorInfo cursorInfoAt(QPointF widgetPos) const;
    void updateCursor();

public slots:
    void fitToWindow();
    void zoomToActualSize();
    void zoomIn();
    void zoomOut();
    // Zoom keeping the image point under `widgetAnchor` fixed (the viewport centre by default).
    void setZoom(double zoom);
    void setZoomAt(double zoom, QPointF widgetAnchor);

signals:
    void imageChanged(QSize size);
    void loadFailed(const QString& path, const QString& error);
    void viewChanged();
    void cursorInfoChanged(const loupe::views::CursorInfo& info);
    void nextImageRequested();
    void previousImageRequested();

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void keyReleaseEvent(QKeyEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void focusOutEvent(QFocusEvent* event) override;

private:
    void onDecoded(const DecodedImage& image);
    void onFailed(const QString& path, const QString& error);
    void syncDevicePixelRatio();
    void paintWindowOverlay(QPainter& painter);
    void setCursorInfo(const CursorInfo& info);
    template <typename Handler> bool route(Handler handler);

    ImageDecoder m_decoder;
    QString m_path;
    QString m_pendingPath;
    QImage m_source;
    ImageLayer* m_imageLayer = nullptr;
    QList<CanvasLayer*> m_layers;
    PanTool* m_panTool = nullptr;
    WindowLevel* m_windowLevel = nullptr;
    QPointer<CanvasTool> m_tool;
    ViewTransform m_view;
    bool m_fitMode = true;
    CursorInfo m_cursor;
    bool m_spaceHeld = false;
    bool m_navigating = false; // a middle-button or space drag is moving the view
    QPointF m_grabImagePoint;
    QString m_emptyText;
    QString m_loadError;
};

} // namespace loupe::views
