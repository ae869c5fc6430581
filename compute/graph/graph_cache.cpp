// SPDX-License-Identifier: MIT
#include "compute/graph/graph_cache.h"

#include "compute/graph/fuse_attention.h"

namespace loupe::compute {

namespace {

// Fused attention never writes the [B, H, M, N] scores and probabilities: on a GPU that is the memory
// and bandwidth the unfused chain spends, so every device that runs Attention gets it.
//
// The CPU fuses too: its kernel (cpu/attention.cpp) measured within 2% at ViT sizes and faster
// beyond, in far less memory. Where a layer's scores fit one block of rows and one key tile (ViT-B/16
// up to batch 8) it makes the very GEMM calls and softmax of the separate ops, so the numbers are bit
// for bit the unfused ones and a run that observes probabilities gives the logits of one that does not.
// One attention layer (12 heads, head dim 64, random inputs) as a graph of its own on the 2-core
// development VM, 1 thread (2 threads on that shared machine measured mostly its load), minimum of
// 3-100 interleaved runs, fused / unfused:
//   197 tokens (ViT-B/16):  1.062 / 1.040 ms, arena 0.6 / 3.6 MiB; batch 8: 8.58 / 8.43 ms, 4.6 / 28.4 MiB
//   577 tokens:            10.4 / 12.8 ms,  1.7 / 30.5 MiB
//   1024 tokens:           25.4 / 27.4 ms,  3.0 / 96 MiB
//   1500 tokens:           58.8 / 85.8 ms,  4.4 / 206 MiB
//   4096 tokens (SAM's global layers): 403 / 560 ms, 12 MiB / 1.5 GiB
// Whole models hide the difference: `loupe bench vit-forward --threads 1` (ViT-B/16, batch 1) gave
// medians of 281-286 ms fused and 278-283 ms unfused over three interleaved pairs, and its trace put
// the 12 attention layers at 13-22 ms fused and 15-25 ms unfused.
Graph planned(Graph g, Device& device)
{
    if (!fusedAttentionEnabled()) return g;
    return fuseAttention(g, [&](const Node& n) { return device.supportsOp(n); }); // the CPU supports all
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
