// SPDX-License-Identifier: MIT
#pragma once

#include "compute/backend/cuda/memory.h"

#include <vector>

namespace loupe::compute::cuda {

// Per-run temporaries (packed copies of strided operands, im2col columns, f16 activations): a bump
// allocator over pool chunks. A run takes what it needs and reset() gives it all back at once after the
// stream has finished; when a run needed more than one chunk, the next starts with one chunk of the
// whole size, so a repeated graph takes the same addresses every time (what a captured CUDA graph
// replays). While frozen (during capture) a request that does not fit throws instead of allocating.
class Scratch
{
public:
    explicit Scratch(Pool& pool) : pool_(pool) {}
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
    ~Scratch();
    void* take(size_t bytes); // 256-byte aligned
    float* takeF32(int64_t elements) { return static_cast<float*>(take(size_t(elements) * sizeof(float))); }
    void reset(); // only when no queued work uses the memory
    void freeze(bool frozen) { frozen_ = frozen; }
    // Where the next run starts and how much it has there (part of a captured graph's identity).
    const void* base() const { return chunks_.empty() ? nullptr : chunks_.front().data; }
    size_t capacity() const { return chunks_.empty() ? 0 : chunks_.front().size; }

private:
    struct Chunk
    {
        char* data;
        size_t size;
    };
    Pool& pool_;
    std::vector<Chunk> chunks_;
    size_t chunk_ = 0, used_ = 0, total_ = 0;
    bool frozen_ = false;
};

} // namespace loupe::compute::cuda
