// SPDX-License-Identifier: MIT
#include "core/imageio.h"

#include "core/imageend.h"
#include "core/import/dicomreader.h"

#include <QFile>
#include <QFileInfo>
#include <QImageReader>

namespace loupe::core {

void prepareImageReader(QImageReader& reader)
{
    reader.setAllocationLimit(kImageAllocationLimitMb);
    reader.setAutoTransform(true); // EXIF orientation, as a viewer shows the image
}

QString imageSizeProblem(const QSize& size)
{
    if (!size.isValid() || size.isEmpty()) return QStringLiteral("the header gives no image size");
    const qint64 pixels = qint64(size.width()) * qint64(size.height());
    if (pixels <= kMaxImagePixels) return {};
    return QStringLiteral("%1 x %2 pixels (%3 megapixels) is above the limit of %4 megapixels")
        .arg(size.width())
        .arg(size.height())
        .arg(double(pixels) / 1e6, 0, 'f', 1)
        .arg(double(kMaxImagePixels) / 1e6, 0, 'f', 1);
}

namespace {

// The file behind a reader, when it has one.
QString readerFile(const QImageReader& reader)
{
    if (!reader.fileName().isEmpty()) return reader.fileName();
    if (const auto* file = qobject_cast<const QFile*>(reader.device())) return file->fileName();
    return {};
}

} // namespace

QImage readImage(QImageReader& reader, const QString& name, QString* error)
{
    // Qt has no DICOM reader: DICOM files decode through DCMTK, windowed to 8 bits (models, thumbnails
    // and exports see the image a radiologist would see by default), scaled when the caller asked.
    if (const QString file = readerFile(reader); !file.isEmpty() && isDicomFile(file)) {
        QImage image = readDicomImage(file, 0, error);
        if (!image.isNull() && reader.scaledSize().isValid())
            image = image.scaled(reader.scaledSize(), Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
        return image;
    }
    prepareImageReader(reader);
    auto fail = [&](const QString& why) {
        if (error) *error = QStringLiteral("%1: %2").arg(name, why);
        return QImage();
    };
    // The header is read first so that an oversized image is refused before any pixel is allocated.
    const QSize stored = reader.size();
    if (!stored.isValid()) {
        if (!reader.canRead())
            return fail(QStringLiteral("not a supported image (%1)").arg(reader.errorString()));
        // A few formats only know their size once decoded; the allocation limit still bounds them.
    } else if (const QString problem = imageSizeProblem(stored); !problem.isEmpty()) {
        return fail(problem);
    }
    QImage image = reader.read();
    if (image.isNull()) return fail(QStringLiteral("cannot decode (%1)").arg(reader.errorString()));
    return image;
}

QString openImageFile(QFile& file)
{
    const QFileInfo info(file.fileName());
    if (!info.exists()) return QStringLiteral("no such file");
    // A FIFO or device would block or never end; a folder is not an image.
    if (!info.isFile()) return QStringLiteral("not a regular file");
    if (!file.open(QIODevice::ReadOnly)) {
        if (file.error() == QFileDevice::OpenError && !info.isReadable())
            return QStringLiteral("permission denied");
        return QStringLiteral("cannot read (%1)").arg(file.errorString());
    }
    if (file.size() == 0) return QStringLiteral("empty file");
    return {};
}

QImage readImage(const QString& path, QString* error)
{
    if (isDicomFile(path)) return readDicomImage(path, 0, error);
    QFile file(path);
    if (const QString problem = openImageFile(file); !problem.isEmpty()) {
        if (error) *error = QStringLiteral("%1: %2").arg(path, problem);
        return {};
    }
    // imageFormat() peeks, so the end check and the reader below both start from the first byte.
    if (const QString problem = ImageEndCheck::checkDevice(file, QImageReader::imageFormat(&file));
        !problem.isEmpty()) {
        if (error) *error = QStringLiteral("%1: %2").arg(path, problem);
        return {};
    }
    QImageReader reader(&file);
    return readImage(reader, path, error);
}

} // namespace loupe::core
