// SPDX-License-Identifier: MIT
#include "views/canvas/imagecanvas.h"

#include "views/canvas/canvaslayer.h"
#include "views/canvas/imagelayer.h"
#include "views/canvas/pantool.h"
#include "views/canvas/pixelgridlayer.h"
#include "views/canvas/pixelinfo.h"
#include "views/canvas/windowlevel.h"
#include "views/canvas/zoomable.h"

#include <QKeyEvent>
#include <QLoggingCategory>
#include <QPainter>
#include <QWheelEvent>

namespace loupe::views {

Q_LOGGING_CATEGORY(lcCanvas, "loupe.canvas")

namespace {
constexpr double kFitMargin = 8;

CanvasMouseEvent toCanvasEvent(const QMouseEvent* e, const ViewTransform& view)
{
    return CanvasMouseEvent{view.widgetToImage(e->position()),
                            e->position(),
                            e->button(),
                            e->buttons(),
                            e->modifiers(),
                            view,
                            e->type() == QEvent::MouseButtonDblClick};
}
} // namespace

ImageCanvas::ImageCanvas(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("ImageCanvas"));
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(64, 64);
    m_imageLayer = new ImageLayer(this);
    m_panTool = new PanTool(this);
    insertLayer(0, m_imageLayer);
    addLayer(new PixelGridLayer(this));
    setTool(nullptr);
    m_windowLevel = new WindowLevel(this);
    connect(m_windowLevel, &WindowLevel::windowChanged, this, [this] {
        // Same size, new pixels: the layers above keep their geometry.
        m_source = m_windowLevel->render();
        m_imageLayer->setImage(ImageDecoder::toDisplay(m_source));
        setCursorInfo(cursorInfoAt(mapFromGlobal(QCursor::pos())));
        update();
    });
    connect(&m_decoder, &ImageDecoder::decoded, this, &ImageCanvas::onDecoded);
    connect(&m_decoder, &ImageDecoder::failed, this, &ImageCanvas::onFailed);
}

ImageCanvas::~ImageCanvas()
{
    if (m_tool) m_tool->deactivate();
    // Children (the image layer) die after our members: cut their links to us first.
    for (CanvasLayer* layer : std::as_const(m_layers))
        disconnect(layer, nullptr, this, nullptr);
    m_layers.clear();
}

void ImageCanvas::loadImage(const QString& path)
{
    m_pendingPath = path;
    m_decoder.load(path);
    if (m_source.isNull()) update(); // shows "Loading…"
}

void ImageCanvas::onDecoded(const DecodedImage& image)
{
    if (image.path != m_pendingPath) return; // superseded while decoding
    m_path = image.path;
    m_loadError.clear();
    m_source = image.source;
    m_windowLevel->setDicom(image.dicom);
    if (m_windowLevel->isActive()) { // the window may be the one kept from the previous frame
        m_source = m_windowLevel->render();
        m_imageLayer->setImage(ImageDecoder::toDisplay(m_source));
    } else {
        m_imageLayer->setImage(image.display);
    }
    for (CanvasLayer* layer : std::as_const(m_layers))
        layer->imageChanged(m_source.size());
    fitToWindow();
    setCursorInfo(cursorInfoAt(mapFromGlobal(QCursor::pos())));
    emit imageChanged(m_source.size());
}

void ImageCanvas::onFailed(const QString& path, const QString& error)
{
    if (path != m_pendingPath) return;
    // Showing the previous image under the new selection would mislead: show the reason instead.
    m_path = path;
    m_source = QImage();
    m_windowLevel->setDicom(nullptr);
    m_imageLayer->setImage(QImage());
    m_loadError = error;
    setCursorInfo({});
    update();
    emit imageChanged({});
    emit loadFailed(path, error);
}

void ImageCanvas::setImage(const QImage& image, const QString& path)
{
    m_pendingPath = path;
    onDecoded(DecodedImage{path, image, ImageDecoder::toDisplay(image), {}, {}});
}

void ImageCanvas::clearImage()
{
    m_path.clear();
    m_pendingPath.clear();
    m_loadError.clear();
    m_source = QImage();
    m_windowLevel->setDicom(nullptr);
    m_imageLayer->setImage(QImage());
    setCursorInfo({});
    emit imageChanged({});
    update();
}

void ImageCanvas::insertLayer(int index, CanvasLayer* layer)
{
    if (!layer || m_layers.contains(layer)) return;
    m_layers.insert(std::clamp(index, 0, int(m_layers.size())), layer);
    connect(layer, &CanvasLayer::changed, this, [this, layer](const QRectF& r) {
        if (r.isEmpty())
            update();
        else
            update(m_view.imageToWidget(r).toAlignedRect().adjusted(-2, -2, 2, 2));
    });
    connect(layer, &QObject::destroyed, this, [this, layer] { m_layers.removeAll(layer); });
    if (!m_source.isNull()) layer->imageChanged(m_source.size());
    update();
}

