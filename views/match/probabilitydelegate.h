// SPDX-License-Identifier: MIT
#pragma once

#include <QStyledItemDelegate>

namespace loupe::views {

// A text of the Match list with its probability as a bar behind it and the percentage at the right end;
// rows without a probability (not matched yet) are plain text.
class ProbabilityDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    static constexpr int ProbabilityRole = Qt::UserRole + 10; // double in [0, 1], or no value
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

} // namespace loupe::views
