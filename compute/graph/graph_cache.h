// SPDX-License-Identifier: MIT
#pragma once

#include "compute/backend/backend.h"

#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>

namespace loupe::compute {

// A graph with its memory plan and arena, ready to run again.
struct CompiledGraph
{
    Graph graph;
    MemoryPlan plan;
    std::unique_ptr<Buffer> arena;
    std::mutex runMutex; // one run at a time uses the arena
};

// Built graphs and their plans, keyed by input shape and options, so the next image of the same size
// runs at once. Least recently used entries are dropped beyond `capacity`.
class GraphCache
{
public:
    explicit GraphCache(size_t capacity = 8) : capacity_(capacity) {}
    std::shared_ptr<CompiledGraph> get(const std::string& key, const std::function<Graph()>& build,
                                       Device& device);
    size_t size() const;
    size_t hits() const { return hits_; }
    size_t misses() const { return misses_; }
    void clear();

private:
    size_t capacity_;
    mutable std::mutex mutex_;
    std::list<std::pair<std::string, std::shared_ptr<CompiledGraph>>> entries_; // most recent first
    size_t hits_ = 0, misses_ = 0;
};

} // namespace loupe::compute
