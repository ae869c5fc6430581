// SPDX-License-Identifier: MIT
#pragma once

#include "core/store/records.h"

#include <QString>
#include <QStringList>
#include <optional>

namespace loupe::core {

// True for the extensions import accepts (jpg, jpeg, png, bmp, tif, tiff, webp), case-insensitive.
bool isImportableImage(const QString& fileName);

// Expands files and folders (recursively) into the image files they name (DICOM files by their
// DICM preamble, whatever their extension), sorted so that an import
// of the same tree always adds assets in the same order. Inputs that do not exist are returned in
// *missing (when given) rather than silently dropped.
QStringList collectImageFiles(const QStringList& inputs, QStringList* missing = nullptr);

struct ProbeResult
{
    std::optional<AssetRecord> record; // set on success
    QString error;                     // "FILE: reason" on failure
};

// Checks the header first (a supported image of at most kMaxImagePixels, see core/imageio.h), then
// streams the file once in kHashChunkBytes pieces: sha256 of its bytes and, for JPEG and PNG, that
// the data reaches its end marker (a half-written file is refused as truncated). Files under
// kFullDecodeLimit bytes are also fully decoded, which catches corrupt pixel data in any format;
// larger files keep to the header and end checks so that import stays fast. Memory use does not
// depend on the file's size. Non-regular files, unreadable files ("permission denied"), empty files
// and oversized images fail with the reason. DICOM files go to probeDicom (core/import/dicomimport.h).
ProbeResult probeImage(const QString& path);
inline constexpr qint64 kFullDecodeLimit = 4 * 1024 * 1024;
inline constexpr qint64 kHashChunkBytes = 1024 * 1024;

} // namespace loupe::core
