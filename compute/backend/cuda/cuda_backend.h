// SPDX-License-Identifier: MIT
#pragma once

#include "compute/backend/backend.h"
#include "compute/engine_options.h"

#include <memory>

namespace loupe::compute {

// A backend on a CUDA device (cudaDevice()) whose linear layers run at `precision`: F16 and BF16 store
// the linear weights in that type and multiply with f32 accumulation (cublasGemmEx); LayerNorm, softmax,
// attention products and everything observed stay f32. Default, F32 and Int8 (not implemented on CUDA
// yet) run f32. Device::createBackend() is createCudaBackend(device, Precision::F32).
//
// Each backend owns one CUDA stream and one cuBLAS handle; use it from one thread at a time. A graph
// computed twice in a row with the same nodes, buffers and shapes is captured as a CUDA graph and
// replayed from then on (LOUPE_CUDA_GRAPHS=0 turns that off). Failures throw Error("cuda: ...") naming
// the kind: out of device memory, the device was lost, no usable driver.
std::unique_ptr<Backend> createCudaBackend(Device& cudaDevice, Precision precision);

} // namespace loupe::compute
