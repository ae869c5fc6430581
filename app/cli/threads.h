// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace loupe::cli {

// More threads than this only add scheduling cost on any machine Loupe runs on.
inline constexpr int kMaxThreads = 1024;

// Parses --threads N and applies it to the engine; returns false (after printing) on a bad value.
bool applyThreads(const QString& value);

} // namespace loupe::cli
