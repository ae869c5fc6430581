// SPDX-License-Identifier: MIT
#pragma once

#include "compute/backend/vulkan/pipelines.h"
#include "compute/tensor.h"

#include <array>
#include <cstdint>

namespace loupe::compute::vk {

class DeviceBuffer;

// A tensor on the device: a buffer, the element offset of its first element and its layout.
struct DeviceTensor
{
    VkBuffer buffer = VK_NULL_HANDLE;
    uint32_t offset = 0; // in elements, from the start of `buffer`
    Shape shape;
    Shape strides;
    const DeviceBuffer* owner = nullptr; // the allocation `buffer` is seen through (for downloads)
    bool half = false;                   // f16 elements (a Linear weight on the f16 path), else f32
};

// Records dispatches into one command buffer, each followed by a barrier so the next op sees its
// writes. Descriptor sets come from a pool sized for the graph and freed with the recorder.
class Recorder
{
public:
    // The pool must outlive the submission: create the recorder before submitting, begin() inside.
    Recorder(Context& ctx, Pipelines& pipelines, uint32_t maxDispatches);
    ~Recorder();
    Recorder(const Recorder&) = delete;
    Recorder& operator=(const Recorder&) = delete;

    void begin(VkCommandBuffer cb) { cb_ = cb; }
    // Whether the device runs the cooperative-matrix GEMM (Context::cooperativeMatrix).
    bool cooperativeMatrix() const { return ctx_.cooperativeMatrix; }
    // buffers[i] is bound at binding i; VK_NULL_HANDLE slots get buffers[0] (unused by the shader).
    void dispatch(const char* shader, std::array<VkBuffer, kBindings> buffers, const void* push,
                  uint32_t pushBytes, uint32_t groupsX, uint32_t groupsY = 1, uint32_t groupsZ = 1);
    // A 1-D launch of `items` work items in workgroups of `groupSize`, folded into 2-D past 65535 groups.
    void dispatchItems(const char* shader, std::array<VkBuffer, kBindings> buffers, const void* push,
                       uint32_t pushBytes, uint64_t items, uint32_t groupSize);

private:
    Context& ctx_;
    Pipelines& pipelines_;
    VkCommandBuffer cb_ = VK_NULL_HANDLE;
    VkDescriptorPool pool_ = VK_NULL_HANDLE;
};

} // namespace loupe::compute::vk
