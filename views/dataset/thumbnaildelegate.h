// SPDX-License-Identifier: MIT
#pragma once

#include <QStyledItemDelegate>

namespace loupe::views {

// Draws grid cells as a thumbnail with its file name centred below (QListView's list mode, which
// lays out huge models in batches, would otherwise put the name beside the icon).
class ThumbnailDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void setGrid(bool grid) { m_grid = grid; }

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override;

private:
    bool m_grid = true;
};

} // namespace loupe::views
