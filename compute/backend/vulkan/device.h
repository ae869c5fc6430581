// SPDX-License-Identifier: MIT
#pragma once

#include "compute/backend/vulkan/memory.h"
#include "compute/backend/vulkan/pipelines.h"
#include "compute/backend/vulkan/recorder.h"
#include "compute/backend/vulkan/vulkan_devices.h"

#include <map>
#include <memory>
#include <mutex>

namespace loupe::compute::vk {

// One Vulkan physical device as an engine Device. The logical device, allocator and pipelines are
// created on first use, so listing devices costs nothing.
class VulkanDevice final : public Device
{
public:
    VulkanDevice(VkPhysicalDevice physical, VulkanDeviceInfo info);
    ~VulkanDevice() override;
    std::string name() const override { return "vulkan"; }
    std::string description() const override;
    std::string label() const override { return info_.name; }
    DeviceKind kind() const override;
    const BufferType& bufferType() const override { return type_; }
    bool supportsOp(const Node& n) const override;
    std::unique_ptr<Backend> createBackend() override;

    const VulkanDeviceInfo& info() const { return info_; }
    VkPhysicalDevice physical() const { return physical_; }
    Context& context();
    Allocator& allocator();
    Pipelines& pipelines();
    // A weight node's values on the device, uploaded on first use and kept while the host weights live:
    // an entry whose host tensor (or packed weight) is gone is freed at the next upload, so models
    // loaded one after another do not pile up in device memory, and a new weight that reuses a freed
    // address is never mistaken for the old one.
    // `half`: stored as f16 (a Linear weight on the f16 path).
    DeviceTensor weight(const Node& n, bool half = false);

private:
    void ensureContext();

    VkPhysicalDevice physical_;
    VulkanDeviceInfo info_;
    uint64_t maxBufferBytes_ = 0; // maxStorageBufferRange: one tensor per buffer binding
    DeviceBufferType type_;
    std::once_flag once_;
    std::unique_ptr<Context> ctx_;
    std::unique_ptr<Allocator> alloc_;
    std::unique_ptr<Pipelines> pipelines_;
    struct CachedWeight
    {
        std::weak_ptr<const void> hostOwner; // the host tensor's storage
        Tensor host;                         // held only when the tensor has no owner to watch
        std::weak_ptr<const PackedWeight> packed;
        bool expired() const;
        std::unique_ptr<Buffer> buffer;
        DeviceTensor value;
    };
    std::map<std::string, CachedWeight> weights_;
    std::mutex weightsMutex_;
};

// The element offset of a device buffer's first byte inside its VkBuffer.
inline uint32_t elementBase(const DeviceBuffer& b)
{
    return uint32_t(b.blockOffset() / sizeof(float));
}

} // namespace loupe::compute::vk
