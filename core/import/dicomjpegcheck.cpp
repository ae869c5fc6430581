// SPDX-License-Identifier: MIT
#include "core/import/dicomjpegcheck.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>

namespace loupe::core {

// DCMTK 3.6.7 walks the markers of each frame's first JPEG fragment for the frame header's bit depth
// (DJCodecDecoder::scanJpegDataForBitDepth) and never moves past a TEM marker (FF 01): a damaged file
// would hang the import. The same walk, step for step, stopping where DCMTK would loop.
bool jpegMarkersHang(const uint8_t* data, uint32_t length)
{
    uint32_t offset = 0;
    while (data && offset + 4 < length) {
        const unsigned marker = unsigned(data[offset]) << 8 | data[offset + 1];
        const unsigned segment = (unsigned(data[offset + 2]) << 8 | data[offset + 3]) + 2;
        if (marker == 0xFF01) return true;
        if (marker >= 0xFFC0 && marker <= 0xFFCF && marker != 0xFFC4 && marker != 0xFFC8 && marker != 0xFFCC)
            return false; // a frame header: DCMTK has its bit depth
        if (marker == 0xFFFF)
            offset += 1;
        else if (marker >= 0xFFD0 && marker <= 0xFFD9)
            offset += 2; // RSTm, SOI, EOI
        else if (marker == 0xFFC4 || marker == 0xFFC8 || marker == 0xFFCC ||
                 (marker >= 0xFFDA && marker <= 0xFFFE))
            offset += segment;
        else if (data[offset] == 0xFF && data[offset + 1] > 2 && data[offset + 1] <= 0xBF)
            offset += 2; // reserved markers
        else
            return false; // not a marker: DCMTK stops too
    }
    return false;
}

QString checkJpegFragments(DcmDataset& ds)
{
    DcmElement* element = nullptr;
    if (ds.findAndGetElement(DCM_PixelData, element).bad()) return {};
    auto* pixelData = dynamic_cast<DcmPixelData*>(element);
    DcmPixelSequence* sequence = nullptr;
    if (!pixelData ||
        pixelData->getEncapsulatedRepresentation(ds.getOriginalXfer(), nullptr, sequence).bad() || !sequence)
        return {};
    for (unsigned long i = 0; i < sequence->card(); ++i) {
        DcmPixelItem* item = nullptr;
        Uint8* data = nullptr;
        if (sequence->getItem(item, i).bad() || !item || item->getUint8Array(data).bad()) continue;
        if (jpegMarkersHang(data, item->getLength()))
            return QStringLiteral("damaged JPEG data (a TEM marker in fragment %1)").arg(i);
    }
    return {};
}

} // namespace loupe::core
