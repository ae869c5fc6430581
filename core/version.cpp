// SPDX-License-Identifier: MIT
#include "core/version.h"

#include "compute/backend/cuda/cuda_devices.h"
#include "compute/backend/vulkan/vulkan_devices.h"

namespace loupe::core {

QString versionString()
{
    return QStringLiteral("0.1.0");
}

QStringList builtBackends()
{
    QStringList list{QStringLiteral("cpu")};
    // Each built backend with what it found here ("no NVIDIA driver (...)", "1 device" ...).
    if (LOUPE_HAVE_CUDA) list << QStringLiteral("cuda: %1").arg(QString::fromStdString(compute::cudaStatus()));
    if (LOUPE_HAVE_VULKAN)
        list << QStringLiteral("vulkan: %1").arg(QString::fromStdString(compute::vulkanStatus()));
    return list;
}

} // namespace loupe::core
