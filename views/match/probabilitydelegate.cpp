// SPDX-License-Identifier: MIT
#include "views/match/probabilitydelegate.h"

#include <QApplication>
#include <QPainter>

namespace loupe::views {

void ProbabilityDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                                const QModelIndex& index) const
{
    const QVariant p = index.data(ProbabilityRole);
    if (!p.isValid()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    const double prob = std::clamp(p.toDouble(), 0.0, 1.0);
    const QString percent = QStringLiteral("%1 %").arg(prob * 100.0, 0, 'f', 1);
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QFontMetrics fm(opt.font);
    const int percentWidth = fm.horizontalAdvance(QStringLiteral("100.0 %")) + 8;
    // The bar goes under the text; the selection still shows, drawn by the style first.
    opt.text.clear();
    QApplication::style()->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);
    painter->save();
    const QRect bar = option.rect.adjusted(2, 3, -2, -3);
    QColor fill = option.palette.color(QPalette::Highlight);
    fill.setAlpha(option.state & QStyle::State_Selected ? 110 : 70);
    painter->setPen(Qt::NoPen);
    painter->setBrush(fill);
    painter->drawRoundedRect(QRect(bar.topLeft(), QSize(int(bar.width() * prob), bar.height())), 3, 3);
    painter->setPen(option.palette.color(option.state & QStyle::State_Selected ? QPalette::HighlightedText
                                                                               : QPalette::Text));
    const QRect textRect = option.rect.adjusted(6, 0, -percentWidth, 0);
    painter->drawText(
        textRect, Qt::AlignLeft | Qt::AlignVCenter,
        fm.elidedText(index.data(Qt::DisplayRole).toString(), Qt::ElideRight, textRect.width()));
    painter->drawText(option.rect.adjusted(0, 0, -6, 0), Qt::AlignRight | Qt::AlignVCenter, percent);
    painter->restore();
}

QSize ProbabilityDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QSize s = QStyledItemDelegate::sizeHint(option, index);
    s.setHeight(std::max(s.height(), option.fontMetrics.height() + 10));
    return s;
}

} // namespace loupe::views
