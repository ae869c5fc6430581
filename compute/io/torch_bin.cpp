// SPDX-License-Identifier: MIT
#include "compute/io/torch_bin.h"

#include "compute/error.h"
#include "compute/io/pickle.h"
#include "compute/io/zip_reader.h"

#include <cstring>
#include <set>

namespace loupe::compute {

namespace {

struct Builder
{
    const ZipReader& zip;
    std::string prefix; // "archive/"
    const std::string& label;
    TorchBinContents out;
    std::set<std::string> names;

    void walk(const PyObject& dict, const std::string& namePrefix)
    {
        for (const auto& [k, v] : dict.dict) {
            if (k->kind != PyKind::Str) continue; // torch only uses string keys for parameters
            const std::string name = namePrefix + k->s;
            if (v->kind == PyKind::Tensor)
                addTensor(name, v->tensor);
            else if (v->kind == PyKind::Dict)
                walk(*v, name + ".");
        }
    }

    void addTensor(const std::string& name, const PyTensor& t)
    {
        const std::string where = "tensor '" + name + "'";
        if (!names.insert(name).second) throw Error(label, where + " appears twice");
        const size_t es = dtypeSize(t.storage.dtype);
        const std::string entry = prefix + "data/" + t.storage.key;
        const ZipReader::Entry* e = zip.find(entry);
        if (!e) throw Error(label, where + ": storage '" + entry + "' is missing from the archive");
        const std::string_view bytes = zip.bytes(*e);
        const auto storageNumel = checkedNumel({t.storage.numel}, es);
        if (!storageNumel || *storageNumel * es > bytes.size())
            throw Error(label, where + ": storage '" + entry + "' holds " + std::to_string(bytes.size()) +
                                   " bytes, fewer than its " + std::to_string(t.storage.numel) + " elements");
        const auto numel = checkedNumel(t.shape, es);
        if (!numel) throw Error(label, where + ": shape has negative or overflowing dimensions");
        if (t.offset < 0) throw Error(label, where + ": negative storage offset");

        TensorView v;
        v.name = name;
        v.dtype = t.storage.dtype;
        v.shape = t.shape;
        v.nbytes = size_t(*numel * es);
        if (*numel == 0) {
            v.data = bytes.data();
            out.tensors.push_back(std::move(v));
            return;
        }
        // Highest element index touched; strides must be non-negative.
        uint64_t extent = uint64_t(t.offset);
        bool contiguous = true;
        uint64_t expect = 1;
        for (size_t d = t.shape.size(); d-- > 0;) {
            if (t.stride[d] < 0) throw Error(label, where + ": negative stride");
            const uint64_t span = uint64_t(t.shape[d] - 1);
            if (t.stride[d] != 0 && span > (uint64_t(1) << 62) / uint64_t(t.stride[d]))
                throw Error(label, where + ": strides overflow");
            extent += span * uint64_t(t.stride[d]);
            if (extent > (uint64_t(1) << 62)) throw Error(label, where + ": strides overflow");
            if (t.shape[d] != 1 && uint64_t(t.stride[d]) != expect) contiguous = false;
            expect *= uint64_t(t.shape[d]);
        }
        if (extent >= uint64_t(t.storage.numel))
            throw Error(label, where + ": reaches element " + std::to_string(extent) + " of a storage of " +
                                   std::to_string(t.storage.numel));
        const uint8_t* base = reinterpret_cast<const uint8_t*>(bytes.data());
        if (contiguous) {
            v.data = base + uint64_t(t.offset) * es;
        } else {
            auto buf = std::make_shared<std::vector<uint8_t>>(v.nbytes);
            std::vector<int64_t> idx(t.shape.size(), 0);
            for (uint64_t i = 0; i < *numel; ++i) {
                uint64_t src = uint64_t(t.offset);
                for (size_t d = 0; d < idx.size(); ++d)
                    src += uint64_t(idx[d]) * uint64_t(t.stride[d]);
                std::memcpy(buf->data() + i * es, base + src * es, es);
                for (size_t d = idx.size(); d-- > 0;) {
                    if (++idx[d] < t.shape[d]) break;
                    idx[d] = 0;
                }
            }
            v.data = buf->data();
            out.owned.push_back(std::move(buf));
        }
        out.tensors.push_back(std::move(v));
    }
};

} // namespace

TorchBinContents readTorchBin(const uint8_t* data, size_t size, const std::string& label)
{
    if (size == 0) throw Error(label, "empty file");
    if (!looksLikeZip(data, size)) {
        if (size >= 2 && data[0] == 0x80)
            throw Error(label, "legacy (pre-1.6, non-zip) torch.save format is not supported; re-save the "
                               "checkpoint with a recent PyTorch or as safetensors");
        throw Error(label, "not a zip archive (torch.save format)");
    }
    ZipReader zip(data, size, label);
    const ZipReader::Entry* pkl = nullptr;
    for (const auto& e : zip.entries()) {
        const std::string& n = e.name;
        if (n.size() >= 9 && n.compare(n.size() - 9, 9, "/data.pkl") == 0 &&
            n.find('/') == n.size() - 9) { // "<folder>/data.pkl" at the top level
            pkl = &e;
            break;
        }
    }
    if (!pkl) throw Error(label, "archive has no <folder>/data.pkl entry (not a torch.save file)");
    PyRef root = unpickle(zip.bytes(*pkl), label + " (" + pkl->name + ")");
    if (root->kind != PyKind::Dict)
        throw Error(label, "checkpoint pickle holds a " + std::string(pyKindName(root->kind)) +
                               ", not a state dict");
    Builder b{zip, pkl->name.substr(0, pkl->name.size() - 8), label, {}, {}};
    b.walk(*root, "");
    return std::move(b.out);
}

} // namespace loupe::compute
