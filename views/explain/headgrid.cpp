// SPDX-License-Identifier: MIT
#include "views/explain/headgrid.h"

#include "views/explain/heatmaprender.h"

#include <QMouseEvent>
#include <QPainter>

namespace loupe::views {

HeadGrid::HeadGrid(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("explainHeadGrid"));
    setToolTip(
        tr("Attention of the class token, per layer (rows) and head (columns). Click one to show it."));
}

void HeadGrid::setForward(std::shared_ptr<const core::CachedForward> forward, Colormap map)
{
    m_forward = std::move(forward);
    m_cells.clear();
    if (m_forward) {
        core::ExplainParams p;
        p.method = QStringLiteral("attention");
        for (int l = 0; l < m_forward->layers; ++l)
            for (int h = 0; h < m_forward->heads; ++h) {
                p.layer = l;
                p.head = h;
                m_cells << renderHeatMap(core::attentionMap(*m_forward, p), m_forward->grid.rows,
                                         m_forward->grid.cols, QSize(kCell, kCell), map);
            }
    }
    updateGeometry();
    adjustSize(); // it sits in a scroll area that does not resize it
    update();
}

void HeadGrid::setSelected(int layer, int head)
{
    m_layer = layer;
    m_head = head;
    update();
}

QRect HeadGrid::cellRect(int layer, int head) const
{
    return QRect(kLabel + head * (kCell + kGap), kLabel + layer * (kCell + kGap), kCell, kCell);
}

QSize HeadGrid::sizeHint() const
{
    return QSize(kLabel + heads() * (kCell + kGap), kLabel + layers() * (kCell + kGap));
}

void HeadGrid::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    if (!m_forward) {
        p.setPen(palette().color(QPalette::Disabled, QPalette::WindowText));
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
                   tr("The heads appear once the model has run."));
        return;
    }
    p.setPen(palette().color(QPalette::WindowText));
    for (int h = 0; h < heads(); ++h)
        p.drawText(QRect(cellRect(0, h).left(), 0, kCell, kLabel), Qt::AlignCenter,
                   QStringLiteral("H%1").arg(h));
    for (int l = 0; l < layers(); ++l) {
        p.drawText(QRect(0, cellRect(l, 0).top(), kLabel, kCell), Qt::AlignCenter,
                   QStringLiteral("L%1").arg(l));
        for (int h = 0; h < heads(); ++h)
            p.drawImage(cellRect(l, h), m_cells.value(l * heads() + h));
    }
    if (m_layer >= 0 && m_head >= 0 && m_layer < layers() && m_head < heads()) {
        p.setPen(QPen(palette().color(QPalette::Highlight), 2));
        p.drawRect(cellRect(m_layer, m_head).adjusted(-1, -1, 1, 1));
    }
}

void HeadGrid::mousePressEvent(QMouseEvent* event)
{
    for (int l = 0; l < layers(); ++l)
        for (int h = 0; h < heads(); ++h)
            if (cellRect(l, h).contains(event->position().toPoint())) {
                setSelected(l, h);
                emit headClicked(l, h);
                return;
            }
    QWidget::mousePressEvent(event);
}

} // namespace loupe::views
