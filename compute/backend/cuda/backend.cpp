// SPDX-License-Identifier: MIT
#include "compute/backend/cuda/check.h"
#include "compute/backend/cuda/cublas.h"
#include "compute/backend/cuda/cuda_backend.h"
#include "compute/backend/cuda/device.h"
#include "compute/backend/cuda/ops.h"
#include "compute/backend/profiler.h"
#include "compute/error.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace loupe::compute {

namespace cuda {

namespace {

// LOUPE_CUDA_GRAPHS=0 (or LOUPE_DISABLE_CUDA_GRAPHS=1) runs every graph op by op, for bisecting a
// driver or capture problem.
bool graphsEnabled()
{
    static const bool on = [] {
        const char* off = std::getenv("LOUPE_DISABLE_CUDA_GRAPHS");
        if (off && *off && std::string(off) != "0") return false;
        const char* v = std::getenv("LOUPE_CUDA_GRAPHS");
        return !(v && std::string(v) == "0");
    }();
    return on;
}

constexpr size_t kBlasWorkspace = size_t(32) << 20; // cuBLAS must not allocate during graph capture

// FNV-1a over the words that decide what a run enqueues.
struct Hash
{
    uint64_t h = 1469598103934665603ull;
    void add(uint64_t v)
    {
        for (int i = 0; i < 8; ++i) {
            h ^= (v >> (8 * i)) & 0xff;
            h *= 1099511628211ull;
        }
    }
    void add(const void* p) { add(uint64_t(reinterpret_cast<uintptr_t>(p))); }
    void add(double d)
    {
        uint64_t v;
        std::memcpy(&v, &d, 8);
        add(v);
    }
    void add(const Shape& s)
    {
        add(uint64_t(s.size()));
        for (int64_t v : s)
            add(uint64_t(v));
    }
};

// Runs a whole graph on one stream: inputs go up through pinned memory, every op is enqueued (or a
// captured CUDA graph of them replayed), kept tensors come back through pinned memory after one
// stream synchronisation.
class CudaBackend final : public Backend
{
public:
    CudaBackend(CudaDevice& d, Precision p);
    ~CudaBackend() override;
    std::string name() const override { return "cuda"; }
    Device& device() const override { return device_; }
    void synchronize() override { check(cudaStreamSynchronize(stream_), "synchronize"); }
    void compute(const Graph& g, const MemoryPlan& plan, Buffer& arena, GraphRun& run) override;

private:
    void bind(const Graph& g, const MemoryPlan& plan, CudaBuffer& arena, const GraphRun& run);
    uint64_t signature(const Graph& g) const;
    // The kept tensors, packed. `timed`: an event after every computed node (the engine profiler).
    std::vector<DTensor> enqueue(const Graph& g, bool timed = false);
    void fileProfile(const Graph& g, int64_t hostStartNs);
    bool capture(const Graph& g, uint64_t sig);
    void download(const Graph& g, const std::vector<DTensor>& kept, GraphRun& run);

