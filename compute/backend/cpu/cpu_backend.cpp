// SPDX-License-Identifier: MIT
#include "compute/backend/backend.h"
#include "compute/backend/cpu/ops.h"
#include "compute/backend/profiler.h"
#include "compute/cpu_options.h"
#include "compute/error.h"
#include "compute/threadpool.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>

namespace loupe::compute {

namespace {

class HostBuffer;

class HostBufferType final : public BufferType
{
public:
    std::string name() const override { return "cpu"; }
    size_t alignment() const override { return 64; }
    bool isHost() const override { return true; }
    std::unique_ptr<Buffer> allocate(size_t bytes) const override;
};

class HostBuffer final : public Buffer
{
public:
    HostBuffer(const BufferType& type, size_t bytes) : type_(type), size_(bytes)
    {
        data_ = bytes ? std::aligned_alloc(64, (bytes + 63) / 64 * 64) : nullptr;
        if (bytes && !data_)
            throw Error("cpu", "out of memory allocating an arena of " + std::to_string(bytes) + " bytes");
        Profiler::adjustMemory("cpu", int64_t(size_));
    }
    ~HostBuffer() override
    {
        std::free(data_);
        Profiler::adjustMemory("cpu", -int64_t(size_));
    }
    const BufferType& type() const override { return type_; }
    size_t size() const override { return size_; }
    void* base() override { return data_; }
    void write(size_t offset, const void* src, size_t bytes) override
    {
        std::memcpy(static_cast<char*>(data_) + offset, src, bytes);
    }
    void read(size_t offset, void* dst, size_t bytes) const override
    {
        std::memcpy(dst, static_cast<const char*>(data_) + offset, bytes);
    }

private:
    const BufferType& type_;
    size_t size_;
    void* data_;
};

std::unique_ptr<Buffer> HostBufferType::allocate(size_t bytes) const
{
    return std::make_unique<HostBuffer>(*this, bytes);
}

std::string cpuModel()
{
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("model name", 0) == 0) {
            const auto colon = line.find(':');
            return colon == std::string::npos ? line : line.substr(colon + 2);
        }
    return "unknown CPU";
}

class CpuBackend final : public Backend
{
public:
    explicit CpuBackend(Device& d) : device_(d) {}
    std::string name() const override { return "cpu"; }
    Device& device() const override { return device_; }
    void compute(const Graph& g, const MemoryPlan& plan, Buffer& arena, GraphRun& run) override;

private:
    Device& device_;
};

class CpuDevice final : public Device
{
public:
    std::string name() const override { return "cpu"; }
    std::string description() const override
    {
        return cpuModel() + ", " + std::to_string(threadCount()) + " threads, GEMM " + gemmKernelName();
    }
    DeviceKind kind() const override { return DeviceKind::Cpu; }
    const BufferType& bufferType() const override { return type_; }
    bool supportsOp(const Node&) const override { return true; } // the CPU is the reference: every op
    std::unique_ptr<Backend> createBackend() override { return std::make_unique<CpuBackend>(*this); }

private:
    HostBufferType type_;
};

} // namespace

