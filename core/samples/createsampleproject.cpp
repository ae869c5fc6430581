// SPDX-License-Identifier: MIT
#include "core/samples/createsampleproject.h"

#include "core/import/importjob.h"
#include "core/samples/sampleproject.h"
#include "core/store/project.h"
#include "core/store/records.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

namespace loupe::core {

namespace {

// One colour per shape class, far apart on the hue circle so boxes stay distinguishable.
QColor labelColor(int index)
{
    static const QColor colors[] = {QColor(230, 25, 75),  QColor(60, 180, 75),  QColor(0, 130, 200),
                                    QColor(245, 130, 48), QColor(145, 30, 180), QColor(70, 240, 240)};
    return colors[index % 6];
}

// Registers a checkpoint folder under its folder name, with config.json's model_type as architecture.
bool registerModelFolder(Project& project, const QString& folder, QString* why)
{
    ModelRecord model;
    model.path = folder;
    model.name = QFileInfo(folder).fileName();
    QFile config(QDir(folder).filePath(QStringLiteral("config.json")));
    if (config.open(QIODevice::ReadOnly))
        model.architecture =
            QJsonDocument::fromJson(config.readAll()).object().value(QStringLiteral("model_type")).toString();
    return project.registerModel(model, why).has_value();
}

} // namespace

QString createSampleProject(const QString& folder, QString* error)
{
    QString why;
    const QString projectPath = QDir(folder).absoluteFilePath(QStringLiteral("sample.loupe"));
    if (QFileInfo::exists(projectPath)) {
        *error =
            QStringLiteral("Cannot create the sample project %1: the file already exists.").arg(projectPath);
        return {};
    }
    const SampleContent content = writeSampleContent(folder);
    if (!content.ok()) {
        *error = content.error;
        return {};
    }
    std::unique_ptr<Project> project = Project::create(projectPath, &why);
    if (!project) {
        *error = why;
        return {};
    }
    auto fail = [&](const QString& message) {
        *error = message;
        project.reset();
        // A half-made sample is useless and would be refused next time: remove it and its WAL files.
        for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
            QFile::remove(projectPath + suffix);
        return QString();
    };

    const ImportReport report = importFiles(*project, content.images);
    if (!report.error.isEmpty()) return fail(report.error);
    if (!report.failed.isEmpty()) return fail(report.failed.first().reason);
    if (report.added != content.images.size())
        return fail(QStringLiteral("%1: only %2 of %3 sample images were added")
                        .arg(projectPath)
                        .arg(report.added)
                        .arg(content.images.size()));

    // A fixed split so the browser's split filter has something to show: the last quarter is "val".
    QStringList names;
    for (const QString& image : content.images)
        names << QFileInfo(image).fileName();
    QList<qint64> train, val;
    const QVector<AssetRow> rows = project->assetPage({}, 0, int(content.images.size()));
    for (const AssetRow& row : rows) {
        const int index = int(names.indexOf(QFileInfo(row.storedPath).fileName()));
        (index >= 0 && index < int(names.size()) * 3 / 4 ? train : val).append(row.id);
    }
    if (!project->setSplit(train, QStringLiteral("train"), &why)) return fail(why);
    if (!project->setSplit(val, QStringLiteral("val"), &why)) return fail(why);

    for (int i = 0; i < content.labelNames.size(); ++i) {
        Label label;
        label.name = content.labelNames[i];
        label.color = labelColor(i);
        label.hotkey = QString::number(i + 1);
        label.order = i;
        if (!project->addLabel(label, &why)) return fail(why);
    }

    if (!content.modelFolder.isEmpty() && !registerModelFolder(*project, content.modelFolder, &why))
        return fail(why);
    for (const QString& folder : content.textModelFolders)
        if (!registerModelFolder(*project, folder, &why)) return fail(why);
    if (!content.segmentModelFolder.isEmpty() &&
        !registerModelFolder(*project, content.segmentModelFolder, &why))
        return fail(why);
    return projectPath;
}

} // namespace loupe::core
