// SPDX-License-Identifier: MIT
#pragma once

#include "compute/backend/backend.h"
#include "compute/backend/graph_segments.h"

#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>

namespace loupe::compute {

// A graph with its memory plan and arena on one device, ready to run again. When the device lacks
// some of the graph's ops the graph runs as `segments` (see graph_segments.h) and `arena` is null.
struct CompiledGraph
{
    Graph graph;
    MemoryPlan plan;
    Device* device = nullptr;
    std::unique_ptr<Buffer> arena;
    std::vector<GraphSegment> segments;
    std::mutex runMutex; // one run at a time uses the arena
};

// Plans `g` for `device` and allocates its arena there (throws DeviceError when the device fails).
std::shared_ptr<CompiledGraph> compileGraph(Graph g, Device& device);

// Built graphs and their plans, keyed by device, input shape and options, so the next image of the
// same size runs at once. Least recently used entries are dropped beyond `capacity`.
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
    void drop(const Device& device); // forgets the device's entries (and frees their arenas)

private:
    size_t capacity_;
    mutable std::mutex mutex_;
    // (device, key), most recent first
    std::list<std::pair<std::pair<const Device*, std::string>, std::shared_ptr<CompiledGraph>>> entries_;
    size_t hits_ = 0, misses_ = 0;
};

} // namespace loupe::compute
