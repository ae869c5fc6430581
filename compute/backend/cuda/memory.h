// SPDX-License-Identifier: MIT
#pragma once

#include "compute/backend/backend.h"

#include <cuda_runtime.h>
#include <map>
#include <mutex>
#include <vector>

namespace loupe::compute::cuda {

// A caching allocator over cudaMalloc: freed blocks go back to a free list per size class and are
// handed out again without a device synchronisation (cudaMalloc/cudaFree synchronise the device).
// Classes are 512-byte steps below 1 MiB and four per power of two above. When cudaMalloc runs out,
// every cached block is released and the allocation tried once more. Thread-safe.
//
// A block must not be freed while queued work still uses it: backends synchronise their stream at the
// end of every computation, before anything they used goes back.
class Pool
{
public:
    explicit Pool(int device) : device_(device) {}
    ~Pool();
    void* allocate(size_t bytes); // throws a "cuda: ... out of device memory" Error
    void release(void* p, size_t bytes);
    void trim(); // gives every cached block back to the driver
    size_t inUse() const { return inUse_; }
    size_t peak() const { return peak_; }
    size_t cached() const { return cached_; }
    static size_t sizeClass(size_t bytes);

private:
    int device_;
    std::mutex mutex_;
    std::map<size_t, std::vector<void*>> free_; // class size -> blocks
    size_t inUse_ = 0, peak_ = 0, cached_ = 0;
};

class CudaBufferType;

// Device memory from the pool behind the Buffer interface; write/read are synchronous copies.
class CudaBuffer final : public Buffer
{
public:
    CudaBuffer(const CudaBufferType& type, Pool& pool, size_t bytes);
    ~CudaBuffer() override;
    const BufferType& type() const override;
    size_t size() const override { return size_; }
    void* base() override { return nullptr; }
    void write(size_t offset, const void* src, size_t bytes) override;
    void read(size_t offset, void* dst, size_t bytes) const override;
    void* device() const { return data_; }

private:
    const CudaBufferType& type_;
    Pool& pool_;
    size_t size_;
    void* data_ = nullptr;
};

class CudaBufferType final : public BufferType
{
public:
    CudaBufferType(std::string name, Pool& pool) : name_("cuda:" + std::move(name)), pool_(pool) {}
    std::string name() const override { return name_; }
    size_t alignment() const override { return 256; }
    bool isHost() const override { return false; }
    std::unique_ptr<Buffer> allocate(size_t bytes) const override;

private:
    std::string name_;
    Pool& pool_;
};

// Page-locked host memory, grown on demand: copies from it are truly asynchronous and run at full bus
// speed (pageable memory goes through a driver bounce buffer).
class PinnedBuffer
{
public:
    PinnedBuffer() = default;
    PinnedBuffer(const PinnedBuffer&) = delete;
    PinnedBuffer& operator=(const PinnedBuffer&) = delete;
    ~PinnedBuffer();
    // At least `bytes`; the caller makes sure no queued copy still reads or writes the old memory.
    char* reserve(size_t bytes);

private:
    char* data_ = nullptr;
    size_t size_ = 0;
};

} // namespace loupe::compute::cuda
