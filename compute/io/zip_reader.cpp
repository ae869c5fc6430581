// SPDX-License-Identifier: MIT
#include "compute/io/zip_reader.h"

#include "compute/error.h"

#include <algorithm>
#include <unordered_set>

namespace loupe::compute {

namespace {

constexpr uint32_t kLocalSig = 0x04034b50;
constexpr uint32_t kCentralSig = 0x02014b50;
constexpr uint32_t kEndSig = 0x06054b50;
constexpr uint32_t kEnd64Sig = 0x06064b50;
constexpr uint32_t kEnd64LocatorSig = 0x07064b50;

// Bounds-checked little-endian reads over the archive buffer.
struct Cursor
{
    const uint8_t* data;
    size_t size;
    const std::string& label;

    void need(uint64_t off, uint64_t n, const char* what) const
    {
        if (off > size || n > size - off)
            throw Error(label, std::string("zip: ") + what + " lies outside the file");
    }
    uint64_t le(uint64_t off, int bytes) const
    {
        need(off, uint64_t(bytes), "record");
        uint64_t v = 0;
        for (int i = bytes - 1; i >= 0; --i)
            v = (v << 8) | data[off + i];
        return v;
    }
    uint16_t u16(uint64_t off) const { return uint16_t(le(off, 2)); }
    uint32_t u32(uint64_t off) const { return uint32_t(le(off, 4)); }
    uint64_t u64(uint64_t off) const { return le(off, 8); }
};

} // namespace

bool looksLikeZip(const uint8_t* data, size_t size)
{
    return size >= 4 && data[0] == 'P' && data[1] == 'K' && data[2] == 3 && data[3] == 4;
}

ZipReader::ZipReader(const uint8_t* data, size_t size, std::string label)
    : data_(data), size_(size), label_(std::move(label))
{
    const Cursor c{data_, size_, label_};
    if (size_ < 22) throw Error(label_, "zip: file too short to be an archive");
    // The end-of-central-directory record sits in the last 22 + 65535 (comment) bytes.
    uint64_t eocd = UINT64_MAX;
    const uint64_t lowest = size_ >= 22 + 65535 ? size_ - 22 - 65535 : 0;
    for (uint64_t p = size_ - 22 + 1; p-- > lowest;) {
        if (c.u32(p) == kEndSig) {
            eocd = p;
            break;
        }
    }
    if (eocd == UINT64_MAX)
        throw Error(label_, "zip: end of central directory not found (truncated or not a zip archive)");

    uint64_t count = c.u16(eocd + 10);
    uint64_t cdSize = c.u32(eocd + 12);
    uint64_t cdOffset = c.u32(eocd + 16);
    if (count == 0xffff || cdSize == 0xffffffff || cdOffset == 0xffffffff) {
        if (eocd < 20 || c.u32(eocd - 20) != kEnd64LocatorSig)
            throw Error(label_, "zip: zip64 archive without a zip64 locator");
        const uint64_t e64 = c.u64(eocd - 20 + 8);
        if (c.u32(e64) != kEnd64Sig)
            throw Error(label_, "zip: zip64 end record not found where the locator points");
        count = c.u64(e64 + 32);
        cdSize = c.u64(e64 + 40);
        cdOffset = c.u64(e64 + 48);
    }
    c.need(cdOffset, cdSize, "central directory");
    // Each central record is at least 46 bytes: a count beyond that is a lie we need not allocate for.
    if (count > cdSize / 46)
        throw Error(label_,
                    "zip: entry count " + std::to_string(count) + " does not fit the central directory");

    std::unordered_set<std::string> names;
    uint64_t p = cdOffset;
    const uint64_t cdEnd = cdOffset + cdSize;
    for (uint64_t i = 0; i < count; ++i) {
        if (p + 46 > cdEnd || c.u32(p) != kCentralSig)
            throw Error(label_, "zip: bad central directory record " + std::to_string(i));
        Entry e;
        const uint16_t flags = c.u16(p + 8);
        e.method = c.u16(p + 10);
        e.compressedSize = c.u32(p + 20);
        e.size = c.u32(p + 24);
        const uint16_t nameLen = c.u16(p + 28);
        const uint16_t extraLen = c.u16(p + 30);
        const uint16_t commentLen = c.u16(p + 32);
        uint64_t localOffset = c.u32(p + 42);
        if (p + 46 + nameLen + extraLen + commentLen > cdEnd)
            throw Error(label_,
                        "zip: central directory record " + std::to_string(i) + " overruns the directory");
        e.name.assign(reinterpret_cast<const char*>(data_ + p + 46), nameLen);
        if (flags & 1) throw Error(label_, "zip: entry '" + e.name + "' is encrypted");
        // zip64 extended information: present fields replace the 0xffffffff placeholders, in this order.
        for (uint64_t x = p + 46 + nameLen; x + 4 <= p + 46 + nameLen + extraLen;) {
            const uint16_t id = c.u16(x);
            const uint16_t len = c.u16(x + 2);
            if (x + 4 + len > p + 46 + nameLen + extraLen)
                throw Error(label_, "zip: malformed extra field in entry '" + e.name + "'");
            if (id == 1) {
                uint64_t q = x + 4;
                const uint64_t qEnd = q + len;
                auto take = [&](uint64_t& field) {
                    if (q + 8 > qEnd) throw Error(label_, "zip: short zip64 field in entry '" + e.name + "'");
                    field = c.u64(q);
                    q += 8;
                };
                if (e.size == 0xffffffff) take(e.size);
                if (e.compressedSize == 0xffffffff) take(e.compressedSize);
                if (localOffset == 0xffffffff) take(localOffset);
            }
            x += 4 + len;
        }
        if (!names.insert(e.name).second) throw Error(label_, "zip: entry '" + e.name + "' appears twice");
        // The local header repeats name and extra lengths (they may differ from the central copy).
        if (c.u32(localOffset) != kLocalSig)
            throw Error(label_, "zip: entry '" + e.name + "' has no local header at its offset");
        const uint16_t localName = c.u16(localOffset + 26);
        const uint16_t localExtra = c.u16(localOffset + 28);
        e.dataOffset = localOffset + 30 + localName + localExtra;
        c.need(e.dataOffset, e.compressedSize, ("data of entry '" + e.name + "'").c_str());
        if (e.method == 0 && e.compressedSize != e.size)
            throw Error(label_,
                        "zip: stored entry '" + e.name + "' has different compressed and plain sizes");
        entries_.push_back(std::move(e));
        p += 46 + nameLen + extraLen + commentLen;
    }
}

const ZipReader::Entry* ZipReader::find(std::string_view name) const
{
    for (const auto& e : entries_)
        if (e.name == name) return &e;
    return nullptr;
}

std::string_view ZipReader::bytes(const Entry& e) const
{
    if (e.method != 0)
        throw Error(label_, "zip: entry '" + e.name + "' is compressed (method " + std::to_string(e.method) +
                                "); only stored entries are supported, as torch.save writes them");
    return {reinterpret_cast<const char*>(data_ + e.dataOffset), size_t(e.size)};
}

std::string_view ZipReader::bytes(std::string_view name) const
{
    if (const Entry* e = find(name)) return bytes(*e);
    throw Error(label_, "zip: no entry named '" + std::string(name) + "'");
}

} // namespace loupe::compute
