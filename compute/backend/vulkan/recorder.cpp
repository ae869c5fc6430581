// SPDX-License-Identifier: MIT
#include "compute/backend/vulkan/recorder.h"

#include "compute/error.h"

#include <algorithm>

namespace loupe::compute::vk {

Recorder::Recorder(Context& ctx, Pipelines& pipelines, uint32_t maxDispatches)
    : ctx_(ctx), pipelines_(pipelines)
{
    const uint32_t sets = std::max<uint32_t>(maxDispatches, 1);
    VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, sets * kBindings};
    VkDescriptorPoolCreateInfo pi{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    pi.maxSets = sets;
    pi.poolSizeCount = 1;
    pi.pPoolSizes = &size;
    check(vkCreateDescriptorPool(ctx.device, &pi, nullptr, &pool_), "vkCreateDescriptorPool");
}

Recorder::~Recorder()
{
    vkDestroyDescriptorPool(ctx_.device, pool_, nullptr);
}

void Recorder::dispatch(const char* shader, std::array<VkBuffer, kBindings> buffers, const void* push,
                        uint32_t pushBytes, uint32_t groupsX, uint32_t groupsY, uint32_t groupsZ)
{
    if (pushBytes > kPushBytes) throw Error("vulkan", std::string(shader) + ": push constants too large");
    const Pipeline& pipe = pipelines_.get(shader);
    VkDescriptorSetLayout layout = pipelines_.setLayout();
    VkDescriptorSetAllocateInfo ai{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
    ai.descriptorPool = pool_;
    ai.descriptorSetCount = 1;
    ai.pSetLayouts = &layout;
    VkDescriptorSet set = VK_NULL_HANDLE;
    check(vkAllocateDescriptorSets(ctx_.device, &ai, &set), "vkAllocateDescriptorSets");
    VkDescriptorBufferInfo info[kBindings];
    VkWriteDescriptorSet writes[kBindings];
    for (uint32_t i = 0; i < kBindings; ++i) {
        info[i] = {buffers[i] ? buffers[i] : buffers[0], 0, VK_WHOLE_SIZE};
        writes[i] = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
        writes[i].dstSet = set;
        writes[i].dstBinding = i;
        writes[i].descriptorCount = 1;
        writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
        writes[i].pBufferInfo = &info[i];
    }
    vkUpdateDescriptorSets(ctx_.device, kBindings, writes, 0, nullptr);
    vkCmdBindPipeline(cb_, VK_PIPELINE_BIND_POINT_COMPUTE, pipe.pipeline);
    vkCmdBindDescriptorSets(cb_, VK_PIPELINE_BIND_POINT_COMPUTE, pipe.layout, 0, 1, &set, 0, nullptr);
    vkCmdPushConstants(cb_, pipe.layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, pushBytes, push);
    vkCmdDispatch(cb_, groupsX, groupsY, groupsZ);
    // Ops run in graph order and each may read what the previous wrote: a full compute barrier.
    VkMemoryBarrier mb{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    mb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
    mb.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_READ_BIT;
    vkCmdPipelineBarrier(cb_, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                         VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 1, &mb, 0,
                         nullptr, 0, nullptr);
}

void Recorder::dispatchItems(const char* shader, std::array<VkBuffer, kBindings> buffers, const void* push,
                             uint32_t pushBytes, uint64_t items, uint32_t groupSize)
{
    if (items == 0) return;
    const uint64_t groups = (items + groupSize - 1) / groupSize;
    const uint64_t x = std::min<uint64_t>(groups, 65535);
    const uint64_t y = (groups + x - 1) / x;
    if (y > 65535) throw Error("vulkan", std::string(shader) + ": tensor too large for one dispatch");
    dispatch(shader, buffers, push, pushBytes, uint32_t(x), uint32_t(y));
}

} // namespace loupe::compute::vk
