// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

namespace loupe::core {

QString versionString();
// Compute backends compiled into this build, each GPU backend with what it found on this machine
// ("cpu", "cuda: no NVIDIA driver (...)", "vulkan: 1 device").
QStringList builtBackends();

} // namespace loupe::core
