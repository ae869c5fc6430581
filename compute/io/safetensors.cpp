// SPDX-License-Identifier: MIT
#include "compute/io/safetensors.h"

#include "compute/error.h"

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>

namespace loupe::compute {

namespace {

// The reference implementation refuses headers over 100 MB; so do we, before allocating anything.
constexpr uint64_t kMaxHeader = 100ull * 1024 * 1024;

using json = nlohmann::json;

int64_t jsonInt(const json& v, const std::string& label, const std::string& what)
{
    if (v.is_number_unsigned()) {
        const auto u = v.get<uint64_t>();
        if (u > uint64_t(INT64_MAX)) throw Error(label, what + " is too large");
        return int64_t(u);
    }
    if (v.is_number_integer()) return v.get<int64_t>();
    throw Error(label, what + " is not an integer");
}

} // namespace

SafetensorsHeader parseSafetensors(const uint8_t* data, size_t size, const std::string& label)
{
    if (size == 0) throw Error(label, "empty file (not a safetensors file)");
    if (size < 8)
        throw Error(label, "file too short for a safetensors header (" + std::to_string(size) + " bytes)");
    uint64_t n = 0;
    for (int i = 7; i >= 0; --i)
        n = (n << 8) | data[i];
    if (n > kMaxHeader)
        throw Error(label, "header length " + std::to_string(n) + " is absurd (limit 100 MB)");
    if (n > size - 8)
        throw Error(label, "header length " + std::to_string(n) + " runs past the end of the file (" +
                               std::to_string(size) + " bytes)");
    if (n < 2) throw Error(label, "header too short to be a JSON object");

    const char* text = reinterpret_cast<const char*>(data + 8);
    // nlohmann keeps the last of duplicate keys silently; watch the top-level keys go by instead.
    std::set<std::string> seen;
    std::string duplicate;
    json header;
    try {
        header = json::parse(text, text + n, [&](int depth, json::parse_event_t ev, json& parsed) {
            if (depth == 1 && ev == json::parse_event_t::key && duplicate.empty()) {
                const auto& k = parsed.get_ref<const std::string&>();
                if (!seen.insert(k).second) duplicate = k;
            }
            return true;
        });
    } catch (const json::exception& e) {
        throw Error(label, std::string("header is not valid JSON: ") + e.what());
    }
    if (!duplicate.empty()) throw Error(label, "tensor name '" + duplicate + "' appears twice in the header");
    if (!header.is_object()) throw Error(label, "header is not a JSON object");

    SafetensorsHeader out;
    out.dataOffset = size_t(8 + n);
    const uint8_t* base = data + out.dataOffset;
    const uint64_t dataSize = size - out.dataOffset;

    struct Span
    {
        uint64_t begin, end;
        size_t index;
    };
    std::vector<Span> spans;
    for (auto it = header.begin(); it != header.end(); ++it) {
        const std::string& name = it.key();
        const json& v = it.value();
        if (name == "__metadata__") {
            if (!v.is_object()) throw Error(label, "__metadata__ is not an object");
            for (auto m = v.begin(); m != v.end(); ++m) {
                if (!m.value().is_string())
                    throw Error(label, "__metadata__ value of '" + m.key() + "' is not a string");
                out.metadata[m.key()] = m.value().get<std::string>();
            }
            continue;
        }
        const std::string where = "tensor '" + name + "'";
        if (!v.is_object()) throw Error(label, where + ": entry is not an object");
        const auto dt = v.find("dtype");
        const auto sh = v.find("shape");
        const auto off = v.find("data_offsets");
        if (dt == v.end() || !dt->is_string()) throw Error(label, where + ": missing or non-string dtype");
        if (sh == v.end() || !sh->is_array()) throw Error(label, where + ": missing or non-array shape");
        if (off == v.end() || !off->is_array() || off->size() != 2)
            throw Error(label, where + ": data_offsets must be an array of two integers");
        const auto dtype = dtypeFromSafetensors(dt->get_ref<const std::string&>());
        if (!dtype) throw Error(label, where + ": unknown dtype '" + dt->get<std::string>() + "'");
        TensorView t;
        t.name = name;
        t.dtype = *dtype;
        for (const json& d : *sh) {
            const int64_t dim = jsonInt(d, label, where + ": shape dimension");
            if (dim < 0) throw Error(label, where + ": negative dimension " + std::to_string(dim));
            t.shape.push_back(dim);
        }
        const int64_t b = jsonInt((*off)[0], label, where + ": data offset");
        const int64_t e = jsonInt((*off)[1], label, where + ": data offset");
        if (b < 0 || e < b)
            throw Error(label, where + ": data_offsets [" + std::to_string(b) + ", " + std::to_string(e) +
                                   "] are not an increasing pair");
        if (uint64_t(e) > dataSize)
            throw Error(label, where + ": data_offsets end " + std::to_string(e) +
                                   " lies outside the data region (" + std::to_string(dataSize) + " bytes)");
        const size_t es = dtypeSize(t.dtype);
        const auto numel = checkedNumel(t.shape, es);
        if (!numel) throw Error(label, where + ": shape overflows");
        if (*numel * es != uint64_t(e - b))
            throw Error(label, where + ": shape x dtype size is " + std::to_string(*numel * es) +
                                   " bytes but data_offsets span " + std::to_string(e - b));
        t.data = base + b;
        t.nbytes = size_t(e - b);
        spans.push_back({uint64_t(b), uint64_t(e), out.tensors.size()});
        out.tensors.push_back(std::move(t));
    }

    // The tensors must tile the data region exactly: no overlaps (aliasing), no gaps (hidden bytes).
    std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    uint64_t cursor = 0;
    for (const Span& s : spans) {
        const std::string& nm = out.tensors[s.index].name;
        if (s.begin < cursor) throw Error(label, "tensor '" + nm + "' overlaps the previous tensor's data");
        if (s.begin > cursor)
            throw Error(label, "gap of " + std::to_string(s.begin - cursor) + " bytes before tensor '" + nm +
                                   "' in the data region");
        cursor = s.end;
    }
    if (cursor != dataSize)
        throw Error(label, std::to_string(dataSize - cursor) +
                               " bytes after the last tensor are not described by the header");

    std::vector<TensorView> ordered;
    ordered.reserve(spans.size());
    for (const Span& s : spans)
        ordered.push_back(std::move(out.tensors[s.index]));
    out.tensors = std::move(ordered);
    return out;
}

SafetensorsFile SafetensorsFile::open(const std::filesystem::path& path)
{
    SafetensorsFile f;
    f.map_ = MappedFile::open(path);
    f.header_ = parseSafetensors(f.map_->data(), f.map_->size(), path.string());
    for (size_t i = 0; i < f.header_.tensors.size(); ++i)
        f.index_.emplace(f.header_.tensors[i].name, i);
    return f;
}

const TensorView* SafetensorsFile::find(std::string_view name) const
{
    const auto it = index_.find(name);
    return it == index_.end() ? nullptr : &header_.tensors[it->second];
}

const TensorView& SafetensorsFile::tensor(std::string_view name) const
{
    if (const TensorView* t = find(name)) return *t;
    throw Error(path().string(), "no tensor named '" + std::string(name) + "'");
}

std::vector<std::string> SafetensorsFile::names() const
{
    std::vector<std::string> v;
    for (const auto& t : header_.tensors)
        v.push_back(t.name);
    std::sort(v.begin(), v.end());
    return v;
}

} // namespace loupe::compute
