// SPDX-License-Identifier: MIT
// The cvat reader on arbitrary bytes: it must report or accept, never crash, hang or read out of bounds,
// including the mask and image-size paths (see annotation_fuzz.h for the input layout).
#include "annotation/formats/cvat.h"
#include "annotation_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data_, size_t size)
{
    using namespace loupe::annotation;
    fuzz::Input in;
    if (!fuzz::split(data_, size, in)) return 0;
    Dataset data;
    FormatReport report;
    if (cvat::parse(in.file, QStringLiteral("fuzz.file"), data, report, in.options) && !report.hasErrors()) {
        fuzz::exportAgain(data);
        FormatReport out;
        volatile qsizetype sink = data.images.empty() ? 0 : cvat::annotationsXml(data, out).size();
        (void)sink;
    }
    return 0;
}
