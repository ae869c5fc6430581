// SPDX-License-Identifier: MIT
#pragma once

#include "core/import/dicomimage.h"

#include <QString>
#include <QVector>
#include <functional>
#include <optional>

namespace loupe::core {

// True when the file has the DICOM Part 10 preamble: 128 bytes, then "DICM". This, not the
// extension, is how import recognises DICOM files (many have no extension at all).
bool isDicomFile(const QString& path);

// The number of frames a DICOM file declares (its header only, the pixel data is not loaded), 0 when
// it cannot be read.
int dicomFrameCount(const QString& path);

// A file's description and one decoded frame (0-based).
struct DicomImage
{
    DicomInfo info;
    DicomFrame frame;
};

// Reads the description only (no pixel decoding). On failure returns nothing and sets *error to
// "PATH: reason".
std::optional<DicomInfo> readDicomInfo(const QString& path, QString* error);

// Decodes frame `frameIndex` of a DICOM file with DCMTK: uncompressed (little or big endian), JPEG
// baseline, extended and lossless, JPEG-LS and RLE, and JPEG 2000 through OpenJPEG (dicomj2k.h); 8 to 16 bits
// grey (signed or not, masked to Bits Stored) and 8-bit RGB or YBR colour. Dimensions are checked against
// kMaxImagePixels (core/imageio.h) and the pixel data's length against them before anything is allocated, so
// a truncated file, a wrong length or huge declared dimensions give "PATH: reason", never a crash.
std::optional<DicomImage> readDicom(const QString& path, int frameIndex, QString* error);

// The frame windowed to 8 bits with the file's first preset (or its full range): what models and
// thumbnails get. A null image and *error ("PATH: reason") on failure.
QImage readDicomImage(const QString& path, int frameIndex, QString* error);

// Writes the given frames of `source` as single-frame, uncompressed DICOM files at targetFor(frame),
// keeping the description (rescale, windows, modality, patient) so each frame stays full range and
// opens like any DICOM file. The source is decoded once. After each frame written, keepGoing (when
// given) gets how many are written so far and stops the writing by returning false (cancel). Empty
// on success or when stopped, else "PATH: reason".
QString writeDicomFrames(const QString& source, const QVector<int>& frames,
                         const std::function<QString(int)>& targetFor,
                         const std::function<bool(int written)>& keepGoing = {});

} // namespace loupe::core
