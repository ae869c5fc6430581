// SPDX-License-Identifier: MIT
#include "views/explain/compareview.h"

#include <QGridLayout>
#include <QLabel>
#include <QPixmap>

namespace loupe::views {

CompareView::CompareView(QWidget* parent) : QWidget(parent)
{
    auto* grid = new QGridLayout(this);
    for (int side = 0; side < 2; ++side) {
        m_pictures[side] = new QLabel(this);
        m_pictures[side]->setAlignment(Qt::AlignCenter);
        m_pictures[side]->setMinimumSize(80, 80);
        m_pictures[side]->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored);
        m_captions[side] = new QLabel(this);
        m_captions[side]->setWordWrap(true);
        m_captions[side]->setAlignment(Qt::AlignTop | Qt::AlignHCenter);
        grid->addWidget(m_pictures[side], 0, side);
        grid->addWidget(m_captions[side], 1, side);
    }
    grid->setRowStretch(0, 1);
    clear();
}

void CompareView::clear()
{
    m_images[0] = m_images[1] = QImage();
    m_captions[0]->setText(tr("A: pin the shown map"));
    m_captions[1]->setText(tr("B: the shown map"));
    refresh();
}

void CompareView::setSide(int side, const QImage& overlay, const QString& caption)
{
    side &= 1;
    m_images[side] = overlay;
    m_captions[side]->setText(
        QStringLiteral("%1: %2").arg(side == 0 ? QStringLiteral("A") : QStringLiteral("B"), caption));
    refresh();
}

QString CompareView::caption(int side) const
{
    return m_captions[side & 1]->text();
}

void CompareView::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    refresh();
}

void CompareView::refresh()
{
    for (int side = 0; side < 2; ++side) {
        const QSize box = m_pictures[side]->size();
        m_pictures[side]->setPixmap(m_images[side].isNull()
                                        ? QPixmap()
                                        : QPixmap::fromImage(m_images[side].scaled(
                                              box, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
    }
}

} // namespace loupe::views
