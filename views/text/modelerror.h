// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <exception>

namespace loupe::views {

// What a panel shows when a model run fails: the engine's message (which names a file), prefixed with
// the model folder when it does not name it already, so the user always learns which model failed.
QString modelError(const QString& folder, const std::exception& e);

} // namespace loupe::views
