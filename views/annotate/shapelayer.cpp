// SPDX-License-Identifier: MIT
#include "views/annotate/shapelayer.h"

#include "annotation/editing/handles.h"
#include "annotation/geometry/measure.h"
#include "views/annotate/annotatetool.h"
#include "views/annotate/shapescene.h"

#include <QPainter>
#include <QWidget>
#include <cmath>
#include <cstring>

namespace loupe::views {

using namespace loupe::annotation;

namespace {

constexpr double kHandleSide = 7;
constexpr double kPointRadius = 4;
constexpr double kKeypointRadius = 3.5;

// Widget-space polygon with vertices closer than a device-independent pixel to the last kept one
// dropped: a 2,000-vertex outline seen small costs what it shows.
QPolygonF decimated(const QPolygonF& points, const ViewTransform& view)
{
    QPolygonF out;
    out.reserve(points.size());
    const double s = view.scale();
    const QPointF o = view.offset();
    QPointF last;
    for (const QPointF& pt : points) {
        const QPointF w(pt.x() * s + o.x(), pt.y() * s + o.y());
        if (out.isEmpty() || std::abs(w.x() - last.x()) + std::abs(w.y() - last.y()) >= 1.0) {
            out.append(w);
            last = w;
        }
    }
    return out;
}

QPen outlinePen(const QColor& color, const Shape& s, bool selected, bool hovered)
{
    QPen pen(color, selected || hovered ? 2.5 : 1.0); // 1 px is the raster engine's fast path
    pen.setCosmetic(true);
    pen.setJoinStyle(Qt::MiterJoin);
    pen.setStyle(outlineStyle(s));
    return pen;
}

// Moves the pixels of img by d (device pixels) without a second buffer; what comes into view is cleared.
void scrollInPlace(QImage& img, QPoint d)
{
    const int w = img.width(), h = img.height();
    if (std::abs(d.x()) >= w || std::abs(d.y()) >= h) {
        img.fill(Qt::transparent);
        return;
    }
    const int bpp = 4;
    const int span = (w - std::abs(d.x())) * bpp;
    const int dstX = std::max(d.x(), 0) * bpp, srcX = std::max(-d.x(), 0) * bpp;
    auto move = [&](int y) {
        std::memmove(img.scanLine(y) + dstX, img.constScanLine(y - d.y()) + srcX, size_t(span));
    };
    if (d.y() > 0)
        for (int y = h - 1; y >= d.y(); --y)
            move(y);
    else
        for (int y = 0; y < h + d.y(); ++y)
            move(y);
    const int clearTop = d.y() > 0 ? 0 : h + d.y(), clearBottom = d.y() > 0 ? d.y() : h;
    for (int y = clearTop; y < clearBottom; ++y)
        std::memset(img.scanLine(y), 0, size_t(w) * bpp);
    const int cx0 = d.x() > 0 ? 0 : w + d.x(), cx1 = d.x() > 0 ? d.x() : w;
    if (cx1 > cx0)
        for (int y = 0; y < h; ++y)
            std::memset(img.scanLine(y) + cx0 * bpp, 0, size_t(cx1 - cx0) * bpp);
}

} // namespace

Qt::PenStyle outlineStyle(const Shape& s)
{
    // Proposals nobody has looked at yet are dashed; rejected ones dotted.
    if (s.review == ReviewState::Rejected) return Qt::DotLine;
    if (s.source == ShapeSource::Model && s.review == ReviewState::New) return Qt::DashLine;
    return Qt::SolidLine;
}

QString shapeCaption(const Shape& s, const LabelDef* label)
{
    QString text = label       ? label->name
                   : s.labelId ? QStringLiteral("#%1").arg(s.labelId)
                               : ShapeLayer::tr("(no label)"); // a class-agnostic model's proposal
    if (s.score) text += QStringLiteral(" %1").arg(*s.score, 0, 'f', 2);
    return text;
}

ShapeLayer::ShapeLayer(ShapeScene* scene, QObject* parent)
    : CanvasLayer(QStringLiteral("Shapes"), parent), m_scene(scene)
{
    connect(scene, &ShapeScene::changed, this, &ShapeLayer::onSceneChanged);
    connect(scene, &ShapeScene::overlayChanged, this, &ShapeLayer::onOverlayChanged);
    connect(scene, &ShapeScene::labelsChanged, this, [this] { onSceneChanged({}); });
    connect(scene, &ShapeScene::imageReset, this, [this] {
        m_masks.clear();
        onSceneChanged({});
    });
    m_settle.setSingleShot(true);
    m_settle.setInterval(kSettleMs);
    connect(&m_settle, &QTimer::timeout, this, [this] {
        m_cacheValid = false;
        emit changed();
    });
}

void ShapeLayer::setViewport(QWidget* widget)
{
    m_viewport = widget;
    m_cacheValid = false;
    m_cache = QImage();
}

QRectF ShapeLayer::withMargin(const QRectF& imageRect, const ViewTransform& view) const
{
    // Outlines, handles, the rotate handle and label text reach past the shape's bounds by a fixed
    // number of screen pixels.
    const double m = view.widgetToImageLength(AnnotateTool::kRotatePixels + 16);
    return imageRect.adjusted(-m, -m, m, m);
}

void ShapeLayer::onSceneChanged(const QRectF& imageRect)
{
    if (imageRect.isNull()) {
        m_cacheValid = false;
        emit changed();
        return;
    }
    if (m_cacheValid)
        m_dirty += m_cacheView.imageToWidget(withMargin(imageRect, m_cacheView)).toAlignedRect();
    emit changed(withMargin(imageRect, m_lastView));
}

void ShapeLayer::onOverlayChanged(const QRectF& imageRect)
{
    // Tool previews are drawn over the cache on every paint: nothing cached to redo.
    if (imageRect.isNull())
        emit changed();
    else
        emit changed(withMargin(imageRect, m_lastView));
}

void ShapeLayer::paint(QPainter& painter, const ViewTransform& view, const QRectF& exposedImageRect)
{
    m_lastView = view;
    m_lastPainted = 0;
    if (!m_scene) return;
    if (m_viewport) {
        paintCached(painter, view);
    } else {
        const QRectF widgetRect = view.imageToWidget(exposedImageRect);
        m_antialias = m_scene->visibleIn(exposedImageRect).size() <= size_t(kAntialiasLimit);
        drawShapes(painter, view, widgetRect);
    }
    drawDecorations(painter, view);
}

void ShapeLayer::drawShapes(QPainter& p, const ViewTransform& view, const QRectF& widgetRect)
{
    const std::vector<qint64> ids = m_scene->visibleIn(withMargin(view.widgetToImage(widgetRect), view));
    p.save();
    p.setRenderHint(QPainter::Antialiasing, m_antialias);
    // Half a pixel over, a 1 px antialiased outline covers one pixel column instead of blurring two.
    const double half = 0.5 / (p.device() ? p.device()->devicePixelRatioF() : 1.0);
    p.translate(half, half);
    for (qint64 id : ids)
        if (const Shape* s = m_scene->shape(id)) drawShape(p, view, *s);
    p.restore();
    m_lastPainted += int(ids.size());
}

void ShapeLayer::paintCached(QPainter& painter, const ViewTransform& view)
{
    const QSize size = m_viewport->size();
    const double dpr = m_viewport->devicePixelRatioF();
    const QRect all(QPoint(), size);
    const QSize pixels = (QSizeF(size) * dpr).toSize();
    if (m_cacheValid && m_cache.size() == pixels && m_cache.devicePixelRatio() == dpr &&
        view.scale() != m_cacheView.scale() &&
        m_scene->visibleIn(view.widgetToImage(QRectF(all))).size() > size_t(kDeferAbove)) {
        // Mid-zoom: the last drawing, scaled; the real one follows when the zoom rests.
        const double k = view.scale() / m_cacheView.scale();
        painter.save();
        painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
        painter.drawImage(QRectF(view.offset() - m_cacheView.offset() * k, QSizeF(size) * k), m_cache);
        painter.restore();
        m_settle.start();
        return;
    }
    m_settle.stop();
    if (!m_cacheValid || m_cache.size() != pixels || m_cacheView.scale() != view.scale() ||
        m_cache.devicePixelRatio() != dpr) {
        m_cache = QImage(pixels, QImage::Format_ARGB32_Premultiplied);
        m_cache.setDevicePixelRatio(dpr);
        m_cacheView = view;
        m_cacheValid = true;
        // Level of detail is chosen per view, not per strip, so a pan never mixes two looks.
        m_antialias = m_scene->visibleIn(view.widgetToImage(QRectF(all))).size() <= size_t(kAntialiasLimit);
        m_dirty = QRegion(all);
    } else {
        // A pan: move what is cached by whole device pixels; the sub-pixel rest is drawn as an offset
        // below, so no error builds up over many moves.
        const QPointF d = view.offset() - m_cacheView.offset();
        const QPoint shift(int(std::lround(d.x() * dpr)), int(std::lround(d.y() * dpr)));
        if (!shift.isNull()) {
            scrollInPlace(m_cache, shift);
            const QPointF logical = QPointF(shift) / dpr;
            m_cacheView = ViewTransform(m_cacheView.scale(), m_cacheView.offset() + logical, dpr);
            m_dirty.translate(logical.toPoint());
            m_dirty += QRegion(all) - QRegion(all.translated(logical.toPoint()));
        }
    }
    if (!m_dirty.isEmpty()) {
        QPainter q(&m_cache);
        for (const QRect& r : m_dirty& QRegion(all)) {
            q.setClipRect(r);
            q.setCompositionMode(QPainter::CompositionMode_Source);
            q.fillRect(r, Qt::transparent);
            q.setCompositionMode(QPainter::CompositionMode_SourceOver);
            drawShapes(q, m_cacheView, r);
        }
        m_dirty = QRegion();
    }
    painter.drawImage(view.offset() - m_cacheView.offset(), m_cache);
}

void ShapeLayer::drawDecorations(QPainter& painter, const ViewTransform& view)
{
    painter.setRenderHint(QPainter::Antialiasing, true);
    for (qint64 id : m_scene->selection()) {
        const Shape* s = m_scene->shape(id);
        if (s && m_scene->isShapeVisible(*s) && !m_scene->isLabelLocked(s->labelId))
            drawHandles(painter, view, *s);
    }
    // The label of the shape under the cursor, so one can tell classes apart without selecting.
    if (const Shape* h = m_scene->shape(m_scene->hovered()); h && m_scene->isShapeVisible(*h)) {
        const QRectF box = view.imageToWidget(boundingBox(h->geometry));
        const QString text = shapeCaption(*h, m_scene->label(h->labelId));
        const QRectF textRect = painter.fontMetrics().boundingRect(text).adjusted(-3, -1, 3, 1);
        const QRectF at = textRect.translated(box.topLeft() - QPointF(textRect.left(), textRect.bottom()));
        painter.fillRect(at, m_scene->colorOf(h->labelId).darker(160));
        painter.setPen(Qt::white);
        painter.drawText(at, Qt::AlignCenter, text);
    }
    if (AnnotateTool* tool = m_scene->activeTool()) {
        painter.save();
        tool->paintOverlay(painter, view);
        painter.restore();
    }
}

void ShapeLayer::drawShape(QPainter& p, const ViewTransform& view, const Shape& s)
{
    const QColor color = m_scene->colorOf(s.labelId);
    const bool selected = m_scene->isSelected(s.id);
    const bool hovered = m_scene->hovered() == s.id;
    if (const auto* mask = std::get_if<MaskGeom>(&s.geometry)) {
        Q_UNUSED(mask)
        drawMask(p, view, s, color);
        if (!selected && !hovered) return;
    }
    const QRectF screenBox = view.imageToWidget(boundingBox(s.geometry));
    const auto kind = s.kind();
    if (kind != ShapeKind::Point && kind != ShapeKind::Keypoints && screenBox.width() < 2 &&
        screenBox.height() < 2) {
        // Level of detail: a shape smaller than two screen pixels is a dot of its colour.
        // Whole pixels: an antialiased 2x2 dot at a fractional spot would smear into a faint blur.
        const QPointF c = screenBox.center();
        const double half = 0.5 / (p.device() ? p.device()->devicePixelRatioF() : 1.0); // drawShapes' shift
        p.fillRect(QRectF(std::floor(c.x()) - 1 - half, std::floor(c.y()) - 1 - half, 2, 2), color);
        return;
    }
    p.setPen(outlinePen(color, s, selected, hovered));
    QColor fill = color;
    fill.setAlpha(selected ? 90 : hovered ? 70 : 45);
    p.setBrush(fill);

    std::visit(
        [&](const auto& g) {
            using G = std::decay_t<decltype(g)>;
            if constexpr (std::is_same_v<G, RectangleGeom>) {
                p.drawRect(view.imageToWidget(g.rect));
            } else if constexpr (std::is_same_v<G, RotatedRectGeom>) {
                p.drawPolygon(decimated(g.corners(), view));
            } else if constexpr (std::is_same_v<G, PolygonGeom>) {
                p.drawPolygon(decimated(g.points, view));
            } else if constexpr (std::is_same_v<G, PolylineGeom>) {
                p.setBrush(Qt::NoBrush);
                p.drawPolyline(decimated(g.points, view));
            } else if constexpr (std::is_same_v<G, PointGeom>) {
                p.drawEllipse(view.imageToWidget(g.point), kPointRadius, kPointRadius);
            } else if constexpr (std::is_same_v<G, KeypointsGeom>) {
                if (const LabelDef* l = m_scene->label(s.labelId)) {
                    for (const auto& [a, b] : l->skeleton) {
                        if (a < 0 || b < 0 || size_t(a) >= g.points.size() || size_t(b) >= g.points.size())
                            continue;
                        if (g.points[size_t(a)].visibility == 0 || g.points[size_t(b)].visibility == 0)
                            continue;
                        p.drawLine(view.imageToWidget(g.points[size_t(a)].pos),
                                   view.imageToWidget(g.points[size_t(b)].pos));
                    }
                }
                for (const Keypoint& k : g.points) {
                    if (k.visibility == 0) continue;
                    // Labelled but occluded keypoints are hollow.
                    p.setBrush(k.visibility == 2 ? QBrush(color) : QBrush(Qt::NoBrush));
                    p.drawEllipse(view.imageToWidget(k.pos), kKeypointRadius, kKeypointRadius);
                }
            } else if constexpr (std::is_same_v<G, MaskGeom>) {
                p.setBrush(Qt::NoBrush);
                p.drawRect(screenBox);
            }
        },
        s.geometry);
}

void ShapeLayer::drawMask(QPainter& p, const ViewTransform& view, const Shape& s, const QColor& color)
{
    const RleMask& mask = std::get<MaskGeom>(s.geometry).mask;
    MaskImage& cached = m_masks[s.id];
    if (cached.runs != mask.runs() || cached.color != color || cached.image.isNull()) {
        cached.runs = mask.runs();
        cached.color = color;
        cached.box = mask.boundingBox();
        cached.image = QImage();
        if (!cached.box.isEmpty()) {
            cached.image = QImage(cached.box.size(), QImage::Format_ARGB32_Premultiplied);
            cached.image.fill(Qt::transparent);
            QColor c = color;
            c.setAlpha(110);
            const QRgb px = c.rgba();
            const QRgb pre = qPremultiply(px);
            mask.forEachRowSpan([&](int y, int x0, int x1) {
                auto* row = reinterpret_cast<QRgb*>(cached.image.scanLine(y - cached.box.top()));
                for (int x = x0; x < x1; ++x)
                    row[x - cached.box.left()] = pre;
            });
        }
    }
    if (cached.image.isNull()) return;
    p.save();
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    p.drawImage(view.imageToWidget(QRectF(cached.box)), cached.image);
    p.restore();
}

void ShapeLayer::drawHandles(QPainter& p, const ViewTransform& view, const Shape& s)
{
    const std::vector<Handle> handles =
        handlesOf(s.geometry, view.widgetToImageLength(AnnotateTool::kRotatePixels));
    // A polygon with thousands of vertices seen small would be a solid blob of handles.
    if (handles.size() > 400) return;
    QPen border(QColor(20, 20, 20), 1);
    border.setCosmetic(true);
    p.setPen(border);
    for (const Handle& h : handles) {
        const QPointF c = view.imageToWidget(h.pos);
        if (h.kind == HandleKind::Rotate) {
            // Joined to the middle of the top side, which is the handle before it.
            const auto top = std::find_if(handles.begin(), handles.end(), [](const Handle& e) {
                return e.kind == HandleKind::Edge && e.index == 0;
            });
            if (top != handles.end()) p.drawLine(view.imageToWidget(top->pos), c);
            p.setBrush(QColor(255, 220, 60));
            p.drawEllipse(c, kHandleSide / 2 + 1, kHandleSide / 2 + 1);
            continue;
        }
        p.setBrush(h.kind == HandleKind::Edge ? QColor(210, 210, 210) : QColor(Qt::white));
        p.drawRect(QRectF(c.x() - kHandleSide / 2, c.y() - kHandleSide / 2, kHandleSide, kHandleSide));
    }
}

} // namespace loupe::views
