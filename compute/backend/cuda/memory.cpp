// SPDX-License-Identifier: MIT
#include "compute/backend/cuda/memory.h"

#include "compute/backend/cuda/check.h"
#include "compute/backend/profiler.h"
#include "compute/error.h"

#include <algorithm>

namespace loupe::compute::cuda {

namespace {

// Switches the calling thread to `device` for the scope and back after.
struct OnDevice
{
    int previous = 0;
    explicit OnDevice(int device)
    {
        cudaGetDevice(&previous);
        if (previous != device) cudaSetDevice(device);
    }
    ~OnDevice() { cudaSetDevice(previous); }
};

std::string mib(size_t bytes)
{
    return std::to_string((bytes + (1 << 20) - 1) >> 20) + " MiB";
}

} // namespace

size_t Pool::sizeClass(size_t bytes)
{
    bytes = std::max<size_t>(bytes, 1);
    if (bytes < (size_t(1) << 20)) return (bytes + 511) / 512 * 512;
    // Four classes per power of two: at most 25% of a large block is wasted.
    size_t power = size_t(1) << 20;
    while (power * 2 <= bytes)
        power *= 2;
    const size_t step = power / 4;
    return (bytes + step - 1) / step * step;
}

Pool::~Pool()
{
    trim();
}

void* Pool::allocate(size_t bytes)
{
    const size_t size = sizeClass(bytes);
    std::lock_guard lock(mutex_);
    auto it = free_.find(size);
    if (it != free_.end() && !it->second.empty()) {
        void* p = it->second.back();
        it->second.pop_back();
        cached_ -= size;
        inUse_ += size;
        peak_ = std::max(peak_, inUse_);
        Profiler::memory("cuda", int64_t(inUse_));
        return p;
    }
    OnDevice on(device_);
    void* p = nullptr;
    cudaError_t e = cudaMalloc(&p, size);
    if (e == cudaErrorMemoryAllocation) {
        (void)cudaGetLastError();
        // What is cached may be enough once given back as a whole.
        for (auto& [s, blocks] : free_)
            for (void* b : blocks)
                cudaFree(b);
        free_.clear();
        cached_ = 0;
        e = cudaMalloc(&p, size);
    }
    if (e != cudaSuccess)
        fail(e, "allocating " + mib(size) + " of device memory (" + mib(inUse_) + " in use by Loupe)");
    inUse_ += size;
    peak_ = std::max(peak_, inUse_);
    Profiler::memory("cuda", int64_t(inUse_)); // the Engine Profiler's device memory gauge
    return p;
}

void Pool::release(void* p, size_t bytes)
{
    if (!p) return;
    const size_t size = sizeClass(bytes);
    std::lock_guard lock(mutex_);
    free_[size].push_back(p);
    inUse_ -= size;
    cached_ += size;
    Profiler::memory("cuda", int64_t(inUse_));
}

void Pool::trim()
{
    std::lock_guard lock(mutex_);
    OnDevice on(device_);
    for (auto& [s, blocks] : free_)
        for (void* b : blocks)
            cudaFree(b);
    free_.clear();
    cached_ = 0;
}

CudaBuffer::CudaBuffer(const CudaBufferType& type, Pool& pool, size_t bytes)
    : type_(type), pool_(pool), size_(bytes)
{
    data_ = pool_.allocate(bytes);
}

CudaBuffer::~CudaBuffer()
{
    pool_.release(data_, size_);
}

const BufferType& CudaBuffer::type() const
{
    return type_;
}

void CudaBuffer::write(size_t offset, const void* src, size_t bytes)
{
    if (offset + bytes > size_) throw Error("cuda", "write past the end of a device buffer");
    check(cudaMemcpy(static_cast<char*>(data_) + offset, src, bytes, cudaMemcpyHostToDevice),
          "copy to the device");
}

void CudaBuffer::read(size_t offset, void* dst, size_t bytes) const
{
    if (offset + bytes > size_) throw Error("cuda", "read past the end of a device buffer");
    check(cudaMemcpy(dst, static_cast<const char*>(data_) + offset, bytes, cudaMemcpyDeviceToHost),
          "copy from the device");
}

std::unique_ptr<Buffer> CudaBufferType::allocate(size_t bytes) const
{
    return std::make_unique<CudaBuffer>(*this, pool_, bytes);
}

PinnedBuffer::~PinnedBuffer()
{
    if (data_) cudaFreeHost(data_);
}

char* PinnedBuffer::reserve(size_t bytes)
{
    if (bytes <= size_) return data_;
    if (data_) cudaFreeHost(data_);
    data_ = nullptr;
    size_ = 0;
    const size_t want = std::max(bytes, size_t(1) << 20);
    void* p = nullptr;
    check(cudaMallocHost(&p, want), "allocating " + mib(want) + " of pinned host memory");
    data_ = static_cast<char*>(p);
    size_ = want;
    return data_;
}

} // namespace loupe::compute::cuda
