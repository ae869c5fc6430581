// SPDX-License-Identifier: MIT
#pragma once

class QApplication;

namespace loupe::views {

// Applies a dark or light Fusion palette that follows the system colour scheme.
void applyTheme(QApplication& app);

} // namespace loupe::views
