// SPDX-License-Identifier: MIT
#include "compute/backend/profiler.h"
#include "compute/backend/vulkan/device.h"
#include "compute/backend/vulkan/ops.h"
#include "compute/backend/vulkan/timestamps.h"
#include "compute/error.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>

namespace loupe::compute::vk {

namespace {

// Runs a whole graph as one command buffer: inputs and weights are uploaded first, every op is one or
// two dispatches separated by barriers, and kept tensors are read back after the single wait.
class VulkanBackend final : public Backend
{
public:
    explicit VulkanBackend(VulkanDevice& d) : device_(d) {}
    std::string name() const override { return "vulkan"; }
    Device& device() const override { return device_; }
    void compute(const Graph& g, const MemoryPlan& plan, Buffer& arena, GraphRun& run) override;

private:
    DeviceTensor input(const Node& n, const GraphRun& run);
    void record(Recorder& r, const Node& n, const std::vector<DeviceTensor>& values, const DeviceTensor& out);

    VulkanDevice& device_;
    std::map<std::string, std::unique_ptr<Buffer>> inputs_; // reused across runs while sizes match
};

DeviceTensor VulkanBackend::input(const Node& n, const GraphRun& run)
{
    auto it = run.inputs.find(n.name);
    if (it == run.inputs.end()) throw Error("graph", "input '" + n.name + "' is not bound");
    if (it->second.shape() != n.shape || it->second.dtype() != DType::F32)
        throw Error("graph", "input '" + n.name + "' must be f32 " + shapeString(n.shape) + ", got " +
                                 std::string(dtypeName(it->second.dtype())) + " " +
                                 shapeString(it->second.shape()));
    const Tensor host = it->second.contiguous();
    auto& buf = inputs_[n.name];
    if (!buf || buf->size() != host.nbytes()) buf = device_.bufferType().allocate(host.nbytes());
    buf->write(0, host.data(), host.nbytes());
    auto* db = static_cast<DeviceBuffer*>(buf.get());
    return {db->vkBuffer(), elementBase(*db), n.shape, contiguousStrides(n.shape), db};
}

void VulkanBackend::record(Recorder& r, const Node& n, const std::vector<DeviceTensor>& values,
                           const DeviceTensor& out)
{
    auto src = [&](int i) -> const DeviceTensor& { return values[size_t(n.src[i])]; };
    auto opt = [&](int i) -> const DeviceTensor* {
        return n.src[i] >= 0 ? &values[size_t(n.src[i])] : nullptr;
    };
    switch (n.op) {
    case Op::Input:
    case Op::Weight:
    case Op::View:
        return;
    case Op::Cont:
        return copy(r, out, src(0));
    case Op::Add:
    case Op::Sub:
    case Op::Mul:
        return binary(r, n.op, out, src(0), src(1));
    case Op::Linear:
        return linear(r, out, src(0), src(1), opt(2), n.act, opt(3));
    case Op::MatMul:
        return matmul(r, out, src(0), src(1));
    case Op::LayerNorm:
        return layerNorm(r, out, src(0), src(1), src(2), float(n.f0));
    case Op::Act:
        return activation(r, out, src(0), n.act);
    case Op::Softmax:
        return softmax(r, out, src(0), float(n.f0));
    case Op::PatchEmbed:
        return patchEmbed(r, out, src(0), src(1), opt(2), n.i0);
    case Op::Concat: {
        const DeviceTensor& a = src(0);
        const size_t dim = size_t(n.i0 < 0 ? n.i0 + int64_t(n.shape.size()) : n.i0);
        DeviceTensor first = out, second = out;
        first.shape[dim] = a.shape[dim];
        second.shape[dim] = out.shape[dim] - a.shape[dim];
        second.offset = out.offset + uint32_t(a.shape[dim] * out.strides[dim]);
        copy(r, first, a);
        copy(r, second, src(1));
        return;
    }
    case Op::Bicubic:
        return bicubic(r, out, src(0), n.f0, n.f1);
    case Op::Attention:
        return attention(r, out, src(0), src(1), src(2), opt(3), float(n.f0));
    case Op::SoftmaxGrad:
        return softmaxGrad(r, out, src(0), src(1), float(n.f0));
    case Op::LayerNormGrad:
        return layerNormGrad(r, out, src(0), opt(1), src(2), float(n.f0));
    case Op::ActGrad:
        return activationGrad(r, out, src(0), src(1), n.act);
    case Op::BicubicGrad:
        return bicubicGrad(r, out, src(0), n.f0, n.f1);
    case Op::Col2Im:
        return col2im(r, out, src(0), n.i0);
    case Op::SumTo:
        return sumTo(r, out, src(0));
    case Op::Embed:
        return embed(r, out, src(0), n.aux, n.i0);
    }
    throw Error("vulkan", std::string("op ") + opName(n.op) + " is not implemented on Vulkan");
}

// Whether this run keeps Linear weights in f16: asked for (f16, or bf16, which Vulkan has no arithmetic
// for) and not turned off by LOUPE_VULKAN_NO_F16. The f16 GEMM reads halves through 32-bit words, so
// it needs no optional device feature. Says in `note` why the precision differs from the one asked.
bool useHalfWeights(Precision asked, std::string& note)
{
    if (asked == Precision::Int8) {
        note = "int8 was asked for; Vulkan has no int8 kernels, so it multiplies the int8 weights in f32";
        return false;
    }
    if (asked != Precision::F16 && asked != Precision::BF16) return false;
    const char* off = std::getenv("LOUPE_VULKAN_NO_F16");
    if (off && *off && std::string(off) != "0") {
        note = std::string(precisionName(asked)) +
               " was asked for; Vulkan computes f32 (LOUPE_VULKAN_NO_F16 is set)";
        return false;
    }
    if (asked == Precision::BF16)
        note = "bf16 was asked for; Vulkan has no bf16 arithmetic, so its Linear weights are f16";
    return true;
}

// Weight nodes read only as a Linear layer's weight (src 1): those may be stored in f16.
std::vector<bool> linearOnlyWeights(const Graph& g)
{
    const auto& nodes = g.nodes();
    std::vector<bool> ok(nodes.size(), false);
    for (size_t i = 0; i < nodes.size(); ++i)
        ok[i] = nodes[i].op == Op::Weight && !nodes[i].keep;
    for (const Node& n : nodes)
        for (int s = 0; s < 4; ++s)
            if (n.src[s] >= 0 && !(n.op == Op::Linear && s == 1)) ok[size_t(n.src[s])] = false;
    return ok;
}

// A device tensor (any view) read back into a packed host tensor.
Tensor download(const DeviceTensor& t)
{
    int64_t lo = 0, hi = 0; // element span relative to t.offset
    for (size_t d = 0; d < t.shape.size(); ++d) {
        if (t.shape[d] == 0) return Tensor::empty(DType::F32, t.shape);
        const int64_t reach = (t.shape[d] - 1) * t.strides[d];
        (reach < 0 ? lo : hi) += reach;
    }
    const int64_t count = hi - lo + 1;
    Tensor span = Tensor::empty(DType::F32, {count});
    const int64_t first = int64_t(t.offset) + lo - int64_t(elementBase(*t.owner));
    t.owner->read(size_t(first) * sizeof(float), span.data(), size_t(count) * sizeof(float));
    const Tensor view = Tensor::strided(span.ptr<float>() - lo, DType::F32, t.shape, t.strides, span.owner());
    return view.clone();
}

void VulkanBackend::compute(const Graph& g, const MemoryPlan& plan, Buffer& arenaIn, GraphRun& run)
{
    auto* arena = dynamic_cast<DeviceBuffer*>(&arenaIn);
    if (!arena || &arena->type() != &device_.bufferType())
        throw Error("vulkan", "the arena must be allocated from this Vulkan device's buffer type");
    if (arena->size() < plan.arenaBytes)
        throw Error("vulkan", "arena of " + std::to_string(arena->size()) +
                                  " bytes is smaller than the plan's " + std::to_string(plan.arenaBytes));
    const auto& nodes = g.nodes();
    std::vector<DeviceTensor> values(nodes.size());
    const bool half = useHalfWeights(run.precision, run.precisionNote);
    const std::vector<bool> halfOk = half ? linearOnlyWeights(g) : std::vector<bool>(nodes.size(), false);
    bool usedHalf = false;
    for (size_t i = 0; i < nodes.size(); ++i) {
        const Node& n = nodes[i];
        if (!device_.supportsOp(n))
            throw Error("vulkan", std::string("op ") + opName(n.op) + " (node '" + n.name +
                                      "') is not supported on " + device_.info().name);
        switch (n.op) {
        case Op::Input:
            values[i] = input(n, run);
            break;
        case Op::Weight:
            values[i] = device_.weight(n, halfOk[i]);
            usedHalf = usedHalf || halfOk[i];
            break;
        case Op::View: {
            const DeviceTensor& s = values[size_t(n.src[0])];
            values[i] = {s.buffer, s.offset + uint32_t(n.offset), n.shape, n.strides, s.owner};
            break;
        }
        default:
            values[i] = {arena->vkBuffer(),
                         elementBase(*arena) + uint32_t(plan.offset[i] / int64_t(sizeof(float))), n.shape,
                         contiguousStrides(n.shape), arena};
        }
    }
    // LOUPE_PROFILE=1 prints the device time of each run.
    static const bool profile = std::getenv("LOUPE_PROFILE") != nullptr;
    const auto t0 = std::chrono::steady_clock::now();
    Context& ctx = device_.context();
    Recorder rec(ctx, device_.pipelines(), uint32_t(2 * nodes.size()));
    // The engine profiler gets each node's GPU time from a timestamp written after its dispatches
    // (each ends in a barrier, so the timestamp waits for them); the node's start is the previous one.
    std::optional<GraphRecorder> profiler;
    std::optional<TimestampQueries> stamps;
    std::vector<size_t> stamped; // node index of timestamp q + 1
    if (Profiler::enabled()) {
        profiler.emplace("vulkan", device_.info().name);
        stamps.emplace(ctx, uint32_t(nodes.size() + 1));
    }
    const int64_t submitNs = profiler ? Profiler::nowNs() : 0;
    ctx.submitAndWait([&](VkCommandBuffer cb) {
        rec.begin(cb);
        if (stamps) {
            stamps->reset(cb);
            stamps->write(cb, 0);
        }
        for (size_t i = 0; i < nodes.size(); ++i) {
            record(rec, nodes[i], values, values[i]);
            const Op op = nodes[i].op;
            if (stamps && op != Op::Input && op != Op::Weight && op != Op::View) {
                stamped.push_back(i);
                stamps->write(cb, uint32_t(stamped.size()));
            }
        }
    });
    if (profiler) {
        const std::vector<int64_t> ns = stamps->read(uint32_t(stamped.size() + 1));
        for (size_t q = 0; q + 1 < ns.size(); ++q) {
            const Node& n = nodes[stamped[q]];
            profiler->node(opName(n.op), n.name, stamped[q], shapeString(n.shape),
                           uint64_t(n.numel()) * dtypeSize(n.dtype), submitNs + ns[q], ns[q + 1] - ns[q]);
        }
        profiler->finish();
    }
    if (profile)
        std::fprintf(
            stderr, "loupe profile: vulkan graph %8.3f ms\n",
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    run.precisionUsed = usedHalf ? "f16" : "f32";
    for (size_t i = 0; i < nodes.size(); ++i) {
        const Node& n = nodes[i];
        if (!n.keep) continue;
        Tensor value = download(values[i]);
        if (run.observe) run.observe(n.name, value);
        std::string key = n.name;
        if (key.empty()) key = std::string("node.").append(std::to_string(i));
        run.kept[key] = std::move(value);
    }
}

} // namespace

std::unique_ptr<Backend> makeBackend(VulkanDevice& device)
{
    return std::make_unique<VulkanBackend>(device);
}

} // namespace loupe::compute::vk
