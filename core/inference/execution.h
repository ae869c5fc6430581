// SPDX-License-Identifier: MIT
#pragma once

#include "compute/engine_options.h"
#include "core/store/records.h"

#include <QJsonObject>
#include <QString>

namespace loupe::core {

// What a backend choice resolves to on this machine before anything runs: auto's pick, or the CPU with
// a reason when the named backend has no device here. The About dialog and the Models panel show it.
compute::ExecutionRecord plannedExecution(const compute::EngineOptions& options);

// Records what ran the model computations made between its construction and finish(), on the calling
// thread. The engine writes compute::lastExecution() as it runs a model; a model that wrote nothing ran
// on the CPU at f32 (the engine before it honoured the options), and when `options` asked for more, the
// reason says so, so that a run is never stored with a device or precision it did not have.
class ExecutionScope
{
public:
    explicit ExecutionScope(const compute::EngineOptions& options);
    compute::ExecutionRecord finish() const;

private:
    compute::EngineOptions m_options;
};

// Copies backend, device, precision and fall-back reason into a run about to be stored.
void applyExecution(RunRecord& run, const compute::ExecutionRecord& execution);
// {"backend", "device", "precision"} plus "fallback_reason" when there is one: what the commands' JSON
// outputs carry.
QJsonObject executionJson(const compute::ExecutionRecord& execution);
// "cpu (Intel Xeon), f32" for captions and status lines.
QString executionSummary(const compute::ExecutionRecord& execution);
// Whether maps computed this way are not f32 and must say so (bf16, f16, int8).
bool isReducedPrecision(const compute::ExecutionRecord& execution);

} // namespace loupe::core
