// SPDX-License-Identifier: MIT
#include "app/sampleproject_path.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace loupe {

QString sampleProjectPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/sample/sample.loupe");
}

QString ensureSampleProject(QString* error)
{
    const QString path = sampleProjectPath();
    if (QFileInfo::exists(path)) return path;
    *error =
        QStringLiteral("The sample project %1 does not exist and this build cannot create it yet.").arg(path);
    return {};
}

} // namespace loupe
