// SPDX-License-Identifier: MIT
#include "views/annotate/samtool.h"

#include "annotation/commands/changegeometry.h"
#include "annotation/geometry/rle.h"
#include "compute/error.h"
#include "compute/preprocess/sam_mask_polygon.h"
#include "core/models/engine_choice.h"
#include "core/store/project.h"
#include "views/annotate/shapescene.h"
#include "views/canvas/imagecanvas.h"
#include "views/text/modelfit.h"

#include <QPainter>
#include <QSettings>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>
#include <utility>

namespace loupe::views {

using namespace loupe::annotation;
using core::SegmentPrompt;
using core::SegmentResult;

namespace {

const QString kToleranceKey = QStringLiteral("annotate/samTolerance");
const QString kOutputKey = QStringLiteral("annotate/samOutput");
constexpr double kMaxTolerance = 50.0;

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
      m_watcher(new QFutureWatcher<SegmentResult>(this)), m_loadWatcher(new QFutureWatcher<Loaded>(this))
{
    connect(m_watcher, &QFutureWatcher<SegmentResult>::finished, this, &SamTool::delivered);
    connect(m_loadWatcher, &QFutureWatcher<Loaded>::finished, this, &SamTool::loadFinished);
    const QSettings settings;
    m_tolerance = std::clamp(settings.value(kToleranceKey, 1.0).toDouble(), 0.0, kMaxTolerance);
    m_output =
        settings.value(kOutputKey).toString() == QLatin1String("mask") ? Output::Mask : Output::Polygon;
    if (scene) connect(scene, &ShapeScene::selectionChanged, this, &SamTool::promptChanged);
}

SamTool::~SamTool() = default; // a decode or a load still running holds its own references

QString SamTool::samModelFolder(const core::Project& project)
{
    return firstProjectModel(&project, {QStringLiteral("SamModel")});
}

void SamTool::setModelFolder(const QString& folder)
{
    cancel();
    const int id = ++m_loadId; // a load still running for another folder is forgotten
    m_modelFolder = folder;
    m_segmenter->setModel(nullptr);
    if (folder.isEmpty()) {
        m_loading = false;
        if (scene() && canvas()) scene()->showMessage(hint());
        emit modelLoaded(true, {});
        return;
    }
    // Reading the weights takes seconds for a real checkpoint: never on the GUI thread.
    m_loading = true;
    if (scene() && canvas()) scene()->showMessage(hint());
    // The backend and precision chosen for this model in the Models panel, read at each load.
    const compute::EngineOptions engine = core::modelEngineOptions(folder);
    m_loadWatcher->setFuture(QtConcurrent::run([folder, id, engine] {
        Loaded l;
        l.id = id;
        try {
            l.model = core::SamCheckpoint::open(folder, engine);
        } catch (const std::exception& e) {
            l.error = QString::fromUtf8(e.what());
        }
        return l;
    }));
}

void SamTool::loadFinished()
{
    const Loaded l = m_loadWatcher->result();
    if (l.id != m_loadId) return;
    m_loading = false;
    m_segmenter->setModel(l.model);
    if (scene()) {
        if (l.model)
            scene()->showMessage(hint());
        else
            scene()->showMessage(tr("SAM model not usable, using GrabCut: %1").arg(l.error));
    }
    emit modelLoaded(l.model != nullptr, l.error);
    // Clicks made while loading are answered now, and an Enter or T pressed meanwhile follows.
    if (!m_prompt.isEmpty()) request(m_prompt, false);
}

QString SamTool::engineText() const
{
    if (m_loading) return tr("Loading SAM…");
    return m_segmenter->engine() == SegmentResult::Engine::Sam ? tr("SAM")
                                                               : tr("GrabCut (fallback: no SAM model)");
}

void SamTool::setTolerance(double imagePixels)
{
    const double t = std::clamp(imagePixels, 0.0, kMaxTolerance);
    if (t == m_tolerance) return;
    m_tolerance = t;
    saveOptions();
    if (scene() && canvas()) scene()->showMessage(hint());
    emit optionsChanged();
}

void SamTool::setOutput(Output output)
{
    if (output == m_output) return;
    m_output = output;
    saveOptions();
    if (scene() && canvas()) scene()->showMessage(hint());
    emit optionsChanged();
}

void SamTool::saveOptions() const
{
    QSettings settings;
    settings.setValue(kToleranceKey, m_tolerance);
    settings.setValue(kOutputKey,
                      m_output == Output::Mask ? QStringLiteral("mask") : QStringLiteral("polygon"));
}

QString SamTool::hint() const
{
    const QString enter = m_output == Output::Mask
                              ? tr("Enter mask, Shift+Enter polygon (tolerance %1 px, [ ])")
                              : tr("Enter polygon (tolerance %1 px, [ ]), Shift+Enter mask");
    QString text =
        tr("%1: click the object (right/Alt-click excludes), drag a box; %2, T tighten box, Esc clear")
            .arg(engineText(), enter.arg(m_tolerance, 0, 'f', 1));
    if (m_loading) text += tr(" — masks appear once the model is loaded");
    return text;
}

void SamTool::activate(ImageCanvas* canvas)
{
    AnnotateTool::activate(canvas);
    if (scene()) scene()->showMessage(hint());
    emit activeChanged(true);
}

void SamTool::deactivate()
{
    AnnotateTool::deactivate();
    emit activeChanged(false);
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
    m_pendingAction = Action::None;
    m_tightenShape = 0;
    m_tint = QImage();
    updateOverlay();
    emit promptChanged();
}

void SamTool::request(const SegmentPrompt& prompt, bool hover)
{
    if (!canvas() || prompt.isEmpty()) return;
    const int id = ++m_lastId;
    if (!hover) m_clickId = id;
    if (m_loading) {
        // GrabCut is not a silent stand-in: the clicks wait for the model (loadFinished asks again).
        if (!hover && scene()) scene()->showMessage(hint());
        return;
    }
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
    if (done.id == m_clickId && m_pendingAction != Action::None) {
        const Action action = std::exchange(m_pendingAction, Action::None);
        finish(action, result);
    }
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
    emit promptChanged();
    return true;
}

bool SamTool::keyPressed(const CanvasKeyEvent& e)
{
    switch (e.key) {
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (m_prompt.isEmpty()) return false;
        accept((m_output == Output::Mask) != bool(e.modifiers & Qt::ShiftModifier));
        return true;
    case Qt::Key_Escape:
        if (m_prompt.isEmpty() && m_preview.mask.isNull()) return false;
        cancel();
        return true;
    case Qt::Key_T:
        if (!canTightenBox()) return false;
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

bool SamTool::perform(Action action)
{
    if (m_clickResultId == m_clickId && m_clickResult.ok()) return finish(action, m_clickResult);
    // Not answered yet: done when the mask arrives (delivered), so the GUI thread never waits for a
    // decode. A failed answer for these very clicks is asked again.
    m_pendingAction = action;
    const bool inFlight =
        (m_watcher->isRunning() && m_runningRequest.id == m_clickId) || (m_next && m_next->id == m_clickId);
    if (!inFlight) request(m_prompt, false);
    if (scene()) scene()->showMessage(m_loading ? hint() : tr("%1: waiting for the mask…").arg(engineText()));
    return true;
}

bool SamTool::finish(Action action, const SegmentResult& r)
{
    if (!scene() || !scene()->isEditable() || !canvas()) return false;
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
    return action == Action::Tighten ? tightenTo(r) : addMask(action == Action::Mask, r);
}

bool SamTool::accept(bool asMask)
{
    if (!scene() || !scene()->isEditable() || !canvas() || m_prompt.isEmpty()) return false;
    return perform(asMask ? Action::Mask : Action::Polygon);
}

bool SamTool::addMask(bool asMask, const SegmentResult& r)
{
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

qint64 SamTool::selectedRectangle() const
{
    if (!scene() || !scene()->isEditable()) return 0;
    const QList<qint64> selected = scene()->editableSelection();
    if (selected.size() != 1) return 0;
    const Shape* s = scene()->shape(selected.first());
    return s && std::holds_alternative<RectangleGeom>(s->geometry) ? s->id : 0;
}

bool SamTool::canTightenBox() const
{
    return scene() && scene()->isEditable() && (m_prompt.box.has_value() || selectedRectangle() != 0);
}

bool SamTool::tightenBox()
{
    if (!scene() || !scene()->isEditable() || !canvas()) return false;
    if (!m_prompt.box) {
        const qint64 id = selectedRectangle();
        if (!id) return false;
        // The selected rectangle becomes this tool's box prompt; the answer changes its geometry.
        cancel();
        m_tightenShape = id;
        m_prompt.box = std::get<RectangleGeom>(scene()->shape(id)->geometry).rect.normalized();
        updateOverlay();
        emit promptChanged();
    }
    return perform(Action::Tighten);
}

bool SamTool::tightenTo(const SegmentResult& r)
{
    const QRect bounds = maskBounds(r.mask);
    if (bounds.isEmpty()) {
        scene()->showMessage(tr("%1 found no object in the box").arg(engineText()));
        return false;
    }
    if (m_tightenShape) {
        const Shape* s = scene()->shape(m_tightenShape);
        if (!s || !scene()->document()) return false;
        scene()->push(new ChangeGeometry(*scene()->document(), s->id, RectangleGeom{QRectF(bounds)}));
    } else {
        const std::optional<Shape> shape = newShape(RectangleGeom{QRectF(bounds)});
        if (!shape || !scene()->addShapes({*shape})) return false;
    }
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
