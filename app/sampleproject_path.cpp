// SPDX-License-Identifier: MIT
#include "app/sampleproject_path.h"

#include "annotation/bridge/sampleannotations.h"

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
    // Created with its shapes on first run; a sample made by an older version (label names only) gets them
    // now.
    return annotation::prepareSampleProject(QFileInfo(sampleProjectPath()).absolutePath(), error);
}

} // namespace loupe
