// SPDX-License-Identifier: MIT
#pragma once

#include "compute/dtype.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace loupe::compute {

// The values a restricted unpickler can produce from a PyTorch state dict. Nothing here can run code:
// globals are names checked against an allow-list, and only tensor reconstruction is "called".
struct PyObject;
using PyRef = std::shared_ptr<PyObject>;

enum class PyKind { None, Bool, Int, Float, Str, Bytes, Tuple, List, Dict, Global, Storage, Tensor };

struct PyStorage
{
    DType dtype = DType::F32;
    std::string key;   // archive/data/<key>
    int64_t numel = 0; // elements
};

struct PyTensor
{
    PyStorage storage;
    int64_t offset = 0; // in elements
    std::vector<int64_t> shape;
    std::vector<int64_t> stride;
};

struct PyObject
{
    PyKind kind = PyKind::None;
    int64_t i = 0;                             // Int, Bool
    double f = 0;                              // Float
    std::string s;                             // Str, Bytes, Global ("module.name")
    std::vector<PyRef> items;                  // Tuple, List
    std::vector<std::pair<PyRef, PyRef>> dict; // Dict (insertion order)
    PyStorage storage;                         // Storage
    PyTensor tensor;                           // Tensor
    int depth = 0;                             // nesting depth, bounded by the unpickler
    bool frozen = false; // once placed inside another object it cannot change (no cycles)
};

// Unpickle a PyTorch checkpoint pickle (protocols 2-5 opcodes that state dicts use). Only these globals
// are accepted: collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter
// and the torch.*Storage type tags; persistent ids must be ('storage', type, key, location, numel).
// Anything else -- another global, INST/OBJ/NEWOBJ, an unknown opcode -- throws Error naming it.
PyRef unpickle(std::string_view bytes, const std::string& label);

std::string_view pyKindName(PyKind k);

} // namespace loupe::compute