    CudaDevice& device_;
    Precision precision_; // F16/BF16 force that precision on every linear layer
    cudaStream_t stream_ = nullptr;
    cublasHandle_t blas_ = nullptr;
    void* workspace_ = nullptr;
    Scratch scratch_;
    PinnedBuffer upload_, download_;
    std::map<std::string, std::unique_ptr<Buffer>> inputs_; // reused across runs while sizes match
    std::vector<DTensor> values_;
    std::vector<LinearWeight> linearWeights_; // per Linear/PatchEmbed node
    // CUDA graph state: the signature of the last run, and the captured graph with what it keeps.
    uint64_t lastSig_ = 0;
    cudaGraphExec_t exec_ = nullptr;
    uint64_t execSig_ = 0;
    std::vector<DTensor> execKept_;
    bool graphsBroken_ = false;
    std::vector<cudaEvent_t> events_; // [0] the run's start, [i + 1] after node i (profiled runs)
};

CudaBackend::CudaBackend(CudaDevice& d, Precision p) : device_(d), precision_(p), scratch_(d.pool())
{
    check(cudaSetDevice(d.info().index), "selecting " + d.info().name);
    check(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "creating a stream");
    std::string why;
    const CublasApi* api = cublas(&why);
    if (!api) throw DeviceError(DeviceFailure::NoDriver, "cuda", why);
    checkBlas(api->create(&blas_), "creating a cuBLAS handle");
    checkBlas(api->setStream(blas_, stream_), "cuBLAS stream");
    workspace_ = d.pool().allocate(kBlasWorkspace);
    checkBlas(api->setWorkspace(blas_, workspace_, kBlasWorkspace), "cuBLAS workspace");
    // Plain f32 (no TF32) for f32 GEMMs: the CPU's answers within 1e-4.
    checkBlas(api->setMathMode(blas_, CUBLAS_DEFAULT_MATH), "cuBLAS math mode");
}

CudaBackend::~CudaBackend()
{
    if (stream_) cudaStreamSynchronize(stream_);
    if (exec_) cudaGraphExecDestroy(exec_);
    for (cudaEvent_t e : events_)
        cudaEventDestroy(e);
    if (blas_) cublas()->destroy(blas_);
    if (stream_) cudaStreamDestroy(stream_);
    device_.pool().release(workspace_, kBlasWorkspace);
    device_.releaseUnusedWeights(); // the constants of graphs that have gone since the last upload
    (void)cudaGetLastError();
}

void CudaBackend::bind(const Graph& g, const MemoryPlan& plan, CudaBuffer& arena, const GraphRun& run)
{
    const auto& nodes = g.nodes();
    values_.assign(nodes.size(), DTensor{});
    linearWeights_.assign(nodes.size(), LinearWeight{});
    // Inputs are staged in pinned memory first; the previous run has finished, so it can be reused.
    std::vector<Tensor> hostInputs(nodes.size());
    size_t staged = 0;
    for (size_t i = 0; i < nodes.size(); ++i) {
        const Node& n = nodes[i];
        if (n.op != Op::Input) continue;
        auto it = run.inputs.find(n.name);
        if (it == run.inputs.end()) throw Error("graph", "input '" + n.name + "' is not bound");
        if (it->second.shape() != n.shape || it->second.dtype() != DType::F32)
            throw Error("graph", "input '" + n.name + "' must be f32 " + shapeString(n.shape) + ", got " +
                                     std::string(dtypeName(it->second.dtype())) + " " +
                                     shapeString(it->second.shape()));
        hostInputs[i] = it->second.contiguous();
        staged += (hostInputs[i].nbytes() + 255) / 256 * 256;
    }
    char* pinned = upload_.reserve(staged);
    size_t at = 0;
    char* base = static_cast<char*>(arena.device());
    for (size_t i = 0; i < nodes.size(); ++i) {
        const Node& n = nodes[i];
        switch (n.op) {
        case Op::Input: {
            const Tensor& host = hostInputs[i];
            auto& buf = inputs_[n.name];
            if (!buf || buf->size() != host.nbytes()) buf = device_.bufferType().allocate(host.nbytes());
            void* dst = static_cast<CudaBuffer*>(buf.get())->device();
            std::memcpy(pinned + at, host.data(), host.nbytes());
            check(cudaMemcpyAsync(dst, pinned + at, host.nbytes(), cudaMemcpyHostToDevice, stream_),
                  "upload of input '" + n.name + "'");
            at += (host.nbytes() + 255) / 256 * 256;
            values_[i] = {static_cast<float*>(dst), n.shape, contiguousStrides(n.shape)};
            break;
        }
        case Op::Weight:
            values_[i] = device_.weight(n);
            break;
        case Op::View: {
            const DTensor& s = values_[size_t(n.src[0])];
            values_[i] = {s.data + n.offset, n.shape, n.strides};
            break;
        }
        default:
            values_[i] = {reinterpret_cast<float*>(base + plan.offset[i]), n.shape,
                          contiguousStrides(n.shape)};
        }
        if (n.op == Op::Linear || n.op == Op::PatchEmbed) {
            LinearWeight& w = linearWeights_[i];
            w.f32 = values_[size_t(n.src[1])];
            const Node& wn = g.node(n.src[1]);
            // The backend's precision when it forces one, else the packed weight's own (the precision
            // the model was loaded at).
            Precision p = precision_;
            if (p != Precision::F16 && p != Precision::BF16 && wn.packed) p = wn.packed->precision();
            if (wn.op == Op::Weight && (p == Precision::F16 || p == Precision::BF16)) {
                w.bf16 = p == Precision::BF16;
                w.half = device_.halfWeight(wn, w.bf16);
            }
        }
    }
}

uint64_t CudaBackend::signature(const Graph& g) const
{
    Hash h;
    h.add(uint64_t(precision_));
    const auto& nodes = g.nodes();
    for (size_t i = 0; i < nodes.size(); ++i) {
        const Node& n = nodes[i];
        h.add(uint64_t(n.op) | uint64_t(n.act) << 8 | uint64_t(n.keep) << 16);
        for (int s : n.src)
            h.add(uint64_t(int64_t(s)));
        h.add(n.f0);
        h.add(n.f1);
        h.add(uint64_t(n.i0));
        h.add(n.aux);
        h.add(values_[i].data);
        h.add(values_[i].shape);
        h.add(values_[i].strides);
        h.add(linearWeights_[i].half);
        h.add(uint64_t(linearWeights_[i].bf16));
    }
    h.add(scratch_.base());
    h.add(uint64_t(scratch_.capacity()));
    return h.h;
}

std::vector<DTensor> CudaBackend::enqueue(const Graph& g, bool timed)
{
    Exec x{stream_, blas_, &scratch_};
    const auto& nodes = g.nodes();
    if (timed) {
        while (events_.size() < nodes.size() + 1) {
            cudaEvent_t e;
            check(cudaEventCreate(&e), "creating a timing event");
            events_.push_back(e);
        }
        check(cudaEventRecord(events_[0], stream_), "timing event");
    }
    auto src = [&](const Node& n, int i) -> const DTensor& { return values_[size_t(n.src[i])]; };
    auto opt = [&](const Node& n, int i) -> const DTensor* {
        return n.src[i] >= 0 ? &values_[size_t(n.src[i])] : nullptr;
    };
    for (size_t i = 0; i < nodes.size(); ++i) {
        const Node& n = nodes[i];
        const DTensor& out = values_[i];
        switch (n.op) {
        case Op::Input:
        case Op::Weight:
        case Op::View:
            break;
        case Op::Cont:
            copy(x, out, src(n, 0));
            break;
        case Op::Add:
        case Op::Sub:
        case Op::Mul:
            binary(x, n.op, out, src(n, 0), src(n, 1));
            break;
        case Op::Linear:
            linear(x, out, src(n, 0), linearWeights_[i], opt(n, 2), n.act, opt(n, 3));
            break;
        case Op::MatMul:
            matmul(x, out, src(n, 0), src(n, 1));
            break;
        case Op::LayerNorm:
            layerNorm(x, out, src(n, 0), src(n, 1), src(n, 2), float(n.f0));
            break;
        case Op::Act:
            activation(x, out, src(n, 0), n.act);
            break;
        case Op::Softmax:
            softmax(x, out, src(n, 0), float(n.f0));
            break;
        case Op::PatchEmbed:
            patchEmbed(x, out, src(n, 0), linearWeights_[i], opt(n, 2), n.i0);
            break;
        case Op::Concat:
            concat(x, out, src(n, 0), src(n, 1), n.i0);
            break;
        case Op::Bicubic:
            bicubic(x, out, src(n, 0), n.f0, n.f1);
            break;
        case Op::Attention:
            attention(x, out, src(n, 0), src(n, 1), src(n, 2), opt(n, 3), float(n.f0));
            break;
        case Op::SoftmaxGrad:
            softmaxGrad(x, out, src(n, 0), src(n, 1), float(n.f0));
            break;
        case Op::LayerNormGrad:
            layerNormGrad(x, out, src(n, 0), opt(n, 1), src(n, 2), float(n.f0));
            break;
        case Op::ActGrad:
            actGrad(x, out, src(n, 0), src(n, 1), n.act);
            break;
        case Op::BicubicGrad:
            bicubicGrad(x, out, src(n, 0), n.f0, n.f1);
            break;
        case Op::Col2Im:
            col2im(x, out, src(n, 0), n.i0);
            break;
        case Op::SumTo:
            sumTo(x, out, src(n, 0));
            break;
        case Op::Embed:
            embed(x, out, src(n, 0), n.aux, n.i0);
            break;
        }
        if (timed && !n.isView() && n.op != Op::Input && n.op != Op::Weight)
            check(cudaEventRecord(events_[i + 1], stream_), "timing event");
    }
    std::vector<DTensor> kept(nodes.size());
    for (size_t i = 0; i < nodes.size(); ++i)
        if (nodes[i].keep) kept[i] = packed(x, values_[i]);
    return kept;
}

// Files a timed run with the engine profiler: each node's time between the events around it, placed on
// the profiler's clock from when the run was enqueued (the stream is idle then: runs synchronise).
void CudaBackend::fileProfile(const Graph& g, int64_t hostStartNs)
{
    GraphRecorder rec(name(), device_.name());
    const auto& nodes = g.nodes();
    cudaEvent_t previous = events_[0];
    for (size_t i = 0; i < nodes.size(); ++i) {
        const Node& n = nodes[i];
        if (n.isView() || n.op == Op::Input || n.op == Op::Weight) continue;
        float startMs = 0, durationMs = 0;
        cudaEventElapsedTime(&startMs, events_[0], previous);
        cudaEventElapsedTime(&durationMs, previous, events_[i + 1]);
        rec.node(opName(n.op), n.name, i, shapeString(n.shape), uint64_t(n.numel()) * sizeof(float),
                 hostStartNs + int64_t(double(startMs) * 1e6), int64_t(double(durationMs) * 1e6));
        previous = events_[i + 1];
    }
    (void)cudaGetLastError();
}

// Records the run into a CUDA graph and instantiates it; false (and graphs off for this backend) when
// capture fails, after which the caller enqueues normally.
bool CudaBackend::capture(const Graph& g, uint64_t sig)
{
    if (exec_) {
        cudaGraphExecDestroy(exec_);
        exec_ = nullptr;
    }
    scratch_.freeze(true);
    cudaGraph_t graph = nullptr;
    std::vector<DTensor> kept;
    bool ok = cudaStreamBeginCapture(stream_, cudaStreamCaptureModeThreadLocal) == cudaSuccess;
    if (ok) {
        try {
            kept = enqueue(g);
        } catch (const std::exception& e) {
            if (std::getenv("LOUPE_PROFILE"))
                std::fprintf(stderr, "loupe: CUDA graph capture failed: %s\n", e.what());
            ok = false;
        }
        ok = cudaStreamEndCapture(stream_, &graph) == cudaSuccess && ok && graph;
    }
    if (ok) ok = cudaGraphInstantiate(&exec_, graph, 0) == cudaSuccess;
    if (graph) cudaGraphDestroy(graph);
    scratch_.freeze(false);
    (void)cudaGetLastError();
    if (!ok) {
        if (exec_) cudaGraphExecDestroy(exec_);
        exec_ = nullptr;
        graphsBroken_ = true;
        scratch_.reset(); // nothing captured ran
        return false;
    }
    execSig_ = sig;
    execKept_ = std::move(kept);
    return true;
}

void CudaBackend::download(const Graph& g, const std::vector<DTensor>& kept, GraphRun& run)
{
    const auto& nodes = g.nodes();
    size_t total = 0;
    for (size_t i = 0; i < nodes.size(); ++i)
        if (nodes[i].keep) total += (size_t(kept[i].numel()) * sizeof(float) + 255) / 256 * 256;
    char* pinned = download_.reserve(total);
    size_t at = 0;
    for (size_t i = 0; i < nodes.size(); ++i) {
        if (!nodes[i].keep) continue;
        const size_t bytes = size_t(kept[i].numel()) * sizeof(float);
        if (bytes)
            check(cudaMemcpyAsync(pinned + at, kept[i].data, bytes, cudaMemcpyDeviceToHost, stream_),
                  "download of '" + nodes[i].name + "'");
        at += (bytes + 255) / 256 * 256;
    }
    check(cudaStreamSynchronize(stream_), "running the graph");
    at = 0;
    for (size_t i = 0; i < nodes.size(); ++i) {
        const Node& n = nodes[i];
        if (!n.keep) continue;
        Tensor value = Tensor::empty(DType::F32, n.shape);
        const size_t bytes = size_t(kept[i].numel()) * sizeof(float);
        if (bytes) std::memcpy(value.data(), pinned + at, bytes);
        at += (bytes + 255) / 256 * 256;
        if (run.observe) run.observe(n.name, value);
        std::string key = n.name;
        if (key.empty()) key = std::string("node.").append(std::to_string(i));
        run.kept[key] = std::move(value);
    }
}

void CudaBackend::compute(const Graph& g, const MemoryPlan& plan, Buffer& arenaIn, GraphRun& run)
{
    auto* arena = dynamic_cast<CudaBuffer*>(&arenaIn);
    if (!arena || &arena->type() != &device_.bufferType())
        throw Error("cuda", "the arena must be allocated from this CUDA device's buffer type");
    if (arena->size() < plan.arenaBytes)
        throw Error("cuda", "arena of " + std::to_string(arena->size()) +
                                " bytes is smaller than the plan's " + std::to_string(plan.arenaBytes));
    for (const Node& n : g.nodes())
        if (!device_.supportsOp(n))
            throw Error("cuda", std::string("op ") + opName(n.op) + " (node '" + n.name +
                                    "') is not supported on " + device_.info().name);
    check(cudaSetDevice(device_.info().index), "selecting " + device_.info().name);
    // LOUPE_PROFILE=1 prints each run's wall time (one synchronisation: no per-op split yet).
    static const bool profile = std::getenv("LOUPE_PROFILE") != nullptr;
    const auto t0 = std::chrono::steady_clock::now();
    const char* how = "ops";
    try {
        scratch_.reset();
        bind(g, plan, *arena, run);
        const uint64_t sig = signature(g);
        std::vector<DTensor> kept;
        // A graph is captured on its second identical run in a row and replayed while nothing changes.
        // The engine profiler times every node, which a replayed graph cannot: profiled runs are enqueued.
        const bool timed = Profiler::enabled();
        const int64_t hostStartNs = timed ? Profiler::nowNs() : 0;
        const bool graphs = graphsEnabled() && !graphsBroken_ && !timed;
        if (timed) {
            kept = enqueue(g, true);
            how = "ops, profiled";
        } else if (graphs && exec_ && sig == execSig_) {
            check(cudaGraphLaunch(exec_, stream_), "CUDA graph launch");
            kept = execKept_;
            how = "graph replay";
        } else if (graphs && sig == lastSig_ && capture(g, sig)) {
            check(cudaGraphLaunch(exec_, stream_), "CUDA graph launch");
            kept = execKept_;
            how = "graph capture";
        } else {
            kept = enqueue(g);
        }
        lastSig_ = sig;
        download(g, kept, run);
        if (timed) fileProfile(g, hostStartNs);
    } catch (...) {
        // Nothing queued may outlive the buffers it uses.
        cudaStreamSynchronize(stream_);
        (void)cudaGetLastError();
        throw;
    }
    if (profile)
        std::fprintf(stderr, "loupe profile: cuda graph %8.3f ms (%s)\n",
                     std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count(),
                     how);
}

} // namespace

} // namespace cuda

std::unique_ptr<Backend> createCudaBackend(Device& device, Precision precision)
{
    auto* d = dynamic_cast<cuda::CudaDevice*>(&device);
    if (!d)
        throw Error("cuda", "createCudaBackend needs the device cudaDevice() returns, not " + device.name());
    return std::make_unique<cuda::CudaBackend>(*d, precision);
}

} // namespace loupe::compute
