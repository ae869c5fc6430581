// SPDX-License-Identifier: MIT
// Shared by the Explain view tests that run the in-tree SmoothGrad plugin, loaded from the build tree.
#pragma once

#include "plugins/host/plugin_host.h"

#include <QString>

namespace smoothgrad_test {

inline const QString kPlugin = QStringLiteral(LOUPE_PLUGIN_BUILD_DIR "/libloupe_smoothgrad.so");
inline const QString kMethod = QStringLiteral("smoothgrad");

// Loads the plugin, which registers its method for the rest of the process; false, with *why naming the
// file and the reason, when it does not load.
inline bool loadSmoothGrad(QString* why)
{
    loupe::plugins::PluginHost host;
    const loupe::plugins::PluginRecord& r = host.loadFile(kPlugin, QStringLiteral("test"));
    if (!r.loaded) *why = QStringLiteral("%1: %2").arg(kPlugin, r.reason);
    return r.loaded;
}

} // namespace smoothgrad_test
