// SPDX-License-Identifier: MIT
#include "core/explain/explain_method_registry.h"

#include "core/explain/explainer.h"

#include <QMutex>
#include <QMutexLocker>

namespace loupe::core {

namespace {

struct Registry
{
    QMutex mutex;
    std::vector<ExplainMethodEntry> entries;
};

Registry& registry()
{
    static Registry r;
    return r;
}

// The built-in list without the registered names (forwardMethods() appends those).
bool isBuiltIn(const QString& name)
{
    return forwardMethods().contains(name) && !registeredExplainMethodNames().contains(name);
}

} // namespace

bool registerExplainMethod(ExplainMethodEntry entry, QString* why)
{
    if (entry.name.trimmed().isEmpty() || !entry.map) {
        *why = QStringLiteral("an explanation method needs a name and a map function");
        return false;
    }
    if (isBuiltIn(entry.name)) {
        *why = QStringLiteral("explanation method '%1' is built in").arg(entry.name);
        return false;
    }
    Registry& r = registry();
    QMutexLocker lock(&r.mutex);
    for (const ExplainMethodEntry& e : r.entries)
        if (e.name == entry.name) {
            *why =
                QStringLiteral("explanation method '%1' is already provided by %2").arg(entry.name, e.origin);
            return false;
        }
    r.entries.push_back(std::move(entry));
    return true;
}

std::vector<ExplainMethodEntry> registeredExplainMethods()
{
    Registry& r = registry();
    QMutexLocker lock(&r.mutex);
    return r.entries;
}

QStringList registeredExplainMethodNames()
{
    QStringList names;
    for (const ExplainMethodEntry& e : registeredExplainMethods())
        names << e.name;
    return names;
}

ExplainMapFn registeredExplainMap(const QString& name)
{
    Registry& r = registry();
    QMutexLocker lock(&r.mutex);
    for (const ExplainMethodEntry& e : r.entries)
        if (e.name == name) return e.map;
    return {};
}

void clearRegisteredExplainMethods()
{
    Registry& r = registry();
    QMutexLocker lock(&r.mutex);
    r.entries.clear();
}

} // namespace loupe::core
