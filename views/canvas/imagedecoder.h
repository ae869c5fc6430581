// SPDX-License-Identifier: MIT
#pragma once

#include "core/import/dicomreader.h"

#include <QFutureWatcher>
#include <QImage>
#include <QObject>
#include <memory>

namespace loupe::views {

// A decoded image: `source` as the file holds it (16-bit and gray kept, for pixel read-out) and
// `display`, the same pixels in a format the painter draws fast (shared with source when equal).
struct DecodedImage
{
    QString path;
    QImage source;
    QImage display;
    QString error; // non-empty when decoding failed
    // A DICOM file's full-range frame: `source` is then its default-windowed 8-bit image, and the
    // canvas re-windows from this without decoding again.
    std::shared_ptr<const core::DicomImage> dicom;
};

// Decodes image files on a worker thread (never on the GUI thread). Only the latest request is
// delivered; results of superseded requests are dropped.
class ImageDecoder : public QObject
{
    Q_OBJECT
public:
    explicit ImageDecoder(QObject* parent = nullptr);
    ~ImageDecoder() override;

    void load(const QString& path);
    bool isBusy() const;

    // Synchronous decode (used by the worker; callable from any thread).
    static DecodedImage decode(const QString& path);
    // The fast-to-draw format of an image: RGB32, or ARGB32_Premultiplied with alpha.
    static QImage toDisplay(const QImage& image);

signals:
    void decoded(const loupe::views::DecodedImage& image);
    void failed(const QString& path, const QString& error);

private:
    QFutureWatcher<DecodedImage> m_watcher;
    QString m_pending;
};

} // namespace loupe::views
