// SPDX-License-Identifier: MIT
#pragma once

#include "compute/attribution/occlusion.h"
#include "core/explain/vit_session.h"

#include <QString>
#include <QStringList>
#include <functional>
#include <vector>

namespace loupe::core {

struct ExplainParams;
struct ExplainControl;

// A map method added at run time (plugins): the same contract as explainMap, the map on the patch grid
// (rows × cols, row-major). Throws compute::Error on bad input, ExplainCancelled when control says stop.
using ExplainMapFn =
    std::function<std::vector<float>(const VitSession&, const compute::attribution::PlanarImage&, int target,
                                     const ExplainParams&, const ExplainControl*)>;

struct ExplainMethodEntry
{
    QString name;   // as --method takes it
    QString title;  // for people
    QString origin; // where it came from (a plugin's file), for messages
    ExplainMapFn map;
};

// False with *why when the name is empty, taken by a built-in method or already registered: a plugin
// never silently replaces what a user's saved explanations refer to. Thread-safe.
bool registerExplainMethod(ExplainMethodEntry entry, QString* why);
std::vector<ExplainMethodEntry> registeredExplainMethods();
QStringList registeredExplainMethodNames();
// Null when no registered method has the name.
ExplainMapFn registeredExplainMap(const QString& name);
// For tests: forget every registered method.
void clearRegisteredExplainMethods();

} // namespace loupe::core
