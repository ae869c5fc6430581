// SPDX-License-Identifier: MIT
#pragma once

#include "compute/backend/vulkan/context.h"

#include <cstdint>
#include <vector>

namespace loupe::compute::vk {

// GPU timestamps around the dispatches of one command buffer, for the engine profiler's per-op times.
// Unavailable (available() false) where the compute queue has no timestamp bits.
class TimestampQueries
{
public:
    TimestampQueries(Context& ctx, uint32_t count);
    ~TimestampQueries();
    TimestampQueries(const TimestampQueries&) = delete;
    TimestampQueries& operator=(const TimestampQueries&) = delete;

    bool available() const { return pool_ != VK_NULL_HANDLE; }
    void reset(VkCommandBuffer cb);
    // Written once every command recorded before it has finished.
    void write(VkCommandBuffer cb, uint32_t index);
    // After the submission has completed: nanoseconds of each written query since query 0.
    std::vector<int64_t> read(uint32_t written);

private:
    Context& ctx_;
    VkQueryPool pool_ = VK_NULL_HANDLE;
    uint32_t count_;
    double periodNs_ = 1;
    uint64_t mask_ = ~0ull;
};

} // namespace loupe::compute::vk
