// SPDX-License-Identifier: MIT
#include "views/canvas/imagedecoder.h"

#include "core/imageio.h"

#include <QImageReader>
#include <QLoggingCategory>
#include <QtConcurrent/QtConcurrentRun>

namespace loupe::views {

Q_LOGGING_CATEGORY(lcDecode, "loupe.canvas.decode")

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
    // The project's one reader (EXIF orientation, the documented pixel limit, truncation): the canvas shows
    // exactly the images import accepted and the engine explains.
    QString error;
    if (core::isDicomFile(path)) {
        if (auto dicom = core::readDicom(path, 0, &error)) {
            out.source = core::applyWindow(dicom->frame, core::defaultWindow(dicom->info, dicom->frame));
            out.dicom = std::make_shared<const core::DicomImage>(std::move(*dicom));
        }
    } else {
        out.source = core::readImage(path, &error);
    }
    if (out.source.isNull()) {
        out.error = QStringLiteral("Cannot read %1").arg(error);
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
