// SPDX-License-Identifier: MIT
#pragma once

#include "compute/attribution/occlusion.h"
#include "core/explain/vit_session.h"

#include <QString>
#include <QStringList>
#include <QVariantMap>
#include <functional>
#include <optional>
#include <vector>

namespace loupe::core {

struct ExplainParams;
struct ExplainControl;

// A map method added at run time (plugins): the same contract as explainMap, the map on the patch grid
// (rows × cols, row-major). Throws compute::Error on bad input, ExplainCancelled when control says stop.
using ExplainMapFn =
    std::function<std::vector<float>(const VitSession&, const compute::attribution::PlanarImage&, int target,
                                     const ExplainParams&, const ExplainControl*)>;

// The same with the method's own settings by key (over the defaults; see ExplainMethodSetting).
using ExplainSettingsMapFn = std::function<std::vector<float>(
    const VitSession&, const compute::attribution::PlanarImage&, int target, const ExplainParams&,
    const QVariantMap& settings, const ExplainControl*)>;

// One knob a registered method exposes (`loupe explain --set KEY=VALUE`). The default's type is the
// value's: a whole number, a number, true/false or text.
struct ExplainMethodSetting
{
    QString key;
    QVariant defaultValue;
    QString description;
};

struct ExplainMethodEntry
{
    QString name;   // as --method takes it
    QString title;  // for people
    QString origin; // where it came from (a plugin's file), for messages
    ExplainMapFn map;
    std::vector<ExplainMethodSetting> settings; // empty: the method has none
    ExplainSettingsMapFn mapWithSettings;       // set when settings is not empty
};

// False with *why when the name is empty, taken by a built-in method or already registered: a plugin
// never silently replaces what a user's saved explanations refer to. Thread-safe.
bool registerExplainMethod(ExplainMethodEntry entry, QString* why);
std::vector<ExplainMethodEntry> registeredExplainMethods();
QStringList registeredExplainMethodNames();
// Null when no registered method has the name.
ExplainMapFn registeredExplainMap(const QString& name);
// The settings-taking map of a registered method; null when it has no settings or no such method.
ExplainSettingsMapFn registeredExplainSettingsMap(const QString& name);
// The registered method's entry; nullopt for a built-in or unknown method.
std::optional<ExplainMethodEntry> registeredExplainMethod(const QString& name);
// The settings a method exposes; empty for a built-in or unknown method.
std::vector<ExplainMethodSetting> explainMethodSettings(const QString& method);
// Every declared setting of the method: the given value converted to its default's type, else the
// default. Keys the method does not declare are kept as given (a record made by another version of a
// plugin keeps what it was made with). Two maps that would run the method alike come out equal.
QVariantMap completeExplainMethodSettings(const QString& method, const QVariantMap& settings);
// "KEY=VALUE" strings checked against the method's settings, each value converted to its default's
// type. nullopt with *error naming the key or value and the choices (a method without settings takes
// none).
std::optional<QVariantMap> parseExplainMethodSettings(const QString& method, const QStringList& keyValues,
                                                      QString* error);
// "samples 3", "noise 0.15", ...: each of completeExplainMethodSettings() in the order the method
// declares them (then any it does not declare), for titles and captions.
QStringList describeExplainMethodSettings(const QString& method, const QVariantMap& settings);
// `--set` for several methods at once (loupe explain-quality): "METHOD:KEY=VALUE" sets one method's
// setting, "KEY=VALUE" that of every listed method declaring KEY. nullopt with *error when the method is
// not listed, the value does not fit, or no listed method has the key.
std::optional<QMap<QString, QVariantMap>>
parseExplainMethodsSettings(const QStringList& methods, const QStringList& keyValues, QString* error);
// explainMap() with `settings` over params.methodSettings; without either it is explainMap().
std::vector<float> explainMapWithSettings(const VitSession& session,
                                          const compute::attribution::PlanarImage& image, int target,
                                          const ExplainParams& params, const QVariantMap& settings,
                                          const ExplainControl* control);
// For tests: forget every registered method.
void clearRegisteredExplainMethods();

} // namespace loupe::core
