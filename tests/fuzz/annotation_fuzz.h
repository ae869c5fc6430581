// SPDX-License-Identifier: MIT
// What the annotation fuzzers share: the first bytes of an input pick the project image the file lands
// on (its size), so declared sizes are checked against a real one and masks are rasterised; the rest is
// the file. Accepted input is exported again, which walks every shape the reader produced.
#pragma once

#include "annotation/formats/coco.h"
#include "annotation/formats/sizelimits.h"

#include <QByteArray>
#include <cstddef>
#include <cstdint>

namespace loupe::annotation::fuzz {

// Input layout: [flags][width-1][height-1] then the file. flags bit 0: import without a project (masks
// rasterised at the declared size, within kMaxImageSide / kMaxImagePixels).
struct Input
{
    QByteArray file;
    ImportTarget target;
    ImportOptions options;
};

inline bool split(const uint8_t* data, size_t size, Input& in)
{
    if (size < 3) return false;
    const int w = 1 + data[1], h = 1 + data[2];
    // Every name the seeds use for their image, so matching by path and by file name both run.
    in.target = ImportTarget({QStringLiteral("a.png"), QStringLiteral("img/b.jpg"), QStringLiteral("c.jpg")},
                             {QSize(w, h), QSize(h, w), QSize(w, w)});
    in.options.target = (data[0] & 1) ? nullptr : &in.target;
    in.options.emptyLabel = (data[0] & 2) ? QStringLiteral("picked") : QString();
    in.file = QByteArray(reinterpret_cast<const char*>(data + 3), qsizetype(size - 3));
    return true;
}

inline void exportAgain(const Dataset& data)
{
    FormatReport out;
    volatile qsizetype sink = coco::instancesJson(data, out).size();
    (void)sink;
}

} // namespace loupe::annotation::fuzz
