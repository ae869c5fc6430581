// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

class QApplication;

namespace loupe::views {

enum class Theme { System, Light, Dark };

// Theme chosen by the user: LOUPE_THEME=dark|light wins, then the View ▸ Theme setting, else System.
Theme configuredTheme();
void saveThemeSetting(Theme theme);
QString themeName(Theme theme);

// Whether the desktop asks for dark colours (Qt 6.4 has no QStyleHints::colorScheme(); the platform
// palette, read before we replace it, tells).
bool systemPrefersDark();

// Applies Fusion with a dark or light palette. System resolves to what the desktop uses.
void applyTheme(QApplication& app);
void applyTheme(QApplication& app, Theme theme);
bool isDarkTheme();

} // namespace loupe::views
