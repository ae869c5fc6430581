// SPDX-License-Identifier: MIT
// The coco reader on arbitrary bytes: it must report or accept, never crash, hang or read out of bounds.
// Accepted input is exported again, which walks every shape the reader produced.
#include "annotation/formats/coco.h"

#include <QByteArray>
#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data_, size_t size)
{
    const QByteArray bytes = QByteArray::fromRawData(reinterpret_cast<const char*>(data_), qsizetype(size));
    loupe::annotation::Dataset data;
    loupe::annotation::FormatReport report;
    const bool ok = loupe::annotation::coco::parse(bytes, QStringLiteral("fuzz.json"), data, report);
    if (ok && !report.hasErrors()) {
        loupe::annotation::FormatReport out;
        volatile qsizetype sink = loupe::annotation::coco::instancesJson(data, out).size();
        (void)sink;
    }
    return 0;
}
