// SPDX-License-Identifier: MIT
#pragma once

#include "compute/backend/cuda/constant_cache.h"
#include "compute/backend/cuda/cuda_devices.h"
#include "compute/backend/cuda/dtensor.h"
#include "compute/backend/cuda/memory.h"

#include <map>
#include <memory>
#include <mutex>

namespace loupe::compute::cuda {

// One CUDA GPU as an engine Device. Nothing is created on the GPU until a backend or buffer is asked
// for, so listing devices costs no context.
class CudaDevice final : public Device
{
public:
    explicit CudaDevice(CudaDeviceInfo info);
    ~CudaDevice() override;
    std::string name() const override { return "cuda"; }
    std::string description() const override;
    std::string label() const override { return info_.name; } // what execution records store
    DeviceKind kind() const override { return DeviceKind::DiscreteGpu; }
    const BufferType& bufferType() const override { return type_; }
    bool supportsOp(const Node& n) const override;
    std::unique_ptr<Backend> createBackend() override; // f32 GEMMs (cuda_backend.h picks a precision)

    const CudaDeviceInfo& info() const { return info_; }
    Pool& pool() { return pool_; }
    // A weight node's values on the device, uploaded on first use and kept while the host memory they
    // came from lives (constant_cache.h), packed (a packed GEMM weight is unpacked once here).
    DTensor weight(const Node& n);
    // The same weight rounded to f16 or bf16 ([N, K] packed), for reduced-precision GEMMs.
    const void* halfWeight(const Node& n, bool bf16);
    // Frees the device copies of constants whose host memory is gone (also done on every upload and
    // when a backend is destroyed); returns how many were freed.
    size_t releaseUnusedWeights();

private:
    struct CachedWeight
    {
        std::unique_ptr<Buffer> f32, f16, bf16;
        DTensor value;
    };
    CachedWeight& cached(const Node& n); // weightsMutex_ held
    Tensor hostValues(const Node& n) const;

    CudaDeviceInfo info_;
    Pool pool_;
    CudaBufferType type_;
    ConstantCache<CachedWeight> weights_;
    std::mutex weightsMutex_;
};

} // namespace loupe::compute::cuda
