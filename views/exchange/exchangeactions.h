// SPDX-License-Identifier: MIT
#pragma once

#include <functional>

class QMenu;
class QWidget;

namespace loupe::core {
class Project;
} // namespace loupe::core

namespace loupe::views {

// Adds File > Import Annotations… and File > Export… to `menu`. `project` gives the window's open
// project (null when none, which disables both); the dialogs open window-modal without blocking.
void addExchangeActions(QMenu* menu, QWidget* window, std::function<core::Project*()> project);

} // namespace loupe::views
