// SPDX-License-Identifier: MIT
#include "views/dataset/thumbnaildelegate.h"

#include "views/dataset/datasetmodel.h"

#include <QPainter>

namespace loupe::views {

void ThumbnailDelegate::initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    if (!m_grid) return;
    option->decorationPosition = QStyleOptionViewItem::Top;
    option->decorationAlignment = Qt::AlignHCenter | Qt::AlignVCenter;
    option->displayAlignment = Qt::AlignHCenter | Qt::AlignTop;
    option->textElideMode = Qt::ElideMiddle;
}

void ThumbnailDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                              const QModelIndex& index) const
{
    QStyledItemDelegate::paint(painter, option, index);
    if (!index.data(DatasetModel::LoadedRole).toBool()) return;
    const QVariantList counts = index.data(DatasetModel::ReviewCountsRole).toList();
    const bool done = index.data(DatasetModel::DoneRole).toBool();
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    QFont font = option.font;
    font.setPointSizeF(font.pointSizeF() * 0.8);
    painter->setFont(font);
    const QFontMetrics fm(font);
    const int h = fm.height() + 2;
    // In the grid the badge sits on the thumbnail's lower edge; in the list, at the row's right end.
    const QRect area = m_grid ? QRect(option.rect.left() + 2, option.rect.top() + 2, option.rect.width() - 4,
                                      option.decorationSize.height() + 4)
                              : option.rect.adjusted(2, 2, -2, -2);
    int x = area.right();
    const int y = m_grid ? area.bottom() - h : area.center().y() - h / 2;
    static const QColor colors[4] = {QColor(110, 110, 110), QColor(46, 160, 67), QColor(207, 34, 46),
                                     QColor(219, 130, 0)};
    static const char* const marks[4] = {"", "✓", "✗", "!"};
    for (int k = 3; k >= 0 && counts.size() == 4; --k) {
        const int n = counts[k].toInt();
        if (n == 0) continue;
        const QString text = QString::fromUtf8(marks[k]) + QString::number(n);
        const int w = fm.horizontalAdvance(text) + 8;
        const QRect pill(x - w, y, w, h);
        painter->setPen(Qt::NoPen);
        painter->setBrush(colors[k]);
        painter->drawRoundedRect(pill, h / 2.0, h / 2.0);
        painter->setPen(Qt::white);
        painter->drawText(pill, Qt::AlignCenter, text);
        x -= w + 2;
    }
    if (done) {
        const QRect tick(m_grid ? area.left() : x - h - 2, m_grid ? area.top() : y, h, h);
        painter->setPen(Qt::NoPen);
        painter->setBrush(colors[1]);
        painter->drawEllipse(tick);
        painter->setPen(Qt::white);
        painter->drawText(tick, Qt::AlignCenter, QStringLiteral("✓"));
    }
    painter->restore();
}

} // namespace loupe::views
