// SPDX-License-Identifier: MIT
#include "compute/backend/cuda/scratch.h"

#include "compute/error.h"

#include <algorithm>

namespace loupe::compute::cuda {

Scratch::~Scratch()
{
    for (const Chunk& c : chunks_)
        pool_.release(c.data, c.size);
}

void* Scratch::take(size_t bytes)
{
    bytes = (std::max<size_t>(bytes, 1) + 255) / 256 * 256;
    while (chunk_ < chunks_.size()) {
        Chunk& c = chunks_[chunk_];
        if (used_ + bytes <= c.size) {
            void* p = c.data + used_;
            used_ += bytes;
            total_ += bytes;
            return p;
        }
        ++chunk_;
        used_ = 0;
    }
    if (frozen_) throw Error("cuda", "internal: scratch memory grew while a CUDA graph was captured");
    const size_t size = std::max(bytes, size_t(16) << 20);
    chunks_.push_back({static_cast<char*>(pool_.allocate(size)), size});
    chunk_ = chunks_.size() - 1;
    used_ = bytes;
    total_ += bytes;
    return chunks_.back().data;
}

void Scratch::reset()
{
    if (chunks_.size() > 1) {
        // Several chunks last time: one of the whole size from now on.
        size_t sum = 0;
        for (const Chunk& c : chunks_) {
            sum += c.size;
            pool_.release(c.data, c.size);
        }
        chunks_.clear();
        chunks_.push_back({static_cast<char*>(pool_.allocate(std::max(sum, total_))), std::max(sum, total_)});
    }
    chunk_ = 0;
    used_ = 0;
    total_ = 0;
}

} // namespace loupe::compute::cuda
