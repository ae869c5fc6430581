// SPDX-License-Identifier: MIT
#include "compute/backend/vulkan/pipelines.h"

#include "compute/backend/vulkan/shader_table.h"
#include "compute/error.h"

namespace loupe::compute::vk {

Pipelines::Pipelines(Context& ctx) : ctx_(ctx)
{
    VkDescriptorSetLayoutBinding b[kBindings]{};
    for (uint32_t i = 0; i < kBindings; ++i) {
        b[i].binding = i;
        b[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
        b[i].descriptorCount = 1;
        b[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
    }
    VkDescriptorSetLayoutCreateInfo li{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    li.bindingCount = kBindings;
    li.pBindings = b;
    check(vkCreateDescriptorSetLayout(ctx.device, &li, nullptr, &setLayout_), "vkCreateDescriptorSetLayout");
    VkPushConstantRange range{VK_SHADER_STAGE_COMPUTE_BIT, 0, kPushBytes};
    VkPipelineLayoutCreateInfo pi{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    pi.setLayoutCount = 1;
    pi.pSetLayouts = &setLayout_;
    pi.pushConstantRangeCount = 1;
    pi.pPushConstantRanges = &range;
    check(vkCreatePipelineLayout(ctx.device, &pi, nullptr, &layout_), "vkCreatePipelineLayout");
    VkPipelineCacheCreateInfo ci{VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO};
    check(vkCreatePipelineCache(ctx.device, &ci, nullptr, &cache_), "vkCreatePipelineCache");
}

Pipelines::~Pipelines()
{
    for (auto& [name, p] : pipelines_)
        vkDestroyPipeline(ctx_.device, p.pipeline, nullptr);
    vkDestroyPipelineCache(ctx_.device, cache_, nullptr);
    vkDestroyPipelineLayout(ctx_.device, layout_, nullptr);
    vkDestroyDescriptorSetLayout(ctx_.device, setLayout_, nullptr);
}

const Pipeline& Pipelines::get(const char* shader)
{
    std::lock_guard lock(mutex_);
    auto it = pipelines_.find(shader);
    if (it != pipelines_.end()) return it->second;
    const ShaderCode* code = findShader(shader);
    if (!code) throw Error("vulkan", std::string("no shader named '") + shader + "' was built");
    VkShaderModuleCreateInfo mi{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
    mi.codeSize = code->count * sizeof(uint32_t);
    mi.pCode = code->words;
    VkShaderModule module = VK_NULL_HANDLE;
    check(vkCreateShaderModule(ctx_.device, &mi, nullptr, &module), "vkCreateShaderModule");
    VkComputePipelineCreateInfo ci{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
    ci.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
    ci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    ci.stage.module = module;
    ci.stage.pName = "main";
    ci.layout = layout_;
    Pipeline p;
    p.layout = layout_;
    const VkResult r = vkCreateComputePipelines(ctx_.device, cache_, 1, &ci, nullptr, &p.pipeline);
    vkDestroyShaderModule(ctx_.device, module, nullptr);
    check(r, (std::string("creating the '") + shader + "' pipeline").c_str());
    return pipelines_.emplace(shader, p).first->second;
}

} // namespace loupe::compute::vk
