// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>

namespace loupe::compute {

// A read-only memory map of a whole file. Tensor views point into it, so it is shared by everything that
// hands out such views. An empty file maps to (nullptr, 0). A file truncated by another process while
// mapped raises SIGBUS on access, as with any mmap reader; checkpoints are not expected to change in place.
class MappedFile
{
public:
    static std::shared_ptr<const MappedFile> open(const std::filesystem::path& path);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const uint8_t* data() const { return data_; }
    size_t size() const { return size_; }
    const std::filesystem::path& path() const { return path_; }

private:
    MappedFile() = default;
    const uint8_t* data_ = nullptr;
    size_t size_ = 0;
    std::filesystem::path path_;
};

} // namespace loupe::compute
