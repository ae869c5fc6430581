// SPDX-License-Identifier: MIT
#pragma once

#include "core/store/records.h"

#include <QString>
#include <QStringList>
#include <optional>

namespace loupe::core {

// True for the extensions import accepts (jpg, jpeg, png, bmp, tif, tiff, webp), case-insensitive.
bool isImportableImage(const QString& fileName);

// Expands files and folders (recursively) into the image files they name, sorted so that an import
// of the same tree always adds assets in the same order. Inputs that do not exist are returned in
// *missing (when given) rather than silently dropped.
QStringList collectImageFiles(const QStringList& inputs, QStringList* missing = nullptr);

struct ProbeResult
{
    std::optional<AssetRecord> record; // set on success
    QString error;                     // "FILE: reason" on failure
};

// Reads the file once: sha256 of its bytes, size after EXIF orientation and format from the header.
// Files under kFullDecodeLimit bytes are also fully decoded, which is what catches truncated or
// corrupt pixel data; larger files only get the header check so that import stays fast.
ProbeResult probeImage(const QString& path);
inline constexpr qint64 kFullDecodeLimit = 4 * 1024 * 1024;

} // namespace loupe::core
