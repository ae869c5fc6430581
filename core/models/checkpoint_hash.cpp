// SPDX-License-Identifier: MIT
#include "core/models/checkpoint_hash.h"

#include "compute/error.h"
#include "compute/io/checkpoint.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <algorithm>

namespace loupe::core {

QString checkpointHash(const QString& folder, QString* error)
{
    QStringList files{QDir(folder).filePath("config.json")};
    try {
        // Opening validates the folder and tells which weight files (shards) belong to it.
        const auto ckpt = compute::Checkpoint::open(folder.toStdString());
        for (const auto& p : ckpt.files())
            files << QString::fromStdString(p.string());
    } catch (const compute::Error& e) {
        if (error) *error = QString::fromStdString(e.what());
        return {};
    }
    std::sort(files.begin() + 1, files.end());
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const QString& path : files) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            if (error) *error = QStringLiteral("%1: cannot read (%2)").arg(path, f.errorString());
            return {};
        }
        hash.addData(QFileInfo(path).fileName().toUtf8() + '\0' + QByteArray::number(f.size()) + '\0');
        if (!hash.addData(&f)) {
            if (error) *error = QStringLiteral("%1: read failed (%2)").arg(path, f.errorString());
            return {};
        }
    }
    return QString::fromLatin1(hash.result().toHex());
}

} // namespace loupe::core