void cpu::computeNode(const Graph& g, const Node& n, const Tensor& out, const std::vector<Tensor>& values)
{
    auto src = [&](int i) -> const Tensor& { return values[size_t(n.src[i])]; };
    const PackedWeight* packed = n.src[1] >= 0 ? g.node(n.src[1]).packed.get() : nullptr;
    switch (n.op) {
    case Op::Input:
    case Op::Weight:
    case Op::View:
        return;
    case Op::Cont:
        cpu::copy(out, src(0));
        return;
    case Op::Add:
    case Op::Sub:
    case Op::Mul:
        cpu::binary(n.op, out, src(0), src(1));
        return;
    case Op::Linear:
        cpu::linear(out, src(0), src(1), n.src[2] >= 0 ? &src(2) : nullptr, n.act,
                    n.src[3] >= 0 ? &src(3) : nullptr, packed);
        return;
    case Op::MatMul:
        cpu::matmul(out, src(0), src(1));
        return;
    case Op::LayerNorm:
        cpu::layerNorm(out, src(0), src(1), src(2), float(n.f0));
        return;
    case Op::Act:
        cpu::activation(out, src(0), n.act);
        return;
    case Op::Softmax:
        cpu::softmax(out, src(0), float(n.f0));
        return;
    case Op::PatchEmbed:
        cpu::patchEmbed(out, src(0), src(1), n.src[2] >= 0 ? &src(2) : nullptr, n.i0, packed);
        return;
    case Op::Concat:
        cpu::concat(out, src(0), src(1), n.i0);
        return;
    case Op::Bicubic:
        cpu::bicubic(out, src(0), n.f0, n.f1);
        return;
    case Op::Attention:
        cpu::attention(out, src(0), src(1), src(2), n.src[3] >= 0 ? &src(3) : nullptr, float(n.f0));
        return;
    case Op::SoftmaxGrad:
        cpu::softmaxGrad(out, src(0), src(1), float(n.f0));
        return;
    case Op::LayerNormGrad:
        cpu::layerNormGrad(out, src(0), n.src[1] >= 0 ? &src(1) : nullptr, src(2), n.f0);
        return;
    case Op::ActGrad:
        cpu::actGrad(out, src(0), src(1), n.act);
        return;
    case Op::BicubicGrad:
        cpu::bicubicGrad(out, src(0), n.f0, n.f1);
        return;
    case Op::Col2Im:
        cpu::col2im(out, src(0), n.i0);
        return;
    case Op::SumTo:
        cpu::sumTo(out, src(0));
        return;
    case Op::Embed:
        cpu::embed(out, src(0), n.aux, n.i0);
        return;
    }
}

namespace {

void CpuBackend::compute(const Graph& g, const MemoryPlan& plan, Buffer& arena, GraphRun& run)
{
    if (arena.size() < plan.arenaBytes)
        throw Error("cpu", "arena of " + std::to_string(arena.size()) + " bytes is smaller than the plan's " +
                               std::to_string(plan.arenaBytes));
    const auto& nodes = g.nodes();
    std::vector<Tensor> values(nodes.size());
    // LOUPE_PROFILE=1 prints the time spent per op kind to stderr after each run.
    static const bool profile = std::getenv("LOUPE_PROFILE") != nullptr;
    double opMs[32] = {};
    // The engine profiler (the Engine Profiler dock, loupe bench --trace): checked once per run.
    std::optional<GraphRecorder> recorder;
    if (Profiler::enabled()) recorder.emplace(name(), device_.name());
    char* base = static_cast<char*>(arena.base());
    for (size_t i = 0; i < nodes.size(); ++i) {
        const Node& n = nodes[i];
        switch (n.op) {
        case Op::Input: {
            auto it = run.inputs.find(n.name);
            if (it == run.inputs.end()) throw Error("graph", "input '" + n.name + "' is not bound");
            if (it->second.shape() != n.shape || it->second.dtype() != DType::F32)
                throw Error("graph", "input '" + n.name + "' must be f32 " + shapeString(n.shape) + ", got " +
                                         std::string(dtypeName(it->second.dtype())) + " " +
                                         shapeString(it->second.shape()));
            values[i] = it->second.contiguous();
            break;
        }
        case Op::Weight:
            values[i] = n.value;
            break;
        case Op::View: {
            const Tensor& s = values[size_t(n.src[0])];
            values[i] = Tensor::strided(s.ptr<float>() + n.offset, n.dtype, n.shape, n.strides);
            break;
        }
        default:
            values[i] = Tensor::wrap(base + plan.offset[i], n.dtype, n.shape);
            const auto t0 = std::chrono::steady_clock::now();
            const int64_t start = recorder ? Profiler::nowNs() : 0;
            cpu::computeNode(g, n, values[i], values);
            if (recorder)
                recorder->node(opName(n.op), n.name, i, shapeString(n.shape),
                               uint64_t(n.numel()) * dtypeSize(n.dtype), start, Profiler::nowNs() - start);
            if (profile)
                opMs[int(n.op)] +=
                    std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        }
        if (n.keep) {
            if (run.observe) run.observe(n.name, values[i]);
            std::string key = n.name;
            if (key.empty()) key = std::string("node.").append(std::to_string(i));
            run.kept[key] = values[i].clone();
        }
    }
    if (profile) {
        for (int op = 0; op <= int(Op::Bicubic); ++op)
            if (opMs[op] > 0)
                std::fprintf(stderr, "loupe profile: %-12s %8.3f ms\n", opName(Op(op)), opMs[op]);
    }
}

} // namespace

Device& cpuDevice()
{
    static CpuDevice device;
    return device;
}

} // namespace loupe::compute
