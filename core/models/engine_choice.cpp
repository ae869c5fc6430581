// SPDX-License-Identifier: MIT
#include "core/models/engine_choice.h"

#include "compute/backend/cuda/cuda_devices.h"
#include "compute/backend/vulkan/vulkan_devices.h"

#include <QFileInfo>
#include <QSettings>
#include <QUrl>

namespace loupe::core {

namespace {

// QSettings reads '/' as a group separator, so the path is percent-encoded into one key.
QString keyFor(const QString& folder)
{
    const QString path = QFileInfo(folder).absoluteFilePath();
    return QStringLiteral("modelEngine/") + QString::fromLatin1(QUrl::toPercentEncoding(path));
}

QString text(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

} // namespace

compute::EngineOptions modelEngineOptions(const QString& folder)
{
    compute::EngineOptions o;
    if (folder.isEmpty()) return o;
    const QSettings settings;
    const QString key = keyFor(folder);
    // A value this build does not know (written by a newer one, or edited by hand) keeps the default.
    if (const auto b = compute::parseBackendChoice(
            settings.value(key + QStringLiteral("/backend")).toString().toStdString()))
        o.backend = *b;
    if (const auto p = compute::parsePrecision(
            settings.value(key + QStringLiteral("/precision")).toString().toStdString()))
        o.precision = *p;
    return o;
}

void setModelEngineOptions(const QString& folder, const compute::EngineOptions& options)
{
    QSettings settings;
    const QString key = keyFor(folder);
    if (options.backend == compute::BackendChoice::Auto && options.precision == compute::Precision::Default) {
        settings.remove(key);
        return;
    }
    settings.setValue(key + QStringLiteral("/backend"), text(compute::backendChoiceName(options.backend)));
    settings.setValue(key + QStringLiteral("/precision"), text(compute::precisionName(options.precision)));
}

compute::EngineOptions engineOptionsOr(const std::optional<compute::EngineOptions>& given,
                                       const QString& folder)
{
    return given ? *given : modelEngineOptions(folder);
}

QStringList availableBackendChoices()
{
    QStringList out{QStringLiteral("auto"), QStringLiteral("cpu")};
    if (!compute::vulkanDeviceInfos().empty()) out << QStringLiteral("vulkan");
    if (!compute::cudaDeviceInfos().empty()) out << QStringLiteral("cuda");
    return out;
}

QStringList precisionChoices()
{
    QStringList out;
    for (auto p : {compute::Precision::Default, compute::Precision::F32, compute::Precision::BF16,
                   compute::Precision::F16, compute::Precision::Int8})
        out << text(compute::precisionName(p));
    return out;
}

} // namespace loupe::core
