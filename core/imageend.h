// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>

class QIODevice;

namespace loupe::core {

// Tells a complete JPEG or PNG from a truncated one while the file streams past (import hashes every
// byte anyway). Qt's JPEG decoder fills a half-written file with grey and reports success, so a
// decode check alone does not catch it.
//
// JPEG: the marker segments are walked from SOI, skipping each by its length (so an EXIF thumbnail's
// own EOI inside APP1 does not count) and scanning entropy-coded data for the next marker; the file is
// complete once EOI is reached. Bytes after EOI (padding, a motion photo's video) are ignored.
// PNG: chunks are walked by their lengths; complete once IEND is reached.
// Other formats are not checked here (their decoders report truncation themselves).
class ImageEndCheck
{
public:
    // `format` as QImageReader::format() gives it: "jpeg", "png", ...
    explicit ImageEndCheck(const QByteArray& format);

    void feed(const char* data, qint64 size);
    // Empty when the stream is complete (or not checked), else why not, e.g.
    // "truncated: the JPEG data ends before its end-of-image marker".
    QString problem() const;

    // Reads the whole device from its start through a check. Empty, or the problem (read errors included).
    static QString checkDevice(QIODevice& device, const QByteArray& format);

private:
    enum class Kind { None, Jpeg, Png };
    enum class State {
        Signature,
        Marker,
        MarkerCode,
        Length,
        Skip,
        Entropy,
        EntropyFF,
        ChunkHeader,
        Done,
        Bad
    };
    void feedJpeg(unsigned char c);
    void feedPng(unsigned char c);

    Kind kind_ = Kind::None;
    State state_ = State::Signature;
    qint64 seen_ = 0; // bytes fed
    qint64 skip_ = 0; // bytes left to skip in the current segment / chunk
    quint32 acc_ = 0; // length (and PNG chunk type) being assembled
    int accBytes_ = 0;
    bool segmentIsScan_ = false;
    QString bad_;
};

} // namespace loupe::core
