// SPDX-License-Identifier: MIT
#pragma once

#include "compute/backend/backend.h"
#include "compute/engine_options.h"

#include <memory>

namespace loupe::compute {

// A backend on a CUDA device (cudaDevice()). Linear layers whose packed weight was stored at f16 or
// bf16 (the model's Precision, packLinearWeight) multiply at that precision: the weight is uploaded in
// that type, the layer's input is rounded to it, and products accumulate in f32 (cublasGemmEx).
// `precision` F16 or BF16 forces that on every linear layer; Default, F32 and Int8 follow the weights
// (int8 weights run as their dequantised f32 values). LayerNorm, softmax, attention products and
// everything observed stay f32. Device::createBackend() is createCudaBackend(device, Precision::Default).
//
// Each backend owns one CUDA stream and one cuBLAS handle; use it from one thread at a time. A graph
// computed twice in a row with the same nodes, buffers and shapes is captured as a CUDA graph and
// replayed from then on (LOUPE_CUDA_GRAPHS=0 turns that off). Device failures throw DeviceError
// (compute/backend/device_error.h) with a "cuda: " message: out of memory, device lost, no driver.
std::unique_ptr<Backend> createCudaBackend(Device& cudaDevice, Precision precision);

} // namespace loupe::compute
