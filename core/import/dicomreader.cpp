// SPDX-License-Identifier: MIT
#include "core/import/dicomreader.h"

#include "core/imageio.h"
#include "core/import/dicomj2k.h"
#include "core/import/dicomjpegcheck.h"

#include <QFile>
#include <QFileInfo>

// DCMTK's headers predate some of our warnings; its config header must come first.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/oflog/oflog.h>
#include <limits>
#include <memory>
#include <mutex>

namespace loupe::core {

namespace {

// The decoders (JPEG baseline/extended/lossless, JPEG-LS, RLE) are registered once per process;
// DCMTK logs problems itself, Loupe reports them with the file's name instead.
void setUpDcmtk()
{
    static std::once_flag once;
    std::call_once(once, [] {
        OFLog::configure(OFLogger::OFF_LOG_LEVEL);
        // Lossy colour JPEG is YCbCr inside whatever the header claims (encoders commonly write RGB);
        // libjpeg's guess from the JFIF/Adobe markers decides. Lossless data is taken as labelled.
        DJDecoderRegistration::registerCodecs(EDC_guessLossyOnly);
        DJLSDecoderRegistration::registerCodecs();
        DcmRLEDecoderRegistration::registerCodecs();
    });
}

bool hasPreamble(const char* data, qint64 size)
{
    return size >= 132 && data[128] == 'D' && data[129] == 'I' && data[130] == 'C' && data[131] == 'M';
}

QString text(const OFString& s)
{
    QString t = QString::fromLatin1(s.c_str(), qsizetype(s.size()));
    t.remove(QChar(0)); // values are padded to even lengths with NUL or space
    return t.trimmed();
}

QString tagText(DcmItem& ds, const DcmTagKey& tag, unsigned long pos = 0)
{
    OFString v;
    return ds.findAndGetOFString(tag, v, pos).good() ? text(v) : QString();
}

int tagInt(DcmItem& ds, const DcmTagKey& tag, int fallback)
{
    Uint16 v = 0;
    return ds.findAndGetUint16(tag, v).good() ? int(v) : fallback;
}

double tagDouble(DcmItem& ds, const DcmTagKey& tag, unsigned long pos, double fallback, bool* found = nullptr)
{
    Float64 v = 0;
    const bool ok = ds.findAndGetFloat64(tag, v, pos).good() && std::isfinite(v);
    if (found) *found = ok;
    return ok ? v : fallback;
}

// The patient and study tags the viewer shows, in this order.
const struct
{
    DcmTagKey tag;
    const char* name;
} kPatientTags[] = {
    {DCM_PatientName, "Patient's Name"},
    {DCM_PatientID, "Patient ID"},
    {DCM_PatientBirthDate, "Birth Date"},
    {DCM_PatientSex, "Sex"},
    {DCM_PatientAge, "Age"},
    {DCM_StudyDate, "Study Date"},
    {DCM_StudyTime, "Study Time"},
    {DCM_StudyDescription, "Study Description"},
    {DCM_SeriesDescription, "Series Description"},
    {DCM_AccessionNumber, "Accession Number"},
    {DCM_ReferringPhysicianName, "Referring Physician"},
    {DCM_InstitutionName, "Institution"},
    {DCM_StudyInstanceUID, "Study Instance UID"},
};

DicomInfo describe(DcmDataset& ds)
{
    DicomInfo info;
    info.rows = tagInt(ds, DCM_Rows, 0);
    info.columns = tagInt(ds, DCM_Columns, 0);
    Sint32 frames = 1;
    if (ds.findAndGetSint32(DCM_NumberOfFrames, frames).bad()) frames = 1;
    info.frames = int(frames);
    info.samplesPerPixel = tagInt(ds, DCM_SamplesPerPixel, 1);
    info.bitsAllocated = tagInt(ds, DCM_BitsAllocated, 0);
    info.bitsStored = tagInt(ds, DCM_BitsStored, info.bitsAllocated);
    info.signedPixels = tagInt(ds, DCM_PixelRepresentation, 0) == 1;
    info.photometric = tagText(ds, DCM_PhotometricInterpretation);
    const DcmXfer xfer(ds.getOriginalXfer());
    info.transferSyntaxUid = QString::fromLatin1(xfer.getXferID());
    info.transferSyntax = QString::fromLatin1(xfer.getXferName());
    info.slope = tagDouble(ds, DCM_RescaleSlope, 0, 1.0);
    if (info.slope == 0) info.slope = 1;
    info.intercept = tagDouble(ds, DCM_RescaleIntercept, 0, 0.0);
    info.modality = tagText(ds, DCM_Modality);
    for (unsigned long i = 0; i < 16; ++i) {
        bool hasCenter = false, hasWidth = false;
        DicomWindow w;
        w.center = tagDouble(ds, DCM_WindowCenter, i, 0, &hasCenter);
        w.width = tagDouble(ds, DCM_WindowWidth, i, 0, &hasWidth);
        if (!hasCenter || !hasWidth) break;
        if (w.width <= 0) continue;
        w.name = tagText(ds, DCM_WindowCenterWidthExplanation, i);
        if (w.name.isEmpty()) w.name = QStringLiteral("preset %1").arg(i + 1);
        info.windows << w;
    }
    for (const auto& t : kPatientTags) {
        const QString v = tagText(ds, t.tag);
        if (!v.isEmpty()) info.patient.fields << qMakePair(QString::fromLatin1(t.name), v);
    }
    return info;
}

struct Opened
{
    std::unique_ptr<DcmFileFormat> file;
    DicomInfo info;
};

// Checks the description read from o.file against the limits before any pixel is decoded. `path`
// names the file in messages.
std::optional<Opened> check(Opened o, const QString& path, QString* error)
{
    auto fail = [&](const QString& why) -> std::optional<Opened> {
        if (error) *error = QStringLiteral("%1: %2").arg(path, why);
        return std::nullopt;
    };
    DcmDataset* ds = o.file->getDataset();
    if (!ds || !ds->tagExists(DCM_PixelData)) return fail(QStringLiteral("no pixel data (not an image)"));
    o.info = describe(*ds);
    const DicomInfo& i = o.info;
    if (i.rows <= 0 || i.columns <= 0 || i.frames <= 0)
        return fail(QStringLiteral("no image dimensions (rows %1, columns %2, frames %3)")
                        .arg(i.rows)
                        .arg(i.columns)
                        .arg(i.frames));
    if (const QString problem = imageSizeProblem(QSize(i.columns, i.rows)); !problem.isEmpty())
        return fail(problem);
    if (i.samplesPerPixel != 1 && i.samplesPerPixel != 3)
        return fail(QStringLiteral("%1 samples per pixel is not supported (1 or 3)").arg(i.samplesPerPixel));
    if (i.bitsAllocated != 8 && i.bitsAllocated != 16)
        return fail(QStringLiteral("%1 bits allocated is not supported (8 or 16)").arg(i.bitsAllocated));
    if (i.samplesPerPixel == 3 && i.bitsAllocated != 8)
        return fail(
            QStringLiteral("colour with %1 bits per sample is not supported (8)").arg(i.bitsAllocated));
    if (i.bitsStored < 1 || i.bitsStored > i.bitsAllocated)
        return fail(QStringLiteral("%1 bits stored in %2 allocated").arg(i.bitsStored).arg(i.bitsAllocated));
    const qint64 total = qint64(i.rows) * i.columns * i.frames * i.samplesPerPixel * (i.bitsAllocated / 8);
    if (total > qint64(kImageAllocationLimitMb) * 1024 * 1024)
        return fail(QStringLiteral("%1 frames of %2 x %3 need %4 MB, above the limit of %5 MB")
                        .arg(i.frames)
                        .arg(i.columns)
                        .arg(i.rows)
                        .arg(total / (1024 * 1024))
                        .arg(kImageAllocationLimitMb));
    return o;
}

std::optional<Opened> openDicom(const QString& path, QString* error)
{
    auto fail = [&](const QString& why) -> std::optional<Opened> {
        if (error) *error = QStringLiteral("%1: %2").arg(path, why);
        return std::nullopt;
    };
    {
        QFile file(path);
        if (const QString problem = openImageFile(file); !problem.isEmpty()) return fail(problem);
    }
    if (!isDicomFile(path)) return fail(QStringLiteral("not a DICOM file (no DICM preamble)"));
    setUpDcmtk();
    Opened o;
    o.file = std::make_unique<DcmFileFormat>();
    // Values over 4 KB are read when used, not while parsing: a declared length past the end of the
    // file then fails the parse instead of reserving up to 4 GB for it.
    const OFCondition c =
        o.file->loadFile(OFFilename(QFile::encodeName(path).constData()), EXS_Unknown, EGL_noChange, 4096);
    if (c.bad()) return fail(QStringLiteral("damaged DICOM file (%1)").arg(QString::fromLatin1(c.text())));
    return check(std::move(o), path, error);
}

// The pixel data of all frames, decompressed, or an error. Points into the dataset.
struct Pixels
{
    const char* data = nullptr;
    size_t length = 0;
    QString error;
    std::vector<char> decoded; // JPEG 2000, decoded here rather than by DCMTK
    bool rgb = false;          // colour was decoded to RGB whatever the header's photometric says
};

Pixels pixelData(Opened& o)
{
    Pixels p;
    DcmDataset* ds = o.file->getDataset();
    const DicomInfo& info = o.info;
    const DcmXfer xfer(ds->getOriginalXfer());
    if (xfer.isEncapsulated()) {
        // DCMTK as packaged has no JPEG 2000 decoder: OpenJPEG decodes it (core/import/dicomj2k.h).
        if (isJpeg2000Syntax(info.transferSyntaxUid)) {
            if (const QString problem = decodeJpeg2000(*ds, info, p.decoded); !problem.isEmpty()) {
                p.error =
                    QStringLiteral("cannot decode the pixel data (%1: %2)").arg(info.transferSyntax, problem);
                return p;
            }
            p.data = p.decoded.data();
            p.length = p.decoded.size();
            p.rgb = true;
            return p;
        }
        if (info.transferSyntaxUid.startsWith(QLatin1String("1.2.840.10008.1.2.4.20"))) {
            p.error = QStringLiteral("%1 is not supported (no High-Throughput JPEG 2000 decoder)")
                          .arg(info.transferSyntax);
            return p;
        }
        if (info.transferSyntaxUid.startsWith(QLatin1String("1.2.840.10008.1.2.4.5")) ||
            info.transferSyntaxUid.startsWith(QLatin1String("1.2.840.10008.1.2.4.6")) ||
            info.transferSyntaxUid == QLatin1String("1.2.840.10008.1.2.4.70")) {
            if (const QString problem = checkJpegFragments(*ds); !problem.isEmpty()) {
                p.error =
                    QStringLiteral("cannot decode the pixel data (%1: %2)").arg(info.transferSyntax, problem);
                return p;
            }
        }
        if (ds->chooseRepresentation(EXS_LittleEndianExplicit, nullptr).bad() ||
            !ds->canWriteXfer(EXS_LittleEndianExplicit)) {
            p.error = QStringLiteral("cannot decode the pixel data (%1: not supported, or damaged)")
                          .arg(info.transferSyntax);
            return p;
        }
    }
    DcmElement* element = nullptr;
    if (ds->findAndGetElement(DCM_PixelData, element).bad() || !element) {
        p.error = QStringLiteral("no pixel data");
        return p;
    }
    const size_t needed = size_t(info.rows) * size_t(info.columns) * size_t(info.samplesPerPixel) *
                          size_t(info.bitsAllocated / 8) * size_t(info.frames);
    OFCondition c;
    if (info.bitsAllocated == 16) {
        Uint16* words = nullptr;
        c = element->getUint16Array(words);
        p.data = reinterpret_cast<const char*>(words);
    } else {
        Uint8* bytes = nullptr;
        c = element->getUint8Array(bytes);
        p.data = reinterpret_cast<const char*>(bytes);
    }
    p.length = element->getLength();
    if (c.bad() || !p.data) {
        p.error = QStringLiteral("cannot read the pixel data (%1)").arg(QString::fromLatin1(c.text()));
        return p;
    }
    // Data shorter than its dimensions would be read past its end.
    if (p.length < needed)
        p.error = QStringLiteral("the pixel data holds %1 bytes, its dimensions need %2 (truncated file or "
                                 "wrong element length)")
                      .arg(p.length)
                      .arg(needed);
    return p;
}

// The decoded frame's stored values as modality values.
template <typename T> void toValues(const char* data, const DicomInfo& info, DicomFrame& frame)
{
    const size_t count = size_t(info.rows) * size_t(info.columns);
    const int bits = std::clamp(info.bitsStored, 1, int(sizeof(T) * 8));
    const uint32_t mask = bits >= 32 ? 0xffffffffu : (1u << bits) - 1u;
    const uint32_t sign = 1u << (bits - 1);
    frame.values.resize(count);
    const T* in = reinterpret_cast<const T*>(data);
    float lo = std::numeric_limits<float>::max(), hi = std::numeric_limits<float>::lowest();
    for (size_t k = 0; k < count; ++k) {
        // Bits above Bits Stored may hold overlays: mask them off, then sign-extend signed data.
        const uint32_t raw = uint32_t(in[k]) & mask;
        const double stored =
            info.signedPixels && (raw & sign) ? double(int64_t(raw) - (int64_t(1) << bits)) : double(raw);
        const float v = float(stored * info.slope + info.intercept);
        frame.values[k] = v;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    frame.minValue = lo;
    frame.maxValue = hi;
}

uchar clampByte(double v)
{
    return uchar(std::clamp(std::lround(v), 0L, 255L));
}

QImage toRgb(const uchar* data, const DicomInfo& info, bool planar, bool ybr)
{
    QImage out(info.columns, info.rows, QImage::Format_RGB888);
    if (out.isNull()) return out;
    const size_t plane = size_t(info.rows) * size_t(info.columns);
    for (int y = 0; y < info.rows; ++y) {
        uchar* line = out.scanLine(y);
        for (int x = 0; x < info.columns; ++x) {
            const size_t p = size_t(y) * size_t(info.columns) + size_t(x);
            uchar c[3];
            for (int s = 0; s < 3; ++s)
                c[s] = planar ? data[size_t(s) * plane + p] : data[p * 3 + size_t(s)];
            if (ybr) { // YBR_FULL: ITU-R BT.601 full range (PS3.3 C.7.6.3.1.2)
                const double Y = c[0], cb = c[1] - 128.0, cr = c[2] - 128.0;
                line[x * 3 + 0] = clampByte(Y + 1.402 * cr);
                line[x * 3 + 1] = clampByte(Y - 0.344136 * cb - 0.714136 * cr);
                line[x * 3 + 2] = clampByte(Y + 1.772 * cb);
            } else {
                std::copy(c, c + 3, line + x * 3);
            }
        }
    }
    return out;
}

std::optional<DicomImage> decodeFrame(std::optional<Opened> o, const QString& path, int frameIndex,
                                      QString* error)
{
    auto fail = [&](const QString& why) -> std::optional<DicomImage> {
        if (error) *error = QStringLiteral("%1: %2").arg(path, why);
        return std::nullopt;
    };
    if (!o) return std::nullopt;
    const DicomInfo& info = o->info;
    if (frameIndex < 0 || frameIndex >= info.frames)
        return fail(QStringLiteral("no frame %1 (the file has %2 frame(s), numbered from 0)")
                        .arg(frameIndex)
                        .arg(info.frames));
    const Pixels pixels = pixelData(*o);
    if (!pixels.error.isEmpty()) return fail(pixels.error);
    const size_t frameBytes = size_t(info.rows) * size_t(info.columns) * size_t(info.samplesPerPixel) *
                              size_t(info.bitsAllocated / 8);
    const char* data = pixels.data + frameBytes * size_t(frameIndex);
    DicomImage out;
    out.info = info;
    out.frame.size = QSize(info.columns, info.rows);
    out.frame.inverted = info.isInverted();
    if (info.isGrey()) {
        if (info.bitsAllocated == 8)
            toValues<uint8_t>(data, info, out.frame);
        else
            toValues<uint16_t>(data, info, out.frame);
        return out;
    }
    // The decoders may have converted colour (YBR to RGB, planes to pixels): read what they left.
    DcmDataset& ds = *o->file->getDataset();
    const QString photometric =
        pixels.rgb ? QStringLiteral("RGB") : tagText(ds, DCM_PhotometricInterpretation);
    const bool planar = !pixels.rgb && tagInt(ds, DCM_PlanarConfiguration, 0) == 1;
    if (photometric != QLatin1String("RGB") && photometric != QLatin1String("YBR_FULL"))
        return fail(QStringLiteral("colour as %1 is not supported (RGB, YBR_FULL or compressed YBR)")
                        .arg(photometric));
    out.frame.rgb =
        toRgb(reinterpret_cast<const uchar*>(data), info, planar, photometric == QLatin1String("YBR_FULL"));
    if (out.frame.rgb.isNull()) return fail(QStringLiteral("out of memory for the image"));
    out.frame.minValue = 0;
    out.frame.maxValue = 255;
    return out;
}

} // namespace

bool isDicomFile(const QString& path)
{
    QFile file(path);
    if (!QFileInfo(path).isFile() || !file.open(QIODevice::ReadOnly)) return false;
    char head[132];
    return hasPreamble(head, file.read(head, sizeof head));
}

std::optional<DicomInfo> readDicomInfo(const QString& path, QString* error)
{
    auto o = openDicom(path, error);
    if (!o) return std::nullopt;
    return o->info;
}

std::optional<DicomImage> readDicom(const QString& path, int frameIndex, QString* error)
{
    return decodeFrame(openDicom(path, error), path, frameIndex, error);
}

QImage readDicomImage(const QString& path, int frameIndex, QString* error)
{
    const auto d = readDicom(path, frameIndex, error);
    if (!d) return {};
    return applyWindow(d->frame, defaultWindow(d->info, d->frame));
}

int dicomFrameCount(const QString& path)
{
    if (!isDicomFile(path)) return 0;
    setUpDcmtk();
    DcmFileFormat file;
    // Values longer than 4 KB (the pixel data) stay on disk: a multi-frame file can be gigabytes.
    if (file.loadFile(OFFilename(QFile::encodeName(path).constData()), EXS_Unknown, EGL_noChange, 4096).bad())
        return 0;
    Sint32 frames = 1;
    if (file.getDataset()->findAndGetSint32(DCM_NumberOfFrames, frames).bad()) return 1;
    return frames > 0 ? int(frames) : 1;
}

QString writeDicomFrames(const QString& source, const QVector<int>& frames,
                         const std::function<QString(int)>& targetFor,
                         const std::function<bool(int written)>& keepGoing)
{
    QString error;
    auto o = openDicom(source, &error);
    if (!o) return error;
    const DicomInfo& info = o->info;
    for (int f : frames)
        if (f < 0 || f >= info.frames)
            return QStringLiteral("%1: no frame %2 (the file has %3)").arg(source).arg(f).arg(info.frames);
    const Pixels pixels = pixelData(*o);
    if (!pixels.error.isEmpty()) return QStringLiteral("%1: %2").arg(source, pixels.error);
    const size_t frameBytes = size_t(info.rows) * size_t(info.columns) * size_t(info.samplesPerPixel) *
                              size_t(info.bitsAllocated / 8);
    // A template without the pixel data and the multi-frame attributes; each frame adds its own pixels.
    DcmDataset base(*o->file->getDataset());
    for (const DcmTagKey& tag :
         {DCM_PixelData, DCM_NumberOfFrames, DCM_FrameIncrementPointer, DCM_PerFrameFunctionalGroupsSequence})
        delete base.remove(tag);
    if (pixels.rgb && info.samplesPerPixel == 3) { // decoded here to interleaved RGB
        base.putAndInsertString(DCM_PhotometricInterpretation, "RGB");
        base.putAndInsertUint16(DCM_PlanarConfiguration, 0);
    }
    int written = 0;
    for (int f : frames) {
        const QString target = targetFor(f);
        DcmFileFormat out(&base);
        DcmDataset* ds = out.getDataset();
        const char* data = pixels.data + frameBytes * size_t(f);
        OFCondition c =
            info.bitsAllocated == 16
                ? ds->putAndInsertUint16Array(DCM_PixelData, reinterpret_cast<const Uint16*>(data),
                                              static_cast<unsigned long>(frameBytes / 2))
                : ds->putAndInsertUint8Array(DCM_PixelData, reinterpret_cast<const Uint8*>(data),
                                             static_cast<unsigned long>(frameBytes));
        // Each frame file is an instance of its own.
        char uid[100];
        if (c.good())
            c = ds->putAndInsertString(DCM_SOPInstanceUID,
                                       dcmGenerateUniqueIdentifier(uid, SITE_INSTANCE_UID_ROOT));
        if (c.good())
            c = out.saveFile(OFFilename(QFile::encodeName(target).constData()), EXS_LittleEndianExplicit);
        if (c.bad())
            return QStringLiteral("%1: cannot write frame %2 (%3)")
                .arg(target)
                .arg(f)
                .arg(QString::fromLatin1(c.text()));
        if (keepGoing && !keepGoing(++written)) break;
    }
    return {};
}

} // namespace loupe::core
