// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

namespace loupe::core {

QString versionString();
// Compute backends compiled into this build ("cpu", "cuda", "vulkan").
QStringList builtBackends();

} // namespace loupe::core
