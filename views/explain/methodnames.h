// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace loupe::core {
struct ExplainParams;
}

namespace loupe::views {

// What the window calls a method ("Input × gradient"); the id (the command line's name) where the window
// has no name for it.
QString methodDisplayName(const QString& id);

// One line naming the method and its settings, as overlays and run lists show them:
// "Grad-CAM (LayerNorm output) · block 5".
QString methodSummary(const core::ExplainParams& params);

} // namespace loupe::views
