// SPDX-License-Identifier: MIT
#pragma once

#include "compute/backend/vulkan/context.h"

#include <map>
#include <mutex>
#include <string>

namespace loupe::compute::vk {

// Every shader uses the same interface: kBindings storage buffers (set 0, bindings 0..4) and up to
// kPushBytes of push constants for its parameters. Tensors are addressed by element offsets inside
// the bound buffers, so one layout serves every op.
constexpr uint32_t kBindings = 5;
constexpr uint32_t kPushBytes = 128; // the minimum every Vulkan device guarantees

struct Pipeline
{
    VkPipeline pipeline = VK_NULL_HANDLE;
    VkPipelineLayout layout = VK_NULL_HANDLE;
};

// Compute pipelines created on first use from the embedded SPIR-V and cached by shader name.
class Pipelines
{
public:
    explicit Pipelines(Context& ctx);
    ~Pipelines();
    const Pipeline& get(const char* shader); // throws Error for a shader that was not built
    VkDescriptorSetLayout setLayout() const { return setLayout_; }

private:
    Context& ctx_;
    VkDescriptorSetLayout setLayout_ = VK_NULL_HANDLE;
    VkPipelineLayout layout_ = VK_NULL_HANDLE;
    VkPipelineCache cache_ = VK_NULL_HANDLE;
    std::map<std::string, Pipeline> pipelines_;
    std::mutex mutex_;
};

} // namespace loupe::compute::vk
