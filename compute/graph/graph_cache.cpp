// SPDX-License-Identifier: MIT
#include "compute/graph/graph_cache.h"

#include "compute/graph/fuse_attention.h"

namespace loupe::compute {

namespace {

// Fused attention never writes the [B, H, N, N] probabilities: on a GPU that is the memory and
// bandwidth the unfused chain spends. On the CPU it is used only where it measured faster (see
// fusesOnCpu). Graphs whose probabilities are observed or differentiated keep the separate ops.
bool fusesOnCpu()
{
    return false;
}

Graph planned(Graph g, Device& device)
{
    if (!fusedAttentionEnabled() || (&device == &cpuDevice() && !fusesOnCpu())) return g;
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
