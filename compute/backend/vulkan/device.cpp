// SPDX-License-Identifier: MIT
#include "compute/backend/vulkan/device.h"

#include "compute/backend/vulkan/faults.h"
#include "compute/dtype.h"
#include "compute/error.h"

#include <cstdlib>
#include <sstream>

namespace loupe::compute::vk {

std::unique_ptr<Backend> makeBackend(VulkanDevice& device); // backend.cpp

VulkanDevice::VulkanDevice(VkPhysicalDevice physical, VulkanDeviceInfo info)
    : physical_(physical), info_(std::move(info)), type_(info_.name)
{
    type_.resources = [this] { return std::pair<Context*, Allocator*>(&context(), &allocator()); };
    VkPhysicalDeviceProperties props{};
    vkGetPhysicalDeviceProperties(physical_, &props);
    maxBufferBytes_ = props.limits.maxStorageBufferRange;
}

VulkanDevice::~VulkanDevice()
{
    // Buffers before the allocator, the allocator and pipelines before the device.
    weights_.clear();
    pipelines_.reset();
    alloc_.reset();
    ctx_.reset();
}

std::string VulkanDevice::description() const
{
    return info_.name + " (" + info_.type + ", " + info_.driver + ", Vulkan " + info_.apiVersion + ")";
}

DeviceKind VulkanDevice::kind() const
{
    if (info_.type == "discrete") return DeviceKind::DiscreteGpu;
    if (info_.type == "integrated") return DeviceKind::IntegratedGpu;
    if (info_.type == "cpu") return DeviceKind::Cpu;
    return DeviceKind::Other;
}

namespace {

// LOUPE_VULKAN_DISABLE_OPS=softmax,layer_norm (op names as opName gives them) sends those ops to the
// CPU: a way to bisect a driver bug to one shader, and how tests exercise the CPU segments.
bool disabledByEnv(Op op)
{
    const char* env = std::getenv("LOUPE_VULKAN_DISABLE_OPS");
    if (!env || !*env) return false;
    const std::string list = std::string(",") + env + ",";
    return list.find(std::string(",") + opName(op) + ",") != std::string::npos;
}

} // namespace

bool VulkanDevice::supportsOp(const Node& n) const
{
    if (n.dtype != DType::F32) return false;
    if (disabledByEnv(n.op)) return false;
    // A tensor bigger than one storage buffer binding cannot live here (lavapipe's limit is 128 MiB:
    // GPT-2's f32 lm_head is 154 MB); such a weight keeps its ops on the CPU (splitGraph), not the model.
    const uint64_t bytes = n.packed ? uint64_t(n.packed->rows()) * uint64_t(n.packed->cols()) * sizeof(float)
                                    : uint64_t(std::max<int64_t>(n.numel(), 0)) * sizeof(float);
    if (n.op != Op::View && n.op != Op::Input && maxBufferBytes_ && bytes > maxBufferBytes_) return false;
    switch (n.op) {
    case Op::Input:
    case Op::Weight:
    case Op::View:
    case Op::Cont:
    case Op::Add:
    case Op::Sub:
    case Op::Mul:
    case Op::Linear:
    case Op::LayerNorm:
    case Op::Softmax:
    case Op::PatchEmbed:
    case Op::Concat:
    case Op::Bicubic:
    case Op::SoftmaxGrad:
    case Op::LayerNormGrad:
    case Op::BicubicGrad:
    case Op::Col2Im:
    case Op::SumTo:
        return true;
    case Op::Attention: // one dispatch row of workgroups per (batch, head)
        return n.shape.size() == 4 && n.shape[0] * n.shape[1] <= 65535;
    case Op::Embed: // the placed view's strides are copied through the 4-D strided copy
        return n.aux.size() <= 4;
    case Op::ActGrad:
    case Op::Act:
        return n.act <= Activation::Sigmoid;
    case Op::MatMul:
        return n.shape.size() >= 2 && n.shape.size() <= 4;
    }
    return false;
}

void VulkanDevice::ensureContext()
{
    injectFault(Fault::Create, "vkCreateDevice");
    std::call_once(once_, [this] {
        ctx_ = std::make_unique<Context>(physical_);
        // 256 MiB blocks: few allocations, and under every device's maxStorageBufferRange clamp.
        alloc_ =
            std::make_unique<Allocator>(*ctx_, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, VkDeviceSize(256) << 20);
        pipelines_ = std::make_unique<Pipelines>(*ctx_);
    });
}

Context& VulkanDevice::context()
{
    ensureContext();
    return *ctx_;
}

Allocator& VulkanDevice::allocator()
{
    ensureContext();
    return *alloc_;
}

Pipelines& VulkanDevice::pipelines()
{
    ensureContext();
    return *pipelines_;
}

DeviceTensor VulkanDevice::weight(const Node& n, bool half)
{
    std::ostringstream key;
    if (half) key << "f16:";
    if (n.packed)
        key << "packed:" << n.packed.get();
    else
        key << n.value.data() << shapeString(n.value.shape()) << shapeString(n.value.strides());
    std::lock_guard lock(weightsMutex_);
    auto it = weights_.find(key.str());
    if (it != weights_.end() && !it->second.expired()) return it->second.value;
    // A miss: free what belonged to weights that no longer exist (before allocating more).
    std::erase_if(weights_, [](const auto& e) { return e.second.expired(); });
    CachedWeight w;
    Tensor values;
    if (n.packed) {
        w.packed = n.packed;
        values = Tensor::empty(DType::F32, {n.packed->rows(), n.packed->cols()});
        n.packed->unpack(values.ptr<float>());
    } else {
        if (n.value.dtype() != DType::F32) throw Error("vulkan", "weight '" + n.name + "' is not f32");
        if (n.value.owner())
            w.hostOwner = n.value.owner();
        else
            w.host = n.value;
        if (half || n.value.isContiguous()) values = n.value.contiguous();
    }
    std::unique_ptr<Buffer> buffer;
    if (!half && !n.packed && !n.value.isContiguous() && n.value.numel() > 0) {
        // A strided weight keeps its layout on the device: the graph's views of it carry strides
        // relative to it. The span from its lowest to its highest element goes up as it lies.
        const Tensor& t = n.value;
        int64_t lo = 0, hi = 0;
        for (size_t d = 0; d < t.shape().size(); ++d) {
            const int64_t reach = (t.shape()[d] - 1) * t.strides()[d];
            (reach < 0 ? lo : hi) += reach;
        }
        const size_t bytes = size_t(hi - lo + 1) * sizeof(float);
        buffer = type_.allocate(bytes);
        buffer->write(0, t.ptr<float>() + lo, bytes);
        auto* db = static_cast<DeviceBuffer*>(buffer.get());
        w.value = {db->vkBuffer(), uint32_t(int64_t(elementBase(*db)) - lo), t.shape(), t.strides(), db,
                   false};
        w.buffer = std::move(buffer);
        return weights_.emplace(key.str(), std::move(w)).first->second.value;
    }
    if (half) {
        const int64_t count = values.numel();
        // Padded to whole 32-bit words: the shader reads halves in pairs.
        std::vector<uint16_t> h(static_cast<size_t>(count + (count & 1)), 0);
        const float* f = values.ptr<float>();
        for (int64_t i = 0; i < count; ++i)
            h[size_t(i)] = floatToHalf(f[i]);
        buffer = type_.allocate(h.size() * sizeof(uint16_t));
        buffer->write(0, h.data(), h.size() * sizeof(uint16_t));
    } else {
        buffer = type_.allocate(values.nbytes());
        buffer->write(0, values.data(), values.nbytes());
    }
    auto* db = static_cast<DeviceBuffer*>(buffer.get());
    // f16 tensors are addressed in f16 elements of the same VkBuffer.
    const uint32_t base = half ? uint32_t(db->blockOffset() / sizeof(uint16_t)) : elementBase(*db);
    w.value = {db->vkBuffer(), base, values.shape(), contiguousStrides(values.shape()), db, half};
    w.buffer = std::move(buffer);
    return weights_.emplace(key.str(), std::move(w)).first->second.value;
}

bool VulkanDevice::CachedWeight::expired() const
{
    if (host.defined()) return false;
    return packed.expired() && hostOwner.expired();
}

std::unique_ptr<Backend> VulkanDevice::createBackend()
{
    ensureContext();
    return makeBackend(*this);
}

} // namespace loupe::compute::vk
