// SPDX-License-Identifier: MIT
#include "compute/graph/graph_cache.h"

#include "compute/graph/fuse_attention.h"

namespace loupe::compute {

namespace {

// Fused attention never writes the [B, H, M, N] scores and probabilities: on a GPU that is the memory
// and bandwidth the unfused chain spends, so every device that runs Attention gets it.
//
// The CPU fuses chains whose keys fit the kernel's one key tile (cpu/attention.cpp): it then runs the
// same softmax and GEMMs as the separate ops, at the same speed, in less memory; where all query rows
// fit one block too (16 MiB of scores: ViT-B/16 up to batch 8) the GEMMs are the very same calls and the
// numbers are bit for bit the unfused ones (a run that observes probabilities gives the logits of one
// that does not). Measured on the 2-core development VM (loaded, so minimum of 60-100 interleaved runs),
// one ViT-B/16 attention layer (12 heads, 197 tokens, head dim 64) as a graph of its own: batch 1
// fused 0.557 ms / unfused 0.547 ms on 2 threads, 1.079 / 1.061 ms on 1 thread; arena 0.6 vs 3.6 MiB
// (batch 8: 4.6 vs 28.4 MiB; 577 tokens: 1.7 vs 30.5 MiB, 37.0 vs 42.1 ms). `loupe bench vit-forward
// --threads 1 --trace` put the 12 layers' attention at 13-22 ms fused and 15-25 ms unfused: a tie
// inside the machine's noise. Longer sequences take the online-softmax path over several key tiles,
// which measured slower than the separate ops (1500 tokens: 175 vs 149 ms; 4096 tokens, SAM's global
// layers: 2.9 vs 1.5 s, though in 12 MiB instead of 1.5 GiB), so the CPU keeps those unfused.
constexpr int64_t kCpuFusedKeys = 1024;

bool cpuFuses(const Graph& g, const Node& attention)
{
    return g.node(attention.src[1]).shape.back() <= kCpuFusedKeys; // src[1]: k^T [.., D, N]
}

Graph planned(Graph g, Device& device)
{
    if (!fusedAttentionEnabled()) return g;
    if (&device == &cpuDevice()) return fuseAttention(g, [&](const Node& n) { return cpuFuses(g, n); });
    return fuseAttention(g, [&](const Node& n) { return device.supportsOp(n); });
}

} // namespace

std::shared_ptr<CompiledGraph> compileGraph(Graph g, Device& device)
{
    auto compiled = std::make_shared<CompiledGraph>();
    compiled->graph = planned(std::move(g), device);
    compiled->plan = planMemory(compiled->graph);
    compiled->device = &device;
    compiled->segments = splitGraph(compiled->graph, device);
    if (compiled->segments.empty()) compiled->arena = device.bufferType().allocate(compiled->plan.arenaBytes);
    return compiled;
}

std::shared_ptr<CompiledGraph> GraphCache::get(const std::string& key, const std::function<Graph()>& build,
                                               Device& device)
{
    {
        std::lock_guard lock(mutex_);
        for (auto it = entries_.begin(); it != entries_.end(); ++it)
            if (it->first.first == &device && it->first.second == key) {
                entries_.splice(entries_.begin(), entries_, it);
                ++hits_;
                return entries_.front().second;
            }
        ++misses_;
    }
    auto compiled = compileGraph(build(), device);
    std::lock_guard lock(mutex_);
    entries_.emplace_front(std::make_pair(&device, key), compiled);
    while (entries_.size() > capacity_)
        entries_.pop_back();
    return compiled;
}

size_t GraphCache::size() const
{
    std::lock_guard lock(mutex_);
    return entries_.size();
}

void GraphCache::clear()
{
    std::lock_guard lock(mutex_);
    entries_.clear();
}

void GraphCache::drop(const Device& device)
{
    std::lock_guard lock(mutex_);
    entries_.remove_if([&](const auto& e) { return e.first.first == &device; });
}

} // namespace loupe::compute
