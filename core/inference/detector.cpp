// SPDX-License-Identifier: MIT
#include "core/inference/detector.h"

#include "core/inference/sam_clip_detector.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QMutexLocker>
#include <algorithm>
#include <map>

namespace loupe::core {

namespace {

struct Registry
{
    QMutex mutex;
    std::map<QString, DetectorFactory> factories;
};

// The kinds Loupe builds in, present before any plugin registers: a plugin registering the same
// architecture later replaces them.
void addBuiltins(Registry& r)
{
    const DetectorFactory samClip = [](const DetectorOptions& o) -> std::unique_ptr<Detector> {
        return std::make_unique<SamClipDetector>(o);
    };
    r.factories[QStringLiteral("SamModel")] = samClip;
    r.factories[QStringLiteral("sam")] = samClip; // configs that name only model_type
}

Registry& registry()
{
    static Registry r;
    static const bool builtins = (addBuiltins(r), true);
    (void)builtins;
    return r;
}

} // namespace

// Every name config.json gives the model: the architectures list first, then model_type, so a plugin
// may register either.
QStringList checkpointModelNames(const QString& folder, QString* why)
{
    QString ignored;
    if (!why) why = &ignored;
    const QString path = QDir(folder).filePath(QStringLiteral("config.json"));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *why = QStringLiteral("%1: cannot read (%2)").arg(path, file.errorString());
        return {};
    }
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(file.read(4 << 20), &err);
    if (!doc.isObject()) {
        *why = QStringLiteral("%1: not a JSON object (%2)").arg(path, err.errorString());
        return {};
    }
    QStringList names;
    for (const QJsonValue& v : doc.object().value(QStringLiteral("architectures")).toArray())
        if (v.isString()) names << v.toString();
    const QString modelType = doc.object().value(QStringLiteral("model_type")).toString();
    if (!modelType.isEmpty()) names << modelType;
    if (names.isEmpty()) *why = QStringLiteral("%1: names neither architectures nor model_type").arg(path);
    return names;
}

void registerDetector(const QString& architecture, DetectorFactory factory)
{
    Registry& r = registry();
    QMutexLocker lock(&r.mutex);
    r.factories[architecture] = std::move(factory);
}

QStringList detectorArchitectures()
{
    Registry& r = registry();
    QMutexLocker lock(&r.mutex);
    QStringList names;
    for (const auto& [name, factory] : r.factories)
        names << name;
    return names;
}

bool hasDetector(const QString& folder)
{
    const QStringList names = checkpointModelNames(folder);
    Registry& r = registry();
    QMutexLocker lock(&r.mutex);
    return std::any_of(names.begin(), names.end(),
                       [&](const QString& name) { return r.factories.count(name) > 0; });
}

std::unique_ptr<Detector> openDetector(const DetectorOptions& options, QString* why)
{
    QString reason;
    const QStringList names = checkpointModelNames(options.modelFolder, &reason);
    DetectorFactory factory;
    if (!names.isEmpty()) {
        {
            Registry& r = registry();
            QMutexLocker lock(&r.mutex);
            for (const QString& name : names) {
                const auto it = r.factories.find(name);
                if (it != r.factories.end()) {
                    factory = it->second;
                    break;
                }
            }
        }
        // Outside the lock: detectorArchitectures() takes it again.
        if (!factory)
            reason = QStringLiteral("%1: %2 proposes no shapes (detectors: %3)")
                         .arg(options.modelFolder, names.first(),
                              detectorArchitectures().join(QStringLiteral(", ")));
    }
    if (!factory) {
        if (why) *why = reason;
        return nullptr;
    }
    return factory(options); // throws compute::Error naming the folder
}

} // namespace loupe::core
