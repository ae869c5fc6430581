// SPDX-License-Identifier: MIT
#pragma once

#include <QStyledItemDelegate>

namespace loupe::views {

// Draws grid cells as a thumbnail with its file name centred below (QListView's list mode, which
// lays out huge models in batches, would otherwise put the name beside the icon), plus the review
// badge: a tick when the image is done and pills with its annotations' counts per review state.
class ThumbnailDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void setGrid(bool grid) { m_grid = grid; }
    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override;

private:
    bool m_grid = true;
};

} // namespace loupe::views
