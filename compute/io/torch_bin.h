// SPDX-License-Identifier: MIT
#pragma once

#include "compute/io/tensor_view.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace loupe::compute {

// The tensors of a torch.save zip archive (pytorch_model.bin). Contiguous tensors point into the
// archive bytes; the rare strided one is copied into `owned`.
struct TorchBinContents
{
    std::vector<TensorView> tensors;
    std::vector<std::shared_ptr<std::vector<uint8_t>>> owned;
};

// Reads the archive held in [data, data + size) (kept alive by the caller). Nested dicts are flattened
// with '.' (a checkpoint saved as {"state_dict": {...}} gives "state_dict.x"); non-tensor values are
// skipped. Throws Error naming `label` for anything malformed or not allowed.
TorchBinContents readTorchBin(const uint8_t* data, size_t size, const std::string& label);

} // namespace loupe::compute
