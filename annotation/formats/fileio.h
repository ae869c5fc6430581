// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/formats/report.h"

#include <QByteArray>
#include <QSize>
#include <QString>
#include <optional>

namespace loupe::annotation {

// How far (in pixels) a coordinate may lie outside its image before an importer calls it out of range.
// Exporters that round or add float noise put points a hair outside; anything further is a real error.
inline constexpr double kCoordinateSlack = 1.0;

// Reads a whole file; on failure reports it against the file and returns nullopt.
std::optional<QByteArray> readWholeFile(const QString& path, FormatReport& report);
// Atomic: through QSaveFile (temporary file, fdatasync, rename), so a failed export never leaves a
// truncated file. Plain: an ordinary checked write, for the one-file-per-image formats, where a sync per
// file cost ~3 ms each (30 s for 10,000 YOLO label files); those exports are re-runnable from the
// project and report any failed write.
enum class WriteMode { Atomic, Plain };
bool writeWholeFile(const QString& path, const QByteArray& bytes, FormatReport& report,
                    WriteMode mode = WriteMode::Atomic);
// "line 3, column 14" for a byte offset, for JSON parse errors.
QString lineColumnAt(const QByteArray& data, qsizetype offset);
// The size of an image as displayed, i.e. after its EXIF orientation; invalid when unreadable.
QSize orientedImageSize(const QString& path);
// Path of file relative to root with '/' separators.
QString relativeTo(const QString& root, const QString& file);
// "a/b/c.jpg" -> "a/b/c" (the path without its last suffix).
QString withoutSuffix(const QString& path);

} // namespace loupe::annotation
