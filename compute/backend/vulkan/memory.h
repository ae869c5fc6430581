// SPDX-License-Identifier: MIT
#pragma once

#include "compute/backend/backend.h"
#include "compute/backend/vulkan/context.h"

#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace loupe::compute::vk {

// One large device allocation with one VkBuffer over all of it; tensors are ranges inside it, so a
// shader binds the whole block once and addresses tensors by element offset (push constants).
struct Block
{
    VkDeviceMemory memory = VK_NULL_HANDLE;
    VkBuffer buffer = VK_NULL_HANDLE;
    VkDeviceSize size = 0;
    void* mapped = nullptr;                    // when the memory is host-visible and coherent
    std::map<VkDeviceSize, VkDeviceSize> free; // offset -> size, coalesced
};

struct Allocation
{
    Block* block = nullptr;
    VkDeviceSize offset = 0, size = 0;
};

// Suballocates ranges from blocks of `blockBytes` (first fit, neighbours merged on release); a request
// larger than a block gets a block of its own. Thread-safe.
class Allocator
{
public:
    Allocator(Context& ctx, VkMemoryPropertyFlags want, VkDeviceSize blockBytes);
    ~Allocator();
    Allocation allocate(VkDeviceSize bytes);
    void release(const Allocation& a);
    VkDeviceSize inUse() const { return inUse_; }
    VkDeviceSize peak() const { return peak_; }
    static constexpr VkDeviceSize kAlignment = 256; // >= every device's minStorageBufferOffsetAlignment

private:
    Block* newBlock(VkDeviceSize bytes);

    Context& ctx_;
    VkMemoryPropertyFlags want_;
    VkDeviceSize blockBytes_;
    std::vector<std::unique_ptr<Block>> blocks_;
    std::mutex mutex_;
    VkDeviceSize inUse_ = 0, peak_ = 0;
};

// Device memory (suballocated) seen through the Buffer interface. Writes and reads go straight through
// a mapping where the memory is host-visible (integrated GPUs, lavapipe) and through a host-visible
// staging buffer otherwise.
class DeviceBuffer final : public Buffer
{
public:
    DeviceBuffer(const BufferType& type, Context& ctx, Allocator& alloc, size_t bytes);
    ~DeviceBuffer() override;
    const BufferType& type() const override { return type_; }
    size_t size() const override { return size_; }
    void* base() override { return nullptr; }
    void write(size_t offset, const void* src, size_t bytes) override;
    void read(size_t offset, void* dst, size_t bytes) const override;

    VkBuffer vkBuffer() const { return a_.block ? a_.block->buffer : VK_NULL_HANDLE; }
    // Offset of the first byte inside vkBuffer().
    VkDeviceSize blockOffset() const { return a_.offset; }

private:
    const BufferType& type_;
    Context& ctx_;
    Allocator& alloc_;
    size_t size_;
    Allocation a_;
};

class DeviceBufferType final : public BufferType
{
public:
    explicit DeviceBufferType(std::string deviceName) : name_("vulkan:" + std::move(deviceName)) {}
    std::string name() const override { return name_; }
    size_t alignment() const override { return size_t(Allocator::kAlignment); }
    bool isHost() const override { return false; }
    std::unique_ptr<Buffer> allocate(size_t bytes) const override;
    // Set by the device once its context exists (allocation creates the context lazily).
    std::function<std::pair<Context*, Allocator*>()> resources;

private:
    std::string name_;
};

} // namespace loupe::compute::vk
