// SPDX-License-Identifier: MIT
#include "compute/io/safetensors_writer.h"

#include "compute/error.h"
#include "compute/io/tensor_view.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

namespace loupe::compute {

const char* safetensorsDTypeName(DType t)
{
    switch (t) {
    case DType::F32:
        return "F32";
    case DType::F16:
        return "F16";
    case DType::BF16:
        return "BF16";
    case DType::I32:
        return "I32";
    case DType::I64:
        return "I64";
    case DType::U8:
        return "U8";
    case DType::F64:
        return "F64";
    case DType::Bool:
        return "BOOL";
    case DType::I8:
        return "I8";
    }
    return "?";
}

void SafetensorsWriter::add(const std::string& name, DType dtype, std::vector<int64_t> shape,
                            const void* data, size_t nbytes)
{
    if (name.empty() || name == "__metadata__")
        throw Error("safetensors writer", "invalid tensor name '" + name + "'");
    if (tensors_.count(name)) throw Error("safetensors writer", "tensor '" + name + "' added twice");
    const size_t es = dtypeSize(dtype);
    const auto n = checkedNumel(shape, es);
    if (!n || *n * es != nbytes)
        throw Error("safetensors writer", "tensor '" + name + "': byte count does not match shape x dtype");
    Entry e{dtype, std::move(shape), {}};
    e.bytes.resize(nbytes);
    if (nbytes) std::memcpy(e.bytes.data(), data, nbytes);
    tensors_.emplace(name, std::move(e));
}

void SafetensorsWriter::addF32(const std::string& name, std::vector<int64_t> shape, const float* data)
{
    const auto n = checkedNumel(shape, 4);
    if (!n) throw Error("safetensors writer", "tensor '" + name + "': invalid shape");
    add(name, DType::F32, std::move(shape), data, size_t(*n) * 4);
}

std::vector<uint8_t> SafetensorsWriter::serialize() const
{
    // nlohmann's ordered_json keeps __metadata__ first, as the reference writer does.
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata_.empty()) {
        nlohmann::ordered_json meta = nlohmann::ordered_json::object();
        for (const auto& [k, v] : metadata_)
            meta[k] = v;
        header["__metadata__"] = std::move(meta);
    }
    uint64_t offset = 0;
    for (const auto& [name, e] : tensors_) {
        nlohmann::ordered_json t;
        t["dtype"] = safetensorsDTypeName(e.dtype);
        t["shape"] = e.shape;
        t["data_offsets"] = {offset, offset + e.bytes.size()};
        header[name] = std::move(t);
        offset += e.bytes.size();
    }
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' ');
    std::vector<uint8_t> out(8 + text.size() + offset);
    uint64_t n = text.size();
    for (int i = 0; i < 8; ++i)
        out[i] = uint8_t(n >> (8 * i));
    std::memcpy(out.data() + 8, text.data(), text.size());
    size_t pos = 8 + text.size();
    for (const auto& [name, e] : tensors_) {
        if (!e.bytes.empty()) std::memcpy(out.data() + pos, e.bytes.data(), e.bytes.size());
        pos += e.bytes.size();
    }
    return out;
}

void SafetensorsWriter::write(const std::filesystem::path& path) const
{
    const std::vector<uint8_t> bytes = serialize();
    // A unique temporary beside the target (same filesystem, so the rename is atomic).
    std::string tmpName = path.string() + ".tmp-XXXXXX";
    const int fd = ::mkostemp(tmpName.data(), O_CLOEXEC);
    if (fd < 0) throw Error(path.string(), std::string("cannot create: ") + std::strerror(errno));
    const std::filesystem::path tmp = tmpName;
    ::fchmod(fd, 0644); // mkostemp creates 0600; a saved tensor file is as readable as any other output
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t w = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            const int e = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            throw Error(path.string(), std::string("write failed: ") + std::strerror(e));
        }
        done += size_t(w);
    }
    const bool synced = ::fsync(fd) == 0;
    const int syncErr = errno;
    if (::close(fd) != 0 || !synced) {
        const int e = synced ? errno : syncErr;
        ::unlink(tmp.c_str());
        throw Error(path.string(), std::string("write failed: ") + std::strerror(e));
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const int e = errno;
        ::unlink(tmp.c_str());
        throw Error(path.string(),
                    std::string("cannot rename temporary file into place: ") + std::strerror(e));
    }
}

} // namespace loupe::compute
