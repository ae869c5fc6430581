// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vulkan/vulkan.h>

namespace loupe::compute::vk {

// Whether a device can run shaders/gemm_coopmat.comp: VK_NV_cooperative_matrix with a 16x16x16
// f16 x f16 + f32 subgroup shape usable from compute shaders, f16 arithmetic (VK_KHR_shader_float16_int8)
// and subgroups of 32 (the shader lays 4 subgroups over 128 invocations). `reason` says what is missing,
// or what was found.
struct CoopMatProbe
{
    bool supported = false;
    std::string reason;
};
CoopMatProbe probeCooperativeMatrix(VkPhysicalDevice physical);

// LOUPE_VULKAN_NO_COOPMAT=1 (any value but empty or "0") keeps f16 Linear layers on gemm_f16.comp: the
// kill-switch for a driver whose cooperative matrices misbehave.
bool cooperativeMatrixTurnedOff();

// One line for a probe: "used: ...", "off: ..." or "not supported: <reason>".
std::string cooperativeMatrixStatus(const CoopMatProbe& probe);

} // namespace loupe::compute::vk
