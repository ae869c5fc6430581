// SPDX-License-Identifier: MIT
#pragma once

#include "core/explain/forward_cache.h"
#include "views/explain/colormap.h"

#include <QImage>
#include <QWidget>
#include <memory>

namespace loupe::views {

// Every head's attention at a glance: a layers × heads grid of small maps (the CLS row of each head,
// from the cached forward, no model pass). Clicking a cell picks that layer and head.
class HeadGrid : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kCell = 34; // logical pixels per map
    static constexpr int kGap = 2;
    static constexpr int kLabel = 22; // room for the layer/head numbers

    explicit HeadGrid(QWidget* parent = nullptr);
    void setForward(std::shared_ptr<const core::CachedForward> forward, Colormap map);
    void setSelected(int layer, int head); // -1, -1: none
    int layers() const { return m_forward ? m_forward->layers : 0; }
    int heads() const { return m_forward ? m_forward->heads : 0; }
    QRect cellRect(int layer, int head) const;
    QSize sizeHint() const override;

signals:
    void headClicked(int layer, int head);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    std::shared_ptr<const core::CachedForward> m_forward;
    QList<QImage> m_cells; // layer-major
    int m_layer = -1, m_head = -1;
};

} // namespace loupe::views
