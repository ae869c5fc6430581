// SPDX-License-Identifier: MIT
#include "core/imageend.h"

#include <QIODevice>
#include <algorithm>

namespace loupe::core {

namespace {
constexpr unsigned char kPngSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
constexpr quint32 kIend = (quint32('I') << 24) | (quint32('E') << 16) | (quint32('N') << 8) | quint32('D');
} // namespace

ImageEndCheck::ImageEndCheck(const QByteArray& format)
{
    const QByteArray f = format.toLower();
    if (f == "jpeg" || f == "jpg")
        kind_ = Kind::Jpeg;
    else if (f == "png")
        kind_ = Kind::Png;
}

void ImageEndCheck::feed(const char* data, qint64 size)
{
    if (kind_ == Kind::None) return;
    const auto* p = reinterpret_cast<const unsigned char*>(data);
    qint64 i = 0;
    while (i < size && state_ != State::Done && state_ != State::Bad) {
        if (state_ == State::Skip) {
            const qint64 n = std::min(skip_, size - i);
            skip_ -= n;
            i += n;
            seen_ += n;
            if (skip_ == 0)
                state_ = kind_ == Kind::Png ? State::ChunkHeader
                                            : (segmentIsScan_ ? State::Entropy : State::Marker);
            continue;
        }
        if (kind_ == Kind::Jpeg)
            feedJpeg(p[i]);
        else
            feedPng(p[i]);
        ++i;
        ++seen_;
    }
}

void ImageEndCheck::feedJpeg(unsigned char c)
{
    switch (state_) {
    case State::Signature:
        if ((seen_ == 0 && c != 0xFF) || (seen_ == 1 && c != 0xD8)) {
            state_ = State::Bad;
            bad_ = QStringLiteral("corrupt: the JPEG data does not start with a start-of-image marker");
        } else if (seen_ == 1) {
            state_ = State::Marker;
        }
        return;
    case State::Marker: // bytes between segments other than 0xFF are tolerated, as libjpeg does
        if (c == 0xFF) state_ = State::MarkerCode;
        return;
    case State::Entropy:
        if (c == 0xFF) state_ = State::EntropyFF;
        return;
    case State::EntropyFF:
        if (c == 0x00 || (c >= 0xD0 && c <= 0xD7)) { // stuffed byte or restart marker: still scan data
            state_ = State::Entropy;
            return;
        }
        [[fallthrough]];
    case State::MarkerCode:
        if (c == 0xFF) {
            state_ = State::MarkerCode; // fill bytes
        } else if (c == 0xD9) {
            state_ = State::Done;
        } else if (c == 0x00 || c == 0x01 || (c >= 0xD0 && c <= 0xD8)) {
            state_ = State::Marker; // markers without a length
        } else {
            segmentIsScan_ = c == 0xDA;
            acc_ = 0;
            accBytes_ = 0;
            state_ = State::Length;
        }
        return;
    case State::Length:
        acc_ = (acc_ << 8) | c;
        if (++accBytes_ < 2) return;
        if (acc_ < 2) {
            state_ = State::Bad;
            bad_ = QStringLiteral("corrupt: a JPEG segment has length %1").arg(acc_);
            return;
        }
        skip_ = qint64(acc_) - 2;
        state_ = skip_ > 0 ? State::Skip : (segmentIsScan_ ? State::Entropy : State::Marker);
        return;
    default:
        return;
    }
}

void ImageEndCheck::feedPng(unsigned char c)
{
    if (state_ == State::Signature) {
        if (c != kPngSignature[seen_]) {
            state_ = State::Bad;
            bad_ = QStringLiteral("corrupt: no PNG signature");
        } else if (seen_ == 7) {
            state_ = State::ChunkHeader;
            accBytes_ = 0;
        }
        return;
    }
    if (state_ != State::ChunkHeader) return;
    if (accBytes_ == 0) acc_ = 0;
    if (accBytes_ == 4) {
        skip_ = qint64(acc_); // the chunk's data length
        acc_ = 0;
    }
    acc_ = (acc_ << 8) | c;
    if (++accBytes_ < 8) return;
    accBytes_ = 0;
    if (acc_ == kIend) {
        state_ = State::Done;
    } else if (skip_ > 0x7FFFFFFF) {
        state_ = State::Bad;
        bad_ = QStringLiteral("corrupt: a PNG chunk claims %1 bytes").arg(skip_);
    } else {
        skip_ += 4; // the chunk's CRC
        state_ = State::Skip;
    }
}

QString ImageEndCheck::problem() const
{
    if (kind_ == Kind::None || state_ == State::Done) return {};
    if (state_ == State::Bad) return bad_;
    return kind_ == Kind::Jpeg
               ? QStringLiteral("truncated: the JPEG data ends before its end-of-image marker")
               : QStringLiteral("truncated: the PNG data ends before its IEND chunk");
}

QString ImageEndCheck::checkDevice(QIODevice& device, const QByteArray& format)
{
    ImageEndCheck check(format);
    if (check.kind_ == Kind::None) return {};
    if (!device.seek(0)) return QStringLiteral("cannot seek (%1)").arg(device.errorString());
    QByteArray buffer(1 << 20, Qt::Uninitialized);
    for (;;) {
        const qint64 n = device.read(buffer.data(), buffer.size());
        if (n < 0) return QStringLiteral("read error (%1)").arg(device.errorString());
        if (n == 0) break;
        check.feed(buffer.constData(), n);
        if (check.state_ == State::Done || check.state_ == State::Bad) break;
    }
    device.seek(0);
    return check.problem();
}

} // namespace loupe::core
