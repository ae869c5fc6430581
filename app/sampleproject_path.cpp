// SPDX-License-Identifier: MIT
#include "app/sampleproject_path.h"

#include "core/samples/createsampleproject.h"

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
    const QString created = core::createSampleProject(QFileInfo(path).absolutePath(), error);
    if (created.isEmpty()) return {};
    return created;
}

} // namespace loupe
