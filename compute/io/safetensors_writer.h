// SPDX-License-Identifier: MIT
#pragma once

#include "compute/dtype.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace loupe::compute {

// Collects tensors (copied in) and writes a .safetensors file any conforming reader loads: 8-byte
// little-endian header length, compact JSON header with __metadata__, padded with spaces to a multiple
// of 8 so every tensor's data is 8-byte aligned, data in name order with no gaps. The file is written
// to a temporary name beside the target and renamed over it, so a reader never sees a half-written file.
class SafetensorsWriter
{
public:
    void setMetadata(const std::string& key, const std::string& value) { metadata_[key] = value; }
    // Throws Error if the name is taken, empty or "__metadata__", or bytes does not match shape x dtype.
    void add(const std::string& name, DType dtype, std::vector<int64_t> shape, const void* data,
             size_t nbytes);
    void addF32(const std::string& name, std::vector<int64_t> shape, const float* data);
    bool contains(const std::string& name) const { return tensors_.count(name) != 0; }
    size_t size() const { return tensors_.size(); }

    // The complete file image (header + data).
    std::vector<uint8_t> serialize() const;
    // Atomic write; throws Error naming the path on failure (the target is left untouched).
    void write(const std::filesystem::path& path) const;

private:
    struct Entry
    {
        DType dtype;
        std::vector<int64_t> shape;
        std::vector<uint8_t> bytes;
    };
    std::map<std::string, std::string> metadata_;
    std::map<std::string, Entry> tensors_;
};

// The safetensors name of a dtype ("F32", "BF16", ...).
const char* safetensorsDTypeName(DType t);

} // namespace loupe::compute
