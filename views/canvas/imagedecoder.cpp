// SPDX-License-Identifier: MIT
#include "views/canvas/imagedecoder.h"

#include <QImageReader>
#include <QLoggingCategory>
#include <QtConcurrent/QtConcurrentRun>

namespace loupe::views {

Q_LOGGING_CATEGORY(lcDecode, "loupe.canvas.decode")

namespace {
// Qt refuses images above 128 MB by default; an 8000×8000 RGBA image is 256 MB. 4 GB still stops
// a hostile header from asking for absurd allocations.
constexpr int kAllocationLimitMB = 4096;
} // namespace

ImageDecoder::ImageDecoder(QObject* parent) : QObject(parent)
{
    connect(&m_watcher, &QFutureWatcher<DecodedImage>::finished, this, [this] {
        DecodedImage result = m_watcher.result();
        if (!m_pending.isEmpty()) { // a newer request came while this one ran
            const QString next = std::exchange(m_pending, QString());
            load(next);
            return;
        }
        if (result.error.isEmpty())
            emit decoded(result);
        else
            emit failed(result.path, result.error);
    });
}

ImageDecoder::~ImageDecoder()
{
    m_watcher.waitForFinished();
}

bool ImageDecoder::isBusy() const
{
    return m_watcher.isRunning();
}

void ImageDecoder::load(const QString& path)
{
    if (m_watcher.isRunning()) {
        m_pending = path;
        return;
    }
    m_watcher.setFuture(QtConcurrent::run([path] { return decode(path); }));
}

DecodedImage ImageDecoder::decode(const QString& path)
{
    DecodedImage out;
    out.path = path;
    QImageReader::setAllocationLimit(kAllocationLimitMB);
    QImageReader reader(path);
    reader.setAutoTransform(true); // EXIF orientation, as the store measures sizes
    if (!reader.read(&out.source)) {
        out.error = QStringLiteral("Cannot read %1: %2").arg(path, reader.errorString());
        qCWarning(lcDecode) << out.error;
        return out;
    }
    out.display = toDisplay(out.source);
    return out;
}

QImage ImageDecoder::toDisplay(const QImage& image)
{
    if (image.format() == QImage::Format_RGB32 || image.format() == QImage::Format_ARGB32_Premultiplied)
        return image;
    return image.convertToFormat(image.hasAlphaChannel() ? QImage::Format_ARGB32_Premultiplied
                                                         : QImage::Format_RGB32);
}

} // namespace loupe::views
