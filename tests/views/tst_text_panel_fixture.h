// SPDX-License-Identifier: MIT
// Shared by the tests of the text panels (Caption, Ask): the text the `loupe` command prints for the same
// model and image, to compare the panel with, a project asset made from an image file, and a new project
// holding a golden model's input image, shown in a panel.
#pragma once

#include "common/testsupport.h"
#include "core/store/project.h"
#include "core/store/records.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <memory>

namespace text_panel_test {

// The "text" of what `loupe <args>` prints as JSON, or an empty string when the executable is not built.
inline QString cliText(const QStringList& args)
{
    const QString exe = QStringLiteral(LOUPE_BINARY_DIR "/bin/loupe");
    if (!QFileInfo(exe).isExecutable()) return {};
    QProcess p;
    p.start(exe, args);
    if (!p.waitForFinished(120000) || p.exitCode() != 0)
        return QStringLiteral("<failed: %1>").arg(QString::fromUtf8(p.readAllStandardError()));
    return QJsonDocument::fromJson(p.readAllStandardOutput())
        .object()
        .value(QStringLiteral("text"))
        .toString();
}

// Adds `file` as the project's only asset; its id, or -1 when the file or the store refuses.
inline qint64 addImage(loupe::core::Project& project, const QString& file)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) return -1;
    const QByteArray bytes = f.readAll();
    const QImage img = QImage::fromData(bytes);
    loupe::core::AssetRecord r;
    r.absolutePath = file;
    r.sha256Hex = QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
    r.width = img.width();
    r.height = img.height();
    r.format = QStringLiteral("png");
    r.fileSize = bytes.size();
    QString error;
    const auto added = project.addAssets({r}, &error);
    if (!added || added->added != 1) return -1;
    const QVector<loupe::core::AssetRow> rows = project.assetPage({}, 0, 1);
    return rows.isEmpty() ? -1 : rows.first().id;
}

// A new project in a temporary folder whose only asset is the input image of the golden model `name`.
// ok() is false, with error set, when the project or the asset could not be made.
struct GoldenAssetProject
{
    explicit GoldenAssetProject(const QString& name)
        : model(QDir(loupe::test::goldenDir(name)).canonicalPath()),
          image(QDir(model).filePath(QStringLiteral("input.png")))
    {
        project = loupe::core::Project::create(tmp.filePath(QStringLiteral("p.loupe")), &error);
        if (!project) return;
        asset = addImage(*project, image);
        if (asset < 0) error = QStringLiteral("%1: could not be added to the project").arg(image);
    }
    bool ok() const { return project && asset >= 0; }

    QString model;
    QString image;
    QTemporaryDir tmp;
    QString error;
    std::unique_ptr<loupe::core::Project> project;
    qint64 asset = -1;
};

// Points a Caption or Ask panel at the project's asset and the model.
template <class Panel> void showAsset(Panel& panel, const GoldenAssetProject& fx)
{
    panel.setProject(fx.project.get());
    panel.setModelFolder(fx.model);
    panel.setAsset(fx.asset);
}

} // namespace text_panel_test
