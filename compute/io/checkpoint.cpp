// SPDX-License-Identifier: MIT
#include "compute/io/checkpoint.h"

#include "compute/error.h"
#include "compute/io/mapped_file.h"
#include "compute/io/quantized_weights.h"
#include "compute/io/safetensors.h"
#include "compute/io/torch_bin.h"

#include <algorithm>
#include <map>
#include <set>

namespace loupe::compute {

namespace fs = std::filesystem;

struct Checkpoint::Impl
{
    fs::path folder;
    EngineOptions options;
    Format format = Format::Safetensors;
    nlohmann::json config;
    std::vector<fs::path> files;
    std::vector<std::shared_ptr<const MappedFile>> maps;
    std::vector<std::shared_ptr<std::vector<uint8_t>>> owned;
    std::map<std::string, TensorView, std::less<>> tensors;
    std::map<std::string, fs::path, std::less<>> fileOf;
    WeightFormat saved{Precision::Default};

    void add(const TensorView& t, const fs::path& file)
    {
        if (!tensors.emplace(t.name, t).second)
            throw Error(file.string(), "tensor '" + t.name + "' is also stored in another shard");
        fileOf.emplace(t.name, file);
    }
};

nlohmann::json readJsonFile(const fs::path& path)
{
    auto map = MappedFile::open(path);
    const char* p = reinterpret_cast<const char*>(map->data());
    try {
        return nlohmann::json::parse(p, p + map->size());
    } catch (const nlohmann::json::exception& e) {
        throw Error(path.string(), std::string("not valid JSON: ") + e.what());
    }
}

namespace {

void loadSafetensors(Checkpoint::Impl& d, const fs::path& file)
{
    auto map = MappedFile::open(file);
    SafetensorsHeader h = parseSafetensors(map->data(), map->size(), file.string());
    for (const auto& t : h.tensors)
        d.add(t, file);
    d.maps.push_back(std::move(map));
    d.files.push_back(file);
}

void loadTorchBin(Checkpoint::Impl& d, const fs::path& file)
{
    auto map = MappedFile::open(file);
    TorchBinContents c = readTorchBin(map->data(), map->size(), file.string());
    for (const auto& t : c.tensors)
        d.add(t, file);
    for (auto& o : c.owned)
        d.owned.push_back(std::move(o));
    d.maps.push_back(std::move(map));
    d.files.push_back(file);
}

// The index format is the same for safetensors and .bin shards: {"weight_map": {tensor: shard file}}.
void loadIndex(Checkpoint::Impl& d, const fs::path& indexPath, bool binShards)
{
    const nlohmann::json index = readJsonFile(indexPath);
    const auto wm = index.is_object() ? index.find("weight_map") : index.end();
    if (wm == index.end() || !wm->is_object()) throw Error(indexPath.string(), "no \"weight_map\" object");
    std::map<std::string, std::vector<std::string>> byShard;
    for (auto it = wm->begin(); it != wm->end(); ++it) {
        if (!it.value().is_string())
            throw Error(indexPath.string(), "weight_map entry '" + it.key() + "' is not a file name");
        const std::string shard = it.value().get<std::string>();
        // Shards live beside the index: a path elsewhere is a malformed (or malicious) index.
        if (shard.empty() || shard.find('/') != std::string::npos || shard.find('\\') != std::string::npos ||
            shard == "." || shard == "..")
            throw Error(indexPath.string(), "weight_map entry '" + it.key() + "' names shard '" + shard +
                                                "', which is not a file name in the checkpoint folder");
        byShard[shard].push_back(it.key());
    }
    if (byShard.empty()) throw Error(indexPath.string(), "weight_map is empty");
    for (const auto& [shard, names] : byShard) {
        const fs::path file = d.folder / shard;
        if (!fs::exists(file))
            throw Error(indexPath.string(),
                        "shard '" + shard + "' is missing (needed for '" + names.front() + "')");
        if (binShards)
            loadTorchBin(d, file);
        else
            loadSafetensors(d, file);
        for (const auto& n : names) {
            const auto it = d.tensors.find(n);
            if (it == d.tensors.end())
                throw Error(indexPath.string(), "tensor '" + n + "' is mapped to shard '" + shard +
                                                    "' but that file does not contain it");
        }
    }
}

} // namespace

Checkpoint Checkpoint::open(const fs::path& folder, const EngineOptions& options)
{
    auto d = std::make_shared<Impl>();
    d->folder = folder;
    d->options = options;
    if (!fs::is_directory(folder)) throw Error(folder.string(), "not a folder");
    const fs::path config = folder / "config.json";
    if (!fs::exists(config))
        throw Error(config.string(), "missing (every Hugging Face checkpoint folder has one)");
    d->config = readJsonFile(config);
    if (!d->config.is_object()) throw Error(config.string(), "is not a JSON object");

    const fs::path single = folder / "model.safetensors";
    const fs::path index = folder / "model.safetensors.index.json";
    const fs::path bin = folder / "pytorch_model.bin";
    const fs::path binIndex = folder / "pytorch_model.bin.index.json";
    if (fs::exists(single)) {
        d->format = Format::Safetensors;
        loadSafetensors(*d, single);
    } else if (fs::exists(index)) {
        d->format = Format::ShardedSafetensors;
        loadIndex(*d, index, false);
    } else if (fs::exists(bin)) {
        d->format = Format::PytorchBin;
        loadTorchBin(*d, bin);
    } else if (fs::exists(binIndex)) {
        d->format = Format::ShardedPytorchBin;
        loadIndex(*d, binIndex, true);
    } else {
        throw Error(folder.string(), "no weights: expected model.safetensors, model.safetensors.index.json, "
                                     "pytorch_model.bin or pytorch_model.bin.index.json");
    }
    d->saved = compute::savedWeightFormat(d->config, config.string());
    dequantizeInt8Tensors(d->tensors, d->fileOf, d->owned);
    Checkpoint c;
    c.d_ = std::move(d);
    return c;
}

const EngineOptions& Checkpoint::engineOptions() const
{
    return d_->options;
}

Checkpoint Checkpoint::withEngineOptions(const EngineOptions& options) const
{
    auto d = std::make_shared<Impl>(*d_);
    d->options = options;
    Checkpoint c = *this;
    c.d_ = std::move(d);
    return c;
}

WeightFormat Checkpoint::savedWeightFormat() const
{
    return d_->saved;
}

WeightFormat Checkpoint::linearWeightFormat() const
{
    WeightFormat f{d_->options.precision};
    if (f.precision == Precision::Default) f = d_->saved;
    // An int8 checkpoint repacks with its own groups, so its integers come back unchanged.
    if (f.precision == Precision::Int8 && d_->saved.precision == Precision::Int8)
        f.groupSize = d_->saved.groupSize;
    return effectiveWeightFormat(f);
}

std::string Checkpoint::linearWeightFormatNote() const
{
    return d_->options.precision == Precision::Default
               ? std::string()
               : weightFormatNote(WeightFormat{d_->options.precision});
}

const fs::path& Checkpoint::folder() const
{
    return d_->folder;
}
Checkpoint::Format Checkpoint::format() const
{
    return d_->format;
}
const nlohmann::json& Checkpoint::config() const
{
    return d_->config;
}
const std::vector<fs::path>& Checkpoint::files() const
{
    return d_->files;
}

std::vector<std::string> Checkpoint::names() const
{
    std::vector<std::string> v;
    v.reserve(d_->tensors.size());
    for (const auto& [n, t] : d_->tensors)
        v.push_back(n);
    return v;
}

bool Checkpoint::contains(std::string_view name) const
{
    return find(name) != nullptr;
}

const TensorView* Checkpoint::find(std::string_view name) const
{
    const auto it = d_->tensors.find(name);
    return it == d_->tensors.end() ? nullptr : &it->second;
}

const TensorView& Checkpoint::tensor(std::string_view name) const
{
    if (const TensorView* t = find(name)) return *t;
    throw Error(d_->folder.string(), "checkpoint has no tensor '" + std::string(name) + "'");
}

std::vector<float> Checkpoint::toF32(std::string_view name) const
{
    return compute::toF32(tensor(name));
}

uint64_t Checkpoint::parameterCount() const
{
    uint64_t n = 0;
    for (const auto& [name, t] : d_->tensors)
        n += uint64_t(t.numel());
    return n;
}

std::string_view formatName(Checkpoint::Format f)
{
    switch (f) {
    case Checkpoint::Format::Safetensors:
        return "safetensors";
    case Checkpoint::Format::ShardedSafetensors:
        return "sharded safetensors";
    case Checkpoint::Format::PytorchBin:
        return "pytorch_model.bin";
    case Checkpoint::Format::ShardedPytorchBin:
        return "sharded pytorch_model.bin";
    }
    return "?";
}

} // namespace loupe::compute
