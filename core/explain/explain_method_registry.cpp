// SPDX-License-Identifier: MIT
#include "core/explain/explain_method_registry.h"

#include "core/explain/explainer.h"
#include "core/named_registry.h"

#include <algorithm>

namespace loupe::core {

namespace {

NamedRegistry<ExplainMethodEntry>& registry()
{
    static NamedRegistry<ExplainMethodEntry> r;
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
    if (!entry.settings.empty() && !entry.mapWithSettings) {
        *why = QStringLiteral("explanation method '%1' has settings but no map function taking them")
                   .arg(entry.name);
        return false;
    }
    if (isBuiltIn(entry.name)) {
        *why = QStringLiteral("explanation method '%1' is built in").arg(entry.name);
        return false;
    }
    return registry().add(std::move(entry), QStringLiteral("explanation method"), why);
}

std::vector<ExplainMethodEntry> registeredExplainMethods()
{
    return registry().all();
}

QStringList registeredExplainMethodNames()
{
    QStringList names;
    for (const ExplainMethodEntry& e : registeredExplainMethods())
        names << e.name;
    return names;
}

std::vector<ExplainMethodSetting> explainMethodSettings(const QString& method)
{
    const std::optional<ExplainMethodEntry> e = registry().find(method);
    return e ? e->settings : std::vector<ExplainMethodSetting>{};
}

std::optional<QVariantMap> parseExplainMethodSettings(const QString& method, const QStringList& keyValues,
                                                      QString* error)
{
    const std::vector<ExplainMethodSetting> settings = explainMethodSettings(method);
    QStringList keys;
    for (const ExplainMethodSetting& s : settings)
        keys << s.key;
    QVariantMap out;
    for (const QString& kv : keyValues) {
        const qsizetype eq = kv.indexOf(QLatin1Char('='));
        if (eq <= 0) {
            *error = QStringLiteral("a setting is KEY=VALUE, got '%1'").arg(kv);
            return std::nullopt;
        }
        const QString key = kv.left(eq).trimmed();
        const QString text = kv.mid(eq + 1).trimmed();
        const auto s = std::find_if(settings.begin(), settings.end(),
                                    [&](const ExplainMethodSetting& x) { return x.key == key; });
        if (s == settings.end()) {
            *error = keys.isEmpty()
                         ? QStringLiteral("method '%1' has no settings (got '%2')").arg(method, key)
                         : QStringLiteral("method '%1' has no setting '%2'; it has %3")
                               .arg(method, key, keys.join(QStringLiteral(", ")));
            return std::nullopt;
        }
        bool ok = true;
        QVariant value;
        switch (s->defaultValue.typeId()) {
        case QMetaType::Int:
            value = text.toInt(&ok);
            break;
        case QMetaType::LongLong:
            value = text.toLongLong(&ok);
            break;
        case QMetaType::Double:
        case QMetaType::Float:
            value = text.toDouble(&ok);
            break;
        case QMetaType::Bool:
            ok = text == QLatin1String("true") || text == QLatin1String("false");
            value = text == QLatin1String("true");
            break;
        default:
            value = text;
        }
        if (!ok) {
            *error = QStringLiteral("setting '%1' of '%2' takes %3 like its default %4, got '%5'")
                         .arg(key, method,
                              s->defaultValue.typeId() == QMetaType::Bool ? QStringLiteral("true or false")
                              : s->defaultValue.typeId() == QMetaType::Double ||
                                      s->defaultValue.typeId() == QMetaType::Float
                                  ? QStringLiteral("a number")
                                  : QStringLiteral("a whole number"),
                              s->defaultValue.toString(), text);
            return std::nullopt;
        }
        out.insert(key, value);
    }
    return out;
}

std::optional<QMap<QString, QVariantMap>>
parseExplainMethodsSettings(const QStringList& methods, const QStringList& keyValues, QString* error)
{
    QMap<QString, QVariantMap> out;
    for (const QString& kv : keyValues) {
        const qsizetype eq = kv.indexOf(QLatin1Char('='));
        const qsizetype colon = kv.indexOf(QLatin1Char(':'));
        QStringList targets;
        QString setting = kv;
        if (colon > 0 && (eq < 0 || colon < eq)) {
            const QString method = kv.left(colon);
            if (!methods.contains(method)) {
                *error = QStringLiteral("--set %1: '%2' is not one of the methods measured (%3)")
                             .arg(kv, method, methods.join(QStringLiteral(", ")));
                return std::nullopt;
            }
            targets << method;
            setting = kv.mid(colon + 1);
        } else {
            const QString key = kv.left(eq).trimmed();
            for (const QString& m : methods)
                for (const ExplainMethodSetting& s : explainMethodSettings(m))
                    if (s.key == key) targets << m;
            if (eq > 0 && targets.isEmpty()) {
                QStringList declared;
                for (const QString& m : methods)
                    for (const ExplainMethodSetting& s : explainMethodSettings(m))
                        declared << m + QLatin1Char(':') + s.key;
                *error = declared.isEmpty()
                             ? QStringLiteral("--set %1: none of the methods measured has settings").arg(kv)
                             : QStringLiteral("--set %1: no method measured has a setting '%2'; they have %3")
                                   .arg(kv, key, declared.join(QStringLiteral(", ")));
                return std::nullopt;
            }
            if (targets.isEmpty())
                targets << methods.value(0); // no '=': the single parser says what is wrong
        }
        for (const QString& m : targets) {
            const std::optional<QVariantMap> one = parseExplainMethodSettings(m, {setting}, error);
            if (!one) return std::nullopt;
            out[m].insert(*one);
        }
    }
    return out;
}

std::vector<float> explainMapWithSettings(const VitSession& session,
                                          const compute::attribution::PlanarImage& image, int target,
                                          const ExplainParams& params, const QVariantMap& settings,
                                          const ExplainControl* control)
{
    ExplainParams withSettings = params;
    withSettings.methodSettings.insert(settings);
    return explainMap(session, image, target, withSettings, control);
}

ExplainSettingsMapFn registeredExplainSettingsMap(const QString& name)
{
    const std::optional<ExplainMethodEntry> e = registry().find(name);
    return e ? e->mapWithSettings : ExplainSettingsMapFn{};
}

std::optional<ExplainMethodEntry> registeredExplainMethod(const QString& name)
{
    return registry().find(name);
}

QVariantMap completeExplainMethodSettings(const QString& method, const QVariantMap& settings)
{
    QVariantMap out = settings;
    for (const ExplainMethodSetting& s : explainMethodSettings(method)) {
        QVariant value = settings.value(s.key, s.defaultValue);
        // JSON gives 3.0 for 3 and a plugin may declare float: the default's type is the setting's.
        if (value.typeId() != s.defaultValue.typeId() && !value.convert(s.defaultValue.metaType()))
            value = settings.value(s.key);
        out.insert(s.key, value);
    }
    return out;
}

QStringList describeExplainMethodSettings(const QString& method, const QVariantMap& settings)
{
    QVariantMap left = completeExplainMethodSettings(method, settings);
    QStringList out;
    const auto describe = [&](const QString& key) {
        out << QStringLiteral("%1 %2").arg(key, left.value(key).toString());
        left.remove(key);
    };
    for (const ExplainMethodSetting& s : explainMethodSettings(method))
        describe(s.key);
    for (const QString& key : left.keys())
        describe(key);
    return out;
}

ExplainMapFn registeredExplainMap(const QString& name)
{
    const std::optional<ExplainMethodEntry> e = registry().find(name);
    return e ? e->map : ExplainMapFn{};
}

void clearRegisteredExplainMethods()
{
    registry().clear();
}

} // namespace loupe::core
