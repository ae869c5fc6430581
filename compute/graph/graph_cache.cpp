// SPDX-License-Identifier: MIT
#include "compute/graph/graph_cache.h"

namespace loupe::compute {

std::shared_ptr<CompiledGraph> GraphCache::get(const std::string& key, const std::function<Graph()>& build,
                                               Device& device)
{
    {
        std::lock_guard lock(mutex_);
        for (auto it = entries_.begin(); it != entries_.end(); ++it)
            if (it->first == key) {
                entries_.splice(entries_.begin(), entries_, it);
                ++hits_;
                return entries_.front().second;
            }
        ++misses_;
    }
    auto compiled = std::make_shared<CompiledGraph>();
    compiled->graph = build();
    compiled->plan = planMemory(compiled->graph);
    compiled->arena = device.bufferType().allocate(compiled->plan.arenaBytes);
    std::lock_guard lock(mutex_);
    entries_.emplace_front(key, compiled);
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

} // namespace loupe::compute
