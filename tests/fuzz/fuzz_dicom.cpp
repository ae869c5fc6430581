// SPDX-License-Identifier: MIT
// Any file either decodes as a DICOM frame whose values and window fit the frame, or is refused with
// "PATH: reason"; never a crash, a read outside the data or an allocation past the limits of
// core/imageio.h. The input goes through a file because that is how Loupe reads DICOM: DCMTK then
// defers long values, so a declared length past the end fails the parse instead of being allocated.
// Inputs without the DICM preamble get one, so the fuzzer spends its time inside DCMTK's parser and
// decoders, OpenJPEG and Loupe's pixel handling rather than on the preamble check.
#include "core/import/dicomreader.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QImage>
#include <cstddef>
#include <cstdint>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const QString path =
        QDir::temp().filePath(QStringLiteral("loupe-fuzz-dicom-%1.dcm").arg(getpid()));
    QByteArray bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    if (bytes.size() < 132 || bytes.mid(128, 4) != "DICM") bytes.prepend(QByteArray(128, '\0') + "DICM");
    {
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes) != bytes.size())
            return 0;
    }
    QString error;
    for (int frame : {0, 1}) {
        const auto image = loupe::core::readDicom(path, frame, &error);
        if (!image) {
            if (!error.startsWith(path + QStringLiteral(": "))) __builtin_trap();
            continue;
        }
        const loupe::core::DicomFrame& f = image->frame;
        if (f.isGrey() && f.values.size() != size_t(f.size.width()) * size_t(f.size.height()))
            __builtin_trap();
        const QImage windowed = loupe::core::applyWindow(f, loupe::core::defaultWindow(image->info, f));
        if (windowed.size() != f.size) __builtin_trap();
    }
    return 0;
}
