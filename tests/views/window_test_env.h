// SPDX-License-Identifier: MIT
// Shared by the tests that open the main window or its docks: settings of their own, emptied, and no
// modal dialog that would wait for a click nobody makes.
#pragma once

#include <QSettings>
#include <QStandardPaths>
#include <QtGlobal>

namespace window_test {

inline void isolateSettingsAndDialogs()
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    qputenv("LOUPE_NO_DIALOGS", "1");
}

} // namespace window_test
