// SPDX-License-Identifier: MIT
#include "views/text/modelfit.h"

#include "core/models/architecture.h"
#include "core/store/project.h"
#include "core/store/records.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace loupe::views {

QStringList captionArchitectures()
{
    return {QStringLiteral("VisionEncoderDecoderModel"), QStringLiteral("BlipForConditionalGeneration")};
}

QStringList questionArchitectures()
{
    return {QStringLiteral("BlipForQuestionAnswering")};
}

QStringList matchArchitectures()
{
    return {QStringLiteral("CLIPModel")};
}

bool folderRuns(const QString& folder, const QStringList& architectures)
{
    // detectArchitecture answers for the classification path (it refuses the text models), so read the
    // class names config.json lists, or its model_type's default, here.
    if (folder.isEmpty()) return false;
    QFile file(QDir(folder).filePath(QStringLiteral("config.json")));
    if (!file.open(QIODevice::ReadOnly)) return false;
    const QJsonObject config = QJsonDocument::fromJson(file.read(1 << 20)).object();
    for (const QJsonValue& v : config.value(QStringLiteral("architectures")).toArray())
        if (architectures.contains(v.toString())) return true;
    if (config.contains(QStringLiteral("architectures"))) return false;
    const QString modelType = config.value(QStringLiteral("model_type")).toString();
    for (const core::ArchitectureSpec& spec : core::knownArchitectures())
        if (modelType == QLatin1String(spec.modelType))
            return architectures.contains(QLatin1String(spec.architecture));
    return false;
}

QString firstProjectModel(const core::Project* project, const QStringList& architectures)
{
    if (!project) return {};
    // The stored architecture is whatever registered the folder wrote (a model_type or a class name):
    // the folder's own config.json decides.
    for (const core::ModelRecord& m : project->models())
        if (const QString folder = project->absolutePath(m.path); folderRuns(folder, architectures))
            return folder;
    return {};
}

} // namespace loupe::views
