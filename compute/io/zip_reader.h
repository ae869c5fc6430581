// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace loupe::compute {

// A minimal reader of zip archives held in memory (as torch.save writes them: stored entries, zip64 when
// large). It reads the central directory, checks every entry's local header and data range against the
// buffer, and hands out stored (uncompressed) entries without copying. Compressed entries are listed but
// refused on access with a clear message.
class ZipReader
{
public:
    struct Entry
    {
        std::string name;
        uint16_t method = 0; // 0 = stored, 8 = deflate
        uint64_t compressedSize = 0;
        uint64_t size = 0;
        uint64_t dataOffset = 0; // of the entry's bytes in the archive
    };

    // Throws Error (prefixed with `label`) if the archive is malformed.
    ZipReader(const uint8_t* data, size_t size, std::string label);

    const std::vector<Entry>& entries() const { return entries_; }
    const Entry* find(std::string_view name) const;
    // Bytes of a stored entry; throws Error for a missing or compressed entry.
    std::string_view bytes(const Entry& e) const;
    std::string_view bytes(std::string_view name) const;

private:
    const uint8_t* data_;
    size_t size_;
    std::string label_;
    std::vector<Entry> entries_;
};

// True if the buffer starts like a zip archive (local file header signature).
bool looksLikeZip(const uint8_t* data, size_t size);

} // namespace loupe::compute
