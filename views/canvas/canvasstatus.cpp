// SPDX-License-Identifier: MIT
#include "views/canvas/canvasstatus.h"

#include "views/canvas/imagecanvas.h"
#include "views/canvas/windowlevel.h"
#include "views/canvas/zoomable.h"
#include "views/dicom/dicompanel.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QTimer>

namespace loupe::views {

CanvasStatus::CanvasStatus(ImageCanvas* canvas, QWidget* parent)
    : QWidget(parent), m_canvas(canvas), m_hint(new QLabel(this)), m_hintTimer(new QTimer(this)),
      m_frame(new QLabel(this)), m_size(new QLabel(this)), m_position(new QLabel(this)),
      m_value(new QLabel(this)), m_window(new QLabel(this)), m_zoom(new QLabel(this))
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(16);
    m_hint->setObjectName(QStringLiteral("statusHint"));
    // The hint takes what room is left and elides; the readouts keep their own widths.
    m_hint->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_hint->setMinimumWidth(0);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_hint->installEventFilter(this);
    m_hintTimer->setSingleShot(true);
    connect(m_hintTimer, &QTimer::timeout, this, [this] { showHint({}); });
    m_frame->setObjectName(QStringLiteral("statusFrame"));
    m_frame->hide();
    m_size->setObjectName(QStringLiteral("statusImageSize"));
    m_position->setObjectName(QStringLiteral("statusPosition"));
    m_value->setObjectName(QStringLiteral("statusValue"));
    m_zoom->setObjectName(QStringLiteral("statusZoom"));
    m_window->setObjectName(QStringLiteral("statusWindow"));
    m_window->hide();
    // A click on the window readout opens the DICOM panel: presets, reset, the patient on request.
    m_window->setCursor(Qt::PointingHandCursor);
    m_window->installEventFilter(this);
    // Fixed minimum widths so the labels do not jitter as the cursor moves.
    const QFontMetrics fm(font());
    m_size->setMinimumWidth(fm.horizontalAdvance(QStringLiteral("00000 × 00000")));
    m_position->setMinimumWidth(fm.horizontalAdvance(QStringLiteral("x 00000  y 00000")));
    m_value->setMinimumWidth(fm.horizontalAdvance(QStringLiteral("RGBA16 65535 65535 65535 65535")));
    m_zoom->setMinimumWidth(fm.horizontalAdvance(QStringLiteral("12800%")));
    m_zoom->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    layout->addWidget(m_hint, 1);
    layout->addWidget(m_frame);
    for (QLabel* l : {m_size, m_position, m_value, m_window, m_zoom})
        layout->addWidget(l);
    connect(canvas, &ImageCanvas::imageChanged, this, &CanvasStatus::refreshImage);
    connect(canvas, &ImageCanvas::cursorInfoChanged, this, &CanvasStatus::refreshCursor);
    connect(canvas, &ImageCanvas::viewChanged, this, &CanvasStatus::refreshZoom);
    connect(canvas->windowLevel(), &WindowLevel::windowChanged, this, &CanvasStatus::refreshWindow);
    refreshImage();
}

void CanvasStatus::refreshImage()
{
    const QSize s = m_canvas->imageSize();
    m_size->setText(s.isEmpty() ? QString() : QStringLiteral("%1 × %2").arg(s.width()).arg(s.height()));
    refreshCursor(m_canvas->cursorInfo());
    refreshZoom();
    refreshWindow();
}

void CanvasStatus::refreshWindow()
{
    const WindowLevel* wl = m_canvas->windowLevel();
    m_window->setVisible(wl->isActive());
    m_window->setText(wl->windowText());
    if (!wl->isActive()) {
        m_window->setToolTip({});
        return;
    }
    // The patient is shown here, on demand, and nowhere that is saved or exported.
    QStringList lines{tr("Right-drag on the image: width (left/right), level (up/down)")};
    const core::DicomInfo& info = wl->dicom()->info;
    lines << tr("%1 %2, %3 bits stored").arg(info.modality, info.photometric).arg(info.bitsStored);
    for (const auto& [name, value] : info.patient.fields)
        lines << QStringLiteral("%1: %2").arg(name, value);
    m_window->setToolTip(lines.join(QLatin1Char('\n')));
}

void CanvasStatus::showDicomPanel()
{
    if (!m_canvas->windowLevel()->isActive()) return;
    if (!m_dicomPanel) {
        m_dicomPanel = new DicomPanel(m_canvas, this);
        m_dicomPanel->setWindowFlag(Qt::Popup);
        m_dicomPanel->setObjectName(QStringLiteral("statusDicomPanel"));
    }
    m_dicomPanel->adjustSize();
    // Above the readout, kept on screen by the window system.
    const QPoint corner = m_window->mapToGlobal(QPoint(0, 0));
    m_dicomPanel->move(corner.x(), corner.y() - m_dicomPanel->height());
    m_dicomPanel->show();
}

QString CanvasStatus::windowText() const
{
    return m_canvas->windowLevel()->isActive() ? m_window->text() : QString();
}

void CanvasStatus::refreshCursor(const CursorInfo& info)
{
    m_position->setText(info.overImage ? QStringLiteral("x %1  y %2").arg(info.pixel.x()).arg(info.pixel.y())
                                       : QString());
    m_value->setText(info.value);
}

void CanvasStatus::refreshZoom()
{
    m_zoom->setText(m_canvas->imageSize().isEmpty() ? QString() : Zoomable::toText(m_canvas->zoom()));
}

void CanvasStatus::showHint(const QString& text, int timeoutMs)
{
    m_hintFull = text;
    m_hint->setToolTip(text);
    elideHint();
    if (timeoutMs > 0 && !text.isEmpty())
        m_hintTimer->start(timeoutMs);
    else
        m_hintTimer->stop();
}

void CanvasStatus::elideHint()
{
    m_hint->setText(m_hint->fontMetrics().elidedText(m_hintFull, Qt::ElideRight, m_hint->width()));
}

bool CanvasStatus::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_hint && event->type() == QEvent::Resize) elideHint();
    if (watched == m_window && event->type() == QEvent::MouseButtonRelease) {
        showDicomPanel();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

void CanvasStatus::setFrameText(const QString& text, const QString& toolTip)
{
    m_frame->setText(text);
    m_frame->setToolTip(toolTip);
    m_frame->setVisible(!text.isEmpty());
}

QString CanvasStatus::frameText() const
{
    return m_frame->text();
}

QString CanvasStatus::sizeText() const
{
    return m_size->text();
}
QString CanvasStatus::positionText() const
{
    return m_position->text();
}
QString CanvasStatus::valueText() const
{
    return m_value->text();
}
QString CanvasStatus::zoomText() const
{
    return m_zoom->text();
}

} // namespace loupe::views
