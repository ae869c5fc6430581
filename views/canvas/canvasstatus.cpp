// SPDX-License-Identifier: MIT
#include "views/canvas/canvasstatus.h"

#include "views/canvas/imagecanvas.h"
#include "views/canvas/zoomable.h"

#include <QHBoxLayout>
#include <QLabel>

namespace loupe::views {

CanvasStatus::CanvasStatus(ImageCanvas* canvas, QWidget* parent)
    : QWidget(parent), m_canvas(canvas), m_size(new QLabel(this)), m_position(new QLabel(this)),
      m_value(new QLabel(this)), m_zoom(new QLabel(this))
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(16);
    m_size->setObjectName(QStringLiteral("statusImageSize"));
    m_position->setObjectName(QStringLiteral("statusPosition"));
    m_value->setObjectName(QStringLiteral("statusValue"));
    m_zoom->setObjectName(QStringLiteral("statusZoom"));
    // Fixed minimum widths so the labels do not jitter as the cursor moves.
    const QFontMetrics fm(font());
    m_position->setMinimumWidth(fm.horizontalAdvance(QStringLiteral("x 00000  y 00000")));
    m_value->setMinimumWidth(fm.horizontalAdvance(QStringLiteral("RGBA16 65535 65535 65535 65535")));
    m_zoom->setMinimumWidth(fm.horizontalAdvance(QStringLiteral("12800%")));
    m_zoom->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    for (QLabel* l : {m_size, m_position, m_value, m_zoom})
        layout->addWidget(l);
    connect(canvas, &ImageCanvas::imageChanged, this, &CanvasStatus::refreshImage);
    connect(canvas, &ImageCanvas::cursorInfoChanged, this, &CanvasStatus::refreshCursor);
    connect(canvas, &ImageCanvas::viewChanged, this, &CanvasStatus::refreshZoom);
    refreshImage();
}

void CanvasStatus::refreshImage()
{
    const QSize s = m_canvas->imageSize();
    m_size->setText(s.isEmpty() ? QString() : QStringLiteral("%1 × %2").arg(s.width()).arg(s.height()));
    refreshCursor(m_canvas->cursorInfo());
    refreshZoom();
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
