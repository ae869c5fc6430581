// SPDX-License-Identifier: MIT
#pragma once

#include "compute/engine_options.h"

#include <QString>
#include <QStringList>
#include <optional>

namespace loupe::core {

// The backend and precision the user chose for one model folder (the Models panel), kept in the
// application settings by the folder's absolute path so every project and every view that opens the
// model uses it. Default-constructed options (auto, the checkpoint's precision) when none was chosen.
compute::EngineOptions modelEngineOptions(const QString& folder);
// Stores the choice; the default options remove it. Takes effect the next time the model is opened.
void setModelEngineOptions(const QString& folder, const compute::EngineOptions& options);
// `given` when a caller fixed the options (the command line), otherwise the folder's stored choice.
compute::EngineOptions engineOptionsOr(const std::optional<compute::EngineOptions>& given,
                                       const QString& folder);

// The backends a choice may name on this machine: "auto" and "cpu" always, "vulkan" and "cuda" when a
// device of that kind was found (a CPU implementation of Vulkan, lavapipe, counts: it is asked for by name).
QStringList availableBackendChoices();
// Every precision a model can be asked to run at: "default", "f32", "bf16", "f16", "int8".
QStringList precisionChoices();

} // namespace loupe::core
