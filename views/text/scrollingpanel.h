// SPDX-License-Identifier: MIT
#pragma once

#include <QSize>

class QScrollArea;
class QWidget;

namespace loupe::views {

// A dock panel whose controls scroll vertically below kMinimumHeight instead of forcing the window
// taller: the right column holds several tabbed docks and a laptop window is 800 px high.
constexpr int kPanelMinimumHeight = 300;
// Puts `content` into a vertical scroll area filling `panel`.
QScrollArea* wrapInScrollArea(QWidget* panel, QWidget* content);
// As wide as the content needs (plus the scroll bar), at most kPanelMinimumHeight high.
QSize scrollingMinimumSize(const QScrollArea* scroll);

} // namespace loupe::views