void ImageCanvas::removeLayer(CanvasLayer* layer)
{
    if (m_layers.removeAll(layer)) {
        disconnect(layer, nullptr, this, nullptr);
        update();
    }
}

void ImageCanvas::setTool(CanvasTool* tool)
{
    if (!tool) tool = m_panTool;
    if (tool == m_tool) return;
    if (m_tool) m_tool->deactivate();
    m_tool = tool;
    m_tool->activate(this);
    updateCursor();
}

void ImageCanvas::updateCursor()
{
    if (m_navigating)
        setCursor(Qt::ClosedHandCursor);
    else if (m_spaceHeld)
        setCursor(Qt::OpenHandCursor);
    else
        setCursor(m_tool ? m_tool->cursor() : QCursor(Qt::ArrowCursor));
}

void ImageCanvas::setView(const ViewTransform& view)
{
    m_fitMode = false;
    if (view == m_view) return;
    m_view = view;
    update();
    emit viewChanged();
}

void ImageCanvas::syncDevicePixelRatio()
{
    const double dpr = devicePixelRatioF();
    if (dpr != m_view.devicePixelRatio()) m_view = ViewTransform(m_view.scale(), m_view.offset(), dpr);
}

void ImageCanvas::fitToWindow()
{
    syncDevicePixelRatio();
    m_view = ViewTransform::fit(QSizeF(imageSize()), QSizeF(size()), devicePixelRatioF(), kFitMargin);
    m_fitMode = true;
    update();
    emit viewChanged();
}

void ImageCanvas::zoomToActualSize()
{
    setZoom(1.0);
}

void ImageCanvas::zoomIn()
{
    setZoom(Zoomable::zoomIn(zoom()));
}

void ImageCanvas::zoomOut()
{
    setZoom(Zoomable::zoomOut(zoom()));
}

void ImageCanvas::setZoom(double zoom)
{
    // Keyboard and menu zoom keep the cursor's image point when the cursor is over the canvas, like
    // the wheel; otherwise the centre of the view.
    const QPointF cursor = mapFromGlobal(QCursor::pos());
    setZoomAt(zoom, rect().contains(cursor.toPoint()) && underMouse() ? cursor : QPointF(rect().center()));
}

void ImageCanvas::setZoomAt(double zoom, QPointF widgetAnchor)
{
    syncDevicePixelRatio();
    ViewTransform next = m_view.zoomedAt(widgetAnchor, Zoomable::clamp(zoom));
    // At whole-number zooms snap to device pixels, so pixels are squares of equal size.
    if (std::abs(next.zoom() - std::round(next.zoom())) < 1e-9) next = next.snapped();
    setView(next);
    setCursorInfo(cursorInfoAt(widgetAnchor));
}

CursorInfo ImageCanvas::cursorInfoAt(QPointF widgetPos) const
{
    CursorInfo info;
    if (m_source.isNull() || !rect().contains(widgetPos.toPoint())) return info;
    info.pixel = m_view.imagePixelAt(widgetPos);
    info.overImage = m_source.rect().contains(info.pixel);
    if (info.overImage)
        info.value = m_windowLevel->isActive() ? m_windowLevel->valueText(info.pixel)
                                               : pixelValueText(m_source, info.pixel);
    return info;
}

void ImageCanvas::setCursorInfo(const CursorInfo& info)
{
    if (info.overImage == m_cursor.overImage && info.pixel == m_cursor.pixel && info.value == m_cursor.value)
        return;
    m_cursor = info;
    emit cursorInfoChanged(m_cursor);
}

void ImageCanvas::paintEvent(QPaintEvent* event)
{
    syncDevicePixelRatio();
    QPainter painter(this);
    painter.fillRect(event->rect(), palette().color(QPalette::Dark));
    const QRectF exposed = m_view.widgetToImage(QRectF(event->rect()));
    for (CanvasLayer* layer : std::as_const(m_layers)) {
        if (!layer->isVisible() || layer->opacity() <= 0) continue;
        painter.save();
        painter.setOpacity(layer->opacity());
        layer->paint(painter, m_view, exposed);
        painter.restore();
    }
    if (m_windowLevel->isActive()) paintWindowOverlay(painter);
    if (m_source.isNull()) {
        painter.setPen(palette().color(QPalette::Disabled, QPalette::WindowText));
        painter.drawText(rect(), Qt::AlignCenter,
                         m_decoder.isBusy()       ? tr("Loading…")
                         : !m_loadError.isEmpty() ? m_loadError
                                                  : m_emptyText);
    }
}

void ImageCanvas::paintWindowOverlay(QPainter& painter)
{
    // The window in the corner, as viewers show it, outlined so it reads on any image.
    const QString text = m_windowLevel->windowText();
    const QRect box = rect().adjusted(8, 8, -8, -8);
    painter.setPen(Qt::black);
    painter.drawText(box.translated(1, 1), Qt::AlignLeft | Qt::AlignBottom, text);
    painter.setPen(Qt::white);
    painter.drawText(box, Qt::AlignLeft | Qt::AlignBottom, text);
}

