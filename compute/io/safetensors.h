// SPDX-License-Identifier: MIT
#pragma once

#include "compute/io/mapped_file.h"
#include "compute/io/tensor_view.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace loupe::compute {

// Parsed header of a .safetensors buffer. Everything in it has been checked against the buffer: known
// dtypes, non-negative dims without overflow, byte counts equal to shape x dtype size, offsets inside the
// data region, tiling it with neither gaps nor overlaps (as the reference reader demands), unique names.
struct SafetensorsHeader
{
    std::map<std::string, std::string> metadata; // "__metadata__" (string -> string)
    std::vector<TensorView> tensors; // in file order (by data offset); data points into the buffer
    size_t dataOffset = 0;           // start of the data region in the buffer
};

// Parse and validate a safetensors image held in memory. `label` names it in error messages (a path).
// Throws Error on anything malformed; never reads outside [data, data + size).
SafetensorsHeader parseSafetensors(const uint8_t* data, size_t size, const std::string& label);

// A memory-mapped .safetensors file; views stay valid while the object (or a copy of mapping()) lives.
class SafetensorsFile
{
public:
    static SafetensorsFile open(const std::filesystem::path& path);

    const std::filesystem::path& path() const { return map_->path(); }
    const std::map<std::string, std::string>& metadata() const { return header_.metadata; }
    const std::vector<TensorView>& tensors() const { return header_.tensors; }
    const TensorView* find(std::string_view name) const;
    const TensorView& tensor(std::string_view name) const; // throws Error naming the file if absent
    std::vector<std::string> names() const;
    std::shared_ptr<const MappedFile> mapping() const { return map_; }

private:
    std::shared_ptr<const MappedFile> map_;
    SafetensorsHeader header_;
    std::map<std::string, size_t, std::less<>> index_; // name -> position in header_.tensors
};

} // namespace loupe::compute
