// SPDX-License-Identifier: MIT
#pragma once

#include <QImage>
#include <QSize>
#include <QString>

class QFile;
class QImageReader;

namespace loupe::core {

// The one place that decides which images Loupe decodes. Import, thumbnails, classification and
// explanation all go through it, so an image is accepted or refused the same way everywhere.
//
// Qt refuses to decode anything needing more than 128 MB (a 48-megapixel photo as ARGB32), and the
// failure reads "Unable to read image data". Loupe raises that allocation limit deliberately and puts
// its own limit on pixels instead: kMaxImagePixels (2^27, about 134 megapixels: 11585 x 11585 or a
// 16384 x 8192 panorama). At 8 bytes per pixel (16-bit RGBA, the widest format Qt decodes to) that is
// the 1 GiB kImageAllocationLimitMb given to QImageReader.
inline constexpr qint64 kMaxImagePixels = 128LL * 1024 * 1024;
inline constexpr int kImageAllocationLimitMb = int(kMaxImagePixels * 8 / (1024 * 1024));

// Sets the allocation limit and EXIF auto-rotation on a reader before it touches the data. Qt's
// allocation limit is process-wide (QImageReader::setAllocationLimit is static), so every decoder in the
// process should come through here rather than set its own.
void prepareImageReader(QImageReader& reader);

// Empty when an image of this (stored) size may be decoded, else the reason, naming the size and
// the limit: "20000 x 20000 pixels (400.0 megapixels) is above the limit of 134.2 megapixels".
QString imageSizeProblem(const QSize& size);

// Opens `file` (named, not yet open) for reading an image. Empty on success, else the reason without
// the path: "no such file", "not a regular file" (FIFOs and devices would block), "permission denied",
// "empty file", "cannot read (...)".
QString openImageFile(QFile& file);

// DICOM files (recognised by their DICM preamble, whatever their name) are decoded with DCMTK and
// returned windowed to 8 bits with the file's first Window Center/Width preset, frame 0
// (core/import/dicomreader.h has the full-range data).
//
// Decodes the image at `path` through a prepared reader after checking its header size against
// kMaxImagePixels and that the file is complete (see ImageEndCheck: Qt decodes a half-truncated JPEG
// into grey without an error). On failure returns a null image and sets *error to "PATH: reason".
QImage readImage(const QString& path, QString* error);

// Same for a reader the caller configured (device, scaled size): prepares it, checks the header
// size, decodes. `name` is used in messages.
QImage readImage(QImageReader& reader, const QString& name, QString* error);

} // namespace loupe::core
