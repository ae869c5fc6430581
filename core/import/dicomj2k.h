// SPDX-License-Identifier: MIT
#pragma once

#include "core/import/dicomimage.h"

#include <QString>
#include <vector>

class DcmDataset;

namespace loupe::core {

// Whether this build decodes JPEG 2000 (OpenJPEG was found when it was built).
bool hasJpeg2000Support();

// True for the JPEG 2000 transfer syntaxes (1.2.840.10008.1.2.4.90/.91, Part 2 .92/.93).
bool isJpeg2000Syntax(const QString& transferSyntaxUid);

// Decodes the encapsulated JPEG 2000 pixel data of `ds` with OpenJPEG into `out`, laid out as
// uncompressed DICOM pixel data (frames one after another; 8-bit samples as bytes, 16-bit as
// little-endian words; colour interleaved, as RGB: OpenJPEG undoes the codestream's colour
// transform). A fragment that starts with a codestream marker (SOC, or a JP2 signature) starts a
// frame and the others continue it, which needs no Basic Offset Table. Each codestream's size is checked
// against `info` before it is decoded. Empty on success, else the reason.
QString decodeJpeg2000(DcmDataset& ds, const DicomInfo& info, std::vector<char>& out);

} // namespace loupe::core
