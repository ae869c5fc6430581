// SPDX-License-Identifier: MIT
#include "compute/backend/vulkan/timestamps.h"

namespace loupe::compute::vk {

TimestampQueries::TimestampQueries(Context& ctx, uint32_t count) : ctx_(ctx), count_(count)
{
    uint32_t nf = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(ctx.physical, &nf, nullptr);
    std::vector<VkQueueFamilyProperties> families(nf);
    vkGetPhysicalDeviceQueueFamilyProperties(ctx.physical, &nf, families.data());
    const uint32_t bits = ctx.queueFamily < nf ? families[ctx.queueFamily].timestampValidBits : 0;
    if (bits == 0 || count == 0 || ctx.props.limits.timestampPeriod <= 0) return;
    mask_ = bits >= 64 ? ~0ull : (1ull << bits) - 1;
    periodNs_ = ctx.props.limits.timestampPeriod;
    VkQueryPoolCreateInfo qi{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
    qi.queryType = VK_QUERY_TYPE_TIMESTAMP;
    qi.queryCount = count;
    // Profiling is optional: a pool that cannot be made only means no per-op times.
    if (vkCreateQueryPool(ctx.device, &qi, nullptr, &pool_) != VK_SUCCESS) pool_ = VK_NULL_HANDLE;
}

TimestampQueries::~TimestampQueries()
{
    if (pool_) vkDestroyQueryPool(ctx_.device, pool_, nullptr);
}

void TimestampQueries::reset(VkCommandBuffer cb)
{
    if (pool_) vkCmdResetQueryPool(cb, pool_, 0, count_);
}

void TimestampQueries::write(VkCommandBuffer cb, uint32_t index)
{
    // At the compute stage (every command here is a dispatch): lavapipe 22.3 corrupted its heap, now and
    // then, writing BOTTOM_OF_PIPE timestamps.
    if (pool_ && index < count_) vkCmdWriteTimestamp(cb, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, pool_, index);
}

std::vector<int64_t> TimestampQueries::read(uint32_t written)
{
    std::vector<int64_t> out;
    if (!pool_ || written == 0) return out;
    std::vector<uint64_t> ticks(written);
    if (vkGetQueryPoolResults(ctx_.device, pool_, 0, written, written * sizeof(uint64_t), ticks.data(),
                              sizeof(uint64_t),
                              VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT) != VK_SUCCESS)
        return out;
    out.reserve(written);
    for (uint64_t t : ticks)
        out.push_back(int64_t(double((t - ticks[0]) & mask_) * periodNs_));
    return out;
}

} // namespace loupe::compute::vk
