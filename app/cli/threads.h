// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace loupe::cli {

// Parses --threads N and applies it to the engine; returns false (after printing) on a bad value.
bool applyThreads(const QString& value);

} // namespace loupe::cli
