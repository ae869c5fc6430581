// SPDX-License-Identifier: MIT
#include "core/import/imagescanner.h"

#include <QBuffer>
#include <QCryptographicHash>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QImageReader>
#include <algorithm>

namespace loupe::core {

bool isImportableImage(const QString& fileName)
{
    static const QStringList kSuffixes = {
        QStringLiteral("jpg"), QStringLiteral("jpeg"), QStringLiteral("png"), QStringLiteral("bmp"),
        QStringLiteral("tif"), QStringLiteral("tiff"), QStringLiteral("webp")};
    const QString suffix = QFileInfo(fileName).suffix();
    return kSuffixes.contains(suffix, Qt::CaseInsensitive);
}

QStringList collectImageFiles(const QStringList& inputs, QStringList* missing)
{
    QStringList files;
    for (const QString& input : inputs) {
        const QFileInfo info(input);
        if (info.isDir()) {
            QDirIterator it(info.absoluteFilePath(), QDir::Files | QDir::Readable | QDir::Hidden,
                            QDirIterator::Subdirectories | QDirIterator::FollowSymlinks);
            while (it.hasNext()) {
                const QString f = it.next();
                if (isImportableImage(f)) files << QFileInfo(f).absoluteFilePath();
            }
        } else if (info.exists()) {
            // An explicitly named file is probed even with an unusual extension: the user asked for it.
            files << info.absoluteFilePath();
        } else if (missing) {
            *missing << input;
        }
    }
    std::sort(files.begin(), files.end());
    files.erase(std::unique(files.begin(), files.end()), files.end());
    return files;
}

ProbeResult probeImage(const QString& path)
{
    ProbeResult r;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        r.error = QStringLiteral("%1: cannot read (%2)").arg(path, file.errorString());
        return r;
    }
    QByteArray bytes = file.readAll();
    file.close();
    if (bytes.isEmpty()) {
        r.error = QStringLiteral("%1: empty file").arg(path);
        return r;
    }
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer);
    reader.setAutoTransform(true);
    if (!reader.canRead()) {
        r.error = QStringLiteral("%1: not a supported image (%2)").arg(path, reader.errorString());
        return r;
    }
    const QString format = QString::fromLatin1(reader.format()).toLower();
    QSize size;
    if (bytes.size() < kFullDecodeLimit) {
        const QImage image = reader.read(); // auto-transformed, so its size is already oriented
        if (image.isNull()) {
            r.error = QStringLiteral("%1: cannot decode (%2)").arg(path, reader.errorString());
            return r;
        }
        size = image.size();
    } else {
        size = reader.size();
        if (!size.isValid()) {
            r.error = QStringLiteral("%1: unreadable header (%2)").arg(path, reader.errorString());
            return r;
        }
        // size() is the stored size; EXIF orientations 5-8 turn the image by 90 degrees.
        if (reader.transformation() & QImageIOHandler::TransformationRotate90) size.transpose();
    }
    AssetRecord rec;
    rec.absolutePath = QFileInfo(path).absoluteFilePath();
    rec.sha256Hex = QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
    rec.width = size.width();
    rec.height = size.height();
    rec.format = format;
    rec.fileSize = bytes.size();
    r.record = std::move(rec);
    return r;
}

} // namespace loupe::core
