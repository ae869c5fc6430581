// SPDX-License-Identifier: MIT
#include "core/models/model_registry.h"

#include "compute/error.h"
#include "compute/io/checkpoint.h"
#include "compute/io/config.h"
#include "compute/preprocess/processor_fit.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonObject>
#include <filesystem>

namespace loupe::core {

namespace {

QString canonical(const QString& folder)
{
    const QFileInfo fi(folder);
    const QString c = fi.canonicalFilePath();
    return c.isEmpty() ? fi.absoluteFilePath() : c;
}

// Architecture from config.json, then the weights themselves: a folder whose shards are missing or
// corrupt is refused at registration rather than at the first run.
DetectedArchitecture check(const QString& folder)
{
    DetectedArchitecture d = detectArchitecture(folder);
    if (!d.ok()) return d;
    try {
        const compute::Checkpoint ckpt = compute::Checkpoint::open(folder.toStdString());
        // The settings loading will check, without loading the model: a processor that asks for 65536 x
        // 65536 or turns pixels into inf is refused here, with the file and field, not at the first run.
        const compute::ViTConfig cfg =
            compute::ViTConfig::fromJson(ckpt.config(), (ckpt.folder() / "config.json").string());
        const std::filesystem::path pp = ckpt.folder() / "preprocessor_config.json";
        if (std::filesystem::exists(pp))
            compute::checkProcessorFitsModel(compute::ImageProcessorConfig::fromFile(pp), cfg, pp.string(),
                                             false);
    } catch (const compute::Error& e) {
        d.error = QString::fromStdString(e.what());
    }
    return d;
}

} // namespace

ModelRegistry::ModelRegistry(QObject* parent) : QObject(parent) {}

QString ModelRegistry::registerFolder(const QString& folder, const QString& name)
{
    if (!QFileInfo(folder).isDir()) return QStringLiteral("%1: not a folder").arg(folder);
    RegisteredModel m;
    m.folder = canonical(folder);
    m.name = name.isEmpty() ? QFileInfo(m.folder).fileName() : name;
    m.architecture = check(m.folder);
    if (!m.architecture.ok()) return m.architecture.error;
    for (auto& existing : registered_) {
        if (existing.folder == m.folder) {
            existing = m;
            emit changed();
            return {};
        }
    }
    registered_ << m;
    emit changed();
    return {};
}

bool ModelRegistry::unregisterFolder(const QString& folder)
{
    const QString c = canonical(folder);
    for (qsizetype i = 0; i < registered_.size(); ++i) {
        if (registered_[i].folder == c || registered_[i].folder == folder) {
            registered_.removeAt(i);
            emit changed();
            return true;
        }
    }
    return false;
}

const RegisteredModel* ModelRegistry::find(const QString& folder) const
{
    const QString c = canonical(folder);
    for (const auto& m : registered_)
        if (m.folder == c || m.folder == folder) return &m;
    return nullptr;
}

void ModelRegistry::refreshCache(const QString& cacheDir)
{
    discovered_ = discoverCachedModels(cacheDir);
    emit changed();
}

QJsonArray ModelRegistry::toJson() const
{
    QJsonArray out;
    for (const auto& m : registered_)
        out.append(QJsonObject{{"name", m.name}, {"folder", m.folder}});
    return out;
}

void ModelRegistry::fromJson(const QJsonArray& entries)
{
    registered_.clear();
    for (const auto& v : entries) {
        const QJsonObject o = v.toObject();
        RegisteredModel m;
        m.folder = o.value("folder").toString();
        m.name = o.value("name").toString();
        if (m.folder.isEmpty()) continue;
        if (m.name.isEmpty()) m.name = QFileInfo(m.folder).fileName();
        m.architecture =
            QFileInfo(m.folder).isDir()
                ? check(m.folder)
                : DetectedArchitecture{{}, {}, {}, 0, QStringLiteral("%1: folder is missing").arg(m.folder)};
        registered_ << m;
    }
    emit changed();
}

} // namespace loupe::core
