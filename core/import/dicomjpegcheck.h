// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <cstdint>

class DcmDataset;

namespace loupe::core {

// True when DCMTK 3.6.7's scan of a JPEG fragment for its bit depth would never end on `data`
// (a TEM marker before the frame header, reached the way DCMTK walks the markers).
bool jpegMarkersHang(const uint8_t* data, uint32_t length);

// Empty when every JPEG fragment of `ds`'s encapsulated pixel data is safe to give to DCMTK's JPEG
// decoder, else the reason ("damaged JPEG data (a TEM marker in fragment 1)").
QString checkJpegFragments(DcmDataset& ds);

} // namespace loupe::core
