// SPDX-License-Identifier: MIT
#include "core/import/imagescanner.h"

#include "core/imageend.h"
#include "core/imageio.h"
#include "core/import/dicomimport.h"
#include "core/import/dicomreader.h"

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
            // Unreadable files are listed too: probing reports them as failed ("permission denied")
            // instead of leaving them out silently.
            QDirIterator it(info.absoluteFilePath(), QDir::Files | QDir::Hidden,
                            QDirIterator::Subdirectories | QDirIterator::FollowSymlinks);
            while (it.hasNext()) {
                const QString f = it.next();
                // DICOM files are known by their preamble: many have no extension or a numeric one.
                if (isImportableImage(f) || isDicomFile(f)) files << QFileInfo(f).absoluteFilePath();
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
    if (isDicomFile(path)) return probeDicom(path);
    ProbeResult r;
    auto fail = [&](const QString& why) {
        r.error = QStringLiteral("%1: %2").arg(path, why);
        return r;
    };
    QFile file(path);
    if (const QString problem = openImageFile(file); !problem.isEmpty()) return fail(problem);
    const qint64 fileSize = file.size();
    QSize size;
    QByteArray format;
    {
        // The header alone says whether this is an image and how big: a 40 GB file of zeros named .tif
        // or a 20000 x 20000 PNG is refused here, before any of its bytes are hashed or decoded.
        QImageReader reader(&file);
        prepareImageReader(reader);
        if (!reader.canRead())
            return fail(QStringLiteral("not a supported image (%1)").arg(reader.errorString()));
        format = reader.format();
        size = reader.size();
        if (!size.isValid()) return fail(QStringLiteral("unreadable header (%1)").arg(reader.errorString()));
        if (const QString problem = imageSizeProblem(size); !problem.isEmpty()) return fail(problem);
        // size() is the stored size; EXIF orientations 5-8 turn the image by 90 degrees.
        if (reader.transformation() & QImageIOHandler::TransformationRotate90) size.transpose();
    }
    // One streamed pass hashes the bytes and checks that the file is complete; memory stays flat
    // whatever the file's size.
    if (!file.seek(0)) return fail(QStringLiteral("cannot seek (%1)").arg(file.errorString()));
    QCryptographicHash hash(QCryptographicHash::Sha256);
    ImageEndCheck end(format);
    QByteArray chunk(kHashChunkBytes, Qt::Uninitialized);
    for (;;) {
        const qint64 n = file.read(chunk.data(), chunk.size());
        if (n < 0) return fail(QStringLiteral("read error (%1)").arg(file.errorString()));
        if (n == 0) break;
        hash.addData(QByteArrayView(chunk.constData(), n));
        end.feed(chunk.constData(), n);
    }
    if (const QString problem = end.problem(); !problem.isEmpty()) return fail(problem);
    if (fileSize < kFullDecodeLimit) {
        // Small files are decoded fully, which catches corrupt pixel data in any format.
        file.seek(0);
        QImageReader reader(&file, format);
        QString error;
        const QImage image = readImage(reader, path, &error);
        if (image.isNull()) {
            r.error = error;
            return r;
        }
        size = image.size(); // auto-transformed, so already oriented
    }
    AssetRecord rec;
    rec.absolutePath = QFileInfo(path).absoluteFilePath();
    rec.sha256Hex = QString::fromLatin1(hash.result().toHex());
    rec.width = size.width();
    rec.height = size.height();
    rec.format = QString::fromLatin1(format).toLower();
    rec.fileSize = fileSize;
    r.record = std::move(rec);
    return r;
}

} // namespace loupe::core
