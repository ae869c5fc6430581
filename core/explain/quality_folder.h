// SPDX-License-Identifier: MIT
#pragma once

#include "core/explain/quality_dataset.h"

#include <QHash>
#include <QString>
#include <QStringList>

namespace loupe::core {

// Real data for the quality harness: a folder of images and a folder of masks laid out the same way.

// Every image under `imagesDir` (png, jpg, jpeg, bmp, webp, tif, tiff; recursive, sorted), as paths
// relative to it with '/' separators. Empty with *error set when the folder cannot be read or holds none.
QStringList listQualityImages(const QString& imagesDir, QString* error);

// The class to explain per image, from a CSV (`image,class` per line; a header line whose first field is
// image/file/path/filename/file_name is skipped, so a shapes labels.csv works) or a JSON object
// {"image": "class" or index}. Keys are matched by relative path (also
// with folders above it, as in a shapes dataset's images/x.png), then file name, then base name. Empty with
// *error naming the file and line on failure.
using QualityTargets = QHash<QString, QString>;
QualityTargets readQualityTargets(const QString& file, QString* error);
// The entry for `relativePath` (see above), or an empty string.
QString lookupTarget(const QualityTargets& targets, const QString& relativePath);
// Sets item.target (a number) or item.targetName (anything else) from a targets entry.
void applyTarget(QualityItem& item, const QString& value);

// A mask image as the harness wants it: non-zero = object (palette images: index non-zero; others: any
// colour channel non-zero). Throws compute::Error naming the file when it cannot be read.
QualityMask readQualityMask(const QString& path);

// Images with masks of the same relative path and base name (`a/b.jpg` ↔ `masksDir/a/b.png`, or any
// image extension). Checks up front that every mask exists and has its image's size, so a long run
// never fails at image 400; on a problem returns count 0 with *error naming the file. Target per image:
// from `targets` when it has an entry, else the model's top class.
QualitySource folderQualitySource(const QString& imagesDir, const QString& masksDir,
                                  const QualityTargets& targets, QString* error);

} // namespace loupe::core
