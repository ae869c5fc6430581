// SPDX-License-Identifier: MIT
// Shared by the tests of the text panels (Caption, Ask): the text the `loupe` command prints for the same
// model and image, to compare the panel with, and a project asset made from an image file.
#pragma once

#include "core/store/project.h"
#include "core/store/records.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStringList>

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

} // namespace text_panel_test
