// SPDX-License-Identifier: MIT
#pragma once

#include "compute/backend/backend.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace loupe::compute {

// A run of consecutive nodes of a graph that one device computes, rebuilt as a graph of its own.
// Values made by an earlier segment enter as inputs named "__seg.<node>"; inputs and weights are
// repeated in every segment that reads them (views of them too: views cost nothing).
struct GraphSegment
{
    Device* device = nullptr;
    Graph graph;
    MemoryPlan plan;
    std::unique_ptr<Buffer> arena;
    std::map<std::string, int> boundary; // input name -> original node whose value it receives
    // Key of a kept node in this segment (its name, as Backend::compute reports it) -> the original
    // nodes it stands for: the original graph's kept nodes and the values later segments read.
    std::map<std::string, std::vector<int>> original;
};

// Splits `g` where the nodes `preferred` supports meet the ones it lacks (those run on the CPU).
// Returns nothing when `preferred` supports every node: the graph then runs whole.
std::vector<GraphSegment> splitGraph(const Graph& g, Device& preferred);

// Runs the segments in order, moving boundary values through host memory; `run` sees the original
// graph's kept nodes under their original keys, as if it had run whole.
void runSegments(std::vector<GraphSegment>& segments, const Graph& original, GraphRun& run,
                 Backend& (*backendFor)(Device&));

} // namespace loupe::compute
