// SPDX-License-Identifier: MIT
#include "views/text/scrollingpanel.h"

#include <QScrollArea>
#include <QStyle>
#include <QVBoxLayout>
#include <algorithm>

namespace loupe::views {

QScrollArea* wrapInScrollArea(QWidget* panel, QWidget* content)
{
    auto* scroll = new QScrollArea(panel);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setWidget(content);
    auto* box = new QVBoxLayout(panel);
    box->setContentsMargins(0, 0, 0, 0);
    box->addWidget(scroll);
    return scroll;
}

QSize scrollingMinimumSize(const QScrollArea* scroll)
{
    const QSize content = scroll->widget()->minimumSizeHint();
    const int bar = scroll->style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, scroll);
    return {content.width() + bar, std::min(content.height(), kPanelMinimumHeight)};
}

} // namespace loupe::views
