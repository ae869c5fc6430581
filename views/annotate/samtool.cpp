// SPDX-License-Identifier: MIT
#include "views/annotate/samtool.h"

#include "annotation/geometry/rle.h"
#include "compute/error.h"
#include "compute/preprocess/sam_mask_polygon.h"
#include "core/store/project.h"
#include "views/annotate/shapescene.h"
#include "views/canvas/imagecanvas.h"
#include "views/text/modelfit.h"

#include <QPainter>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>

namespace loupe::views {

using namespace loupe::annotation;
using core::SegmentPrompt;
using core::SegmentResult;

namespace {

std::vector<uint8_t> maskBytes(const QImage& mask)
{
    const int w = mask.width(), h = mask.height();
    std::vector<uint8_t> bytes(size_t(w) * size_t(h));
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            bytes[size_t(y) * size_t(w) + size_t(x)] = mask.constScanLine(y)[x] > 127 ? 1 : 0;
    return bytes;
}

QRect maskBounds(const QImage& mask)
{
    QRect r;
    for (int y = 0; y < mask.height(); ++y)
        for (int x = 0; x < mask.width(); ++x)
            if (mask.constScanLine(y)[x] > 127) r |= QRect(x, y, 1, 1);
    return r;
}

} // namespace

SamTool::SamTool(ShapeScene* scene, QObject* parent)
    : AnnotateTool(QStringLiteral("SAM"), scene, parent), m_segmenter(std::make_shared<core::Segmenter>()),
      m_watcher(new QFutureWatcher<SegmentResult>(this))
{
    connect(m_watcher, &QFutureWatcher<SegmentResult>::finished, this, &SamTool::delivered);
}

SamTool::~SamTool() = default; // a decode still running holds its own reference to the segmenter

QString SamTool::samModelFolder(const core::Project& project)
{
    return firstProjectModel(&project, {QStringLiteral("SamModel")});
}

bool SamTool::setModelFolder(const QString& folder)
{
    cancel();
    if (folder.isEmpty()) {
        m_segmenter->setModel(nullptr);
        return true;
    }
    try {
        m_segmenter->setModel(core::SamCheckpoint::open(folder));
        return true;
    } catch (const compute::Error& e) {
        m_segmenter->setModel(nullptr);
        if (scene()) scene()->showMessage(tr("SAM model not usable, using GrabCut: %1").arg(e.what()));
        return false;
    }
}

QString SamTool::engineText() const
{
    return m_segmenter->engine() == SegmentResult::Engine::Sam ? tr("SAM")
                                                               : tr("GrabCut (fallback: no SAM model)");
}

void SamTool::setTolerance(double imagePixels)
{
    m_tolerance = std::clamp(imagePixels, 0.0, 50.0);
    if (scene()) scene()->showMessage(hint());
}

QString SamTool::hint() const
{
    return tr("%1: click the object (right/Alt-click excludes), drag a box; Enter polygon (tolerance %2 px, "
              "[ ]), Shift+Enter mask, T tighten box, Esc clear")
        .arg(engineText())
        .arg(m_tolerance, 0, 'f', 1);
}

void SamTool::activate(ImageCanvas* canvas)
{
    AnnotateTool::activate(canvas);
    if (scene()) scene()->showMessage(hint());
}

void SamTool::cancel()
{
    m_prompt = SegmentPrompt();
    m_dragging = false;
    m_next.reset();
    ++m_lastId; // whatever is running is stale now
    m_preview = SegmentResult();
    m_clickResult = SegmentResult();
    m_clickResultId = -1;
    m_tint = QImage();
    updateOverlay();
}

void SamTool::request(const SegmentPrompt& prompt, bool hover)
{
    if (!canvas() || prompt.isEmpty()) return;
    const int id = ++m_lastId;
    if (!hover) m_clickId = id;
    m_next = Pending{prompt, hover, id};
    startNext();
}

void SamTool::startNext()
{
    if (m_watcher->isRunning() || !m_next || !canvas()) return;
    m_runningRequest = *m_next;
    m_next.reset();
    // The image is implicitly shared: the worker's copy stays valid if the canvas moves on.
    m_watcher->setFuture(
        QtConcurrent::run([seg = m_segmenter, path = canvas()->imagePath(), image = canvas()->sourceImage(),
                           prompt = m_runningRequest.prompt] { return seg->segment(path, image, prompt); }));
}

void SamTool::delivered()
{
    const Pending done = m_runningRequest;
    const SegmentResult result = m_watcher->result();
    if (done.id == m_clickId) {
        m_clickResult = result;
        m_clickResultId = done.id;
    }
    // Latest wins: an answer overtaken by a newer request is not shown.
    if (done.id == m_lastId) showPreview(result, done.hover);
    startNext();
}

void SamTool::showPreview(const SegmentResult& result, bool hover)
{
    m_preview = result;
    m_previewIsHover = hover;
    m_tint = QImage();
    if (result.ok()) {
        QColor color = scene() ? scene()->colorOf(scene()->currentLabel()) : QColor(Qt::cyan);
        color.setAlpha(110);
        m_tint = QImage(result.mask.size(), QImage::Format_ARGB32_Premultiplied);
        m_tint.fill(Qt::transparent);
        const QRgb fill = qPremultiply(color.rgba());
        for (int y = 0; y < m_tint.height(); ++y) {
            auto* row = reinterpret_cast<QRgb*>(m_tint.scanLine(y));
            const uchar* m = result.mask.constScanLine(y);
            for (int x = 0; x < m_tint.width(); ++x)
                if (m[x] > 127) row[x] = fill;
        }
    } else if (!hover && scene()) {
        scene()->showMessage(tr("%1: %2").arg(engineText(), result.error));
    }
    updateOverlay();
    emit previewChanged();
}

bool SamTool::mousePressed(const CanvasMouseEvent& e)
{
    if ((e.button != Qt::LeftButton && e.button != Qt::RightButton) || !scene() || !scene()->isEditable())
        return false;
    m_dragging = false;
    m_dragStart = m_dragNow = clampedToImage(e.imagePos);
    return true;
}

bool SamTool::mouseMoved(const CanvasMouseEvent& e)
{
    if (!scene() || !scene()->isEditable()) return false;
    if (e.buttons & Qt::LeftButton) {
        m_dragNow = clampedToImage(e.imagePos);
        if (!m_dragging && apartOnScreen(m_dragStart, m_dragNow, e.view, kSnapPixels / 2)) m_dragging = true;
        if (m_dragging) updateOverlay();
        return true;
    }
    // With SAM the mask follows the cursor until the first click; GrabCut is too slow to chase it.
    if (e.buttons == Qt::NoButton && m_prompt.isEmpty() &&
        m_segmenter->engine() == SegmentResult::Engine::Sam) {
        SegmentPrompt p;
        p.points = {clampedToImage(e.imagePos)};
        p.labels = {1};
        request(p, true);
    }
    return false;
}

bool SamTool::mouseReleased(const CanvasMouseEvent& e)
{
    if ((e.button != Qt::LeftButton && e.button != Qt::RightButton) || !scene() || !scene()->isEditable())
        return false;
    if (m_dragging && e.button == Qt::LeftButton) {
        m_prompt.box = QRectF(m_dragStart, m_dragNow).normalized();
    } else {
        const bool negative = e.button == Qt::RightButton || (e.modifiers & Qt::AltModifier);
        m_prompt.points.append(clampedToImage(e.imagePos));
        m_prompt.labels.append(negative ? 0 : 1);
    }
    m_dragging = false;
    request(m_prompt, false);
    updateOverlay();
    return true;
}

bool SamTool::keyPressed(const CanvasKeyEvent& e)
{
    switch (e.key) {
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (m_prompt.isEmpty()) return false;
        accept(e.modifiers & Qt::ShiftModifier);
        return true;
    case Qt::Key_Escape:
        if (m_prompt.isEmpty() && m_preview.mask.isNull()) return false;
        cancel();
        return true;
    case Qt::Key_T:
        if (!m_prompt.box) return false;
        tightenBox();
        return true;
    case Qt::Key_BracketLeft:
        setTolerance(m_tolerance - 0.5);
        return true;
    case Qt::Key_BracketRight:
        setTolerance(m_tolerance + 0.5);
        return true;
    default:
        return false;
    }
}

SegmentResult SamTool::maskForPrompt()
{
    if (m_clickResultId == m_clickId && m_clickResult.ok()) return m_clickResult;
    // Not answered yet: the user asked for it, so wait for it once.
    return m_segmenter->segment(canvas()->imagePath(), canvas()->sourceImage(), m_prompt);
}

bool SamTool::accept(bool asMask)
{
    if (!scene() || !scene()->isEditable() || !canvas() || m_prompt.isEmpty()) return false;
    const SegmentResult r = maskForPrompt();
    if (!r.ok()) {
        scene()->showMessage(tr("%1: %2").arg(engineText(), r.error));
        return false;
    }
    if (r.mask.size() != scene()->imageSize()) {
        scene()->showMessage(tr("%1: the mask is %2x%3 but the image is %4x%5")
                                 .arg(engineText())
                                 .arg(r.mask.width())
                                 .arg(r.mask.height())
                                 .arg(scene()->imageSize().width())
                                 .arg(scene()->imageSize().height()));
        return false;
    }
    const std::vector<uint8_t> bytes = maskBytes(r.mask);
    std::optional<Shape> shape;
    if (asMask) {
        shape = newShape(MaskGeom{RleMask::fromBitmap(bytes.data(), r.mask.width(), r.mask.height())});
    } else {
        QPolygonF poly;
        for (const auto& p : compute::maskOutline(bytes, r.mask.width(), r.mask.height(), m_tolerance))
            poly << QPointF(p[0], p[1]);
        if (poly.size() < 3) {
            scene()->showMessage(tr("%1 found no object here").arg(engineText()));
            return false;
        }
        shape = newShape(PolygonGeom{poly});
    }
    if (!shape || !scene()->addShapes({*shape})) return false;
    cancel();
    return true;
}

bool SamTool::tightenBox()
{
    if (!scene() || !scene()->isEditable() || !canvas() || !m_prompt.box) return false;
    const SegmentResult r = maskForPrompt();
    const QRect bounds = r.ok() ? maskBounds(r.mask) : QRect();
    if (bounds.isEmpty()) {
        scene()->showMessage(tr("%1 found no object in the box").arg(engineText()));
        return false;
    }
    const std::optional<Shape> shape = newShape(RectangleGeom{QRectF(bounds)});
    if (!shape || !scene()->addShapes({*shape})) return false;
    cancel();
    return true;
}

void SamTool::paintOverlay(QPainter& painter, const ViewTransform& view)
{
    if (!m_tint.isNull()) {
        const QRectF target(view.imageToWidget(QPointF(0, 0)),
                            view.imageToWidget(QPointF(m_tint.width(), m_tint.height())));
        painter.drawImage(target, m_tint);
    }
    painter.setRenderHint(QPainter::Antialiasing, true);
    const auto drawBox = [&](const QRectF& box) {
        painter.setBrush(Qt::NoBrush);
        painter.setPen(QPen(Qt::white, 1, Qt::DashLine));
        painter.drawRect(QRectF(view.imageToWidget(box.topLeft()), view.imageToWidget(box.bottomRight())));
    };
    if (m_prompt.box) drawBox(*m_prompt.box);
    if (m_dragging) drawBox(QRectF(m_dragStart, m_dragNow).normalized());
    for (int i = 0; i < m_prompt.points.size(); ++i) {
        painter.setPen(QPen(Qt::black, 1));
        painter.setBrush(m_prompt.labels[i] ? QColor(40, 200, 40) : QColor(220, 40, 40));
        painter.drawEllipse(view.imageToWidget(m_prompt.points[i]), 4, 4);
    }
}

} // namespace loupe::views
