// SPDX-License-Identifier: MIT
#include "core/import/dicomj2k.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>

#ifdef LOUPE_HAVE_OPENJPEG
#include <openjpeg.h>
#endif

#include <algorithm>
#include <cstring>

namespace loupe::core {

bool isJpeg2000Syntax(const QString& uid)
{
    return uid == QLatin1String("1.2.840.10008.1.2.4.90") || uid == QLatin1String("1.2.840.10008.1.2.4.91") ||
           uid == QLatin1String("1.2.840.10008.1.2.4.92") || uid == QLatin1String("1.2.840.10008.1.2.4.93");
}

#ifdef LOUPE_HAVE_OPENJPEG

bool hasJpeg2000Support()
{
    return true;
}

namespace {

// A codestream in memory, read by OpenJPEG through these callbacks.
struct Source
{
    const uchar* data = nullptr;
    size_t size = 0;
    size_t pos = 0;
};

OPJ_SIZE_T readSource(void* buffer, OPJ_SIZE_T n, void* user)
{
    auto* s = static_cast<Source*>(user);
    if (s->pos >= s->size) return OPJ_SIZE_T(-1);
    const size_t k = std::min(size_t(n), s->size - s->pos);
    std::memcpy(buffer, s->data + s->pos, k);
    s->pos += k;
    return k;
}

OPJ_OFF_T skipSource(OPJ_OFF_T n, void* user)
{
    auto* s = static_cast<Source*>(user);
    if (n < 0) return -1;
    const size_t k = std::min(size_t(n), s->size - s->pos);
    s->pos += k;
    return OPJ_OFF_T(k);
}

OPJ_BOOL seekSource(OPJ_OFF_T n, void* user)
{
    auto* s = static_cast<Source*>(user);
    if (n < 0 || size_t(n) > s->size) return OPJ_FALSE;
    s->pos = size_t(n);
    return OPJ_TRUE;
}

void quiet(const char*, void*) {}

// One codestream into out (frameBytes long).
QString decodeOne(const QByteArray& code, const DicomInfo& info, char* out)
{
    const auto* bytes = reinterpret_cast<const uchar*>(code.constData());
    if (code.size() < 4) return QStringLiteral("a JPEG 2000 frame of %1 bytes").arg(code.size());
    // A raw codestream starts with SOC (FF 4F); a JP2 file with its signature box.
    const bool raw = bytes[0] == 0xFF && bytes[1] == 0x4F;
    opj_codec_t* codec = opj_create_decompress(raw ? OPJ_CODEC_J2K : OPJ_CODEC_JP2);
    opj_stream_t* stream = opj_stream_create(OPJ_J2K_STREAM_CHUNK_SIZE, OPJ_TRUE);
    opj_image_t* image = nullptr;
    Source source{bytes, size_t(code.size()), 0};
    auto done = [&](const QString& result) {
        if (image) opj_image_destroy(image);
        opj_stream_destroy(stream);
        opj_destroy_codec(codec);
        return result;
    };
    if (!codec || !stream) return done(QStringLiteral("cannot start the JPEG 2000 decoder"));
    opj_set_info_handler(codec, quiet, nullptr);
    opj_set_warning_handler(codec, quiet, nullptr);
    opj_set_error_handler(codec, quiet, nullptr);
    opj_stream_set_user_data(stream, &source, nullptr);
    opj_stream_set_user_data_length(stream, OPJ_UINT64(source.size));
    opj_stream_set_read_function(stream, readSource);
    opj_stream_set_skip_function(stream, skipSource);
    opj_stream_set_seek_function(stream, seekSource);
    opj_dparameters_t params;
    opj_set_default_decoder_parameters(&params);
    if (!opj_setup_decoder(codec, &params) || !opj_read_header(stream, codec, &image) || !image)
        return done(QStringLiteral("damaged JPEG 2000 header"));
    // The codestream's own size must be the one the DICOM header gave, checked before decoding.
    const auto width = int(image->x1 - image->x0), height = int(image->y1 - image->y0);
    if (width != info.columns || height != info.rows || int(image->numcomps) < info.samplesPerPixel)
        return done(QStringLiteral("the JPEG 2000 frame is %1 x %2 with %3 component(s), the header says "
                                   "%4 x %5 with %6")
                        .arg(width)
                        .arg(height)
                        .arg(image->numcomps)
                        .arg(info.columns)
                        .arg(info.rows)
                        .arg(info.samplesPerPixel));
    if (!opj_decode(codec, stream, image) || !opj_end_decompress(codec, stream))
        return done(QStringLiteral("damaged JPEG 2000 data"));
    const size_t pixels = size_t(width) * size_t(height);
    for (int c = 0; c < info.samplesPerPixel; ++c) {
        const opj_image_comp_t& comp = image->comps[c];
        if (!comp.data || comp.w != OPJ_UINT32(width) || comp.h != OPJ_UINT32(height))
            return done(QStringLiteral("subsampled JPEG 2000 components are not supported"));
        for (size_t p = 0; p < pixels; ++p) {
            const OPJ_INT32 v = comp.data[p];
            if (info.bitsAllocated == 16) {
                const auto w = uint16_t(v); // two's complement for signed data, masked later to Bits Stored
                std::memcpy(out + p * 2, &w, 2);
            } else {
                out[p * size_t(info.samplesPerPixel) + size_t(c)] = char(uint8_t(std::clamp(v, -128, 255)));
            }
        }
    }
    return done({});
}

bool startsCodestream(DcmPixelItem& item)
{
    Uint8* data = nullptr;
    if (item.getUint8Array(data).bad() || !data || item.getLength() < 4) return false;
    return (data[0] == 0xFF && data[1] == 0x4F) ||
           (data[0] == 0x00 && data[1] == 0x00 && data[2] == 0x00 && data[3] == 0x0C);
}

} // namespace

QString decodeJpeg2000(DcmDataset& ds, const DicomInfo& info, std::vector<char>& out)
{
    DcmElement* element = nullptr;
    if (ds.findAndGetElement(DCM_PixelData, element).bad() || !element)
        return QStringLiteral("no pixel data");
    auto* pixelData = dynamic_cast<DcmPixelData*>(element);
    DcmPixelSequence* sequence = nullptr;
    if (!pixelData ||
        pixelData->getEncapsulatedRepresentation(ds.getOriginalXfer(), nullptr, sequence).bad() || !sequence)
        return QStringLiteral("no encapsulated JPEG 2000 data");
    // Item 0 is the Basic Offset Table; the fragments follow. A fragment that starts a codestream
    // starts a frame; the others continue the frame before.
    QVector<QByteArray> frames;
    for (unsigned long i = 1; i < sequence->card(); ++i) {
        DcmPixelItem* item = nullptr;
        if (sequence->getItem(item, i).bad() || !item) return QStringLiteral("damaged fragment %1").arg(i);
        Uint8* data = nullptr;
        if (item->getUint8Array(data).bad()) return QStringLiteral("damaged fragment %1").arg(i);
        const bool starts = startsCodestream(*item) || frames.isEmpty();
        if (starts) {
            if (frames.size() == info.frames) break; // trailing data after the last frame
            frames.push_back({});
        }
        if (data && item->getLength() > 0)
            frames.back().append(reinterpret_cast<const char*>(data), qsizetype(item->getLength()));
    }
    if (frames.size() != info.frames)
        return QStringLiteral("%1 JPEG 2000 frame(s) found, the header says %2")
            .arg(frames.size())
            .arg(info.frames);
    const size_t frameBytes = size_t(info.rows) * size_t(info.columns) * size_t(info.samplesPerPixel) *
                              size_t(info.bitsAllocated / 8);
    out.assign(frameBytes * size_t(info.frames), 0);
    for (int f = 0; f < info.frames; ++f)
        if (const QString problem = decodeOne(frames[f], info, out.data() + frameBytes * size_t(f));
            !problem.isEmpty())
            return info.frames > 1 ? QStringLiteral("frame %1: %2").arg(f).arg(problem) : problem;
    return {};
}

#else // no OpenJPEG

bool hasJpeg2000Support()
{
    return false;
}

QString decodeJpeg2000(DcmDataset&, const DicomInfo&, std::vector<char>&)
{
    return QStringLiteral("this build has no JPEG 2000 decoder (OpenJPEG was not found when it was built)");
}

#endif

} // namespace loupe::core
