// SPDX-License-Identifier: MIT
#include "core/version.h"

namespace loupe::core {

QString versionString()
{
    return QStringLiteral("0.1.0");
}

QStringList builtBackends()
{
    QStringList list{QStringLiteral("cpu")};
    if (LOUPE_HAVE_CUDA)
        list << QStringLiteral("cuda (toolkit found; backend not implemented yet)");
    if (LOUPE_HAVE_VULKAN)
        list << QStringLiteral("vulkan (toolkit found; backend not implemented yet)");
    return list;
}

} // namespace loupe::core
