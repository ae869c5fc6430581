// SPDX-License-Identifier: MIT
#include "compute/backend/vulkan/memory.h"

#include "compute/backend/device_error.h"
#include "compute/backend/profiler.h"
#include "compute/backend/vulkan/faults.h"

#include <algorithm>
#include <cstring>

namespace loupe::compute::vk {

namespace {

VkDeviceSize alignUp(VkDeviceSize v, VkDeviceSize a)
{
    return (v + a - 1) / a * a;
}

// A buffer with its own memory of the given kind; used for blocks and for staging.
void createBuffer(Context& ctx, VkDeviceSize bytes, VkMemoryPropertyFlags want, VkBuffer& buffer,
                  VkDeviceMemory& memory, VkMemoryPropertyFlags* got = nullptr)
{
    VkBufferCreateInfo bi{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    bi.size = bytes;
    bi.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
               VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    bi.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    check(vkCreateBuffer(ctx.device, &bi, nullptr, &buffer), "vkCreateBuffer");
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(ctx.device, buffer, &req);
    uint32_t type = ctx.findMemoryType(req.memoryTypeBits, want);
    if (type == UINT32_MAX) type = ctx.findMemoryType(req.memoryTypeBits, 0);
    VkMemoryAllocateInfo ai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    ai.allocationSize = req.size;
    ai.memoryTypeIndex = type;
    const VkResult r = vkAllocateMemory(ctx.device, &ai, nullptr, &memory);
    if (r != VK_SUCCESS) {
        vkDestroyBuffer(ctx.device, buffer, nullptr);
        buffer = VK_NULL_HANDLE;
        check(r, ("allocating " + std::to_string(bytes >> 20) + " MiB of device memory").c_str());
    }
    check(vkBindBufferMemory(ctx.device, buffer, memory, 0), "vkBindBufferMemory");
    if (got) *got = ctx.memory.memoryTypes[type].propertyFlags;
}

} // namespace

Allocator::Allocator(Context& ctx, VkMemoryPropertyFlags want, VkDeviceSize blockBytes)
    : ctx_(ctx), want_(want), blockBytes_(blockBytes)
{
}

Allocator::~Allocator()
{
    for (auto& b : blocks_) {
        if (b->mapped) vkUnmapMemory(ctx_.device, b->memory);
        vkDestroyBuffer(ctx_.device, b->buffer, nullptr);
        vkFreeMemory(ctx_.device, b->memory, nullptr);
    }
}

Block* Allocator::newBlock(VkDeviceSize bytes)
{
    auto b = std::make_unique<Block>();
    VkMemoryPropertyFlags got = 0;
    createBuffer(ctx_, bytes, want_, b->buffer, b->memory, &got);
    b->size = bytes;
    const VkMemoryPropertyFlags mappable =
        VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    if ((got & mappable) == mappable)
        check(vkMapMemory(ctx_.device, b->memory, 0, VK_WHOLE_SIZE, 0, &b->mapped), "vkMapMemory");
    b->free[0] = bytes;
    blocks_.push_back(std::move(b));
    return blocks_.back().get();
}

Allocation Allocator::allocate(VkDeviceSize bytes)
{
    const VkDeviceSize need = alignUp(std::max<VkDeviceSize>(bytes, 1), kAlignment);
    const VkDeviceSize maxRange = ctx_.props.limits.maxStorageBufferRange;
    injectFault(Fault::OutOfMemory,
                ("allocating " + std::to_string(need) + " bytes of device memory").c_str());
    if (need > maxRange)
        throw DeviceError(DeviceFailure::OutOfMemory, "vulkan",
                          "a buffer of " + std::to_string(need) +
                              " bytes exceeds the device's storage buffer limit of " +
                              std::to_string(maxRange) + " bytes");
    std::lock_guard lock(mutex_);
    Block* chosen = nullptr;
    VkDeviceSize at = 0;
    for (auto& b : blocks_) {
        for (auto& [off, size] : b->free)
            if (size >= need) {
                chosen = b.get();
                at = off;
                break;
            }
        if (chosen) break;
    }
    if (!chosen) {
        chosen = newBlock(std::max(need, std::min(blockBytes_, maxRange)));
        at = 0;
    }
    const VkDeviceSize size = chosen->free[at];
    chosen->free.erase(at);
    if (size > need) chosen->free[at + need] = size - need;
    inUse_ += need;
    peak_ = std::max(peak_, inUse_);
    Profiler::memory(ctx_.props.deviceName, int64_t(inUse_)); // the profiler's device memory gauge
    return {chosen, at, need};
}

void Allocator::release(const Allocation& a)
{
    if (!a.block) return;
    std::lock_guard lock(mutex_);
    auto& free = a.block->free;
    auto it = free.emplace(a.offset, a.size).first;
    auto next = std::next(it);
    if (next != free.end() && it->first + it->second == next->first) {
        it->second += next->second;
        free.erase(next);
    }
    if (it != free.begin()) {
        auto prev = std::prev(it);
        if (prev->first + prev->second == it->first) {
            prev->second += it->second;
            free.erase(it);
        }
    }
    inUse_ -= a.size;
    Profiler::memory(ctx_.props.deviceName, int64_t(inUse_));
}

DeviceBuffer::DeviceBuffer(const BufferType& type, Context& ctx, Allocator& alloc, size_t bytes)
    : type_(type), ctx_(ctx), alloc_(alloc), size_(bytes), a_(alloc.allocate(bytes))
{
}

DeviceBuffer::~DeviceBuffer()
{
    alloc_.release(a_);
}

void DeviceBuffer::write(size_t offset, const void* src, size_t bytes)
{
    if (offset + bytes > size_) throw Error("vulkan", "write past the end of a device buffer");
    if (!bytes) return;
    if (a_.block->mapped) {
        std::memcpy(static_cast<char*>(a_.block->mapped) + a_.offset + offset, src, bytes);
        return;
    }
    VkBuffer staging;
    VkDeviceMemory memory;
    createBuffer(ctx_, bytes, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                 staging, memory);
    void* p = nullptr;
    vkMapMemory(ctx_.device, memory, 0, VK_WHOLE_SIZE, 0, &p);
    std::memcpy(p, src, bytes);
    vkUnmapMemory(ctx_.device, memory);
    try {
        ctx_.submitAndWait([&](VkCommandBuffer cb) {
            VkBufferCopy region{0, a_.offset + offset, bytes};
            vkCmdCopyBuffer(cb, staging, a_.block->buffer, 1, &region);
        });
    } catch (...) {
        vkDestroyBuffer(ctx_.device, staging, nullptr);
        vkFreeMemory(ctx_.device, memory, nullptr);
        throw;
    }
    vkDestroyBuffer(ctx_.device, staging, nullptr);
    vkFreeMemory(ctx_.device, memory, nullptr);
}

void DeviceBuffer::read(size_t offset, void* dst, size_t bytes) const
{
    if (offset + bytes > size_) throw Error("vulkan", "read past the end of a device buffer");
    if (!bytes) return;
    if (a_.block->mapped) {
        std::memcpy(dst, static_cast<const char*>(a_.block->mapped) + a_.offset + offset, bytes);
        return;
    }
    VkBuffer staging;
    VkDeviceMemory memory;
    createBuffer(ctx_, bytes, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                 staging, memory);
    try {
        ctx_.submitAndWait([&](VkCommandBuffer cb) {
            VkBufferCopy region{a_.offset + offset, 0, bytes};
            vkCmdCopyBuffer(cb, a_.block->buffer, staging, 1, &region);
        });
        void* p = nullptr;
        vkMapMemory(ctx_.device, memory, 0, VK_WHOLE_SIZE, 0, &p);
        std::memcpy(dst, p, bytes);
        vkUnmapMemory(ctx_.device, memory);
    } catch (...) {
        vkDestroyBuffer(ctx_.device, staging, nullptr);
        vkFreeMemory(ctx_.device, memory, nullptr);
        throw;
    }
    vkDestroyBuffer(ctx_.device, staging, nullptr);
    vkFreeMemory(ctx_.device, memory, nullptr);
}

std::unique_ptr<Buffer> DeviceBufferType::allocate(size_t bytes) const
{
    auto [ctx, alloc] = resources();
    return std::make_unique<DeviceBuffer>(*this, *ctx, *alloc, bytes);
}

} // namespace loupe::compute::vk
