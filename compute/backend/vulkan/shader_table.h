// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>

namespace loupe::compute::vk {

// One compute shader's SPIR-V, embedded at build time (cmake/LoupeVulkan.cmake).
struct ShaderCode
{
    const char* name; // the .comp file's base name
    const uint32_t* words;
    size_t count;
};

const ShaderCode* findShader(const char* name); // nullptr if no such shader was built

} // namespace loupe::compute::vk