void ImageCanvas::setEmptyText(const QString& text)
{
    m_emptyText = text;
    update();
}

void ImageCanvas::resizeEvent(QResizeEvent* event)
{
    if (m_fitMode) {
        fitToWindow();
        return;
    }
    // Keep the image point at the centre of the view where it was.
    const QPointF oldCenter(event->oldSize().width() / 2.0, event->oldSize().height() / 2.0);
    if (event->oldSize().isValid())
        setView(m_view.anchored(m_view.widgetToImage(oldCenter), QRectF(rect()).center()));
}

void ImageCanvas::wheelEvent(QWheelEvent* event)
{
    event->accept();
    if (m_source.isNull()) return;
    // Touchpads scroll with pixel deltas: two-finger scroll pans, pinch-like Ctrl+scroll zooms.
    if (!event->pixelDelta().isNull() && !(event->modifiers() & Qt::ControlModifier)) {
        setView(m_view.panned(QPointF(event->pixelDelta())));
        return;
    }
    if (event->angleDelta().isNull()) return;
    setZoomAt(Zoomable::wheel(zoom(), event->angleDelta()), event->position());
}

template <typename Handler> bool ImageCanvas::route(Handler handler)
{
    if (m_tool && handler(static_cast<CanvasTool*>(m_tool))) return true;
    for (auto it = m_layers.rbegin(); it != m_layers.rend(); ++it)
        if ((*it)->isVisible() && handler(*it)) return true;
    return false;
}

void ImageCanvas::mousePressEvent(QMouseEvent* event)
{
    setFocus(Qt::MouseFocusReason);
    if (event->button() == Qt::MiddleButton || (event->button() == Qt::LeftButton && m_spaceHeld)) {
        m_navigating = true;
        m_grabImagePoint = m_view.widgetToImage(event->position());
        updateCursor();
        return;
    }
    const CanvasMouseEvent e = toCanvasEvent(event, m_view);
    if (!route([&](auto* h) { return h->mousePressed(e); }) && event->button() == Qt::RightButton)
        m_windowLevel->beginDrag(event->position()); // logical pixels: HiDPI drags feel the same
}

void ImageCanvas::mouseMoveEvent(QMouseEvent* event)
{
    if (m_navigating)
        setView(m_view.anchored(m_grabImagePoint, event->position()));
    else if (m_windowLevel->isDragging())
        m_windowLevel->dragTo(event->position());
    else
        route([e = toCanvasEvent(event, m_view)](auto* h) { return h->mouseMoved(e); });
    setCursorInfo(cursorInfoAt(event->position()));
}

void ImageCanvas::mouseReleaseEvent(QMouseEvent* event)
{
    if (m_navigating) {
        if (event->button() == Qt::MiddleButton || event->button() == Qt::LeftButton) {
            m_navigating = false;
            updateCursor();
        }
        return;
    }
    if (m_windowLevel->isDragging() && event->button() == Qt::RightButton) {
        m_windowLevel->endDrag();
        return;
    }
    route([e = toCanvasEvent(event, m_view)](auto* h) { return h->mouseReleased(e); });
}

void ImageCanvas::keyPressEvent(QKeyEvent* event)
{
    const bool plain = !(event->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier));
    switch (event->key()) {
    case Qt::Key_Space:
        if (!event->isAutoRepeat()) {
            m_spaceHeld = true;
            updateCursor();
        }
        return;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomIn();
        return;
    case Qt::Key_Minus:
        zoomOut();
        return;
    case Qt::Key_PageDown:
        emit nextImageRequested();
        return;
    case Qt::Key_PageUp:
        emit previousImageRequested();
        return;
    default:
        break;
    }
    const CanvasKeyEvent e{event->key(), event->modifiers(), event->isAutoRepeat(),
                           m_view.widgetToImage(mapFromGlobal(QCursor::pos())), m_view};
    if (route([&](auto* h) { return h->keyPressed(e); })) return;
    // Letter keys last, so a tool may claim them (labelme/CVAT: D next, A previous).
    if (plain && event->key() == Qt::Key_D) {
        emit nextImageRequested();
        return;
    }
    if (plain && event->key() == Qt::Key_A) {
        emit previousImageRequested();
        return;
    }
    QWidget::keyPressEvent(event);
}

void ImageCanvas::keyReleaseEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        m_spaceHeld = false;
        updateCursor();
        return;
    }
    QWidget::keyReleaseEvent(event);
}

void ImageCanvas::leaveEvent(QEvent* event)
{
    setCursorInfo({});
    QWidget::leaveEvent(event);
}

void ImageCanvas::focusOutEvent(QFocusEvent* event)
{
    m_spaceHeld = false;
    updateCursor();
    QWidget::focusOutEvent(event);
}

} // namespace loupe::views
